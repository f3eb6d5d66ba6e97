"""The series pages: the cycle at a glance, lineage and its links, sponsors against the
Palermo Protocol, "Start the next draft", and the forms negotiators record with (CSRF and
roles as everywhere). Texts beyond the shipped cycle are made up ("Hypothetical …")."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import AuditEntry, Series, SeriesText, TextEvent, Treaty
from multilateral.services.treaties import ratification_status
from tests.conftest import csrf_token, login
from tests.test_series import HYPOTHETICAL_DRAFT, TITLE, _document

#: What an internal path looks like (tests/test_first_hour.py): none may reach a page.
INTERNAL_PATH = re.compile(
    r"instance/|/work/|/home/|/tmp/|nl_bwb_|un/A_|[\w./-]+\.(?:txt|toml|db)\b|multilateral/"
)


def _series_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Series.id).filter_by(title=TITLE))


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _form(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def test_the_series_list_and_the_nav_link(app: Flask, client: FlaskClient) -> None:
    login(client, "viewer")
    html = _page(client, "/series")
    assert f'href="/series/{_series_id(app)}">{TITLE}</a>' in html
    assert '<a href="/series">Series</a>' in html  # the nav
    assert "Indonesia, Philippines" in _words(html)
    assert "New series" not in html  # viewers read


def test_the_cycle_at_a_glance(app: Flask, client: FlaskClient) -> None:
    login(client, "viewer")
    series_id = _series_id(app)
    html = _page(client, f"/series/{series_id}")
    words = _words(html)
    cycle = html.split('id="cycle"', 1)[1].split("</table>", 1)[0]
    order = [cycle.index(s) for s in ("A/RES/78/180", "A/C.3/80/L.18", "A/RES/80/185")]
    assert order == sorted(order)
    for expected in (
        "adopted (A/RES/78/180): 19 December 2023, 50th plenary meeting; how it was adopted is "
        "not known",
        "introduced (A/C.3/80/L.18): date not known",
        "21 October 2025",
        "adopted (A/RES/80/185): 15 December 2025, 62nd plenary meeting",
    ):
        assert expected in words, expected
    assert 'href="/countries/IDN">Indonesia</a> <span class="meta">main sponsor' in cycle
    # Viewers read: no form, no button.
    assert "Start the next draft" not in html and "Record an event" not in html
    assert not INTERNAL_PATH.findall(words)


def test_the_page_keeps_the_strict_content_security_policy(app: Flask, client: FlaskClient) -> None:
    login(client, "negotiator")
    response = client.get(f"/series/{_series_id(app)}")
    html = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\bon[a-z]+=\"", html)  # no inline event handlers


def test_lineage_on_the_page_with_its_links(app: Flask, client: FlaskClient) -> None:
    login(client, "viewer")
    series_id = _series_id(app)
    with app.app_context():
        texts = db.session.get(Series, series_id).cycle
        ids = [t.id for t in texts]
        document = texts[0].version.document_id
    html = _page(client, f"/series/{series_id}")
    summary = _words(html.split('id="lineage-summary"', 1)[1].split("</p>", 1)[0])
    assert "of the 102 paragraphs of A/C.3/80/L.18" in summary
    assert (
        "102 survived" in summary
        and "0 were dropped" in summary
        and "2 paragraphs are new" in summary
    )
    assert "New: operative 16, operative 26" in _words(html)
    assert f'href="/compare?from={document}:2&amp;to={document}:3"' in html
    assert f'href="/api/compare.docx?from={document}:2&amp;to={document}:3"' in html
    chosen = _page(client, f"/series/{series_id}?from={ids[0]}&to={ids[2]}")
    assert "of the 105 paragraphs of A/RES/78/180" in _words(chosen)
    assert client.get(f"/series/{series_id}?from={ids[0]}").status_code == 400


def test_sponsors_and_the_palermo_protocol(app: Flask, client: FlaskClient) -> None:
    login(client, "viewer")
    with app.app_context():
        treaty = db.session.scalar(db.select(Treaty).filter_by(slug="palermo-protocol"))
        status = {p.state.iso3: p for p in ratification_status(treaty).participants}
    parties = sum(status[i].status == "party" for i in ("IDN", "PHL"))
    html = _page(client, f"/series/{_series_id(app)}")
    assert f"{parties} of 2 lead sponsors, sponsors and co-sponsors" in _words(html)
    table = html.split('id="sponsor-status"', 1)[1].split("</table>", 1)[0]
    for iso3, name in (("IDN", "Indonesia"), ("PHL", "Philippines")):
        assert f'<a href="/countries/{iso3}">{name}</a>' in table
        assert status[iso3].label in _words(table)
    assert "main sponsor of A/C.3/80/L.18" in _words(table)
    assert 'href="/treaties/palermo-protocol"' in html


def test_start_the_next_draft_from_the_page(app: Flask, client: FlaskClient) -> None:
    login(client, "negotiator")
    series_id = _series_id(app)
    path = f"/series/{series_id}"
    html = _page(client, path)
    assert "Start the next draft" in html
    assert 'placeholder="82"' in html  # the biennial rhythm, only suggested
    refused = client.post(f"{path}/next-draft", data={})
    assert refused.status_code == 400  # no CSRF token
    token = csrf_token(client, path)
    started = client.post(f"{path}/next-draft", data={"csrf_token": token, "session": ""})
    assert started.status_code == 302 and started.location.endswith(f"{path}#next-draft")
    after = _page(client, path)
    assert "Started the next draft from A/RES/80/185" in after
    docx = re.search(r'href="(/api/compare\.docx\?[^"]+)" id="next-draft-docx"', after)
    assert docx is not None
    redline = client.get(docx.group(1).replace("&amp;", "&"))
    assert redline.status_code == 200 and redline.mimetype.endswith("wordprocessingml.document")
    assert "Start the next draft" not in after
    with app.app_context():
        stages = [t.stage for t in db.session.get(Series, series_id).cycle]
    assert stages == ["adopted", "draft", "adopted", "zero-draft"]
    # A second click is refused with a message, not a second draft.
    again = client.post(f"{path}/next-draft", data={"csrf_token": token})
    assert again.status_code == 302
    assert "The next draft is started already" in _page(client, path)


def test_a_negotiator_records_a_series_through_the_forms(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    document_id = _document(client, auth, "Hypothetical cooperation", HYPOTHETICAL_DRAFT)
    login(client, "negotiator")
    created = _form(
        client,
        "/series/new",
        {
            "title": "Hypothetical cooperation",
            "forum": "un-ga",
            "periodicity": "annual",
            "lead_sponsors": "Mexico\nArgentina",
            "notes": "Made up for a test.",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    path = created.location
    series_id = int(path.rsplit("/", 1)[1])
    bad = _form(
        client, f"{path}/texts/new", {"version_ref": f"{document_id}:1", "stage": "adopted"}
    )
    assert bad.status_code == 400 and "is the symbol of a text at stage" in bad.get_data(
        as_text=True
    )
    added = _form(client, f"{path}/texts/new", {"version_ref": f"{document_id}:1"})
    assert added.status_code == 302
    with app.app_context():
        text_id = db.session.scalar(db.select(SeriesText.id).filter_by(series_id=series_id))
    text_path = f"{path}/texts/{text_id}"
    missing = _form(
        client,
        f"{text_path}/events/new",
        {"kind": "adopted", "method": "recorded-vote", "yes": "3"},
    )
    assert missing.status_code == 400
    assert "A recorded vote needs its counts: no, abstain missing." in missing.get_data(
        as_text=True
    )
    event = _form(
        client,
        f"{text_path}/events/new",
        {"kind": "adopted", "date": "2025-11-20", "meeting": "Hypothetical meeting",
         "method": "without-a-vote", "source": "made up"},
    )  # fmt: skip
    assert event.status_code == 302
    sponsors = _form(
        client,
        f"{text_path}/sponsors/new",
        {"sponsors": "Philippines\nTürkiye", "role": "co-sponsor", "joined": "later"},
    )
    assert sponsors.status_code == 302
    voted = _form(client, f"{text_path}/own-action", {"action": "voted-no"})
    assert voted.status_code == 409
    assert "adopted without a vote" in voted.get_data(as_text=True)
    own = _form(
        client, f"{text_path}/own-action", {"action": "joined-consensus", "explanation": "Made up."}
    )
    assert own.status_code == 302
    words = _words(_page(client, path))
    assert "A/C.3/80/L.99" in words and "without a vote" in words
    assert "Türkiye co-sponsor, joined later" in words
    assert "Argentina main sponsor" in words  # from the sponsor line
    assert "joined consensus Made up." in words
    edited = _form(
        client,
        f"{path}/edit",
        {"title": "Hypothetical cooperation", "forum": "un-ga", "periodicity": "irregular",
         "lead_sponsors": "Chile", "notes": ""},
    )  # fmt: skip
    assert edited.status_code == 302
    assert "Lead sponsors: Chile" in _words(_page(client, path))

    # A sponsor recorded in error is removed, on the page or through the API.
    texts = f"/api/series/{series_id}/texts"

    def sponsors() -> set[str]:
        return {
            s["iso3"]
            for s in client.get(texts, headers=auth("viewer")).json["texts"][0]["sponsors"]
        }

    before = sponsors()
    assert {"TUR", "PHL", "ARG"} <= before
    removed = _form(client, f"{text_path}/sponsors/TUR/delete", {})
    assert removed.status_code == 302
    words = _words(_page(client, path))
    assert "Removed Türkiye from the sponsors of A/C.3/80/L.99." in words
    assert "Türkiye co-sponsor" not in words and "Philippines co-sponsor" in words
    api = f"/api/series/{series_id}/texts/{text_id}/sponsors"
    assert client.delete(f"{api}/PHL", headers=auth("negotiator")).status_code == 204
    assert client.delete(f"{api}/PHL", headers=auth("negotiator")).status_code == 404
    assert client.delete(f"{api}/XYZ", headers=auth("negotiator")).status_code == 404
    assert sponsors() == before - {"TUR", "PHL"}


def test_viewers_cannot_post_the_forms(app: Flask, client: FlaskClient) -> None:
    login(client, "viewer")
    path = f"/series/{_series_id(app)}"
    token = csrf_token(client, path)
    for target in ("/series/new", f"{path}/edit", f"{path}/texts/new", f"{path}/next-draft"):
        response = client.post(target, data={"csrf_token": token})
        assert response.status_code == 403, target


def test_a_negotiator_records_how_states_voted(app: Flask, client: FlaskClient, auth: Any) -> None:
    document_id = _document(client, auth, "Hypothetical vote", HYPOTHETICAL_DRAFT)
    login(client, "negotiator")
    created = _form(
        client,
        "/series/new",
        {"title": "Hypothetical vote", "forum": "un-ga", "periodicity": "annual"},
    )
    path = created.location
    series_id = int(path.rsplit("/", 1)[1])
    assert (
        _form(client, f"{path}/texts/new", {"version_ref": f"{document_id}:1"}).status_code == 302
    )
    with app.app_context():
        text_id = db.session.scalar(db.select(SeriesText.id).filter_by(series_id=series_id))
    text_path = f"{path}/texts/{text_id}"
    adopted = _form(
        client,
        f"{text_path}/events/new",
        {"kind": "adopted", "date": "2025-12-15", "meeting": "Hypothetical meeting",
         "method": "recorded-vote", "yes": "2", "no": "1", "abstain": "0"},
    )  # fmt: skip
    assert adopted.status_code == 302, adopted.get_data(as_text=True)[:500]
    with app.app_context():
        event_id = db.session.scalar(db.select(TextEvent.id).filter_by(text_id=text_id))
    votes_path = f"{text_path}/events/{event_id}/votes"
    assert f'href="{votes_path}">Record how states voted</a>' in _page(client, path)
    form = _page(client, votes_path)
    assert "In favour (the vote counted 2)" in _words(form)

    saved = _form(client, votes_path, {"yes": "Chile\nMEX", "no": "Türkiye", "abstain": ""})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    words = _words(_page(client, path))
    assert "In favour: Chile, Mexico" in words and "Against: Türkiye" in words
    assert "Chile\nMexico" in _page(client, votes_path)  # the form shows what is on record

    # Refused with a readable message, and nothing changes: more "no" than counted, a state
    # named twice, a name that is no state.
    for data, message in (
        (
            {"yes": "Chile", "no": "Türkiye\nMexico"},
            "2 states are recorded as against, but the vote counted 1.",
        ),
        ({"yes": "Chile", "no": "CHL"}, "Chile is named twice"),
        ({"yes": "Atlantis"}, "Atlantis"),
    ):
        refused = _form(client, votes_path, data)
        assert refused.status_code in (400, 409), data
        assert message in refused.get_data(as_text=True), data
    assert "In favour: Chile, Mexico" in _words(_page(client, path))
    with app.app_context():
        assert db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).filter_by(entity="state_votes")
        ) == 3  # fmt: skip

    # Only a recorded vote has votes by state; viewers read.
    without = _form(
        client, f"{text_path}/events/new", {"kind": "introduced", "symbol": "A/C.3/80/L.99"}
    )
    assert without.status_code == 302
    with app.app_context():
        other = db.session.scalar(
            db.select(TextEvent.id).filter_by(text_id=text_id, kind="introduced")
        )
    assert client.get(f"{text_path}/events/{other}/votes").status_code == 409
    login(client, "viewer")
    assert client.get(votes_path).status_code == 403
    assert _form(client, f"{text_path}/events/{event_id}/delete", {}).status_code == 403

    # An event recorded in error is removed with its votes; the audit log keeps them.
    login(client, "negotiator")
    html = _page(client, path)
    assert f'action="{text_path}/events/{event_id}/delete"' in html
    removed = _form(client, f"{text_path}/events/{event_id}/delete", {})
    assert removed.status_code == 302
    words = _words(_page(client, path))
    assert "Removed the event: A/C.3/80/L.99 adopted." in words
    assert "In favour: Chile" not in words and "recorded vote" not in words
    api = f"/api/series/{series_id}/texts/{text_id}/events/{other}"
    assert client.delete(api, headers=auth("viewer")).status_code == 403
    assert client.delete(api, headers=auth("negotiator")).status_code == 204
    assert client.delete(api, headers=auth("negotiator")).status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(db.select(db.func.count(TextEvent.id)).filter_by(text_id=text_id))
            == 0
        )
        deleted = db.session.scalars(
            db.select(AuditEntry.entity).filter_by(action="delete")
        ).all()  # fmt: skip
        assert sorted(deleted) == ["state_votes"] * 3 + ["text_events"] * 2
