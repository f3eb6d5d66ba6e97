"""Bring a treaty's record up to date from a status table: plan first, apply on confirmation.

A plan compares each act in the table with the acts on record for the same participant:

- ``add``: nothing like it on record;
- ``update``: the table refines what is on record (a year or month made a day, an undated
  act dated, an act of unnamed kind named, a "participant" shown to be a party) or extends
  its source;
- ``unchanged``: the same act is on record.

A table that contradicts the record (a different day for the same signature or consent, an
unknown participant, a date in the future or before the treaty opened) yields problems, and
a plan with problems cannot be applied: nothing is written until the file is fixed. Acts on
record that the table does not mention are kept: a table is evidence, not a replacement.
Every applied change goes through the ORM, so the audit log records it with its source.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import CONSENT_KINDS, State, Treaty, TreatyAction
from multilateral.services.treaties import check_act_date
from multilateral.text.country_names import NameResolver
from multilateral.text.status_tables import RecordedAct, StatusRow

__all__ = ["ImportPlan", "PlannedChange", "apply_status_import", "plan_status_import"]

#: From coarse to fine: a finer precision may replace a coarser one of the same period.
_FINENESS = {"unknown": 0, "year": 1, "month": 2, "day": 3}


@dataclass(slots=True)
class PlannedChange:
    line: int
    state: State
    #: add, update or unchanged.
    op: str
    act: RecordedAct
    source: str
    note: str
    #: The act on record this change updates or matches.
    existing: TreatyAction | None = None

    def describe(self) -> str:
        when = _label(self.act.date, self.act.precision)
        what = f"{self.state.name}: {self.act.kind} {when}"
        if self.op == "update" and self.existing is not None:
            before = f"{self.existing.kind} {self.existing.date_label}"
            return f"{what} (was {before})"
        return what


@dataclass(slots=True)
class ImportPlan:
    treaty: Treaty
    changes: list[PlannedChange] = field(default_factory=list)
    #: (line, message): each stops the whole import.
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(c.op for c in self.changes)
        return {op: tally.get(op, 0) for op in ("add", "update", "unchanged")}


def _label(when: date | None, precision: str) -> str:
    if when is None:
        return "(date not known)"
    if precision == "year":
        return f"{when.year} (year only)"
    if precision == "month":
        return f"{when:%Y-%m} (month only)"
    return when.isoformat()


def _within(fine: date | None, coarse: date | None, precision: str) -> bool:
    """Whether ``fine`` falls in the period that ``coarse`` (of ``precision``) stands for."""
    if coarse is None or fine is None:
        return True
    if precision == "year":
        return fine.year == coarse.year
    if precision == "month":
        return (fine.year, fine.month) == (coarse.year, coarse.month)
    return fine == coarse


def _slot(kind: str) -> str:
    if kind in CONSENT_KINDS or kind == "participation":
        return "consent"
    return kind


def _compare(act: RecordedAct, existing: TreatyAction) -> str:
    """add/update/unchanged/conflict for an act against the act on record in its slot."""
    same_kind = act.kind == existing.kind
    same_date = act.date == existing.date and act.precision == existing.date_precision
    if same_kind and same_date:
        return "unchanged"
    if act.kind == "participation" and existing.kind in CONSENT_KINDS:
        return "unchanged"  # the record already knows more
    old, new = _FINENESS[existing.date_precision], _FINENESS[act.precision]
    if new > old and _within(act.date, existing.date, existing.date_precision):
        return "update"
    if new < old and _within(existing.date, act.date, act.precision):
        # The table is vaguer than the record: keep the record, but a named kind may refine it.
        named = act.kind not in ("consent", "participation") and existing.kind in (
            "consent",
            "participation",
        )
        return "update-kind" if named else "unchanged"
    if same_date and existing.kind in ("consent", "participation"):
        return "update"
    if same_date and act.kind == "consent":
        return "unchanged"
    return "conflict"


def plan_status_import(
    treaty: Treaty, rows: list[StatusRow], *, today: date | None = None
) -> ImportPlan:
    """What importing ``rows`` would change; nothing is written."""
    plan = ImportPlan(treaty)
    states = list(db.session.scalars(db.select(State)))
    by_iso3 = {s.iso3: s for s in states}
    resolver = NameResolver((s.iso3, s.name) for s in states)
    record: dict[tuple[int, str], TreatyAction] = {}
    for action in db.session.scalars(db.select(TreatyAction).filter_by(treaty_id=treaty.id)):
        slot = _slot(action.kind)
        if slot in ("signature", "consent", "non-party"):
            key = (action.state_id, slot)
            held = record.get(key)
            # Of several consent acts (a re-accession), compare with the latest.
            if held is None or (action.date or date.min) > (held.date or date.min):
                record[key] = action
    seen: dict[str, int] = {}
    for row in rows:
        iso3 = row.iso3 or resolver.resolve(row.participant)
        state = by_iso3.get(iso3) if iso3 else None
        if state is None:
            hints = "; ".join(
                f"{name} ({code})" for code, name in resolver.suggest(row.participant)
            )
            plan.problems.append(
                (
                    row.line,
                    f"unknown participant {row.participant!r}"
                    + (f" — did you mean: {hints}?" if hints else ""),
                )
            )
            continue
        if state.iso3 in seen:
            plan.problems.append(
                (row.line, f"{state.name} appears twice (also on line {seen[state.iso3]}).")
            )
            continue
        seen[state.iso3] = row.line
        for act in row.acts:
            try:
                check_act_date(treaty, act.kind, act.date, act.precision, today=today)
            except ServiceError as error:
                plan.problems.append((row.line, f"{state.name}: {error.message}"))
                continue
            existing = record.get((state.id, _slot(act.kind)))
            if existing is None or _slot(act.kind) not in ("signature", "consent", "non-party"):
                plan.changes.append(
                    PlannedChange(row.line, state, "add", act, row.source, row.note)
                )
                continue
            verdict = _compare(act, existing)
            if verdict == "conflict":
                plan.problems.append(
                    (
                        row.line,
                        f"{state.name}: the record has {existing.kind} on {existing.date_label}"
                        f" ({existing.source[:80]}…); the table says {act.kind}"
                        f" {_label(act.date, act.precision)}. Correct one of them first.",
                    )
                )
                continue
            if verdict == "unchanged" and row.source != existing.source:
                # The same act: a source that extends the one on record replaces it.
                if row.source.startswith(existing.source):
                    verdict = "update"
            op = "update" if verdict in ("update", "update-kind") else verdict
            plan.changes.append(
                PlannedChange(row.line, state, op, act, row.source, row.note, existing)
            )
            if verdict == "update-kind":
                # Keep the record's finer date; take only the kind the table names.
                plan.changes[-1].act = RecordedAct(
                    kind=act.kind,
                    date=existing.date,
                    precision=existing.date_precision,
                    source_code=act.source_code,
                )
    return plan


def apply_status_import(plan: ImportPlan, *, recorded_by_id: int | None = None) -> dict[str, int]:
    """Write a plan with no problems; returns the counts of add/update/unchanged."""
    if plan.problems:
        raise ServiceError(
            400,
            "import-problems",
            f"{len(plan.problems)} problem(s) in the table; nothing was changed.",
        )
    treaty = plan.treaty
    for change in plan.changes:
        act = change.act
        if change.op == "add":
            db.session.add(
                TreatyAction(
                    treaty=treaty,
                    state=change.state,
                    kind=act.kind,
                    source_code=act.source_code,
                    date=act.date,
                    date_precision=act.precision,
                    source=change.source,
                    note=change.note,
                    recorded_by_id=recorded_by_id,
                )
            )
        elif change.op == "update" and change.existing is not None:
            existing = change.existing
            existing.kind = act.kind
            existing.source_code = act.source_code
            existing.date = act.date
            existing.date_precision = act.precision
            existing.source = change.source
            if change.note:
                existing.note = change.note
        latest = min(act.date, date.today()) if act.date is not None else None
        if latest is not None and (treaty.data_as_of is None or latest > treaty.data_as_of):
            treaty.data_as_of = latest
    db.session.flush()
    return plan.counts
