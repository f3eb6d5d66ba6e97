"""Comparing two versions (of one document or of two): aligned pairs, word diff, shifts.

:func:`compare_versions` returns a :class:`Comparison`: typed :class:`ComparedPair` rows (which
paragraphs became which, the word diff, the commitment :class:`~multilateral.text.shifts.Shift`)
and a :class:`ComparisonSummary`. JSON is built in one place, :meth:`Comparison.to_dict`; the
Word redline is :func:`comparison_docx`; the compare page reads :func:`comparison_page` and
:func:`comparison_fragment`.

The costly part of a comparison (alignment, shift judgements, word diffs) depends only on the
two versions' texts and the lexicon, and versions never change once stored; so it is kept per
pair of versions, by the application, as pairs that name their paragraphs by position
(:func:`_outline`). A page of a 5,000-paragraph comparison then reads only the paragraphs it
shows, instead of aligning 10,000 paragraphs on every request.

The first view of a comparison computes the outline: alignment, and the shift of every pair
(the summary counts and lists them). It reads of each paragraph only the few columns these
need, and tells whether a pair's wording changed by comparing its words (what the word diff
would find, without diffing). Word diffs (a quarter to a third of the first view's CPU time
on bench_compare_service's 5,000-paragraph pair, 1,500 of whose pairs are reworded) are worked
out only for the pairs a page, a fragment or the API shows, once each: the outline keeps them
(:meth:`_Outline.diff`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, inspect

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import Paragraph, Version
from multilateral.models.documents import STRUCTURAL_KINDS
from multilateral.services.analysis import analyse_paragraph, stored_analysis
from multilateral.services.versions import units_from, units_of
from multilateral.text.align import align
from multilateral.text.clauses import Analysis
from multilateral.text.redline import RedlineRow, redline_docx
from multilateral.text.shifts import (
    NO_SHIFT,
    SHIFTS,
    Shift,
    judge_change,
    judge_deleted,
    judge_inserted,
)
from multilateral.text.units import Unit
from multilateral.text.worddiff import DELETE, EQUAL, INSERT, diff_html, tokens_differ, word_diff

__all__ = [
    "ASSESSMENTS",
    "COLLAPSE_RUN",
    "FILTERS",
    "MAX_COMPARE_PARAGRAPHS",
    "PAGE_CHARS",
    "CollapsedRun",
    "ComparedPair",
    "Comparison",
    "ComparisonPage",
    "ComparisonSummary",
    "CueChange",
    "compare_versions",
    "comparison_docx",
    "comparison_fragment",
    "comparison_page",
]

#: Each side of a comparison may hold at most this many paragraphs (a long treaty has ~400);
#: alignment time grows with it, so larger inputs are refused with 413.
MAX_COMPARE_PARAGRAPHS = 5000

#: Where the Word redline puts the delegation's shift assessments: nowhere (the default: a
#: redline is forwarded to other delegations) or in Word comments, which a reader can delete.
ASSESSMENTS = ("none", "comments")

#: What the compare page lists: every pair, only changes, or only weakened (and mixed) pairs.
FILTERS = ("all", "changes", "weakened")
#: Consecutive quiet pairs (same wording, same place) are collapsed into one line from this
#: many on; fewer are shown, as the context of the changes around them.
COLLAPSE_RUN = 3
#: Characters of paragraph text (both sides) one page of the compare page shows at most, a
#: single longer pair aside. A 600-paragraph text whose every paragraph changed renders
#: ~1.3 MB of HTML in one piece; a page of this budget stays under ~200 KB.
PAGE_CHARS = 80_000
#: What a pair costs a page besides its text (markup, badges), and what a collapsed run costs.
_PAIR_COST = 300
_RUN_COST = 300
#: Comparisons whose costly part each application keeps (most recently used first).
_KEPT_OUTLINES = 16

_OP_NAMES = {DELETE: "delete", EQUAL: "equal", INSERT: "insert"}
#: Ops whose wording may differ and so get a word diff and a strength shift.
_REWORDED = ("modified", "moved", "split", "merged")
#: Verdicts a negotiator must look at: the summary lists them, "Only weakened" shows them.
_WEAKENING = ("weakened", "mixed")


@dataclass(frozen=True, slots=True)
class CueChange:
    """A clause-analysis cue found on one side of a reworded pair only."""

    role: str
    #: The cue's words, lower case.
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "text": self.text}


@dataclass(frozen=True, slots=True)
class ComparedPair:
    """One aligned item of a comparison: which old paragraph(s) became which new one(s).

    Everything but the paragraphs themselves is known from the alignment; ``olds`` and
    ``news`` hold the :class:`~multilateral.models.Paragraph` rows once they are read (a
    page reads only those it shows; :func:`compare_versions` reads all).
    """

    #: Position of the pair in the comparison (the page's ``#pair-<index>`` anchor).
    index: int
    #: One of :data:`multilateral.text.align.OPS`.
    op: str
    #: Word-level similarity of the wording, 0.0–1.0, rounded to three places.
    similarity: float
    #: Positions of the old paragraphs in their version (none for an inserted pair, several
    #: for a merge), and of the new ones (none for a deleted pair, several for a split).
    old_positions: tuple[int, ...]
    new_positions: tuple[int, ...]
    #: Numbers as printed, joined with ", " for a group ("" when none).
    old_number: str
    new_number: str
    #: Paragraph kind (of the first new paragraph, or the first old one).
    kind: str
    #: Characters of text on both sides: what showing the pair costs a page.
    chars: int
    #: The word diff from the old wording to the new, as (op, text) with
    #: :data:`~multilateral.text.worddiff.DELETE`, ``EQUAL`` and ``INSERT``; None in the
    #: outline the application keeps (worked out when the pair is shown, with its paragraphs).
    diff: tuple[tuple[int, str], ...] | None
    #: "rewritten" for a paragraph rewritten in place (paired by its slot between aligned
    #: neighbours and its opening or rare words, similarity 0.25-0.5), else "".
    reason: str = ""
    #: Did the change make the paragraph bind less or more (the delegation's assessment).
    shift: Shift = NO_SHIFT
    cues_removed: tuple[CueChange, ...] = ()
    cues_added: tuple[CueChange, ...] = ()
    olds: tuple[Paragraph, ...] = ()
    news: tuple[Paragraph, ...] = ()
    #: Does the diff hold a deleted or inserted word: worked out from ``diff`` when it is not
    #: given (the outline gives it, from :func:`_wording_changed`).
    wording_changed: bool = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.wording_changed is None:
            if self.diff is None:
                raise ValueError("a pair needs its diff or whether its wording changed")
            object.__setattr__(self, "wording_changed", any(op != EQUAL for op, _ in self.diff))

    @property
    def old(self) -> Paragraph | None:
        return self.olds[0] if self.olds else None

    @property
    def new(self) -> Paragraph | None:
        return self.news[0] if self.news else None

    @property
    def number(self) -> str:
        """The number a reader looks for: the new one, or the old one of a deleted pair."""
        return self.new_number or self.old_number

    @property
    def renumbered(self) -> bool:
        """Both sides carry a number and the numbers differ ("5" → "6")."""
        return bool(self.old_number and self.new_number and self.old_number != self.new_number)

    @property
    def old_text(self) -> str:
        return " ".join(p.text for p in self.olds)

    @property
    def new_text(self) -> str:
        return " ".join(p.text for p in self.news)

    @property
    def formatting_only(self) -> bool:
        """Same wording, different spelling of it (spacing, quotes, emphasis)."""
        return (
            self.op in ("unchanged", "renumbered", "moved")
            and not self.wording_changed
            and self.old_text != self.new_text
        )

    @property
    def is_change(self) -> bool:
        """Counted as a change: a wording change or any op but ``unchanged``."""
        return self.wording_changed or self.op != "unchanged"

    @property
    def is_weakened(self) -> bool:
        """Weakened or mixed: what "Only weakened" shows and the summary lists."""
        return self.shift.verdict in _WEAKENING

    @property
    def quiet(self) -> bool:
        """Nothing to read: the wording is the same and the paragraph stayed in its place
        (perhaps renumbered). Long runs of quiet pairs are collapsed on the compare page."""
        return self.op in ("unchanged", "renumbered") and not self.wording_changed

    def diff_html(self, side: str = "both") -> str:
        """The word diff as escaped HTML: ``both`` sides inline, or the ``old`` side (equal
        and deleted words) or the ``new`` side (equal and inserted words)."""
        dropped = {"old": INSERT, "new": DELETE}.get(side)
        return diff_html([(op, text) for op, text in self._diff() if op != dropped])

    def _diff(self) -> tuple[tuple[int, str], ...]:
        if self.diff is None:
            raise ValueError(f"pair {self.index} was not given its paragraphs and word diff")
        return self.diff

    def to_dict(self) -> dict[str, Any]:
        old, new = self.old, self.new
        data: dict[str, Any] = {
            "index": self.index,
            "op": self.op,
            "similarity": self.similarity,
            "reason": self.reason,
            "old": old.to_dict() if old else None,
            "new": new.to_dict() if new else None,
            "old_group": [p.to_dict() for p in self.olds],
            "new_group": [p.to_dict() for p in self.news],
            "old_number": self.old_number,
            "new_number": self.new_number,
            "wording_changed": self.wording_changed,
            "formatting_only": self.formatting_only,
            "diff": [{"op": _OP_NAMES[op], "text": text} for op, text in self._diff()],
            "diff_html": self.diff_html(),
            "shift": self.shift.verdict,
            "shift_reasons": list(self.shift.reasons),
            "cues_removed": [c.to_dict() for c in self.cues_removed],
            "cues_added": [c.to_dict() for c in self.cues_added],
        }
        if self.op == "moved" and old and new:
            data["moved_from"] = old.position
            data["moved_to"] = new.position
        return data

    def weakened_entry(self) -> dict[str, Any]:
        """The pair as a line of the summary's ``weakened`` list."""
        return {
            "index": self.index,
            "number": self.number,
            "kind": self.kind,
            "op": self.op,
            "shift": self.shift.verdict,
            "from": _verdict(self.old),
            "to": _verdict(self.new),
            "reasons": list(self.shift.reasons),
            "cues_removed": [c.to_dict() for c in self.cues_removed],
            "cues_added": [c.to_dict() for c in self.cues_added],
        }


@dataclass(frozen=True, slots=True)
class ComparisonSummary:
    """What changed, counted over every pair (the page shows it whole, however long)."""

    #: Pairs per op ("unchanged", "modified" …); ops that did not occur are absent.
    ops: dict[str, int]
    #: Pairs that are not ``unchanged``, or whose wording changed.
    changes: int
    wording_changes: int
    #: Weakened and mixed pairs, operative paragraphs first, then in reading order.
    weakened: tuple[ComparedPair, ...]
    #: Pairs per verdict, every verdict of :data:`~multilateral.text.shifts.SHIFTS` present.
    shifts: dict[str, int]

    @property
    def strengthened(self) -> int:
        """Strengthened pairs, mixed ones included (they strengthen something too)."""
        return self.shifts["strengthened"] + self.shifts["mixed"]

    @classmethod
    def of(cls, pairs: Sequence[ComparedPair]) -> ComparisonSummary:
        ops: dict[str, int] = {}
        shifts = dict.fromkeys(SHIFTS, 0)
        for pair in pairs:
            ops[pair.op] = ops.get(pair.op, 0) + 1
            shifts[pair.shift.verdict] += 1
        weakened = sorted(
            (p for p in pairs if p.is_weakened), key=lambda p: (p.kind != "operative", p.index)
        )
        return cls(
            ops=ops,
            changes=sum(n for op, n in ops.items() if op != "unchanged"),
            wording_changes=sum(1 for p in pairs if p.wording_changed),
            weakened=tuple(weakened),
            shifts=shifts,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ops": dict(self.ops),
            "changes": self.changes,
            "wording_changes": self.wording_changes,
            "weakened": [p.weakened_entry() for p in self.weakened],
            "strengthened": self.strengthened,
            "shifts": dict(self.shifts),
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    old: Version
    new: Version
    #: Every pair, in reading order, with its paragraphs.
    pairs: tuple[ComparedPair, ...]
    summary: ComparisonSummary

    def to_dict(self) -> dict[str, Any]:
        """The comparison as the API answers it (the one place it becomes JSON)."""
        return {
            "from": _version_ref(self.old),
            "to": _version_ref(self.new),
            "summary": self.summary.to_dict(),
            "pairs": [pair.to_dict() for pair in self.pairs],
        }


def _version_ref(version: Version) -> dict[str, Any]:
    return {
        "document": version.document_id,
        "title": version.document.title,
        **version.to_dict(),
    }


def _verdict(paragraph: Paragraph | None) -> dict[str, Any] | None:
    if paragraph is None:
        return None
    return {"label": paragraph.label, "strength": paragraph.strength}


def _numbers(group: Sequence[Paragraph]) -> str:
    return ", ".join(p.number for p in group if p.number)


def _analysis_of(group: Sequence[_Stored]) -> Analysis | None:
    """A fresh analysis of a group of paragraphs read as one, with its clauses; a sub-paragraph
    whose verb is its chapeau's keeps the stored (inherited) verdict."""
    if not group:
        return None
    fresh = analyse_paragraph(" ".join(p.text for p in group), group[0].kind)
    if fresh is not None and fresh.label == "descriptive" and group[0].label != "descriptive":
        if len(group) == 1:  # rare: the whole row, for its stored cues and explanation
            return stored_analysis(db.session.get(Paragraph, group[0].id))
        return fresh
    return fresh


def _cue_changes(before: Analysis, after: Analysis) -> tuple[tuple[CueChange, ...], ...]:
    """The cues only the old analysis has, and those only the new one has."""
    old_cues = {(c.role, c.text.lower()) for c in before.cues}
    new_cues = {(c.role, c.text.lower()) for c in after.cues}
    return (
        tuple(CueChange(r, t) for r, t in sorted(old_cues - new_cues)),
        tuple(CueChange(r, t) for r, t in sorted(new_cues - old_cues)),
    )


def _shift(
    op: str, olds: Sequence[_Stored], news: Sequence[_Stored]
) -> tuple[Shift, tuple[CueChange, ...], tuple[CueChange, ...]]:
    """The commitment shift of one aligned pair (see :mod:`multilateral.text.shifts`), with
    the cues that came and went for a reworded pair."""
    kind = (olds or news)[0].kind
    if kind in STRUCTURAL_KINDS:
        return NO_SHIFT, (), ()
    if op in _REWORDED:
        old, new = _analysis_of(olds), _analysis_of(news)
        removed, added = _cue_changes(old, new) if old and new else ((), ())
        return judge_change(old, new), removed, added
    if op == "deleted":
        return judge_deleted(_analysis_of(olds)), (), ()
    if op == "inserted":
        return judge_inserted(_analysis_of(news)), (), ()
    return NO_SHIFT, (), ()


def _wording_changed(op: str, old_text: str, new_text: str) -> bool:
    """Would :func:`_word_diff` hold a deleted or inserted word? Told without diffing."""
    if op in _REWORDED:
        return tokens_differ(old_text, new_text)
    return op in ("inserted", "deleted")


def _word_diff(op: str, old_text: str, new_text: str) -> tuple[tuple[int, str], ...]:
    if op in _REWORDED:
        return tuple(word_diff(old_text, new_text))
    if op == "inserted":
        return ((INSERT, new_text),)
    if op == "deleted":
        return ((DELETE, old_text),)
    return ((EQUAL, new_text),)


def _check_size(version: Version) -> None:
    """413 for a version over the limit, told before its paragraphs are read."""
    count = db.session.scalar(
        db.select(func.count()).select_from(Paragraph).filter_by(version_id=version.id)
    )
    if count > MAX_COMPARE_PARAGRAPHS:
        raise ServiceError(
            413,
            "too-large",
            f"Version {version.number} has {count:,} paragraphs; a comparison "
            f"takes at most {MAX_COMPARE_PARAGRAPHS:,} per side.",
        )


#: What the outline reads of a stored paragraph: a row of a few of its columns (``id``,
#: ``kind``, ``number``, ``text``, ``label``), not the ORM object: 10,000 of those with their
#: JSON cues take a good part of the time of aligning them. A loaded Paragraph will do too.
_Stored = Any


def _stored(version: Version) -> tuple[Sequence[_Stored], list[Unit]]:
    """The paragraphs of ``version`` in order, and the same as the text layer's units (as
    :func:`~multilateral.services.versions.units_of` makes them)."""
    if "paragraphs" not in inspect(version).unloaded:
        return version.paragraphs, units_of(version)
    found = db.session.execute(
        db.select(
            Paragraph.id,
            Paragraph.kind,
            Paragraph.number,
            Paragraph.text,
            Paragraph.label,
            Paragraph.parent_id,
            Paragraph.heading,
            Paragraph.bracketed,
        )
        .where(Paragraph.version_id == version.id)
        .order_by(Paragraph.position)
    ).all()
    return found, units_from(found)


def _outline_now(old: Version, new: Version) -> _Outline:
    """Align and judge every pair: the costly part of a comparison (word diffs come later,
    for the pairs shown)."""
    for version in (old, new):
        _check_size(version)
    (old_paragraphs, old_units), (new_paragraphs, new_units) = _stored(old), _stored(new)
    pairs = []
    for index, pair in enumerate(align(old_units, new_units)):
        olds = [old_paragraphs[i] for i in pair.old]
        news = [new_paragraphs[j] for j in pair.new]
        old_text = " ".join(p.text for p in olds)
        new_text = " ".join(p.text for p in news)
        shift, removed, added = _shift(pair.op, olds, news)
        pairs.append(
            ComparedPair(
                index=index,
                op=pair.op,
                similarity=round(pair.similarity, 3),
                old_positions=tuple(pair.old),
                new_positions=tuple(pair.new),
                old_number=_numbers(olds),
                new_number=_numbers(news),
                kind=(news or olds)[0].kind,
                chars=len(old_text) + len(new_text),
                diff=None,
                wording_changed=_wording_changed(pair.op, old_text, new_text),
                reason=pair.reason,
                shift=shift,
                cues_removed=removed,
                cues_added=added,
            )
        )
    return _Outline(tuple(pairs), ComparisonSummary.of(pairs))


def _version_key(version: Version) -> tuple[Any, ...]:
    # The id alone could be reused by SQLite after a deletion; the content hash and the time
    # of arrival tell two versions apart.
    return (version.id, version.sha256, version.created_at)


_outlines_lock = threading.Lock()


def _outline(old: Version, new: Version) -> _Outline:
    """Every pair of the comparison, without its paragraphs (see the module's docstring):
    computed once per pair of versions and kept by the application. Versions are append-only
    and the lexicon is loaded at start-up, so what is kept stays right (and the size limit,
    checked when it was computed, still holds)."""
    kept: OrderedDict = current_app.extensions.setdefault("compare_outlines", OrderedDict())
    key = (_version_key(old), _version_key(new))
    with _outlines_lock:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    outline = _outline_now(old, new)
    with _outlines_lock:
        kept[key] = outline
        while len(kept) > _KEPT_OUTLINES:
            kept.popitem(last=False)
    return outline


def _with_paragraphs(
    old: Version,
    new: Version,
    outline: _Outline,
    pairs: Iterable[ComparedPair],
    *,
    diffs: bool = True,
) -> dict[int, ComparedPair]:
    """The given pairs with their paragraphs and (unless ``diffs`` is false) their word
    diffs, by index: the paragraphs read from the versions when they are loaded already (or
    most of them are wanted), else with one query per side."""
    pairs = list(pairs)
    sides = []
    for version, wanted in (
        (old, {i for p in pairs for i in p.old_positions}),
        (new, {j for p in pairs for j in p.new_positions}),
    ):
        if "paragraphs" not in inspect(version).unloaded or len(wanted) > 1000:
            by_position = dict(enumerate(version.paragraphs))
        else:
            by_position = {
                p.position: p
                for p in db.session.scalars(
                    db.select(Paragraph).where(
                        Paragraph.version_id == version.id, Paragraph.position.in_(wanted)
                    )
                )
            }
        sides.append(by_position)
    olds, news = sides
    found = {}
    for p in pairs:
        group_old = tuple(olds[i] for i in p.old_positions)
        group_new = tuple(news[j] for j in p.new_positions)
        diff = outline.diff(p, group_old, group_new) if diffs else p.diff
        found[p.index] = replace(p, olds=group_old, news=group_new, diff=diff)
    return found


def _summary(old: Version, new: Version, outline: _Outline) -> ComparisonSummary:
    """The summary, its weakened pairs with their paragraphs (not their word diffs: the
    summary lists verdicts and reasons)."""
    summary = outline.summary
    found = _with_paragraphs(old, new, outline, summary.weakened, diffs=False)
    return replace(summary, weakened=tuple(found[p.index] for p in summary.weakened))


def compare_versions(old: Version, new: Version) -> Comparison:
    """Align ``old`` with ``new`` and describe every pair; old and new may belong to
    different documents (a new draft against last year's resolution)."""
    outline = _outline(old, new)
    found = _with_paragraphs(old, new, outline, outline.pairs)
    pairs = tuple(found[p.index] for p in outline.pairs)
    summary = ComparisonSummary.of(pairs)
    return Comparison(old=old, new=new, pairs=pairs, summary=summary)


@dataclass(frozen=True, slots=True)
class CollapsedRun:
    """Consecutive pairs shown as one line ("12 unchanged paragraphs") and loaded on demand."""

    pairs: tuple[ComparedPair, ...]

    @property
    def start(self) -> int:
        """Index of the first pair."""
        return self.pairs[0].index

    @property
    def stop(self) -> int:
        """Index after the last pair."""
        return self.pairs[-1].index + 1

    @property
    def renumbered(self) -> int:
        """How many of the pairs changed number."""
        return sum(1 for p in self.pairs if p.renumbered)

    @property
    def quiet(self) -> bool:
        """True when no pair of the run has anything to read (the usual case)."""
        return all(p.quiet for p in self.pairs)

    @property
    def first_number(self) -> str:
        return next((p.number for p in self.pairs if p.number), "")

    @property
    def last_number(self) -> str:
        return next((p.number for p in reversed(self.pairs) if p.number), "")

    def __len__(self) -> int:
        return len(self.pairs)


#: What the compare page shows in order: a pair in full, or a collapsed run of pairs.
Block = ComparedPair | CollapsedRun


@dataclass(frozen=True, slots=True)
class ComparisonPage:
    """One page of the compare page: the summary of the whole comparison, the page's blocks
    (pairs with their paragraphs, and collapsed runs), and where changes on other pages are.

    A change "shown" is a pair given in full that is a change (not inside a collapsed run):
    what the previous/next buttons go to.
    """

    summary: ComparisonSummary
    #: 1-based.
    number: int
    count: int
    #: One of :data:`FILTERS`.
    only: str
    blocks: tuple[Block, ...]
    #: How many pairs the filter selects, over all pages.
    selected: int
    #: (pair index, page) of the last change shown on an earlier page, and of the first one
    #: on a later page.
    previous_change: tuple[int, int] | None
    next_change: tuple[int, int] | None
    #: Page of every selected pair.
    pages: dict[int, int]

    def page_of(self, index: int) -> int | None:
        return self.pages.get(index)

    @property
    def shows_change(self) -> bool:
        """Does this page show a change in full (something for "Next" to go to)?"""
        return any(_shown_change(block) for block in self.blocks)


def _selected(outline: Sequence[ComparedPair], only: str) -> list[ComparedPair]:
    if only not in FILTERS:
        raise ValueError(f"only must be one of {FILTERS}, not {only!r}")
    if only == "changes":
        return [p for p in outline if p.is_change]
    if only == "weakened":
        return [p for p in outline if p.is_weakened]
    return list(outline)


def _blocks(pairs: Sequence[ComparedPair], *, run: int = COLLAPSE_RUN) -> list[Block]:
    """Pairs in order, each maximal series of at least ``run`` consecutive quiet pairs
    collapsed (consecutive in the comparison: a filtered-out pair breaks a series)."""
    blocks: list[Block] = []
    series: list[ComparedPair] = []

    def close() -> None:
        if len(series) >= run:
            blocks.append(CollapsedRun(tuple(series)))
        else:
            blocks.extend(series)
        series.clear()

    for pair in pairs:
        if series and (not pair.quiet or pair.index != series[-1].index + 1):
            close()
        if pair.quiet:
            series.append(pair)
        else:
            blocks.append(pair)
    close()
    return blocks


def _cost(block: Block) -> int:
    return _RUN_COST if isinstance(block, CollapsedRun) else block.chars + _PAIR_COST


def _paginate(blocks: Sequence[Block], chars: int) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    used = 0
    for block in blocks:
        cost = _cost(block)
        if pages[-1] and used + cost > chars:
            pages.append([])
            used = 0
        pages[-1].append(block)
        used += cost
    return pages


def _shown_change(block: Block) -> bool:
    return isinstance(block, ComparedPair) and block.is_change


@dataclass(frozen=True, slots=True)
class _Layout:
    """The pages of one list of a comparison (all pairs, changes or weakened ones)."""

    pages: tuple[tuple[Block, ...], ...]
    #: Page of every pair on the list.
    page_of: dict[int, int]
    #: (pair index, page) of every change shown in full, in order.
    changes: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, pairs: Sequence[ComparedPair], chars: int) -> _Layout:
        pages = _paginate(_blocks(pairs), chars)
        page_of: dict[int, int] = {}
        changes = []
        for number, blocks in enumerate(pages, start=1):
            for block in blocks:
                for p in block.pairs if isinstance(block, CollapsedRun) else (block,):
                    page_of[p.index] = number
                if _shown_change(block):
                    changes.append((block.index, number))
        return cls(tuple(map(tuple, pages)), page_of, tuple(changes))


@dataclass(slots=True)
class _Outline:
    """A comparison as the application keeps it: its pairs without their paragraphs, the
    summary, and the layout of each list of it once it has been asked for."""

    pairs: tuple[ComparedPair, ...]
    summary: ComparisonSummary
    layouts: dict[tuple[str, int], _Layout] = field(default_factory=dict)
    #: Word diffs of the pairs shown so far, by pair index.
    diffs: dict[int, tuple[tuple[int, str], ...]] = field(default_factory=dict)

    def diff(
        self, pair: ComparedPair, olds: Sequence[Paragraph], news: Sequence[Paragraph]
    ) -> tuple[tuple[int, str], ...]:
        """The word diff of ``pair``, whose paragraphs are ``olds`` and ``news``: worked out
        the first time it is asked for, then kept (two requests may both work it out; they
        find the same)."""
        found = self.diffs.get(pair.index)
        if found is None:
            old_text = " ".join(p.text for p in olds)
            new_text = " ".join(p.text for p in news)
            found = self.diffs[pair.index] = _word_diff(pair.op, old_text, new_text)
        return found

    def layout(self, only: str, chars: int) -> _Layout:
        if (only, chars) not in self.layouts:
            self.layouts[only, chars] = _Layout.of(_selected(self.pairs, only), chars)
        return self.layouts[only, chars]


def _with_paragraphs_in(
    old: Version, new: Version, outline: _Outline, blocks: Sequence[Block]
) -> tuple[Block, ...]:
    found = _with_paragraphs(old, new, outline, (b for b in blocks if isinstance(b, ComparedPair)))
    return tuple(found[b.index] if isinstance(b, ComparedPair) else b for b in blocks)


def comparison_page(
    old: Version,
    new: Version,
    *,
    only: str = "all",
    page: int = 1,
    pair: int | None = None,
    chars: int | None = None,
) -> ComparisonPage:
    """Page ``page`` (clamped to the pages there are) of the pairs ``only`` selects, or the
    page holding pair ``pair`` when it is given and selected. Long runs of quiet pairs are
    collapsed and pages hold about ``chars`` (by default :data:`PAGE_CHARS`) characters of
    text, so a 5,000-paragraph comparison is as light to show as a short one; the summary
    covers every pair."""
    outline = _outline(old, new)
    layout = outline.layout(only, chars or PAGE_CHARS)
    pages, page_of, changes = layout.pages, layout.page_of, layout.changes
    if pair is not None and pair in page_of:
        page = page_of[pair]
    page = min(max(page, 1), len(pages))
    earlier = [c for c in changes if c[1] < page]
    later = [c for c in changes if c[1] > page]
    return ComparisonPage(
        summary=_summary(old, new, outline),
        number=page,
        count=len(pages),
        only=only,
        blocks=_with_paragraphs_in(old, new, outline, pages[page - 1]),
        selected=len(page_of),
        previous_change=earlier[-1] if earlier else None,
        next_change=later[0] if later else None,
        pages=page_of,
    )


def comparison_fragment(
    old: Version,
    new: Version,
    *,
    only: str = "all",
    start: int,
    stop: int,
    focus: int | None = None,
    chars: int | None = None,
) -> tuple[Block, ...]:
    """The pairs ``only`` selects from index ``start`` up to ``stop``, in full: what a
    collapsed run opens into. At most about ``chars`` characters of them are given in full,
    those around ``focus`` (else the first ones); the rest come back as collapsed runs."""
    outline = _outline(old, new)
    pairs = [p for p in _selected(outline.pairs, only) if start <= p.index < stop]
    if not pairs:
        return ()
    chars = chars or PAGE_CHARS
    at = next((k for k, p in enumerate(pairs) if p.index == focus), 0)
    first = last = at
    used = _cost(pairs[at])
    while True:  # widen the window after the focus first, then before it
        if last + 1 < len(pairs) and used + _cost(pairs[last + 1]) <= chars:
            last += 1
            used += _cost(pairs[last])
        elif first > 0 and used + _cost(pairs[first - 1]) <= chars:
            first -= 1
            used += _cost(pairs[first])
        else:
            break
    before = [CollapsedRun(tuple(pairs[:first]))] if first else []
    after = [CollapsedRun(tuple(pairs[last + 1 :]))] if last + 1 < len(pairs) else []
    return _with_paragraphs_in(old, new, outline, [*before, *pairs[first : last + 1], *after])


def _version_line(version: Version) -> str:
    """How the redline names a version: "version 2 (Rev.1, 2026-05-04)"."""
    details = [d for d in (version.label, version.date.isoformat() if version.date else "") if d]
    return f"version {version.number}" + (f" ({', '.join(details)})" if details else "")


def _structural_note(pair: ComparedPair) -> str:
    """A fact about where the text went, never a judgement of it."""
    if pair.op == "moved" and pair.old:
        return f"Moved (was {pair.old_number or 'unnumbered'})."
    if pair.op in ("split", "merged"):
        return f"{pair.op.capitalize()}: {pair.old_number or '–'} → {pair.new_number or '–'}."
    return ""


def _assessment(pair: ComparedPair) -> str:
    """The delegation's reading of a pair's shift, for a Word comment: the verdict and the
    clauses that decided it ("Assessment: weakened: 'shall adopt' → 'may adopt' …")."""
    if pair.shift.verdict == "none":
        return ""
    text = f"Assessment: {pair.shift.verdict}"
    if pair.shift.reasons:
        return f"{text}: {'; '.join(pair.shift.reasons)}."
    if pair.old and pair.new:
        return (
            f"{text} ({pair.old.label} {pair.old.strength} → {pair.new.label} {pair.new.strength})."
        )
    return f"{text}."


def _redline_rows(pairs: Iterable[ComparedPair], *, assessments: str) -> Iterator[RedlineRow]:
    for pair in pairs:
        yield RedlineRow(
            number=pair.number,
            old_number=pair.old_number if pair.olds and pair.news else None,
            old_text=pair.old_text if pair.olds else None,
            new_text=pair.new_text if pair.news else None,
            note=_structural_note(pair),
            comment=_assessment(pair) if assessments == "comments" else "",
        )


def comparison_docx(comparison: Comparison, *, author: str, assessments: str = "none") -> bytes:
    """The comparison as a Word redline with real tracked changes (accept = newer text).

    The redline carries only the text: its changes, renumberings as tracked changes of the
    number, and where a paragraph moved, split or merged. It is safe to forward. With
    ``assessments="comments"`` each pair's shift verdict and reasons are added as Word
    comments, which stay out of the text and can be deleted before it goes further.
    """
    if assessments not in ASSESSMENTS:
        raise ValueError(f"assessments must be one of {ASSESSMENTS}, not {assessments!r}")
    old, new = comparison.old, comparison.new
    symbols = [v.document.symbol or v.document.title for v in (old, new)]
    texts = symbols[1] if symbols[0] == symbols[1] else f"{symbols[0]} → {symbols[1]}"
    header = f"{texts}: changes from {_version_line(old)} to {_version_line(new)}"
    return redline_docx(
        list(_redline_rows(comparison.pairs, assessments=assessments)),
        title=new.document.title,
        author=author,
        date=datetime.now(UTC),
        subtitle=header,
        header=header,
    )
