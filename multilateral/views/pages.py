"""Pages people use: home, documents, one document; and what every template may use (the
vocabularies, dates in words, a version's name)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request

from multilateral.models import Version
from multilateral.models.documents import STRUCTURAL_KINDS
from multilateral.services import documents as document_service
from multilateral.services import pages as page_service
from multilateral.services.positions import alerts as position_alerts
from multilateral.services.seed import PALERMO_SLUG
from multilateral.views.http import int_arg, parse_int
from multilateral.views.positions import can_see_positions

__all__ = ["bp", "long_date", "version_name"]

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def vocabularies() -> dict[str, Any]:
    """Names every template may use, so that none spells a vocabulary out again."""
    return {"structural_kinds": STRUCTURAL_KINDS, "palermo_slug": PALERMO_SLUG}


@bp.app_template_filter("long_date")
def long_date(value: date | None) -> str:
    """15 December 2025: the way a negotiated text writes its date ("" for none)."""
    if value is None:
        return ""
    return f"{value.day} {value.strftime('%B %Y')}"


@bp.app_template_filter("version_name")
def version_name(version: Version, *, with_date: bool = True) -> str:
    """What people call a version: its label and the date it bears ("A/RES/80/185, adopted,
    15 December 2025"), never its internal number unless it has neither."""
    name = version.label or f"Version {version.number}"
    if with_date and version.date is not None:
        return f"{name}, {long_date(version.date)}"
    return name


@bp.get("/")
def home() -> Any:
    return render_template(
        "pages/home.html",
        home=page_service.home_page(),
        alerts=position_alerts() if can_see_positions() else [],
    )


@bp.get("/documents")
def documents() -> Any:
    page = int_arg("page", 1)
    forum = request.args.get("forum") or None
    rows, total = document_service.list_documents(
        forum=forum, q=request.args.get("q") or None, page=page, per_page=50
    )
    return render_template(
        "documents/list.html",
        documents=rows,
        total=total,
        page=page,
        forums=document_service.list_forums(),
        forum=forum,
    )


@bp.get("/documents/<int:document_id>")
def document(document_id: int) -> Any:
    raw = request.args.get("version")
    shown = page_service.document_page(document_id, parse_int("version", raw) if raw else None)
    return render_template(
        "documents/show.html",
        page=shown,
        document=shown.document,
        version=shown.version,
        alerts=position_alerts(shown.document) if can_see_positions() else [],
    )
