import csv
from pathlib import Path

from flask import Flask
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
        assert len(_members("coe")) == 46
        assert "USA" in _members("rcm") and "VAT" in _members("osce")
        hrc = db.session.scalar(db.select(Forum).filter_by(slug="hrc"))
        assert not hrc.has_membership_list and hrc.memberships == []


def test_palermo_participants_match_the_csv(app: Flask) -> None:
    """Every day-precision act of the fuller list is stored as the file gives it."""
    with open(SEED_DIR / "palermo_participants.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(
        SEED_DIR / "palermo_participants_additions.csv", newline="", encoding="utf-8"
    ) as handle:
        replaced = {r["iso3"] for r in csv.DictReader(handle)}
    with app.app_context():
        treaty = db.session.scalar(db.select(Treaty).filter_by(slug="palermo-protocol"))
        statuses = {p.state.iso3: p for p in ratification_status(treaty).participants}
        checked = 0
        for row in rows:
            if row["iso3"] in replaced or row["action_date_precision"] not in ("day", "year"):
                continue
            party = statuses[row["iso3"]]
            assert party.status == "party", row["iso3"]
            assert party.basis.date_value == row["action_date"]
            assert party.basis.date_precision == row["action_date_precision"]
            assert party.basis.source == row["source"]
            checked += 1
        assert checked == 157 - len(replaced & {r["iso3"] for r in rows if r["action_date"]})


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
