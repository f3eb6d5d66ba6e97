"""SQLAlchemy models, one module per part of the domain."""

from multilateral.models.accounts import ROLES, ApiToken, User
from multilateral.models.audit import AuditEntry
from multilateral.models.documents import (
    DOCUMENT_KINDS,
    DOCUMENT_STATUSES,
    Document,
    Paragraph,
    Version,
)
from multilateral.models.mandates import MANDATE_STATUSES, Mandate
from multilateral.models.positions import POSITION_STATES, PRIORITIES, STANCES, Position
from multilateral.models.reference import Forum, ForumMembership, State
from multilateral.models.search import OUTBOX_OPS, IndexOutbox
from multilateral.models.series import (
    ADOPTION_METHODS,
    EVENT_KINDS,
    OWN_ACTIONS,
    PERIODICITIES,
    SPONSOR_JOINED,
    SPONSOR_ROLES,
    TEXT_STAGES,
    VOTE_CHOICES,
    OwnAction,
    Series,
    SeriesLeadSponsor,
    SeriesText,
    Sponsorship,
    StateVote,
    TextEvent,
)
from multilateral.models.stash import UploadStash
from multilateral.models.tiers import TIERS, TipPlacement
from multilateral.models.treaties import (
    ACTION_KINDS,
    CONSENT_KINDS,
    DATE_PRECISIONS,
    ENDING_KINDS,
    STATEMENT_KINDS,
    ActView,
    Treaty,
    TreatyAction,
)

__all__ = [
    "MANDATE_STATUSES",
    "ACTION_KINDS",
    "ADOPTION_METHODS",
    "ActView",
    "CONSENT_KINDS",
    "DATE_PRECISIONS",
    "DOCUMENT_KINDS",
    "DOCUMENT_STATUSES",
    "ENDING_KINDS",
    "EVENT_KINDS",
    "OUTBOX_OPS",
    "OWN_ACTIONS",
    "PERIODICITIES",
    "POSITION_STATES",
    "PRIORITIES",
    "ROLES",
    "SPONSOR_JOINED",
    "SPONSOR_ROLES",
    "STANCES",
    "STATEMENT_KINDS",
    "TEXT_STAGES",
    "TIERS",
    "VOTE_CHOICES",
    "ApiToken",
    "AuditEntry",
    "Document",
    "Forum",
    "ForumMembership",
    "IndexOutbox",
    "OwnAction",
    "Mandate",
    "Paragraph",
    "Position",
    "Series",
    "SeriesLeadSponsor",
    "SeriesText",
    "Sponsorship",
    "State",
    "StateVote",
    "TextEvent",
    "TipPlacement",
    "Treaty",
    "TreatyAction",
    "UploadStash",
    "User",
    "Version",
]
