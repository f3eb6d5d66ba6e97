"""Importing a received draft as the next version of a document.

The one path every entry point takes (the API, the upload page and ``flask import``):
read and segment the source with the text layer's importers, optionally apply the kinds a
negotiator corrected on the preview, then :func:`~multilateral.services.versions.add_version`.
Nothing here commits: a refused file raises before anything is flushed, and the caller's
rollback (the error handlers, the CLI's per-file loop) leaves database and index untouched.

Between the upload page's preview and its Save, the uploaded bytes wait in a *stash*: a row
of ``upload_stash`` (:class:`~multilateral.models.stash.UploadStash`) keyed by their SHA-256,
never by anything the user sent, so the preview form only carries a hash that is checked
against ``[0-9a-f]{64}`` and against the bytes it names. The stash is in the database, not on
one app server's disk, so a preview made on one server can be saved on another; each stash
operation is its own short transaction, committed at once whatever the request's session
does. A stashed upload is removed by the Save, whatever its outcome; an abandoned one is
refused after a day and swept by the next preview.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.limits import check_length, column_length
from multilateral.models import Document, UploadStash, User, Version
from multilateral.models.base import utcnow
from multilateral.services.versions import add_version
from multilateral.text.formats.errors import ImportProblem
from multilateral.text.formats.reader import read_source, sha256_of
from multilateral.text.segment import segment_text
from multilateral.text.units import KINDS, Segmented

__all__ = [
    "LABEL_MAX",
    "max_paragraphs",
    "read_upload",
    "read_pasted",
    "pasted_bytes",
    "check_label",
    "apply_kinds",
    "import_file",
    "import_text",
    "stash_put",
    "stash_get",
    "stash_drop",
]

#: Longest version label the database holds.
LABEL_MAX = column_length(Version.label)
#: A stash key: exactly a lowercase hex SHA-256 (matched whole: ``$`` would let a final
#: newline through).
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Stashed uploads older than this are refused by :func:`stash_get` and swept away by the
#: next :func:`stash_put`.
STASH_MAX_AGE_SECONDS = 24 * 3600


def _max_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_BYTES"])


def max_paragraphs() -> int:
    """The most paragraphs one version may have (setting ``MAX_PARAGRAPHS``)."""
    return int(current_app.config["MAX_PARAGRAPHS"])


def _check_paragraphs(segmented: Segmented, source: str) -> Segmented:
    """413 for a text with more paragraphs than a version may hold: checked right after
    segmenting, before the alignment and clause analysis whose time grows with them."""
    count, limit = len(segmented.units), max_paragraphs()
    if count > limit:
        raise ImportProblem(
            "too-many-paragraphs",
            f"{source} has {count:,} paragraphs; a version holds at most {limit:,} paragraphs. "
            "Split the text, or ask an administrator to raise MAX_PARAGRAPHS.",
        )
    return segmented


def read_upload(filename: str, data: bytes, *, content_type: str | None = None) -> Segmented:
    """Segment an uploaded file under the configured size and paragraph limits
    (ImportProblem if refused)."""
    segmented = read_source(filename, data, content_type=content_type, max_bytes=_max_bytes())
    return _check_paragraphs(segmented, f"{os.path.basename(filename) or 'upload'}: the text")


def _normalise_pasted(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF: without this the same text pasted on
    # the page and sent to the API would hash differently and escape the duplicate check.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def pasted_bytes(text: str) -> bytes:
    """Pasted text as the bytes its SHA-256 is taken of: UTF-8, line breaks as ``\\n``."""
    return _normalise_pasted(text).encode("utf-8")


def read_pasted(text: str) -> Segmented:
    """Segment pasted text, refusing what :func:`read_source` refuses in a file."""
    text = _normalise_pasted(text)
    if not text.strip():
        raise ImportProblem("empty", "The pasted text is empty.")
    size = len(text.encode("utf-8"))
    if size > _max_bytes():
        raise ImportProblem(
            "too-large",
            f"The pasted text is {size:,} bytes, over the limit of {_max_bytes():,} bytes.",
        )
    if "\x00" in text:
        raise ImportProblem("nul-bytes", "The pasted text contains NUL characters.")
    return _check_paragraphs(segment_text(text), "The pasted text")


def apply_kinds(segmented: Segmented, kinds: Sequence[str] | None) -> Segmented:
    """The units with the kinds a negotiator chose on the preview, one per unit in order."""
    if kinds is None:
        return segmented
    if len(kinds) != len(segmented.units):
        raise ServiceError(
            400,
            "stale-preview",
            f"The preview listed {len(kinds)} paragraphs but the file has "
            f"{len(segmented.units)}; upload it again.",
        )
    for kind in kinds:
        if kind not in KINDS:
            raise ServiceError(400, "bad-kind", f"kind must be one of: {', '.join(KINDS)}.")
    units = [
        dataclasses.replace(unit, kind=kind)
        for unit, kind in zip(segmented.units, kinds, strict=True)
    ]
    return Segmented(units=units, title=segmented.title, warnings=list(segmented.warnings))


def check_label(label: str) -> str:
    """The label trimmed; 400 when longer than the database holds."""
    label = (label or "").strip()
    check_length("label", label, LABEL_MAX)
    return label


def import_file(
    document: Document,
    filename: str,
    data: bytes,
    *,
    label: str = "",
    version_date: date | None = None,
    created_by: User | None = None,
    content_type: str | None = None,
    kinds: Sequence[str] | None = None,
) -> Version:
    """Store an uploaded file as the next version of ``document`` (flushed, not committed).

    Raises ImportProblem for a file the importers refuse and ServiceError for a duplicate
    (409), a bad label or kinds that no longer match the file.
    """
    label = check_label(label)
    segmented = apply_kinds(read_upload(filename, data, content_type=content_type), kinds)
    return add_version(
        document,
        segmented,
        sha256=sha256_of(data),
        label=label,
        version_date=version_date,
        source_filename=os.path.basename(filename)[:300],
        created_by=created_by,
    )


def import_text(
    document: Document,
    text: str,
    *,
    label: str = "",
    version_date: date | None = None,
    created_by: User | None = None,
    kinds: Sequence[str] | None = None,
) -> Version:
    """Store pasted text as the next version of ``document`` (flushed, not committed)."""
    label = check_label(label)
    segmented = apply_kinds(read_pasted(text), kinds)
    return add_version(
        document,
        segmented,
        sha256=sha256_of(pasted_bytes(text)),
        label=label,
        version_date=version_date,
        source_filename="",
        created_by=created_by,
    )


# -- the stash between preview and save -------------------------------------------------


_STASH = UploadStash.__table__
#: The upsert of each database the application runs on: previewing the same bytes again (on
#: any server, even at the same moment) keeps one row and restarts its day.
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _stash_key(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256 or ""):
        raise ServiceError(400, "stale-preview", "The preview is not valid; upload the file again.")
    return sha256


def _expired_before() -> datetime:
    return utcnow() - timedelta(seconds=STASH_MAX_AGE_SECONDS)


def _sweep(conn: Connection) -> None:
    conn.execute(delete(_STASH).where(_STASH.c.created_at < _expired_before()))


def stash_put(data: bytes) -> str:
    """Keep uploaded bytes until the negotiator saves the preview; returns their SHA-256.

    Committed before this returns, in a transaction of its own: the request's session may
    still roll back, and the Save may come to another app server."""
    if len(data) > _max_bytes():  # the readers refused it already; never stash more
        raise ImportProblem(
            "too-large",
            f"The upload is {len(data):,} bytes, over the limit of {_max_bytes():,} bytes.",
        )
    sha256 = sha256_of(data)
    with db.engine.begin() as conn:
        _sweep(conn)
        insert = _INSERT[conn.dialect.name](_STASH).values(
            sha256=sha256, data=data, size=len(data), created_at=utcnow()
        )
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[_STASH.c.sha256],
                set_={"created_at": insert.excluded.created_at},
            )
        )
    return sha256


def stash_get(sha256: str) -> bytes:
    """The stashed bytes, checked against their name (400 when gone, expired or altered)."""
    key = _stash_key(sha256)
    with db.engine.connect() as conn:
        data = conn.scalar(
            select(_STASH.c.data).where(
                _STASH.c.sha256 == key, _STASH.c.created_at >= _expired_before()
            )
        )
    if data is None:
        raise ServiceError(
            400, "stale-preview", "The preview has expired or was saved already; upload again."
        )
    data = bytes(data)  # PostgreSQL's driver returns a memoryview
    if sha256_of(data) != key:
        raise ServiceError(400, "stale-preview", "The stashed upload is damaged; upload again.")
    return data


def stash_drop(sha256: str) -> None:
    """Forget stashed bytes (after a save, successful or not), committed at once."""
    if not _SHA256.fullmatch(sha256 or ""):
        return
    with db.engine.begin() as conn:
        conn.execute(delete(_STASH).where(_STASH.c.sha256 == sha256))
