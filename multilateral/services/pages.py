"""What the home page and a document's page show, gathered in one place so that the views
only parse the request and render: the Palermo Protocol's counts, the texts changed lately,
where a newcomer starts, a version's table of contents and what it can be compared with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func

from multilateral.extensions import db
from multilateral.models import Document, Forum, Paragraph, Treaty, Version
from multilateral.services import documents as document_service
from multilateral.services.analysis import document_summary
from multilateral.services.seed import PALERMO_SLUG
from multilateral.services.treaties import (
    STATUS_EXPLANATIONS,
    ratification_status,
    treaties_called_for,
)

__all__ = [
    "CompareChoices",
    "ContentsEntry",
    "DocumentPage",
    "HomePage",
    "TreatyCounts",
    "document_page",
    "home_page",
    "table_of_contents",
]

#: Units a table of contents lists when a text has them (a treaty's chapters and articles).
_CONTENTS_KINDS = ("chapter", "article", "annex")
#: How many words of a paragraph stand for it where it has no heading.
_GIST_WORDS = 8


@dataclass(frozen=True, slots=True)
class TreatyCounts:
    """One treaty's status counts: the same figures as the treaty page, the API and ``seed``."""

    treaty: Treaty
    #: Status → number of states, in the order of :data:`~services.treaties.STATUSES`.
    counts: dict[str, int]
    explanations: dict[str, str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class HomePage:
    forums: list[Forum]
    recent: list[Document]
    #: The Palermo Protocol's counts, or None before ``flask seed`` loaded it.
    palermo: TreatyCounts | None
    #: A text with several versions to open first ("start here"), if there is one.
    example: Document | None


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    """One line of a version's table of contents: a link to a paragraph's anchor."""

    paragraph_id: int
    kind: str
    #: "Article 6", "II", "12"; "" for the preamble.
    number: str
    #: The heading, or the first words of the text.
    title: str

    @property
    def anchor(self) -> str:
        return f"p{self.paragraph_id}"


@dataclass(frozen=True, slots=True)
class CompareChoices:
    """What a version can be compared with, as the older side; ``default`` is preselected."""

    #: The document's versions before this one, newest first (a comparison reads forward).
    same_document: list[Version]
    #: The newest version of every other document, by title.
    other_documents: list[Version]
    #: The version before this one, when there is one.
    default: Version | None

    def __bool__(self) -> bool:
        return bool(self.same_document or self.other_documents)


@dataclass(frozen=True, slots=True)
class DocumentPage:
    document: Document
    #: The version shown (the newest unless one was asked for); None before the first upload.
    version: Version | None
    summary: dict[str, Any] | None = None
    contents: list[ContentsEntry] = field(default_factory=list)
    compare: CompareChoices | None = None
    #: Paragraph id → tracked treaties the paragraph calls on States to join.
    treaty_links: dict[int, list[Treaty]] = field(default_factory=dict)


def palermo_counts() -> TreatyCounts | None:
    treaty = db.session.scalar(db.select(Treaty).filter_by(slug=PALERMO_SLUG))
    if treaty is None:
        return None
    return TreatyCounts(treaty, ratification_status(treaty).counts, STATUS_EXPLANATIONS)


def example_series() -> Document | None:
    """The text with the most versions (a resolution first, then the most recently changed):
    where a newcomer sees successive drafts and what changed between them."""
    count = func.count(Version.id)
    return db.session.scalar(
        db.select(Document)
        .join(Version)
        .group_by(Document.id)
        .having(count > 1)
        .order_by(
            (Document.kind == "resolution").desc(),
            count.desc(),
            Document.updated_at.desc(),
            Document.id,
        )
        .limit(1)
    )


def home_page() -> HomePage:
    return HomePage(
        forums=document_service.list_forums(),
        recent=document_service.recent_documents(10),
        palermo=palermo_counts(),
        example=example_series(),
    )


def _gist(text: str) -> str:
    words = text.split()
    return " ".join(words[:_GIST_WORDS]) + (" …" if len(words) > _GIST_WORDS else "")


def table_of_contents(paragraphs: Sequence[Paragraph]) -> list[ContentsEntry]:
    """A treaty's chapters, articles and annexes; otherwise (a resolution) the preamble and
    each top-level operative paragraph. Empty for a text with neither."""
    if any(p.kind in _CONTENTS_KINDS for p in paragraphs):
        return [
            ContentsEntry(p.id, p.kind, p.number, p.heading or _gist(p.text))
            for p in paragraphs
            if p.kind in _CONTENTS_KINDS
        ]
    entries: list[ContentsEntry] = []
    preamble = next((p for p in paragraphs if p.kind == "preambular"), None)
    if preamble is not None:
        entries.append(ContentsEntry(preamble.id, "preamble", "", "Preamble"))
    entries.extend(
        ContentsEntry(p.id, p.kind, p.number, _gist(p.text))
        for p in paragraphs
        if p.kind == "operative" and p.parent_id is None
    )
    return entries


def compare_choices(document: Document, version: Version) -> CompareChoices:
    earlier = [v for v in reversed(document.versions) if v.number < version.number]
    return CompareChoices(
        same_document=earlier,
        other_documents=document_service.latest_versions_elsewhere(document),
        default=earlier[0] if earlier else None,
    )


def document_page(document_id: int, version_number: int | None = None) -> DocumentPage:
    """A document with one of its versions (the newest unless ``version_number``): its
    paragraphs' summary, table of contents and what it can be compared with."""
    document = document_service.get_document(document_id)
    version = (
        document_service.get_version(document, version_number)
        if version_number is not None
        else document.latest_version
    )
    if version is None:
        return DocumentPage(document, None)
    paragraphs = version.paragraphs
    return DocumentPage(
        document=document,
        version=version,
        summary=document_summary(paragraphs),
        contents=table_of_contents(paragraphs),
        compare=compare_choices(document, version),
        treaty_links=treaties_called_for(paragraphs),
    )
