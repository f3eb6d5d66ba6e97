"""Asks and mandates of real resolutions, against a reading of every operative paragraph.

tests/data/mandates_un.csv lists every ask of A/RES/78/180 (development part: the extractor
was tuned on it) and A/RES/80/185 (test part: reported, not tuned on), labelled by reading
(tests/data/mandates_un_README.md). Run with ``-s`` for both figures.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from multilateral.text.mandates import SELF, extract_mandates, session_number, session_period
from multilateral.text.segment import segment_text

DATA = Path(__file__).resolve().parent.parent / "data"
UN = DATA / "texts" / "un"

with (DATA / "mandates_un.csv").open(encoding="utf-8", newline="") as _handle:
    ROWS = list(csv.DictReader(_handle))

ATTRIBUTES = ("addressee", "addressee_kind", "action_kind", "deadline", "binding", "review")


def _extracted(source: str) -> dict[str, list]:
    units = segment_text((UN / source).read_text(encoding="utf-8")).units
    return {f"OP{u.number}": extract_mandates(u.text) for u in units if u.kind == "operative"}


def _evaluate(split: str) -> tuple[int, int, int, Counter, int]:
    """True positives, false positives, false negatives (an ask is found when a mandate of the
    same paragraph has its verb), and per-attribute agreement on the found ones."""
    rows = [r for r in ROWS if r["split"] == split]
    (source,) = {r["source"] for r in rows}
    predicted = _extracted(source)
    gold: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        gold.setdefault(row["locator"], []).append(row)
    tp = fp = fn = 0
    agree: Counter = Counter()
    for locator in set(gold) | set(predicted):
        left = list(predicted.get(locator, []))
        for row in gold.get(locator, []):
            match = next((m for m in left if m.verb == row["verb"]), None)
            if match is None:
                fn += 1
                continue
            left.remove(match)
            tp += 1
            values = match.to_dict() | {
                "binding": "yes" if match.binding else "no",
                "review": "yes" if match.review else "no",
            }
            agree.update(name for name in ATTRIBUTES if values[name] == row[name])
        fp += len(left)
    return tp, fp, fn, agree, tp


@pytest.mark.parametrize("split", ["dev", "test"])
def test_asks_are_found_with_their_addressee_deadline_and_force(split: str) -> None:
    tp, fp, fn, agree, found = _evaluate(split)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(
        f"\n{split}: asks precision {precision:.3f} recall {recall:.3f} ({tp} found, {fp} extra,"
        f" {fn} missed)"
    )
    print("  " + ", ".join(f"{name} {agree[name]}/{found}" for name in ATTRIBUTES))
    assert precision >= 0.9 and recall >= 0.9
    assert agree["addressee_kind"] / found >= 0.95
    assert agree["binding"] == found
    assert agree["deadline"] / found >= 0.95
    assert agree["action_kind"] / found >= 0.8


def test_the_reporting_requests_fall_due_at_their_session() -> None:
    for source, session, opens in (
        ("A_RES_78_180.txt", 80, date(2025, 9, 1)),
        ("A_RES_80_185.txt", 82, date(2027, 9, 1)),
    ):
        binding = [m for asks in _extracted(source).values() for m in asks if m.binding]
        (report,) = binding
        assert (report.addressee, report.action_kind) == ("the Secretary-General", "report")
        assert report.session == session
        assert (report.due, report.due_precision) == (opens, "month")


@pytest.mark.parametrize(
    ("words", "number"),
    [("eightieth", 80), ("eighty-second", 82), ("seventy-ninth", 79), ("81st", 81),
     ("first", 1), ("hundredth", 100), ("session", None), ("eighty", None)],
)  # fmt: skip
def test_session_ordinals(words: str, number: int | None) -> None:
    assert session_number(words) == number


def test_a_session_spans_september_to_september() -> None:
    assert session_period(81) == (date(2026, 9, 1), date(2027, 9, 1))


@pytest.mark.parametrize(
    ("text", "kind", "deadline", "due", "precision"),
    [
        (
            "Requests the Secretary-General to submit a report no later than 15 December 2025;",
            "date",
            "no later than 15 December 2025",
            date(2025, 12, 15),
            "day",
        ),
        (
            "Requests the United Nations Office on Drugs and Crime to complete the study by 2030;",
            "year",
            "by 2030",
            date(2030, 12, 31),
            "year",
        ),
        (
            "Requests the Secretary-General to report biennially on the implementation of the "
            "present resolution;",
            "periodic",
            "biennially",
            None,
            "",
        ),
    ],
)
def test_deadlines_and_cycles(text, kind, deadline, due, precision) -> None:
    (ask,) = extract_mandates(text)
    assert (ask.deadline_kind, ask.deadline, ask.due, ask.due_precision) == (
        kind,
        deadline,
        due,
        precision,
    )
    assert ask.binding


def test_each_clause_gives_its_own_ask_and_only_bodies_are_bound() -> None:
    asks = extract_mandates(
        "Takes note of the report of the Secretary-General, invites Member States, as "
        "appropriate, to contribute to the United Nations Voluntary Trust Fund, and requests "
        "the Secretary-General to convene an expert group meeting at its eighty-first session;"
    )
    assert [(a.verb, a.addressee, a.action_kind, a.binding) for a in asks] == [
        ("invites", "Member States", "fund", False),
        ("requests", "the Secretary-General", "convene", True),
    ]
    assert asks[1].session == 81


def test_a_review_or_sunset_clause_is_noticed() -> None:
    bounded, support = extract_mandates(
        "Decides to establish the working group for a period of three years, and requests the "
        "Secretary-General to support it;"
    )
    assert (bounded.addressee, bounded.action_kind, bounded.binding) == (SELF, "establish", True)
    assert bounded.review and not support.review
    (open_ended,) = extract_mandates("Requests the Secretary-General to support the group;")
    assert not open_ended.review


def test_descriptive_paragraphs_ask_nothing() -> None:
    assert extract_mandates("Takes note of the report of the Secretary-General;") == []
    assert extract_mandates("Recalls its resolution 78/180 of 19 December 2023;") == []
