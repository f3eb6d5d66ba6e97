"""Every route against every role: a table, so that a new route without a rule fails.

The rule is the least role that may use the route (None: anyone, even logged out). For each
route and method, a role below the rule gets 401 (no login: the JSON error under /api, a
redirect to the login page elsewhere) or 403, and a role at or above it gets past the check
(any other answer: the request bodies here are empty, so 400 or 415 is expected for writes).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import Document, Paragraph, Series, SeriesText, TextEvent, Version

ROLES = ("viewer", "negotiator", "admin")

RULES: dict[str, str | None] = {
    "static": None,
    "auth.login": None,
    "api.health": None,
    "auth.logout": "viewer",
    "auth.change_password": "viewer",
    "auth.admin_tokens": "admin",
    "auth.revoke_token": "admin",
    "admin.audit": "admin",
    "admin.audit_csv": "admin",
    "api.openapi": "viewer",
    "api.forums": "viewer",
    "api.forum": "viewer",
    "api.documents": "viewer",
    "api.document": "viewer",
    "api.create_document": "negotiator",
    "api.update_document": "negotiator",
    "pages.home": "viewer",
    "pages.documents": "viewer",
    "pages.document": "viewer",
    "clauses.classify_page": "viewer",
    "clauses.classify_api": "viewer",
    "compare.compare_api": "viewer",
    "compare.compare_docx_api": "viewer",
    "compare.compare_page": "viewer",
    "compare.compare_pairs": "viewer",
    "compare.cross_compare_api": "viewer",
    "compare.cross_compare_docx_api": "viewer",
    "compare.cross_compare_page": "viewer",
    "compare.cross_compare_pairs": "viewer",
    "search.api_precedents": "viewer",
    "search.api_search": "viewer",
    "search.search_page": "viewer",
    "search.version_precedents": "viewer",
    "versions.show_version": "viewer",
    "versions.version_akn": "viewer",
    "versions.create_version": "negotiator",
    "versions.new_document": "negotiator",
    "versions.upload": "negotiator",
    "versions.upload_preview": "negotiator",
    "versions.upload_save": "negotiator",
    "treaties.treaty_list": "viewer",
    "treaties.treaty_page": "viewer",
    "treaties.country_page": "viewer",
    "treaties.api_treaties": "viewer",
    "treaties.api_treaty": "viewer",
    "treaties.api_status": "viewer",
    "treaties.api_map_svg": "viewer",
    "treaties.api_map_png": "viewer",
    "treaties.api_country": "viewer",
    "treaties.api_create_treaty": "admin",
    "treaties.api_record_action": "admin",
    "treaties.new_treaty_page": "admin",
    "treaties.record_action_page": "admin",
    "positions.api_positions": "negotiator",
    "positions.api_save_positions": "negotiator",
    "positions.api_paper_docx": "negotiator",
    "positions.api_paper_csv": "negotiator",
    "positions.api_alerts": "negotiator",
    "positions.editor_page": "negotiator",
    "positions.history_page": "negotiator",
    "mandates.registry_page": "viewer",
    "mandates.deliver_form": "negotiator",
    "mandates.api_registry": "viewer",
    "mandates.api_registry_csv": "viewer",
    "mandates.api_registry_ics": "viewer",
    "mandates.api_deliver": "negotiator",
    "mandates.api_duplicates": "viewer",
    "mandates.duplicates_page": "viewer",
    "series.series_list": "viewer",
    "series.series_page": "viewer",
    "series.new_series_page": "negotiator",
    "series.edit_series_page": "negotiator",
    "series.add_text_page": "negotiator",
    "series.record_event_page": "negotiator",
    "series.record_sponsors_page": "negotiator",
    "series.own_action_page": "negotiator",
    "series.record_votes_page": "negotiator",
    "series.remove_event_page": "negotiator",
    "series.remove_sponsor_page": "negotiator",
    "series.next_draft_page": "negotiator",
    "series.api_list": "viewer",
    "series.api_get": "viewer",
    "series.api_texts": "viewer",
    "series.api_lineage": "viewer",
    "series.api_create": "negotiator",
    "series.api_update": "negotiator",
    "series.api_add_text": "negotiator",
    "series.api_record_event": "negotiator",
    "series.api_record_sponsors": "negotiator",
    "series.api_record_votes": "negotiator",
    "series.api_remove_event": "negotiator",
    "series.api_remove_sponsor": "negotiator",
    "series.api_own_action": "negotiator",
    "series.api_next_draft": "negotiator",
}


#: Values for the URL parts, filled from the seeded database.
def _values(app: Flask) -> dict[str, Any]:
    with app.app_context():
        document = db.session.scalar(db.select(Document).filter_by(symbol="A/RES/55/25, annex II"))
        version = db.session.scalar(db.select(Version).filter_by(document_id=document.id))
        lineage = db.session.scalar(
            db.select(Paragraph.lineage).filter_by(version_id=version.id).limit(1)
        )
        series = db.session.scalar(
            db.select(Series).filter_by(title="Violence against women migrant workers")
        )
        event = db.session.scalar(
            db.select(TextEvent).join(SeriesText).filter(SeriesText.series_id == series.id)
        )
        return {
            "series_id": series.id,
            "text_id": event.text_id,
            "event_id": event.id,
            "document_id": document.id,
            "number": version.number,
            "slug": "palermo-protocol",
            "iso3": "USA",
            "lineage": lineage,
            "filename": "css/site.css",
            # Not a real token: revoking it must not revoke the fixture's own.
            "token_id": 999999,
            "mandate_id": 999999,
        }


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    values = _values(app)
    routes = []
    for rule in app.url_map.iter_rules():
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def test_every_route_has_a_rule(app: Flask) -> None:
    missing = {endpoint for endpoint, _, _ in _routes(app)} - set(RULES)
    assert not missing, f"routes without a role rule in {__file__}: {sorted(missing)}"


def _send(client: FlaskClient, method: str, url: str, headers: dict[str, str]) -> Any:
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        # The API takes JSON, pages take forms (a page refuses JSON with 415).
        kwargs["json" if url.startswith("/api/") else "data"] = {}
    response = client.open(url, method=method, **kwargs)
    response.get_data()
    response.close()  # static files are streamed from an open file
    return response


def test_each_role_against_each_route(app: Flask, client: FlaskClient, auth) -> None:
    checked = 0
    for endpoint, method, url in _routes(app):
        rule = RULES[endpoint]
        if endpoint == "auth.logout" or (endpoint, method) == ("auth.login", "POST"):
            continue  # logging in or out with a token proves nothing about roles
        anonymous = _send(client, method, url, {})
        if rule is None:
            assert anonymous.status_code not in (401, 403), (endpoint, method)
        elif url.startswith("/api/"):
            assert anonymous.status_code == 401, (endpoint, method, anonymous.status_code)
            assert anonymous.get_json()["error"]["code"] == "unauthorized"
        else:
            assert anonymous.status_code == 302 and "/login" in anonymous.location, (
                endpoint,
                method,
            )
        for role in ROLES:
            response = _send(client, method, url, auth(role))
            allowed = rule is None or ROLES.index(role) >= ROLES.index(rule)
            if allowed:
                assert response.status_code not in (401, 403), (endpoint, method, role)
                assert response.status_code < 500, (endpoint, method, role)
            else:
                assert response.status_code == 403, (endpoint, method, role, response.status_code)
                body = response.get_data(as_text=True)
                assert "Traceback" not in body
            checked += 1
    assert checked > 150
