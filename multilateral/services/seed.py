"""Load the shipped reference data: states, forums, texts, the Palermo Protocol, TIP tiers.

Idempotent: running it again changes nothing; rows are matched on natural keys
(ISO code, forum slug, treaty slug and act, document symbol and file hash).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from multilateral.extensions import db
from multilateral.models import (
    Document,
    Forum,
    ForumMembership,
    Series,
    SeriesText,
    State,
    Treaty,
    TreatyAction,
    Version,
)
from multilateral.services import series as series_service
from multilateral.services.documents import create_document
from multilateral.services.status_import import apply_status_import, plan_status_import
from multilateral.services.tiers import load_placements
from multilateral.services.treaties import create_treaty
from multilateral.services.versions import add_version, parse_date
from multilateral.text import refdata
from multilateral.text.formats.reader import read_source, sha256_of
from multilateral.text.status_tables import parse_participants_csv

__all__ = ["SEED_DIR", "SeedReport", "seed_all", "PALERMO_SLUG"]

SEED_DIR = Path(refdata.SEED_DIR)
PALERMO_SLUG = "palermo-protocol"

PALERMO_TITLE = (
    "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and "
    "Children, supplementing the United Nations Convention against Transnational Organized Crime"
)

PALERMO_NOTE = (
    "183 participants from public sources named on each act (Dutch treaty series and treaty "
    "database, Austrian federal gazette, PacLII, whatconvention.org, the UN Treaty Series "
    "registration record, and a research dataset whose year-only dates run to 2011), plus 17 "
    "later finds (6 dated statements that a state is not a party). Sources were read up to "
    "November 2026. The data are partial: the UN Treaty Collection counted 182 parties and "
    "117 signatories on 20 April 2024; a state with no act on record is shown as not known, "
    "never as no action."
)


@dataclass
class SeedReport:
    states: int = 0
    forums: int = 0
    memberships: int = 0
    treaty_actions: int = 0
    tip_placements: int = 0
    documents: int = 0
    versions: int = 0
    series: int = 0
    series_texts: int = 0
    mandates: int = 0


def seed_all() -> SeedReport:
    report = SeedReport()
    states = _seed_states(report)
    _seed_forums(report, states)
    _seed_documents(report)
    _seed_series(report)
    _seed_palermo(report)
    _seed_tiers(report)
    db.session.flush()
    # The registry of what the adopted texts ask, derived from them (deliveries are kept).
    from multilateral.services.mandates import refresh_all

    report.mandates = refresh_all()[1]
    db.session.flush()
    return report


def _seed_states(report: SeedReport) -> dict[str, State]:
    existing = {s.iso3: s for s in db.session.scalars(db.select(State))}
    for row in refdata.load_states():
        state = existing.get(row.iso3)
        if state is None:
            state = State(iso3=row.iso3)
            db.session.add(state)
            existing[row.iso3] = state
            report.states += 1
        for name in ("iso2", "name", "kind", "source"):
            if getattr(state, name) != getattr(row, name):
                setattr(state, name, getattr(row, name))
    db.session.flush()
    return existing


def _seed_forums(report: SeedReport, states: dict[str, State]) -> None:
    forums = {f.slug: f for f in db.session.scalars(db.select(Forum))}
    rows = refdata.load_forums()
    for row in rows:
        forum = forums.get(row.slug)
        if forum is None:
            forum = Forum(slug=row.slug)
            db.session.add(forum)
            forums[row.slug] = forum
            report.forums += 1
        for name in ("name", "has_membership_list", "source"):
            if getattr(forum, name) != getattr(row, name):
                setattr(forum, name, getattr(row, name))
    for row in rows:
        parent = forums[row.parent] if row.parent else None
        if forums[row.slug].parent is not parent:
            forums[row.slug].parent = parent
    db.session.flush()
    wanted = {(m.forum, m.iso3): m.note for m in refdata.load_memberships()}
    have = {(m.forum.slug, m.state.iso3): m for m in db.session.scalars(db.select(ForumMembership))}
    for key, note in wanted.items():
        membership = have.get(key)
        if membership is None:
            db.session.add(ForumMembership(forum=forums[key[0]], state=states[key[1]], note=note))
            report.memberships += 1
        elif membership.note != note:
            membership.note = note
    for key, membership in have.items():
        if key not in wanted:
            db.session.delete(membership)
    db.session.flush()


def _seed_palermo(report: SeedReport) -> None:
    """The Palermo Protocol and its participants: the fuller list, then the later finds.

    Both files go through the same plan-and-apply as ``import-status``, so a seed run that
    meets a contradiction stops instead of writing half the record.
    """
    treaty = db.session.scalar(db.select(Treaty).filter_by(slug=PALERMO_SLUG))
    document = db.session.scalar(db.select(Document).filter_by(symbol="A/RES/55/25, annex II"))
    if treaty is None:
        treaty = create_treaty(slug=PALERMO_SLUG, title=PALERMO_TITLE)
    for name, value in (
        ("untc_reference", "XVIII-12-a"),
        ("adopted_on", date(2000, 11, 15)),
        ("opened_on", date(2000, 12, 12)),
        ("entry_into_force_on", date(2003, 12, 25)),
        ("data_note", PALERMO_NOTE),
        ("document_id", document.id if document else None),
    ):
        if getattr(treaty, name) != value:
            setattr(treaty, name, value)
    for filename in ("palermo_participants.csv", "palermo_participants_additions.csv"):
        rows = parse_participants_csv((SEED_DIR / filename).read_text(encoding="utf-8"))
        plan = plan_status_import(treaty, rows)
        if plan.problems:
            listed = "; ".join(f"line {line}: {message}" for line, message in plan.problems)
            raise ValueError(f"{filename}: {listed}")
        counts = apply_status_import(plan)
        report.treaty_actions += counts["add"]
    _seed_statements(report, treaty)
    db.session.flush()


def _seed_statements(report: SeedReport, treaty: Treaty) -> None:
    """Reservations and declarations quoted in ``palermo_status_facts.md``, with sources."""
    states = {s.iso3: s for s in db.session.scalars(db.select(State))}
    have = {
        (a.state_id, a.kind, a.date, a.text)
        for a in db.session.scalars(
            db.select(TreatyAction).filter(
                TreatyAction.treaty_id == treaty.id,
                TreatyAction.kind.in_(("reservation", "declaration")),
            )
        )
    }
    with open(SEED_DIR / "palermo_reservations.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            state = states[row["iso3"]]
            when = date.fromisoformat(row["date"])
            if (state.id, row["kind"], when, row["text"]) in have:
                continue
            db.session.add(
                TreatyAction(
                    treaty=treaty,
                    state=state,
                    kind=row["kind"],
                    date=when,
                    date_precision="day",
                    text=row["text"],
                    source=row["source"],
                )
            )
            report.treaty_actions += 1


def _seed_tiers(report: SeedReport) -> None:
    report.tip_placements += load_placements(
        [SEED_DIR / "tip_tiers.csv", SEED_DIR / "tip_tiers_additions.csv"]
    )


def _seed_documents(report: SeedReport) -> None:
    with open(SEED_DIR / "documents.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        data = (SEED_DIR / "texts" / row["file"]).read_bytes()
        # A text with one symbol is found by it; a series whose versions carry their own
        # symbols (A/RES/78/180 → A/C.3/80/L.18 → A/RES/80/185) by its title.
        key = {"symbol": row["symbol"]} if row["symbol"] else {"title": row["title"]}
        document = db.session.scalar(db.select(Document).filter_by(**key))
        if document is None:
            document = create_document(
                title=row["title"],
                forum=row["forum"],
                kind=row["kind"],
                status=row["status"],
                symbol=row["symbol"] or None,
            )
            report.documents += 1
        sha256 = sha256_of(data)
        if db.session.scalar(
            db.select(Version.id).filter_by(document_id=document.id, sha256=sha256)
        ):
            continue
        add_version(
            document,
            read_source(row["file"], data),
            sha256=sha256,
            label=row["version_label"],
            version_date=parse_date(row["version_date"]),
            source_filename=row["file"],
        )
        report.versions += 1


def _seed_series(report: SeedReport) -> None:
    """Recurring resolutions (``series.csv``): a row per text, the series' own columns on its
    first row. Each text is a version ``_seed_documents`` stored, found by its file; its
    event comes from what the text prints (the ``source`` column quotes it), nothing else:
    no vote, no co-sponsor, no date the text does not give. Main sponsors are read from a
    draft's sponsor line when the text is added."""
    with open(SEED_DIR / "series.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    series = None
    for row in rows:
        if row["series"]:
            forum = db.session.scalar(db.select(Forum).filter_by(slug=row["forum"]))
            series = db.session.scalar(
                db.select(Series).filter_by(
                    forum_id=forum.id if forum else None, title=row["series"]
                )
            )
            if series is None:
                series = series_service.create_series(
                    title=row["series"],
                    forum=row["forum"],
                    periodicity=row["periodicity"],
                    lead_sponsors=[n.strip() for n in row["lead_sponsors"].split(";") if n.strip()],
                    notes=row["notes"],
                )
                report.series += 1
        if series is None:
            raise ValueError(f"series.csv: {row['file']} comes before any series")
        sha256 = sha256_of((SEED_DIR / "texts" / row["file"]).read_bytes())
        version = db.session.scalar(
            db.select(Version)
            .filter_by(sha256=sha256, source_filename=row["file"])
            .order_by(Version.id)
            .limit(1)
        )
        if version is None:
            raise ValueError(f"series.csv: {row['file']} is not a stored version")
        if db.session.scalar(
            db.select(SeriesText.id).filter_by(series_id=series.id, version_id=version.id)
        ):
            continue
        added = series_service.add_text(
            series,
            version,
            symbol=row["symbol"],
            stage=row["stage"],
            text_date=parse_date(row["date"]),
        )
        if added.warnings:
            raise ValueError(f"series.csv: {row['file']}: {'; '.join(added.warnings)}")
        series_service.record_event(
            added.text,
            kind=row["event"],
            symbol=row["event_symbol"],
            when=parse_date(row["event_date"]),
            meeting=row["meeting"],
            source=row["source"],
        )
        report.series_texts += 1
    db.session.flush()
