"""The tracked-changes writer, on real amendments: A/C.3/80/L.18 as drafted, as adopted."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import docx
import pytest
from lxml import etree

from multilateral.text import redline, tracked
from multilateral.text.tracked import (
    Revisions,
    accepted_text,
    deleted_run,
    inserted_run,
    mark_paragraph_deleted,
    mark_paragraph_inserted,
    plain_run,
    rejected_text,
    tracked_runs,
    xml_safe,
)

UN = Path(__file__).parent.parent / "data" / "texts" / "un"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DATE = datetime(2025, 11, 5, 15, 30, tzinfo=UTC)


def body(name: str) -> list[str]:
    """The paragraphs after "The General Assembly," (see the folder's README)."""
    lines = (UN / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return lines[lines.index("The General Assembly,") + 1 :]


def operative(name: str, number: int) -> str:
    """Operative paragraph ``number`` without its "n. " label."""
    prefix = f"{number}. "
    return next(line for line in body(name) if line.startswith(prefix))[len(prefix) :]


#: Real amendments: the draft wording and the wording the General Assembly adopted.
AMENDMENTS = {
    # "the Council" became "the Human Rights Council".
    "op4": (operative("A_C.3_80_L.18", 4), operative("A_RES_80_185", 4)),
    # "and also encourages Governments to participate" became "and invites Governments …".
    "op10": (operative("A_C.3_80_L.18", 10), operative("A_RES_80_185", 10)),
    # Digital technology companies added, "deepfake technologies" reworded: op. 22 → op. 23.
    "op22": (operative("A_C.3_80_L.18", 22), operative("A_RES_80_185", 23)),
}


def save(document: docx.document.Document) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def amended_document(old: str, new: str, author: str = "United States") -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph()
    for element in tracked_runs(old, new, Revisions(author, DATE)):
        paragraph._p.append(element)
    return save(document)


@pytest.mark.parametrize("key", sorted(AMENDMENTS))
def test_accepting_gives_the_adopted_text_and_rejecting_the_draft(key):
    old, new = AMENDMENTS[key]
    assert old != new
    data = amended_document(old, new)
    assert accepted_text(data) == [new]
    assert rejected_text(data) == [old]


def test_the_change_is_word_level_with_one_author_date_and_unique_ids():
    old, new = AMENDMENTS["op4"]
    root = document_xml(amended_document(old, new, author="Jane Doe (USUN)"))
    revisions = list(root.iter(f"{W}ins", f"{W}del"))
    assert ["".join(r.itertext()) for r in revisions] == [" Human Rights"]
    assert revisions[0].tag == f"{W}ins"
    assert revisions[0].get(f"{W}author") == "Jane Doe (USUN)"
    assert revisions[0].get(f"{W}date") == "2025-11-05T15:30:00Z"

    old, new = AMENDMENTS["op22"]
    root = document_xml(amended_document(old, new))
    revisions = list(root.iter(f"{W}ins", f"{W}del"))
    ids = [r.get(f"{W}id") for r in revisions]
    assert len(ids) == len(set(ids)) >= 4
    inserted = " ".join("".join(r.itertext()) for r in revisions if r.tag == f"{W}ins")
    assert "digital technology companies" in inserted
    assert not root.findall(f".//{W}del//{W}t"), "deleted text must be in w:delText"
    assert all(t.get(XML_SPACE) == "preserve" for t in root.iter(f"{W}t", f"{W}delText"))


def test_dates_are_stamped_in_utc_and_naive_means_utc():
    eastern = timezone(timedelta(hours=-5))
    assert Revisions("US", datetime(2025, 11, 5, 10, 30, tzinfo=eastern)).date == (
        "2025-11-05T15:30:00Z"
    )
    assert Revisions("US", datetime(2025, 11, 5, 15, 30)).date == "2025-11-05T15:30:00Z"


def test_runs_keep_spaces_tabs_and_line_breaks():
    run = plain_run("OP4\t Takes note\nof the reports ")
    children = [child.tag for child in run]
    assert children == [f"{W}t", f"{W}tab", f"{W}t", f"{W}br", f"{W}t"]
    assert [t.text for t in run.iter(f"{W}t")] == ["OP4", " Takes note", "of the reports "]
    assert all(t.get(XML_SPACE) == "preserve" for t in run.iter(f"{W}t"))

    revisions = Revisions("US", DATE)
    deletion = deleted_run("the Council ", revisions)
    insertion = inserted_run("the Human Rights Council ", revisions)
    assert deletion.tag == f"{W}del" and insertion.tag == f"{W}ins"
    assert [t.text for t in deletion.iter(f"{W}delText")] == ["the Council "]
    assert not list(deletion.iter(f"{W}t"))
    assert [t.text for t in insertion.iter(f"{W}t")] == ["the Human Rights Council "]
    assert (deletion.get(f"{W}id"), insertion.get(f"{W}id")) == ("1", "2")


def test_paragraph_marks_inserted_and_deleted():
    """A deleted paragraph disappears on accept, an inserted one on reject."""
    draft = body("A_C.3_80_L.18")
    dropped, kept, added = (
        draft[43],
        draft[44],
        "Reaffirming the need to close all digital divides,",
    )
    document = docx.Document()
    revisions = Revisions("US", DATE)
    gone = document.add_paragraph(style="List Paragraph")  # a pPr with pStyle already there
    gone._p.append(deleted_run(dropped, revisions))
    mark_paragraph_deleted(gone, revisions)
    new = document.add_paragraph()
    new._p.append(inserted_run(added, revisions))
    mark_paragraph_inserted(new, revisions)
    document.add_paragraph(kept)

    data = save(document)
    assert accepted_text(data) == [added, kept]
    assert rejected_text(data) == [dropped, kept]
    marked = document_xml(data).findall(f".//{W}pPr")[0]
    # rPr (holding the mark's revision) comes after pStyle, as the schema orders it.
    assert [child.tag for child in marked] == [f"{W}pStyle", f"{W}rPr"]
    assert marked.find(f"{W}rPr")[0].tag == f"{W}del"
    assert docx.Document(BytesIO(data)).paragraphs[2].text == kept


def test_xml_safe_strips_what_xml_cannot_hold_and_nothing_else():
    assert xml_safe("a\x00b\x0bc\x1bd\ufffee\uffff\ud800f") == "abcdef"
    kept = "Tab\there,\nline\r\nend — “quotes”, UN‑Women, 🌍, \x7f, \U0010fffd"
    assert xml_safe(kept) == kept
    assert xml_safe("") == ""


def test_control_characters_never_corrupt_the_document():
    old = "Takes note of the report\x00 of the Secretary-General;"
    new = "Takes note with appreciation\x1b of the report of the\ufffe Secretary-General;\x0b"
    document = docx.Document()
    paragraph = document.add_paragraph()
    revisions = Revisions("US\x00 delegation", DATE)
    for element in tracked_runs(old, new, revisions):
        paragraph._p.append(element)
    paragraph._p.append(plain_run(" \x01(end)"))
    data = save(document)
    reopened = docx.Document(BytesIO(data))
    assert reopened.paragraphs[0] is not None
    assert accepted_text(data) == [
        "Takes note with appreciation of the report of the Secretary-General; (end)"
    ]
    assert rejected_text(data) == ["Takes note of the report of the Secretary-General; (end)"]
    assert {e.get(f"{W}author") for e in document_xml(data).iter(f"{W}ins")} == {"US delegation"}


def test_equal_texts_make_no_revisions():
    text = operative("A_C.3_80_L.18", 1)
    root = document_xml(amended_document(text, text))
    assert not list(root.iter(f"{W}ins", f"{W}del"))


def test_the_redline_uses_this_module_for_its_readers():
    assert redline.accepted_text is tracked.accepted_text
    assert redline.rejected_text is tracked.rejected_text
