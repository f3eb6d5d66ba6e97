"""The delegation's positions: API, editor page, paragraph history, alerts, position paper.

Only negotiators and admins see positions: every route here needs that role, and pages
viewers see (home, document) ask :func:`can_see_positions` before showing any.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template
from flask_login import current_user

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import PRIORITIES, STANCES, Paragraph, Version
from multilateral.services import documents as document_service
from multilateral.services import positions as position_service
from multilateral.services.positions import PositionInput, PositionRow, StaleRevision
from multilateral.text.position_paper import position_paper_csv, position_paper_docx
from multilateral.views.api import json_body
from multilateral.views.auth import require_role

__all__ = ["bp", "can_see_positions"]

bp = Blueprint("positions", __name__)

_VERSION = "/documents/<int:document_id>/versions/<int:number>"


def can_see_positions() -> bool:
    return bool(current_user.is_authenticated and current_user.can("negotiator"))


def _version(document_id: int, number: int) -> Version:
    return document_service.get_version(document_service.get_document(document_id), number)


@bp.get(f"/api{_VERSION}/positions")
@require_role("negotiator")
def api_positions(document_id: int, number: int) -> Any:
    version = _version(document_id, number)
    return jsonify(
        document_id=document_id,
        version=number,
        positions=[row.to_dict() for row in position_service.position_rows(version)],
    )


@bp.put(f"/api{_VERSION}/positions")
@require_role("negotiator")
def api_save_positions(document_id: int, number: int) -> Any:
    """Save ``{"positions": [...]}``: all or nothing; 409 with both texts if any is stale."""
    version = _version(document_id, number)
    data = json_body()
    items = data.get("positions")
    if not isinstance(items, list):
        raise ServiceError(400, "missing-field", "positions must be a list.")
    inputs = [PositionInput.from_dict(item) for item in items]
    try:
        saved = position_service.save_positions(version, inputs, current_user)
    except StaleRevision as exc:
        db.session.rollback()
        return jsonify(
            error={"code": exc.code, "message": exc.message}, conflicts=exc.conflicts
        ), 409
    # Answered from what was just flushed: the new revisions are already set.
    answer = [
        PositionRow(p.lineage, db.session.get(Paragraph, item.paragraph_id), p).to_dict()
        for p, item in zip(saved, inputs, strict=True)
    ]
    db.session.commit()
    return jsonify(positions=answer)


@bp.get("/api/alerts")
@require_role("negotiator")
def api_alerts() -> Any:
    return jsonify(alerts=[a.to_dict() for a in position_service.alerts()])


@bp.get(f"{_VERSION}/positions")
@require_role("negotiator")
def editor_page(document_id: int, number: int) -> Any:
    version = _version(document_id, number)
    return render_template(
        "positions/editor.html",
        document=version.document,
        version=version,
        rows=position_service.position_rows(version),
        stances=STANCES,
        priorities=PRIORITIES,
        state_labels=position_service.STATE_LABELS,
        delegation=current_app.config["DELEGATION"],
        limits={
            "rationale": position_service.MAX_RATIONALE,
            "proposed": position_service.MAX_PROPOSED_TEXT,
        },
    )


@bp.get("/documents/<int:document_id>/paragraphs/<lineage>/history")
@require_role("negotiator")
def history_page(document_id: int, lineage: str) -> Any:
    document = document_service.get_document(document_id)
    entries = position_service.position_history(document, lineage)
    return render_template(
        "positions/history.html",
        document=document,
        entries=entries,
        state_labels=position_service.STATE_LABELS,
    )


def _attachment(body: bytes | str, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _paper(document_id: int, number: int) -> tuple[Version, Any, Any]:
    version = _version(document_id, number)
    config = current_app.config
    header, paragraphs = position_service.paper_contents(
        version,
        author=current_user.username,
        delegation=config["DELEGATION"],
        short=config["DELEGATION_SHORT"],
        classification=config["CLASSIFICATION"],
    )
    return version, header, paragraphs


def _file_name(version: Version, extension: str) -> str:
    stem = (version.document.symbol or f"document-{version.document_id}").replace("/", "_")
    return f"positions-{stem}-v{version.number}.{extension}"


@bp.get(f"/api{_VERSION}/positions.docx")
@require_role("negotiator")
def api_paper_docx(document_id: int, number: int) -> Any:
    version, header, paragraphs = _paper(document_id, number)
    return _attachment(
        position_paper_docx(header, paragraphs),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _file_name(version, "docx"),
    )


@bp.get(f"/api{_VERSION}/positions.csv")
@require_role("negotiator")
def api_paper_csv(document_id: int, number: int) -> Any:
    version, header, paragraphs = _paper(document_id, number)
    return _attachment(
        position_paper_csv(header, paragraphs), "text/csv", _file_name(version, "csv")
    )
