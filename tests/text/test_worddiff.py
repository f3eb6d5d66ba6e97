"""Word-level diff: whole words replaced, formatting ignored, HTML escaped."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from multilateral.text.worddiff import (
    DELETE,
    EQUAL,
    INSERT,
    diff_html,
    has_wording_change,
    normalize_text,
    word_diff,
)

PALERMO = Path(__file__).parent.parent / "data" / "texts" / "palermo_tip_protocol_2000_final_en.txt"


@pytest.fixture(scope="module")
def article_5_1() -> str:
    text = PALERMO.read_text(encoding="utf-8")
    found = re.search(r"^1\.\s+(Each State Party shall adopt such legislative.*\S)", text, re.M)
    assert found
    return found.group(1)


def side(ops: list[tuple[int, str]], keep: int) -> str:
    return "".join(text for op, text in ops if op in (EQUAL, keep))


def test_operative_verb_is_one_word_replacement():
    ops = word_diff(
        "Decides to establish a working group on trafficking;",
        "Encourages States to establish a working group on trafficking;",
    )
    assert ops == [
        (DELETE, "Decides"),
        (INSERT, "Encourages States"),
        (EQUAL, " to establish a working group on trafficking;"),
    ]


def test_softened_obligation_in_real_paragraph(article_5_1):
    new = article_5_1.replace("shall adopt", "shall consider adopting")
    ops = word_diff(article_5_1, new)
    changes = [(op, text) for op, text in ops if op != EQUAL]
    assert changes == [(DELETE, "adopt"), (INSERT, "consider adopting")]
    assert side(ops, INSERT) == new
    assert side(ops, DELETE) == article_5_1


def test_deleted_clause_and_inserted_deadline(article_5_1):
    new = article_5_1.replace(", when committed intentionally.", " by 2030.")
    ops = word_diff(article_5_1, new)
    assert [(op, text) for op, text in ops if op != EQUAL] == [
        (DELETE, ", when committed intentionally"),
        (INSERT, " by 2030"),
    ]
    assert ops[-1] == (EQUAL, ".")
    assert side(ops, INSERT) == new
    assert side(ops, DELETE) == article_5_1


def test_tokens_are_words_not_characters():
    ops = word_diff("States shall prosecute offenders.", "States shall persecute offenders.")
    assert (DELETE, "prosecute") in ops and (INSERT, "persecute") in ops


def test_whitespace_only_differences_are_equal_with_the_new_spacing():
    old = "Calls upon  States\tto ratify the Protocol."
    new = "Calls upon States to\n ratify the Protocol."
    assert word_diff(old, new) == [(EQUAL, new)]
    assert not has_wording_change(old, new)


def test_quote_styles_are_not_wording():
    old = "``Child'' shall mean any person under eighteen years of age."
    new = "“Child” shall mean any person under eighteen years of age."
    assert word_diff(old, new) == [(EQUAL, new)]
    assert not has_wording_change(old, new)
    assert has_wording_change(old, new.replace("eighteen", "sixteen"))


def test_emphasis_is_not_wording_but_case_is():
    assert not has_wording_change("Decides to act", "**Decides** to act")
    assert has_wording_change("Decides to act", "decides to act")
    assert normalize_text(" *Urges*   all_States  ") == "Urges all_States"


def test_empty_sides():
    assert word_diff("", "") == []
    assert word_diff("", "New text.") == [(INSERT, "New text.")]
    assert word_diff("Old text.", "") == [(DELETE, "Old text.")]


def test_many_distinct_tokens_still_round_trip():
    old = " ".join(f"w{k}" for k in range(9000))
    new = old.replace("w4500", "changed")
    ops = word_diff(old, new)
    assert [(op, t) for op, t in ops if op != EQUAL] == [(DELETE, "w4500"), (INSERT, "changed")]
    assert side(ops, INSERT) == new


def test_diff_html_escapes_before_marking_up():
    ops = word_diff("Refers to <b>article</b> 5 & 6", "Refers to <i>article</i> 5 & 7")
    html = diff_html(ops)
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;" in html and "&amp;" in html
    assert re.search(r'<del class="diff-del">[^<]*6</del>', html)
    assert re.search(r'<ins class="diff-ins">[^<]*7</ins>', html)
    assert diff_html([(EQUAL, "a < b")]) == "a &lt; b"


def test_random_edits_of_real_paragraphs_round_trip():
    """Whatever the edits, the equal+inserted parts are the new text, equal+deleted the old."""
    text = PALERMO.read_text(encoding="utf-8")
    paragraphs = re.findall(r"^\d+\.\s+(.*\S)", text, flags=re.MULTILINE)
    rng = random.Random(11)
    vocabulary = "shall may consider endeavour not “appropriate” , ; ( ) 2030".split()
    for old in paragraphs:
        words = old.split(" ")
        for _ in range(rng.randrange(1, 8)):
            at = rng.randrange(len(words))
            roll = rng.random()
            if roll < 0.4:
                words[at] = rng.choice(vocabulary)
            elif roll < 0.7 and len(words) > 1:
                del words[at]
            else:
                words.insert(at, rng.choice(vocabulary))
        new = " ".join(words)
        ops = word_diff(old, new)
        assert side(ops, INSERT) == new
        assert side(ops, DELETE) == old
        assert all(text for _, text in ops)
        assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False))


def test_words_added_or_cut_at_the_start_keep_both_sides_spaced():
    assert word_diff("States shall act.", "All States shall act.") == [
        (INSERT, "All "),
        (EQUAL, "States shall act."),
    ]
    assert word_diff("Also States shall act.", "States shall act.") == [
        (DELETE, "Also "),
        (EQUAL, "States shall act."),
    ]
    assert word_diff("States shall act now.", "States shall act.") == [
        (EQUAL, "States shall act"),
        (DELETE, " now"),
        (EQUAL, "."),
    ]
