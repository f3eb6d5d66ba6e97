"""Word tracked changes: the one writer of ``w:ins``/``w:del`` revisions, and their readers.

python-docx has no revision API, so the revision elements are built here with
``docx.oxml``, for every export that carries tracked changes (the comparison redline, the
delegation's position paper):

- :class:`Revisions` stamps every revision of one document with a unique id, one author and
  one date (UTC, as Word writes it);
- :func:`plain_run`, :func:`inserted_run` and :func:`deleted_run` make a run of text, bare or
  wrapped in ``w:ins``/``w:del`` (deleted text goes in ``w:delText``, as Word requires);
- :func:`tracked_runs` yields the word-level change from one wording to another (from
  :func:`~multilateral.text.worddiff.word_diff`), so accepting every change gives the new
  wording and rejecting every change the old one;
- :func:`mark_paragraph_inserted` / :func:`mark_paragraph_deleted` track the paragraph mark
  itself (``w:pPr/w:rPr/w:ins|del``), so rejecting (accepting) removes the paragraph;
- :func:`accepted_text` / :func:`rejected_text` read a .docx back as it reads once every
  change is accepted or rejected, which is how the writers are tested.

:func:`xml_safe` removes what XML 1.0 cannot hold. lxml refuses such characters, so every
string that goes into a .docx, tracked or not, passes through it first.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph
from lxml import etree

from multilateral.text.worddiff import DELETE, INSERT, word_diff

__all__ = [
    "Revisions",
    "accepted_text",
    "deleted_run",
    "inserted_run",
    "mark_paragraph_deleted",
    "mark_paragraph_inserted",
    "plain_run",
    "rejected_text",
    "tracked_runs",
    "xml_safe",
]

#: Characters outside XML 1.0's ``Char`` production: C0 controls other than tab, line feed
#: and carriage return; surrogate code points (in a Python str they can only be lone
#: halves, e.g. from ``surrogateescape`` decoding); and the non-characters U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold, so a .docx is never corrupt."""
    return _NOT_XML.sub("", text)


class Revisions:
    """Makes ``w:ins``/``w:del`` elements with unique ids, one author and one date.

    Use one instance per document: revision ids must be unique within it. A naive ``date``
    is taken as UTC; an aware one is converted to UTC.
    """

    def __init__(self, author: str, date: datetime) -> None:
        if date.tzinfo is not None:
            date = date.astimezone(UTC)
        self.author = xml_safe(author)
        #: The date as Word stamps it, e.g. "2026-11-28T12:00:00Z".
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._next_id = 1

    def insertion(self) -> BaseOxmlElement:
        """A new, empty ``w:ins`` element."""
        return self._mark("w:ins")

    def deletion(self) -> BaseOxmlElement:
        """A new, empty ``w:del`` element."""
        return self._mark("w:del")

    def _mark(self, tag: str) -> BaseOxmlElement:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self._next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self._next_id += 1
        return element


def _run(text: str, *, deleted: bool) -> BaseOxmlElement:
    """A run holding ``text``; tabs become ``w:tab`` and line breaks ``w:br``."""
    run = OxmlElement("w:r")
    text_tag = "w:delText" if deleted else "w:t"
    for line_no, line in enumerate(xml_safe(text).split("\n")):
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


def plain_run(text: str) -> BaseOxmlElement:
    """An untracked run (``w:r``) holding ``text``, spaces preserved."""
    return _run(text, deleted=False)


def inserted_run(text: str, revisions: Revisions) -> BaseOxmlElement:
    """A ``w:ins`` holding one run of ``text``: rejecting the change removes the text."""
    insertion = revisions.insertion()
    insertion.append(_run(text, deleted=False))
    return insertion


def deleted_run(text: str, revisions: Revisions) -> BaseOxmlElement:
    """A ``w:del`` holding one run of ``text`` in ``w:delText``: accepting removes the text."""
    deletion = revisions.deletion()
    deletion.append(_run(text, deleted=True))
    return deletion


def tracked_runs(old: str, new: str, revisions: Revisions) -> Iterator[BaseOxmlElement]:
    """The change from ``old`` to ``new`` as runs, word by word.

    Equal words are plain runs, deleted words :func:`deleted_run`, inserted words
    :func:`inserted_run`. Accepting every change reads ``new`` exactly; rejecting every
    change reads ``old``'s wording (whitespace and quote style as in ``new``, which
    :func:`word_diff` does not count as changes). Append the elements to a ``w:p``.
    """
    for op, text in word_diff(xml_safe(old), xml_safe(new)):
        if op == DELETE:
            yield deleted_run(text, revisions)
        elif op == INSERT:
            yield inserted_run(text, revisions)
        else:
            yield plain_run(text)


def _mark_paragraph(paragraph: Paragraph, revision: BaseOxmlElement) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        # In w:pPr, rPr comes after everything but sectPr and pPrChange.
        later = [ppr.find(qn("w:sectPr")), ppr.find(qn("w:pPrChange"))]
        following = next((element for element in later if element is not None), None)
        if following is None:
            ppr.append(rpr)
        else:
            following.addprevious(rpr)
    rpr.insert(0, revision)  # in a paragraph mark's rPr, ins/del come first


def mark_paragraph_inserted(paragraph: Paragraph, revisions: Revisions) -> None:
    """Track the paragraph's mark as inserted: rejecting all merges it into the next one.

    Word and LibreOffice ignore a revision on a document's final paragraph mark, so a
    marked paragraph must not be the last in the body.
    """
    _mark_paragraph(paragraph, revisions.insertion())


def mark_paragraph_deleted(paragraph: Paragraph, revisions: Revisions) -> None:
    """Track the paragraph's mark as deleted: accepting all merges it into the next one.

    Word and LibreOffice ignore a revision on a document's final paragraph mark, so a
    marked paragraph must not be the last in the body.
    """
    _mark_paragraph(paragraph, revisions.deletion())


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_texts(docx_bytes: bytes, *, accept: bool) -> list[str]:
    """Body paragraph texts (table cells included) with every revision accepted or rejected.

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
