import csv
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from multilateral.extensions import db
from multilateral.models import (
    AuditEntry,
    Document,
    Forum,
    ForumMembership,
    Paragraph,
    State,
    Treaty,
    TreatyAction,
    Version,
)
from multilateral.services.seed import SEED_DIR
from multilateral.services.treaties import ratification_status

MODELS = (State, Forum, ForumMembership, Treaty, TreatyAction, Document, Version, Paragraph)


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(db.select(func.count()).select_from(m)) for m in MODELS}


def _members(slug: str) -> set[str]:
    forum = db.session.scalar(db.select(Forum).filter_by(slug=slug))
    return {m.state.iso3 for m in forum.memberships}


def test_forum_memberships_are_real_sizes(app: Flask) -> None:
    with app.app_context():
        assert len(_members("osce")) == 57
        assert len(_members("eu")) == 27
        assert len(_members("un-ga")) == 193
        assert len(_members("oas")) == 35
        assert len(_members("rcm")) == 11
        assert len(_members("ilo")) == 187
        assert "USA" in _members("rcm") and "VAT" in _members("osce")
        hrc = db.session.scalar(db.select(Forum).filter_by(slug="hrc"))
        assert not hrc.has_membership_list and hrc.memberships == []


def test_palermo_participants_match_the_csv(app: Flask) -> None:
    with open(SEED_DIR / "palermo_parties.csv", newline="", encoding="utf-8") as handle:
        rows = {r["iso3"]: r for r in csv.DictReader(handle)}
    with app.app_context():
        treaty = db.session.scalar(db.select(Treaty).filter_by(slug="palermo-protocol"))
        statuses = {p.state.iso3: p for p in ratification_status(treaty)}
        for iso3, row in rows.items():
            expected = "party" if row["action_date"] else "signatory"
            assert statuses[iso3].status == expected, iso3
            consent = [a for a in statuses[iso3].actions if a.kind != "signature"]
            if row["action_date"]:
                assert consent[0].date_label == row["action_date"]
                assert consent[0].date_precision == row["action_date_precision"]
                assert consent[0].source == row["source"]
        # A participant with no row is not known, never "no action".
        unknown = [p for iso3, p in statuses.items() if iso3 not in rows]
        assert unknown and {p.status for p in unknown} == {"not known"}
        usa = statuses["USA"]
        assert usa.status == "party"


def test_status_as_of_a_date(app: Flask) -> None:
    from datetime import date

    with app.app_context():
        treaty = db.session.scalar(db.select(Treaty).filter_by(slug="palermo-protocol"))
        before = {
            p.state.iso3: p.status for p in ratification_status(treaty, as_of=date(2001, 1, 1))
        }
        # Albania signed on 2000-12-12 and ratified on 2002-08-21 (palermo_parties.csv).
        assert before["ALB"] == "signatory"
        after = {
            p.state.iso3: p.status for p in ratification_status(treaty, as_of=date(2003, 1, 1))
        }
        assert after["ALB"] == "party"


def test_seed_twice_changes_nothing(app: Flask, runner) -> None:
    with app.app_context():
        first = _counts()
        audit = db.session.scalar(db.select(func.count()).select_from(AuditEntry))
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "0 new states" in result.output and "0 new versions" in result.output
    with app.app_context():
        assert _counts() == first
        assert db.session.scalar(db.select(func.count()).select_from(AuditEntry)) == audit


def test_seed_texts_keep_their_source_line(app: Flask) -> None:
    for path in Path(SEED_DIR / "texts").glob("*.txt"):
        assert path.read_text(encoding="utf-8").startswith("# source: "), path.name


def test_home_shows_the_party_count(client: FlaskClient) -> None:
    from tests.conftest import login

    login(client, "viewer")
    html = client.get("/").get_data(as_text=True)
    with open(SEED_DIR / "palermo_parties.csv", newline="", encoding="utf-8") as handle:
        parties = sum(1 for r in csv.DictReader(handle) if r["action_date"])
    assert f'<span id="party-count">{parties}</span>' in html
