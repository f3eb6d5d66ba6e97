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
from multilateral.models.positions import POSITION_STATES, PRIORITIES, STANCES, Position
from multilateral.models.reference import Forum, ForumMembership, State
from multilateral.models.search import OUTBOX_OPS, IndexOutbox
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
    "ACTION_KINDS",
    "ActView",
    "CONSENT_KINDS",
    "DATE_PRECISIONS",
    "DOCUMENT_KINDS",
    "DOCUMENT_STATUSES",
    "ENDING_KINDS",
    "OUTBOX_OPS",
    "POSITION_STATES",
    "PRIORITIES",
    "ROLES",
    "STANCES",
    "STATEMENT_KINDS",
    "TIERS",
    "ApiToken",
    "AuditEntry",
    "Document",
    "Forum",
    "ForumMembership",
    "IndexOutbox",
    "Paragraph",
    "Position",
    "State",
    "TipPlacement",
    "Treaty",
    "TreatyAction",
    "UploadStash",
    "User",
    "Version",
]
