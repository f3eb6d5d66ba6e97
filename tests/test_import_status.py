"""``flask import-status``: both formats, preview, confirmation, and every bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import func

from multilateral.extensions import db
from multilateral.models import AuditEntry, Treaty, TreatyAction
from multilateral.services.seed import SEED_DIR
from multilateral.services.treaties import create_treaty, get_treaty, ratification_status

DATA = Path(__file__).parent / "data"
EXCERPT = (DATA / "untc_palermo_excerpt.tsv").read_text(encoding="utf-8")


def _new_treaty(app: Flask, slug: str = "test-protocol") -> None:
    with app.app_context():
        create_treaty(slug=slug, title="A protocol for the test", opened_on=date(2000, 12, 12))
        db.session.commit()


def _acts(app: Flask, slug: str) -> int:
    with app.app_context():
        treaty = get_treaty(slug)
        return db.session.scalar(
            db.select(func.count()).select_from(TreatyAction).filter_by(treaty_id=treaty.id)
        )


def _write(tmp_path: Path, text: str, name: str = "table.tsv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_untc_table_is_previewed_then_applied(app: Flask, runner, tmp_path: Path) -> None:
    _new_treaty(app)
    args = ["import-status", "test-protocol", str(DATA / "untc_palermo_excerpt.tsv")]
    refused = runner.invoke(args=[*args, "--source", "UNTC page, copied for the test"], input="n\n")
    assert refused.exit_code == 0, refused.output
    assert "add: line" in refused.output and "Nothing was changed." in refused.output
    assert _acts(app, "test-protocol") == 0
    applied = runner.invoke(args=[*args, "--source", "UNTC page, copied for the test"], input="y\n")
    assert applied.exit_code == 0, applied.output
    assert "Applied:" in applied.output
    with app.app_context():
        statuses = {
            p.state.iso3: p for p in ratification_status(get_treaty("test-protocol")).participants
        }
        # "United States of America 6 … 3 Nov 2005 7": footnotes gone, no suffix = ratification.
        usa = statuses["USA"]
        assert (usa.status, usa.basis.kind, usa.basis.date) == (
            "party",
            "ratification",
            date(2005, 11, 3),
        )
        assert usa.signature.date == date(2000, 12, 13)
        assert usa.basis.source == "UNTC page, copied for the test"
        # "China 1 … 8 Feb 2010 a" is an accession; "Japan … 9 Dec 2002" only signed.
        assert statuses["CHN"].basis.kind == "accession"
        assert statuses["JPN"].status == "signatory"
        assert statuses["COD"].status == "party"  # "Democratic Republic of the Congo2"
        assert statuses["VNM"].status == "party"  # superscript footnote after the name
        entries = db.session.scalar(
            db.select(func.count())
            .select_from(AuditEntry)
            .filter_by(entity="treaty_actions", actor="import-status")
        )
        assert entries == _acts(app, "test-protocol")
    again = runner.invoke(args=[*args, "--source", "UNTC page, copied for the test"])
    assert "0 to add, 0 to update" in again.output and "Nothing to change." in again.output


def test_the_table_agrees_with_the_seeded_record(runner) -> None:
    # The excerpt's values come from the shipped CSV: importing it into the seeded record
    # must find every act already there.
    result = runner.invoke(
        args=[
            "import-status",
            "palermo-protocol",
            str(DATA / "untc_palermo_excerpt.tsv"),
            "--source",
            "t",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "0 to add, 0 to update" in result.output


def test_the_shared_csv_format(app: Flask, runner, tmp_path: Path) -> None:
    _new_treaty(app)
    lines = (SEED_DIR / "palermo_participants.csv").read_text(encoding="utf-8").splitlines()
    path = _write(tmp_path, "\n".join(lines[:12]) + "\n", "participants.csv")
    result = runner.invoke(args=["import-status", "test-protocol", path, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        report = ratification_status(get_treaty("test-protocol"))
        assert (
            report.counts["party"] + report.counts["signatory"] + report.counts["participant"] == 11
        )


def test_a_refinement_updates_the_record_and_is_audited(app: Flask, runner, tmp_path: Path) -> None:
    # A year-only act made exact (same year) is an update, not a second act.
    row = next(
        line
        for line in (SEED_DIR / "palermo_participants.csv").read_text(encoding="utf-8").splitlines()
        if ",year," in line and line.startswith("Zambia")
    )
    year = row.split(",")[3]
    header = "participant,iso3,signature_date,action_date,action_date_precision,action_kind,source"
    text = f"{header}\nZambia,ZMB,,{year}-04-24,day,a,test notification\n"
    result = runner.invoke(
        args=["import-status", "palermo-protocol", _write(tmp_path, text, "z.csv"), "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert "update: line 2: Zambia: accession" in result.output and "(was consent" in result.output
    with app.app_context():
        treaty = db.session.scalar(db.select(Treaty).filter_by(slug="palermo-protocol"))
        zambia = next(p for p in ratification_status(treaty).participants if p.state.iso3 == "ZMB")
        assert zambia.basis.date == date(int(year), 4, 24)
        assert zambia.basis.date_precision == "day" and zambia.basis.kind == "accession"
        entry = db.session.scalar(
            db.select(AuditEntry)
            .filter_by(entity="treaty_actions", action="update", entity_id=zambia.basis.id)
            .order_by(AuditEntry.id.desc())
        )
        assert (
            entry.before["date_precision"] == "year"
            and entry.after["source"] == "test notification"
        )


def _refused(app: Flask, runner, path: str, slug: str = "palermo-protocol") -> str:
    before = _acts(app, slug)
    result = runner.invoke(args=["import-status", slug, path, "--yes", "--source", "t"])
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.output
    assert _acts(app, slug) == before
    return result.output


def test_an_unknown_name_is_listed_with_suggestions(app: Flask, runner, tmp_path: Path) -> None:
    text = EXCERPT.replace("Mexico\t", "Mexicco\t").replace("Viet Nam", "Cote d Ivore")
    output = _refused(app, runner, _write(tmp_path, text))
    assert "unknown participant 'Mexicco'" in output and "Mexico (MEX)" in output
    assert "Côte d'Ivoire (CIV)" in output


def test_dates_in_the_future_or_before_the_opening_are_refused(
    app: Flask, runner, tmp_path: Path
) -> None:
    future = date.today().year + 1
    text = EXCERPT.replace("28 Sep 2015 a", f"28 Sep {future} a").replace(
        "Austria\t12 Dec 2000", "Austria\t1 Dec 2000"
    )
    output = _refused(app, runner, _write(tmp_path, text))
    assert "is in the future" in output
    assert "before the treaty opened for signature (2000-12-12)" in output


def test_a_second_ratification_by_a_party_is_refused(app: Flask, runner, tmp_path: Path) -> None:
    text = EXCERPT.replace("3 Nov 2005 7", "4 Nov 2005")
    output = _refused(app, runner, _write(tmp_path, text))
    assert "United States of America: the record has ratification on 3 November 2005" in output


def test_invalid_dates_and_unreadable_files(app: Flask, runner, tmp_path: Path) -> None:
    output = _refused(app, runner, _write(tmp_path, EXCERPT.replace("15 Sep 2005", "31 Feb 2005")))
    assert "line 4" in output
    output = _refused(app, runner, _write(tmp_path, "just some text\nwith no table\n"))
    assert "cannot be read" in output


def test_an_unknown_treaty(runner) -> None:
    result = runner.invoke(
        args=["import-status", "no-such", str(DATA / "untc_palermo_excerpt.tsv")]
    )
    assert result.exit_code == 1 and "no treaty 'no-such'" in result.output
