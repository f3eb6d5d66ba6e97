"""Load the shipped reference data: states, forums, the Palermo Protocol and its texts.

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
    State,
    Treaty,
    TreatyAction,
    Version,
)
from multilateral.services.documents import create_document
from multilateral.services.versions import add_version, parse_date
from multilateral.text import refdata
from multilateral.text.formats.reader import read_source, sha256_of

__all__ = ["SEED_DIR", "SeedReport", "seed_all", "PALERMO_SLUG"]

SEED_DIR = Path(refdata.SEED_DIR)
PALERMO_SLUG = "palermo-protocol"

#: How the CSV's action_kind codes map to acts (see multilateral/seed/README in shared data):
#: "R" lumps ratification, acceptance and approval; blank means the source does not say.
_KIND_CODES = {
    "ratification": "ratification",
    "acceptance": "acceptance",
    "approval": "approval",
    "accession": "accession",
    "succession": "succession",
    "a": "accession",
    "A": "acceptance",
    "AA": "approval",
    "d": "succession",
    "R": "consent",
    "": "consent",
}

PALERMO_NOTE = (
    "Participants and dates from public sources named per row (Dutch treaty series, PacLII, "
    "whatconvention.org and a research dataset whose year-only rows run to 2011). The data are "
    "partial: the UN Treaty Collection counted 182 parties and 117 signatories on 20 April 2024; "
    "a participant with no recorded act is shown as not known, never as no action."
)


@dataclass
class SeedReport:
    states: int = 0
    forums: int = 0
    memberships: int = 0
    treaty_actions: int = 0
    documents: int = 0
    versions: int = 0


def seed_all() -> SeedReport:
    report = SeedReport()
    states = _seed_states(report)
    _seed_forums(report, states)
    _seed_documents(report)
    _seed_palermo(report, states)
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


def _seed_palermo(report: SeedReport, states: dict[str, State]) -> None:
    treaty = db.session.scalar(db.select(Treaty).filter_by(slug=PALERMO_SLUG))
    document = db.session.scalar(db.select(Document).filter_by(symbol="A/RES/55/25, annex II"))
    if treaty is None:
        treaty = Treaty(
            slug=PALERMO_SLUG,
            title=(
                "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially "
                "Women and Children, supplementing the United Nations Convention against "
                "Transnational Organized Crime"
            ),
            untc_reference="XVIII-12-a",
        )
        db.session.add(treaty)
    treaty.data_note = PALERMO_NOTE
    treaty.document_id = document.id if document else None
    have = (
        {
            (a.state_id, a.kind, a.date, a.source_code)
            for a in db.session.scalars(db.select(TreatyAction).filter_by(treaty_id=treaty.id))
        }
        if treaty.id
        else set()
    )
    latest: date | None = None
    with open(SEED_DIR / "palermo_parties.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            state = states[row["iso3"]]
            acts: list[tuple[str, str, date, str]] = []
            if row["signature_date"]:
                acts.append(("signature", "", date.fromisoformat(row["signature_date"]), "day"))
            if row["action_date"]:
                precision = row["action_date_precision"]
                if precision == "year":
                    when = date(int(row["action_date"]), 12, 31)
                else:
                    when = date.fromisoformat(row["action_date"])
                code = row["action_kind"].strip()
                acts.append(
                    (
                        _KIND_CODES[code],
                        code if code in ("R", "a", "A", "AA", "d") else "",
                        when,
                        precision,
                    )
                )
            for kind, code, when, precision in acts:
                latest = max(latest, when) if latest else when
                if (state.id, kind, when, code) in have:
                    continue
                db.session.add(
                    TreatyAction(
                        treaty=treaty,
                        state=state,
                        kind=kind,
                        source_code=code,
                        date=when,
                        date_precision=precision,
                        source=row["source"],
                    )
                )
                report.treaty_actions += 1
    treaty.data_as_of = latest
    db.session.flush()


def _seed_documents(report: SeedReport) -> None:
    with open(SEED_DIR / "documents.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        data = (SEED_DIR / "texts" / row["file"]).read_bytes()
        document = db.session.scalar(db.select(Document).filter_by(symbol=row["symbol"]))
        if document is None:
            document = create_document(
                title=row["title"],
                forum=row["forum"],
                kind=row["kind"],
                status=row["status"],
                symbol=row["symbol"],
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
