"""Recurring resolutions: the series list and page (the cycle at a glance, lineage between
any two texts, sponsors against the Palermo Protocol, "Start the next draft"), the forms
negotiators record with, and the JSON API under ``/api/series``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import (
    ADOPTION_METHODS,
    EVENT_KINDS,
    OWN_ACTIONS,
    PERIODICITIES,
    SPONSOR_JOINED,
    SPONSOR_ROLES,
    TEXT_STAGES,
    VOTE_CHOICES,
    Series,
    SeriesText,
    TextEvent,
    Version,
)
from multilateral.services import documents as document_service
from multilateral.services import series as series_service
from multilateral.services import treaties as treaty_service
from multilateral.services.seed import PALERMO_SLUG
from multilateral.services.series import Lineage, SponsorEntry, SponsorsReport
from multilateral.services.versions import parse_date
from multilateral.views.auth import require_role
from multilateral.views.http import json_body, parse_int, string_field

__all__ = ["bp"]

bp = Blueprint("series", __name__)


@bp.app_template_filter("series_words")
def series_words(slug: str) -> str:
    """A vocabulary slug in words: "revised-draft" → "revised draft", "without-a-vote" →
    "without a vote"; "co-sponsor" and "co-sponsored" keep their hyphen."""
    return slug.replace("-", " ").replace("co sponsor", "co-sponsor")


# --- reading requests ------------------------------------------------------------------------


def _int_field(data: dict[str, Any], name: str) -> int | None:
    """A whole number from a JSON object or a form ("" and null for none)."""
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return parse_int(name, value.strip(), minimum=0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(400, "bad-field", f"{name} must be a whole number.")
    return value


def _date_field(data: dict[str, Any], name: str) -> date | None:
    return parse_date(string_field(data, name))


def _names(data: dict[str, Any], name: str) -> list[str]:
    """A list of state names: a JSON list of strings, or form text with one per line (or
    separated by semicolons)."""
    value = data.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = value.replace(";", "\n").splitlines()
        return [part.strip() for part in parts if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ServiceError(400, "bad-field", f"{name} must be a list of state names.")


def _text_ref(data: dict[str, Any]) -> Version:
    """The version a new text points at: ``document_id`` and ``version`` (its number), or
    a form's ``version_ref`` "document:number"."""
    ref = string_field(data, "version_ref") if "version_ref" in data else ""
    if ref:
        document_raw, _, number_raw = ref.partition(":")
        document_id = parse_int("document", document_raw.strip())
        number = parse_int("version", number_raw.strip())
    else:
        document_id = _int_field(data, "document_id")
        number = _int_field(data, "version")
        if document_id is None or number is None:
            raise ServiceError(
                400, "missing-field", "document_id and version (its number) are required."
            )
    document = document_service.get_document(document_id)
    return document_service.get_version(document, number)


# --- JSON, built here only -------------------------------------------------------------------


def _state(state: Any) -> dict[str, str]:
    return {"iso3": state.iso3, "name": state.name}


def _event_dict(event: TextEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "date": event.date.isoformat() if event.date else None,
        "meeting": event.meeting,
        "symbol": event.symbol,
        "method": event.method,
        "yes": event.yes_count,
        "no": event.no_count,
        "abstain": event.abstain_count,
        "votes": [{**_state(v.state), "vote": v.vote} for v in event.votes],
        "source": event.source,
        "note": event.note,
    }


def _text_dict(text: SeriesText) -> dict[str, Any]:
    version = text.version
    own = text.own_action
    return {
        "id": text.id,
        "name": text.name,
        "symbol": text.symbol,
        "stage": text.stage,
        "revision": text.revision,
        "session": text.session,
        "date": text.date.isoformat() if text.date else None,
        "note": text.note,
        "document_id": version.document_id,
        "version": version.number,
        "version_label": version.label,
        "sponsors": [
            {**_state(s.state), "role": s.role, "joined": s.joined, "source": s.source}
            for s in text.sponsorships
        ],
        "events": [_event_dict(e) for e in text.events],
        "own_action": {
            "action": own.action,
            "explanation": own.explanation,
            "author": own.author.username if own.author else None,
            "updated_at": own.updated_at.isoformat() + "Z",
        }
        if own
        else None,
    }


def _ratification_dict(report: SponsorsReport) -> dict[str, Any]:
    return {
        "treaty": report.treaty.slug,
        "sponsors": len(report.rows),
        "parties": report.parties,
        "counts": report.counts,
        "states": [
            {
                **_state(row.state),
                "lead_sponsor": row.lead,
                "texts": [
                    {"text": name, "role": role, "joined": joined}
                    for name, role, joined in row.texts
                ],
                "status": row.status.status,
                "status_label": row.status.label,
            }
            for row in report.rows
        ],
    }


def _series_dict(series: Series, *, full: bool) -> dict[str, Any]:
    cycle = series.cycle
    data: dict[str, Any] = {
        "id": series.id,
        "title": series.title,
        "forum": series.forum.slug,
        "periodicity": series.periodicity,
        "lead_sponsors": [_state(lead.state) for lead in series.lead_sponsors],
        "notes": series.notes,
        "text_count": len(cycle),
        "created_at": series.created_at.isoformat() + "Z",
        "updated_at": series.updated_at.isoformat() + "Z",
    }
    if full:
        data["texts"] = [_text_dict(t) for t in cycle]
        data["ratification"] = _ratification_dict(_sponsors_report(series))
        started = series_service.started_draft(series)
        data["next_draft"] = _next_draft_dict(started) if started else None
    else:
        data["latest"] = _text_dict(cycle[-1]) if cycle else None
    return data


def _compare_args(old: Version, new: Version) -> dict[str, str]:
    return {"from": f"{old.document_id}:{old.number}", "to": f"{new.document_id}:{new.number}"}


def _next_draft_dict(started: series_service.NextDraft) -> dict[str, Any]:
    draft = started.text.version.document
    latest = draft.latest_version or started.text.version
    args = _compare_args(started.base.version, latest)
    return {
        "text": _text_dict(started.text),
        "base": started.base.id,
        "document_id": draft.id,
        "compare": url_for("compare.cross_compare_page", **args),
        "compare_docx": url_for("compare.cross_compare_docx_api", **args),
    }


def _lineage_dict(found: Lineage) -> dict[str, Any]:
    def rows(items: Any) -> list[dict[str, Any]]:
        return [
            {
                "op": r.op,
                "kind": r.kind,
                "old_number": r.old_number,
                "new_number": r.new_number,
                "reworded": r.reworded,
            }
            for r in items
        ]

    args = _compare_args(found.old.version, found.new.version)
    return {
        "from": found.old.id,
        "to": found.new.id,
        "counts": {
            "old": found.old_count,
            "survived": found.survived_count,
            "unchanged": found.unchanged_count,
            "reworded": found.reworded_count,
            "new": found.added_count,
            "dropped": found.dropped_count,
        },
        "survived": rows(found.survived),
        "new": rows(found.added),
        "dropped": rows(found.dropped),
        "compare": url_for("compare.cross_compare_page", **args),
        "compare_docx": url_for("compare.cross_compare_docx_api", **args),
    }


def _sponsors_report(series: Series) -> SponsorsReport:
    return series_service.sponsors_and_ratification(series, treaty_service.get_treaty(PALERMO_SLUG))


# --- writes shared by forms and the API ------------------------------------------------------


def _create(data: dict[str, Any]) -> Series:
    return series_service.create_series(
        title=string_field(data, "title"),
        forum=string_field(data, "forum"),
        periodicity=string_field(data, "periodicity") or "irregular",
        lead_sponsors=_names(data, "lead_sponsors"),
        notes=string_field(data, "notes"),
        created_by=current_user,
    )


def _add_text(series: Series, data: dict[str, Any]) -> series_service.AddedText:
    return series_service.add_text(
        series,
        _text_ref(data),
        symbol=string_field(data, "symbol") or None,
        stage=string_field(data, "stage") or None,
        revision=_int_field(data, "revision"),
        session=_int_field(data, "session"),
        text_date=_date_field(data, "date"),
        note=string_field(data, "note"),
        created_by=current_user,
    )


def _record_event(text: SeriesText, data: dict[str, Any]) -> TextEvent:
    return series_service.record_event(
        text,
        kind=string_field(data, "kind"),
        when=_date_field(data, "date"),
        meeting=string_field(data, "meeting"),
        symbol=string_field(data, "symbol"),
        method=string_field(data, "method") or None,
        yes=_int_field(data, "yes"),
        no=_int_field(data, "no"),
        abstain=_int_field(data, "abstain"),
        source=string_field(data, "source"),
        note=string_field(data, "note"),
        main_sponsors=_names(data, "main_sponsors"),
        created_by=current_user,
    )


def _sponsor_entries(data: dict[str, Any]) -> list[SponsorEntry]:
    """``sponsors``: a JSON list of {state, role, joined, source}; or a form's names, one
    per line, sharing ``role``, ``joined`` and ``source``."""
    value = data.get("sponsors")
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return [
            SponsorEntry(
                state=string_field(v, "state"),
                role=string_field(v, "role") or "co-sponsor",
                joined=string_field(v, "joined") or "initial",
                source=string_field(v, "source"),
            )
            for v in value
        ]
    role = string_field(data, "role") or "co-sponsor"
    joined = string_field(data, "joined") or "initial"
    source = string_field(data, "source")
    return [SponsorEntry(name, role, joined, source) for name in _names(data, "sponsors")]


def _own_action(text: SeriesText, data: dict[str, Any]) -> Any:
    return series_service.record_own_action(
        text,
        action=string_field(data, "action"),
        explanation=string_field(data, "explanation"),
        author=current_user,
    )


def _lineage_pair(series: Series, raw_from: str | None, raw_to: str | None) -> Lineage | None:
    """Lineage between the texts ``from`` and ``to`` (ids); by default the last two texts."""
    cycle = series.cycle
    if raw_from or raw_to:
        if not (raw_from and raw_to):
            raise ServiceError(400, "bad-parameter", "Give both from and to (text ids).")
        first = series_service.get_text(series, parse_int("from", raw_from))
        second = series_service.get_text(series, parse_int("to", raw_to))
        return series_service.lineage(first, second)
    if len(cycle) < 2:
        return None
    return series_service.lineage(cycle[-2], cycle[-1])


# --- pages -----------------------------------------------------------------------------------

#: What a form's save gives back: the series to return to and the messages to flash, each
#: with its category.
Saved = tuple[Series, list[tuple[str, str]]]


def _submit(save: Callable[[], Saved]) -> tuple[Any, str | None, int]:
    """A form page's POST: run ``save``; committed, redirect to the series page with its
    messages; refused, roll back and hand the message and status back to the form. A GET
    saves nothing: (None, None, 200)."""
    if request.method != "POST":
        return None, None, 200
    try:
        series, messages = save()
    except ServiceError as exc:
        db.session.rollback()
        return None, exc.message, exc.status
    db.session.commit()
    for message, category in messages:
        flash(message, category)
    return redirect(url_for("series.series_page", series_id=series.id)), None, 200


@bp.get("/series")
def series_list() -> Any:
    return render_template("series/list.html", series=series_service.list_series())


SERIES_FIELDS = ("title", "forum", "periodicity", "lead_sponsors", "notes")


def _series_form(
    series: Series | None, values: dict[str, str], error: str | None, status: int
) -> Any:
    return render_template(
        "series/form.html",
        series=series,
        values=values,
        error=error,
        forums=document_service.list_forums(),
        periodicities=PERIODICITIES,
    ), status


@bp.route("/series/new", methods=["GET", "POST"])
@require_role("negotiator")
def new_series_page() -> Any:
    values = {key: request.form.get(key, "") for key in SERIES_FIELDS}
    values["periodicity"] = values["periodicity"] or "irregular"

    def save() -> Saved:
        series = _create(values)
        return series, [(f"Added the series {series.title}. Add its texts next.", "success")]

    done, error, status = _submit(save)
    return done if done is not None else _series_form(None, values, error, status)


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@require_role("negotiator")
def edit_series_page(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in SERIES_FIELDS}
    else:
        values = {
            "title": series.title,
            "forum": series.forum.slug,
            "periodicity": series.periodicity,
            "lead_sponsors": "\n".join(lead.state.name for lead in series.lead_sponsors),
            "notes": series.notes,
        }

    def save() -> Saved:
        changes: dict[str, Any] = {k: v for k, v in values.items() if k != "lead_sponsors"}
        changes["lead_sponsors"] = _names(values, "lead_sponsors")
        series_service.update_series(series, changes)
        return series, [("Saved the series.", "success")]

    done, error, status = _submit(save)
    return done if done is not None else _series_form(series, values, error, status)


@bp.get("/series/<int:series_id>")
def series_page(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    cycle = series.cycle
    found = _lineage_pair(series, request.args.get("from"), request.args.get("to"))
    started = series_service.started_draft(series)
    return render_template(
        "series/show.html",
        series=series,
        cycle=cycle,
        lineage=found,
        lineage_links=_lineage_dict(found) if found else None,
        ratification=_sponsors_report(series),
        palermo_slug=PALERMO_SLUG,
        next_draft=_next_draft_dict(started) if started else None,
        base=series_service.last_adopted(series),
        suggested_session=series_service.suggested_session(series),
        previous={
            text.id: _compare_args(before.version, text.version)
            for before, text in zip(cycle, cycle[1:], strict=False)
        },
    )


TEXT_FIELDS = ("version_ref", "symbol", "stage", "revision", "session", "date", "note")


@bp.route("/series/<int:series_id>/texts/new", methods=["GET", "POST"])
@require_role("negotiator")
def add_text_page(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    values = {key: request.form.get(key, "") for key in TEXT_FIELDS}

    def save() -> Saved:
        added = _add_text(series, values)
        warnings = [(warning, "warning") for warning in added.warnings]
        return series, [(f"Added {added.text.name} to the series.", "success"), *warnings]

    done, error, status = _submit(save)
    if done is not None:
        return done
    return render_template(
        "series/add_text.html",
        series=series,
        values=values,
        error=error,
        versions=series_service.version_choices(series),
        stages=TEXT_STAGES,
    ), status


EVENT_FIELDS = (
    "kind",
    "date",
    "meeting",
    "symbol",
    "method",
    "yes",
    "no",
    "abstain",
    "main_sponsors",
    "source",
    "note",
)


@bp.route("/series/<int:series_id>/texts/<int:text_id>/events/new", methods=["GET", "POST"])
@require_role("negotiator")
def record_event_page(series_id: int, text_id: int) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    values = {key: request.form.get(key, "") for key in EVENT_FIELDS}

    def save() -> Saved:
        event = _record_event(text, values)
        return series, [(f"Recorded: {text.name} {series_words(event.kind)}.", "success")]

    done, error, status = _submit(save)
    if done is not None:
        return done
    return render_template(
        "series/event.html",
        series=series,
        text=text,
        values=values,
        error=error,
        kinds=EVENT_KINDS,
        methods=ADOPTION_METHODS,
    ), status


@bp.route(
    "/series/<int:series_id>/texts/<int:text_id>/events/<int:event_id>/votes",
    methods=["GET", "POST"],
)
@require_role("negotiator")
def record_votes_page(series_id: int, text_id: int, event_id: int) -> Any:
    """How each state voted in a recorded vote: one list of states per way of voting, which
    replaces what was on record (a state in no list is not known)."""
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    event = series_service.get_event(text, event_id)
    series_service.require_recorded_vote(event)
    if request.method == "POST":
        values = {choice: request.form.get(choice, "") for choice in VOTE_CHOICES}
    else:
        values = {
            choice: "\n".join(v.state.name for v in event.votes if v.vote == choice)
            for choice in VOTE_CHOICES
        }

    def save() -> Saved:
        pairs = [(name, choice) for choice in VOTE_CHOICES for name in _names(values, choice)]
        votes = series_service.record_votes(event, pairs)
        return series, [(f"Recorded how {len(votes)} states voted on {text.name}.", "success")]

    done, error, status = _submit(save)
    if done is not None:
        return done
    return render_template(
        "series/votes.html",
        series=series,
        text=text,
        event=event,
        values=values,
        error=error,
        choices=VOTE_CHOICES,
    ), status


@bp.post("/series/<int:series_id>/texts/<int:text_id>/events/<int:event_id>/delete")
@require_role("negotiator")
def remove_event_page(series_id: int, text_id: int, event_id: int) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    event = series_service.get_event(text, event_id)
    what = f"{text.name} {series_words(event.kind)}"
    series_service.remove_event(event)
    db.session.commit()
    flash(f"Removed the event: {what}.", "success")
    return redirect(url_for("series.series_page", series_id=series.id, _anchor=f"text-{text.id}"))


SPONSOR_FIELDS = ("sponsors", "role", "joined", "source")


@bp.post("/series/<int:series_id>/texts/<int:text_id>/sponsors/<iso3>/delete")
@require_role("negotiator")
def remove_sponsor_page(series_id: int, text_id: int, iso3: str) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    removed = series_service.remove_sponsor(text, iso3)
    db.session.commit()
    flash(f"Removed {removed.state.name} from the sponsors of {text.name}.", "success")
    return redirect(url_for("series.series_page", series_id=series.id, _anchor=f"text-{text.id}"))


@bp.route("/series/<int:series_id>/texts/<int:text_id>/sponsors/new", methods=["GET", "POST"])
@require_role("negotiator")
def record_sponsors_page(series_id: int, text_id: int) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    values = {key: request.form.get(key, "") for key in SPONSOR_FIELDS}

    def save() -> Saved:
        rows = series_service.record_sponsors(text, _sponsor_entries(values))
        names = ", ".join(row.state.name for row in rows)
        return series, [(f"Recorded the sponsors of {text.name}: {names}.", "success")]

    done, error, status = _submit(save)
    if done is not None:
        return done
    return render_template(
        "series/sponsors.html",
        series=series,
        text=text,
        values=values,
        error=error,
        roles=SPONSOR_ROLES,
        joinings=SPONSOR_JOINED,
    ), status


@bp.route("/series/<int:series_id>/texts/<int:text_id>/own-action", methods=["GET", "POST"])
@require_role("negotiator")
def own_action_page(series_id: int, text_id: int) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    own = text.own_action
    values = {
        "action": request.form.get("action", own.action if own else ""),
        "explanation": request.form.get("explanation", own.explanation if own else ""),
    }

    def save() -> Saved:
        _own_action(text, values)
        return series, [(f"Saved our action on {text.name}.", "success")]

    done, error, status = _submit(save)
    if done is not None:
        return done
    return render_template(
        "series/own_action.html",
        series=series,
        text=text,
        values=values,
        error=error,
        actions=OWN_ACTIONS,
    ), status


@bp.post("/series/<int:series_id>/next-draft")
@require_role("negotiator")
def next_draft_page(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    raw = request.form.get("session", "").strip()
    try:
        started = series_service.start_next_draft(
            series,
            session=parse_int("session", raw) if raw else None,
            created_by=current_user,
        )
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("series.series_page", series_id=series.id))
    db.session.commit()
    flash(
        f"Started the next draft from {started.base.name}: edit it by uploading its next "
        "version, then export the redline against the base.",
        "success",
    )
    return redirect(url_for("series.series_page", series_id=series.id, _anchor="next-draft"))


# --- JSON API --------------------------------------------------------------------------------


@bp.get("/api/series")
def api_list() -> Any:
    return jsonify(series=[_series_dict(s, full=False) for s in series_service.list_series()])


@bp.post("/api/series")
@require_role("negotiator")
def api_create() -> Any:
    data = json_body()
    if "lead_sponsors" in data and not isinstance(data["lead_sponsors"], list):
        raise ServiceError(400, "bad-field", "lead_sponsors must be a list of state names.")
    series = _create(data)
    db.session.commit()
    return jsonify(_series_dict(series, full=True)), 201


@bp.get("/api/series/<int:series_id>")
def api_get(series_id: int) -> Any:
    return jsonify(_series_dict(series_service.get_series(series_id), full=True))


@bp.patch("/api/series/<int:series_id>")
@require_role("negotiator")
def api_update(series_id: int) -> Any:
    series = series_service.update_series(series_service.get_series(series_id), json_body())
    db.session.commit()
    return jsonify(_series_dict(series, full=True))


@bp.get("/api/series/<int:series_id>/texts")
def api_texts(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    return jsonify(texts=[_text_dict(t) for t in series.cycle])


@bp.post("/api/series/<int:series_id>/texts")
@require_role("negotiator")
def api_add_text(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    added = _add_text(series, json_body())
    db.session.commit()
    return jsonify({**_text_dict(added.text), "warnings": list(added.warnings)}), 201


@bp.post("/api/series/<int:series_id>/texts/<int:text_id>/events")
@require_role("negotiator")
def api_record_event(series_id: int, text_id: int) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    event = _record_event(text, json_body())
    db.session.commit()
    return jsonify(_event_dict(event)), 201


@bp.delete("/api/series/<int:series_id>/texts/<int:text_id>/events/<int:event_id>")
@require_role("negotiator")
def api_remove_event(series_id: int, text_id: int, event_id: int) -> Any:
    series = series_service.get_series(series_id)
    event = series_service.get_event(series_service.get_text(series, text_id), event_id)
    series_service.remove_event(event)
    db.session.commit()
    return "", 204


@bp.post("/api/series/<int:series_id>/texts/<int:text_id>/sponsors")
@require_role("negotiator")
def api_record_sponsors(series_id: int, text_id: int) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    data = json_body()
    if not isinstance(data.get("sponsors"), list):
        raise ServiceError(
            400, "missing-field", "sponsors is required: a list of {state, role, joined, source}."
        )
    series_service.record_sponsors(text, _sponsor_entries(data))
    db.session.commit()
    return jsonify(_text_dict(text))


@bp.delete("/api/series/<int:series_id>/texts/<int:text_id>/sponsors/<iso3>")
@require_role("negotiator")
def api_remove_sponsor(series_id: int, text_id: int, iso3: str) -> Any:
    series = series_service.get_series(series_id)
    series_service.remove_sponsor(series_service.get_text(series, text_id), iso3)
    db.session.commit()
    return "", 204


@bp.put("/api/series/<int:series_id>/texts/<int:text_id>/events/<int:event_id>/votes")
@require_role("negotiator")
def api_record_votes(series_id: int, text_id: int, event_id: int) -> Any:
    series = series_service.get_series(series_id)
    event = series_service.get_event(series_service.get_text(series, text_id), event_id)
    votes = json_body().get("votes")
    if not isinstance(votes, list) or not all(isinstance(v, dict) for v in votes):
        raise ServiceError(400, "missing-field", "votes is required: a list of {state, vote}.")
    pairs = [(string_field(v, "state"), string_field(v, "vote")) for v in votes]
    series_service.record_votes(event, pairs)
    db.session.commit()
    return jsonify(_event_dict(event))


@bp.put("/api/series/<int:series_id>/texts/<int:text_id>/own-action")
@require_role("negotiator")
def api_own_action(series_id: int, text_id: int) -> Any:
    series = series_service.get_series(series_id)
    text = series_service.get_text(series, text_id)
    _own_action(text, json_body())
    db.session.commit()
    return jsonify(_text_dict(text))


@bp.get("/api/series/<int:series_id>/lineage")
def api_lineage(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    found = _lineage_pair(series, request.args.get("from"), request.args.get("to"))
    if found is None:
        raise ServiceError(400, "bad-parameter", "The series has fewer than two texts.")
    return jsonify(_lineage_dict(found))


@bp.post("/api/series/<int:series_id>/next-draft")
@require_role("negotiator")
def api_next_draft(series_id: int) -> Any:
    series = series_service.get_series(series_id)
    data = json_body()
    started = series_service.start_next_draft(
        series, session=_int_field(data, "session"), created_by=current_user
    )
    db.session.commit()
    return jsonify(_next_draft_dict(started)), 201
