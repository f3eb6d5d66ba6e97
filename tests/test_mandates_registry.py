"""The mandate registry on the shipped UN texts: refresh, filters, delivery, exports, duplicates."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from icalendar import Calendar

from multilateral.extensions import db
from multilateral.models.mandates import Mandate
from multilateral.services.documents import create_document
from multilateral.services.versions import add_version
from multilateral.text.formats.reader import sha256_of
from multilateral.text.segment import segment_text


@pytest.fixture
def registry(app: Flask, runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["refresh-mandates"])
    assert result.exit_code == 0, result.output
    return result.output


def _report_request(client, auth) -> dict:
    body = client.get(
        "/api/mandates?binding=true&addressee_kind=secretary-general", headers=auth("viewer")
    ).json
    (found,) = [m for m in body["mandates"] if m["version_label"].startswith("A/RES/80/185")]
    return found


def test_the_adopted_resolution_yields_its_asks_and_its_report(registry, client, auth) -> None:
    assert "asks in" in registry
    everything = client.get("/api/mandates?document=", headers=auth("viewer")).json
    assert everything["total"] >= 54  # A/RES/80/185 alone holds 54 asks
    report = _report_request(client, auth)
    assert report["paragraph"] == "52"
    assert report["addressee"] == "the Secretary-General"
    assert report["action_kind"] == "report"
    assert (report["session"], report["due"], report["due_precision"]) == (
        82,
        "2027-09-01",
        "month",
    )
    states = client.get("/api/mandates?addressee_kind=states", headers=auth("viewer")).json
    assert states["total"] > 40 and all(m["binding"] is False for m in states["mandates"])


@pytest.mark.parametrize(
    "query",
    [
        "addressee_kind=kings",
        "status=maybe",
        "binding=perhaps",
        "due_from=2027-01-01&due_to=2026-01-01",
    ],
)
def test_bad_filters_are_refused_with_the_reason(registry, client, auth, query: str) -> None:
    reply = client.get(f"/api/mandates?{query}", headers=auth("viewer"))
    assert reply.status_code == 400
    assert reply.json["error"]["message"]


def test_delivery_is_recorded_by_negotiators_and_survives_a_refresh(
    registry, client, auth, runner
) -> None:
    report = _report_request(client, auth)
    url = f"/api/mandates/{report['id']}/delivery"
    body = {"symbol": "A/82/123", "delivered_on": "2026-08-01"}
    assert client.post(url, json=body, headers=auth("viewer")).status_code == 403
    reply = client.post(url, json=body, headers=auth("negotiator"))
    assert reply.status_code == 200
    assert (reply.json["status"], reply.json["delivered_symbol"]) == ("delivered", "A/82/123")
    future = {"symbol": "A/82/123", "delivered_on": "2999-01-01"}
    assert client.post(url, json=future, headers=auth("negotiator")).status_code == 400
    runner.invoke(args=["refresh-mandates"])
    again = client.get("/api/mandates?status=delivered", headers=auth("viewer")).json
    assert [m["id"] for m in again["mandates"]] == [report["id"]]


def test_csv_and_calendar_exports(registry, client, auth) -> None:
    reply = client.get("/api/mandates.csv?binding=true", headers=auth("viewer"))
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert rows and all(row["binding"] == "True" for row in rows)
    assert any(row["due"] == "2027-09-01" for row in rows)
    ics = client.get("/api/mandates.ics?binding=true", headers=auth("viewer"))
    assert ics.mimetype == "text/calendar"
    events = Calendar.from_ical(ics.data).walk("VEVENT")
    starts = {event.decoded("DTSTART") for event in events}
    assert date(2027, 9, 1) in starts
    report = next(e for e in events if e.decoded("DTSTART") == date(2027, 9, 1))
    assert str(report["SUMMARY"]).startswith("the Secretary-General: report (A/RES/80/185")
    assert "(month only)" in str(report["DESCRIPTION"])


def test_the_registry_page_shows_the_calendar_and_filters(registry, client, auth) -> None:
    from tests.conftest import login

    login(client, "viewer")
    page = client.get("/mandates?binding=true").get_data(as_text=True)
    assert "Mandate registry" in page and "2027-09" in page
    assert "provide a comprehensive, analytical and thematic report" in page


def test_a_draft_repeating_an_active_mandate_is_flagged(app: Flask, registry, client, auth) -> None:
    with app.app_context():
        request = db.session.scalar(
            db.select(Mandate)
            .filter_by(binding=True, addressee_kind="secretary-general")
            .order_by(Mandate.id.desc())
        )
        text = "The General Assembly,\n1. " + request.paragraph.text + "\n"
        document = create_document(
            title="Draft repeating a report request", forum="un-ga", kind="resolution"
        )
        add_version(document, segment_text(text), sha256=sha256_of(text.encode()), label="draft")
        unrelated = create_document(
            title="Draft asking for something else", forum="un-ga", kind="resolution"
        )
        other = (
            "The General Assembly,\n1. Requests the Secretary-General to convene a meeting on "
            "oceans and fisheries at its eighty-third session;\n"
        )
        add_version(unrelated, segment_text(other), sha256=sha256_of(other.encode()), label="draft")
        db.session.commit()
        ids = document.id, unrelated.id
    flagged = client.get(
        f"/api/documents/{ids[0]}/versions/1/duplicate-mandates", headers=auth("viewer")
    ).json["duplicates"]
    assert [d["active"]["paragraph"] for d in flagged] == ["52"]
    assert flagged[0]["similarity"] > 0.9
    clean = client.get(
        f"/api/documents/{ids[1]}/versions/1/duplicate-mandates", headers=auth("viewer")
    ).json["duplicates"]
    assert clean == []
