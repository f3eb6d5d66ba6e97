"""The first view of a comparison does only what it shows: word diffs for the pairs on the
page, whether a pair's wording changed told without diffing, the paragraphs read as a few
columns. Checked on the real UN cycle (tests/data/texts/un) against the whole computation
done the plain way: every pair, diff and shift must be the same.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from multilateral.extensions import db
from multilateral.models import Document, Version
from multilateral.services import compare
from multilateral.services.versions import units_of
from multilateral.text.align import align
from multilateral.text.segment import segment_text
from multilateral.text.worddiff import EQUAL, tokens_differ, word_diff
from tests.conftest import UN_CYCLE

UN = Path(__file__).resolve().parent / "data" / "texts" / "un"
CYCLE = UN_CYCLE
STEPS = ((1, 2), (2, 3), (1, 3), (3, 1))


def _units(name: str):
    return segment_text((UN / name).read_text(encoding="utf-8")).units


def _variants(text: str) -> list[str]:
    """The same wording spelt otherwise (quotes, spacing, emphasis), and a word changed."""
    words = text.split()
    return [
        text.replace('"', "“").replace("'", "’"),
        "  ".join(words) + " ",
        f"*{text}*",
        " ".join(words[:-1] + ["amended"]) if len(words) > 1 else text + " amended",
        text.replace(",", " ,"),
    ]


def test_tokens_differ_tells_what_the_word_diff_finds() -> None:
    """On every aligned pair of the cycle, and on each paragraph against variants of itself."""
    couples = []
    for a, b in zip(CYCLE, CYCLE[1:], strict=False):
        old, new = _units(a), _units(b)
        for pair in align(old, new):
            old_text = " ".join(old[i].text for i in pair.old)
            new_text = " ".join(new[j].text for j in pair.new)
            couples.append((old_text, new_text))
            couples += [(old_text, v) for v in _variants(old_text)]
    answers = []
    for old_text, new_text in couples:
        diffed = any(op != EQUAL for op, _ in word_diff(old_text, new_text))
        assert tokens_differ(old_text, new_text) == diffed, (old_text, new_text)
        answers.append(diffed)
    # Both answers are given, many times: the check can fail either way.
    assert answers.count(True) > 100 and answers.count(False) > 100


def _plain(old: Version, new: Version) -> list[dict]:
    """Every pair worked out the plain way: the ORM rows, a word diff for each pair."""
    olds, news = old.paragraphs, new.paragraphs
    found = []
    for pair in align(units_of(old), units_of(new)):
        group_old = [olds[i] for i in pair.old]
        group_new = [news[j] for j in pair.new]
        old_text = " ".join(p.text for p in group_old)
        new_text = " ".join(p.text for p in group_new)
        diff = compare._word_diff(pair.op, old_text, new_text)
        shift, removed, added = compare._shift(pair.op, group_old, group_new)
        found.append(
            {
                "op": pair.op,
                "old": [p.id for p in group_old],
                "new": [p.id for p in group_new],
                "diff": diff,
                "wording_changed": any(op != EQUAL for op, _ in diff),
                "shift": shift,
                "cues": (removed, added),
            }
        )
    return found


def _seen(pair: compare.ComparedPair) -> dict:
    return {
        "op": pair.op,
        "old": [p.id for p in pair.olds],
        "new": [p.id for p in pair.news],
        "diff": pair.diff,
        "wording_changed": pair.wording_changed,
        "shift": pair.shift,
        "cues": (pair.cues_removed, pair.cues_added),
    }


def test_pages_show_what_the_whole_computation_finds(app: Flask, un_cycle: int) -> None:
    with app.app_context():
        versions = db.session.get(Document, un_cycle).versions
        for a, b in STEPS:
            old, new = versions[a - 1], versions[b - 1]
            plain = _plain(old, new)
            assert any(p["wording_changed"] for p in plain)
            assert any(p["shift"].verdict != "none" for p in plain)
            db.session.expire_all()  # the page reads what it shows, not loaded rows
            app.extensions.pop("compare_outlines", None)

            # A page works out the word diffs of its own pairs only.
            page = compare.comparison_page(old, new, chars=6000)
            [outline] = app.extensions["compare_outlines"].values()
            shown = [b for b in page.blocks if isinstance(b, compare.ComparedPair)]
            assert shown and set(outline.diffs) == {p.index for p in shown}
            assert page.count > 1 and len(outline.diffs) < len(plain)

            # Every pair of every page, and of every run opened, is the plain one.
            seen: dict[int, dict] = {}
            for number in range(1, page.count + 1):
                blocks = compare.comparison_page(old, new, page=number, chars=6000).blocks
                for block in blocks:
                    if isinstance(block, compare.CollapsedRun):
                        opened = compare.comparison_fragment(
                            old, new, start=block.start, stop=block.stop, chars=10**9
                        )
                        pairs = [p for p in opened if isinstance(p, compare.ComparedPair)]
                        assert len(pairs) == len(block)
                    else:
                        pairs = [block]
                    seen.update((p.index, _seen(p)) for p in pairs)
            assert [seen[k] for k in range(len(plain))] == plain

            # The API's comparison too, and the summary is that of the plain pairs.
            full = compare.compare_versions(old, new)
            assert [_seen(p) for p in full.pairs] == plain
            weakened = [
                k for k, p in enumerate(plain) if p["shift"].verdict in ("weakened", "mixed")
            ]
            assert sorted(p.index for p in full.summary.weakened) == weakened
            assert page.summary.to_dict() == full.summary.to_dict()
