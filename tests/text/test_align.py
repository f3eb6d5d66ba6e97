"""Alignment of two revisions: synthetic revisions built from real Palermo Protocol text, and
real successive UN resolutions ("Violence against women migrant workers", tests/data/texts/un)
with rewrites and splits made from their own paragraphs."""

from __future__ import annotations

import itertools
import random
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from multilateral.text.align import (
    _SEARCHES,
    REWRITE_THRESHOLD,
    REWRITTEN,
    Pair,
    _Side,
    _Vocabulary,
    align,
    lineage,
    similarity,
)
from multilateral.text.segment import segment_text
from multilateral.text.units import Unit

PALERMO = Path(__file__).parent.parent / "data" / "texts" / "palermo_tip_protocol_2000_final_en.txt"
UN = Path(__file__).parent.parent / "data" / "texts" / "un"

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


# --- Real UN resolutions: rewrites in place, splits, and the real successive pairs ----------


def un_units(name: str) -> list[Unit]:
    return segment_text((UN / name).read_text(encoding="utf-8"), source_name=name).units


@pytest.fixture(scope="module")
def res_80_185() -> list[Unit]:
    return un_units("A_RES_80_185.txt")


def at(units_: list[Unit], kind: str, number: str) -> int:
    return next(k for k, u in enumerate(units_) if u.kind == kind and u.number == number)


def put(units_: list[Unit], texts: dict[int, str]) -> list[Unit]:
    """The same units with the texts at the given indices replaced (kind and number kept)."""
    return [replace(u, text=texts[k]) if k in texts else u for k, u in enumerate(units_)]


def pair_of(pairs: list[Pair], old: int) -> Pair:
    return next(p for p in pairs if old in p.old)


def text_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


#: Operative paragraph 5 of A/RES/80/185 rewritten after its opening, the way a recurring
#: resolution updates the plan it welcomes ("… the Second Work Plan 2015–2018 …" → "… the
#: Third Work Plan 2023–2028 …"): the conference details go, a new plan and its years come.
NEW_URBAN_AGENDA_REWRITTEN = (
    "Recalls the adoption of the New Urban Agenda at Habitat III in 2016, and welcomes the "
    "strategic plan of the United Nations Human Settlements Programme for 2026–2029, which "
    "calls for safe and affordable housing and basic services for women migrant workers in "
    "cities of destination;"
)
#: Operative paragraph 6 rewritten after its opening.
AGENCIES_REWRITTEN = (
    "Encourages all United Nations agencies and special rapporteurs on human rights to include "
    "in their reports to the Third Committee at its eighty-second session an account of digital "
    "recruitment platforms and the risks they pose to women migrant workers;"
)


def test_paragraph_rewritten_in_place_is_modified_and_marked(res_80_185):
    k = at(res_80_185, "operative", "5")
    revised = put(res_80_185, {k: NEW_URBAN_AGENDA_REWRITTEN})
    pairs = align(res_80_185, revised)
    rewritten = pair_of(pairs, k)
    assert (rewritten.op, rewritten.new, rewritten.reason) == ("modified", (k,), REWRITTEN)
    assert REWRITE_THRESHOLD <= rewritten.similarity < 0.45
    others = [p for p in pairs if p is not rewritten]
    assert {(p.op, p.reason) for p in others} == {("unchanged", "")}


def test_two_paragraphs_rewritten_side_by_side_are_paired_in_order(res_80_185):
    k = at(res_80_185, "operative", "5")
    assert at(res_80_185, "operative", "6") == k + 1
    revised = put(res_80_185, {k: NEW_URBAN_AGENDA_REWRITTEN, k + 1: AGENCIES_REWRITTEN})
    pairs = align(res_80_185, revised)
    assert [(p.op, p.old, p.new, p.reason) for p in pairs if p.op != "unchanged"] == [
        ("modified", (k,), (k,), REWRITTEN),
        ("modified", (k + 1,), (k + 1,), REWRITTEN),
    ]


def test_unequal_gap_is_not_guessed(res_80_185):
    """Two old, three new paragraphs in one slot: which new one took whose place is unknown."""
    k = at(res_80_185, "operative", "5")
    extra = Unit("operative", "5 bis", "Welcomes the work of the Global Migration Group;")
    revised = put(res_80_185, {k: NEW_URBAN_AGENDA_REWRITTEN, k + 1: AGENCIES_REWRITTEN})
    revised.insert(k + 1, extra)
    pairs = align(res_80_185, revised)
    assert [(p.op, p.old, p.new) for p in pairs if p.op not in ("unchanged", "renumbered")] == [
        ("deleted", (k,), ()),
        ("deleted", (k + 1,), ()),
        ("inserted", (), (k,)),
        ("inserted", (), (k + 1,)),
        ("inserted", (), (k + 2,)),
    ]


def test_rewrite_is_not_paired_across_kinds(res_80_185):
    """The last preambular paragraph rewritten, once as preambular, once as operative."""
    k = at(res_80_185, "operative", "1") - 1
    assert res_80_185[k].kind == "preambular"
    rewritten = (
        "Underlining the important role of relevant United Nations treaty bodies and of the "
        "International Organization for Migration, under its strategic plan 2024–2028, in "
        "gathering evidence on the recruitment of women migrant workers through digital platforms,"
    )
    as_preambular = put(res_80_185, {k: rewritten})
    assert pair_of(align(res_80_185, as_preambular), k).reason == REWRITTEN
    as_operative = list(as_preambular)
    as_operative[k] = replace(as_preambular[k], kind="operative")
    assert pair_of(align(res_80_185, as_operative), k).op == "deleted"


def test_unrelated_paragraphs_alone_in_a_gap_are_not_paired(res_80_185):
    """A/RES/78/180's COVID-19 paragraph (op. 25, dropped since) in the place of op. 22.

    Both are real operative paragraphs opening "Calls upon [Member] States to", alone in the
    gap between op. 21 and op. 23, more similar than the rewrite threshold: only the opening
    formula and the resolution's common vocabulary are shared.
    """
    res_78_180 = un_units("A_RES_78_180.txt")
    covid_text = res_78_180[at(res_78_180, "operative", "25")].text
    k = at(res_80_185, "operative", "22")
    old = put(res_80_185, {k: covid_text})
    assert similarity(text_words(covid_text), text_words(res_80_185[k].text)) >= REWRITE_THRESHOLD
    pairs = align(old, res_80_185)
    assert [(p.op, p.old, p.new) for p in pairs if p.op != "unchanged"] == [
        ("deleted", (k,), ()),
        ("inserted", (), (k,)),
    ]


def test_rewrite_with_a_new_opening_is_found_by_its_rare_terms(res_80_185):
    """Op. 5 turned from "Recalls the adoption of …" into an encouragement: the opening is
    gone, but the words only this paragraph uses (Habitat, Quito, urban …) are still there."""
    k = at(res_80_185, "operative", "5")
    text = (
        "Encourages Member States to draw on the New Urban Agenda adopted at Habitat III in "
        "Quito when designing housing and transport policies for women migrant workers;"
    )
    pair = pair_of(align(res_80_185, put(res_80_185, {k: text})), k)
    assert (pair.op, pair.new, pair.reason) == ("modified", (k,), REWRITTEN)
    assert REWRITE_THRESHOLD <= pair.similarity < 0.35


def test_tiny_paragraph_is_not_paired_as_a_rewrite(res_80_185):
    """A three-word fragment sharing three rare terms with its neighbour-to-be is noise."""
    k = at(res_80_185, "operative", "5")
    old = put(res_80_185, {k: "Habitat III settlements"})
    text = "Recalls Habitat III and the United Nations Human Settlements Programme;"
    assert similarity(text_words(old[k].text), text_words(text)) >= REWRITE_THRESHOLD
    pairs = align(old, put(res_80_185, {k: text}))
    assert pair_of(pairs, k).op == "deleted"


@pytest.fixture(scope="module")
def filler() -> list[str]:
    """Treaty words with nothing of the resolution's subject matter, to rewrite with."""
    return " ".join(PALERMO.read_text(encoding="utf-8").splitlines()[40:200]).lower().split()


def test_rewrites_of_every_real_paragraph_are_found(res_80_185, filler):
    """Each paragraph of 12+ words in turn keeps its first quarter and its last words and has
    the rest replaced: those left between the rewrite threshold and the fuzzy threshold are
    found mostly, and never paired with the wrong paragraph."""
    tried, found, offset = 0, 0, 0
    for k, unit in enumerate(res_80_185):
        words = unit.text.split()
        if unit.kind not in ("preambular", "operative") or len(words) < 12:
            continue
        head, tail = round(len(words) / 4), round(len(words) / 20)
        middle = filler[offset : offset + len(words) - head - tail]
        offset = (offset + len(middle)) % (len(filler) - 300)
        text = " ".join(words[:head] + middle + words[len(words) - tail :])
        score = similarity(text_words(unit.text), text_words(text))
        if not REWRITE_THRESHOLD <= score < 0.5:
            continue
        tried += 1
        pair = pair_of(align(res_80_185, put(res_80_185, {k: text})), k)
        if pair.op != "deleted":
            assert (pair.op, pair.new, pair.reason) == ("modified", (k,), REWRITTEN)
            found += 1
    assert tried >= 90
    assert found >= 0.85 * tried, f"{found} of {tried}"


def test_other_paragraphs_in_a_paragraphs_place_are_not_paired(res_80_185):
    """Each paragraph put in the place of each other one of its kind (taken out of both texts)
    that it resembles at least as much as the rewrite threshold: only parallel preambular
    paragraphs on one instrument or one theme pass for rewrites of each other."""
    words = [text_words(u.text) for u in res_80_185]
    paired, tried = set(), 0
    for k, unit in enumerate(res_80_185):
        if unit.kind not in ("preambular", "operative"):
            continue
        for m, other in enumerate(res_80_185):
            if m == k or other.kind != unit.kind:
                continue
            if similarity(words[k], words[m]) < REWRITE_THRESHOLD:
                continue
            tried += 1
            old = [u for n, u in enumerate(res_80_185) if n != m]
            new = [u for n, u in enumerate(put(res_80_185, {k: other.text})) if n != m]
            if pair_of(align(old, new), k - (m < k)).op != "deleted":
                paired.add((unit.number, other.number))
    assert tried > 250
    parallel = {("PP2", "PP3"), ("PP8", "PP9"), ("PP15", "PP16"), ("PP25", "PP26")}
    assert paired == parallel | {(b, a) for a, b in parallel}


#: Operative paragraph 3 of A/RES/80/185 with its last clause made a paragraph of its own.
OP3_HEAD, OP3_TAIL = (
    "calls upon States Parties to comply with their relevant obligations under international law;",
    "Encourages Member States to implement the United Nations Global Plan of Action to Combat "
    "Trafficking in Persons;",
)


def test_paragraph_whose_tail_became_a_paragraph_is_a_split(res_80_185):
    k = at(res_80_185, "operative", "3")
    text = res_80_185[k].text
    cut = text.index(", and encourages Member States")
    assert text[cut:].startswith(", and " + OP3_TAIL[0].lower() + OP3_TAIL[1:])
    revised = list(res_80_185)
    revised[k : k + 1] = [
        replace(res_80_185[k], text=text[:cut] + ";"),
        replace(res_80_185[k], number="3 bis", text=OP3_TAIL),
    ]
    pairs = align(res_80_185, revised)
    assert [(p.op, p.old, p.new) for p in pairs if p.op not in ("unchanged", "renumbered")] == [
        ("split", (k,), (k, k + 1)),
    ]
    assert pair_of(pairs, k).similarity > 0.95


def test_every_real_paragraph_split_at_its_last_clause_is_a_split(res_80_185):
    """Each operative paragraph cut at its last "; " or ", and ", the tail a new paragraph."""
    tried = 0
    for k, unit in enumerate(res_80_185):
        cut = max(unit.text.rfind("; "), unit.text.rfind(", and "))
        if unit.kind != "operative" or cut < 0:
            continue
        tail = unit.text[cut:].removeprefix(";").removeprefix(",").strip().removeprefix("and ")
        if len(tail.split()) < 4:
            continue
        tried += 1
        revised = list(res_80_185)
        revised[k : k + 1] = [
            replace(unit, text=unit.text[:cut] + ";"),
            replace(unit, number=unit.number + " bis", text=tail[0].upper() + tail[1:]),
        ]
        pair = pair_of(align(res_80_185, revised), k)
        assert (pair.op, pair.new) == ("split", (k, k + 1)), unit.number
    assert tried >= 25


def test_a_tail_of_noise_is_not_a_split(res_80_185):
    k = at(res_80_185, "operative", "38")
    head, tail = res_80_185[k].text.rsplit(", including by authorities", 1)
    revised = list(res_80_185)
    revised[k : k + 1] = [
        replace(res_80_185[k], text=head + ";"),
        replace(res_80_185[k], number="38 bis", text="Including by authorities" + tail),
    ]
    pairs = align(res_80_185, revised)
    assert [(p.op, p.old, p.new) for p in pairs if p.op not in ("unchanged", "renumbered")] == [
        ("modified", (k,), (k,)),
        ("inserted", (), (k + 1,)),
    ]


def test_new_paragraph_repeating_its_neighbours_opening_is_not_a_split(res_80_185):
    """Op. 8 lightly amended and followed by a new paragraph made of its own first words:
    the new paragraph brings nothing of op. 8 that the amended op. 8 does not already hold."""
    k = at(res_80_185, "operative", "8")
    text = res_80_185[k].text
    repeat = " ".join(text.split()[: len(text.split()) // 4]) + ";"
    revised = list(res_80_185)
    revised[k : k + 1] = [
        replace(res_80_185[k], text=text.replace("to adopt or strengthen", "to strengthen")),
        replace(res_80_185[k], number="8 bis", text=repeat),
    ]
    pairs = align(res_80_185, revised)
    assert [(p.op, p.old, p.new) for p in pairs if p.op not in ("unchanged", "renumbered")] == [
        ("modified", (k,), (k,)),
        ("inserted", (), (k + 1,)),
    ]


@pytest.mark.parametrize(
    ("old_name", "new_name", "operative", "successors"),
    [
        # The draft drops op. 16 (best interests of the child, restored on adoption) and the
        # two COVID-19 paragraphs, op. 25 and op. 26.
        ("A_RES_78_180.txt", "A_C.3_80_L.18.txt", 52, 49),
        ("A_C.3_80_L.18.txt", "A_RES_80_185.txt", 50, 50),
        # Two years on, only op. 25 (COVID-19) is gone; op. 26 is rewritten (0.77).
        ("A_RES_78_180.txt", "A_RES_80_185.txt", 52, 51),
    ],
)
def test_real_successive_resolutions(old_name, new_name, operative, successors):
    old, new = un_units(old_name), un_units(new_name)
    pairs = align(old, new)
    assert sorted(i for p in pairs for i in p.old) == list(range(len(old)))
    assert sorted(j for p in pairs for j in p.new) == list(range(len(new)))
    ops = [k for k, u in enumerate(old) if u.kind == "operative"]
    assert len(ops) == operative
    paired = {i for p in pairs if p.new for i in p.old}
    assert sum(k in paired for k in ops) == successors
    for p in pairs:  # successors keep their kind
        if p.old and p.new:
            assert old[p.old[0]].kind == new[p.new[0]].kind


def test_real_unrelated_paragraphs_in_one_gap_stay_apart():
    """78/180 → L.18: PP46 (ICT and trafficking) went, PP44 (digital literacy) came, in the
    same slot between two aligned paragraphs; they are different paragraphs."""
    old, new = un_units("A_RES_78_180.txt"), un_units("A_C.3_80_L.18.txt")
    pp46, pp44 = at(old, "preambular", "PP46"), at(new, "preambular", "PP44")
    pairs = align(old, new)
    assert pair_of(pairs, pp46).op == "deleted"
    assert pair_of(pairs, pp46 - 1).new == (pp44 - 1,)
    assert pair_of(pairs, pp46 + 1).new == (pp44 + 1,)
    assert not any(p.reason for p in pairs)


def test_agreed_text_is_searched_for_whole_words():
    """The agreed paragraphs are searched word by word, then split once: same answers."""
    texts = ["Welcomes the Work Plan 2015–2018;", "Planning ahead, the plan-making bodies;"]
    side = _Side.of(units(texts))
    vocabulary = _Vocabulary(side, side, agreed=[0, 1])
    asked = ["plan", "planning", "pla", "work", "2015", "2018", "making", "ahead", "lan", "015"]
    expected = [True, True, False, True, True, True, True, True, False, False]
    assert [vocabulary.agreed(w) for w in asked] == expected
    for k in range(_SEARCHES):
        assert not vocabulary.agreed(f"absent{k}")
    assert [vocabulary.agreed(w) for w in ["pla", "plan", "bodies", "lan"]] == [
        False,
        True,
        True,
        False,
    ]
