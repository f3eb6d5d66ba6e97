"""Clause analysis on real General Assembly resolutions, and each class of reading error.

The evaluation set (tests/data/clause_labels_un.csv) labels every paragraph of A/RES/78/180,
A/C.3/80/L.18 and A/RES/80/185 by reading, without running the classifier (see
tests/data/un_labels_README.md). The lexicon was tuned on the development part (78/180) only;
the test part (the 2025 draft and resolution) is reported, not tuned on. Run with ``-s`` for
both figures and the confusion matrices.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from multilateral.text.clauses import LABELS, analyse, analyse_units
from multilateral.text.segment import segment_text
from tests.text.test_clauses import format_confusion

DATA = Path(__file__).resolve().parent.parent / "data"
UN = DATA / "texts" / "un"
THRESHOLD = 0.95

with (DATA / "clause_labels_un.csv").open(encoding="utf-8", newline="") as _handle:
    ROWS = list(csv.DictReader(_handle))


def _evaluate(split: str) -> tuple[int, int, dict, list]:
    """Operative paragraphs and sub-paragraphs of one split, each read in its document (a
    sub-paragraph takes its chapeau's verb, as the service does)."""
    matrix = {expected: dict.fromkeys(LABELS, 0) for expected in LABELS}
    misses = []
    rows = [r for r in ROWS if r["split"] == split and r["kind"] != "preambular"]
    for source in sorted({r["source"] for r in rows}):
        units = segment_text((UN / source).read_text(encoding="utf-8")).units
        by_text = {u.text: a for u, a in zip(units, analyse_units(units), strict=True)}
        for row in rows:
            if row["source"] != source:
                continue
            predicted = by_text[row["text"]].label
            matrix[row["label"]][predicted] += 1
            if predicted != row["label"]:
                misses.append((source, row["locator"], row["label"], predicted))
    return len(rows) - len(misses), len(rows), matrix, misses


def test_the_evaluation_set_is_verbatim_and_complete() -> None:
    assert {r["split"] for r in ROWS} == {"dev", "test"}
    for source in ("A_RES_78_180.txt", "A_C.3_80_L.18.txt", "A_RES_80_185.txt"):
        text = (UN / source).read_text(encoding="utf-8")
        rows = [r for r in ROWS if r["source"] == source]
        assert all(r["text"] in text for r in rows)
        units = segment_text(text).units
        body = [u for u in units if u.kind in ("preambular", "operative", "subparagraph")]
        assert len(rows) == len(body), source
    assert all(r["label"] == "descriptive" for r in ROWS if r["kind"] == "preambular")


@pytest.mark.parametrize("split", ["dev", "test"])
def test_operative_labels_agree_with_a_reading(split: str) -> None:
    correct, total, matrix, misses = _evaluate(split)
    print(f"\n{split}: {correct}/{total} = {correct / total:.1%} of operative paragraphs")
    print(format_confusion(matrix))
    for miss in misses:
        print("  miss:", *miss)
    assert total >= 50
    assert correct / total >= THRESHOLD


# --------------------------------------------------------------------------------------------
# 1. Every operative clause counts; the strongest decides; each is explained.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "verbs"),
    [
        (
            "Notes with appreciation the work of the Office, and in this context requests the "
            "Secretary-General to continue to support Member States;",
            "actionable",
            ["Notes with appreciation", "requests"],
        ),
        (
            "Welcomes the progress made, and therefore decides to convene a high-level meeting on "
            "the appraisal of the Global Plan of Action in 2027;",
            "actionable",
            ["Welcomes", "decides"],
        ),
        (
            "Recognizes the role of civil society, and in this regard calls upon Member States to "
            "cooperate with it;",
            "hortatory",
            ["Recognizes", "calls upon"],
        ),
        (
            "Expresses concern at the persistence of forced labour; and also urges Governments to "
            "ratify the Protocol of 2014;",
            "hortatory",
            ["Expresses", "urges"],
        ),
    ],
)
def test_a_later_clause_decides_when_it_binds_more(text: str, label: str, verbs: list) -> None:
    analysis = analyse(text, kind="operative")
    assert analysis.label == label
    assert [c.verb for c in analysis.clauses] == verbs
    assert "Clauses: (1)" in analysis.explanation and "(2)" in analysis.explanation
    # The deciding clause alone gets the same label: the first verb no longer hides it.
    deciding = max(analysis.clauses, key=lambda c: c.rank)
    alone = analyse(text[deciding.start :].lstrip(" ,;"), kind="operative")
    assert alone.label == label


def test_each_clause_is_listed_with_its_addressee() -> None:
    analysis = analyse(
        "Takes note of the report of the Secretary-General, and requests the United Nations "
        "Office on Drugs and Crime to report to the Commission at its thirty-fifth session;",
        kind="operative",
    )
    first, second = analysis.clauses
    assert (first.label, first.addressee) == ("descriptive", "")
    assert second.label == "actionable"
    assert second.addressee == "the United Nations Office on Drugs and Crime"
    assert second.deadline == "at its thirty-fifth session"
    assert "'requests' → the United Nations Office on Drugs and Crime" in analysis.explanation


@pytest.mark.parametrize(
    "text",
    [
        # Infinitives in a list are not clauses of their own.
        "Urges States to adopt laws; recognize the skills of women migrant workers; and promote "
        "their participation;",
        # Nouns that look like verbs.
        "Encourages States to respond to information needs, requests for assistance and "
        "complaints;",
    ],
)
def test_an_infinitive_or_a_noun_opens_no_clause(text: str) -> None:
    analysis = analyse(text, kind="operative")
    assert len(analysis.clauses) == 1
    assert analysis.label == "hortatory"


# --------------------------------------------------------------------------------------------
# 2. An operative paragraph that obliges no one and asks no one to act is descriptive.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Takes note of the report of the Special Rapporteur on trafficking in persons;",
        "Recalls the holding of the high-level meeting on the appraisal of the Global Plan of "
        "Action in 2021;",
        "Welcomes the adoption of the Third Work Plan 2023–2028 of the Inter-Agency "
        "Coordination Group;",
        "Expresses deep concern at the number of women migrant workers who die in transit;",
        "Reaffirms its commitment to the full implementation of the Beijing Declaration;",
        "Strongly condemns all acts of trafficking in persons;",
        "Stresses that forced labour violates human rights;",
        "Also acknowledges the contribution of migrant domestic workers to the economy;",
    ],
)
def test_operative_paragraphs_that_ask_no_one_are_descriptive(text: str) -> None:
    analysis = analyse(text, kind="operative")
    assert analysis.label == "descriptive", analysis.explanation
    assert analysis.explanation.startswith("descriptive: obliges no one")


def test_a_restated_mandate_is_still_actionable_and_says_so() -> None:
    restated = analyse(
        "Reaffirms its request to the Secretary-General to submit a report on the "
        "implementation of the present resolution;",
        kind="operative",
    )
    assert restated.label == "actionable"
    assert "restated" in restated.explanation
    assert restated.clauses[0].restated
    to_states = analyse(
        "Reiterates its request to Member States to share information;", kind="operative"
    )
    assert to_states.label == "hortatory"


def test_the_need_for_action_exhorts_while_a_statement_describes() -> None:
    assert analyse("Stresses the need for States to protect victims;").label == "hortatory"
    assert analyse("Emphasizes the importance of strengthening cooperation;").label == "hortatory"
    assert analyse("Emphasizes the importance of partnerships;").label == "descriptive"


# --------------------------------------------------------------------------------------------
# 3. Look-alikes: months, quoted titles, nouns.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "not_a_cue"),
    [
        ("Recalls the conference held in Vienna from 13 to 15 May 2013;", "May"),
        ("Decides to hold the meeting in May 2027 in New York;", "May"),
        ("Takes note of the report held on 3 May 2024 in Geneva;", "May"),
        (
            "Takes note of the report entitled “States shall protect victims of trafficking”;",
            "shall",
        ),
        ("Welcomes the assistance provided at the request of Member States;", "request"),
    ],
)
def test_look_alikes_are_not_cues(text: str, not_a_cue: str) -> None:
    analysis = analyse(text, kind="operative")
    assert not_a_cue not in [c.text for c in analysis.cues], analysis.cues


def test_a_month_does_not_make_a_decision_hortatory() -> None:
    analysis = analyse(
        "Decides to convene the high-level meeting from 13 to 15 May 2027;", kind="operative"
    )
    assert analysis.label == "actionable"
    assert [c.role for c in analysis.cues] == ["operative verb"]


def test_the_modal_may_is_still_read_outside_dates() -> None:
    assert analyse("States Parties may cooperate in the exchange of information.").label == (
        "hortatory"
    )
