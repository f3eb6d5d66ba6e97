"""The shipped reference lists: counts, codes, cross-references, known facts, and the reader."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pycountry
import pytest

from multilateral.text.refdata import (
    SEED_DIR,
    STATE_KINDS,
    ForumRow,
    MembershipRow,
    StateRow,
    load_forums,
    load_memberships,
    load_states,
)

STATES = load_states()
FORUMS = load_forums()
MEMBERSHIPS = load_memberships()


def members(forum: str) -> set[str]:
    return {row.iso3 for row in MEMBERSHIPS if row.forum == forum}


# --- counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forum", "count"),
    [("un-ga", 193), ("eu", 27), ("osce", 57), ("oas", 35), ("rcm", 11), ("ilo", 187)],
)
def test_forum_member_counts(forum: str, count: int) -> None:
    assert len(members(forum)) == count


def test_state_kinds_counts() -> None:
    kinds = Counter(state.kind for state in STATES)
    assert kinds == {"un-member": 193, "un-observer": 2, "organization": 1, "other": 1}


def test_un_ga_is_exactly_the_un_member_states() -> None:
    assert members("un-ga") == {s.iso3 for s in STATES if s.kind == "un-member"}


def test_third_committee_has_every_general_assembly_member() -> None:
    assert members("un-third-committee") == members("un-ga")


def test_ilo_is_un_members_less_seven_plus_cook_islands() -> None:
    not_in_ilo = members("un-ga") - members("ilo")
    assert not_in_ilo == {"AND", "BTN", "FSM", "LIE", "MCO", "NRU", "PRK"}
    assert members("ilo") - members("un-ga") == {"COK"}


def test_eu_members_are_all_osce_participating_states() -> None:
    assert members("eu") <= members("osce")


# --- codes and cross-references ---------------------------------------------------------


def test_state_codes_are_iso_3166_1() -> None:
    for state in STATES:
        if state.kind == "organization":
            continue
        country = pycountry.countries.get(alpha_3=state.iso3)
        assert country is not None, state.iso3
        assert country.alpha_2 == state.iso2, state.iso3


def test_european_union_is_an_organization_not_a_state() -> None:
    eu = next(state for state in STATES if state.iso3 == "EU")
    assert (eu.iso2, eu.kind) == ("EU", "organization")
    assert pycountry.countries.get(alpha_3="EU") is None


def test_no_duplicates() -> None:
    for values in (
        [s.iso3 for s in STATES],
        [s.iso2 for s in STATES],
        [s.name for s in STATES],
        [f.slug for f in FORUMS],
        [(m.forum, m.iso3) for m in MEMBERSHIPS],
    ):
        assert [v for v, n in Counter(values).items() if n > 1] == []


def test_every_member_is_a_known_state() -> None:
    known = {state.iso3 for state in STATES}
    assert {m.iso3 for m in MEMBERSHIPS} - known == set()


def test_memberships_only_for_forums_with_a_list() -> None:
    listed = {f.slug for f in FORUMS if f.has_membership_list}
    assert {m.forum for m in MEMBERSHIPS} == listed


def test_forum_parents_exist() -> None:
    slugs = {forum.slug for forum in FORUMS}
    assert {f.parent for f in FORUMS if f.parent} <= slugs


def test_every_row_has_a_source() -> None:
    assert all(forum.source.startswith("https://") for forum in FORUMS)
    assert all(state.source.startswith("https://") for state in STATES)


def test_palermo_participants_are_known_states() -> None:
    participants: set[str] = set()
    for name in ("palermo_participants.csv", "palermo_participants_additions.csv"):
        with (SEED_DIR / name).open(encoding="utf-8", newline="") as handle:
            participants |= {row["iso3"] for row in csv.DictReader(handle)}
    assert participants
    assert participants - {state.iso3 for state in STATES} == set()


def test_files_are_sorted() -> None:
    assert [s.iso3 for s in STATES] == sorted(s.iso3 for s in STATES)
    assert [f.slug for f in FORUMS] == sorted(f.slug for f in FORUMS)
    keys = [(m.forum, m.iso3) for m in MEMBERSHIPS]
    assert keys == sorted(keys)


# --- facts worth a briefing ----------------------------------------------------------


@pytest.mark.parametrize("forum", ["un-ga", "ilo", "osce", "oas", "rcm"])
def test_united_states_sits_in(forum: str) -> None:
    assert "USA" in members(forum)


def test_spot_checks() -> None:
    assert "VAT" in members("osce") and "VAT" not in members("un-ga")
    assert "COK" in members("ilo")
    assert "CAN" in members("oas") and "CAN" in members("osce")
    assert "MNG" in members("osce")
    assert "LIE" not in members("ilo")
    assert "PSE" not in members("un-ga")
    assert "CUB" in members("oas")
    assert "NIC" in members("rcm")


def test_uses_un_short_names() -> None:
    names = {state.iso3: state.name for state in STATES}
    assert names["BOL"] == "Bolivia (Plurinational State of)"
    assert names["TUR"] == "Türkiye"
    assert names["CIV"] == "Côte d'Ivoire"
    assert names["VAT"] == "Holy See"


def test_membership_caveats_are_noted() -> None:
    notes = {(m.forum, m.iso3): m.note for m in MEMBERSHIPS}
    assert "1962" in notes[("oas", "CUB")]
    assert "2023" in notes[("oas", "NIC")]


def test_elected_bodies_have_no_list() -> None:
    forums = {forum.slug: forum for forum in FORUMS}
    for slug in ("unsc", "ecosoc", "ccpcj", "hrc"):
        assert forums[slug].has_membership_list is False
    assert forums["un-third-committee"].parent == "un-ga"


# --- the reader -----------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reader_returns_frozen_typed_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "forums.csv",
        "slug,name,parent,has_membership_list,source\n"
        "x,X body,,TRUE,https://example.org\n"
        "y,Y organ,x,false,https://example.org\n",
    )
    forums = load_forums(path)
    assert forums == [
        ForumRow("x", "X body", None, True, "https://example.org"),
        ForumRow("y", "Y organ", "x", False, "https://example.org"),
    ]
    with pytest.raises(AttributeError):
        forums[0].slug = "z"  # type: ignore[misc]


def test_reader_reads_given_paths(tmp_path: Path) -> None:
    states = write(tmp_path, "s.csv", "iso3,iso2,name,kind,source\nCOK,CK,Cook Islands,other,u\n")
    links = write(tmp_path, "m.csv", 'forum,iso3,note\nilo,COK,"a, b"\n')
    assert load_states(str(states)) == [StateRow("COK", "CK", "Cook Islands", "other", "u")]
    assert load_memberships(links) == [MembershipRow("ilo", "COK", "a, b")]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("s.csv", "iso3,name\nUSA,United States\n", "header"),
        ("s.csv", "iso3,iso2,name,kind,source\nUSA,US,United States,nation,u\n", "kind"),
        ("s.csv", "iso3,iso2,name,kind,source\nUSA,US,,un-member,u\n", "empty name"),
        ("s.csv", "iso3,iso2,name,kind,source\nUSA,US,United States\n", "columns"),
        ("s.csv", "iso3,iso2,name,kind,source\nUSA,US,U,un-member,u,extra\n", "columns"),
    ],
)
def test_bad_states_file_is_refused(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_states(write(tmp_path, name, text))


def test_bad_boolean_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "f.csv",
        "slug,name,parent,has_membership_list,source\nx,X,,yes,https://example.org\n",
    )
    with pytest.raises(ValueError, match=r"f\.csv:2: has_membership_list"):
        load_forums(path)


def test_kinds_constant_covers_the_file() -> None:
    assert {state.kind for state in STATES} == set(STATE_KINDS)
