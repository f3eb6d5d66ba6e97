"""Recurring resolutions: series, their texts in cycle order, what happened to each text,
sponsors, votes, the delegation's own action, paragraph lineage across the series, and
starting the next cycle's draft from the last adopted text.

Everything here takes plain arguments and flushes; the views commit. States are named as
people write them ("Philippines", "Türkiye", "PHL") and resolved through
:class:`~multilateral.text.country_names.NameResolver` against the ``states`` table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.limits import check_length
from multilateral.models import (
    ADOPTION_METHODS,
    EVENT_KINDS,
    OWN_ACTIONS,
    PERIODICITIES,
    SPONSOR_JOINED,
    SPONSOR_ROLES,
    TEXT_STAGES,
    VOTE_CHOICES,
    Document,
    OwnAction,
    Series,
    SeriesLeadSponsor,
    SeriesText,
    Sponsorship,
    State,
    StateVote,
    TextEvent,
    Treaty,
    User,
    Version,
)
from multilateral.services import documents as document_service
from multilateral.services.compare import compare_versions
from multilateral.services.treaties import ParticipantStatus, ratification_status
from multilateral.services.versions import add_version, units_of
from multilateral.text.country_names import NameResolver
from multilateral.text.sponsors import Masthead, parse_symbol, read_masthead
from multilateral.text.units import Segmented

__all__ = [
    "LINEAGE_KINDS",
    "MAX_NOTE",
    "MAX_SESSION",
    "AddedText",
    "Lineage",
    "LineageRow",
    "NextDraft",
    "SponsorEntry",
    "SponsorStatus",
    "SponsorsReport",
    "add_text",
    "create_series",
    "get_event",
    "get_series",
    "get_text",
    "last_adopted",
    "lineage",
    "list_series",
    "record_event",
    "record_own_action",
    "record_sponsors",
    "record_votes",
    "resolve_state",
    "sponsors_and_ratification",
    "start_next_draft",
    "started_draft",
    "suggested_session",
    "update_series",
    "version_choices",
]

#: Longest note, source or explanation a request may store (characters).
MAX_NOTE = 20_000
#: The General Assembly held its 80th session in 2025; no body numbers sessions past this.
MAX_SESSION = 999
#: The paragraphs lineage counts: what delegations negotiate. Titles, headings, the masthead
#: and closing lines ("62nd plenary meeting") are left out.
LINEAGE_KINDS = ("preambular", "operative", "subparagraph", "paragraph")
#: Fields of a series a negotiator may change.
EDITABLE_FIELDS = ("title", "forum", "periodicity", "notes", "lead_sponsors")
#: The adoption methods an action of the delegation presupposes.
_ACTION_NEEDS = {
    "joined-consensus": "without-a-vote",
    "voted-yes": "recorded-vote",
    "voted-no": "recorded-vote",
    "abstained": "recorded-vote",
}


def _words(values: Iterable[str]) -> str:
    return ", ".join(values)


def _note(name: str, value: str | None) -> str:
    text = (value or "").strip()
    check_length(name, text, MAX_NOTE)
    return text


def _one_of(name: str, value: str | None, allowed: Sequence[str], *, code: str) -> str:
    if value not in allowed:
        raise ServiceError(400, code, f"{name} must be one of: {_words(allowed)} (not {value!r}).")
    return value


def _not_in_future(name: str, when: date | None) -> date | None:
    if when is not None and when > date.today():
        raise ServiceError(400, "bad-date", f"{name} {when.isoformat()} is in the future.")
    return when


# --- states --------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _resolver(states: tuple[tuple[str, str], ...]) -> NameResolver:
    return NameResolver(states)


def _states() -> tuple[dict[str, State], NameResolver]:
    rows = list(db.session.scalars(db.select(State).order_by(State.iso3)))
    return {s.iso3: s for s in rows}, _resolver(tuple((s.iso3, s.name) for s in rows))


def resolve_state(name: str, *, field_name: str = "state") -> State:
    """The state ``name`` designates (a UN name, a usual spelling or an ISO alpha-3 code);
    400 naming the closest states when none does."""
    if not isinstance(name, str) or not name.strip():
        raise ServiceError(400, "missing-field", f"{field_name} is required (a state's name).")
    name = " ".join(name.split())
    check_length(field_name, name, State.name)
    by_iso3, resolver = _states()
    state = by_iso3.get(name.upper()) if len(name) <= 3 else None
    if state is None:
        iso3 = resolver.resolve(name)
        state = by_iso3.get(iso3) if iso3 else None
    if state is None:
        hints = "; ".join(f"{n} ({code})" for code, n in resolver.suggest(name))
        raise ServiceError(
            400,
            "unknown-state",
            f"{field_name}: no state is called {name!r}"
            + (f" — did you mean {hints}?" if hints else "."),
        )
    return state


def _resolve_all(names: Sequence[str], *, field_name: str) -> list[State]:
    states: list[State] = []
    for name in names:
        state = resolve_state(name, field_name=field_name)
        if state in states:
            raise ServiceError(
                400, "duplicate-state", f"{field_name}: {state.name} is named twice."
            )
        states.append(state)
    return states


# --- series --------------------------------------------------------------------------------


def list_series() -> list[Series]:
    return list(db.session.scalars(db.select(Series).order_by(Series.title, Series.id)))


def get_series(series_id: int) -> Series:
    series = db.session.get(Series, series_id)
    if series is None:
        raise ServiceError(404, "not-found", f"There is no series {series_id}.")
    return series


def get_text(series: Series, text_id: int) -> SeriesText:
    text = db.session.get(SeriesText, text_id)
    if text is None or text.series_id != series.id:
        raise ServiceError(404, "not-found", f"Series {series.id} has no text {text_id}.")
    return text


def get_event(text: SeriesText, event_id: int) -> TextEvent:
    event = db.session.get(TextEvent, event_id)
    if event is None or event.text_id != text.id:
        raise ServiceError(404, "not-found", f"Text {text.id} has no event {event_id}.")
    return event


def _title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(400, "missing-field", "A title is required.")
    check_length("title", title, Series.title)
    return title


def _check_unique(forum_id: int, title: str, series_id: int | None = None) -> None:
    query = db.select(Series.id).filter_by(forum_id=forum_id, title=title)
    if series_id is not None:
        query = query.where(Series.id != series_id)
    if db.session.scalar(query) is not None:
        raise ServiceError(
            409, "duplicate-series", f"The forum already has a series called {title!r}."
        )


def _set_lead_sponsors(series: Series, names: Sequence[str]) -> None:
    states = _resolve_all(names, field_name="lead_sponsors")
    wanted = {s.id: i for i, s in enumerate(states)}
    for lead in list(series.lead_sponsors):
        if lead.state_id not in wanted:
            series.lead_sponsors.remove(lead)
    have = {lead.state_id: lead for lead in series.lead_sponsors}
    for state in states:
        lead = have.get(state.id)
        if lead is None:
            series.lead_sponsors.append(
                SeriesLeadSponsor(state=state, state_id=state.id, position=wanted[state.id])
            )
        elif lead.position != wanted[state.id]:
            lead.position = wanted[state.id]


def create_series(
    *,
    title: str,
    forum: str,
    periodicity: str = "irregular",
    lead_sponsors: Sequence[str] = (),
    notes: str = "",
    created_by: User | None = None,
) -> Series:
    """A new series; refuses a title its forum already has (409)."""
    title = _title(title)
    the_forum = document_service.forum_by_slug(forum, status=400)
    periodicity = _one_of("periodicity", periodicity, PERIODICITIES, code="bad-periodicity")
    _check_unique(the_forum.id, title)
    series = Series(
        title=title,
        forum=the_forum,
        periodicity=periodicity,
        notes=_note("notes", notes),
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(series)
    _set_lead_sponsors(series, lead_sponsors)
    db.session.flush()
    return series


def update_series(series: Series, changes: dict[str, Any]) -> Series:
    """Change a series' title, forum, periodicity, notes or lead sponsors (a list of names)."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ServiceError(
            400, "bad-field", f"Cannot change {_words(unknown)}; only {_words(EDITABLE_FIELDS)}."
        )
    for name in ("title", "forum", "periodicity", "notes"):
        if name in changes and not isinstance(changes[name], str):
            raise ServiceError(400, "bad-field", f"{name} must be a string.")
    if "lead_sponsors" in changes:
        names = changes["lead_sponsors"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ServiceError(400, "bad-field", "lead_sponsors must be a list of state names.")
    title = _title(changes["title"]) if "title" in changes else series.title
    forum = (
        document_service.forum_by_slug(changes["forum"], status=400)
        if "forum" in changes
        else series.forum
    )
    _check_unique(forum.id, title, series.id)
    if title != series.title:
        series.title = title
    if forum is not series.forum:
        series.forum = forum
    if "periodicity" in changes:
        series.periodicity = _one_of(
            "periodicity", changes["periodicity"], PERIODICITIES, code="bad-periodicity"
        )
    if "notes" in changes:
        series.notes = _note("notes", changes["notes"])
    if "lead_sponsors" in changes:
        _set_lead_sponsors(series, changes["lead_sponsors"])
    db.session.flush()
    return series


# --- texts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddedText:
    text: SeriesText
    #: What the reader should know: a sponsor the sponsor line names that no state matches …
    warnings: tuple[str, ...] = ()


def _masthead(version: Version) -> Masthead:
    _, resolver = _states()
    return read_masthead(
        [p.text for p in version.paragraphs], is_state=lambda n: resolver.resolve(n) is not None
    )


def _session(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SESSION:
        raise ServiceError(
            400, "bad-field", f"session must be a whole number from 1 to {MAX_SESSION}."
        )
    return value


def add_text(
    series: Series,
    version: Version,
    *,
    symbol: str | None = None,
    stage: str | None = None,
    revision: int | None = None,
    session: int | None = None,
    text_date: date | None = None,
    note: str = "",
    created_by: User | None = None,
) -> AddedText:
    """Add a stored version to the series as one of its texts.

    What is not given is read from the text itself, never guessed: the symbol from its
    masthead, the stage, session and revision from the symbol, the date from the masthead
    (a resolution's adoption date, a draft's issue date) or the version's own date, and the
    main sponsors from a draft's sponsor line. A stage or session that contradicts the
    symbol is refused (400), as is a version or symbol the series already has (409).
    """
    if db.session.scalar(
        db.select(SeriesText.id).filter_by(series_id=series.id, version_id=version.id)
    ):
        raise ServiceError(
            409,
            "duplicate-text",
            f"Version {version.number} of document {version.document_id} is in this series "
            "already.",
        )
    masthead = _masthead(version)
    symbol = " ".join((symbol or "").split()) or masthead.symbol
    check_length("symbol", symbol, SeriesText.symbol)
    info = parse_symbol(symbol) if symbol else None
    stage = stage or (info.stage if info else None)
    if not stage:
        raise ServiceError(
            400, "missing-field", "stage is required: the text has no symbol that tells it."
        )
    stage = _one_of("stage", stage, TEXT_STAGES, code="bad-stage")
    if info and stage != info.stage and stage != "withdrawn":
        raise ServiceError(
            400,
            "bad-stage",
            f"{symbol} is the symbol of a text at stage {info.stage!r}, not {stage!r}.",
        )
    session = _session(session)
    if info and info.session and session and session != info.session:
        raise ServiceError(
            400, "bad-field", f"{symbol} belongs to session {info.session}, not {session}."
        )
    session = session or (info.session if info else None)
    if stage == "revised-draft":
        revision = revision or (info.revision if info else None)
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            raise ServiceError(
                400,
                "missing-field",
                "A revised draft needs its revision number (Rev.n), 1 or more.",
            )
    elif revision is not None:
        raise ServiceError(400, "bad-field", "Only a revised draft has a revision number.")
    if text_date is None:
        printed = masthead.adopted_on if stage == "adopted" else masthead.issued_on
        text_date = printed if stage != "zero-draft" else None
        text_date = text_date or version.date
    _not_in_future("date", text_date)
    note = _note("note", note)
    if symbol and db.session.scalar(
        db.select(SeriesText.id).filter_by(series_id=series.id, symbol=symbol)
    ):
        raise ServiceError(409, "duplicate-symbol", f"The series has a text {symbol} already.")
    text = SeriesText(
        series=series,
        version=version,
        version_id=version.id,
        symbol=symbol or None,
        stage=stage,
        revision=revision,
        session=session,
        date=text_date,
        note=note,
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(text)
    db.session.flush()
    warnings: list[str] = []
    line = masthead.sponsor_line
    if line is not None:
        _, resolver = _states()
        names, unknown = [], []
        for name in line.sponsors:
            (names if resolver.resolve(name) else unknown).append(name)
        if names:
            source = f"the sponsor line of {text.name}"
            record_sponsors(
                text, [SponsorEntry(name, "main-sponsor", "initial", source) for name in names]
            )
        warnings.extend(
            f"The sponsor line names {name!r}, which is no state on record: not recorded."
            for name in unknown
        )
        if line.on_behalf_of:
            text.note = _note(
                "note",
                "\n".join(
                    filter(None, (text.note, f"Sponsored on behalf of {line.on_behalf_of}."))
                ),
            )
    db.session.flush()
    return AddedText(text, tuple(warnings))


# --- events, sponsors, votes, own action ----------------------------------------------------


def _count(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(400, "bad-count", f"{name} must be a whole number.")
    if value < 0:
        raise ServiceError(400, "bad-count", f"{name} cannot be negative (it is {value}).")
    if value > 1_000:
        raise ServiceError(400, "bad-count", f"{name} is more than any body has members.")
    return value


def record_event(
    text: SeriesText,
    *,
    kind: str,
    when: date | None = None,
    meeting: str = "",
    symbol: str = "",
    method: str | None = None,
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
    source: str = "",
    note: str = "",
    main_sponsors: Sequence[str] = (),
    created_by: User | None = None,
) -> TextEvent:
    """Record what happened to ``text``. An adoption says how it was made when that is
    known: without a vote, or by a recorded vote with all three counts. Refused: counts
    without a recorded vote, a negative count, a date in the future, the same event twice.
    An introduction may name its main sponsors, recorded as the text's sponsors."""
    kind = _one_of("kind", kind, EVENT_KINDS, code="bad-kind")
    meeting = " ".join((meeting or "").split())
    check_length("meeting", meeting, TextEvent.meeting)
    symbol = " ".join((symbol or "").split())
    check_length("symbol", symbol, TextEvent.symbol)
    if method is not None:
        if kind != "adopted":
            raise ServiceError(400, "bad-field", "Only an adoption has a method (vote).")
        method = _one_of("method", method, ADOPTION_METHODS, code="bad-method")
    counts = {
        "yes": _count("yes", yes),
        "no": _count("no", no),
        "abstain": _count("abstain", abstain),
    }
    given = [name for name, value in counts.items() if value is not None]
    if method == "recorded-vote" and len(given) < 3:
        missing = [name for name in counts if name not in given]
        raise ServiceError(
            400, "missing-count", f"A recorded vote needs its counts: {_words(missing)} missing."
        )
    if method != "recorded-vote" and given:
        raise ServiceError(
            400, "bad-count", "Vote counts belong to an adoption by recorded vote only."
        )
    if symbol and kind in ("adopted", "revised"):
        info = parse_symbol(symbol)
        wanted = "adopted" if kind == "adopted" else "revised-draft"
        if info is not None and info.stage != wanted:
            raise ServiceError(
                400, "bad-field", f"{symbol} is not the symbol of a {wanted.replace('-', ' ')}."
            )
    if main_sponsors and kind != "introduced":
        raise ServiceError(400, "bad-field", "Only an introduction names main sponsors.")
    when = _not_in_future("date", when)
    for event in text.events:
        if (event.kind, event.date, event.meeting, event.symbol) == (kind, when, meeting, symbol):
            raise ServiceError(
                409, "duplicate-event", f"This {kind} event is recorded already (event {event.id})."
            )
    event = TextEvent(
        text=text,
        kind=kind,
        date=when,
        meeting=meeting,
        symbol=symbol,
        method=method,
        yes_count=counts["yes"],
        no_count=counts["no"],
        abstain_count=counts["abstain"],
        source=_note("source", source),
        note=_note("note", note),
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(event)
    if main_sponsors:
        record_sponsors(
            text,
            [
                SponsorEntry(
                    name, "main-sponsor", "initial", source or f"introduction of {text.name}"
                )
                for name in main_sponsors
            ],
        )
    db.session.flush()
    return event


@dataclass(frozen=True, slots=True)
class SponsorEntry:
    """One sponsor to record: a state's name, its role, when it joined, the source."""

    state: str
    role: str = "co-sponsor"
    joined: str = "initial"
    source: str = ""


def record_sponsors(text: SeriesText, entries: Sequence[SponsorEntry]) -> list[Sponsorship]:
    """Record the sponsors of ``text``; a state already recorded gets the new role, joining
    and source (a co-sponsor who became a main sponsor). Returns the rows, in order."""
    if not entries:
        raise ServiceError(400, "missing-field", "Name at least one sponsor.")
    states = _resolve_all([e.state for e in entries], field_name="sponsors")
    have = {s.state_id: s for s in text.sponsorships}
    rows: list[Sponsorship] = []
    for entry, state in zip(entries, states, strict=True):
        role = _one_of("role", entry.role, SPONSOR_ROLES, code="bad-role")
        joined = _one_of("joined", entry.joined, SPONSOR_JOINED, code="bad-field")
        source = _note("source", entry.source)
        row = have.get(state.id)
        if row is None:
            row = Sponsorship(text=text, state=state, state_id=state.id, role=role, joined=joined)
            row.source = source
            db.session.add(row)
        else:
            for name, value in (("role", role), ("joined", joined), ("source", source)):
                if getattr(row, name) != value and (name != "source" or value):
                    setattr(row, name, value)
        rows.append(row)
    db.session.flush()
    return rows


def remove_sponsor(text: SeriesText, iso3: str) -> Sponsorship:
    """Remove a sponsor recorded in error (the audit log keeps the row). 404 when the state,
    by its ISO alpha-3 code, is not recorded as a sponsor of ``text``."""
    found = next((s for s in text.sponsorships if s.state.iso3 == iso3.upper()), None)
    if found is None:
        raise ServiceError(404, "not-found", f"{iso3} is not recorded as a sponsor of {text.name}.")
    db.session.delete(found)
    db.session.flush()
    db.session.expire(text, ["sponsorships"])
    return found


def remove_event(event: TextEvent) -> None:
    """Remove an event recorded in error, with its votes by state (the audit log keeps what
    it said). The delegation's own action stays: it is checked again when next saved."""
    text = event.text
    db.session.delete(event)  # cascades to the votes now, so the audit log sees them go
    db.session.flush()
    db.session.expire(text, ["events"])


_VOTE_WORDS = {"yes": "in favour", "no": "against", "abstain": "abstaining"}


def require_recorded_vote(event: TextEvent) -> None:
    """Refuse (409) an event that is no adoption by recorded vote: only such a vote has votes
    by state."""
    if event.kind != "adopted" or event.method != "recorded-vote":
        raise ServiceError(
            409, "not-a-recorded-vote", "Votes by state belong to an adoption by recorded vote."
        )


def record_votes(event: TextEvent, votes: Sequence[tuple[str, str]]) -> list[StateVote]:
    """Set how states voted in the recorded vote ``event``: (state, vote) pairs replace what
    was recorded. A state left out is not known, never "absent". Refused (409): an event
    that is no recorded vote, more votes of a kind than the count says."""
    require_recorded_vote(event)
    states = _resolve_all([name for name, _ in votes], field_name="votes")
    choices = [_one_of("vote", v, VOTE_CHOICES, code="bad-vote") for _, v in votes]
    limits = {"yes": event.yes_count, "no": event.no_count, "abstain": event.abstain_count}
    for choice, limit in limits.items():
        given = choices.count(choice)
        if limit is not None and given > limit:
            raise ServiceError(
                409,
                "votes-exceed-count",
                f"{given} states are recorded as {_VOTE_WORDS[choice]}, but the vote counted "
                f"{limit}.",
            )
    wanted = {s.id: c for s, c in zip(states, choices, strict=True)}
    for vote in list(event.votes):
        if vote.state_id not in wanted:
            event.votes.remove(vote)
    have = {v.state_id: v for v in event.votes}
    for state, choice in zip(states, choices, strict=True):
        vote = have.get(state.id)
        if vote is None:
            event.votes.append(StateVote(state=state, state_id=state.id, vote=choice))
        elif vote.vote != choice:
            vote.vote = choice
    db.session.flush()
    return sorted(event.votes, key=lambda v: v.state.name)


def record_own_action(
    text: SeriesText, *, action: str, explanation: str = "", author: User | None = None
) -> OwnAction:
    """What the delegation did about ``text`` (one record per text, replaced by a new save).

    Refused (409) when it contradicts a recorded adoption of the text: joining a consensus
    that was a recorded vote, or voting on a text adopted without a vote."""
    action = _one_of("action", action, OWN_ACTIONS, code="bad-action")
    needed = _ACTION_NEEDS.get(action)
    methods = {e.method for e in text.events if e.kind == "adopted" and e.method}
    if needed and methods and needed not in methods:
        how = " and ".join(m.replace("-", " ") for m in sorted(methods))
        raise ServiceError(
            409,
            "conflicts-with-adoption",
            f"{text.name} was adopted {how}: the delegation cannot have "
            f"{action.replace('-', ' ')}.",
        )
    explanation = _note("explanation", explanation)
    own = text.own_action
    if own is None:
        own = OwnAction(text=text, action=action, explanation=explanation)
        db.session.add(own)
    else:
        if own.action != action:
            own.action = action
        if own.explanation != explanation:
            own.explanation = explanation
    own.author_id = author.id if author else None
    db.session.flush()
    return own


# --- lineage -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineageRow:
    """One aligned pair, as lineage sees it."""

    #: The compare op (unchanged, modified, moved, renumbered, inserted, deleted, split, merged).
    op: str
    kind: str
    old_number: str
    new_number: str
    #: True when the words changed (a surviving paragraph reworded).
    reworded: bool
    #: Counted paragraphs on each side.
    olds: int
    news: int


@dataclass(frozen=True, slots=True)
class Lineage:
    """Which paragraphs of the earlier text survived into the later one, which are new,
    which were dropped (counted in paragraphs of :data:`LINEAGE_KINDS`)."""

    old: SeriesText
    new: SeriesText
    survived: tuple[LineageRow, ...]
    added: tuple[LineageRow, ...]
    dropped: tuple[LineageRow, ...]
    #: Paragraphs per compare op, as the comparison counted them (all kinds).
    ops: dict[str, int] = field(default_factory=dict)

    @property
    def survived_count(self) -> int:
        return sum(r.olds for r in self.survived)

    @property
    def reworded_count(self) -> int:
        return sum(r.olds for r in self.survived if r.reworded)

    @property
    def unchanged_count(self) -> int:
        return self.survived_count - self.reworded_count

    @property
    def added_count(self) -> int:
        return sum(r.news for r in self.added)

    @property
    def dropped_count(self) -> int:
        return sum(r.olds for r in self.dropped)

    @property
    def old_count(self) -> int:
        return self.survived_count + self.dropped_count


def _as_dict(value: Any) -> dict[str, Any]:
    """A comparison pair or paragraph as a dict, whether it is one or has ``to_dict``."""
    if isinstance(value, dict):
        return value
    return value.to_dict()


def _counted(group: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in group if p.get("kind") in LINEAGE_KINDS]


def _numbers(group: Sequence[dict[str, Any]]) -> str:
    return ", ".join(p["number"] for p in group if p.get("number"))


def lineage(first: SeriesText, second: SeriesText) -> Lineage:
    """Paragraph lineage between two texts of one series, the earlier one (in cycle order)
    taken as the old: the cross-document comparison's pairs, counted."""
    if first.series_id != second.series_id:
        raise ServiceError(400, "bad-parameter", "Both texts must belong to the same series.")
    old, new = sorted((first, second), key=SeriesText.cycle_key)
    comparison = compare_versions(old.version, new.version)
    survived, added, dropped = [], [], []
    for pair in comparison.pairs:
        data = _as_dict(pair)
        olds = _counted(data.get("old_group") or [])
        news = _counted(data.get("new_group") or [])
        if not olds and not news:
            continue
        op = data["op"]
        row = LineageRow(
            op=op,
            kind=(news or olds)[0]["kind"],
            old_number=_numbers(olds),
            new_number=_numbers(news),
            reworded=op not in ("inserted", "deleted")
            and (bool(data.get("wording_changed")) or op in ("split", "merged")),
            olds=len(olds),
            news=len(news),
        )
        if op == "deleted":
            dropped.append(row)
        elif op == "inserted":
            added.append(row)
        else:
            survived.append(row)
    summary = _as_dict(comparison.summary)
    return Lineage(old, new, tuple(survived), tuple(added), tuple(dropped), dict(summary["ops"]))


# --- the next draft ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NextDraft:
    #: The new zero draft (the only version of a new draft document).
    text: SeriesText
    #: The last adopted text it copies.
    base: SeriesText


def last_adopted(series: Series) -> SeriesText | None:
    adopted = [t for t in series.cycle if t.stage == "adopted"]
    return adopted[-1] if adopted else None


def start_next_draft(
    series: Series, *, session: int | None = None, created_by: User | None = None
) -> NextDraft:
    """Start the next cycle: a new draft document whose one version is the text of the last
    adopted resolution, recorded in the series as a zero draft.

    A document of its own rather than a new version of the resolution's document: the
    resolution stays an adopted text whose newest version is what was adopted (search and
    the agreed-language look-up count a document's status for its newest version), and the
    draft can take its own revisions and positions. Comparing the zero draft (or any later
    version of its document) with the base gives the Word redline with tracked changes.

    Refused (409): a series with no adopted text, or one whose next draft is started
    already; (400) a session not after the base's.
    """
    base = last_adopted(series)
    if base is None:
        raise ServiceError(
            409, "no-adopted-text", "The series has no adopted text to start a draft from."
        )
    started = started_draft(series)
    if started is not None:
        raise ServiceError(
            409,
            "draft-exists",
            f"The next draft is started already: document {started.text.version.document_id}.",
        )
    session = _session(session)
    if session is not None and base.session is not None and session <= base.session:
        raise ServiceError(
            400,
            "bad-field",
            f"session {session} is not after the base's ({base.session}): the next draft "
            "belongs to a later session.",
        )
    base_document: Document = base.version.document
    suffix = f" (draft following {base.name})"
    title = series.title[: max(1, 500 - len(suffix))] + suffix
    document = document_service.create_document(
        title=title,
        forum=series.forum.slug,
        kind=base_document.kind,
        status="draft",
        tags=list(base_document.tags or []),
        created_by=created_by,
    )
    units = units_of(base.version)
    body = "\n".join(f"{u.number} {u.text}".strip() for u in units).encode("utf-8")
    version = add_version(
        document,
        Segmented(units=units, title=series.title),
        sha256=hashlib.sha256(body).hexdigest(),
        label=f"zero draft from {base.name}",
        created_by=created_by,
    )
    text = SeriesText(
        series=series,
        version=version,
        version_id=version.id,
        symbol=None,
        stage="zero-draft",
        session=session,
        date=None,
        note=f"Started from the text of {base.name}.",
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(text)
    db.session.flush()
    return NextDraft(text, base)


# --- sponsors and ratification --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SponsorStatus:
    """A state that sponsored texts of the series, with its status under a treaty."""

    state: State
    lead: bool
    #: (text name, role, joined) for each text it sponsored, in cycle order.
    texts: tuple[tuple[str, str, str], ...]
    status: ParticipantStatus


@dataclass(frozen=True, slots=True)
class SponsorsReport:
    treaty: Treaty
    rows: tuple[SponsorStatus, ...]

    @property
    def parties(self) -> int:
        return sum(1 for r in self.rows if r.status.status == "party")

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.status.status] = counts.get(row.status.status, 0) + 1
        return counts


def sponsors_and_ratification(series: Series, treaty: Treaty) -> SponsorsReport:
    """Every lead sponsor, main sponsor and co-sponsor of the series, with its status under
    ``treaty`` (the Palermo Protocol on the series page) as of today."""
    by_state: dict[int, list[tuple[str, str, str]]] = {}
    states: dict[int, State] = {}
    for text in series.cycle:
        for sponsorship in text.sponsorships:
            states[sponsorship.state_id] = sponsorship.state
            by_state.setdefault(sponsorship.state_id, []).append(
                (text.name, sponsorship.role, sponsorship.joined)
            )
    leads = {lead.state_id for lead in series.lead_sponsors}
    for lead in series.lead_sponsors:
        states.setdefault(lead.state_id, lead.state)
    if not states:
        return SponsorsReport(treaty, ())
    statuses = {p.state.id: p for p in ratification_status(treaty).participants}
    rows = [
        SponsorStatus(
            state=state,
            lead=state_id in leads,
            texts=tuple(by_state.get(state_id, [])),
            status=statuses[state_id],
        )
        for state_id, state in states.items()
        if state_id in statuses
    ]
    rows.sort(key=lambda r: (not r.lead, r.state.name))
    return SponsorsReport(treaty, tuple(rows))


# --- for the forms --------------------------------------------------------------------------


def version_choices(series: Series) -> list[Version]:
    """Every stored version of the series' forum, by document title then number: what the
    "add a text" form offers."""
    return list(
        db.session.scalars(
            db.select(Version)
            .join(Document, Document.id == Version.document_id)
            .where(Document.forum_id == series.forum_id)
            .order_by(Document.title, Document.id, Version.number)
        )
    )


def suggested_session(series: Series) -> int | None:
    """The session the next draft belongs to if the series keeps its rhythm (the last
    adopted text's session plus one, two or three): a suggestion for a form, never stored
    unless a negotiator confirms it."""
    base = last_adopted(series)
    step = {"annual": 1, "biennial": 2, "triennial": 3}.get(series.periodicity)
    if base is None or base.session is None or step is None:
        return None
    return base.session + step


def started_draft(series: Series) -> NextDraft | None:
    """The next cycle's zero draft, when one was started after the last adopted text."""
    base = last_adopted(series)
    if base is None:
        return None
    later = [t for t in series.cycle if t.cycle_key() > base.cycle_key()]
    started = next((t for t in later if t.stage == "zero-draft"), None)
    return NextDraft(started, base) if started else None
