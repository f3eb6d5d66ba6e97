"""Resolution series: the shipped cycle as seeded, the API and its refusals, paragraph lineage
across the series, starting the next draft, sponsors against the Palermo Protocol.

The seeded series is real (tests/data/texts/un). Every vote, sponsor or event a test records
beyond it goes into a series of made-up texts ("Hypothetical …"), never into the real one.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from multilateral.extensions import db
from multilateral.models import (
    AuditEntry,
    Document,
    Series,
    SeriesText,
    Sponsorship,
    TextEvent,
    Treaty,
    Version,
)
from multilateral.services import series as series_service
from multilateral.services.seed import SEED_DIR, seed_all
from multilateral.services.treaties import ratification_status
from multilateral.text.sponsors import read_masthead
from tests.conftest import TEXTS

TITLE = "Violence against women migrant workers"

#: A made-up draft of a made-up series, laid out like the real texts (one masthead item per
#: line): its sponsor line is the brief's own example.
HYPOTHETICAL_DRAFT = """United Nations
A/C.3/80/L.99
General Assembly
Distr.: Limited
20 October 2025
Original: English
Eightieth session
Agenda item 99
Hypothetical matters
Argentina, Brazil, Chile and Mexico: draft resolution
Hypothetical cooperation against trafficking
The General Assembly,
Recalling its previous resolutions on hypothetical cooperation,
Concerned about trafficking in persons,
1. Calls upon States to cooperate;
2. Requests the Secretary-General to report to it at its eighty-second session.
"""
HYPOTHETICAL_ADOPTED = """United Nations
A/RES/80/999
General Assembly
Distr.: General
22 December 2025
Eightieth session
Agenda item 99
Hypothetical matters
Resolution adopted by the General Assembly on 15 December 2025
80/999. Hypothetical cooperation against trafficking
The General Assembly,
Recalling its previous resolutions on hypothetical cooperation,
Deeply concerned about trafficking in persons,
1. Calls upon States to cooperate closely;
2. Requests the Secretary-General to report to it at its eighty-second session.
3. Decides to remain seized of the matter.
62nd plenary meeting
15 December 2025
"""


def _series_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Series.id).filter_by(title=TITLE))


def _get(client: FlaskClient, auth: Any, path: str, role: str = "viewer") -> Any:
    response = client.get(path, headers=auth(role))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json


def _post(client: FlaskClient, auth: Any, path: str, body: dict[str, Any], *, method="post"):
    return client.open(path, method=method.upper(), json=body, headers=auth("negotiator"))


def _document(client: FlaskClient, auth: Any, title: str, *texts: str) -> int:
    created = _post(
        client, auth, "/api/documents", {"title": title, "forum": "un-ga", "kind": "resolution"}
    )
    assert created.status_code == 201
    document_id = created.json["id"]
    for number, text in enumerate(texts, 1):
        added = _post(
            client,
            auth,
            f"/api/documents/{document_id}/versions",
            {"text": text, "label": f"v{number}"},
        )
        assert added.status_code == 201, added.get_data(as_text=True)
    return document_id


@pytest.fixture
def hypothetical(client: FlaskClient, auth: Any) -> dict[str, int]:
    """A made-up series with a made-up draft (v1) and resolution (v2) of one document."""
    document_id = _document(
        client,
        auth,
        "Hypothetical cooperation against trafficking",
        HYPOTHETICAL_DRAFT,
        HYPOTHETICAL_ADOPTED,
    )
    created = _post(
        client,
        auth,
        "/api/series",
        {
            "title": "Hypothetical cooperation against trafficking",
            "forum": "un-ga",
            "periodicity": "annual",
            "lead_sponsors": ["Mexico", "ARG"],
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    series_id = created.json["id"]
    ids = {"series": series_id, "document": document_id}
    for number, name in ((1, "draft"), (2, "adopted")):
        added = _post(
            client,
            auth,
            f"/api/series/{series_id}/texts",
            {"document_id": document_id, "version": number},
        )
        assert added.status_code == 201, added.get_data(as_text=True)
        ids[name] = added.json["id"]
    return ids


# --- the shipped cycle, as seeded ------------------------------------------------------------


def test_the_shipped_cycle_is_one_biennial_series_of_three_texts(client, auth, app) -> None:
    series = _get(client, auth, f"/api/series/{_series_id(app)}")
    assert (series["forum"], series["periodicity"]) == ("un-ga", "biennial")
    assert [s["iso3"] for s in series["lead_sponsors"]] == ["IDN", "PHL"]
    texts = [
        (t["symbol"], t["stage"], t["session"], t["date"], t["version"]) for t in series["texts"]
    ]
    assert texts == [
        ("A/RES/78/180", "adopted", 78, "2023-12-19", 1),
        ("A/C.3/80/L.18", "draft", 80, "2025-10-21", 2),
        ("A/RES/80/185", "adopted", 80, "2025-12-15", 3),
    ]
    # One stored document holds the three texts (services/seed._seed_documents).
    assert len({t["document_id"] for t in series["texts"]}) == 1


def test_the_seeded_events_say_only_what_the_texts_print(client, auth, app) -> None:
    texts = _get(client, auth, f"/api/series/{_series_id(app)}/texts")["texts"]
    events = [
        (
            e["kind"],
            e["symbol"],
            e["date"],
            e["meeting"],
            e["method"],
            e["yes"],
            e["no"],
            e["abstain"],
        )
        for t in texts
        for e in t["events"]
    ]
    assert events == [
        ("adopted", "A/RES/78/180", "2023-12-19", "50th plenary meeting", None, None, None, None),
        # The draft's issue date is the text's date; the day of its introduction is not
        # printed, so the event has none.
        ("introduced", "A/C.3/80/L.18", None, "", None, None, None, None),
        ("adopted", "A/RES/80/185", "2025-12-15", "62nd plenary meeting", None, None, None, None),
    ]
    assert all(e["source"].startswith("the text: ") for t in texts for e in t["events"])
    # Main sponsors from the sponsor line, and nobody else: co-sponsors are not in the texts.
    sponsors = [[(s["iso3"], s["role"], s["joined"]) for s in t["sponsors"]] for t in texts]
    assert sponsors == [
        [],
        [("IDN", "main-sponsor", "initial"), ("PHL", "main-sponsor", "initial")],
        [],
    ]
    assert all(t["own_action"] is None for t in texts)


def test_the_seed_file_agrees_with_what_the_texts_print() -> None:
    """Every symbol, date and meeting of series.csv read again from the text it names."""
    with open(SEED_DIR / "series.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3
    for row in rows:
        # The shipped copies are the tested copies.
        seed_text = (SEED_DIR / "texts" / row["file"]).read_text(encoding="utf-8")
        assert seed_text == (TEXTS / row["file"]).read_text(encoding="utf-8")
        masthead = read_masthead(seed_text.splitlines())
        assert masthead.symbol == row["symbol"] == row["event_symbol"]
        printed = masthead.adopted_on if row["stage"] == "adopted" else masthead.issued_on
        assert printed is not None and printed.isoformat() == row["date"]
        if row["event"] == "adopted":
            assert row["event_date"] == row["date"]
            assert masthead.meeting == row["meeting"]
        else:
            assert row["event_date"] == "" and row["meeting"] == ""
            assert masthead.sponsor_line is not None
            assert (
                f'"{" and ".join(masthead.sponsor_line.sponsors)}: draft resolution"'
                in row["source"]
            )
    # The seed file has no column for a vote: the texts state none.
    assert not {"method", "yes", "no", "abstain"} & set(rows[0])


def test_seeding_again_changes_nothing(app: Flask) -> None:
    models = (Series, SeriesText, TextEvent, Sponsorship)
    with app.app_context():
        before = {
            m.__name__: db.session.scalar(db.select(func.count()).select_from(m)) for m in models
        }
        report = seed_all()
        after = {
            m.__name__: db.session.scalar(db.select(func.count()).select_from(m)) for m in models
        }
    assert before == after == {"Series": 1, "SeriesText": 3, "TextEvent": 3, "Sponsorship": 2}
    assert (report.series, report.series_texts) == (0, 0)


# --- adding texts -----------------------------------------------------------------------------


def test_adding_a_draft_reads_symbol_stage_session_date_and_sponsors(
    client, auth, hypothetical
) -> None:
    texts = _get(client, auth, f"/api/series/{hypothetical['series']}/texts")["texts"]
    draft, adopted = texts
    assert (draft["symbol"], draft["stage"], draft["session"], draft["date"]) == (
        "A/C.3/80/L.99",
        "draft",
        80,
        "2025-10-20",
    )
    assert [s["iso3"] for s in draft["sponsors"]] == ["ARG", "BRA", "CHL", "MEX"]
    assert {s["role"] for s in draft["sponsors"]} == {"main-sponsor"}
    # A resolution's date is its adoption date, not the issue date printed above it.
    assert (adopted["symbol"], adopted["stage"], adopted["date"]) == (
        "A/RES/80/999",
        "adopted",
        "2025-12-15",
    )
    assert adopted["sponsors"] == []


def test_a_sponsor_no_state_matches_is_a_warning_not_a_guess(client, auth, hypothetical) -> None:
    text = HYPOTHETICAL_DRAFT.replace("A/C.3/80/L.99", "A/C.3/80/L.98").replace(
        "Argentina, Brazil", "Argentina, Atlantis"
    )
    document_id = _document(client, auth, "Hypothetical draft with an unknown sponsor", text)
    added = _post(
        client,
        auth,
        f"/api/series/{hypothetical['series']}/texts",
        {"document_id": document_id, "version": 1},
    )
    assert added.status_code == 201
    assert [s["iso3"] for s in added.json["sponsors"]] == ["ARG", "CHL", "MEX"]
    assert added.json["warnings"] == [
        "The sponsor line names 'Atlantis', which is no state on record: not recorded."
    ]


def test_texts_are_in_cycle_order_session_then_stage(client, auth, hypothetical) -> None:
    revised = HYPOTHETICAL_DRAFT.replace("A/C.3/80/L.99", "A/C.3/80/L.99/Rev.1").replace(
        ": draft resolution", ": revised draft resolution"
    )
    document_id = _document(client, auth, "Hypothetical revised draft", revised)
    added = _post(
        client,
        auth,
        f"/api/series/{hypothetical['series']}/texts",
        {"document_id": document_id, "version": 1},
    )
    assert added.status_code == 201
    assert (added.json["stage"], added.json["revision"]) == ("revised-draft", 1)
    # Added last, it sorts between the draft and the resolution.
    texts = _get(client, auth, f"/api/series/{hypothetical['series']}/texts")["texts"]
    assert [t["symbol"] for t in texts] == ["A/C.3/80/L.99", "A/C.3/80/L.99/Rev.1", "A/RES/80/999"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"stage": "draft"}, "bad-stage"),  # an A/RES symbol is no draft's
        ({"stage": "revised-draft"}, "bad-stage"),
        ({"session": 79}, "bad-field"),  # A/RES/80/… belongs to session 80
        ({"revision": 2}, "bad-field"),  # only a revised draft has a revision number
        ({"date": "2999-01-01"}, "bad-date"),
        ({"date": "15 December"}, "bad-date"),
        ({"symbol": "A/RES/80/185/" + "9" * 100}, "bad-field"),
    ],
)
def test_adding_a_text_refuses_what_contradicts_it(client, auth, hypothetical, body, code) -> None:
    copy = HYPOTHETICAL_ADOPTED.replace("80/999", "80/998")
    document_id = _document(client, auth, "Hypothetical copy", copy)
    response = _post(
        client,
        auth,
        f"/api/series/{hypothetical['series']}/texts",
        {"document_id": document_id, "version": 1, **body},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["code"] == code


def test_adding_a_text_needs_a_stored_version_once(client, auth, hypothetical) -> None:
    path = f"/api/series/{hypothetical['series']}/texts"
    for body, status, code in (
        ({}, 400, "missing-field"),
        ({"document_id": 999999, "version": 1}, 404, "not-found"),
        ({"document_id": hypothetical["document"], "version": 9}, 404, "not-found"),
        ({"document_id": hypothetical["document"], "version": 1}, 409, "duplicate-text"),
    ):
        response = _post(client, auth, path, body)
        assert response.status_code == status, body
        assert response.json["error"]["code"] == code
    # A second text with a symbol the series has: a copy of the draft.
    copy = _document(client, auth, "Hypothetical copy of the draft", HYPOTHETICAL_DRAFT)
    response = _post(client, auth, path, {"document_id": copy, "version": 1})
    assert response.status_code == 409 and response.json["error"]["code"] == "duplicate-symbol"


# --- series ---------------------------------------------------------------------------------


def test_a_series_is_unique_in_its_forum_and_refuses_unknown_states(client, auth, app) -> None:
    again = _post(client, auth, "/api/series", {"title": TITLE, "forum": "un-ga"})
    assert again.status_code == 409 and again.json["error"]["code"] == "duplicate-series"
    unknown = _post(
        client,
        auth,
        "/api/series",
        {"title": "Hypothetical", "forum": "un-ga", "lead_sponsors": ["Philipines"]},
    )
    assert unknown.status_code == 400 and unknown.json["error"]["code"] == "unknown-state"
    assert "Philippines (PHL)" in unknown.json["error"]["message"]  # the suggestion
    for body, code in (
        ({"title": "H", "forum": "nowhere"}, "unknown-forum"),
        ({"title": "H", "forum": "un-ga", "periodicity": "monthly"}, "bad-periodicity"),
        ({"title": " ", "forum": "un-ga"}, "missing-field"),
        ({"title": "H", "forum": "un-ga", "lead_sponsors": "Mexico"}, "bad-field"),
    ):
        response = _post(client, auth, "/api/series", body)
        assert response.status_code == 400 and response.json["error"]["code"] == code, body
    assert client.get("/api/series/999999", headers=auth("viewer")).status_code == 404


def test_editing_a_series(client, auth, hypothetical) -> None:
    path = f"/api/series/{hypothetical['series']}"
    changed = _post(
        client,
        auth,
        path,
        {"periodicity": "biennial", "lead_sponsors": ["Chile"], "notes": "n"},
        method="patch",
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.json["periodicity"] == "biennial"
    assert [s["iso3"] for s in changed.json["lead_sponsors"]] == ["CHL"]
    refused = _post(client, auth, path, {"title": TITLE}, method="patch")
    assert refused.status_code == 409
    assert _post(client, auth, path, {"symbol": "x"}, method="patch").status_code == 400


# --- events, votes, sponsors, our action ------------------------------------------------------


def _event(client, auth, ids, text: str, body: dict[str, Any]):
    return _post(client, auth, f"/api/series/{ids['series']}/texts/{ids[text]}/events", body)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "adopted", "method": "recorded-vote"}, "missing-count"),
        ({"kind": "adopted", "method": "recorded-vote", "yes": 120, "no": 3}, "missing-count"),
        (
            {"kind": "adopted", "method": "recorded-vote", "yes": 120, "no": -1, "abstain": 0},
            "bad-count",
        ),
        (
            {"kind": "adopted", "method": "without-a-vote", "yes": 120, "no": 0, "abstain": 0},
            "bad-count",
        ),
        ({"kind": "adopted", "yes": 120}, "bad-count"),
        (
            {"kind": "adopted", "method": "recorded-vote", "yes": "many", "no": 0, "abstain": 0},
            "bad-parameter",
        ),
        ({"kind": "introduced", "method": "without-a-vote"}, "bad-field"),
        ({"kind": "adopted", "symbol": "A/C.3/80/L.99"}, "bad-field"),
        ({"kind": "adopted", "main_sponsors": ["Chile"]}, "bad-field"),
        ({"kind": "tabled"}, "bad-kind"),
        ({"kind": "adopted", "date": "2999-12-31"}, "bad-date"),
        ({"kind": "introduced", "main_sponsors": ["Narnia"]}, "unknown-state"),
    ],
)
def test_an_event_is_refused(client, auth, hypothetical, body, code) -> None:
    response = _event(client, auth, hypothetical, "adopted", body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["code"] == code


def test_a_recorded_vote_with_votes_by_state(client, auth, hypothetical, app) -> None:
    adoption = {
        "kind": "adopted",
        "date": "2025-12-15",
        "meeting": "62nd plenary meeting",
        "symbol": "A/RES/80/999",
        "method": "recorded-vote",
        "yes": 2,
        "no": 1,
        "abstain": 0,
        "source": "hypothetical",
    }
    event = _event(client, auth, hypothetical, "adopted", adoption)
    assert event.status_code == 201, event.get_data(as_text=True)
    assert (event.json["yes"], event.json["no"], event.json["abstain"]) == (2, 1, 0)
    again = _event(client, auth, hypothetical, "adopted", adoption)
    assert again.status_code == 409 and again.json["error"]["code"] == "duplicate-event"
    text_path = f"/api/series/{hypothetical['series']}/texts/{hypothetical['adopted']}"
    votes_path = f"{text_path}/events/{event.json['id']}/votes"
    recorded = _post(
        client,
        auth,
        votes_path,
        {"votes": [{"state": "Chile", "vote": "yes"}, {"state": "Türkiye", "vote": "no"}]},
        method="put",
    )
    assert recorded.status_code == 200, recorded.get_data(as_text=True)
    assert [(v["iso3"], v["vote"]) for v in recorded.json["votes"]] == [
        ("CHL", "yes"),
        ("TUR", "no"),
    ]
    # A list replaces the one before; more "no" votes than the count is refused.
    too_many = [{"state": "Chile", "vote": "no"}, {"state": "Türkiye", "vote": "no"}]
    refused = _post(client, auth, votes_path, {"votes": too_many}, method="put")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "votes-exceed-count"
    replaced = _post(
        client, auth, votes_path, {"votes": [{"state": "MEX", "vote": "yes"}]}, method="put"
    )
    assert [(v["iso3"], v["vote"]) for v in replaced.json["votes"]] == [("MEX", "yes")]
    bad = _post(
        client, auth, votes_path, {"votes": [{"state": "MEX", "vote": "maybe"}]}, method="put"
    )
    assert bad.status_code == 400 and bad.json["error"]["code"] == "bad-vote"
    # Our action must agree with the way the text was adopted.
    own_path = f"/api/series/{hypothetical['series']}/texts/{hypothetical['adopted']}/own-action"
    consensus = _post(client, auth, own_path, {"action": "joined-consensus"}, method="put")
    assert (
        consensus.status_code == 409
        and consensus.json["error"]["code"] == "conflicts-with-adoption"
    )
    voted = _post(
        client,
        auth,
        own_path,
        {"action": "voted-yes", "explanation": "Hypothetical explanation of vote."},
        method="put",
    )
    assert voted.status_code == 200
    assert voted.json["own_action"]["action"] == "voted-yes"
    assert voted.json["own_action"]["author"] == "negotiator"
    with app.app_context():
        audited = db.session.scalars(
            db.select(AuditEntry.entity).filter(AuditEntry.actor == "negotiator").distinct()
        ).all()
    assert {"text_events", "state_votes", "own_actions"} <= set(audited)


def test_votes_need_a_recorded_vote(client, auth, hypothetical) -> None:
    event = _event(
        client, auth, hypothetical, "adopted", {"kind": "adopted", "method": "without-a-vote"}
    )
    assert event.status_code == 201
    text_path = f"/api/series/{hypothetical['series']}/texts/{hypothetical['adopted']}"
    path = f"{text_path}/events/{event.json['id']}/votes"
    refused = _post(
        client, auth, path, {"votes": [{"state": "Chile", "vote": "yes"}]}, method="put"
    )
    assert refused.status_code == 409 and refused.json["error"]["code"] == "not-a-recorded-vote"
    own_path = f"/api/series/{hypothetical['series']}/texts/{hypothetical['adopted']}/own-action"
    assert _post(client, auth, own_path, {"action": "abstained"}, method="put").status_code == 409
    assert (
        _post(client, auth, own_path, {"action": "joined-consensus"}, method="put").status_code
        == 200
    )


def test_sponsors_join_later_and_a_role_can_change(client, auth, hypothetical) -> None:
    path = f"/api/series/{hypothetical['series']}/texts/{hypothetical['draft']}/sponsors"
    body = {
        "sponsors": [
            {
                "state": "Philippines",
                "role": "co-sponsor",
                "joined": "later",
                "source": "hypothetical report",
            },
            {"state": "Chile", "role": "co-sponsor"},
        ]
    }
    recorded = _post(client, auth, path, body)
    assert recorded.status_code == 200, recorded.get_data(as_text=True)
    sponsors = {s["iso3"]: (s["role"], s["joined"]) for s in recorded.json["sponsors"]}
    assert sponsors["PHL"] == ("co-sponsor", "later")
    assert sponsors["CHL"] == ("co-sponsor", "initial")  # was a main sponsor from the sponsor line
    assert sponsors["ARG"] == ("main-sponsor", "initial")
    for bad, code in (
        ({"sponsors": []}, "missing-field"),
        ({"sponsors": [{"state": "Chile", "role": "pen-holder"}]}, "bad-role"),
        ({"sponsors": [{"state": "Chile"}, {"state": "CHL"}]}, "duplicate-state"),
        ({"sponsors": "Chile"}, "missing-field"),
    ):
        response = _post(client, auth, path, bad)
        assert response.status_code == 400 and response.json["error"]["code"] == code, bad


def test_a_text_of_another_series_is_not_found(client, auth, hypothetical, app) -> None:
    real = _get(client, auth, f"/api/series/{_series_id(app)}/texts")["texts"][0]["id"]
    response = _event(
        client, auth, {**hypothetical, "adopted": real}, "adopted", {"kind": "withdrawn"}
    )
    assert response.status_code == 404


# --- lineage ----------------------------------------------------------------------------------


def _texts(app: Flask) -> list[SeriesText]:
    series = db.session.get(Series, _series_id(app))
    return series.cycle


def test_lineage_from_the_draft_to_its_resolution(app: Flask) -> None:
    """tests/data/texts/un/README.md: 47 preambular paragraphs in both; operative 16 and 26
    are new; nothing was dropped; PP10, PP22, PP27, PP42, PP44 and operative 4, 8, 10, 17, 23
    and 49 (c) were reworded."""
    with app.app_context():
        _, draft, adopted = _texts(app)
        found = series_service.lineage(draft, adopted)
        assert found.old_count == 47 + 50 + 5
        assert (found.survived_count, found.added_count, found.dropped_count) == (102, 2, 0)
        assert [(r.kind, r.new_number) for r in found.added] == [
            ("operative", "16"),
            ("operative", "26"),
        ]
        reworded = {r.new_number for r in found.survived if r.reworded}
        assert {
            "PP10",
            "PP22",
            "PP27",
            "PP42",
            "PP44",
            "4",
            "8",
            "10",
            "17",
            "23",
            "(c)",
        } <= reworded
        assert found.unchanged_count + found.reworded_count == found.survived_count
        # Either order gives the same lineage: the earlier text is the old one.
        assert series_service.lineage(adopted, draft).old.id == draft.id


def test_lineage_across_two_sessions_adds_up(app: Flask) -> None:
    with app.app_context():
        old, _, new = _texts(app)
        found = series_service.lineage(old, new)
        assert found.old_count == 49 + 52 + 4  # A/RES/78/180, as the README counts it
        assert found.dropped_count >= 2  # 49 preambular paragraphs became 47
        into_new = sum(r.news for r in found.survived) + found.added_count
        assert into_new == 47 + 52 + 5  # A/RES/80/185


def test_lineage_reads_pairs_given_as_dicts_too(app: Flask, monkeypatch) -> None:
    """``compare_versions`` answered dicts before and dataclasses now: lineage takes both."""
    from multilateral.services import compare

    real = compare.compare_versions

    class AsDicts:
        def __init__(self, comparison: Any) -> None:
            self.pairs = [p.to_dict() if hasattr(p, "to_dict") else p for p in comparison.pairs]
            summary = comparison.summary
            self.summary = summary.to_dict() if hasattr(summary, "to_dict") else summary

    with app.app_context():
        _, draft, adopted = _texts(app)
        expected = series_service.lineage(draft, adopted)
        monkeypatch.setattr(series_service, "compare_versions", lambda o, n: AsDicts(real(o, n)))
        found = series_service.lineage(draft, adopted)
    assert (found.survived, found.added, found.dropped) == (
        expected.survived,
        expected.added,
        expected.dropped,
    )


def test_lineage_api(client, auth, app) -> None:
    series_id = _series_id(app)
    texts = _get(client, auth, f"/api/series/{series_id}/texts")["texts"]
    default = _get(client, auth, f"/api/series/{series_id}/lineage")
    assert (default["from"], default["to"]) == (texts[1]["id"], texts[2]["id"])
    assert default["counts"] == {
        "old": 102,
        "survived": 102,
        "unchanged": default["counts"]["unchanged"],
        "reworded": 102 - default["counts"]["unchanged"],
        "new": 2,
        "dropped": 0,
    }
    document = texts[1]["document_id"]
    assert default["compare"] == f"/compare?from={document}:2&to={document}:3"
    assert default["compare_docx"] == f"/api/compare.docx?from={document}:2&to={document}:3"
    chosen = _get(
        client, auth, f"/api/series/{series_id}/lineage?from={texts[0]['id']}&to={texts[2]['id']}"
    )
    assert chosen["counts"]["old"] == 105
    for query, status in (("from=1", 400), ("from=x&to=1", 400), ("from=1&to=999999", 404)):
        assert (
            client.get(
                f"/api/series/{series_id}/lineage?{query}", headers=auth("viewer")
            ).status_code
            == status
        )


# --- the next draft ---------------------------------------------------------------------------


def _paragraphs(version: Version) -> list[tuple[str, str, str]]:
    return [(p.kind, p.number, p.text) for p in version.paragraphs]


def test_start_the_next_draft_from_the_last_adopted_text(client, auth, app) -> None:
    series_id = _series_id(app)
    path = f"/api/series/{series_id}/next-draft"
    too_early = _post(client, auth, path, {"session": 80})
    assert too_early.status_code == 400
    started = _post(client, auth, path, {})
    assert started.status_code == 201, started.get_data(as_text=True)
    body = started.json
    assert body["text"]["stage"] == "zero-draft"
    assert (
        body["text"]["symbol"] is None
        and body["text"]["session"] is None
        and body["text"]["date"] is None
    )
    with app.app_context():
        draft = db.session.get(Document, body["document_id"])
        base = db.session.get(SeriesText, body["base"])
        assert base.symbol == "A/RES/80/185"
        assert (draft.status, draft.kind, draft.forum.slug) == ("draft", "resolution", "un-ga")
        assert draft.title != TITLE  # so nothing that finds the seeded document by title finds this
        assert len(draft.versions) == 1
        assert _paragraphs(draft.versions[0]) == _paragraphs(base.version)
        cycle = db.session.get(Series, series_id).cycle
        assert [t.stage for t in cycle] == ["adopted", "draft", "adopted", "zero-draft"]
    assert (
        body["compare_docx"]
        == f"/api/compare.docx?from={base_ref(body)}&to={body['document_id']}:1"
    )
    # Once started, the button is not a second draft.
    again = _post(client, auth, path, {"session": 82})
    assert again.status_code == 409 and again.json["error"]["code"] == "draft-exists"
    series = _get(client, auth, f"/api/series/{series_id}")
    assert series["next_draft"]["document_id"] == body["document_id"]


def base_ref(body: dict[str, Any]) -> str:
    return body["compare"].split("from=")[1].split("&")[0]


def _docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml").decode("utf-8")


def test_the_next_draft_redline_has_tracked_changes_once_edited(client, auth, app) -> None:
    started = _post(client, auth, f"/api/series/{_series_id(app)}/next-draft", {"session": 82}).json
    assert started["text"]["session"] == 82
    unchanged = client.get(started["compare_docx"], headers=auth("viewer"))
    assert unchanged.status_code == 200
    assert unchanged.mimetype.endswith("wordprocessingml.document")
    assert "<w:ins " not in _docx_xml(unchanged.data) and "<w:del " not in _docx_xml(unchanged.data)
    # The negotiators edit the zero draft: the next version of its document (the text of
    # A/RES/80/185 with one operative paragraph added).
    base = (TEXTS / "un" / "A_RES_80_185.txt").read_text(encoding="utf-8")
    edited = base.replace(
        "62nd plenary meeting\n",
        "53. Decides to continue its consideration of the question at its eighty-second "
        "session.\n62nd plenary meeting\n",
    )
    assert edited != base
    added = _post(
        client,
        auth,
        f"/api/documents/{started['document_id']}/versions",
        {"text": edited, "label": "Rev.1"},
    )
    assert added.status_code == 201, added.get_data(as_text=True)
    series = _get(client, auth, f"/api/series/{_series_id(app)}")
    redline = client.get(series["next_draft"]["compare_docx"], headers=auth("viewer"))
    assert series["next_draft"]["compare_docx"].endswith(f"to={started['document_id']}:2")
    xml = _docx_xml(redline.data)
    assert "<w:ins " in xml and "eighty-second session" in xml


def test_seeding_again_after_the_next_draft_leaves_it_alone(client, auth, app) -> None:
    started = _post(client, auth, f"/api/series/{_series_id(app)}/next-draft", {}).json
    with app.app_context():
        versions = db.session.scalar(db.select(func.count()).select_from(Version))
        report = seed_all()
        db.session.commit()
        assert (report.documents, report.versions, report.series_texts) == (0, 0, 0)
        assert db.session.scalar(db.select(func.count()).select_from(Version)) == versions
        assert len(db.session.get(Document, started["document_id"]).versions) == 1


def test_no_next_draft_without_an_adopted_text(client, auth) -> None:
    created = _post(
        client, auth, "/api/series", {"title": "Hypothetical, nothing adopted", "forum": "un-ga"}
    )
    response = _post(client, auth, f"/api/series/{created.json['id']}/next-draft", {})
    assert response.status_code == 409 and response.json["error"]["code"] == "no-adopted-text"


# --- sponsors and the Palermo Protocol ----------------------------------------------------------


def test_sponsors_against_the_palermo_protocol(client, auth, app, hypothetical) -> None:
    with app.app_context():
        treaty = db.session.scalar(db.select(Treaty).filter_by(slug="palermo-protocol"))
        status = {p.state.iso3: p.status for p in ratification_status(treaty).participants}
    real = _get(client, auth, f"/api/series/{_series_id(app)}")["ratification"]
    assert [(s["iso3"], s["lead_sponsor"], s["status"]) for s in real["states"]] == [
        ("IDN", True, status["IDN"]),
        ("PHL", True, status["PHL"]),
    ]
    assert real["parties"] == sum(status[i] == "party" for i in ("IDN", "PHL"))
    made_up = _get(client, auth, f"/api/series/{hypothetical['series']}")["ratification"]
    iso3s = {s["iso3"] for s in made_up["states"]}
    assert iso3s == {"ARG", "BRA", "CHL", "MEX"}  # lead sponsors ARG, MEX are main sponsors too
    assert made_up["parties"] == sum(status[i] == "party" for i in iso3s)
    assert made_up["counts"] == {
        s: n for s in set(status[i] for i in iso3s) if (n := sum(status[i] == s for i in iso3s))
    }
