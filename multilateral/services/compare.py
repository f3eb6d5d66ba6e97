"""Comparing two versions (of one document or of two): aligned pairs, word diff, shifts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from multilateral.errors import ServiceError
from multilateral.models import Paragraph, Version
from multilateral.services.analysis import analyse_paragraph, stored_analysis
from multilateral.services.versions import units_of
from multilateral.text.align import align
from multilateral.text.clauses import Analysis
from multilateral.text.redline import RedlineRow, redline_docx
from multilateral.text.shifts import NO_SHIFT, SHIFTS, judge_change, judge_deleted, judge_inserted
from multilateral.text.worddiff import DELETE, EQUAL, INSERT, diff_html, word_diff

__all__ = ["MAX_COMPARE_PARAGRAPHS", "Comparison", "compare_versions", "comparison_docx"]

#: Each side of a comparison may hold at most this many paragraphs (a long treaty has ~400);
#: alignment time grows with it, so larger inputs are refused with 413.
MAX_COMPARE_PARAGRAPHS = 5000

_OP_NAMES = {DELETE: "delete", EQUAL: "equal", INSERT: "insert"}
#: Ops whose wording may differ and so get a word diff and a strength shift.
_REWORDED = ("modified", "moved", "split", "merged")
#: Structural units whose strength means nothing.
_STRUCTURAL = ("article", "chapter", "title", "heading", "annex")


@dataclass(slots=True)
class Comparison:
    old: Version
    new: Version
    pairs: list[dict[str, Any]]
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": _version_ref(self.old),
            "to": _version_ref(self.new),
            "summary": self.summary,
            "pairs": self.pairs,
        }


def _version_ref(version: Version) -> dict[str, Any]:
    return {
        "document": version.document_id,
        "title": version.document.title,
        **version.to_dict(),
    }


def _paragraph_ref(p: Paragraph) -> dict[str, Any]:
    return {
        "id": p.id,
        "position": p.position,
        "kind": p.kind,
        "number": p.number,
        "heading": p.heading,
        "text": p.text,
        "lineage": p.lineage,
        "bracketed": p.bracketed,
        "label": p.label,
        "strength": p.strength,
        "explanation": p.explanation,
    }


def _analysis_of(group: Sequence[Paragraph]) -> Analysis | None:
    """A fresh analysis of a group of paragraphs read as one, with its clauses; a sub-paragraph
    whose verb is its chapeau's keeps the stored (inherited) verdict."""
    if not group:
        return None
    fresh = analyse_paragraph(" ".join(p.text for p in group), group[0].kind)
    if fresh is not None and fresh.label == "descriptive" and group[0].label != "descriptive":
        return stored_analysis(group[0]) if len(group) == 1 else fresh
    return fresh


def _shift(op: str, olds: Sequence[Paragraph], news: Sequence[Paragraph]) -> dict[str, Any]:
    """The commitment shift of one aligned pair (see :mod:`multilateral.text.shifts`)."""
    kind = (olds or news)[0].kind
    old = new = None
    if kind in _STRUCTURAL:
        shift = NO_SHIFT
    elif op in _REWORDED:
        old, new = _analysis_of(olds), _analysis_of(news)
        shift = judge_change(old, new)
    elif op == "deleted":
        shift = judge_deleted(_analysis_of(olds))
    elif op == "inserted":
        shift = judge_inserted(_analysis_of(news))
    else:
        shift = NO_SHIFT
    old_cues = {(c.role, c.text.lower()) for c in old.cues} if old and new else set()
    new_cues = {(c.role, c.text.lower()) for c in new.cues} if old and new else set()
    return {
        "shift": shift.verdict,
        "shift_reasons": list(shift.reasons),
        "cues_removed": [{"role": r, "text": t} for r, t in sorted(old_cues - new_cues)],
        "cues_added": [{"role": r, "text": t} for r, t in sorted(new_cues - old_cues)],
    }


def _verdict(paragraph: dict[str, Any] | None) -> dict[str, Any] | None:
    if paragraph is None:
        return None
    return {"label": paragraph["label"], "strength": paragraph["strength"]}


def _numbers(group: Sequence[Paragraph]) -> str:
    return ", ".join(p.number for p in group if p.number)


def compare_versions(old: Version, new: Version) -> Comparison:
    """Align ``old`` with ``new`` and describe every pair; old and new may belong to
    different documents (a new draft against last year's resolution)."""
    old_paragraphs, new_paragraphs = old.paragraphs, new.paragraphs
    for version, paragraphs in ((old, old_paragraphs), (new, new_paragraphs)):
        if len(paragraphs) > MAX_COMPARE_PARAGRAPHS:
            raise ServiceError(
                413,
                "too-large",
                f"Version {version.number} has {len(paragraphs):,} paragraphs; a comparison "
                f"takes at most {MAX_COMPARE_PARAGRAPHS:,} per side.",
            )
    pairs: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    weakened: list[dict[str, Any]] = []
    shifts = dict.fromkeys(SHIFTS, 0)
    for index, pair in enumerate(align(units_of(old), units_of(new))):
        olds = [old_paragraphs[i] for i in pair.old]
        news = [new_paragraphs[j] for j in pair.new]
        old_text = " ".join(p.text for p in olds)
        new_text = " ".join(p.text for p in news)
        if pair.op in _REWORDED:
            ops = word_diff(old_text, new_text)
        elif pair.op == "inserted":
            ops = [(INSERT, new_text)]
        elif pair.op == "deleted":
            ops = [(DELETE, old_text)]
        else:
            ops = [(EQUAL, new_text)]
        shift = _shift(pair.op, olds, news)
        row = {
            "index": index,
            "op": pair.op,
            "similarity": round(pair.similarity, 3),
            "old": _paragraph_ref(olds[0]) if olds else None,
            "new": _paragraph_ref(news[0]) if news else None,
            "old_group": [_paragraph_ref(p) for p in olds],
            "new_group": [_paragraph_ref(p) for p in news],
            "old_number": _numbers(olds),
            "new_number": _numbers(news),
            "wording_changed": any(op != EQUAL for op, _ in ops),
            "formatting_only": pair.op in ("unchanged", "renumbered", "moved")
            and old_text != new_text
            and all(op == EQUAL for op, _ in ops),
            "diff": [{"op": _OP_NAMES[op], "text": text} for op, text in ops],
            "diff_html": diff_html(ops),
            **shift,
        }
        if pair.op == "moved":
            row["moved_from"] = olds[0].position
            row["moved_to"] = news[0].position
        pairs.append(row)
        counts[pair.op] = counts.get(pair.op, 0) + 1
        shifts[shift["shift"]] += 1
        if shift["shift"] in ("weakened", "mixed"):
            weakened.append(row)
    operative_first = sorted(
        weakened, key=lambda r: ((r["new"] or r["old"])["kind"] != "operative", r["index"])
    )
    summary = {
        "ops": counts,
        "changes": sum(n for op, n in counts.items() if op != "unchanged"),
        "wording_changes": sum(1 for p in pairs if p["wording_changed"]),
        "weakened": [
            {
                "index": r["index"],
                "number": r["new_number"] or r["old_number"],
                "kind": (r["new"] or r["old"])["kind"],
                "op": r["op"],
                "shift": r["shift"],
                "from": _verdict(r["old"]),
                "to": _verdict(r["new"]),
                "reasons": r["shift_reasons"],
                "cues_removed": r["cues_removed"],
                "cues_added": r["cues_added"],
            }
            for r in operative_first
        ],
        "strengthened": shifts["strengthened"] + shifts["mixed"],
        "shifts": shifts,
    }
    return Comparison(old=old, new=new, pairs=pairs, summary=summary)


def comparison_docx(comparison: Comparison, *, author: str) -> bytes:
    """The comparison as a Word redline with real tracked changes (accept = newer text)."""
    rows = []
    for pair in comparison.pairs:
        old_text = " ".join(p["text"] for p in pair["old_group"]) or None
        new_text = " ".join(p["text"] for p in pair["new_group"]) or None
        note = ""
        if pair["op"] == "moved":
            note = f"Moved (was {pair['old_number'] or 'unnumbered'})."
        elif pair["op"] in ("split", "merged"):
            note = f"{pair['op'].capitalize()}: {pair['old_number']} → {pair['new_number']}."
        if pair["shift"] != "none":
            note = (note + " " if note else "") + f"Strength {pair['shift']}."
        rows.append(
            RedlineRow(
                number=pair["new_number"] or pair["old_number"],
                old_text=old_text,
                new_text=new_text,
                note=note,
            )
        )
    old, new = comparison.old, comparison.new
    return redline_docx(
        rows,
        title=new.document.title,
        author=author,
        date=datetime.now(UTC),
        subtitle=f"Changes from {_label(old)} to {_label(new)}",
    )


def _label(version: Version) -> str:
    return f"version {version.number}" + (f" ({version.label})" if version.label else "")
