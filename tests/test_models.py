import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from multilateral.extensions import db
from multilateral.models import (
    Document,
    Forum,
    Paragraph,
    Position,
    State,
    Treaty,
    TreatyAction,
    User,
    Version,
)


def _refused(app: Flask, make) -> None:
    with app.app_context():
        db.session.add(make())
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def _palermo() -> Document:
    return db.session.scalar(db.select(Document).filter_by(symbol="A/RES/55/25, annex II"))


def test_state_codes_are_unique(app: Flask) -> None:
    _refused(app, lambda: State(iso3="USA", iso2="XX", name="Again", kind="un-member"))
    _refused(app, lambda: State(iso3="XXX", iso2="US", name="Again", kind="un-member"))
    _refused(app, lambda: State(iso3="XXY", iso2="XY", name="Bad kind", kind="planet"))


def test_forum_slug_is_unique(app: Flask) -> None:
    _refused(app, lambda: Forum(slug="osce", name="Again"))


def test_document_vocabularies_and_symbol(app: Flask) -> None:
    with app.app_context():
        forum_id = db.session.scalar(db.select(Forum.id).filter_by(slug="un-ga"))
    _refused(app, lambda: Document(title="T", forum_id=forum_id, kind="poem", status="draft"))
    _refused(
        app, lambda: Document(title="T", forum_id=forum_id, kind="resolution", status="dreamt")
    )
    _refused(
        app,
        lambda: Document(
            title="T", forum_id=forum_id, kind="protocol", symbol="A/RES/55/25, annex II"
        ),
    )
    _refused(app, lambda: Document(title="T", forum_id=999_999, kind="resolution"))


def test_versions_are_numbered_once_and_files_stored_once(app: Flask) -> None:
    with app.app_context():
        first = _palermo().versions[0]
        doc_id, sha = first.document_id, first.sha256
    _refused(app, lambda: Version(document_id=doc_id, number=1, sha256="0" * 64))
    _refused(app, lambda: Version(document_id=doc_id, number=99, sha256=sha))


def test_paragraph_positions_are_unique(app: Flask) -> None:
    with app.app_context():
        version_id = _palermo().versions[0].id
    _refused(
        app,
        lambda: Paragraph(version_id=version_id, position=0, kind="text", text="x", lineage="l"),
    )


def test_position_vocabularies(app: Flask) -> None:
    with app.app_context():
        version_id = _palermo().versions[0].id
    _refused(app, lambda: Position(version_id=version_id, lineage="x", stance="maybe"))
    _refused(app, lambda: Position(version_id=version_id, lineage="x", priority="urgent"))


def test_treaty_actions_vocabularies(app: Flask) -> None:
    with app.app_context():
        treaty_id = db.session.scalar(db.select(Treaty.id).filter_by(slug="palermo-protocol"))
        state_id = db.session.scalar(db.select(State.id).filter_by(iso3="FRA"))
    _refused(app, lambda: TreatyAction(treaty_id=treaty_id, state_id=state_id, kind="hope"))
    _refused(
        app,
        lambda: TreatyAction(
            treaty_id=treaty_id, state_id=state_id, kind="signature", date_precision="week"
        ),
    )


def test_users(app: Flask) -> None:
    _refused(app, lambda: User(username="viewer", password_hash="x", role="viewer"))
    _refused(app, lambda: User(username="zed", password_hash="x", role="emperor"))
