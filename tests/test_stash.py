"""The upload stash: previewed bytes kept in the database between the upload page's preview
and its Save, so that any app server can save what another one previewed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from multilateral import create_app
from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import UploadStash
from multilateral.models.base import utcnow
from multilateral.services import imports
from multilateral.services.documents import create_document
from multilateral.text.formats.errors import ImportProblem
from multilateral.text.formats.reader import sha256_of
from tests.conftest import PG_URL

DRAFT = b"The General Assembly,\n1. Decides to act;\n2. Urges States to act;\n"


def stashed(app: Flask) -> list[str]:
    """The SHA-256 of every upload waiting in ``app``'s stash, read on a connection of its
    own (so only what was committed)."""
    with app.app_context(), db.engine.connect() as conn:
        return list(conn.scalars(sa.select(UploadStash.sha256).order_by(UploadStash.sha256)))


def _age(app: Flask, sha256: str, seconds: float) -> None:
    """Make a stashed upload ``seconds`` old."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(
            sa.update(UploadStash)
            .where(UploadStash.sha256 == sha256)
            .values(created_at=utcnow() - timedelta(seconds=seconds))
        )


def test_put_get_drop(app: Flask) -> None:
    with app.app_context():
        key = imports.stash_put(DRAFT)
        assert key == sha256_of(DRAFT)
        assert imports.stash_get(key) == DRAFT
        row = db.session.get(UploadStash, key)
        assert (row.size, bytes(row.data)) == (len(DRAFT), DRAFT)
        db.session.rollback()
    assert stashed(app) == [key]
    with app.app_context():
        assert imports.stash_put(DRAFT) == key, "the same bytes again: one row"
        imports.stash_drop(key)
        imports.stash_drop(key)  # gone already: nothing to do
        with pytest.raises(ServiceError, match="expired or was saved already") as refused:
            imports.stash_get(key)
    assert refused.value.status == 400 and refused.value.code == "stale-preview"
    assert stashed(app) == []


def test_a_preview_made_by_one_app_server_is_read_by_another(app: Flask, tmp_path: Path) -> None:
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INDEX_DIR": str(tmp_path / "other-index"),
        }
    )
    with app.app_context():
        key = imports.stash_put(DRAFT)
    try:
        with other.app_context():
            assert imports.stash_get(key) == DRAFT
            imports.stash_drop(key)
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    assert stashed(app) == []


def test_the_stash_commits_whatever_the_request_does(app: Flask) -> None:
    """The stash is written in a transaction of its own: a rollback of the request's session
    (here after reading, as the preview does) takes nothing of it back."""
    with app.app_context():
        db.session.execute(sa.select(UploadStash.sha256)).all()
        key = imports.stash_put(DRAFT)
        db.session.rollback()
    assert stashed(app) == [key]


@pytest.mark.skipif(not PG_URL, reason="SQLite takes one writer at a time: needs PostgreSQL")
def test_the_stash_commits_beside_an_unfinished_write(app: Flask) -> None:
    with app.app_context():
        create_document(title="Never committed", forum="ilo", kind="other")
        db.session.flush()
        key = imports.stash_put(DRAFT)
        assert stashed(app) == [key], "committed while the session's write is pending"
        db.session.rollback()
    assert stashed(app) == [key]


def test_expired_previews_are_refused_then_swept(app: Flask) -> None:
    older = DRAFT + b"3. Decides to remain seized of the matter.\n"
    with app.app_context():
        old = imports.stash_put(older)
        fresh = imports.stash_put(DRAFT)
    _age(app, old, imports.STASH_MAX_AGE_SECONDS + 60)
    _age(app, fresh, imports.STASH_MAX_AGE_SECONDS - 60)
    with app.app_context():
        with pytest.raises(ServiceError, match="expired"):
            imports.stash_get(old)
        assert imports.stash_get(fresh) == DRAFT, "younger than a day: still there"
    assert stashed(app) == sorted([old, fresh]), "refused, not yet swept"
    with app.app_context():
        third = imports.stash_put(b"1. Decides otherwise;\n")
    assert stashed(app) == sorted([fresh, third]), "the next preview swept the expired one"


def test_previewing_again_restarts_the_day(app: Flask) -> None:
    with app.app_context():
        key = imports.stash_put(DRAFT)
    _age(app, key, imports.STASH_MAX_AGE_SECONDS + 60)
    with app.app_context():
        assert imports.stash_put(DRAFT) == key
        assert imports.stash_get(key) == DRAFT


@pytest.mark.parametrize(
    "key",
    ["../../instance/config.py", "", "A" * 64, "0" * 63, "0" * 64 + "\n", "0' OR '1'='1"],
    ids=["path", "empty", "upper case", "short", "newline", "quote"],
)
def test_keys_that_are_not_a_sha256_are_refused(app: Flask, key: str) -> None:
    with app.app_context():
        kept = imports.stash_put(DRAFT)
        with pytest.raises(ServiceError, match="upload the file again"):
            imports.stash_get(key)
        imports.stash_drop(key)
    assert stashed(app) == [kept]


def test_altered_bytes_are_refused(app: Flask) -> None:
    with app.app_context():
        key = imports.stash_put(DRAFT)
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(UploadStash).where(UploadStash.sha256 == key).values(data=b"1. Other;")
            )
        with pytest.raises(ServiceError, match="damaged"):
            imports.stash_get(key)


def test_nothing_over_the_upload_limit_is_stashed(app: Flask) -> None:
    app.config["MAX_UPLOAD_BYTES"] = len(DRAFT) - 1
    with app.app_context(), pytest.raises(ImportProblem) as refused:
        imports.stash_put(DRAFT)
    assert refused.value.status == 413
    assert stashed(app) == []
