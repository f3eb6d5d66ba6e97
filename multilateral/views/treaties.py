"""Treaty status: the treaty page, country pages, exports (JSON, CSV, SVG, PNG), admin forms."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.maps.timeline import SeriesPoint, render_timeline
from multilateral.maps.worldmap import MapCategory, MapCountry, render_png, render_world_map
from multilateral.models import TIERS, Forum, Treaty
from multilateral.services import treaties as treaty_service
from multilateral.services.tiers import parse_tier_filter, tier_years
from multilateral.services.treaties import (
    RECORDABLE_KINDS,
    STATUS_EXPLANATIONS,
    STATUSES,
    StatusSelection,
)
from multilateral.services.versions import parse_date
from multilateral.text.status_tables import period_end
from multilateral.views.api import json_body, parse_int
from multilateral.views.auth import require_role

__all__ = ["bp"]

bp = Blueprint("treaties", __name__)

#: Map category keys for the status vocabulary (keys are CSS-safe).
MAP_KEYS = {
    "party": "party",
    "signatory": "signatory",
    "participant": "participant",
    "no action": "non-party",
    "not known": "not-known",
}


def _selection(treaty: Treaty) -> StatusSelection:
    """The filters of a treaty page, status API or export, from the query string."""
    args = request.args
    as_of = treaty_service.parse_as_of(args.get("as_of"), treaty)
    forum = treaty_service.get_forum(args.get("forum"))
    statuses = treaty_service.parse_statuses(args.getlist("status"))
    tier_filter = parse_tier_filter(args.getlist("tier"))
    tier_year = None
    if args.get("tier_year"):
        # The first TIP Report is of 2001.
        tier_year = parse_int(
            "tier_year", args["tier_year"], minimum=2001, maximum=date.today().year
        )
    return treaty_service.select_status(
        treaty,
        as_of=as_of,
        forum=forum,
        statuses=statuses,
        tier_filter=tier_filter,
        tier_year=tier_year,
    )


def _as_of_words(selection: StatusSelection) -> str:
    as_of = selection.report.as_of
    return f"{as_of.day} {as_of:%B %Y}" if as_of else "all acts on record"


def _map_svg(selection: StatusSelection, *, standalone: bool) -> str:
    """Every state on the map: the selected ones by status, the others as "not selected"."""
    report = selection.report
    shown = {p.state.iso3 for p in selection.rows}
    by_iso3 = {p.state.iso3: p for p in report.participants}
    countries = []
    for state in treaty_service.list_states():
        href = url_for("treaties.country_page", iso3=state.iso3)
        p = by_iso3.get(state.iso3)
        if p is None or state.iso3 not in shown:
            if p is not None:
                why = f"not selected ({p.label})"
            elif report.forum is not None:
                why = f"not a member of {report.forum.name}"
            else:
                why = "not selected"
            countries.append(MapCountry(state.iso3, "outside", f"{state.name} — {why}", href))
            continue
        title = f"{state.name} — {p.label}"
        if selection.tier_year:
            title += f"; TIP {selection.tier_year}: {selection.tier_label(state.iso3)}"
        countries.append(MapCountry(state.iso3, MAP_KEYS[p.status], title, href))
    categories = [
        MapCategory(MAP_KEYS[s], f"{s.capitalize()} ({report.counts[s]})")
        for s in STATUSES
        if not selection.statuses or s in selection.statuses
    ]
    if any(c.category == "outside" for c in countries):
        categories.append(MapCategory("outside", "Not selected"))
    where = f", {report.forum.name}" if report.forum else ""
    title = f"{report.treaty.title[:60]}… — status as of {_as_of_words(selection)}{where}"
    return render_world_map(countries, categories, title=title, standalone=standalone)


def _filter_args() -> dict[str, Any]:
    """The query as a dict of lists, for links that keep the current filters."""
    return {key: request.args.getlist(key) for key in request.args}


@bp.get("/treaties")
def treaty_list() -> Any:
    treaties = treaty_service.list_treaties()
    rows = [(t, treaty_service.ratification_status(t).counts) for t in treaties]
    return render_template("treaties/list.html", rows=rows, statuses=STATUSES)


@bp.get("/treaties/<slug>")
def treaty_page(slug: str) -> Any:
    treaty = treaty_service.get_treaty(slug)
    selection = _selection(treaty)
    points = treaty_service.timeline(treaty, forum=selection.report.forum)
    reported = treaty_service.reported_counts(treaty) if selection.report.forum is None else []
    timeline_svg = render_timeline(
        [SeriesPoint(p.on, p.parties, p.signatories) for p in points],
        reported,
        title=f"Parties and signatories of the {treaty.title[:40]}… by year",
    )
    forums = db.session.scalars(
        db.select(Forum).filter_by(has_membership_list=True).order_by(Forum.name)
    ).all()
    template = (
        "treaties/_panel.html"
        if request.headers.get("X-Requested-With") == "fetch"
        else "treaties/show.html"
    )
    return render_template(
        template,
        treaty=treaty,
        selection=selection,
        report=selection.report,
        map_svg=_map_svg(selection, standalone=False),
        timeline_svg=timeline_svg,
        reported=reported,
        points={p.on.year: p for p in points},
        forums=forums,
        statuses=STATUSES,
        explanations=STATUS_EXPLANATIONS,
        tiers=TIERS,
        tier_years=tier_years(),
        years=list(range(date.today().year, (treaty.opened_on or date(2000, 1, 1)).year - 1, -1)),
        filter_args=_filter_args(),
        as_of_words=_as_of_words(selection),
    )


@bp.get("/countries/<iso3>")
def country_page(iso3: str) -> Any:
    profile = treaty_service.country_profile(iso3)
    return render_template("treaties/country.html", profile=profile)


# --- JSON, CSV, SVG and PNG -----------------------------------------------------------------


def _treaty_dict(treaty: Treaty) -> dict[str, Any]:
    return {
        "slug": treaty.slug,
        "title": treaty.title,
        "untc_reference": treaty.untc_reference,
        "adopted_on": treaty.adopted_on.isoformat() if treaty.adopted_on else None,
        "opened_on": treaty.opened_on.isoformat() if treaty.opened_on else None,
        "entry_into_force_on": (
            treaty.entry_into_force_on.isoformat() if treaty.entry_into_force_on else None
        ),
        "data_as_of": treaty.data_as_of.isoformat() if treaty.data_as_of else None,
        "data_note": treaty.data_note,
    }


@bp.get("/api/treaties")
def api_treaties() -> Any:
    return jsonify(
        treaties=[
            {**_treaty_dict(t), "counts": treaty_service.ratification_status(t).counts}
            for t in treaty_service.list_treaties()
        ]
    )


@bp.post("/api/treaties")
@require_role("admin")
def api_create_treaty() -> Any:
    data = json_body()
    treaty = treaty_service.create_treaty(
        slug=_string(data, "slug"),
        title=_string(data, "title"),
        untc_reference=_string(data, "untc_reference"),
        adopted_on=parse_date(data.get("adopted_on")),
        opened_on=parse_date(data.get("opened_on")),
        entry_into_force_on=parse_date(data.get("entry_into_force_on")),
        data_note=_string(data, "data_note"),
    )
    db.session.commit()
    return jsonify(_treaty_dict(treaty)), 201


@bp.get("/api/treaties/<slug>")
def api_treaty(slug: str) -> Any:
    treaty = treaty_service.get_treaty(slug)
    return jsonify(
        {**_treaty_dict(treaty), "counts": treaty_service.ratification_status(treaty).counts}
    )


CSV_COLUMNS = (
    "participant",
    "iso3",
    "status",
    "status_label",
    "signature_date",
    "date",
    "date_precision",
    "kind",
    "tip_tier",
    "reservations_declarations",
    "sources",
)


@bp.get("/api/treaties/<slug>/status")
def api_status(slug: str) -> Any:
    treaty = treaty_service.get_treaty(slug)
    selection = _selection(treaty)
    report = selection.report
    if request.args.get("format") == "csv":
        return _status_csv(selection)
    if request.args.get("format") not in (None, "", "json"):
        raise ServiceError(400, "bad-parameter", "format must be json or csv.")
    return jsonify(
        treaty=_treaty_dict(treaty),
        as_of=report.as_of.isoformat() if report.as_of else None,
        forum=report.forum.slug if report.forum else None,
        statuses=list(selection.statuses),
        tiers=list(selection.tier_filter),
        tier_year=selection.tier_year,
        counts=report.counts,
        explanations=STATUS_EXPLANATIONS,
        signed=report.signed,
        total=report.total,
        participants=[
            {**p.to_dict(), "tip_tier": selection.tier_label(p.state.iso3)} for p in selection.rows
        ],
    )


def _status_csv(selection: StatusSelection) -> Response:
    report = selection.report
    out = io.StringIO()
    out.write(
        f"# {report.treaty.title}; status as of {_as_of_words(selection)}"
        + (f"; forum {report.forum.slug}" if report.forum else "")
        + (f"; TIP Report {selection.tier_year}" if selection.tier_year else "")
        + f"; acts on record up to {report.treaty.data_as_of}\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in selection.rows:
        data = p.to_dict()
        statements = [a for a in p.actions if a.kind in ("reservation", "declaration")]
        writer.writerow(
            [
                data["participant"],
                data["iso3"],
                data["status"],
                data["status_label"],
                data["signature_date"] or "",
                data["date"] or "",
                data["date_precision"] or "",
                data["kind"] or "",
                selection.tier_label(p.state.iso3),
                " | ".join(f"{a.kind}: {a.text}" for a in statements),
                " || ".join(dict.fromkeys(a.source for a in p.actions)),
            ]
        )
    name = f"{report.treaty.slug}-status-{report.as_of or 'latest'}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/api/treaties/<slug>/map.svg")
def api_map_svg(slug: str) -> Any:
    selection = _selection(treaty_service.get_treaty(slug))
    return Response(_map_svg(selection, standalone=True), mimetype="image/svg+xml")


@bp.get("/api/treaties/<slug>/map.png")
def api_map_png(slug: str) -> Any:
    selection = _selection(treaty_service.get_treaty(slug))
    png = render_png(_map_svg(selection, standalone=True))
    name = f"{slug}-map-{selection.report.as_of or 'latest'}.png"
    return Response(
        png, mimetype="image/png", headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


@bp.post("/api/treaties/<slug>/actions")
@require_role("admin")
def api_record_action(slug: str) -> Any:
    treaty = treaty_service.get_treaty(slug)
    data = json_body()
    action = _record(treaty, {key: data.get(key) for key in ACTION_FIELDS})
    db.session.commit()
    return jsonify(action.to_dict() | {"iso3": action.state.iso3}), 201


@bp.get("/api/countries/<iso3>")
def api_country(iso3: str) -> Any:
    profile = treaty_service.country_profile(iso3)
    state = profile.state
    return jsonify(
        iso3=state.iso3,
        name=state.name,
        kind=state.kind,
        treaties=[
            {"slug": treaty.slug, "title": treaty.title, **status.to_dict()}
            for treaty, status in profile.treaties
        ],
        forums=[
            {"slug": m.forum.slug, "name": m.forum.name, "note": m.note}
            for m in profile.memberships
        ],
        tip_tiers=[
            {"year": p.year, "tier": p.tier, "source": p.source, "conflict": p.conflict}
            for p in profile.tiers
        ],
    )


# --- admin forms -----------------------------------------------------------------------------

ACTION_FIELDS = ("iso3", "kind", "date", "date_precision", "source", "text", "note")


def _string(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError(400, "bad-field", f"{name} must be a string.")
    return value


def _record(treaty: Treaty, data: dict[str, Any]) -> Any:
    """Record one act from form or JSON fields; a date may be YYYY-MM-DD, YYYY-MM or YYYY."""
    state = treaty_service.get_state(_string(data, "iso3") or "?")
    precision = _string(data, "date_precision") or "day"
    raw = _string(data, "date").strip()
    when = _act_date(raw, precision)
    return treaty_service.record_action(
        treaty,
        state,
        kind=_string(data, "kind"),
        when=when,
        precision=precision if raw else "unknown",
        source=_string(data, "source"),
        text=_string(data, "text"),
        note=_string(data, "note"),
        recorded_by_id=current_user.id,
    )


def _act_date(raw: str, precision: str) -> date | None:
    if not raw:
        return None
    when = period_end(raw, precision if precision in ("month", "year") else "day")
    if isinstance(when, str):
        raise ServiceError(
            400,
            "bad-date",
            f"date {raw!r} does not match its precision {precision!r} "
            "(day: YYYY-MM-DD, month: YYYY-MM, year: YYYY).",
        )
    return when


@bp.route("/treaties/<slug>/actions/new", methods=["GET", "POST"])
@require_role("admin")
def record_action_page(slug: str) -> Any:
    treaty = treaty_service.get_treaty(slug)
    states = treaty_service.list_states()
    values = {key: request.form.get(key, "") for key in ACTION_FIELDS}
    error = None
    if request.method == "POST":
        try:
            action = _record(treaty, values)
        except ServiceError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(f"Recorded: {action.state.name}, {action.kind}, {action.date_label}.", "success")
            return redirect(url_for("treaties.country_page", iso3=action.state.iso3))
    return render_template(
        "treaties/record.html",
        treaty=treaty,
        states=states,
        kinds=RECORDABLE_KINDS,
        values=values,
        error=error,
    ), (400 if error else 200)


TREATY_FIELDS = (
    "slug",
    "title",
    "untc_reference",
    "adopted_on",
    "opened_on",
    "entry_into_force_on",
    "data_note",
)


@bp.route("/treaties/new", methods=["GET", "POST"])
@require_role("admin")
def new_treaty_page() -> Any:
    values = {key: request.form.get(key, "") for key in TREATY_FIELDS}
    error = None
    if request.method == "POST":
        try:
            treaty = treaty_service.create_treaty(
                slug=values["slug"],
                title=values["title"],
                untc_reference=values["untc_reference"],
                adopted_on=parse_date(values["adopted_on"]),
                opened_on=parse_date(values["opened_on"]),
                entry_into_force_on=parse_date(values["entry_into_force_on"]),
                data_note=values["data_note"],
            )
        except ServiceError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(f"Added {treaty.title}. Record its acts or import its status table.", "success")
            return redirect(url_for("treaties.treaty_page", slug=treaty.slug))
    return render_template("treaties/new.html", values=values, error=error), (400 if error else 200)
