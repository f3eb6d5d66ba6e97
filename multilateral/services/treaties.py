"""Who has signed, ratified or acceded to a treaty, as of any date; recording new acts.

One status vocabulary is used everywhere (pages, API, CSV, map, counts):

- ``party``: an act of consent (ratification, acceptance, approval, accession, succession,
  or one the source does not name) on or before the date, not since denounced;
- ``signatory``: signed, no act of consent recorded by that date;
- ``participant``: a source lists it among the treaty's participants without saying whether
  it signed or became a party (the UN Treaty Series registration record does this);
- ``no action``: a dated source says it is not a party: never inferred from missing data;
- ``not known``: nothing on record.

Acts known only by their month or year count from the last day of that period; acts with
no date at all count only for the current status (as of a date on or after the latest act
on record), because nothing says when they happened.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.limits import check_length
from multilateral.maps.timeline import ReportedCount
from multilateral.models import (
    CONSENT_KINDS,
    DATE_PRECISIONS,
    ENDING_KINDS,
    ActView,
    Forum,
    ForumMembership,
    State,
    TipPlacement,
    Treaty,
    TreatyAction,
)
from multilateral.services.tiers import tier_history, tier_years, tiers_in

__all__ = [
    "RECORDABLE_KINDS",
    "treaties_called_for",
    "STATUSES",
    "STATUS_EXPLANATIONS",
    "CountryProfile",
    "ParticipantStatus",
    "StatusSelection",
    "country_profile",
    "parse_statuses",
    "select_status",
    "check_act_date",
    "StatusReport",
    "TimelinePoint",
    "create_treaty",
    "get_forum",
    "get_state",
    "get_treaty",
    "list_states",
    "list_treaties",
    "parse_as_of",
    "party_count",
    "ratification_status",
    "record_action",
    "reported_counts",
    "status_of",
    "timeline",
]

STATUSES = ("party", "signatory", "participant", "no action", "not known")

#: What each count means, shown beside it on every page that gives one.
STATUS_EXPLANATIONS = {
    "party": (
        "ratified, accepted, approved, acceded or succeeded on or before the date, "
        "and not denounced since"
    ),
    "signatory": "signed, with no act of consent recorded by the date",
    "participant": (
        "listed among the participants by the UN Treaty Series record, which does not say "
        "whether it is a party or a signatory"
    ),
    "no action": "a dated source says it is not a party (the source is given)",
    "not known": "nothing on record: the data are partial, so this never means “no action”",
}

#: Kinds an admin may record by hand (everything a depositary notification can carry).
RECORDABLE_KINDS = (
    "signature",
    *CONSENT_KINDS,
    "reservation",
    "declaration",
    "objection",
    "withdrawal",
    "denunciation",
    "participation",
    "non-party",
)


def get_treaty(slug: str) -> Treaty:
    treaty = db.session.scalar(db.select(Treaty).filter_by(slug=slug))
    if treaty is None:
        raise ServiceError(404, "not-found", f"There is no treaty {slug!r}.")
    return treaty


def list_states() -> list[State]:
    return list(db.session.scalars(db.select(State).order_by(State.name)))


def list_treaties() -> list[Treaty]:
    return list(db.session.scalars(db.select(Treaty).order_by(Treaty.title)))


def get_forum(slug: str | None) -> Forum | None:
    """The forum to filter by, or None for all states; 400 for an unknown slug."""
    if not slug:
        return None
    forum = db.session.scalar(db.select(Forum).filter_by(slug=slug))
    if forum is None:
        raise ServiceError(400, "unknown-forum", f"There is no forum {slug!r}.")
    if not forum.has_membership_list:
        raise ServiceError(
            400,
            "no-membership-list",
            f"{forum.name} has an elected, changing membership: no member list is kept.",
        )
    return forum


def get_state(iso3: str) -> State:
    state = db.session.scalar(db.select(State).filter_by(iso3=iso3.upper()))
    if state is None:
        raise ServiceError(404, "not-found", f"There is no state with the ISO code {iso3!r}.")
    return state


def parse_as_of(value: str | None, treaty: Treaty, *, today: date | None = None) -> date | None:
    """``as_of`` from a query string: YYYY-MM-DD or YYYY (the end of that year).

    None or "" means "everything on record". A date in the future, or before the treaty was
    adopted, is refused: there is no status to give for it.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        when = date(int(text), 12, 31) if text.isdigit() and len(text) == 4 else None
        when = when or date.fromisoformat(text)
    except ValueError:
        raise ServiceError(
            400, "bad-date", f"as_of must be a date (YYYY-MM-DD) or a year, not {value!r}."
        ) from None
    today = today or date.today()
    if when > today and not (text.isdigit() and int(text) == today.year):
        raise ServiceError(
            400, "bad-date", f"as_of {text} is in the future; the status is known up to today."
        )
    start = treaty.adopted_on or treaty.opened_on
    if start and when < start:
        raise ServiceError(
            400,
            "bad-date",
            f"as_of {text} is before the treaty was adopted ({start.isoformat()}).",
        )
    return min(when, today)


@dataclass(slots=True)
class ParticipantStatus:
    state: State
    status: str
    #: The act that makes the status: the consent act of a party, the signature of a
    #: signatory, the participation or non-party record; None when not known.
    basis: ActView | None = None
    signature: ActView | None = None
    #: Every act on record by the date, oldest first (reservations and declarations too).
    actions: list[ActView] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The status in words, e.g. "party since 3 November 2005 (ratification)"."""
        basis = self.basis
        if self.status == "party" and basis is not None:
            kind = "" if basis.kind == "consent" else f" ({basis.kind})"
            if basis.date is None:
                return f"party (date not known){kind}"
            return f"party since {basis.date_label}{kind}"
        if self.status == "signatory" and basis is not None:
            return f"signatory since {basis.date_label}"
        if self.status == "participant":
            return "participant — party or signatory, not known which"
        if self.status == "no action" and basis is not None:
            return basis.note or "not a party, per the source given"
        return self.status

    def to_dict(self) -> dict[str, Any]:
        return {
            "participant": self.state.name,
            "iso3": self.state.iso3,
            "status": self.status,
            "status_label": self.label,
            "date": self.basis.date_value if self.basis else None,
            "date_precision": self.basis.date_precision if self.basis else None,
            "kind": self.basis.kind if self.basis else None,
            "signature_date": self.signature.date_value if self.signature else None,
            "actions": [a.to_dict() for a in self.actions],
        }


@dataclass(slots=True)
class StatusReport:
    treaty: Treaty
    #: The date asked for, or None for everything on record.
    as_of: date | None
    forum: Forum | None
    participants: list[ParticipantStatus]
    counts: dict[str, int]
    #: How many signed by the date, parties included: the UN Treaty Collection's
    #: "signatories" figure, which differs from the count of states that only signed.
    signed: int

    @property
    def total(self) -> int:
        return len(self.participants)


def status_of(
    actions: list[ActView], as_of: date | None, *, count_undated: bool
) -> tuple[str, ActView | None, ActView | None, list[ActView]]:
    """(status, basis act, signature, acts counted) for one participant's acts."""
    counted = [
        a
        for a in actions
        if (a.date is None and (count_undated or a.kind == "non-party"))
        or (a.date is not None and (as_of is None or a.date <= as_of))
    ]
    signature = next((a for a in counted if a.kind == "signature"), None)
    consent = [a for a in counted if a.kind in CONSENT_KINDS]
    ended = [a for a in counted if a.kind in ENDING_KINDS and a.date is not None]
    if consent:
        last_end = max((a.date for a in ended), default=None)
        dated = [a for a in consent if a.date is not None]
        if last_end is None or any(a.date > last_end for a in dated):
            current = [a for a in dated if last_end is None or a.date > last_end]
            return "party", (current[0] if current else consent[0]), signature, counted
    if signature is not None:
        return "signatory", signature, signature, counted
    participation = next((a for a in counted if a.kind == "participation"), None)
    if participation is not None:
        return "participant", participation, None, counted
    non_party = next((a for a in counted if a.kind == "non-party"), None)
    if non_party is not None:
        return "no action", non_party, None, counted
    return "not known", None, None, counted


def _sort_key(action: ActView) -> tuple[date, int]:
    return (action.date or date.max, action.id or 0)


def _participants(
    treaty: Treaty, forum: Forum | None
) -> tuple[list[State], dict[int, list[ActView]]]:
    """The states to report on and their acts, oldest first: two queries."""
    query = db.select(State).order_by(State.name)
    if forum is not None:
        query = query.join(ForumMembership).filter(ForumMembership.forum_id == forum.id)
    states = list(db.session.scalars(query))
    by_state: dict[int, list[ActView]] = {}
    columns = [getattr(TreatyAction, name) for name in ActView.COLUMNS]
    rows = db.session.execute(db.select(*columns).filter(TreatyAction.treaty_id == treaty.id))
    for row in rows:
        action = ActView(*row)
        by_state.setdefault(action.state_id, []).append(action)
    for acts in by_state.values():
        acts.sort(key=_sort_key)
    return states, by_state


def _report(
    treaty: Treaty,
    forum: Forum | None,
    as_of: date | None,
    states: list[State],
    by_state: dict[int, list[ActView]],
) -> StatusReport:
    count_undated = as_of is None or treaty.data_as_of is None or as_of >= treaty.data_as_of
    participants = []
    for state in states:
        status, basis, signature, counted = status_of(
            by_state.get(state.id, []), as_of, count_undated=count_undated
        )
        participants.append(ParticipantStatus(state, status, basis, signature, counted))
    tally = Counter(p.status for p in participants)
    return StatusReport(
        treaty=treaty,
        as_of=as_of,
        forum=forum,
        participants=participants,
        counts={s: tally.get(s, 0) for s in STATUSES},
        signed=sum(1 for p in participants if p.signature is not None),
    )


def ratification_status(
    treaty: Treaty, *, as_of: date | None = None, forum: Forum | None = None
) -> StatusReport:
    """Every state (or every member of ``forum``) with its status on ``as_of``."""
    states, by_state = _participants(treaty, forum)
    return _report(treaty, forum, as_of, states, by_state)


def party_count(treaty: Treaty, *, as_of: date | None = None) -> int:
    return ratification_status(treaty, as_of=as_of).counts["party"]


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    #: The last day counted (31 December, or the data's latest date in the current year).
    on: date
    parties: int
    #: Signed and not (yet) party.
    signatories: int


def timeline(treaty: Treaty, *, forum: Forum | None = None) -> list[TimelinePoint]:
    """Parties and signatories at the end of each year from the year the treaty opened."""
    first = (treaty.opened_on or treaty.adopted_on or date(2000, 1, 1)).year
    last = max(date.today().year, first)
    states, by_state = _participants(treaty, forum)
    points = []
    for year in range(first, last + 1):
        on = min(date(year, 12, 31), date.today())
        report = _report(treaty, forum, on, states, by_state)
        points.append(TimelinePoint(on, report.counts["party"], report.counts["signatory"]))
    return points


def create_treaty(
    *,
    slug: str,
    title: str,
    untc_reference: str = "",
    adopted_on: date | None = None,
    opened_on: date | None = None,
    entry_into_force_on: date | None = None,
    data_note: str = "",
) -> Treaty:
    """A new treaty to track; its acts come by hand or by ``import-status``."""
    slug = (slug or "").strip().lower()
    title = (title or "").strip()
    if not slug or not title:
        raise ServiceError(400, "missing-field", "A treaty needs a slug and a title.")
    if slug == "new":
        raise ServiceError(400, "bad-slug", "'new' is reserved; choose another slug.")
    if not all(c.isalnum() or c == "-" for c in slug) or len(slug) > 60:
        raise ServiceError(
            400, "bad-slug", "The slug is lower-case letters, digits and hyphens (at most 60)."
        )
    check_length("title", title, Treaty.title)
    check_length("untc_reference", (untc_reference or "").strip(), Treaty.untc_reference)
    if db.session.scalar(db.select(Treaty).filter_by(slug=slug)) is not None:
        raise ServiceError(409, "duplicate-slug", f"A treaty {slug!r} already exists.")
    for name, value in (
        ("opened for signature", opened_on),
        ("entry into force", entry_into_force_on),
    ):
        if adopted_on and value and value < adopted_on:
            raise ServiceError(400, "bad-date", f"The date of {name} is before the adoption.")
    treaty = Treaty(
        slug=slug,
        title=title,
        untc_reference=(untc_reference or "").strip(),
        adopted_on=adopted_on,
        opened_on=opened_on,
        entry_into_force_on=entry_into_force_on,
        data_note=(data_note or "").strip(),
    )
    db.session.add(treaty)
    db.session.flush()
    return treaty


def record_action(
    treaty: Treaty,
    state: State,
    *,
    kind: str,
    when: date | None,
    precision: str = "day",
    source: str,
    text: str = "",
    note: str = "",
    source_code: str = "",
    recorded_by_id: int | None = None,
    today: date | None = None,
) -> TreatyAction:
    """Record one act after checking it against the acts on record.

    Refused: an unknown kind, no source, a date in the future or before the treaty opened
    for signature, a second signature, and an act of consent by a state that is already a
    party on that date (a correction edits the existing act instead).
    """
    if kind not in RECORDABLE_KINDS:
        raise ServiceError(
            400, "bad-kind", f"kind must be one of {', '.join(RECORDABLE_KINDS)}, not {kind!r}."
        )
    if precision not in DATE_PRECISIONS:
        raise ServiceError(
            400, "bad-precision", f"date_precision must be one of {', '.join(DATE_PRECISIONS)}."
        )
    if not (source or "").strip():
        raise ServiceError(
            400, "missing-source", "Every act needs its source (a notification, a URL)."
        )
    if (when is None) != (precision == "unknown"):
        raise ServiceError(
            400, "bad-date", "Give a date, or date_precision 'unknown' when the source has none."
        )
    check_act_date(treaty, kind, when, precision, today=today)
    acts = [
        ActView.of(a)
        for a in db.session.scalars(
            db.select(TreatyAction).filter_by(treaty_id=treaty.id, state_id=state.id)
        )
    ]
    on = when or date.today()
    status, basis, signature, _ = status_of(sorted(acts, key=_sort_key), on, count_undated=True)
    if kind in CONSENT_KINDS and status == "party" and basis is not None:
        raise ServiceError(
            409,
            "already-party",
            f"{state.name} is already a party ({basis.kind}, {basis.date_label}); "
            "correct that act instead of recording a second one.",
        )
    if kind == "signature" and signature is not None:
        raise ServiceError(
            409, "already-signed", f"{state.name} signed on {signature.date_label} already."
        )
    action = TreatyAction(
        treaty=treaty,
        state=state,
        kind=kind,
        date=when,
        date_precision=precision,
        source=source.strip(),
        text=(text or "").strip(),
        note=(note or "").strip(),
        source_code=source_code,
        recorded_by_id=recorded_by_id,
    )
    db.session.add(action)
    latest = min(when, date.today()) if when is not None else None
    if latest is not None and (treaty.data_as_of is None or latest > treaty.data_as_of):
        treaty.data_as_of = latest
    db.session.flush()
    return action


def check_act_date(
    treaty: Treaty, kind: str, when: date | None, precision: str, *, today: date | None = None
) -> None:
    """An act cannot be dated in the future, nor (signature, consent) before the treaty opened.

    A month or year act is dated the end of its period: it is in the future only when the
    whole period is.
    """
    if when is None:
        return
    today = today or date.today()
    start = when
    if precision == "year":
        start = date(when.year, 1, 1)
    elif precision == "month":
        start = when.replace(day=1)
    if start > today:
        raise ServiceError(400, "bad-date", f"{when.isoformat()} is in the future.")
    opened = treaty.opened_on or treaty.adopted_on
    if opened and when < opened and (kind == "signature" or kind in CONSENT_KINDS):
        raise ServiceError(
            400,
            "bad-date",
            f"{when.isoformat()} is before the treaty opened for signature ({opened.isoformat()}).",
        )


#: Counts reported by outside sources, one CSV per treaty slug (``as_of,parties,signatories,
#: source``), drawn on the timeline to show how complete the record is.
REPORTED_COUNTS_DIR = Path(__file__).resolve().parent.parent / "seed" / "reported_counts"


def reported_counts(treaty: Treaty) -> list[ReportedCount]:
    path = REPORTED_COUNTS_DIR / f"{treaty.slug}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            ReportedCount(
                on=date.fromisoformat(row["as_of"]),
                parties=int(row["parties"]) if row["parties"] else None,
                signatories=int(row["signatories"]) if row["signatories"] else None,
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda r: r.on)


@dataclass(slots=True)
class StatusSelection:
    """A status report narrowed as a brief needs it: forum, tiers, statuses."""

    #: The population (forum members, then the chosen tiers) with its counts.
    report: StatusReport
    #: The population's participants whose status was chosen, in name order.
    rows: list[ParticipantStatus]
    statuses: tuple[str, ...]
    tier_filter: tuple[str, ...]
    #: The TIP Report year shown beside each state, and its placements by ISO code.
    tier_year: int | None
    tiers: dict[str, list[TipPlacement]]

    def tier_label(self, iso3: str) -> str:
        placements = self.tiers.get(iso3)
        if not placements:
            return "not known"
        if len(placements) > 1:
            return " / ".join(p.tier for p in placements) + " (sources disagree)"
        return placements[0].tier


def parse_statuses(values: list[str]) -> tuple[str, ...]:
    """Statuses from a query string; "not-party" stands for every status but party."""
    chosen: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if part == "not-party":
                chosen.extend(s for s in STATUSES if s != "party")
            elif part in STATUSES:
                chosen.append(part)
            else:
                raise ServiceError(
                    400,
                    "bad-status",
                    f"status must be one of {', '.join(STATUSES)} or not-party, not {part!r}.",
                )
    return tuple(s for s in STATUSES if s in chosen)


def select_status(
    treaty: Treaty,
    *,
    as_of: date | None = None,
    forum: Forum | None = None,
    statuses: tuple[str, ...] = (),
    tier_filter: tuple[str, ...] = (),
    tier_year: int | None = None,
) -> StatusSelection:
    """The status table, map and counts for one set of filters.

    ``tier_year`` defaults to the latest TIP Report up to the as-of year whose placements are
    on record for every tier (later ones hold only the Watch List and Tier 3). A year the
    shipped data lack shows every state's tier as not known.
    """
    if tier_year is None:
        limit = (as_of or date.today()).year
        known = [y for y in tier_years() if y.year <= limit]
        chosen = next((y for y in known if y.complete), known[0] if known else None)
        tier_year = chosen.year if chosen else None
    tiers = tiers_in(tier_year) if tier_year is not None else {}
    states, by_state = _participants(treaty, forum)
    if tier_filter:
        states = [
            s
            for s in states
            if any(p.tier in tier_filter for p in tiers.get(s.iso3, []))
            or ("not known" in tier_filter and s.iso3 not in tiers)
        ]
    report = _report(treaty, forum, as_of, states, by_state)
    rows = [p for p in report.participants if not statuses or p.status in statuses]
    return StatusSelection(report, rows, statuses, tier_filter, tier_year, tiers)


@dataclass(slots=True)
class CountryProfile:
    state: State
    #: (treaty, status as of today, every act on record) for each treaty tracked.
    treaties: list[tuple[Treaty, ParticipantStatus]]
    memberships: list[ForumMembership]
    tiers: list[TipPlacement]


def country_profile(iso3: str) -> CountryProfile:
    state = get_state(iso3)
    treaties = []
    for treaty in list_treaties():
        acts = sorted(
            (
                ActView.of(a)
                for a in db.session.scalars(
                    db.select(TreatyAction).filter_by(treaty_id=treaty.id, state_id=state.id)
                )
            ),
            key=_sort_key,
        )
        status, basis, signature, counted = status_of(acts, None, count_undated=True)
        treaties.append((treaty, ParticipantStatus(state, status, basis, signature, counted)))
    memberships = sorted(state.memberships, key=lambda m: m.forum.name)
    return CountryProfile(state, treaties, memberships, tier_history(state.iso3))


#: What an operative clause says when it calls for joining a treaty.
_JOINING = re.compile(r"\b(?:ratif\w*|accede|accession|become\s+part(?:y|ies)|sign\w*)\b", re.I)


def _name_of(treaty: Treaty) -> str:
    """The part of a treaty's title texts quote: before ", supplementing", "(", " of 19..."."""
    name = re.split(r",\s+supplementing\b|\s*\(|,\s+adopted\b", treaty.title)[0]
    return " ".join(name.lower().split())


def treaties_called_for(paragraphs: Sequence[Any]) -> dict[int, list[Treaty]]:
    """Paragraph id → the tracked treaties an operative paragraph calls on States to ratify
    or accede to ("invites States that have not yet done so to consider ratifying … the
    Protocol to Prevent, Suppress and Punish Trafficking in Persons …"), so the page can link
    to their status."""
    treaties = [(t, _name_of(t)) for t in list_treaties()]
    found: dict[int, list[Treaty]] = {}
    for paragraph in paragraphs:
        if paragraph.kind not in ("operative", "subparagraph") or not _JOINING.search(
            paragraph.text
        ):
            continue
        text = " ".join(paragraph.text.lower().split())
        named = [t for t, name in treaties if len(name) > 20 and name in text]
        if named:
            found[paragraph.id] = named
    return found
