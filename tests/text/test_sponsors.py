"""Sponsor lines, symbols and mastheads: the real texts of tests/data/texts/un, then examples
written for the cases those texts lack."""

from __future__ import annotations

from datetime import date

import pytest

from multilateral.text import refdata
from multilateral.text.country_names import NameResolver
from multilateral.text.sponsors import (
    SponsorLine,
    find_sponsor_line,
    parse_symbol,
    read_masthead,
    read_sponsor_line,
)
from tests.conftest import TEXTS

UN = TEXTS / "un"
G77 = "the States Members of the United Nations that are members of the Group of 77 and China"


def _lines(name: str) -> list[str]:
    return (UN / name).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def is_state():
    resolver = NameResolver((s.iso3, s.name) for s in refdata.load_states())
    return lambda name: resolver.resolve(name) is not None


def test_the_real_draft_names_indonesia_and_the_philippines(is_state) -> None:
    found = find_sponsor_line(_lines("A_C.3_80_L.18.txt"), is_state=is_state)
    assert found == SponsorLine(("Indonesia", "Philippines"), "draft resolution")
    # The line is the tenth of the masthead, before the title, as the folder's README says.
    assert _lines("A_C.3_80_L.18.txt")[9] == "Indonesia and Philippines: draft resolution"


@pytest.mark.parametrize("name", ["A_RES_78_180.txt", "A_RES_80_185.txt"])
def test_a_resolution_has_no_sponsor_line(name: str) -> None:
    assert find_sponsor_line(_lines(name)) is None


def test_the_masthead_of_the_real_draft() -> None:
    masthead = read_masthead(_lines("A_C.3_80_L.18.txt"))
    assert masthead.symbol == "A/C.3/80/L.18"
    assert masthead.issued_on == date(2025, 10, 21)
    assert masthead.adopted_on is None and masthead.meeting == ""
    assert masthead.sponsor_line is not None
    assert masthead.sponsor_line.sponsors == ("Indonesia", "Philippines")


@pytest.mark.parametrize(
    ("name", "symbol", "issued", "adopted", "meeting"),
    [
        ("A_RES_78_180.txt", "A/RES/78/180", date(2023, 12, 22), date(2023, 12, 19), "50th"),
        ("A_RES_80_185.txt", "A/RES/80/185", date(2025, 12, 22), date(2025, 12, 15), "62nd"),
    ],
)
def test_the_masthead_of_the_real_resolutions(
    name: str, symbol: str, issued: date, adopted: date, meeting: str
) -> None:
    masthead = read_masthead(_lines(name))
    assert masthead.symbol == symbol
    # The issue date is printed under the distribution line; the adoption date on its own
    # line ("Resolution adopted by the General Assembly on …"): they differ.
    assert masthead.issued_on == issued
    assert masthead.adopted_on == adopted
    assert masthead.meeting == f"{meeting} plenary meeting"
    assert masthead.sponsor_line is None


@pytest.mark.parametrize("with_states", [False, True])
@pytest.mark.parametrize(
    ("line", "sponsors", "document"),
    [
        (
            "Argentina, Brazil, Chile and Mexico: draft resolution",
            ("Argentina", "Brazil", "Chile", "Mexico"),
            "draft resolution",
        ),
        ("Philippines: draft decision", ("Philippines",), "draft decision"),
        ("Trinidad and Tobago: draft resolution", ("Trinidad and Tobago",), "draft resolution"),
        (
            "Chile and Trinidad and Tobago: draft resolution",
            ("Chile", "Trinidad and Tobago"),
            "draft resolution",
        ),
        (
            "Bosnia and Herzegovina, Chile, and Saint Vincent and the Grenadines: draft resolution",
            ("Bosnia and Herzegovina", "Chile", "Saint Vincent and the Grenadines"),
            "draft resolution",
        ),
        (
            "Bolivia (Plurinational State of) and Mexico: draft resolution",
            ("Bolivia (Plurinational State of)", "Mexico"),
            "draft resolution",
        ),
        (
            "Mexico: amendment to draft resolution A/C.3/80/L.18",
            ("Mexico",),
            "amendment to draft resolution A/C.3/80/L.18",
        ),
    ],
)
def test_sponsor_lists(line: str, sponsors: tuple[str, ...], document: str, with_states, is_state):
    found = read_sponsor_line(line, is_state=is_state if with_states else None)
    assert found is not None
    assert found.sponsors == sponsors
    assert found.document == document
    assert not found.revised and found.on_behalf_of == ""


def test_a_revised_draft_with_a_footnote_mark() -> None:
    found = read_sponsor_line("Philippines*: revised draft resolution")
    assert found == SponsorLine(
        ("Philippines",), "revised draft resolution", revised=True, footnoted=("Philippines",)
    )


def test_a_footnote_mark_points_to_the_group_a_sponsor_speaks_for() -> None:
    footnote = f"* On behalf of {G77}."
    for line in ("Guyana*: draft resolution", "Guyana:* draft resolution"):
        found = read_sponsor_line(line, footnotes=[footnote])
        assert found is not None
        assert found.sponsors == ("Guyana",)
        assert found.on_behalf_of == G77
    # A footnote that says something else names no group.
    other = read_sponsor_line("Guyana*: draft resolution", footnotes=["* Reissued."])
    assert other is not None and other.on_behalf_of == ""


def test_a_group_in_parentheses_or_after_a_comma_is_not_a_sponsor(is_state) -> None:
    line = f"Guyana (on behalf of {G77}): draft resolution"
    for found in (read_sponsor_line(line), read_sponsor_line(line, is_state=is_state)):
        assert found is not None
        assert found.sponsors == ("Guyana",)  # not "China"
        assert found.on_behalf_of == G77
    comma = read_sponsor_line("Uganda, on behalf of the Group of African States: draft decision")
    assert comma is not None
    assert comma.sponsors == ("Uganda",)
    assert comma.on_behalf_of == "the Group of African States"


def test_a_masthead_footnote_is_read_with_the_sponsor_line() -> None:
    lines = [
        "A/C.2/80/L.9",
        "Guyana:* draft resolution",
        "Some title",
        f"* On behalf of {G77}.",
        "The General Assembly,",
        "Recalling its resolution,",
    ]
    found = find_sponsor_line(lines)
    assert found is not None and found.on_behalf_of == G77


@pytest.mark.parametrize(
    "line",
    [
        "Advancement of women: advancement of women",
        "Violence against women migrant workers",
        "Agenda item 26 (a)",
        "Resolution adopted by the General Assembly on 15 December 2025",
    ],
)
def test_other_masthead_lines_are_not_sponsor_lines(line: str) -> None:
    assert read_sponsor_line(line) is None


@pytest.mark.parametrize(
    ("symbol", "stage", "session", "revision"),
    [
        ("A/C.3/80/L.18", "draft", 80, None),
        ("A/C.3/80/L.18/Rev.1", "revised-draft", 80, 1),
        ("A/80/L.5/Rev.2", "revised-draft", 80, 2),
        ("A/RES/78/180", "adopted", 78, None),
        ("A/HRC/RES/53/7", "adopted", 53, None),
        ("E/CN.15/2024/L.3", "draft", None, None),
    ],
)
def test_symbols(symbol: str, stage: str, session: int | None, revision: int | None) -> None:
    info = parse_symbol(symbol)
    assert info is not None
    assert (info.stage, info.session, info.revision) == (stage, session, revision)


@pytest.mark.parametrize("symbol", ["A/78/473", "A/80/545", "", "CETS No. 197"])
def test_symbols_that_tell_no_stage(symbol: str) -> None:
    assert parse_symbol(symbol) is None
