"""The JSON API under /api (see PRODUCT.md for the public interface)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import Forum
from multilateral.search import health as index_health
from multilateral.services import documents as document_service
from multilateral.services.documents import forum_by_slug
from multilateral.services.health import database_health
from multilateral.views.auth import require_role

# Kept importable from here for the views that still do (compare, search, treaties, admin,
# positions); they live in multilateral.views.http.
from multilateral.views.http import int_arg, json_body, parse_int

__all__ = ["bp", "json_body", "int_arg", "parse_int"]

bp = Blueprint("api", __name__, url_prefix="/api")

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.json"


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI description of this API (a data file kept beside the code)."""
    return jsonify(_openapi_spec())


@cache
def _openapi_spec() -> dict[str, Any]:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


@bp.get("/health")
def health() -> Any:
    database = database_health()
    try:
        index = index_health().to_dict()
    except Exception as exc:  # reported, not raised: this is the health check
        index = {"status": "error", "message": str(exc)}
    # 200 while searches can be answered: a stale index (searches drain the outbox first) or
    # one being rebuilt (the previous index answers until the rebuild commits) is degraded,
    # not down. 503 when the database is down or the index missing or unreadable.
    ok = database["status"] == "ok" and index["status"] in ("ok", "stale", "rebuilding")
    status = "ok" if ok and index["status"] == "ok" else "degraded"
    body = {"status": status, "database": database, "index": index}
    return jsonify(body), 200 if ok else 503


def _forum_dict(forum: Forum, *, members: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": forum.slug,
        "name": forum.name,
        "parent": forum.parent.slug if forum.parent else None,
        "has_membership_list": forum.has_membership_list,
        "member_count": len(forum.memberships) if forum.has_membership_list else None,
        "source": forum.source,
    }
    if members:
        data["members"] = sorted(
            (
                {"iso3": m.state.iso3, "name": m.state.name, "note": m.note}
                for m in forum.memberships
            ),
            key=lambda m: m["name"],
        )
    return data


@bp.get("/forums")
def forums() -> Any:
    rows = document_service.list_forums(order="slug")
    return jsonify(forums=[_forum_dict(f, members=False) for f in rows])


@bp.get("/forums/<slug>")
def forum(slug: str) -> Any:
    return jsonify(_forum_dict(forum_by_slug(slug), members=True))


@bp.get("/documents")
def documents() -> Any:
    page = int_arg("page", 1)
    per_page = int_arg("per_page", 50, maximum=200)
    rows, total = document_service.list_documents(
        forum=request.args.get("forum") or None,
        kind=request.args.get("kind") or None,
        status=request.args.get("status") or None,
        q=request.args.get("q") or None,
        page=page,
        per_page=per_page,
    )
    return jsonify(documents=[d.to_dict() for d in rows], total=total, page=page, per_page=per_page)


@bp.post("/documents")
@require_role("negotiator")
def create_document() -> Any:
    data = json_body()
    for name in ("title", "forum", "kind"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ServiceError(400, "missing-field", f"{name} is required (a string).")
    tags = data.get("tags", [])
    if not isinstance(tags, list):
        raise ServiceError(400, "bad-field", "tags must be a list of strings.")
    symbol = data.get("symbol")
    if symbol is not None and not isinstance(symbol, str):
        raise ServiceError(400, "bad-field", "symbol must be a string.")
    document = document_service.create_document(
        title=data["title"],
        forum=data["forum"],
        kind=data["kind"],
        symbol=symbol,
        status=data.get("status", "draft"),
        tags=tags,
        created_by=current_user,
    )
    db.session.commit()
    return jsonify(document.to_dict(with_versions=True)), 201


@bp.get("/documents/<int:document_id>")
def document(document_id: int) -> Any:
    return jsonify(document_service.get_document(document_id).to_dict(with_versions=True))


@bp.patch("/documents/<int:document_id>")
@require_role("negotiator")
def update_document(document_id: int) -> Any:
    """Change title, forum, symbol, kind or status (a draft becomes adopted …)."""
    document = document_service.update_document(
        document_service.get_document(document_id), json_body()
    )
    db.session.commit()
    return jsonify(document.to_dict(with_versions=True))
