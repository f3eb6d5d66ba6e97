"""The mandate registry: page, calendar, delivery, JSON/CSV/iCalendar, and a draft's duplicates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.services import mandates as mandate_service
from multilateral.services.documents import get_document, get_version
from multilateral.services.mandates import RegistryFilter
from multilateral.services.versions import parse_date
from multilateral.text.mandates import ACTION_KINDS, ADDRESSEE_KINDS
from multilateral.views.auth import require_role
from multilateral.views.http import int_arg, json_body, parse_int, string_field

__all__ = ["bp"]

bp = Blueprint("mandates", __name__)


def _filter() -> RegistryFilter:
    args = request.args

    def text(name: str) -> str | None:
        return (args.get(name) or "").strip()[:200] or None

    def number(name: str) -> int | None:
        return parse_int(name, args[name]) if args.get(name) else None

    binding = args.get("binding")
    if binding not in (None, "", "true", "false"):
        raise ServiceError(400, "bad-filter", "binding must be true or false.")
    return RegistryFilter(
        addressee_kind=text("addressee_kind"),
        addressee=text("addressee"),
        action_kind=text("action_kind"),
        forum=text("forum"),
        document=number("document"),
        series=number("series"),
        due_from=parse_date(args.get("due_from") or "") if args.get("due_from") else None,
        due_to=parse_date(args.get("due_to") or "") if args.get("due_to") else None,
        binding=None if not binding else binding == "true",
        status=text("status"),
        page=int_arg("page", 1),
    ).check()


def _all_rows(where: RegistryFilter) -> list:
    """Every page of a filter, for the exports."""
    rows: list = []
    page = 1
    while True:
        found, total = mandate_service.registry(replace(where, page=page))
        rows.extend(found)
        if not found or len(rows) >= total:
            return rows
        page += 1


@bp.get("/mandates")
def registry_page() -> str:
    where = _filter()
    rows, total = mandate_service.registry(where)
    return render_template(
        "mandates/registry.html",
        rows=rows,
        total=total,
        where=where,
        per_page=mandate_service.PER_PAGE,
        calendar=mandate_service.calendar(date.today()),
        addressee_kinds=ADDRESSEE_KINDS,
        action_kinds=ACTION_KINDS,
        query=request.args.to_dict(),
        page_url=lambda n: url_for(
            "mandates.registry_page", **{**request.args.to_dict(), "page": n}
        ),
    )


@bp.post("/mandates/<int:mandate_id>/delivery")
@require_role("negotiator")
def deliver_form(mandate_id: int) -> Response:
    form = request.form
    try:
        delivered_on = (
            parse_date(form.get("delivered_on", "")) if form.get("delivered_on") else None
        )
        row = mandate_service.deliver(
            mandate_id,
            symbol=form.get("symbol", ""),
            delivered_on=delivered_on,
            note=form.get("note", "")[:2000],
        )
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("mandates.registry_page"))
    db.session.commit()
    flash(
        f"Recorded as delivered by {row.delivered_symbol}."
        if row.delivered_symbol
        else "The mandate is open again.",
        "info",
    )
    return redirect(url_for("mandates.registry_page", _anchor=f"mandate-{row.id}"))


@bp.get("/api/mandates")
def api_registry() -> Response:
    where = _filter()
    rows, total = mandate_service.registry(where)
    return jsonify(
        {
            "total": total,
            "page": where.page,
            "per_page": mandate_service.PER_PAGE,
            "mandates": [row.to_dict() for row in rows],
        }
    )


@bp.get("/api/mandates.csv")
def api_registry_csv() -> Response:
    rows = _all_rows(_filter())
    return Response(
        mandate_service.to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="mandates.csv"'},
    )


@bp.get("/api/mandates.ics")
def api_registry_ics() -> Response:
    rows = _all_rows(_filter())
    body = mandate_service.to_ics(rows, now=datetime.now(UTC), host=request.host)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="mandate-deadlines.ics"'},
    )


@bp.post("/api/mandates/<int:mandate_id>/delivery")
@require_role("negotiator")
def api_deliver(mandate_id: int) -> Response:
    data = json_body()
    raw_date = string_field(data, "delivered_on")
    row = mandate_service.deliver(
        mandate_id,
        symbol=string_field(data, "symbol"),
        delivered_on=parse_date(raw_date) if raw_date else None,
        note=string_field(data, "note")[:2000],
    )
    db.session.commit()
    return jsonify(row.to_dict())


@bp.get("/api/documents/<int:document_id>/versions/<int:number>/duplicate-mandates")
def api_duplicates(document_id: int, number: int) -> Response:
    version = get_version(get_document(document_id), number)
    found = mandate_service.duplicates(version)
    return jsonify(
        {
            "duplicates": [
                {
                    "paragraph": d.paragraph.number,
                    "paragraph_id": d.paragraph.id,
                    "text": d.paragraph.text,
                    "clause": d.clause,
                    "action": d.action,
                    "similarity": round(d.similarity, 3),
                    "active": d.active.to_dict() | {"text": d.active.paragraph.text},
                }
                for d in found
            ]
        }
    )


@bp.get("/documents/<int:document_id>/versions/<int:number>/duplicate-mandates")
def duplicates_page(document_id: int, number: int) -> str:
    version = get_version(get_document(document_id), number)
    return render_template(
        "mandates/duplicates.html", version=version, found=mandate_service.duplicates(version)
    )
