"""Comparing versions: JSON, Word redline and the compare page, for versions of one
document (``/documents/<id>/compare``) or of any two (``/compare?from=<doc>:<n>&to=…``)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask_login import current_user

from multilateral.errors import ServiceError
from multilateral.models import Version
from multilateral.services import documents as document_service
from multilateral.services.compare import compare_versions, comparison_docx
from multilateral.views.api import parse_int

__all__ = ["bp"]

bp = Blueprint("compare", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: "7:2" names version 2 of document 7.
_CROSS_REF = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")


def _number(name: str, raw: str | None) -> int:
    if raw is None or not raw.strip():
        raise ServiceError(400, "missing-parameter", f"{name} (a version number) is required.")
    if _CROSS_REF.match(raw):
        raise ServiceError(
            400,
            "other-document",
            f"{name}={raw} names a version of another document: use "
            "/api/compare?from=<document>:<version>&to=<document>:<version>.",
        )
    return parse_int(name, raw.strip())


def _cross(name: str, raw: str | None) -> Version:
    match = _CROSS_REF.match(raw or "")
    if not match:
        raise ServiceError(
            400, "bad-parameter", f"{name} must be <document id>:<version number>, e.g. 3:1."
        )
    document = document_service.get_document(parse_int(f"{name} document", match.group(1)))
    return document_service.get_version(document, parse_int(f"{name} version", match.group(2)))


def _document_versions(document_id: int, *, defaults: bool) -> tuple[Version, Version]:
    document = document_service.get_document(document_id)
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    if defaults and document.versions and not (raw_from or raw_to):
        latest = document.versions[-1].number
        raw_from, raw_to = str(max(1, latest - 1)), str(latest)
    old = document_service.get_version(document, _number("from", raw_from))
    new = document_service.get_version(document, _number("to", raw_to))
    return old, new


def _docx(old: Version, new: Version) -> Response:
    data = comparison_docx(compare_versions(old, new), author=current_user.username)
    name = f"compare-{old.document_id}-v{old.number}-{new.document_id}-v{new.number}.docx"
    return Response(
        data,
        mimetype=DOCX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/api/documents/<int:document_id>/compare")
def compare_api(document_id: int) -> Any:
    old, new = _document_versions(document_id, defaults=False)
    return jsonify(compare_versions(old, new).to_dict())


@bp.get("/api/documents/<int:document_id>/compare.docx")
def compare_docx_api(document_id: int) -> Any:
    return _docx(*_document_versions(document_id, defaults=False))


@bp.get("/api/compare")
def cross_compare_api() -> Any:
    old, new = _cross("from", request.args.get("from")), _cross("to", request.args.get("to"))
    return jsonify(compare_versions(old, new).to_dict())


@bp.get("/api/compare.docx")
def cross_compare_docx_api() -> Any:
    return _docx(_cross("from", request.args.get("from")), _cross("to", request.args.get("to")))


def _page(old: Version, new: Version, *, docx_url: str) -> Any:
    comparison = compare_versions(old, new)
    return render_template(
        "compare/compare.html",
        comparison=comparison,
        old=old,
        new=new,
        docx_url=docx_url,
        view=request.args.get("view", "side"),
    )


@bp.get("/documents/<int:document_id>/compare")
def compare_page(document_id: int) -> Any:
    old, new = _document_versions(document_id, defaults=True)
    url = f"/api/documents/{document_id}/compare.docx?from={old.number}&to={new.number}"
    return _page(old, new, docx_url=url)


@bp.get("/compare")
def cross_compare_page() -> Any:
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    old, new = _cross("from", raw_from), _cross("to", raw_to)
    url = f"/api/compare.docx?from={old.document_id}:{old.number}&to={new.document_id}:{new.number}"
    return _page(old, new, docx_url=url)
