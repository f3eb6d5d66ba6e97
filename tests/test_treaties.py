"""Ratification status on the real shipped data: dates, precision, forums, tiers, exports, acts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import func

from multilateral.extensions import db
from multilateral.models import AuditEntry, TreatyAction
from multilateral.services.seed import SEED_DIR
from multilateral.services.treaties import (
    get_forum,
    get_treaty,
    ratification_status,
    reported_counts,
    timeline,
)
from tests.conftest import csrf_token, login

SLUG = "palermo-protocol"


def _csv(name: str) -> list[dict[str, str]]:
    with open(SEED_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


PARTICIPANTS = _csv("palermo_participants.csv")
ADDITIONS = _csv("palermo_participants_additions.csv")


def _statuses(as_of: date | None = None, forum: str | None = None) -> dict[str, Any]:
    treaty = get_treaty(SLUG)
    report = ratification_status(treaty, as_of=as_of, forum=get_forum(forum))
    return {p.state.iso3: p for p in report.participants}


# --- status as of a date ---------------------------------------------------------------------


def test_united_states_signed_2000_and_ratified_2005(app: Flask) -> None:
    with app.app_context():
        assert _statuses(date(2000, 12, 12))["USA"].status == "not known"
        assert _statuses(date(2000, 12, 13))["USA"].status == "signatory"
        assert _statuses(date(2005, 11, 2))["USA"].status == "signatory"
        usa = _statuses(date(2005, 11, 3))["USA"]
        assert usa.status == "party"
        assert usa.label == "party since 3 November 2005 (ratification)"
        assert usa.signature.date == date(2000, 12, 13)


def test_the_european_union_is_a_party(app: Flask) -> None:
    with app.app_context():
        eu = _statuses()["EU"]
        assert eu.status == "party"
        assert eu.basis.date == date(2006, 9, 6)
        # The Dutch treaty series' "R" does not say ratification, acceptance or approval.
        assert eu.basis.kind == "consent" and eu.basis.source_code == "R"


def test_signature_only_participants_are_signatories(app: Flask) -> None:
    signed_only = {
        r["iso3"] for r in PARTICIPANTS if r["signature_date"] and not r["action_date_precision"]
    }
    replaced = {r["iso3"] for r in ADDITIONS if r["replaces_existing"] == "yes"}
    assert {"JPN", "COG"} <= signed_only - replaced
    with app.app_context():
        statuses = _statuses()
        for iso3 in signed_only - replaced:
            assert statuses[iso3].status == "signatory", iso3
        # Barbados signed; a later source shows it a party, date unknown (additions file).
        assert statuses["BRB"].status == "party"
        assert statuses["BRB"].basis.date is None


def test_year_only_acts_count_from_the_end_of_their_year(app: Flask) -> None:
    row = next(
        r
        for r in PARTICIPANTS
        if r["action_date_precision"] == "year"
        and not r["signature_date"]
        and r["iso3"] not in {a["iso3"] for a in ADDITIONS}
    )
    year = int(row["action_date"])
    with app.app_context():
        before = _statuses(date(year, 12, 30))[row["iso3"]]
        after = _statuses(date(year, 12, 31))[row["iso3"]]
    assert before.status == "not known"
    assert after.status == "party"
    assert after.basis.date_label == f"{year} (year only)"
    assert after.to_dict()["date"] == str(year)


def test_month_only_acts_count_from_the_end_of_their_month(app: Flask) -> None:
    bangladesh = next(r for r in ADDITIONS if r["iso3"] == "BGD")
    assert bangladesh["action_date"] == "2019-09" and bangladesh["action_date_precision"] == "month"
    with app.app_context():
        assert _statuses(date(2019, 9, 29))["BGD"].status == "not known"
        party = _statuses(date(2019, 9, 30))["BGD"]
    assert party.status == "party"
    assert party.basis.date_label == "September 2019 (month only)"


def test_undated_acts_count_only_from_the_latest_act_on_record(app: Flask) -> None:
    with app.app_context():
        treaty = get_treaty(SLUG)
        latest = treaty.data_as_of
        assert latest == max(
            a.date for a in db.session.scalars(db.select(TreatyAction)) if a.date is not None
        )
        assert _statuses()["SDN"].status == "party"  # accession, date of deposit not known
        assert _statuses(latest)["SDN"].status == "party"
        assert _statuses(latest - timedelta(days=1))["SDN"].status == "not known"


def test_unts_participants_are_never_counted_as_parties(app: Flask) -> None:
    # Chad, Timor-Leste and Uganda have one source: the UNTS registration record's list of
    # "participants", which includes signatories (shared data README).
    with app.app_context():
        statuses = _statuses()
        for iso3 in ("TCD", "TLS", "UGA"):
            assert statuses[iso3].status == "participant", iso3
            assert statuses[iso3].label == "participant — party or signatory, not known which"
        report = ratification_status(get_treaty(SLUG))
        assert report.counts["participant"] == sum(
            1 for p in report.participants if p.status == "participant"
        )


def test_no_action_only_where_a_source_says_so(app: Flask) -> None:
    stated = {
        r["iso3"]: r["status_note"] for r in ADDITIONS if r["action_date_precision"] == "none"
    }
    on_record = {r["iso3"] for r in PARTICIPANTS + ADDITIONS}
    with app.app_context():
        statuses = _statuses()
    assert {iso3 for iso3, p in statuses.items() if p.status == "no action"} == set(stated)
    assert statuses["IRN"].label == stated["IRN"]
    for iso3, status in statuses.items():
        if iso3 not in on_record:
            assert status.status == "not known", iso3


def test_one_set_of_counts_everywhere(app: Flask, client: FlaskClient, runner) -> None:
    with app.app_context():
        counts = ratification_status(get_treaty(SLUG)).counts
    assert sum(counts.values()) == 197  # every state on record, the EU included
    login(client, "viewer")
    api = client.get(f"/api/treaties/{SLUG}/status").get_json()
    assert api["counts"] == counts
    assert client.get("/api/treaties").get_json()["treaties"][0]["counts"] == counts
    home = client.get("/").get_data(as_text=True)
    assert f'<span id="party-count">{counts["party"]}</span>' in home
    page = client.get(f"/treaties/{SLUG}").get_data(as_text=True)
    for status, n in counts.items():
        assert f'<span class="n" data-status="{status}">{n}</span>' in page
    listed = ", ".join(f"{n} {s}" for s, n in counts.items())
    assert listed in runner.invoke(args=["seed"]).output
    # The README quotes the same counts (three different numbers were once shown).
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert listed in " ".join(readme.split())


def test_reservations_and_declarations_are_listed_with_text_and_source(
    client: FlaskClient,
) -> None:
    login(client, "viewer")
    data = client.get(f"/api/treaties/{SLUG}/status").get_json()
    ethiopia = next(p for p in data["participants"] if p["iso3"] == "ETH")
    reservation = next(a for a in ethiopia["actions"] if a["kind"] == "reservation")
    assert "Article 15 (2)" in reservation["text"]
    assert "BGBl" in reservation["source"]


# --- forums and tiers ------------------------------------------------------------------------


@pytest.mark.parametrize(("forum", "size"), [("eu", 27), ("osce", 57), ("coe", 46), ("rcm", 11)])
def test_every_member_of_a_forum_appears_under_it(
    client: FlaskClient, forum: str, size: int
) -> None:
    login(client, "viewer")
    data = client.get(f"/api/forums/{forum}").get_json()
    members = {m["iso3"] for m in data["members"]}
    assert len(members) == size
    status = client.get(f"/api/treaties/{SLUG}/status?forum={forum}").get_json()
    assert {p["iso3"] for p in status["participants"]} == members
    assert sum(status["counts"].values()) == size


def test_members_that_are_not_parties(client: FlaskClient) -> None:
    login(client, "viewer")
    everyone = client.get(f"/api/treaties/{SLUG}/status?forum=osce").get_json()["participants"]
    not_parties = client.get(f"/api/treaties/{SLUG}/status?forum=osce&status=not-party").get_json()
    expected = {p["iso3"] for p in everyone if p["status"] != "party"}
    assert {p["iso3"] for p in not_parties["participants"]} == expected
    page = client.get(f"/treaties/{SLUG}?forum=osce").get_data(as_text=True)
    assert "status=not-party" in page and "Members of Organization for Security" in page


def test_tier_3_and_watch_list_countries_that_are_not_parties(client: FlaskClient) -> None:
    tiers: dict[str, set[str]] = {}
    for r in _csv("tip_tiers.csv"):
        if r["year"] == "2023":
            tiers.setdefault(r["iso3"], set()).add(r["tier"])
    login(client, "viewer")
    url = (
        f"/api/treaties/{SLUG}/status?tier=Tier+3&tier=Tier+2+Watch+List&tier_year=2023"
        "&status=not-party"
    )
    data = client.get(url).get_json()
    assert data["tier_year"] == 2023
    assert data["participants"]
    for p in data["participants"]:
        assert p["status"] != "party"
        assert tiers[p["iso3"]] & {"Tier 3", "Tier 2 Watch List"}, p["iso3"]
        assert "Tier 3" in p["tip_tier"] or "Watch List" in p["tip_tier"]
    # Congo (2023): the sources disagree, and both placements are shown.
    congo = [p for p in data["participants"] if p["iso3"] == "COG"]
    assert [p["tip_tier"] for p in congo] in ([], ["Tier 2 / Tier 2 Watch List (sources disagree)"])


def test_a_year_the_data_lack_shows_tiers_as_not_known(client: FlaskClient) -> None:
    assert not [
        r for r in _csv("tip_tiers.csv") if r["year"] == "2017" and r["tier"] != "Special Case"
    ]
    login(client, "viewer")
    data = client.get(f"/api/treaties/{SLUG}/status?tier_year=2018").get_json()
    assert {p["tip_tier"] for p in data["participants"]} == {"not known"}


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("as_of=2005-02-30", "bad-date"),
        ("as_of=yesterday", "bad-date"),
        (f"as_of={date.today().year + 1}-01-01", "bad-date"),
        ("as_of=1999-01-01", "bad-date"),
        ("forum=atlantis", "unknown-forum"),
        ("forum=hrc", "no-membership-list"),
        ("status=ratified", "bad-status"),
        ("tier=Tier+4", "bad-tier"),
        ("tier_year=1990", "bad-parameter"),
    ],
)
def test_bad_filters_are_clear_errors(client: FlaskClient, query: str, code: str) -> None:
    login(client, "viewer")
    response = client.get(f"/api/treaties/{SLUG}/status?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    page = client.get(f"/treaties/{SLUG}?{query}")
    assert page.status_code == 400 and "<!doctype html>" in page.get_data(as_text=True)


def test_unknown_treaty_and_country_are_404(client: FlaskClient) -> None:
    login(client, "viewer")
    assert client.get("/api/treaties/no-such/status").status_code == 404
    assert client.get("/countries/XXX").status_code == 404
    assert client.get("/api/countries/XXX").get_json()["error"]["code"] == "not-found"


# --- exports ---------------------------------------------------------------------------------


def test_csv_export_has_the_filters_and_every_row(client: FlaskClient) -> None:
    login(client, "viewer")
    response = client.get(f"/api/treaties/{SLUG}/status?format=csv&forum=eu&as_of=2004")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    header, body = text.split("\n", 1)
    assert "as of 31 December 2004" in header and "forum eu" in header
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 27
    france = next(r for r in rows if r["iso3"] == "FRA")
    json_france = next(
        p
        for p in client.get(f"/api/treaties/{SLUG}/status?forum=eu&as_of=2004").get_json()[
            "participants"
        ]
        if p["iso3"] == "FRA"
    )
    assert france["status"] == json_france["status"]
    assert france["date"] == (json_france["date"] or "")


def test_map_svg_has_every_country_with_its_status(client: FlaskClient) -> None:
    login(client, "viewer")
    response = client.get(f"/api/treaties/{SLUG}/map.svg?as_of=2005-11-03")
    assert response.mimetype == "image/svg+xml"
    root = etree.fromstring(response.data)
    ns = {"s": "http://www.w3.org/2000/svg"}
    usa = root.xpath('//*[@data-iso3="USA"]', namespaces=ns)[0]
    assert usa.get("data-category") == "party"
    titles = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title"))
    assert "United States of America — party since 3 November 2005" in titles
    drawn = {e.get("data-iso3") for e in root.xpath("//*[@data-iso3]")}
    states = {r["iso3"] for r in _csv("states.csv")} - {"EU"}
    assert states <= drawn


def test_map_png_for_a_briefing(client: FlaskClient) -> None:
    login(client, "viewer")
    response = client.get(f"/api/treaties/{SLUG}/map.png?forum=oas")
    assert response.status_code == 200
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"


# --- timeline against the shipped aggregate counts -------------------------------------------


def test_timeline_never_exceeds_the_reported_counts_and_stays_close(app: Flask) -> None:
    with app.app_context():
        treaty = get_treaty(SLUG)
        points = {p.on: p for p in timeline(treaty)}
        reported = reported_counts(treaty)
        checked = 0
        for count in reported:
            if count.parties is None:
                continue
            on_record = ratification_status(treaty, as_of=count.on).counts["party"]
            if count.on in points:
                assert points[count.on].parties == on_record
            # The record is partial: it can miss parties, never add some.
            assert on_record <= count.parties, count
            # At the end of each year to 2015 (year-only acts count from 31 December, and
            # their source runs to 2011) at most 10 are missing.
            if count.on.year <= 2015 and (count.on.month, count.on.day) == (12, 31):
                assert count.parties - on_record <= 10, count
            checked += 1
    assert checked >= 15


# --- recording acts --------------------------------------------------------------------------


def _act(client: FlaskClient, auth, role: str, **fields: Any) -> Any:
    return client.post(f"/api/treaties/{SLUG}/actions", json=fields, headers=auth(role))


def test_only_an_admin_records_an_act(client: FlaskClient, auth) -> None:
    body = {"iso3": "JPN", "kind": "acceptance", "date": "2017-07-11", "source": "test"}
    assert _act(client, auth, "negotiator", **body).status_code == 403
    assert client.post(f"/api/treaties/{SLUG}/actions", json=body).status_code == 401


def test_recording_an_act_changes_the_status_and_is_audited(
    app: Flask, client: FlaskClient, auth
) -> None:
    source = "Depositary notification C.N.000.2026.TREATIES-XVIII.12.a (test)"
    response = _act(
        client,
        auth,
        "admin",
        iso3="WSM",
        kind="accession",
        date="2026-01-15",
        source=source,
    )
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        samoa = _statuses()["WSM"]
        assert samoa.status == "party" and samoa.basis.source == source
        entry = db.session.scalar(
            db.select(AuditEntry)
            .filter_by(entity="treaty_actions", action="create")
            .order_by(AuditEntry.id.desc())
        )
        assert entry.after["source"] == source and entry.actor == "admin"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"iso3": "USA", "kind": "ratification", "date": "2010-01-01"}, 409, "already-party"),
        ({"iso3": "USA", "kind": "signature", "date": "2001-01-01"}, 409, "already-signed"),
        ({"iso3": "WSM", "kind": "accession", "date": "2000-06-01"}, 400, "bad-date"),
        ({"iso3": "WSM", "kind": "accession", "date": "2999-01-01"}, 400, "bad-date"),
        ({"iso3": "WSM", "kind": "accession", "date": "2020-02-31"}, 400, "bad-date"),
        ({"iso3": "WSM", "kind": "ratified", "date": "2020-02-01"}, 400, "bad-kind"),
        ({"iso3": "XXX", "kind": "accession", "date": "2020-02-01"}, 404, "not-found"),
        ({"iso3": "WSM", "kind": "accession", "date": "2020-02-01", "source": ""}, 400, None),
    ],
)
def test_bad_acts_are_refused_and_change_nothing(
    app: Flask, client: FlaskClient, auth, fields: dict[str, str], status: int, code: str | None
) -> None:
    with app.app_context():
        before = db.session.scalar(db.select(func.count()).select_from(TreatyAction))
    response = _act(client, auth, "admin", **({"source": "test"} | fields))
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == (code or "missing-source")
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(TreatyAction)) == before


def test_the_admin_form_shows_a_readable_error(client: FlaskClient) -> None:
    login(client, "admin")
    token = csrf_token(client, f"/treaties/{SLUG}/actions/new")
    response = client.post(
        f"/treaties/{SLUG}/actions/new",
        data={
            "csrf_token": token,
            "iso3": "USA",
            "kind": "ratification",
            "date": "2010-01-01",
            "date_precision": "day",
            "source": "test",
        },
    )
    assert response.status_code == 400
    assert "United States of America is already a party" in response.get_data(as_text=True)


def test_an_admin_adds_a_treaty_with_no_code_change(client: FlaskClient, auth) -> None:
    body = {
        "slug": "smuggling-protocol",
        "title": "Protocol against the Smuggling of Migrants by Land, Sea and Air",
        "untc_reference": "XVIII-12-b",
        "adopted_on": "2000-11-15",
        "opened_on": "2000-12-12",
        "entry_into_force_on": "2004-01-28",
    }
    assert client.post("/api/treaties", json=body, headers=auth("negotiator")).status_code == 403
    created = client.post("/api/treaties", json=body, headers=auth("admin"))
    assert created.status_code == 201 and created.get_json()["untc_reference"] == "XVIII-12-b"
    again = client.post("/api/treaties", json=body, headers=auth("admin"))
    assert again.status_code == 409
    act = client.post(
        "/api/treaties/smuggling-protocol/actions",
        json={"iso3": "USA", "kind": "signature", "date": "2000-12-13", "source": "test"},
        headers=auth("admin"),
    )
    assert act.status_code == 201
    status = client.get("/api/treaties/smuggling-protocol/status", headers=auth("viewer"))
    usa = next(p for p in status.get_json()["participants"] if p["iso3"] == "USA")
    assert usa["status"] == "signatory"
    login(client, "viewer")
    assert "Protocol against the Smuggling" in client.get("/countries/USA").get_data(as_text=True)


# --- country page ----------------------------------------------------------------------------


def test_country_page_has_acts_forums_and_tier_history(client: FlaskClient) -> None:
    tiers = [
        r for r in _csv("tip_tiers.csv") + _csv("tip_tiers_additions.csv") if r["iso3"] == "THA"
    ]
    login(client, "viewer")
    data = client.get("/api/countries/THA").get_json()
    assert {(t["year"], t["tier"]) for t in data["tip_tiers"]} == {
        (int(r["year"]), r["tier"]) for r in tiers
    }
    assert "osce" not in {f["slug"] for f in data["forums"]}
    assert "un-ga" in {f["slug"] for f in data["forums"]}
    palermo = next(t for t in data["treaties"] if t["slug"] == SLUG)
    assert palermo["status"] == "party"
    html = client.get("/countries/THA").get_data(as_text=True)
    assert "Tier 2 Watch List" in html
    assert "Not bound by article 15 (2)" in html
