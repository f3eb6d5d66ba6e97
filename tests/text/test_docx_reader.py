"""Reading Word drafts: typed numbers, Word list numbering, tracked changes, tables, bad files."""

import io
import zipfile

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from multilateral.text.formats.docx_reader import read_docx
from multilateral.text.formats.errors import ImportProblem

FRONT = ["A/C.3/79/L.12", "Trafficking in women and girls", "The General Assembly,"]
PPS = [
    "Recalling all its previous resolutions on trafficking in women and girls,",
    "Deeply concerned that [to the extent possible] victims remain unidentified,",
]
# (typed label, Word list level or None, text)
OPS = [
    ("1.", 0, "Decides to convene a high-level meeting on trafficking in persons;"),
    ("2.", 0, "Requests the Secretary-General to report to it:"),
    ("(a)", 1, "On the implementation of the present resolution;"),
    ("(b)", 1, "On the work of the Special Rapporteur, including:"),
    ("(i)", 2, "data disaggregated by sex;"),
    ("(ii)", 2, "data disaggregated by age;"),
    ("3.", 0, "Urges States [Alt 1: to ratify] [Alt 2: to consider ratifying] the Protocol;"),
]
EXPECTED = [
    ("heading", "", None),
    ("title", "", None),
    ("heading", "", None),
    ("preambular", "PP1", None),
    ("preambular", "PP2", None),
    ("operative", "1", None),
    ("operative", "2", None),
    ("subparagraph", "(a)", 6),
    ("subparagraph", "(b)", 6),
    ("subparagraph", "(i)", 8),
    ("subparagraph", "(ii)", 8),
    ("operative", "3", None),
]


def to_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def draft_front(document) -> None:
    for line in FRONT + PPS:
        document.add_paragraph(line)


def italic_lead(document, label: str, text: str) -> None:
    """An operative paragraph with its verb in italics, as the UN prints them."""
    verb, _, rest = text.partition(" ")
    p = document.add_paragraph(f"{label} " if label else "")
    p.add_run(verb).italic = True
    p.add_run(" " + rest)


def test_typed_numbers():
    document = Document()
    draft_front(document)
    for label, _, text in OPS:
        italic_lead(document, label, text)
    document.add_paragraph("5 bis. Invites Member States to contribute to the Trust Fund;")
    seg = read_docx(to_bytes(document), filename="draft.docx")
    got = [(u.kind, u.number, u.parent) for u in seg.units]
    assert got == EXPECTED + [("operative", "5 bis", None)]
    assert seg.title == "Trafficking in women and girls"
    assert seg.units[5].text == OPS[0][2]
    assert [u.bracketed for u in seg.units] == [
        False, False, False, False, True, False, False, False, False, False, False, True, False
    ]  # fmt: skip
    assert seg.warnings == []


def add_list_numbering(document) -> str:
    """Define a 3-level list (1. / (a) / (i)) in numbering.xml; return its numId."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(
            [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")]
        )
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="42">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="7"><w:abstractNumId w:val="42"/></w:num>')
    numbering.insert(0, abstract)
    numbering.append(num)
    return "7"


def set_num(paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def test_word_list_numbering():
    document = Document()
    num_id = add_list_numbering(document)
    draft_front(document)
    for _, level, text in OPS:
        italic_lead(document, "", text)
        set_num(document.paragraphs[-1], num_id, level)
    seg = read_docx(to_bytes(document), filename="draft.docx")
    assert [(u.kind, u.number, u.parent) for u in seg.units] == EXPECTED
    # The label is computed, not left in the text.
    assert seg.units[7].text == "On the implementation of the present resolution;"


def test_tracked_changes_read_as_accepted():
    document = Document()
    draft_front(document)
    body = document.element.body
    p = parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">1. Decides to </w:t></w:r>'
        '<w:del w:id="1" w:author="EU" w:date="2024-10-01T00:00:00Z"><w:r>'
        '<w:delText xml:space="preserve">consider convening </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="EU" w:date="2024-10-01T00:00:00Z"><w:r>'
        '<w:t xml:space="preserve">convene </w:t></w:r></w:ins>'
        "<w:r><w:t>a high-level meeting;</w:t></w:r></w:p>"
    )
    body.insert(len(body) - 1, p)  # before sectPr
    seg = read_docx(to_bytes(document), filename="rev2.docx")
    op = seg.units[-1]
    assert (op.kind, op.number, op.text) == (
        "operative",
        "1",
        "Decides to convene a high-level meeting;",
    )
    assert seg.warnings == ["the file holds 2 tracked changes; they were read as accepted"]


def test_table_of_amendments():
    document = Document()
    document.add_paragraph("Compilation of amendments to A/C.3/79/L.12")
    table = document.add_table(rows=0, cols=3)
    for row in [
        ("Paragraph", "Proposed amendment", "Proposed by"),
        ("PP 2", "Deeply concerned that [many] victims remain unidentified,", "Canada"),
        ("OP 5 bis", "Urges States to ratify the Protocol;", "European Union"),
        ("General", "Delete the annex", ""),
    ]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    seg = read_docx(to_bytes(document), filename="compilation.docx")
    assert [(u.kind, u.number) for u in seg.units] == [
        ("title", ""),
        ("heading", ""),
        ("preambular", "PP2"),
        ("operative", "5 bis"),
        ("text", ""),
    ]
    assert seg.units[1].text == "Paragraph | Proposed amendment | Proposed by"
    assert seg.units[2].text == "Deeply concerned that [many] victims remain unidentified, | Canada"
    assert seg.units[2].bracketed and not seg.units[3].bracketed
    assert seg.units[4].text == "General | Delete the annex"


# -- refused files -----------------------------------------------------------------------


def rezip(data: bytes, replace: dict[str, bytes], *, drop: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            if item.filename in drop or item.filename in replace:
                continue
            dst.writestr(item, src.read(item.filename))
        for name, content in replace.items():
            dst.writestr(name, content)
    return out.getvalue()


def plain_docx() -> bytes:
    document = Document()
    document.add_paragraph("1. Decides to remain seized of the matter.")
    return to_bytes(document)


def bad_inputs():
    good = plain_docx()
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        doc_xml = z.read("word/document.xml")
    doctype = doc_xml.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "y">]>', 1)
    return {
        "not-docx": b"this is plain text pretending to be Word",
        "encrypted": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "not-word": rezip(good, {}, drop=("word/document.xml",)),
        "macro-enabled": rezip(good, {"word/vbaProject.bin": b"\x00macro"}),
        "doctype": rezip(good, {"word/document.xml": doctype}),
        "zip-bomb": rezip(good, {"word/media/padding.bin": b"\x00" * (3 * 1024 * 1024)}),
    }


BAD = bad_inputs()


@pytest.mark.parametrize("code", sorted(BAD))
def test_refused(code):
    with pytest.raises(ImportProblem) as info:
        read_docx(BAD[code], filename="treaty.docx")
    assert info.value.code == code
    assert info.value.status == 400
    assert info.value.message.startswith("treaty.docx: ")


def test_macro_content_type_refused():
    good = plain_docx()
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(
        b"wordprocessingml.document.main+xml",
        b"ms-word.document.macroEnabled.main+xml",
    )
    with pytest.raises(ImportProblem) as info:
        read_docx(rezip(good, {"[Content_Types].xml": types}), filename="x.docx")
    assert info.value.code == "macro-enabled"


def test_good_file_passes_checks():
    seg = read_docx(plain_docx(), filename="ok.docx")
    assert [(u.kind, u.number, u.text) for u in seg.units] == [
        ("operative", "1", "Decides to remain seized of the matter.")
    ]
