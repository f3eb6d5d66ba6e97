"""The audit log: what is recorded, that it cannot be changed, the admin page and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, update

from multilateral.extensions import db
from multilateral.models import AuditEntry, Document, User
from multilateral.models.audit import REDACTED, AuditLogIsAppendOnly, acting_user
from multilateral.models.base import utcnow
from multilateral.text.cells import spreadsheet_safe
from tests.conftest import TEXTS, login

DRAFT = (TEXTS / "un" / "A_C.3_80_L.18.txt").read_text(encoding="utf-8")
TITLE = "Violence against women migrant workers (audit test)"


def _document(client: FlaskClient, auth: Any) -> int:
    created = client.post(
        "/api/documents",
        json={"title": TITLE, "forum": "un-third-committee", "kind": "resolution"},
        headers=auth("negotiator"),
    )
    assert created.status_code == 201, created.get_json()
    doc = created.get_json()["id"]
    added = client.post(
        f"/api/documents/{doc}/versions",
        json={"text": DRAFT, "label": "draft", "date": "2025-10-21"},
        headers=auth("negotiator"),
    )
    assert added.status_code == 201, added.get_json()
    return doc


def _entries(app: Flask, entity: str, entity_id: int | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = db.select(AuditEntry).filter_by(entity=entity).order_by(AuditEntry.id)
        if entity_id is not None:
            query = query.filter_by(entity_id=entity_id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return list(rows)


def _save_position(client: FlaskClient, auth: Any, doc: int, **fields: Any) -> dict[str, Any]:
    response = client.put(
        f"/api/documents/{doc}/versions/1/positions",
        json={"positions": [fields]},
        headers=auth("negotiator"),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["positions"][0]


# --- what is recorded ------------------------------------------------------------------------


def test_a_document_creation_is_audited(app: Flask, client: FlaskClient, auth: Any) -> None:
    doc = _document(client, auth)
    created, touched = _entries(app, "documents", doc)
    assert created.action == "create" and created.actor == "negotiator"
    assert created.before is None and created.after["title"] == TITLE
    # A new version marks the document as changed: only that field is recorded.
    assert touched.action == "update" and set(touched.after) == {"updated_at"}
    assert touched.before["updated_at"] == created.after["updated_at"]
    (version,) = _entries(app, "versions")[-1:]
    assert version.action == "create" and version.after["document_id"] == doc


def test_a_position_save_is_audited_with_before_and_after(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    doc = _document(client, auth)
    rows = client.get(
        f"/api/documents/{doc}/versions/1/positions", headers=auth("negotiator")
    ).get_json()["positions"]
    op8 = next(r for r in rows if r["number"] == "8")
    first = {
        "paragraph_id": op8["paragraph_id"],
        "stance": "amend",
        "priority": "red-line",
        "proposed_text": "adopt and strengthen",
        "rationale": "Keep the obligation.",
        "revision": 0,
    }
    _save_position(client, auth, doc, **first)
    oppose = {"stance": "oppose", "proposed_text": "", "revision": 1}
    _save_position(client, auth, doc, **(first | oppose))
    created, updated = _entries(app, "positions")[-2:]
    assert created.action == "create" and created.before is None
    assert (
        created.after["stance"] == "amend" and created.after["rationale"] == "Keep the obligation."
    )
    assert updated.action == "update" and updated.entity_id == created.entity_id
    assert updated.before["stance"] == "amend" and updated.after["stance"] == "oppose"
    assert updated.before["proposed_text"] == "adopt and strengthen"
    assert updated.after["proposed_text"] == ""
    assert "rationale" not in updated.after  # unchanged fields are not repeated
    assert updated.actor == "negotiator"


def test_a_treaty_act_is_audited(app: Flask, client: FlaskClient, auth: Any) -> None:
    source = "Depositary notification (audit test)"
    response = client.post(
        "/api/treaties/palermo-protocol/actions",
        json={"iso3": "WSM", "kind": "accession", "date": "2026-01-15", "source": source},
        headers=auth("admin"),
    )
    assert response.status_code == 201, response.get_json()
    entry = _entries(app, "treaty_actions")[-1]
    assert entry.action == "create" and entry.actor == "admin" and entry.before is None
    assert entry.after["kind"] == "accession" and entry.after["source"] == source
    assert entry.after["date"] == "2026-01-15"


def test_a_change_made_without_reading_first_keeps_the_old_value(app: Flask) -> None:
    """After a commit every attribute is expired; setting one does not load it, so its old
    value is read from the row for the log."""
    with app.app_context():
        document = db.session.scalar(db.select(Document).order_by(Document.id))
        old_title, old_status = document.title, document.status
        db.session.commit()  # expires every attribute
        document.title = "Renamed without reading"
        document.status = "withdrawn"
        db.session.commit()
        entry = _entries(app, "documents", document.id)[-1]
    assert entry.action == "update"
    assert entry.before == {"title": old_title, "status": old_status}
    assert entry.after == {"title": "Renamed without reading", "status": "withdrawn"}


def test_texts_positions_treaties_users_and_tokens_are_audited(app: Flask) -> None:
    audited = {
        mapper.class_.__tablename__
        for mapper in db.Model.registry.mappers
        if getattr(mapper.class_, "__audited__", False)
    }
    required = {"documents", "versions", "positions", "treaties", "treaty_actions", "users"}
    assert required | {"api_tokens"} <= audited


def test_no_secret_reaches_the_log(app: Flask) -> None:
    """Columns holding a hash of a secret are excluded or redacted in every audited model,
    and no entry holds a password or token hash."""
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if getattr(model, "__audited__", False):
            secret = {c.key for c in mapper.column_attrs if c.key.endswith("_hash")}
            hidden = {
                *getattr(model, "__audit_exclude__", ()),
                *getattr(model, "__audit_redact__", ()),
            }
            assert secret <= hidden, model
    with app.app_context():
        from multilateral.services.accounts import create_token, create_user

        acting_user.set((None, "test"))
        user = create_user("auditee", "a long enough password", "viewer")
        create_token(user)
        db.session.commit()
        password_hash = user.password_hash
        token_hashes = {t.token_hash for t in user.tokens}
        for entry in db.session.scalars(db.select(AuditEntry)):
            for values in (entry.before or {}, entry.after or {}):
                assert values.get("password_hash") in (None, REDACTED)
                assert "token_hash" not in values
            text = repr((entry.before, entry.after))
            assert password_hash not in text
            assert not any(h in text for h in token_hashes)


def test_a_new_password_is_an_event_but_its_hash_is_not_recorded(app: Flask) -> None:
    """``__audit_redact__``: the log says the password changed, never what it became."""
    assert "password_hash" in User.__audit_redact__
    with app.app_context():
        from multilateral.services.accounts import create_user, set_password

        acting_user.set((None, "test"))
        user = create_user("redacted", "a long enough password", "viewer")
        db.session.commit()
        set_password(user, "another long password")
        db.session.commit()
        created, changed = _entries(app, "users", user.id)[:2]
    assert created.after["password_hash"] == REDACTED
    assert changed.before["password_hash"] == changed.after["password_hash"] == REDACTED


# --- append-only -----------------------------------------------------------------------------


def test_the_log_cannot_be_changed_or_deleted(app: Flask) -> None:
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id))
        first_id, actor = entry.id, entry.actor
        entry.actor = "someone else"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, first_id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        statements = [
            update(AuditEntry).where(AuditEntry.id == first_id).values(actor="x"),
            update(AuditEntry.__table__).values(actor="x"),
            delete(AuditEntry).where(AuditEntry.id == first_id),
            delete(AuditEntry.__table__),
        ]
        for statement in statements:
            with pytest.raises(AuditLogIsAppendOnly):
                db.session.execute(statement)
            db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.query(AuditEntry).filter_by(id=first_id).delete()
        db.session.rollback()
        assert db.session.get(AuditEntry, first_id).actor == actor


# --- the admin page and its CSV --------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "negotiator"])
def test_only_admins_see_the_log(client: FlaskClient, auth: Any, role: str) -> None:
    for path in ("/admin/audit", "/admin/audit.csv"):
        assert client.get(path, headers=auth(role)).status_code == 403
    login(client, role)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    assert ">Audit</a>" not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    assert client.get("/admin/audit").status_code == 302
    assert client.get("/admin/audit.csv").status_code == 302


def test_the_page_shows_changes_newest_first_with_filters(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    doc = _document(client, auth)
    login(client, "admin")
    assert ">Audit</a>" in client.get("/").get_data(as_text=True)
    html = client.get("/admin/audit").get_data(as_text=True)
    # Newest first: the version stored after the document comes before it.
    assert html.index("versions #") < html.index(f"documents #{doc}")
    assert TITLE in html
    only_documents = client.get("/admin/audit?entity=documents&user=negotiator")
    html = only_documents.get_data(as_text=True)
    assert f"documents #{doc}" in html and "versions #" not in html
    assert "2 entries" in html  # created, then touched by its first version
    assert "<td>seed</td>" not in client.get("/admin/audit?user=negotiator").get_data(as_text=True)
    assert "<td>seed</td>" in client.get("/admin/audit?user=seed").get_data(as_text=True)
    today = utcnow().date()
    in_range = client.get(f"/admin/audit?entity=documents&from={today}&to={today}")
    assert f"documents #{doc}" in in_range.get_data(as_text=True)
    before = (today - timedelta(days=1)).isoformat()
    out_of_range = client.get(f"/admin/audit?entity=documents&to={before}")
    assert f"documents #{doc}" not in out_of_range.get_data(as_text=True)
    assert client.get("/admin/audit?from=2026-02-30").status_code == 400
    assert client.get(f"/admin/audit?from={today}&to={before}").status_code == 400


def test_the_log_is_paged(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        total = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
        oldest = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id))
        oldest_label = f"{oldest.entity} #{oldest.entity_id}"
    assert total > 100  # the seed alone writes hundreds
    login(client, "admin")
    first = client.get("/admin/audit").get_data(as_text=True)
    pages = -(-total // 50)
    assert f"page 1 of {pages}" in first and "page=2" in first
    last = client.get(f"/admin/audit?page={pages}").get_data(as_text=True)
    assert oldest_label in last and "Older" not in last and "Newer" in last


def _csv_rows(client: FlaskClient, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/admin/audit.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_has_the_filtered_rows(app: Flask, client: FlaskClient, auth: Any) -> None:
    doc = _document(client, auth)
    client.post(
        "/api/treaties/palermo-protocol/actions",
        json={"iso3": "WSM", "kind": "accession", "date": "2026-01-15", "source": "csv test"},
        headers=auth("admin"),
    )
    login(client, "admin")
    rows = _csv_rows(client)
    with app.app_context():
        assert len(rows) == db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
    assert int(rows[0]["id"]) > int(rows[-1]["id"])  # newest first
    documents = _csv_rows(client, "?entity=documents&user=negotiator")
    assert [(r["entity_id"], r["action"]) for r in documents] == [
        (str(doc), "update"),
        (str(doc), "create"),
    ]
    assert TITLE in documents[1]["after"] and documents[1]["before"] == ""
    acts = _csv_rows(client, "?entity=treaty_actions&user=admin")
    assert len(acts) == 1 and '"source": "csv test"' in acts[0]["after"]
    assert acts[0]["before"] == ""


def test_csv_cells_never_start_a_formula(app: Flask, client: FlaskClient) -> None:
    from multilateral.services.documents import create_document

    with app.app_context():
        acting_user.set((None, '=HYPERLINK("http://evil")'))
        create_document(title="@SUM(1+1)", forum="un-ga", kind="resolution")
        db.session.commit()
    login(client, "admin")
    (row,) = _csv_rows(client, "?entity=documents&user=" + "%3DHYPERLINK(%22http://evil%22)")
    assert row["actor"] == '\'=HYPERLINK("http://evil")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row.values())
    assert [spreadsheet_safe(v) for v in ("-1", "+1", "@a", "\tx", "a=b", 3)] == [
        "'-1",
        "'+1",
        "'@a",
        "'\tx",
        "a=b",
        3,
    ]
