"""Commitment shifts on a real cycle of UN resolutions, against a reading of every pair.

A/RES/78/180 → A/C.3/80/L.18 → A/RES/80/185 ("Violence against women migrant workers") are
stored as three versions of one document and compared through the API. Every pair the
service flags weakened, mixed or strengthened must be one a reader flagged too
(tests/data/shift_pairs_un.csv, labelled by reading; see tests/data/un_labels_README.md):
no false alarms. Run with ``-s`` to see the recall.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from multilateral.text.segment import segment_text
from tests.conftest import UN_CYCLE

DATA = Path(__file__).resolve().parent / "data"
UN = DATA / "texts" / "un"
CYCLE = UN_CYCLE


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


LABELS = {(r["source"], r["locator"]): r["label"] for r in _rows("clause_labels_un.csv")}
READING = _rows("shift_pairs_un.csv")


def _locators(source: str) -> list[str]:
    """The reader's locator of each unit, by position: PP3, OP10, OP47(c), or "" (masthead)."""
    units = segment_text((UN / source).read_text(encoding="utf-8")).units
    found = []
    for unit in units:
        if unit.kind == "preambular":
            found.append(unit.number)
        elif unit.kind == "operative":
            found.append(f"OP{unit.number}")
        elif unit.kind == "subparagraph" and unit.parent is not None:
            found.append(f"OP{units[unit.parent].number}{unit.number}")
        else:
            found.append("")
    return found


def _expected(old_source: str, new_source: str) -> dict[tuple[str, str], str]:
    """(old locator, new locator) -> the reader's verdict, with a deleted or inserted
    paragraph that asked anyone to act read as weakened or strengthened."""
    expected = {}
    for row in READING:
        if (row["old_source"] or old_source, row["new_source"] or new_source) != (
            old_source,
            new_source,
        ):
            continue
        verdict = row["verdict"]
        if verdict == "deleted":
            label = LABELS[(old_source, row["old_locator"])]
            verdict = "weakened" if label != "descriptive" else "none"
        elif verdict == "inserted":
            label = LABELS[(new_source, row["new_locator"])]
            verdict = "strengthened" if label != "descriptive" else "none"
        expected[(row["old_locator"], row["new_locator"])] = verdict
    return expected


@pytest.mark.parametrize(("step", "old_source", "new_source"), [(1, *CYCLE[:2]), (2, *CYCLE[1:])])
def test_no_false_shift_flags_on_the_real_cycle(
    client, auth, un_cycle: int, step: int, old_source: str, new_source: str
) -> None:
    reply = client.get(
        f"/api/documents/{un_cycle}/compare?from={step}&to={step + 1}", headers=auth("viewer")
    )
    assert reply.status_code == 200
    old_at, new_at = _locators(old_source), _locators(new_source)
    expected = _expected(old_source, new_source)
    assert any(v != "none" for v in expected.values())
    flagged, false_flags = {}, []
    for pair in reply.json["pairs"]:
        key = (
            old_at[pair["old"]["position"]] if pair["old"] else "",
            new_at[pair["new"]["position"]] if pair["new"] else "",
        )
        if pair["shift"] == "none" or not any(key):
            continue
        flagged[key] = pair["shift"]
        if expected.get(key) != pair["shift"] and not (
            expected.get(key) == "mixed" and pair["shift"] in ("weakened", "strengthened")
        ):
            false_flags.append((key, pair["shift"], expected.get(key), pair["shift_reasons"]))
    true_shifts = {key for key, verdict in expected.items() if verdict != "none"}
    found = true_shifts & set(flagged)
    print(
        f"\n{old_source} → {new_source}: flagged {len(flagged)}, reader {len(true_shifts)}, "
        f"found {len(found)}; missed {sorted(true_shifts - found)}"
    )
    assert false_flags == []
    # Each flag the service raises names the clause that decided it.
    assert all(pair["shift_reasons"] for pair in reply.json["pairs"] if pair["shift"] != "none")
