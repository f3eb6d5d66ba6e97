"""Status-table parsers: the UNTC participant table and the shared participants CSV.

Real data: ``palermo_participants.csv`` and ``palermo_participants_additions.csv`` (read
from ``multilateral/seed/`` where the seed ships them, else from ``tests/data/``), and
``tests/data/untc_palermo_excerpt.tsv``, a UNTC-layout table filled only with rows of that
CSV (see its README). Inline tables that test suffixes the real data lacks use fictional
participants ("Ruritania", "Freedonia" …) so that no date is attributed to a real state.
"""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest

from multilateral.text.country_names import NameResolver
from multilateral.text.refdata import load_states
from multilateral.text.status_tables import (
    ACT_KINDS,
    PRECISIONS,
    RecordedAct,
    StatusRow,
    StatusTableError,
    parse_participants_csv,
    parse_status_table,
    parse_untc_table,
)

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data"
SEED = ROOT / "multilateral" / "seed"
FIXTURE = DATA / "untc_palermo_excerpt.tsv"
HEADER = (
    "Participant\tSignature\tRatification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"
)

D = datetime.date


def shared(name: str) -> Path:
    """A shared data file: the seed's copy when it ships one, else the test copy."""
    seeded = SEED / name
    return seeded if seeded.exists() else DATA / name


def read(name: str) -> str:
    return shared(name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def participants() -> list[StatusRow]:
    return parse_participants_csv(read("palermo_participants.csv"))


@pytest.fixture(scope="module")
def additions() -> list[StatusRow]:
    return parse_participants_csv(read("palermo_participants_additions.csv"))


@pytest.fixture(scope="module")
def untc() -> list[StatusRow]:
    return parse_untc_table(FIXTURE.read_text(encoding="utf-8"), source="UNTC excerpt")


def by_name(rows: list[StatusRow]) -> dict[str, StatusRow]:
    return {row.participant: row for row in rows}


def non_signature(row: StatusRow) -> list[RecordedAct]:
    return [act for act in row.acts if act.kind != "signature"]


def problems_of(excinfo: pytest.ExceptionInfo[StatusTableError]) -> dict[int, str]:
    return dict(excinfo.value.problems)


def table(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


# ------------------------------------------------------------------ UNTC: the real excerpt


def test_untc_excerpt_rows_names_and_lines(untc):
    assert [row.participant for row in untc] == [
        "Austria",
        "Bahrain",
        "Belize",
        "Central African Republic",
        "China",
        "Congo",
        "Democratic Republic of the Congo",
        "Djibouti",
        "Ethiopia",
        "Japan",
        "Kiribati",
        "Mexico",
        "Micronesia (Federated States of)",
        "Singapore",
        "United States of America",
        "Viet Nam",
    ]
    # Title on line 1, blank line 2, header line 3: Austria is on line 4.
    assert untc[0].line == 4
    assert untc[-1].line == 19
    assert all(row.iso3 is None and row.source == "UNTC excerpt" for row in untc)
    assert all(row.note == "" and not row.replaces_existing for row in untc)


def test_untc_excerpt_agrees_with_the_participants_csv(untc, participants):
    """Every value of the excerpt is the CSV's: same signature, same act date, and the kind
    the CSV states (bare date = ratification, "a" = accession, written out or coded)."""
    resolver = NameResolver((s.iso3, s.name) for s in load_states())
    csv_rows = {row.iso3: row for row in participants}
    for row in untc:
        iso3 = resolver.resolve(row.participant)
        assert iso3 is not None, row.participant
        untc_acts = [(a.kind, a.date, a.precision) for a in row.acts]
        csv_acts = [(a.kind, a.date, a.precision) for a in csv_rows[iso3].acts]
        assert untc_acts == csv_acts, row.participant


def test_untc_excerpt_acts(untc):
    rows = by_name(untc)
    assert rows["United States of America"].acts == (
        RecordedAct("signature", D(2000, 12, 13), "day", ""),
        RecordedAct("ratification", D(2005, 11, 3), "day", ""),
    )
    assert rows["Bahrain"].acts == (RecordedAct("accession", D(2004, 6, 7), "day", "a"),)
    assert rows["Austria"].acts[1] == RecordedAct("ratification", D(2005, 9, 15), "day", "")
    # Signature only (Japan's row has lost its trailing empty cell).
    assert rows["Japan"].acts == (RecordedAct("signature", D(2002, 12, 9), "day", ""),)
    assert rows["Congo"].acts == (RecordedAct("signature", D(2000, 12, 14), "day", ""),)


def test_untc_excerpt_footnotes_on_names_and_dates(untc):
    notes = {row.participant: row.footnotes for row in untc if row.footnotes}
    assert notes == {
        "China": ("1",),  # "China 1"
        "Democratic Republic of the Congo": ("2",),  # glued: "…Congo2"
        "Mexico": ("3",),  # on the act date: "4 Mar 2003 3"
        "Micronesia (Federated States of)": ("4", "5"),  # "…of)4,5"
        "United States of America": ("6", "7"),  # name and act date
        "Viet Nam": ("8",),  # superscript "Viet Nam⁸"
    }


def test_untc_excerpt_stops_at_the_text_below_the_table(untc):
    text = FIXTURE.read_text(encoding="utf-8")
    assert "Declarations and Reservations" in text and "\n1 Footnote" in text
    assert not any(
        "Footnote" in row.participant or "Declarations" in row.participant for row in untc
    )
    assert len(untc) == 16


# ------------------------------------------------------------------ UNTC: inline cases


def test_untc_every_suffix_gives_its_kind():
    rows = parse_untc_table(
        table(
            "Ruritania\t1 Feb 2001\t2 Mar 2002",
            "Freedonia\t\t3 Apr 2003 A",
            "Sylvania\t\t4 May 2004 AA",
            "Grand Fenwick\t\t5 Jun 2005 a",
            "Latveria\t\t6 Jul 2006 d",
        ),
        source="inline",
    )
    assert [(row.participant, non_signature(row)[0]) for row in rows] == [
        ("Ruritania", RecordedAct("ratification", D(2002, 3, 2), "day", "")),
        ("Freedonia", RecordedAct("acceptance", D(2003, 4, 3), "day", "A")),
        ("Sylvania", RecordedAct("approval", D(2004, 5, 4), "day", "AA")),
        ("Grand Fenwick", RecordedAct("accession", D(2005, 6, 5), "day", "a")),
        ("Latveria", RecordedAct("succession", D(2006, 7, 6), "day", "d")),
    ]
    assert rows[0].acts[0] == RecordedAct("signature", D(2001, 2, 1), "day", "")


def test_untc_formal_confirmation_is_consent_when_the_header_declares_it():
    header = "Participant\tSignature\tFormal confirmation(c), Accession(a), Ratification"
    rows = parse_untc_table(table("Ruritania\t1 Feb 2001\t2 Mar 2002 c", header=header), source="s")
    assert rows[0].acts[1] == RecordedAct("consent", D(2002, 3, 2), "day", "c")


def test_untc_code_the_header_does_not_declare_is_a_problem():
    with pytest.raises(StatusTableError) as excinfo:
        parse_untc_table(table("Ruritania\t1 Feb 2001\t2 Mar 2002 c"), source="s")
    assert list(problems_of(excinfo)) == [2]
    assert "'c'" in problems_of(excinfo)[2]


def test_untc_succession_to_signature_stays_a_signature_and_other_codes_do_not():
    header = "Participant\tSignature, Succession to signature(d)\tRatification, Accession(a)"
    rows = parse_untc_table(table("Ruritania\t1 Feb 2001 d\t", header=header), source="s")
    assert rows[0].acts == (RecordedAct("signature", D(2001, 2, 1), "day", "d"),)
    with pytest.raises(StatusTableError) as excinfo:
        parse_untc_table(table("Freedonia\t1 Feb 2001 a\t", header=header), source="s")
    assert list(problems_of(excinfo)) == [2]


def test_untc_footnotes_in_every_position():
    rows = parse_untc_table(
        table(
            "Ruritania²\t1 Feb 2001³\t2 Mar 2002 a⁴",
            "Freedonia3,4\t1 Feb 20015\t2 Mar 2002 6 a",
            "Sylvania 7, 8\t\t4 May 2004 AA 9,10",
        ),
        source="s",
    )
    assert [row.footnotes for row in rows] == [
        ("2", "3", "4"),
        ("3", "4", "5", "6"),
        ("7", "8", "9", "10"),
    ]
    assert [row.participant for row in rows] == ["Ruritania", "Freedonia", "Sylvania"]
    assert rows[1].acts == (
        RecordedAct("signature", D(2001, 2, 1), "day", ""),
        RecordedAct("accession", D(2002, 3, 2), "day", "a"),
    )
    assert rows[2].acts == (RecordedAct("approval", D(2004, 5, 4), "day", "AA"),)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("6 Sept 2006", D(2006, 9, 6)),
        ("6 September 2006", D(2006, 9, 6)),
        ("6 Sep. 2006", D(2006, 9, 6)),
        ("06 sep 2006", D(2006, 9, 6)),
        ("29 Feb 2004", D(2004, 2, 29)),
        ("1\u00a0Jan\u00a02001", D(2001, 1, 1)),  # no-break spaces from a web page
    ],
)
def test_untc_month_spellings(cell, expected):
    rows = parse_untc_table(table(f"Ruritania\t\t{cell}"), source="s")
    assert rows[0].acts == (RecordedAct("ratification", expected, "day", ""),)


def test_untc_header_variants_are_found_by_title():
    # Extra spaces, an ignored extra column, and the last title wrapped onto a second line.
    header = (
        "  Participant \t Signature \tNotes\t Ratification, Acceptance (A),\n"
        "Approval (AA), Accession (a), Succession (d)"
    )
    rows = parse_untc_table(
        table("Ruritania\t1 Feb 2001\tsee below\t2 Mar 2002 AA", header=header), source="s"
    )
    assert rows[0].acts == (
        RecordedAct("signature", D(2001, 2, 1), "day", ""),
        RecordedAct("approval", D(2002, 3, 2), "day", "AA"),
    )
    assert rows[0].line == 3


def test_untc_columns_in_another_order():
    header = "Participant\tRatification, Accession(a)\tSignature"
    rows = parse_untc_table(table("Ruritania\t2 Mar 2002 a\t1 Feb 2001", header=header), source="s")
    assert rows[0].acts == (
        RecordedAct("signature", D(2001, 2, 1), "day", ""),
        RecordedAct("accession", D(2002, 3, 2), "day", "a"),
    )


def test_untc_lines_before_the_header_and_blank_lines_are_skipped():
    text = "Status as at: some day\nParties: 3\n\n" + table(
        "Ruritania\t\t2 Mar 2002", "", "Freedonia\t\t3 Apr 2003 a"
    )
    rows = parse_untc_table(text, source="s")
    assert [(row.participant, row.line) for row in rows] == [("Ruritania", 5), ("Freedonia", 7)]


def test_untc_bad_dates_and_missing_names_are_all_collected_with_lines():
    text = table(
        "Ruritania\t31 Feb 2004\t",  # line 2
        "Freedonia\t\t12 Foo 2001",  # line 3
        "Sylvania\t\t4 May 2004 a",  # line 4: fine
        "\t1 Feb 2001\t2 Mar 2002",  # line 5: no name
        "7\t\t2 Mar 2002 a",  # line 6: a footnote number only
        "Latveria\t\t2 Mar 2002 zz",  # line 7: junk after the date
        "Grand Fenwick\t\tsoon",  # line 8: not a date
        "Tomainia\t\t",  # line 9: no date at all
        "Sylvania\t\t5 May 2005",  # line 10: listed twice
    )
    with pytest.raises(StatusTableError) as excinfo:
        parse_untc_table(text, source="s")
    problems = problems_of(excinfo)
    assert sorted(problems) == [2, 3, 5, 6, 7, 8, 9, 10]
    assert "31 Feb 2004" in problems[2]
    assert "Foo" in problems[3]
    assert "no participant name" in problems[5] and "no participant name" in problems[6]
    assert "zz" in problems[7]
    assert "soon" in problems[8]
    assert "no signature or act" in problems[9]
    assert "line 4" in problems[10]
    assert "line 2:" in str(excinfo.value) and "line 10:" in str(excinfo.value)


def test_untc_row_after_the_end_of_the_table_is_a_problem():
    text = table(
        "Ruritania\t\t2 Mar 2002", "1 A footnote line ends the table.", "Freedonia\t\t3 Apr 2003 a"
    )
    with pytest.raises(StatusTableError) as excinfo:
        parse_untc_table(text, source="s")
    assert list(problems_of(excinfo)) == [4]
    assert "line 3" in problems_of(excinfo)[4]


def test_untc_extra_cells_are_a_problem():
    with pytest.raises(StatusTableError) as excinfo:
        parse_untc_table(table("Ruritania\t\t2 Mar 2002\t3 Apr 2003"), source="s")
    assert list(problems_of(excinfo)) == [2]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Ruritania\t\t2 Mar 2002\n",
        "Participant\tNotes\nRuritania\t1 Feb 2001\n",  # no signature or act column
    ],
)
def test_untc_without_a_usable_header_is_refused(text):
    with pytest.raises(StatusTableError) as excinfo:
        parse_untc_table(text, source="s")
    assert len(excinfo.value.problems) == 1


# ------------------------------------------------------------------ CSV: the real files


def test_csv_counts_match_the_data_readme(participants):
    """DATA README: 183 rows, 79 day, 78 year, 23 unknown, 3 signature only."""
    assert len(participants) == 183
    precisions = Counter(
        (non_signature(row)[0].precision if non_signature(row) else "signature only")
        for row in participants
    )
    assert precisions == {"day": 79, "year": 78, "unknown": 23, "signature only": 3}
    assert all(len(non_signature(row)) <= 1 for row in participants)
    assert all(row.iso3 and row.source and row.footnotes == () for row in participants)
    assert [row.line for row in participants[:2]] == [2, 3]
    assert participants[-1].line == 184


def test_csv_kinds_and_codes(participants):
    rows = {row.iso3: row for row in participants}
    # "R": ratification, acceptance or approval not told apart.
    assert rows["EU"].participant == "European Community (now European Union)"
    assert rows["EU"].acts == (
        RecordedAct("signature", D(2000, 12, 12), "day", ""),
        RecordedAct("consent", D(2006, 9, 6), "day", "R"),
    )
    assert non_signature(rows["BHR"]) == [RecordedAct("accession", D(2004, 6, 7), "day", "a")]
    assert non_signature(rows["SGP"]) == [RecordedAct("accession", D(2015, 9, 28), "day", "")]
    assert non_signature(rows["USA"]) == [RecordedAct("ratification", D(2005, 11, 3), "day", "")]
    # Blank kind: consent, code "".
    assert non_signature(rows["AFG"]) == [RecordedAct("consent", D(2014, 8, 14), "day", "")]
    assert all(
        act.kind in ACT_KINDS and act.precision in PRECISIONS
        for row in participants
        for act in row.acts
    )


def test_csv_year_precision_counts_from_the_end_of_the_year(participants):
    rows = {row.iso3: row for row in participants}
    assert non_signature(rows["CPV"]) == [RecordedAct("consent", D(2004, 12, 31), "year", "")]
    # Signature by day, act by year (Poland).
    assert rows["POL"].acts == (
        RecordedAct("signature", D(2001, 10, 4), "day", ""),
        RecordedAct("consent", D(2003, 12, 31), "year", ""),
    )


def test_csv_signature_only_rows(participants):
    rows = {row.iso3: row for row in participants}
    assert rows["JPN"].acts == (RecordedAct("signature", D(2002, 12, 9), "day", ""),)
    signature_only = sorted(row.iso3 for row in participants if not non_signature(row))
    assert signature_only == ["BRB", "COG", "JPN"]


#: The rows whose only support is the UNTS registration record A-39574 and its list of
#: "Participants" (parties and signatories mixed). Read off palermo_participants.csv: the
#: ``unknown`` rows whose ``source`` cites international.vlex.com/…-863211426 and nothing that
#: calls the state a party. The DATA README's own list agrees ("rows backed only by it (Chad,
#: Czechia, Maldives, Monaco, Montenegro, Palau, Korea, San Marino, Serbia as "Yugoslavia
#: (Federal Republic of)", Sierra Leone, Sudan, Timor-Leste, Uganda)"). Two of them cite one
#: more source that does not make them parties: Korea a news item on instruments
#: "delivered" (no date, no word on the Protocol's status), Sierra Leone the 2004 Dutch
#: list of *signatures*. (ADDITIONS.md's "Still unknown (13)" is a different list: the
#: rows still without a date after the additions, five of them backed by party lists.)
UNTS_ONLY = {
    "TCD",
    "CZE",
    "MDV",
    "MCO",
    "MNE",
    "PLW",
    "KOR",
    "SMR",
    "SRB",
    "SLE",
    "SDN",
    "TLS",
    "UGA",
}

#: The other ``unknown`` rows: each source lists the state among the parties
#: (Verdragenbank "Partijen met voorbehouden", the inview.nl party list with an entry into
#: force, gesetze.li "Inkrafttreten") without the date or kind of its act.
LISTED_AS_PARTY = {"AND", "BGD", "BRN", "COM", "ERI", "FJI", "LIE", "PAK", "LKA", "PSE"}


def test_csv_participation_rule_on_the_real_rows(participants):
    unknown = {
        row.iso3: non_signature(row)[0]
        for row in participants
        if non_signature(row) and non_signature(row)[0].precision == "unknown"
    }
    assert {iso3 for iso3, act in unknown.items() if act.kind == "participation"} == UNTS_ONLY
    assert {iso3 for iso3, act in unknown.items() if act.kind == "consent"} == LISTED_AS_PARTY
    assert all(act.date is None and act.source_code == "" for act in unknown.values())
    assert len(UNTS_ONLY) == 13


def test_csv_additions(additions):
    rows = {row.iso3: row for row in additions}
    assert len(additions) == 17
    # precision "none": a dated statement that the state is NOT a party.
    non_parties = {row.iso3 for row in additions if non_signature(row)[0].kind == "non-party"}
    assert non_parties == {"IRN", "MHL", "PNG", "SLB", "SSD", "TON"}
    for iso3 in non_parties:
        assert rows[iso3].acts == (RecordedAct("non-party", None, "unknown", ""),)
        assert rows[iso3].note.startswith("not a party as of")
        assert not rows[iso3].replaces_existing
    # Month precision: the last day of the month.
    assert non_signature(rows["BGD"]) == [RecordedAct("accession", D(2019, 9, 30), "month", "")]
    assert non_signature(rows["BRN"]) == [RecordedAct("accession", D(2020, 3, 31), "month", "")]
    assert non_signature(rows["PAK"]) == [RecordedAct("accession", D(2022, 11, 30), "month", "")]
    assert non_signature(rows["LKA"]) == [RecordedAct("ratification", D(2015, 6, 30), "month", "")]
    # Year precision with a kind.
    assert non_signature(rows["FJI"]) == [RecordedAct("accession", D(2017, 12, 31), "year", "")]
    assert non_signature(rows["KOR"]) == [RecordedAct("ratification", D(2015, 12, 31), "year", "")]
    assert rows["CZE"].acts == (
        RecordedAct("signature", D(2002, 12, 10), "day", ""),
        RecordedAct("ratification", D(2014, 12, 17), "day", ""),
    )
    # Unknown date, known kind.
    assert non_signature(rows["SDN"]) == [RecordedAct("accession", None, "unknown", "")]
    assert non_signature(rows["MDV"]) == [RecordedAct("accession", None, "unknown", "")]
    # Monaco adds a domestic ordinance and a claim the file marks "not used": still only a
    # UNTS participant. Barbados is now on the inview.nl party list: a consent, no date.
    assert non_signature(rows["MCO"]) == [RecordedAct("participation", None, "unknown", "")]
    assert rows["BRB"].acts == (
        RecordedAct("signature", D(2001, 9, 26), "day", ""),
        RecordedAct("consent", None, "unknown", ""),
    )
    assert {row.iso3 for row in additions if row.replaces_existing} == set(rows) - non_parties


# ------------------------------------------------------------------ CSV: inline cases

CSV_HEADER = "participant,iso3,signature_date,action_date,action_date_precision,action_kind,source"


def csv_text(*rows: str, header: str = CSV_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("2020-02", "month", D(2020, 2, 29)),  # leap year
        ("2019-02", "month", D(2019, 2, 28)),
        ("2019-04", "month", D(2019, 4, 30)),
        ("2019-12", "month", D(2019, 12, 31)),
        ("2019", "year", D(2019, 12, 31)),
        ("2019-04-07", "day", D(2019, 4, 7)),
    ],
)
def test_csv_dates_count_from_the_end_of_the_period(value, precision, expected):
    rows = parse_participants_csv(csv_text(f"Ruritania,RUR,,{value},{precision},a,src"))
    assert rows[0].acts == (RecordedAct("accession", expected, precision, "a"),)


def test_csv_participation_needs_the_unts_record_and_nothing_naming_a_party():
    unts = (
        '"international.vlex.com/vid/x (UNTS registration A-39574 record listing ""Participants"")"'
    )
    party = "verdragenbank.overheid.nl/x (listed under Partijen)"
    rows = parse_participants_csv(
        csv_text(
            f"Ruritania,RUR,,,unknown,,{unts}",
            f'Freedonia,FRE,,,unknown,,"{party} | international.vlex.com/vid/x (UNTS)"',
            f"Sylvania,SYL,,,unknown,a,{unts}",  # kind given: an accession, date unknown
            "Latveria,LAT,,,unknown,,some gazette (instrument deposited)",
        )
    )
    assert [non_signature(row)[0].kind for row in rows] == [
        "participation",
        "consent",
        "accession",
        "consent",
    ]


def test_csv_status_note_and_replaces_existing():
    header = CSV_HEADER + ",status_note,replaces_existing"
    rows = parse_participants_csv(
        csv_text(
            "Ruritania,RUR,,,none,,src,not a party as of 2020 per src,no (new participant row)",
            "Freedonia,FRE,2001-02-01,,,,src,,yes",
            header=header,
        )
    )
    assert rows[0].note == "not a party as of 2020 per src" and not rows[0].replaces_existing
    assert rows[1].replaces_existing
    assert rows[1].acts == (RecordedAct("signature", D(2001, 2, 1), "day", ""),)


def test_csv_problems_are_collected_with_the_line_where_each_record_starts():
    text = csv_text(
        'Ruritania,RUR,,2004-02-31,day,,"a source that spans\ntwo lines"',  # line 2, bad day
        "Freedonia,FRE,,2004-13,month,,src",  # line 4: bad month
        ",SYL,,2004,year,,src",  # line 5: no name
        "Latveria,LAT,,2004,decade,,src",  # line 6: unknown precision
        "Tomainia,TOM,,2004,year,T,src",  # line 7: unknown kind
        "Grand Fenwick,GFW,,2004,unknown,,src",  # line 8: date with precision unknown
        "Bandrika,BAN,,2004,year,,",  # line 9: no source
        "Vulgaria,vul,,,none,,src",  # line 10: iso3 not capitals
        "Genovia,GEN,,,,,src",  # line 11: nothing recorded
        "Elbonia,ELB,2001-2-1,,,,src",  # line 12: signature not YYYY-MM-DD
        "Ruritania,RUR,,2004,year,,src",  # line 13: fine on its own, but RUR twice?
    )
    with pytest.raises(StatusTableError) as excinfo:
        parse_participants_csv(text)
    problems = problems_of(excinfo)
    # Ruritania's first row failed, so its second one is not a duplicate.
    assert sorted(problems) == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "2004-02-31" in problems[2]
    assert "2004-13" in problems[4]
    assert "no participant name" in problems[5]
    assert "decade" in problems[6]
    assert "'T'" in problems[7]
    assert "unknown" in problems[8]
    assert "no source" in problems[9]
    assert "vul" in problems[10]
    assert "no signature" in problems[11]
    assert "signature_date" in problems[12]


def test_csv_duplicates_and_columns():
    with pytest.raises(StatusTableError) as excinfo:
        parse_participants_csv(
            csv_text("Ruritania,RUR,,2004,year,,s", "Ruritania,RUR,,2005,year,,s")
        )
    assert list(problems_of(excinfo)) == [3]
    with pytest.raises(StatusTableError) as excinfo:
        parse_participants_csv("participant,iso3,signature_date,source,status_notes\n")
    (line, message), (_, other) = excinfo.value.problems
    assert line == 1 and "action_date" in message and "status_notes" in other


def test_csv_default_source_fills_blank_sources():
    rows = parse_participants_csv(csv_text("Ruritania,RUR,,2004,year,,"), default_source="upload")
    assert rows[0].source == "upload"


# ------------------------------------------------------------------ detection


def test_detection_reads_either_format(participants, untc):
    from_csv = parse_status_table(read("palermo_participants.csv"), source="ignored")
    assert from_csv == participants
    from_untc = parse_status_table(FIXTURE.read_text(encoding="utf-8"), source="UNTC excerpt")
    assert from_untc == untc
    # A BOM and a blank first line do not hide the CSV header.
    bom = "\ufeff\n" + csv_text("Ruritania,RUR,,2004,year,,src")
    rows = parse_status_table(bom, source="s")
    assert rows[0].iso3 == "RUR" and rows[0].line == 3


def test_detection_refuses_other_text():
    with pytest.raises(StatusTableError) as excinfo:
        parse_status_table("\n\nname;date\nRuritania;2004\n", source="s")
    assert [line for line, _ in excinfo.value.problems] == [3]


def test_windows_line_ends_give_the_same_rows(untc):
    text = FIXTURE.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert parse_untc_table(text, source="UNTC excerpt") == untc
