"""The delegation's position paper on a draft: a Word document and a CSV.

The .docx reads like a government position paper: the classification banner at the head
and foot of every page, "Page X of Y", a title heading ("U.S. Position on …"), a summary
table of the paragraphs the delegation takes a position on, then every paragraph under its
own Heading 2 (so Word's navigation pane lists them) with its draft text, stance, priority
and rationale. An amendment is shown as Word tracked changes from the draft text to the
proposed text (:mod:`multilateral.text.tracked`): accepting every change in the paper
gives the proposed wording, rejecting every change the draft wording.

Every string goes through :func:`~multilateral.text.tracked.xml_safe` on its way in, so
text pasted from anywhere never makes a corrupt document. The CSV holds the same facts, one
row per paragraph, for a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO, StringIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from multilateral.text.cells import spreadsheet_safe
from multilateral.text.tracked import Revisions, plain_run, tracked_runs, xml_safe

__all__ = [
    "CSV_COLUMNS",
    "PaperHeader",
    "PaperParagraph",
    "paper_title",
    "position_paper_csv",
    "position_paper_docx",
]

#: Columns of :func:`position_paper_csv`, in order.
CSV_COLUMNS = (
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

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_FONT = "Times New Roman"
_BLACK = RGBColor(0, 0, 0)
_NOTE_RED = RGBColor(0x9C, 0x00, 0x06)
_HEADER_FILL = "D9D9D9"


@dataclass(frozen=True, slots=True)
class PaperHeader:
    """Who the paper is from, what it is about, and who exported it when."""

    delegation: str  #: "United States" (a setting)
    delegation_short: str  #: "U.S.", used in the title "U.S. Position on …"
    classification: str  #: the banner (the CLASSIFICATION setting); "" for none
    document_title: str
    forum: str  #: e.g. "Third Committee of the General Assembly …"
    symbol: str  #: e.g. "A/C.3/80/L.18"; may be ""
    version_label: str  #: e.g. "Version 2 (rev.1)"
    version_date: datetime.date | None
    author: str  #: the user exporting; the author of the tracked changes
    generated_at: datetime.datetime  #: naive means UTC; stamped on the tracked changes


@dataclass(frozen=True, slots=True)
class PaperParagraph:
    """One paragraph of the draft with the delegation's position on it."""

    number: str  #: "OP3", "PP1", "Article 5 (2)" …; may be ""
    kind: str  #: operative, preambular, article, title, heading …
    text: str  #: the draft text ("" when the paragraph was deleted)
    label: str  #: actionable, hortatory, descriptive
    strength: int  #: 0–100
    stance: str  #: support, oppose, amend, reserve, none
    priority: str  #: red-line, important, flexible
    rationale: str
    proposed_text: str  #: only for amend
    state: str  #: "" | "carried over — review" | "paragraph deleted"


def paper_title(header: PaperHeader) -> str:
    """The paper's title, "U.S. Position on …" (the full delegation name if no short one)."""
    who = header.delegation_short or header.delegation
    return f"{who} Position on {header.document_title}".strip()


def position_paper_docx(header: PaperHeader, paragraphs: Sequence[PaperParagraph]) -> bytes:
    """The position paper as a .docx, amendments as tracked changes by ``header.author``."""
    document = Document()
    _house_styles(document)
    title = _clean(paper_title(header))
    properties = document.core_properties
    properties.title = title
    properties.subject = _clean(header.forum)
    properties.category = _clean(header.classification)
    properties.author = properties.last_modified_by = _clean(header.author)
    properties.created = properties.modified = _naive_utc(header.generated_at)
    properties.revision = 1
    _page_setup(document, _clean(header.classification))

    _heading(document, title, 0)
    for fact in _facts(header):
        line = _paragraph(document)
        line.add_run(_clean(fact))
        line.paragraph_format.space_after = Pt(2)

    _heading(document, "Summary", 1)
    taken = [(_name(p, n), p) for n, p in enumerate(paragraphs, 1) if p.stance != "none"]
    if taken:
        _summary_table(document, taken)
    else:
        _note(_paragraph(document), "No positions taken.")

    _heading(document, "Positions by paragraph", 1)
    if not paragraphs:
        _note(_paragraph(document), "The draft has no paragraphs.")
    revisions = Revisions(header.author, header.generated_at)
    heading2 = document.styles["Heading 2"].style_id
    for number, paragraph in enumerate(paragraphs, 1):
        _position(document, _name(paragraph, number), paragraph, revisions, heading2)

    out = BytesIO()
    document.save(out)
    return out.getvalue()


def position_paper_csv(header: PaperHeader, paragraphs: Sequence[PaperParagraph]) -> str:
    """The positions as CSV: one ``#`` comment line with the header facts, then a row each.

    Line breaks inside a cell are written as ``\\n`` (quoted); a cell that a spreadsheet
    would read as a formula (starting with = + - @) is prefixed with an apostrophe.
    """
    out = StringIO()
    facts = [header.classification, paper_title(header), *_facts(header)]
    facts.append(f"generated {header.generated_at.isoformat(timespec='minutes')}")
    out.write("# " + "; ".join(" ".join(_clean(f).split()) for f in facts if f.strip()) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in paragraphs:
        writer.writerow(
            [
                _cell(p.number),
                _cell(p.kind),
                _cell(p.label),
                p.strength,
                _cell(p.stance),
                _cell(p.priority),
                _cell(p.proposed_text),
                _cell(p.rationale),
                _cell(p.state),
                _cell(p.text),
            ]
        )
    return out.getvalue()


def _clean(text: str) -> str:
    """XML-safe text with every line break as ``\\n``."""
    return xml_safe(text).replace("\r\n", "\n").replace("\r", "\n")


def _cell(text: str) -> str:
    return spreadsheet_safe(_clean(text))


def _naive_utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


def _long_date(day: datetime.date) -> str:
    """A date as the UN prints it, "21 October 2025", whatever the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _facts(header: PaperHeader) -> list[str]:
    """The lines under the title: forum, symbol, version and date, who prepared it."""
    version = ", ".join(
        part
        for part in (
            header.version_label,
            _long_date(header.version_date) if header.version_date else "",
        )
        if part
    )
    prepared = f"Prepared by {header.author}" if header.author.strip() else "Prepared"
    return [
        line
        for line in (
            header.forum,
            header.symbol,
            version,
            f"{prepared}, {_long_date(header.generated_at.date())}",
        )
        if line.strip()
    ]


def _name(paragraph: PaperParagraph, position: int) -> str:
    """What the paper calls a paragraph: its number, else its kind, else its place."""
    return (
        paragraph.number.strip() or paragraph.kind.strip().capitalize() or f"Paragraph {position}"
    )


def _stance_name(stance: str) -> str:
    """How a stance reads in the paper (the vocabulary itself is ``models.STANCES``)."""
    return "No position" if stance == "none" else stance.capitalize()


def _house_styles(document: DocxDocument) -> None:
    """Times New Roman in black throughout, as a cable or position paper is set."""
    for name, size in (
        ("Normal", 12),
        ("Title", 18),
        ("Heading 1", 14),
        ("Heading 2", 12),
        ("Header", 10),
        ("Footer", 10),
    ):
        style = document.styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over the named one
        style.font.name = _FONT
        style.font.size = Pt(size)
        style.font.color.rgb = _BLACK
    document.styles["Title"].font.bold = True
    border = document.styles["Title"].element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    if border is not None:
        border.set(qn("w:color"), "000000")
        border.attrib.pop(qn("w:themeColor"), None)
    document.styles["Heading 1"].paragraph_format.space_before = Pt(18)
    document.styles["Heading 2"].paragraph_format.space_before = Pt(12)


def _page_setup(document: DocxDocument, classification: str) -> None:
    """One-inch margins; the banner at the head and foot of every page; Page X of Y."""
    section = document.sections[0]
    section.top_margin = section.bottom_margin = Inches(1)
    section.left_margin = section.right_margin = Inches(1)
    top = section.header.paragraphs[0]
    bottom = section.footer.paragraphs[0]
    if classification:
        _banner(top, classification)
        _banner(bottom, classification)
        pages = section.footer.add_paragraph(style="Footer")
    else:
        pages = bottom
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    _field(pages, "PAGE")
    pages.add_run(" of ")
    _field(pages, "NUMPAGES")


def _banner(paragraph: Paragraph, classification: str) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(classification).bold = True


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when laying out."""

    def char(kind: str) -> None:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(mark)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    paragraph.add_run("1")  # shown until the field is updated
    char("end")


def _paragraph(document: DocxDocument, style_id: str | None = None) -> Paragraph:
    """A new body paragraph, added in constant time.

    python-docx's ``add_paragraph`` scans the body for the section properties on every call
    and looks a style up by name, which made a 300-paragraph paper quadratic (seconds).
    """
    p = OxmlElement("w:p")
    body = document.element.body
    if body.sectPr is not None:
        body.sectPr.addprevious(p)
    else:
        body.append(p)
    paragraph = Paragraph(p, document._body)
    if style_id:
        p.get_or_add_pPr().style = style_id
    return paragraph


def _add(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Append a run built directly (python-docx's ``add_run`` and ``bold`` insert each child
    through a generic ordering search, several times slower for a long paper)."""
    run = plain_run(text)
    if bold or italic:
        properties = OxmlElement("w:rPr")
        if bold:
            properties.append(OxmlElement("w:b"))
        if italic:
            properties.append(OxmlElement("w:i"))
        run.insert(0, properties)  # rPr is the first child of a run
    paragraph._p.append(run)


def _heading(document: DocxDocument, text: str, level: int) -> Paragraph:
    """A real Word heading (Title for level 0), so the navigation pane lists it."""
    name = "Title" if level == 0 else f"Heading {level}"
    paragraph = _paragraph(document, document.styles[name].style_id)
    _add(paragraph, text)
    return paragraph


def _summary_table(document: DocxDocument, taken: list[tuple[str, PaperParagraph]]) -> None:
    """One row per paragraph with a position; red lines in bold; header row repeated."""
    table: Table = document.add_table(rows=1, cols=4)
    table.style = document.styles["Table Grid"]
    widths = (Inches(1.3), Inches(1.8), Inches(1.6), Inches(1.8))
    headings = ("Paragraph", "Label and strength", "Stance", "Priority")
    header_row = table.rows[0]
    properties = header_row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
    for cell, heading in zip(header_row.cells, headings, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), _HEADER_FILL)
        cell._tc.get_or_add_tcPr().append(shading)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows
    for name, paragraph in taken:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        label = f"{paragraph.label} {paragraph.strength}".strip()
        values = (name, label, _stance_name(paragraph.stance), paragraph.priority)
        # The row's own cells: ``row.cells`` rebuilds the whole table's grid on every call.
        for tc, value in zip(row._tr.tc_lst, values, strict=True):
            _add(_Cell(tc, table).paragraphs[0], value, bold=paragraph.priority == "red-line")
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = width  # each cell, which Word follows


def _position(
    document: DocxDocument,
    name: str,
    paragraph: PaperParagraph,
    revisions: Revisions,
    heading_style: str,
) -> None:
    """One paragraph: heading, state note, draft text, stance, priority, rationale, proposal."""
    heading = f"{name} — {_stance_name(paragraph.stance)}"
    if paragraph.stance != "none" and paragraph.priority:
        heading += f" ({paragraph.priority})"
    _add(_paragraph(document, heading_style), heading)
    if paragraph.state:
        _note(_paragraph(document), paragraph.state[:1].upper() + paragraph.state[1:])

    draft = _paragraph(document)
    draft.paragraph_format.left_indent = Inches(0.4)
    if paragraph.text.strip():
        _add(draft, paragraph.text)
    else:
        _add(draft, "No draft text.", italic=True)

    _line(document, "Stance", _stance_name(paragraph.stance))
    if paragraph.stance != "none":
        _line(document, "Priority", paragraph.priority)
    if paragraph.rationale.strip():
        _line(document, "Rationale", paragraph.rationale)
    if paragraph.stance == "amend":
        proposal = _paragraph(document)
        _add(proposal, "Proposed text:", bold=True)
        if paragraph.proposed_text.strip():
            proposal._p.append(plain_run(" "))
            for element in tracked_runs(paragraph.text, paragraph.proposed_text, revisions):
                proposal._p.append(element)
        else:
            proposal.add_run(" none recorded.").italic = True


def _line(document: DocxDocument, label: str, value: str) -> None:
    """A "Label: value" line, the label in bold."""
    line = _paragraph(document)
    line.paragraph_format.space_after = Pt(2)
    _add(line, f"{label}:", bold=True)
    _add(line, " " + value)


def _note(paragraph: Paragraph, text: str) -> None:
    """A note the reader must not miss: bold italic, dark red."""
    run = paragraph.add_run("Note: " + _clean(text))
    run.bold = run.italic = True
    run.font.color.rgb = _NOTE_RED
