from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import AuditEntry, Document


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == {"error"}
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_health_reports_database_and_index(client: FlaskClient) -> None:
    body = client.get("/api/health").json
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["index"]["paragraphs"] > 0


def test_forums(client: FlaskClient, auth) -> None:
    forums = {
        f["slug"]: f for f in client.get("/api/forums", headers=auth("viewer")).json["forums"]
    }
    assert {"un-ga", "ilo", "eu", "osce", "oas", "rcm"} <= set(forums)
    assert forums["osce"]["member_count"] == 57
    osce = client.get("/api/forums/osce", headers=auth("viewer")).json
    assert {"iso3": "MNG", "name": "Mongolia"}.items() <= next(
        m for m in osce["members"] if m["iso3"] == "MNG"
    ).items()
    _error(client.get("/api/forums/nowhere", headers=auth("viewer")), 404, "unknown-forum")


def test_create_and_get_a_document(app: Flask, client: FlaskClient, auth) -> None:
    body = {
        "title": "Trafficking in women and girls",
        "forum": "un-third-committee",
        "symbol": "A/C.3/80/L.20",
        "kind": "resolution",
        "tags": ["trafficking"],
    }
    created = client.post("/api/documents", json=body, headers=auth("negotiator"))
    assert created.status_code == 201
    doc = created.json
    assert doc["status"] == "draft" and doc["versions"] == []
    fetched = client.get(f"/api/documents/{doc['id']}", headers=auth("viewer")).json
    assert fetched["symbol"] == "A/C.3/80/L.20" and fetched["forum"] == "un-third-committee"
    listed = client.get("/api/documents?forum=un-third-committee", headers=auth("viewer")).json
    assert [d["id"] for d in listed["documents"]] == [doc["id"]]
    with app.app_context():
        entry = db.session.scalars(
            db.select(AuditEntry).filter_by(entity="documents", entity_id=doc["id"])
        ).one()
        assert entry.actor == "negotiator" and entry.action == "create"
        assert entry.after["symbol"] == "A/C.3/80/L.20"


def test_error_shapes(app: Flask, client: FlaskClient, auth) -> None:
    h = auth("negotiator")
    _error(client.get("/api/nothing-here", headers=h), 404, "not-found")
    _error(client.get("/api/documents/999999", headers=h), 404, "not-found")
    _error(client.delete("/api/forums", headers=h), 405, "method-not-allowed")
    _error(
        client.post(
            "/api/documents", data="{not json", headers={**h, "Content-Type": "application/json"}
        ),
        400,
        "malformed-json",
    )
    _error(client.post("/api/documents", data="title=x", headers=h), 415, "unsupported-media-type")
    _error(
        client.post("/api/documents", json={"forum": "un-ga", "kind": "resolution"}, headers=h),
        400,
        "missing-field",
    )
    _error(
        client.post(
            "/api/documents",
            json={"title": "T", "forum": "atlantis", "kind": "resolution"},
            headers=h,
        ),
        400,
        "unknown-forum",
    )
    _error(
        client.post(
            "/api/documents", json={"title": "T", "forum": "un-ga", "kind": "poem"}, headers=h
        ),
        400,
        "bad-kind",
    )
    _error(client.get("/api/documents?page=zero", headers=h), 400, "bad-parameter")
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Document))
    # The Palermo Protocol's symbol is taken by the seed.
    dup = {"title": "Copy", "forum": "un-ga", "kind": "protocol", "symbol": "A/RES/55/25, annex II"}
    _error(client.post("/api/documents", json=dup, headers=h), 409, "duplicate-symbol")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == before
