"""Word redlines of two versions, with real tracked changes.

The UN's own revision format is Word with Track Changes, so a comparison sent up the chain
must be one: every change is a ``w:ins`` or ``w:del`` revision that a reader can accept or
reject in Word or LibreOffice, not red and struck-through formatting. The revisions are
written by :mod:`multilateral.text.tracked`:

- a modified row: equal words are plain runs, deleted and inserted words tracked runs
  (word-level, :func:`~multilateral.text.tracked.tracked_runs`);
- an inserted row: all its text in ``w:ins`` and its paragraph mark inserted, so rejecting
  removes the paragraph;
- a deleted row: all its text in ``w:del`` and its paragraph mark deleted, so accepting
  removes the paragraph;
- a renumbered row: the old number deleted and the new one inserted, so the number reads
  right whichever way the changes go ("5" → "6").

A row's ``note`` is a fact about the text (it moved, it was split) printed in italics under
it. A row's ``comment`` is a Word comment anchored on the row's paragraph: the place for the
sender's own assessment, which stays out of the text and which a reader can delete. The
optional page ``header`` repeats on every printed page.

Whitespace-only and quote-style differences are not shown as changes (the new spelling is
kept), as :func:`~multilateral.text.worddiff.word_diff` decides. :func:`accepted_text` and
:func:`rejected_text` are re-exported from :mod:`~multilateral.text.tracked`, which owns them.
"""

from __future__ import annotations

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

__all__ = ["RedlineRow", "accepted_text", "redline_docx", "rejected_text"]


@dataclass(frozen=True, slots=True)
class RedlineRow:
    """One paragraph of the redline: its number and its old and new wording.

    ``old_text`` None means the paragraph was inserted; ``new_text`` None means deleted.
    ``old_number``, when not None and different from ``number``, is tracked as replaced by it
    ("" for a paragraph that had no number).
    ``note`` (e.g. "Moved (was 5).") is printed in italics under the paragraph, as ordinary
    text, not as a tracked change. ``comment``, when given, becomes a Word comment on the
    paragraph.
    """

    number: str
    old_text: str | None
    new_text: str | None
    note: str = ""
    old_number: str | None = None
    comment: str = ""


def _row_runs(row: RedlineRow, revisions: Revisions) -> Iterator[BaseOxmlElement]:
    """The runs (plain or wrapped in revisions) making up one row's paragraph."""
    label = f"{row.number}\t" if row.number else ""
    if row.old_text is None:
        yield inserted_run(label + (row.new_text or ""), revisions)
    elif row.new_text is None:
        yield deleted_run(label + row.old_text, revisions)
    else:
        if row.old_number is not None and row.old_number != row.number:
            if row.old_number and row.number:
                yield deleted_run(row.old_number, revisions)
                yield inserted_run(row.number, revisions)
                yield plain_run("\t")
            elif row.old_number:
                yield deleted_run(f"{row.old_number}\t", revisions)
            else:
                yield inserted_run(label, revisions)
        elif label:
            yield plain_run(label)
        yield from tracked_runs(row.old_text, row.new_text, revisions)


def _initials(author: str) -> str:
    return "".join(word[0] for word in author.split() if word[0].isalnum()).upper()[:4]


def _comment_on(paragraph: Paragraph, comment_id: int) -> None:
    """Anchor comment ``comment_id`` on the whole of ``paragraph``: its range starts before
    the first run and ends after the last, followed by the run holding the reference."""
    p = paragraph._p
    start = OxmlElement("w:commentRangeStart", attrs={qn("w:id"): str(comment_id)})
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        p.insert(0, start)
    else:
        ppr.addnext(start)
    p.append(OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): str(comment_id)}))
    reference = OxmlElement("w:r")
    reference.append(OxmlElement("w:rPr"))
    reference[0].append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
    reference.append(OxmlElement("w:commentReference", attrs={qn("w:id"): str(comment_id)}))
    p.append(reference)


def redline_docx(
    rows: Sequence[RedlineRow],
    *,
    title: str,
    author: str,
    date: datetime,
    subtitle: str = "",
    header: str = "",
) -> bytes:
    """Build a .docx whose rows carry their changes as real Word tracked changes.

    ``author`` and ``date`` are stamped on every revision and comment (a naive ``date`` is
    taken as UTC). Rows with neither old nor new text are skipped. ``header`` is printed at
    the top of every page.
    """
    document = Document()
    document.core_properties.title = xml_safe(title)
    document.core_properties.author = xml_safe(author)
    document.core_properties.created = (
        date.astimezone(UTC).replace(tzinfo=None) if date.tzinfo else date
    )
    document.add_heading(xml_safe(title), level=0)
    if subtitle:
        document.add_paragraph(xml_safe(subtitle), style="Subtitle")
    if header:
        document.sections[0].header.paragraphs[0].text = xml_safe(header)

    revisions = Revisions(author, date)
    for row in rows:
        if row.old_text is None and row.new_text is None:
            continue
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(6)
        for element in _row_runs(row, revisions):
            paragraph._p.append(element)
        if row.old_text is None:
            mark_paragraph_inserted(paragraph, revisions)
        elif row.new_text is None:
            mark_paragraph_deleted(paragraph, revisions)
        if row.comment:
            comment = document.comments.add_comment(
                xml_safe(row.comment), author=revisions.author, initials=_initials(author)
            )
            comment._comment_elm.set(qn("w:date"), revisions.date)
            _comment_on(paragraph, comment.comment_id)
        if row.note:
            note = document.add_paragraph()
            note.add_run(xml_safe(row.note)).italic = True
    last = document.paragraphs[-1]._p
    if last.find(f"{qn('w:pPr')}/{qn('w:rPr')}") is not None:
        # Word and LibreOffice ignore a revision on the document's final paragraph mark (a
        # document always ends with one), so an inserted or deleted last row needs an
        # untracked empty paragraph after it for its own mark to be tracked.
        document.add_paragraph()

    out = BytesIO()
    document.save(out)
    return out.getvalue()
