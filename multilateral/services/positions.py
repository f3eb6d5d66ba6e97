"""The delegation's positions: save with a revision check, carry over by lineage, alerts.

A position belongs to one version and one paragraph lineage. When a new version arrives,
every position of the previous version is carried to the paragraph of the same lineage:
unchanged text keeps it current, changed text marks it "carried over — review", and a
paragraph that is gone keeps its position marked "paragraph deleted", never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm.exc import StaleDataError

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import (
    PRIORITIES,
    STANCES,
    Document,
    Paragraph,
    Position,
    User,
    Version,
)
from multilateral.models.base import utcnow
from multilateral.text.position_paper import PaperHeader, PaperParagraph
from multilateral.text.tracked import xml_safe

if TYPE_CHECKING:  # compare imports versions, which carries positions over: no import cycle
    from multilateral.services.compare import ComparedPair

__all__ = [
    "MAX_PROPOSED_TEXT",
    "MAX_RATIONALE",
    "STATE_LABELS",
    "Alert",
    "PositionInput",
    "PositionRow",
    "StaleRevision",
    "alerts",
    "paper_contents",
    "carry_over",
    "position_history",
    "position_rows",
    "save_positions",
]

#: Sane limits: a rationale is a paragraph or two, a proposed text one paragraph.
MAX_RATIONALE = 10_000
MAX_PROPOSED_TEXT = 20_000

STATE_LABELS = {
    "current": "",
    "carried-over": "carried over — review",
    "paragraph-deleted": "paragraph deleted",
}

#: Priorities that raise an alert, and the order of severity.
_ALERT_PRIORITIES = ("red-line", "important")
_ALERT_KINDS = ("deleted", "re-inserted", "weakened")
#: How close an inserted paragraph must be to opposed text to count as re-inserting it.
_REINSERTED_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class PositionInput:
    paragraph_id: int
    stance: str
    priority: str
    proposed_text: str
    rationale: str
    #: The revision the client edited; 0 for a position it saw as not yet recorded.
    revision: int

    @classmethod
    def from_dict(cls, data: Any) -> PositionInput:
        if not isinstance(data, dict):
            raise ServiceError(400, "bad-field", "Each position must be a JSON object.")
        paragraph_id = data.get("paragraph_id")
        revision = data.get("revision", 0)
        if not isinstance(paragraph_id, int) or isinstance(paragraph_id, bool):
            raise ServiceError(400, "missing-field", "paragraph_id is required (a number).")
        if revision is None:
            revision = 0
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
            raise ServiceError(400, "bad-field", "revision must be a whole number (0 if new).")
        fields = {}
        for name, default in (
            ("stance", "none"),
            ("priority", "flexible"),
            ("proposed_text", ""),
            ("rationale", ""),
        ):
            value = data.get(name, default)
            if value is None:
                value = default
            if not isinstance(value, str):
                raise ServiceError(400, "bad-field", f"{name} must be a string.")
            fields[name] = value
        return cls(paragraph_id=paragraph_id, revision=revision, **fields)

    def validated(self) -> PositionInput:
        if self.stance not in STANCES:
            raise ServiceError(
                400,
                "bad-stance",
                f"stance must be one of {', '.join(STANCES)}, not {self.stance!r}.",
            )
        if self.priority not in PRIORITIES:
            raise ServiceError(
                400,
                "bad-priority",
                f"priority must be one of {', '.join(PRIORITIES)}, not {self.priority!r}.",
            )
        proposed = xml_safe(self.proposed_text).strip()
        rationale = xml_safe(self.rationale).strip()
        if proposed and self.stance != "amend":
            raise ServiceError(
                400,
                "proposed-text-without-amend",
                "A proposed text goes with the stance 'amend' only.",
            )
        if self.stance == "amend" and not proposed:
            raise ServiceError(400, "missing-field", "The stance 'amend' needs a proposed text.")
        if len(rationale) > MAX_RATIONALE:
            raise ServiceError(
                400, "too-long", f"The rationale is over {MAX_RATIONALE:,} characters."
            )
        if len(proposed) > MAX_PROPOSED_TEXT:
            raise ServiceError(
                400, "too-long", f"The proposed text is over {MAX_PROPOSED_TEXT:,} characters."
            )
        return PositionInput(
            self.paragraph_id, self.stance, self.priority, proposed, rationale, self.revision
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "paragraph_id": self.paragraph_id,
            "stance": self.stance,
            "priority": self.priority,
            "proposed_text": self.proposed_text,
            "rationale": self.rationale,
            "revision": self.revision,
        }


class StaleRevision(ServiceError):
    """Saves based on revisions that changed meanwhile; ``conflicts`` holds both sides."""

    def __init__(self, conflicts: list[dict[str, Any]]) -> None:
        super().__init__(
            409,
            "stale-revision",
            f"{len(conflicts)} position(s) changed since you opened them; nothing was saved. "
            "Compare both texts, then save again.",
        )
        self.conflicts = conflicts


@dataclass(slots=True)
class PositionRow:
    """One line of the editor or the paper: a paragraph (None if deleted) and its position."""

    lineage: str
    paragraph: Paragraph | None
    position: Position | None
    #: For a deleted paragraph, the text it last had.
    last_text: str = ""

    @property
    def text(self) -> str:
        return self.paragraph.text if self.paragraph is not None else self.last_text

    def to_dict(self) -> dict[str, Any]:
        p = self.position
        return {
            "paragraph_id": self.paragraph.id if self.paragraph else None,
            "lineage": self.lineage,
            "number": self.paragraph.number if self.paragraph else "",
            "text": self.text,
            "stance": p.stance if p else "none",
            "proposed_text": p.proposed_text if p else "",
            "rationale": p.rationale if p else "",
            "priority": p.priority if p else "flexible",
            "revision": p.revision if p else 0,
            "state": p.state if p else "current",
            "state_label": STATE_LABELS[p.state] if p else "",
            "author": p.author.username if p and p.author else None,
            "updated_at": p.updated_at.isoformat() + "Z" if p else None,
        }


def _last_texts(document_id: int, lineages: set[str], before: int) -> dict[str, str]:
    """The latest text each lineage had in a version before number ``before``."""
    if not lineages:
        return {}
    rows = db.session.execute(
        db.select(Paragraph.lineage, Paragraph.text)
        .join(Version, Paragraph.version_id == Version.id)
        .filter(
            Version.document_id == document_id,
            Version.number < before,
            Paragraph.lineage.in_(lineages),
        )
        .order_by(Version.number)
    )
    return {lineage: text for lineage, text in rows}


def position_rows(version: Version) -> list[PositionRow]:
    """Every paragraph of ``version`` with its position, then the deleted ones."""
    positions = {
        p.lineage: p
        for p in db.session.scalars(db.select(Position).filter_by(version_id=version.id))
    }
    rows = [PositionRow(p.lineage, p, positions.pop(p.lineage, None)) for p in version.paragraphs]
    gone = _last_texts(version.document_id, set(positions), version.number)
    rows.extend(
        PositionRow(lineage, None, position, gone.get(lineage, ""))
        for lineage, position in positions.items()
    )
    return rows


def save_positions(version: Version, inputs: list[PositionInput], author: User) -> list[Position]:
    """Save several positions at once: all of them, or none if any is stale (409)."""
    if not inputs:
        raise ServiceError(400, "missing-field", "Send at least one position.")
    inputs = [i.validated() for i in inputs]
    ids = {i.paragraph_id for i in inputs}
    paragraphs = {
        p.id: p
        for p in db.session.scalars(
            db.select(Paragraph).filter(Paragraph.version_id == version.id, Paragraph.id.in_(ids))
        )
    }
    existing = {
        p.lineage: p
        for p in db.session.scalars(
            db.select(Position).filter(
                Position.version_id == version.id,
                Position.lineage.in_({p.lineage for p in paragraphs.values()}),
            )
        )
    }
    conflicts = []
    saved = []
    for item in inputs:
        paragraph = paragraphs.get(item.paragraph_id)
        if paragraph is None:
            raise ServiceError(
                400,
                "wrong-paragraph",
                f"Paragraph {item.paragraph_id} is not a paragraph of version {version.number}.",
            )
        position = existing.get(paragraph.lineage)
        current = position.revision if position is not None else 0
        if item.revision != current:
            conflicts.append(
                {
                    "paragraph_id": paragraph.id,
                    "yours": item.to_dict(),
                    "theirs": PositionRow(paragraph.lineage, paragraph, position).to_dict(),
                }
            )
            continue
        if position is None:
            position = Position(version_id=version.id, lineage=paragraph.lineage)
            db.session.add(position)
            existing[paragraph.lineage] = position
        position.stance = item.stance
        position.priority = item.priority
        position.proposed_text = item.proposed_text
        position.rationale = item.rationale
        position.author_id = author.id
        position.state = "current"
        saved.append(position)
    if conflicts:
        db.session.rollback()
        raise StaleRevision(conflicts)
    try:
        db.session.flush()
    except StaleDataError:
        # Another save committed between our read and our UPDATE (the revision check in
        # the UPDATE's WHERE clause found no row): report it like any stale save.
        db.session.rollback()
        raise StaleRevision(
            [{"paragraph_id": i.paragraph_id, "yours": i.to_dict(), "theirs": None} for i in inputs]
        ) from None
    return saved


def carry_over(previous: Version, new: Version) -> int:
    """Copy every position of ``previous`` onto ``new`` by lineage; returns how many."""
    paragraphs = {p.lineage: p for p in new.paragraphs}
    old_texts = {p.lineage: p.text for p in previous.paragraphs}
    carried = 0
    for position in db.session.scalars(db.select(Position).filter_by(version_id=previous.id)):
        paragraph = paragraphs.get(position.lineage)
        if paragraph is None:
            state = "paragraph-deleted"
        elif position.state == "paragraph-deleted" or paragraph.text != old_texts.get(
            position.lineage
        ):
            state = "carried-over"
        else:
            state = position.state
        db.session.add(
            Position(
                version_id=new.id,
                lineage=position.lineage,
                stance=position.stance,
                proposed_text=position.proposed_text,
                rationale=position.rationale,
                priority=position.priority,
                author_id=position.author_id,
                updated_at=position.updated_at,
                state=state,
                carried_from_id=position.id,
            )
        )
        carried += 1
    db.session.flush()
    return carried


@dataclass(slots=True)
class HistoryEntry:
    version: Version
    paragraph: Paragraph | None
    position: Position | None


def position_history(document: Document, lineage: str) -> list[HistoryEntry]:
    """One paragraph's text and position in every version, oldest first."""
    paragraphs = {
        p.version_id: p
        for p in db.session.scalars(
            db.select(Paragraph)
            .join(Version, Paragraph.version_id == Version.id)
            .filter(Version.document_id == document.id, Paragraph.lineage == lineage)
        )
    }
    positions = {
        p.version_id: p
        for p in db.session.scalars(
            db.select(Position)
            .join(Version, Position.version_id == Version.id)
            .filter(Version.document_id == document.id, Position.lineage == lineage)
        )
    }
    if not paragraphs and not positions:
        raise ServiceError(404, "not-found", "No paragraph of this document has that lineage.")
    return [
        HistoryEntry(v, paragraphs.get(v.id), positions.get(v.id))
        for v in document.versions
        if v.id in paragraphs or v.id in positions
    ]


@dataclass(frozen=True, slots=True)
class Alert:
    """A new version touched a paragraph the delegation cares about."""

    document_id: int
    document_title: str
    from_version: int
    to_version: int
    #: deleted, re-inserted or weakened.
    kind: str
    priority: str
    stance: str
    number: str
    old_text: str
    new_text: str
    #: Index of the pair in the comparison, for the link to the diff.
    pair_index: int
    detail: str

    @property
    def severity(self) -> tuple[int, int]:
        return (_ALERT_PRIORITIES.index(self.priority), _ALERT_KINDS.index(self.kind))

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": {"id": self.document_id, "title": self.document_title},
            "from": self.from_version,
            "to": self.to_version,
            "kind": self.kind,
            "priority": self.priority,
            "stance": self.stance,
            "number": self.number,
            "old_text": self.old_text,
            "new_text": self.new_text,
            "detail": self.detail,
            "compare_url": (
                f"/documents/{self.document_id}/compare?from={self.from_version}"
                f"&to={self.to_version}#pair-{self.pair_index}"
            ),
        }


def _document_alerts(document: Document) -> list[Alert]:
    versions = document.versions
    if len(versions) < 2:
        return []
    previous, latest = versions[-2], versions[-1]
    positions = [
        p
        for p in db.session.scalars(db.select(Position).filter_by(version_id=previous.id))
        if p.priority in _ALERT_PRIORITIES and p.stance != "none"
    ]
    if not positions:
        return []
    # Imported here: compare imports versions, which carries positions over on each new version.
    from multilateral.services.compare import compare_versions

    comparison = compare_versions(previous, latest)
    by_lineage: dict[str, ComparedPair] = {}
    inserted: list[ComparedPair] = []
    for pair in comparison.pairs:
        for old in pair.olds:
            by_lineage[old.lineage] = pair
        if pair.op == "inserted":
            inserted.append(pair)
    gone = _last_texts(document.id, {p.lineage for p in positions}, latest.number)
    found = []
    for position in positions:

        def alert(
            kind: str, pair: ComparedPair, old: str, new: str, detail: str, position=position
        ) -> None:
            found.append(
                Alert(
                    document.id,
                    document.title,
                    previous.number,
                    latest.number,
                    kind,
                    position.priority,
                    position.stance,
                    pair.old_number or pair.new_number,
                    old,
                    new,
                    pair.index,
                    detail,
                )
            )

        if position.stance == "oppose":
            opposed = gone.get(position.lineage, "")
            for pair in inserted:
                ratio = SequenceMatcher(None, opposed.split(), pair.new_text.split()).ratio()
                if opposed and ratio >= _REINSERTED_SIMILARITY:
                    alert(
                        "re-inserted", pair, opposed, pair.new_text, f"{ratio:.0%} the same words"
                    )
            continue
        pair = by_lineage.get(position.lineage)
        if pair is None:
            continue  # deleted already in the previous version: alerted then
        if pair.op == "deleted":
            alert("deleted", pair, pair.old_text, "", "the paragraph is gone")
        elif pair.is_weakened and pair.old and pair.new:
            detail = f"{pair.old.label} {pair.old.strength} → {pair.new.label} {pair.new.strength}"
            if pair.shift.reasons:
                detail += f"; {'; '.join(pair.shift.reasons)}"
            alert("weakened", pair, pair.old_text, pair.new_text, detail)
    return found


def alerts(document: Document | None = None) -> list[Alert]:
    """Alerts for one document or every document, most severe first."""
    documents = (
        [document]
        if document is not None
        else list(
            db.session.scalars(
                # By id: PostgreSQL cannot compare the JSON tags column for DISTINCT.
                db.select(Document).filter(
                    Document.id.in_(
                        db.select(Version.document_id)
                        .join(Position, Position.version_id == Version.id)
                        .filter(Position.priority.in_(_ALERT_PRIORITIES))
                    )
                )
            )
        )
    )
    found = [a for d in documents for a in _document_alerts(d)]
    return sorted(found, key=lambda a: (a.severity, a.document_title, a.pair_index))


def paper_contents(
    version: Version, *, author: str, delegation: str, short: str, classification: str
) -> tuple[PaperHeader, list[PaperParagraph]]:
    """What the position paper and its CSV say about ``version``, in reading order."""
    document = version.document
    header = PaperHeader(
        delegation=delegation,
        delegation_short=short,
        classification=classification,
        document_title=document.title,
        forum=document.forum.name,
        symbol=document.symbol or "",
        version_label=f"Version {version.number}"
        + (f" ({version.label})" if version.label else ""),
        version_date=version.date,
        author=author,
        generated_at=utcnow(),
    )
    paragraphs = []
    for row in position_rows(version):
        p, position = row.paragraph, row.position
        paragraphs.append(
            PaperParagraph(
                number=p.number if p else "",
                kind=p.kind if p else "",
                text=row.text,
                label=p.label if p else "",
                strength=p.strength if p else 0,
                stance=position.stance if position else "none",
                priority=position.priority if position else "flexible",
                rationale=position.rationale if position else "",
                proposed_text=position.proposed_text if position else "",
                state=STATE_LABELS[position.state] if position else "",
            )
        )
    return header, paragraphs
