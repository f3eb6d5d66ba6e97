"""Alignment of two revisions, on synthetic revisions built from real Palermo Protocol text."""

from __future__ import annotations

import itertools
import random
import re
import time
from pathlib import Path

import pytest

from multilateral.text.align import Pair, align, lineage, similarity
from multilateral.text.units import Unit

PALERMO = Path(__file__).parent.parent / "data" / "texts" / "palermo_tip_protocol_2000_final_en.txt"

#: A numbered treaty paragraph as the text file lays it out: "1.   Text ...".
_NUMBERED = re.compile(r"\d+\.\s+(.*\S)")


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    """The first twelve numbered paragraphs of the Palermo Protocol (Articles 1, 5, 6)."""
    lines = PALERMO.read_text(encoding="utf-8").splitlines()
    found = [m.group(1) for line in lines if (m := _NUMBERED.match(line))]
    assert len(found) >= 12
    return found[:12]


def units(texts: list[str]) -> list[Unit]:
    """Operative-style numbering 1..n, so an insertion above renumbers everything below."""
    return [Unit("paragraph", str(k + 1), text) for k, text in enumerate(texts)]


def P(op: str, old: tuple[int, ...], new: tuple[int, ...]) -> tuple:
    return (op, old, new)


def shape(pairs: list[Pair]) -> list[tuple]:
    return [(p.op, p.old, p.new) for p in pairs]


def test_identical_revisions_are_all_unchanged(paragraphs):
    pairs = align(units(paragraphs), units(paragraphs))
    assert shape(pairs) == [P("unchanged", (k,), (k,)) for k in range(12)]
    assert all(p.similarity == 1.0 for p in pairs)


def test_empty_against_non_empty(paragraphs):
    assert align([], []) == []
    assert shape(align([], units(paragraphs[:3]))) == [P("inserted", (), (k,)) for k in range(3)]
    assert shape(align(units(paragraphs[:3]), [])) == [P("deleted", (k,), ()) for k in range(3)]


def test_whitespace_quotes_and_emphasis_are_not_changes(paragraphs):
    reformatted = list(paragraphs)
    reformatted[0] = "  " + paragraphs[0].replace(" ", "\n  ", 3) + "\t"
    reformatted[1] = paragraphs[1].replace("mutatis mutandis", "*mutatis mutandis*")
    old = units(paragraphs) + [Unit("paragraph", "13", "``Child'' shall mean any person")]
    new = units(reformatted) + [Unit("paragraph", "13", "“Child” shall mean any person")]
    pairs = align(old, new)
    assert shape(pairs) == [P("unchanged", (k,), (k,)) for k in range(13)]


def test_insert_above_renumbers_everything_below(paragraphs):
    inserted = "Each State Party shall designate a national rapporteur on trafficking in persons."
    revised = paragraphs[:3] + [inserted] + paragraphs[3:]
    pairs = align(units(paragraphs), units(revised))
    expected = [P("unchanged", (k,), (k,)) for k in range(3)]
    expected.append(P("inserted", (), (3,)))
    expected += [P("renumbered", (k,), (k + 1,)) for k in range(3, 12)]
    assert shape(pairs) == expected


def test_same_number_different_text_is_not_unchanged(paragraphs):
    """Alignment follows the text: swapping two texts under fixed numbers is a move."""
    revised = list(paragraphs)
    revised[2], revised[9] = paragraphs[9], paragraphs[2]
    pairs = align(units(paragraphs), units(revised))
    ops = {p.new: p.op for p in pairs}
    assert {p.old: p.new for p in pairs}[(2,)] == (9,)
    assert {p.old: p.new for p in pairs}[(9,)] == (2,)
    assert sorted(op for op in ops.values() if op != "unchanged") == ["moved", "moved"]


def test_move_one_paragraph_down(paragraphs):
    revised = paragraphs[:2] + paragraphs[3:9] + [paragraphs[2]] + paragraphs[9:]
    pairs = align(units(paragraphs), units(revised))
    expected = [P("unchanged", (0,), (0,)), P("unchanged", (1,), (1,))]
    expected += [P("renumbered", (k,), (k - 1,)) for k in range(3, 9)]
    expected.append(P("moved", (2,), (8,)))
    expected += [P("unchanged", (k,), (k,)) for k in range(9, 12)]
    assert shape(pairs) == expected


def test_moved_and_reworded_is_moved_with_lower_similarity(paragraphs):
    reworded = paragraphs[2].replace("shall be regarded", "shall be deemed")
    revised = paragraphs[:2] + paragraphs[3:9] + [reworded] + paragraphs[9:]
    pairs = align(units(paragraphs), units(revised))
    moved = [p for p in pairs if p.op == "moved"]
    assert [(p.old, p.new) for p in moved] == [((2,), (8,))]
    assert 0.5 < moved[0].similarity < 1.0


def test_split_one_paragraph_in_two(paragraphs):
    first, second = paragraphs[0].split(". ", 1)
    assert second.startswith("It shall be interpreted")
    revised = [first + ".", second] + paragraphs[1:]
    pairs = align(units(paragraphs), units(revised))
    expected = [P("split", (0,), (0, 1))]
    expected += [P("renumbered", (k,), (k + 1,)) for k in range(1, 12)]
    assert shape(pairs) == expected
    assert pairs[0].similarity > 0.9


def test_merge_two_paragraphs(paragraphs):
    revised = paragraphs[:4] + [paragraphs[4] + " " + paragraphs[5]] + paragraphs[6:]
    pairs = align(units(paragraphs), units(revised))
    expected = [P("unchanged", (k,), (k,)) for k in range(4)]
    expected.append(P("merged", (4, 5), (4,)))
    expected += [P("renumbered", (k,), (k - 1,)) for k in range(6, 12)]
    assert shape(pairs) == expected


def test_softened_obligation_is_modified(paragraphs):
    assert "shall adopt" in paragraphs[3]
    revised = list(paragraphs)
    revised[3] = paragraphs[3].replace("shall adopt", "shall consider adopting")
    assert "shall ensure" in paragraphs[6]
    revised[6] = paragraphs[6].replace("shall", "shall consider", 1)
    pairs = align(units(paragraphs), units(revised))
    expected = [P("unchanged", (k,), (k,)) for k in range(12)]
    expected[3] = P("modified", (3,), (3,))
    expected[6] = P("modified", (6,), (6,))
    assert shape(pairs) == expected
    assert 0.9 < pairs[3].similarity < 1.0
    assert 0.9 < pairs[6].similarity < 1.0


def test_delete_one_paragraph_is_placed_where_it_stood(paragraphs):
    revised = paragraphs[:7] + paragraphs[8:]
    pairs = align(units(paragraphs), units(revised))
    expected = [P("unchanged", (k,), (k,)) for k in range(7)]
    expected.append(P("deleted", (7,), ()))
    expected += [P("renumbered", (k,), (k - 1,)) for k in range(8, 12)]
    assert shape(pairs) == expected


def test_deletion_comes_before_the_insertion_that_replaced_it(paragraphs):
    replacement = "States Parties shall cooperate with civil society on awareness campaigns."
    revised = paragraphs[:5] + [replacement] + paragraphs[6:]
    pairs = align(units(paragraphs), units(revised))
    assert shape(pairs)[4:8] == [
        P("unchanged", (4,), (4,)),
        P("deleted", (5,), ()),
        P("inserted", (), (5,)),
        P("unchanged", (6,), (6,)),
    ]


def test_everything_at_once(paragraphs):
    """Insert, softened wording, merge, move and delete in one revision."""
    inserted = "Each State Party shall designate a national rapporteur on trafficking in persons."
    softened = paragraphs[3].replace("shall adopt", "shall consider adopting")
    revised = (
        [paragraphs[0], inserted, paragraphs[1], paragraphs[2], softened]
        + [paragraphs[4] + " " + paragraphs[5]]
        + [paragraphs[6], paragraphs[8], paragraphs[9], paragraphs[10], paragraphs[7]]
    )  # paragraph 11 (index 11) deleted, 7 moved to the end
    pairs = align(units(paragraphs), units(revised))
    assert shape(pairs) == [
        P("unchanged", (0,), (0,)),
        P("inserted", (), (1,)),
        P("renumbered", (1,), (2,)),
        P("renumbered", (2,), (3,)),
        P("modified", (3,), (4,)),
        P("merged", (4, 5), (5,)),
        P("unchanged", (6,), (6,)),
        P("renumbered", (8,), (7,)),
        P("renumbered", (9,), (8,)),
        P("renumbered", (10,), (9,)),
        P("deleted", (11,), ()),
        P("moved", (7,), (10,)),
    ]


def test_unrelated_paragraph_is_not_paired(paragraphs):
    """Formulaic paragraphs ("Each State Party shall ...") must not pair across the gap."""
    revised = list(paragraphs)
    revised[9] = "Each State Party shall publish an annual report on its national action plan."
    pairs = align(units(paragraphs), units(revised))
    assert P("modified", (9,), (9,)) not in shape(pairs)
    assert P("deleted", (9,), ()) in shape(pairs)
    assert P("inserted", (), (9,)) in shape(pairs)


def test_lineage_follows_the_text(paragraphs):
    first, second = paragraphs[0].split(". ", 1)
    revised = [first + ".", second, "A new paragraph on victims' compensation."]
    revised += paragraphs[1:4] + [paragraphs[4] + " " + paragraphs[5]] + paragraphs[6:]
    pairs = align(units(paragraphs), units(revised))
    old_ids = [f"L{k}" for k in range(12)]
    fresh = (f"N{k}" for k in itertools.count())
    ids = lineage(pairs, old_ids, len(revised), lambda: next(fresh))
    assert ids == ["L0", "N0", "N1", "L1", "L2", "L3", "L4"] + [f"L{k}" for k in range(6, 12)]


def test_scales_to_six_hundred_paragraphs(paragraphs):
    """600 × 600 mostly-modified paragraphs stays well inside the interactive budget."""
    words = " ".join(paragraphs).split()
    texts = [
        " ".join(words[(k * 37) % len(words) :][:40]) + f" clause{k} item{k * 7}"
        for k in range(600)
    ]
    revised = [t.replace("shall", "should", 1) + " as appropriate" for t in texts]
    revised.insert(300, "A wholly new paragraph on national rapporteurs.")
    start = time.perf_counter()
    pairs = align(units(texts), units(revised))
    elapsed = time.perf_counter() - start
    assert sum(p.op == "modified" for p in pairs) == 600
    assert elapsed < 1.0, f"align took {elapsed:.3f}s"


def test_similarity_is_the_exact_lcs_ratio():
    def lcs(a: list[str], b: list[str]) -> int:
        previous = [0] * (len(b) + 1)
        for x in a:
            current = [0]
            for k, y in enumerate(b):
                current.append(previous[k] + 1 if x == y else max(previous[k + 1], current[k]))
            previous = current
        return previous[-1]

    rng = random.Random(7)
    for _ in range(300):
        a = [rng.choice("abcdef") for _ in range(rng.randrange(1, 70))]
        b = [rng.choice("abcdefg") for _ in range(rng.randrange(1, 70))]
        assert similarity(a, b) == pytest.approx(2 * lcs(a, b) / (len(a) + len(b)))
    assert similarity([], []) == 1.0
    assert similarity(["shall"], []) == 0.0


def test_every_paragraph_is_accounted_for_exactly_once():
    """Random shuffles, edits, splits and blanks: each index appears once on its side."""
    lines = PALERMO.read_text(encoding="utf-8").splitlines()
    pool = [m.group(1) for line in lines if (m := _NUMBERED.match(line))] + ["", "", "[...]"]
    rng = random.Random(3)
    for _ in range(40):
        old = rng.sample(pool, rng.randrange(0, 25))
        new = [t for t in old if rng.random() > 0.15]
        if rng.random() < 0.2:
            rng.shuffle(new)
        for k in range(len(new)):
            if rng.random() < 0.2:
                new[k] = new[k].replace("shall", "may", 1) + " as appropriate"
            if rng.random() < 0.05 and ". " in new[k]:
                new[k : k + 1] = new[k].split(". ", 1)
        new.insert(rng.randrange(len(new) + 1), rng.choice(pool))
        pairs = align(units(old), units(new))
        assert sorted(i for p in pairs for i in p.old) == list(range(len(old)))
        assert sorted(j for p in pairs for j in p.new) == list(range(len(new)))
        assert [p.new[0] for p in pairs if p.new] == sorted(p.new[0] for p in pairs if p.new)
        assert all(0.0 <= p.similarity <= 1.0 for p in pairs)
