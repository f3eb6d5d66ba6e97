"""The delegation's position paper on A/C.3/80/L.18, as Word (with tracked changes) and CSV.

The amendments proposed here are the changes the General Assembly in fact made between
the draft (A/C.3/80/L.18) and the adopted resolution (A/RES/80/185).
"""

from __future__ import annotations

import csv
import datetime
import subprocess
import zipfile
from dataclasses import replace
from io import BytesIO, StringIO
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from lxml import etree

from multilateral.text.position_paper import (
    CSV_COLUMNS,
    PaperHeader,
    PaperParagraph,
    paper_title,
    position_paper_csv,
    position_paper_docx,
)
from multilateral.text.tracked import accepted_text, rejected_text
from tests.conftest import system_program

UN = Path(__file__).parent.parent / "data" / "texts" / "un"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FORUM = "Third Committee of the General Assembly (Social, Humanitarian and Cultural)"
HEADER = PaperHeader(
    delegation="United States",
    delegation_short="U.S.",
    classification="SENSITIVE BUT UNCLASSIFIED",
    document_title="Violence against women migrant workers",
    forum=FORUM,
    symbol="A/C.3/80/L.18",
    version_label="Version 2 (rev.1)",
    version_date=datetime.date(2025, 10, 21),
    author="Jane Doe",
    generated_at=datetime.datetime(2025, 11, 5, 15, 30),
)
TITLE = "U.S. Position on Violence against women migrant workers"
CONTROL = "\x00\x0b\x1b\ufffe"


def draft(name: str = "A_C.3_80_L.18") -> dict[str, str]:
    """The draft's paragraphs by number: PP1…, OP1…, "OP47 (a)"… (see the folder README)."""
    lines = (UN / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    numbered: dict[str, str] = {}
    preambular = operative = 0
    for line in lines[lines.index("The General Assembly,") + 1 :]:
        number, _, text = line.partition(" ")
        if number[:-1].isdigit() and number.endswith("."):
            operative = int(number[:-1])
            numbered[f"OP{operative}"] = text
        elif number.startswith("(") and number.endswith(")"):
            numbered[f"OP{operative} {number}"] = text
        else:
            preambular += 1
            numbered[f"PP{preambular}"] = line
    return numbered


L18 = draft()
ADOPTED = draft("A_RES_80_185")


def position(number: str, stance: str, priority: str, **fields: object) -> PaperParagraph:
    values: dict[str, object] = {
        "number": number,
        "kind": "operative" if number.startswith("OP") else "preambular",
        "text": L18.get(number, ""),
        "label": "hortatory" if number.startswith("OP") else "descriptive",
        "strength": 35 if number.startswith("OP") else 5,
        "stance": stance,
        "priority": priority,
        "rationale": "",
        "proposed_text": "",
        "state": "",
    }
    values.update(fields)
    return PaperParagraph(**values)  # type: ignore[arg-type]


PARAGRAPHS = [
    position("PP1", "support", "flexible", rationale="Standard recall of the series."),
    position(
        "PP10",
        "amend",
        "important",
        proposed_text=ADOPTED["PP10"],
        rationale="Align with agreed language: “all forms of violence”.",
    ),
    position(
        "OP3",
        "reserve",
        "important",
        label="actionable",
        strength=55,
        rationale="The United States is not party to ILO Conventions Nos. 97, 143, 181 or 189.",
        state="carried over — review",
    ),
    position("OP4", "amend", "flexible", proposed_text=ADOPTED["OP4"]),
    position("OP8", "support", "important"),
    position("OP10", "amend", "important", proposed_text=ADOPTED["OP10"]),
    position("OP11", "none", "flexible"),
    position(
        "OP22",
        "amend",
        "red-line",
        label="actionable",
        strength=70,
        proposed_text=ADOPTED["OP23"],
        rationale=(
            "Platforms share responsibility, as in our national strategy.\n"
            "Fallback: accept “deepfake technology”, but not “misuse of AI”, alone."
        ),
    ),
    position(
        "PP27",
        "oppose",
        "red-line",
        text="",
        rationale="Struck in rev.1, as we asked; oppose any attempt to restore it.",
        state="paragraph deleted",
    ),
    position("", "none", "flexible", kind="title", text="Violence against women migrant workers"),
]
AMENDED = [p for p in PARAGRAPHS if p.stance == "amend"]
OP22 = next(p for p in PARAGRAPHS if p.number == "OP22")


@pytest.fixture(scope="module")
def paper() -> bytes:
    return position_paper_docx(HEADER, PARAGRAPHS)


def xml(data: bytes, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return etree.fromstring(archive.read(part))


def test_title_is_a_heading_with_the_facts_under_it(paper):
    document = docx.Document(BytesIO(paper))
    first = document.paragraphs[:5]
    assert paper_title(HEADER) == TITLE
    assert (first[0].style.name, first[0].text) == ("Title", TITLE)
    assert [p.text for p in first[1:]] == [
        FORUM,
        "A/C.3/80/L.18",
        "Version 2 (rev.1), 21 October 2025",
        "Prepared by Jane Doe, 5 November 2025",
    ]
    assert document.core_properties.title == TITLE
    assert document.core_properties.author == "Jane Doe"


def test_every_paragraph_is_a_heading_for_the_navigation_pane(paper):
    document = docx.Document(BytesIO(paper))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name != "Normal"]
    assert headings == [
        ("Title", TITLE),
        ("Heading 1", "Summary"),
        ("Heading 1", "Positions by paragraph"),
        ("Heading 2", "PP1 — Support (flexible)"),
        ("Heading 2", "PP10 — Amend (important)"),
        ("Heading 2", "OP3 — Reserve (important)"),
        ("Heading 2", "OP4 — Amend (flexible)"),
        ("Heading 2", "OP8 — Support (important)"),
        ("Heading 2", "OP10 — Amend (important)"),
        ("Heading 2", "OP11 — No position"),
        ("Heading 2", "OP22 — Amend (red-line)"),
        ("Heading 2", "PP27 — Oppose (red-line)"),
        ("Heading 2", "Title — No position"),
    ]
    texts = [p.text for p in document.paragraphs]
    at = texts.index("OP3 — Reserve (important)")
    assert texts[at + 1 : at + 6] == [
        "Note: Carried over — review",
        L18["OP3"],
        "Stance: Reserve",
        "Priority: important",
        "Rationale: The United States is not party to ILO Conventions Nos. 97, 143, 181 or 189.",
    ]
    assert texts[texts.index("OP11 — No position") + 1 :][:2] == [
        L18["OP11"],
        "Stance: No position",
    ]


def test_summary_table_lists_the_positions_taken_with_red_lines_in_bold(paper):
    document = docx.Document(BytesIO(paper))
    assert len(document.tables) == 1
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Paragraph", "Label and strength", "Stance", "Priority"],
        ["PP1", "descriptive 5", "Support", "flexible"],
        ["PP10", "descriptive 5", "Amend", "important"],
        ["OP3", "actionable 55", "Reserve", "important"],
        ["OP4", "hortatory 35", "Amend", "flexible"],
        ["OP8", "hortatory 35", "Support", "important"],
        ["OP10", "hortatory 35", "Amend", "important"],
        ["OP22", "actionable 70", "Amend", "red-line"],
        ["PP27", "descriptive 5", "Oppose", "red-line"],
    ]
    bold = [
        all(run.bold for cell in row.cells for run in cell.paragraphs[0].runs) for row in table.rows
    ]
    assert bold == [True, False, False, False, False, False, False, True, True]
    header_row = table.rows[0]._tr
    assert header_row.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on every page


def test_banner_heads_and_foots_every_page_with_page_x_of_y(paper):
    document = docx.Document(BytesIO(paper))
    assert len(document.sections) == 1
    section = document.sections[0]
    assert not section.different_first_page_header_footer
    banner = section.header.paragraphs[0]
    assert banner.text == "SENSITIVE BUT UNCLASSIFIED"
    assert banner.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in banner.runs)
    footer = section.footer.paragraphs
    assert [p.text for p in footer] == ["SENSITIVE BUT UNCLASSIFIED", "Page 1 of 1"]
    assert footer[0].alignment == WD_ALIGN_PARAGRAPH.CENTER and footer[0].runs[0].bold
    instructions = [i.text.strip() for i in section.footer._element.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [c.get(f"{W}fldCharType") for c in section.footer._element.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2


def test_amendments_are_tracked_changes_from_draft_to_proposal(paper):
    accepted, rejected = accepted_text(paper), rejected_text(paper)
    for amendment in AMENDED:
        assert f"Proposed text: {amendment.proposed_text}" in accepted
        assert f"Proposed text: {amendment.text}" in rejected
        assert amendment.text in accepted  # the draft text above it is not tracked
    # Nothing but the proposals changes.
    proposals = [k for k, line in enumerate(accepted) if line.startswith("Proposed text:")]
    assert len(proposals) == len(AMENDED)
    assert [a for k, a in enumerate(accepted) if k not in proposals] == [
        r for k, r in enumerate(rejected) if k not in proposals
    ]

    root = xml(paper)
    revisions = list(root.iter(f"{W}ins", f"{W}del"))
    assert {r.get(f"{W}author") for r in revisions} == {"Jane Doe"}
    assert {r.get(f"{W}date") for r in revisions} == {"2025-11-05T15:30:00Z"}
    ids = [r.get(f"{W}id") for r in revisions]
    assert len(ids) == len(set(ids))
    pp10 = next(p for p in root.iter(f"{W}p") if "Proposed text:" in "".join(p.itertext()))
    # The first proposal (PP10) adds "all forms of" word by word, not a rewrite.
    assert ["".join(i.itertext()) for i in pp10.iter(f"{W}ins")] == [" all forms of"]
    assert not pp10.findall(f"{W}del")


def test_a_deleted_paragraph_says_so(paper):
    texts = [p.text for p in docx.Document(BytesIO(paper)).paragraphs]
    at = texts.index("PP27 — Oppose (red-line)")
    assert texts[at + 1 : at + 3] == ["Note: Paragraph deleted", "No draft text."]


def test_rationale_keeps_its_line_breaks(paper):
    rationale = OP22.rationale
    assert "\n" in rationale and "," in rationale
    assert f"Rationale: {rationale}" in accepted_text(paper)
    line = next(p for p in xml(paper).iter(f"{W}p") if "Platforms share" in "".join(p.itertext()))
    assert len(line.findall(f".//{W}br")) == 1


def test_control_characters_are_dropped_everywhere():
    dirty_header = PaperHeader(
        delegation="United States",
        delegation_short="U.S." + CONTROL,
        classification="SENSITIVE BUT\x0b UNCLASSIFIED",
        document_title="Violence against\x1b women migrant workers",
        forum=FORUM + "\x00",
        symbol="A/C.3/80/L.18\ufffe",
        version_label="Version 2\x0b",
        version_date=None,
        author="Jane\x00 Doe",
        generated_at=datetime.datetime(2025, 11, 5, 15, 30, tzinfo=datetime.UTC),
    )
    dirty = [
        position(
            "OP4" + CONTROL,
            "amend",
            "red-line",
            text=L18["OP4"].replace("Special", "Special\x00"),
            proposed_text=ADOPTED["OP4"] + "\x1b",
            rationale="Line one\x0b\nline two\ufffe",
            state="carried over — review\x00",
        )
    ]
    data = position_paper_docx(dirty_header, dirty)
    document = docx.Document(BytesIO(data))
    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + [p.text for p in document.sections[0].header.paragraphs]
        + [p.text for p in document.sections[0].footer.paragraphs]
        + accepted_text(data)
        + rejected_text(data)
        + [document.core_properties.title, document.core_properties.author]
    )
    assert not set(CONTROL) & set(everything)
    assert document.paragraphs[0].text == TITLE
    assert document.sections[0].header.paragraphs[0].text == "SENSITIVE BUT UNCLASSIFIED"
    assert f"Proposed text: {ADOPTED['OP4']}" in accepted_text(data)
    assert f"Proposed text: {L18['OP4']}" in rejected_text(data)
    assert {e.get(f"{W}author") for e in xml(data).iter(f"{W}ins")} == {"Jane Doe"}
    assert "Version 2" in [p.text for p in document.paragraphs]  # no date: the label alone


def test_no_paragraphs_still_make_a_valid_paper():
    data = position_paper_docx(HEADER, [])
    document = docx.Document(BytesIO(data))
    assert not document.tables
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    assert texts[0] == ("Title", TITLE)
    assert ("Heading 1", "Summary") in texts and ("Heading 1", "Positions by paragraph") in texts
    assert ("Normal", "Note: No positions taken.") in texts
    assert document.sections[0].footer.paragraphs[0].text == "SENSITIVE BUT UNCLASSIFIED"
    assert not list(xml(data).iter(f"{W}ins", f"{W}del"))


def test_csv_has_the_header_facts_and_one_row_per_paragraph():
    rows = list(csv.reader(StringIO(position_paper_csv(HEADER, PARAGRAPHS))))
    comment, columns, body = rows[0], rows[1], rows[2:]
    assert ",".join(comment).startswith(f"# SENSITIVE BUT UNCLASSIFIED; {TITLE}; {FORUM}")
    assert "A/C.3/80/L.18; Version 2 (rev.1), 21 October 2025; Prepared by Jane Doe" in ",".join(
        comment
    )
    assert (
        tuple(columns)
        == CSV_COLUMNS
        == (
            "number",
            "kind",
            "label",
            "strength",
            "stance",
            "priority",
            "proposed_text",
            "rationale",
            "state",
            "text",
        )
    )
    assert len(body) == len(PARAGRAPHS)
    by_number = {row[0]: dict(zip(columns, row, strict=True)) for row in body}
    op22 = by_number["OP22"]
    assert op22["text"] == L18["OP22"]  # commas and quotes survive
    assert op22["proposed_text"] == ADOPTED["OP23"]
    assert op22["rationale"] == OP22.rationale  # so does the line break
    assert (op22["label"], op22["strength"], op22["stance"], op22["priority"]) == (
        "actionable",
        "70",
        "amend",
        "red-line",
    )
    assert by_number["PP27"]["state"] == "paragraph deleted" and by_number["PP27"]["text"] == ""
    assert by_number["OP3"]["state"] == "carried over — review"


def test_csv_cells_are_never_formulas():
    risky = position("OP4", "amend", "flexible", rationale='=HYPERLINK("http://x","y")')
    text = position_paper_csv(HEADER, [risky])
    row = list(csv.reader(StringIO(text)))[2]
    assert row[CSV_COLUMNS.index("rationale")] == '\'=HYPERLINK("http://x","y")'


def test_libreoffice_renders_the_banner_and_the_text(paper, tmp_path):
    soffice, pdftotext = system_program("soffice"), system_program("pdftotext")
    source = tmp_path / "position-paper.docx"
    source.write_bytes(paper)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "position-paper.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        [pdftotext, str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    words = " ".join(text.split())
    pages = text.count("\f")
    assert pages >= 2
    assert words.count("SENSITIVE BUT UNCLASSIFIED") == 2 * pages  # head and foot of each
    assert f"Page 1 of {pages}" in words and f"Page {pages} of {pages}" in words
    assert TITLE.split(" on ")[0] in words
    assert " ".join(PARAGRAPHS[0].text.split()[:8]) in words


def test_no_classification_means_no_banner_but_still_page_numbers():
    data = position_paper_docx(replace(HEADER, classification=""), PARAGRAPHS[:1])
    section = docx.Document(BytesIO(data)).sections[0]
    assert [p.text for p in section.header.paragraphs] == [""]
    assert [p.text for p in section.footer.paragraphs] == ["Page 1 of 1"]
