"""Property-based tests: any text in, no exception out; identities that must always hold."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multilateral.text.align import align
from multilateral.text.clauses import LABELS, analyse
from multilateral.text.segment import segment_text
from multilateral.text.worddiff import DELETE, EQUAL, INSERT, word_diff
from tests.conftest import TEXTS

#: Real sentences to mix with arbitrary text, so that generated drafts look like drafts.
REAL = [
    line
    for line in (TEXTS / "un" / "A_C.3_80_L.18.txt").read_text(encoding="utf-8").splitlines()
    if len(line) > 40
][:60]

anything = st.text(max_size=400)
words = st.lists(
    st.sampled_from("shall may should States Parties adopt consider [ ] ( ) 1. (a) , ; .".split())
    | st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12),
    max_size=40,
).map(" ".join)
draft_lines = st.lists(st.sampled_from(REAL) | words, min_size=1, max_size=25)
drafts = draft_lines.map("\n".join)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.one_of(anything, drafts))
def test_segmenting_never_fails(text: str) -> None:
    segmented = segment_text(text)
    for unit in segmented.units:
        assert unit.text.strip() or unit.heading.strip() or unit.number


@SETTINGS
@given(drafts)
def test_a_version_aligned_with_itself_is_all_unchanged(text: str) -> None:
    units = segment_text(text).units
    pairs = align(units, units)
    assert {p.op for p in pairs} <= {"unchanged"}
    assert sorted(i for p in pairs for i in p.old) == list(range(len(units)))


@SETTINGS
@given(drafts, drafts)
def test_alignment_accounts_for_every_paragraph_once(old: str, new: str) -> None:
    a, b = segment_text(old).units, segment_text(new).units
    pairs = align(a, b)
    assert sorted(i for p in pairs for i in p.old) == list(range(len(a)))
    assert sorted(j for p in pairs for j in p.new) == list(range(len(b)))


@SETTINGS
@given(st.one_of(anything, words), st.one_of(anything, words))
def test_the_word_diff_applied_to_the_old_text_gives_the_new(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(t for op, t in ops if op in (EQUAL, INSERT)) == new
    assert all(op in (EQUAL, INSERT, DELETE) for op, _ in ops)
    # The deleted and unchanged words are the old text's words, in order.
    kept = "".join(t for op, t in ops if op in (EQUAL, DELETE)).split()
    assert [w.strip("\"'“”‘’") for w in kept] == [w.strip("\"'“”‘’") for w in old.split()]


@SETTINGS
@given(st.one_of(anything, words, st.sampled_from(REAL)).filter(str.strip))
def test_the_classifier_labels_any_text(text: str) -> None:
    # Empty text is refused by design (ValueError, tested in test_clauses.py).
    analysis = analyse(text)
    assert analysis.label in LABELS
    assert 0 <= analysis.strength <= 100
