"""The fast paths of clause analysis and mandate extraction find what the plain ones find.

Clause analysis reads lowered text case-sensitively where that is the same as reading the
original case-insensitively (``lower_aligned``), with the lexicon's alternatives split into a
pattern for the paragraph's start and one tried after each separator; mandate extraction does
the same with its own patterns and looks for the words a pattern needs before running it. Each
test runs both readings over the real texts in tests/data (and their upper- and title-cased
forms) and compares them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from multilateral.text import clauses, mandates
from multilateral.text.clauses import analyse, clauses_of, default_lexicon, lower_aligned
from multilateral.text.mandates import extract_mandates
from multilateral.text.segment import segment_text

DATA = Path(__file__).resolve().parent.parent / "data"


def _paragraphs() -> list[tuple[str, str]]:
    """(kind, text) of every unit of the shipped texts and of the labelled evaluation sets."""
    found: list[tuple[str, str]] = []
    for path in sorted((DATA / "texts").rglob("*.txt")):
        if path.name == "README.md":
            continue
        found += [
            (unit.kind, unit.text)
            for unit in segment_text(path.read_text(encoding="utf-8")).units
            if unit.text.strip()
        ]
    for name in ("clause_labels.csv", "clause_labels_un.csv"):
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            found += [("operative", row["text"]) for row in csv.DictReader(handle)]
    return found


PARAGRAPHS = _paragraphs()
#: The same paragraphs upper-cased and title-cased: the case-insensitive reading must not care.
VARIANTS = [(k, t) for k, t in PARAGRAPHS] + [
    (k, f(t)) for k, t in PARAGRAPHS[::3] for f in (str.upper, str.title)
]


def _safe_characters() -> list[str]:
    ranges = re.findall(r"\\(?:x|u)([0-9a-f]+)-\\(?:x|u)([0-9a-f]+)", clauses._CASE_SAFE)
    return [chr(c) for low, high in ranges for c in range(int(low, 16), int(high, 16) + 1)]


def test_case_safe_characters_match_case_insensitively_as_their_lowercase():
    safe = _safe_characters()
    assert len(safe) > 600
    cased = [c for c in safe if c.lower() != c.upper()]
    for c in safe:
        assert len(c.lower()) == 1, repr(c)
        assert bool(re.match(r"\w", c)) == bool(re.match(r"\w", c.lower())), repr(c)
        assert bool(clauses._WORD.match(c)) == bool(clauses._WORD.match(c.lower())), repr(c)
    for d in cased + [c for c in safe if c.isascii()]:
        pattern = re.compile(re.escape(d), re.IGNORECASE)
        for c in safe:
            assert bool(pattern.fullmatch(c)) == (c.lower() == d.lower()), (d, c)


@pytest.mark.parametrize("char", ["\u017f", "\u0131", "\u00b5", "\u0130"])
def test_characters_left_out_would_break_the_rule(char):
    """The four characters left out of the safe set each break it: the test above can fail."""
    lowered = char.lower()
    partners = [c for c in map(chr, range(0x400)) if c != char]
    broken = len(lowered) != 1 or any(
        bool(re.fullmatch(re.escape(char), c, re.IGNORECASE)) != (c.lower() == lowered)
        for c in partners
    )
    assert broken
    assert lower_aligned(f"shall {char}") is None


@pytest.mark.parametrize("char", ["\u017f", "\u0131", "\u00b5", "\u0130", "\u212a"])
def test_text_with_a_character_left_out_is_read_not_refused(char):
    """Text the fast scan leaves to the case-insensitive one is analysed there; a phrase that
    matches through case folding ("\u017fhall", long s, is "shall") finds its entry."""
    text = f"The States Parties {char}hall adopt measures; {char} decides to report."
    assert analyse(text).label in ("actionable", "hortatory", "descriptive")
    extract_mandates(f"Requests the Secretary-General to report {char} at its next session;")
    if char.lower() == "s" or char.casefold() == "s":
        assert analyse(text).label == analyse(text.replace(char, "s")).label == "actionable"


def test_lexicon_patterns_get_a_guard_and_a_case_reading():
    lexicon = default_lexicon()
    assert lexicon.fast_patterns is not None
    assert clauses._first_chars(clauses._parse(r"May\s+\d{4}")) == "[m]"
    assert clauses._first_chars(clauses._parse(r"(?:by|no\s+later)\s+\d")) == "[bn]"
    assert clauses._first_chars(clauses._parse(r"\d*")) is None  # may match nothing
    assert clauses._case_free(clauses._parse(r"at\s+its\s+[a-z]+"))
    assert not clauses._case_free(clauses._parse(r"May\s+\d{4}"))
    assert not clauses._case_free(clauses._parse(r"(?-i:at)"))
    # A pattern whose first characters cannot be told leaves the lexicon on the plain reading.
    assert clauses._fast_patterns({"shall": []}, [r"\d*"]) is None
    assert clauses._fast_patterns({"shall": []}, [r"at\s+its"]) is not None


def test_fast_scan_finds_what_the_case_insensitive_scan_finds():
    lexicon = default_lexicon()
    compared = 0
    for _kind, text in VARIANTS:
        lowered = lower_aligned(text)
        if lowered is None:
            continue
        compared += 1
        fast = clauses._scan(text, lexicon, lowered)
        plain = clauses._scan(text, lexicon)
        assert [(h.start, h.end, h.entry, h.text) for h in fast] == [
            (h.start, h.end, h.entry, h.text) for h in plain
        ], text[:120]
        assert clauses._looks_foreign(text, lexicon, lowered) == clauses._looks_foreign(
            text, lexicon
        ), text[:120]
    assert compared > 0.9 * len(VARIANTS)


def test_clauses_of_gives_the_clauses_of_analyse():
    for kind, text in PARAGRAPHS:
        for as_kind in (kind, "operative", None):
            assert clauses_of(text, kind=as_kind) == analyse(text, kind=as_kind).clauses


def _bodies() -> list[str]:
    """The clauses of the real operative paragraphs, each also with a deadline appended."""
    endings = (" by 31 December 2027;", " and to report thereon each year;", " every two years;")
    found = []
    for kind, text in VARIANTS:
        if kind not in ("operative", "paragraph", "subparagraph"):
            continue
        for clause in analyse(text, kind="operative").clauses:
            body = text[clause.start : clause.end]
            found += [body] + [body.rstrip(".;") + ending for ending in endings]
    return found


def _plain_action_kind(action: str) -> str:
    """The kind of action read with the case-insensitive patterns only."""
    head = mandates._SOFT_HEAD.sub("", action[:260])
    for kind, pattern in mandates._HEAD_ACTIONS:
        if pattern.search(head):
            return kind
    law, care = mandates._LEGISLATE.search(head), mandates._PROTECT.search(head)
    if law and (not care or law.start() <= care.start()):
        return "legislate"
    return "protect" if care else "other"


def test_mandate_patterns_read_lowered_text_as_the_originals_read_the_text():
    bodies = _bodies()
    assert len(bodies) > 500
    kinds = {"session": 0, "date": 0, "year": 0, "periodic": 0}
    for body in bodies:
        lowered = lower_aligned(body)
        if lowered is None:
            continue
        fast = mandates._deadline(body, lowered, True)
        assert fast == mandates._deadline(body, body.lower(), False), body[:120]
        kinds[fast[1]] = kinds.get(fast[1], 0) + 1
        assert (mandates._REVIEW_LOWER.search(lowered) is None) == (
            mandates._REVIEW.search(body) is None
        )
        head = lowered[:260]
        original = body[:260]
        for (kind, pattern), (_, twin) in zip(
            mandates._HEAD_ACTIONS, mandates._HEAD_ACTIONS_LOWER, strict=True
        ):
            assert bool(pattern.match(original)) == bool(twin.match(head)), (kind, body[:80])
        for plain, twin in (
            (mandates._LEGISLATE, mandates._LEGISLATE_LOWER),
            (mandates._PROTECT, mandates._PROTECT_LOWER),
            (mandates._SOFT_HEAD, mandates._SOFT_HEAD_LOWER),
        ):
            a, b = plain.search(original), twin.search(head)
            assert (a and a.span()) == (b and b.span()), body[:80]
        for start in (0, body.find(" to ") + 4):  # the clause, and what it asks
            assert mandates._action_kind(body[start:]) == _plain_action_kind(body[start:])
    assert all(kinds[k] for k in ("session", "date", "periodic")), kinds


def test_extract_mandates_reads_the_same_with_or_without_an_analysis():
    asks = 0
    for kind, text in VARIANTS:
        if kind != "operative":
            continue
        alone = extract_mandates(text)
        assert alone == extract_mandates(text, analyse(text, kind="operative")), text[:120]
        asks += len(alone)
    assert asks > 100
