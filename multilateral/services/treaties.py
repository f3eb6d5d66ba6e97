"""Who has signed, ratified or acceded to a treaty, as of any date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import CONSENT_KINDS, State, Treaty, TreatyAction

__all__ = ["ParticipantStatus", "get_treaty", "ratification_status", "party_count"]

#: Acts that end a participant's consent to be bound.
_ENDING_KINDS = ("withdrawal", "denunciation")


@dataclass(slots=True)
class ParticipantStatus:
    state: State
    #: party, signatory or not known. "no action" is never inferred from missing data: the
    #: data are partial, so a participant with no recorded act is "not known".
    status: str
    actions: list[TreatyAction] = field(default_factory=list)


def get_treaty(slug: str) -> Treaty:
    treaty = db.session.scalar(db.select(Treaty).filter_by(slug=slug))
    if treaty is None:
        raise ServiceError(404, "not-found", f"There is no treaty {slug!r}.")
    return treaty


def _status(actions: list[TreatyAction]) -> str:
    consent = [a for a in actions if a.kind in CONSENT_KINDS]
    ended = [a for a in actions if a.kind in _ENDING_KINDS]
    if consent and not (ended and max(_day(a) for a in ended) >= max(_day(a) for a in consent)):
        return "party"
    if any(a.kind == "signature" for a in actions):
        return "signatory"
    return "not known"


def _day(action: TreatyAction) -> date:
    return action.date or date.min


def ratification_status(treaty: Treaty, *, as_of: date | None = None) -> list[ParticipantStatus]:
    """Every state with its status on ``as_of`` (default: all recorded acts).

    An act known only by its year counts from 31 December of that year: the source says it
    was done by the end of the year, not when.
    """
    states = db.session.scalars(db.select(State).order_by(State.name)).all()
    by_state: dict[int, list[TreatyAction]] = {}
    for action in db.session.scalars(
        db.select(TreatyAction).filter_by(treaty_id=treaty.id).order_by(TreatyAction.date)
    ):
        if as_of is None or (action.date is not None and action.date <= as_of):
            by_state.setdefault(action.state_id, []).append(action)
    return [
        ParticipantStatus(
            state=s, status=_status(by_state.get(s.id, [])), actions=by_state.get(s.id, [])
        )
        for s in states
    ]


def party_count(treaty: Treaty, *, as_of: date | None = None) -> int:
    return sum(1 for p in ratification_status(treaty, as_of=as_of) if p.status == "party")
