"""Word redlines with real tracked changes, and reading their accepted/rejected text back.

The UN's own revision format is Word with Track Changes, so a comparison sent up the chain
must be one: every change is a ``w:ins`` or ``w:del`` revision that a reader can accept or
reject in Word or LibreOffice, not red and struck-through formatting. python-docx has no
revision API, so the revision elements are built here with ``docx.oxml``:

- a modified row: equal words are plain runs; deleted words are runs in ``w:del`` (their
  text in ``w:delText``), inserted words are runs in ``w:ins`` (word-level, from
  :func:`word_diff`);
- an inserted row: all its runs in ``w:ins`` and its paragraph mark inserted
  (``w:pPr/w:rPr/w:ins``), so rejecting removes the paragraph;
- a deleted row: all its runs in ``w:del`` and its paragraph mark deleted
  (``w:pPr/w:rPr/w:del``), so accepting removes the paragraph.

Whitespace-only and quote-style differences are not shown as changes (the new spelling is
kept), as :func:`word_diff` decides.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from multilateral.text.worddiff import DELETE, INSERT, word_diff

__all__ = ["RedlineRow", "accepted_text", "redline_docx", "rejected_text"]


@dataclass(frozen=True, slots=True)
class RedlineRow:
    """One paragraph of the redline: its number and its old and new wording.

    ``old_text`` None means the paragraph was inserted; ``new_text`` None means deleted.
    ``note`` (e.g. "moved from 5", "weakened") is printed in italics under the paragraph,
    as ordinary text, not as a tracked change.
    """

    number: str
    old_text: str | None
    new_text: str | None
    note: str = ""


class _Revisions:
    """Makes ``w:ins``/``w:del`` elements with unique ids, one author and one date."""

    def __init__(self, author: str, date: datetime) -> None:
        if date.tzinfo is not None:
            date = date.astimezone(UTC)
        self.author = author
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1

    def mark(self, tag: str) -> BaseOxmlElement:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element


def _run(text: str, *, deleted: bool = False) -> BaseOxmlElement:
    """A run holding ``text``; tabs become ``w:tab`` and line breaks ``w:br``."""
    run = OxmlElement("w:r")
    text_tag = "w:delText" if deleted else "w:t"
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            run.append(OxmlElement("w:br"))
        for part_no, part in enumerate(line.split("\t")):
            if part_no:
                run.append(OxmlElement("w:tab"))
            if part:
                t = OxmlElement(text_tag)
                t.set(qn("xml:space"), "preserve")
                t.text = part
                run.append(t)
    return run


def _mark_paragraph(paragraph: Paragraph, revision: BaseOxmlElement) -> None:
    """Mark the paragraph mark itself as inserted or deleted (``w:pPr/w:rPr/w:ins|del``)."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    rpr.append(revision)
    ppr.append(rpr)  # rPr comes after pStyle, spacing etc. and there is no sectPr here


def _row_runs(row: RedlineRow, revisions: _Revisions) -> Iterator[BaseOxmlElement]:
    """The runs (plain or wrapped in revisions) making up one row's paragraph."""
    label = f"{row.number}\t" if row.number else ""
    if row.old_text is None:
        ins = revisions.mark("w:ins")
        ins.append(_run(label + (row.new_text or "")))
        yield ins
        return
    if row.new_text is None:
        deletion = revisions.mark("w:del")
        deletion.append(_run(label + row.old_text, deleted=True))
        yield deletion
        return
    if label:
        yield _run(label)
    for op, text in word_diff(row.old_text, row.new_text):
        if op == DELETE:
            wrapper = revisions.mark("w:del")
            wrapper.append(_run(text, deleted=True))
            yield wrapper
        elif op == INSERT:
            wrapper = revisions.mark("w:ins")
            wrapper.append(_run(text))
            yield wrapper
        else:
            yield _run(text)


def redline_docx(
    rows: Sequence[RedlineRow],
    *,
    title: str,
    author: str,
    date: datetime,
    subtitle: str = "",
) -> bytes:
    """Build a .docx whose rows carry their changes as real Word tracked changes.

    ``author`` and ``date`` are stamped on every revision (a naive ``date`` is taken as
    UTC). Rows with neither old nor new text are skipped.
    """
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.created = (
        date.astimezone(UTC).replace(tzinfo=None) if date.tzinfo else date
    )
    document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle, style="Subtitle")

    revisions = _Revisions(author, date)
    for row in rows:
        if row.old_text is None and row.new_text is None:
            continue
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(6)
        for element in _row_runs(row, revisions):
            paragraph._p.append(element)
        if row.old_text is None:
            _mark_paragraph(paragraph, revisions.mark("w:ins"))
        elif row.new_text is None:
            _mark_paragraph(paragraph, revisions.mark("w:del"))
        if row.note:
            note = document.add_paragraph()
            note.add_run(row.note).italic = True
    last = document.paragraphs[-1]._p
    if last.find(f"{qn('w:pPr')}/{qn('w:rPr')}") is not None:
        # Word and LibreOffice ignore a revision on the document's final paragraph mark (a
        # document always ends with one), so an inserted or deleted last row needs an
        # untracked empty paragraph after it for its own mark to be tracked.
        document.add_paragraph()

    out = BytesIO()
    document.save(out)
    return out.getvalue()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_texts(docx_bytes: bytes, *, accept: bool) -> list[str]:
    """Body paragraph texts with every revision accepted (or rejected).

    A paragraph whose mark is removed (deleted mark when accepting, inserted mark when
    rejecting) merges with the next one, as in Word: its remaining text, usually none,
    is carried to the start of the following paragraph. Trailing empty paragraphs are left
    out.
    """
    with zipfile.ZipFile(BytesIO(docx_bytes)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    dropped = {_W + "del", _W + "moveFrom"} if accept else {_W + "ins", _W + "moveTo"}
    body = root.find(_W + "body")
    texts: list[str] = []
    carried = ""
    for paragraph in body.iter(_W + "p"):
        parts = [carried]
        for element in paragraph.iter(_W + "t", _W + "delText", _W + "tab", _W + "br"):
            ancestors = []
            for ancestor in element.iterancestors():
                if ancestor is paragraph:
                    break
                ancestors.append(ancestor.tag)
            if _W + "pPr" in ancestors or dropped.intersection(ancestors):
                continue
            if element.tag == _W + "tab":
                parts.append("\t")
            elif element.tag == _W + "br":
                parts.append("\n")
            else:
                parts.append(element.text or "")
        text = "".join(parts)
        mark = paragraph.find(f"{_W}pPr/{_W}rPr")
        if mark is not None and any(child.tag in dropped for child in mark):
            carried = text
            continue
        texts.append(text)
        carried = ""
    if carried:
        texts.append(carried)
    while texts and not texts[-1]:
        texts.pop()  # the empty paragraph that holds the final mark says nothing
    return texts


def accepted_text(docx_bytes: bytes) -> list[str]:
    """The document's paragraphs as they read once every tracked change is accepted."""
    return _paragraph_texts(docx_bytes, accept=True)


def rejected_text(docx_bytes: bytes) -> list[str]:
    """The document's paragraphs as they read once every tracked change is rejected."""
    return _paragraph_texts(docx_bytes, accept=False)
