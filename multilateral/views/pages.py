"""Pages people use: home, documents, one document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from multilateral.extensions import db
from multilateral.models import Document, Forum, Treaty, Version
from multilateral.services import documents as document_service
from multilateral.services.analysis import document_summary
from multilateral.services.positions import alerts as position_alerts
from multilateral.services.treaties import STATUS_EXPLANATIONS, ratification_status
from multilateral.views.api import int_arg, parse_int
from multilateral.views.positions import can_see_positions

__all__ = ["bp"]

bp = Blueprint("pages", __name__)

PALERMO = "palermo-protocol"


@bp.get("/")
def home() -> Any:
    forums = db.session.scalars(db.select(Forum).order_by(Forum.name)).all()
    recent = db.session.scalars(
        db.select(Document).order_by(Document.updated_at.desc(), Document.id.desc()).limit(10)
    ).all()
    palermo = db.session.scalar(db.select(Treaty).filter_by(slug=PALERMO))
    counts = ratification_status(palermo).counts if palermo else None
    return render_template(
        "pages/home.html",
        alerts=position_alerts() if can_see_positions() else [],
        forums=forums,
        recent=recent,
        palermo=palermo,
        counts=counts,
        explanations=STATUS_EXPLANATIONS,
    )


@bp.get("/documents")
def documents() -> Any:
    page = int_arg("page", 1)
    forum = request.args.get("forum") or None
    rows, total = document_service.list_documents(
        forum=forum, q=request.args.get("q") or None, page=page, per_page=50
    )
    forums = db.session.scalars(db.select(Forum).order_by(Forum.name)).all()
    return render_template(
        "documents/list.html", documents=rows, total=total, page=page, forums=forums, forum=forum
    )


@bp.get("/documents/<int:document_id>")
def document(document_id: int) -> Any:
    doc = document_service.get_document(document_id)
    version = doc.latest_version
    if request.args.get("version"):
        version = document_service.get_version(doc, parse_int("version", request.args["version"]))
    summary = document_summary(version.paragraphs) if version else None
    # Latest versions of the other documents, for comparing with last year's text.
    other_versions = db.session.scalars(
        db.select(Version)
        .join(Document)
        .where(Version.document_id != doc.id)
        .order_by(Document.title, Version.number.desc())
    ).all()
    latest: dict[int, Version] = {}
    for v in other_versions:
        latest.setdefault(v.document_id, v)
    return render_template(
        "documents/show.html",
        document=doc,
        version=version,
        summary=summary,
        other_versions=list(latest.values()),
        alerts=position_alerts(doc) if can_see_positions() else [],
    )
