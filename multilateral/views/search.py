"""Search: the ``/search`` page, ``GET /api/search`` and ``POST /api/precedents``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request, url_for

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import DOCUMENT_KINDS, DOCUMENT_STATUSES, Document, Forum
from multilateral.search.gateway import FACETS, Hit, IndexEntry
from multilateral.services import documents as document_service
from multilateral.services import search as search_service
from multilateral.services.search import PrecedentHit, SearchParams
from multilateral.text.clauses import LABELS
from multilateral.text.worddiff import DELETE, EQUAL, INSERT
from multilateral.views.api import int_arg, json_body

__all__ = ["bp"]

bp = Blueprint("search", __name__)

_OPS = {DELETE: "delete", EQUAL: "equal", INSERT: "insert"}
_FILTERS = ("forum", "year", "status", "label", "kind", "paragraph_kind")


def _params(per_page_default: int = 20) -> SearchParams:
    args = request.args
    return SearchParams(
        q=args.get("q", ""),
        forum=args.get("forum") or None,
        year=args.get("year") or None,
        status=args.get("status") or None,
        label=args.get("label") or None,
        kind=args.get("kind") or None,
        paragraph_kind=args.get("paragraph_kind") or None,
        versions=args.get("versions") or "latest",
        page=int_arg("page", 1, maximum=1000),
        per_page=int_arg("per_page", per_page_default, maximum=100),
    )


@bp.app_template_filter("paragraph_url")
def paragraph_url(entry: IndexEntry) -> str:
    return (
        url_for("pages.document", document_id=entry.document_id, version=entry.version_number)
        + f"#p{entry.paragraph_id}"
    )


def _entry_dict(entry: IndexEntry) -> dict[str, Any]:
    return {
        "document": {
            "id": entry.document_id,
            "title": entry.title,
            "symbol": entry.symbol or None,
            "forum": entry.forum,
            "status": entry.status,
            "kind": entry.kind,
        },
        "version": entry.version_number,
        "year": entry.year,
        "paragraph": {
            "id": entry.paragraph_id,
            "number": entry.number,
            "kind": entry.paragraph_kind,
            "label": entry.label,
            "strength": entry.strength,
            "text": entry.text,
        },
        "url": paragraph_url(entry),
    }


def _hit_dict(hit: Hit) -> dict[str, Any]:
    return {**_entry_dict(hit.entry), "score": round(hit.score, 4), "snippet": hit.snippet}


def _precedent_dict(hit: PrecedentHit) -> dict[str, Any]:
    return {
        **_entry_dict(hit.entry),
        "similarity": hit.similarity,
        "also_in_versions": list(hit.also_in_versions),
        "diff": [{"op": _OPS[op], "text": text} for op, text in hit.diff],
    }


@bp.get("/api/search")
def api_search() -> Any:
    params = _params()
    result = search_service.search(params)
    return jsonify(
        query=params.q,
        versions=params.versions,
        total=result.total,
        page=params.page,
        per_page=params.per_page,
        hits=[_hit_dict(h) for h in result.hits],
        facets={
            name: [{"value": v, "count": n} for v, n in values]
            for name, values in result.facets.items()
        },
    )


@bp.post("/api/precedents")
def api_precedents() -> Any:
    data = json_body()
    text = data.get("text")
    if not isinstance(text, str):
        raise ServiceError(400, "missing-field", "text is required (a string).")
    limit = data.get("limit", 10)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 50:
        raise ServiceError(400, "bad-field", "limit must be a whole number from 1 to 50.")
    hits = search_service.precedents(text, limit=limit)
    return jsonify(precedents=[_precedent_dict(h) for h in hits])


@bp.get("/api/documents/<int:document_id>/versions/<int:number>/precedents")
def version_precedents(document_id: int, number: int) -> Any:
    """For each paragraph of a version, its closest language in *other* texts."""
    document = document_service.get_document(document_id)
    version = document_service.get_version(document, number)
    found = search_service.version_precedents(version)
    return jsonify(
        paragraphs={
            str(pid): [_precedent_dict(h) for h in hits] for pid, hits in found.items() if hits
        }
    )


def _group_by_document(hits: list[Hit]) -> list[tuple[IndexEntry, list[Hit]]]:
    groups: dict[int, tuple[IndexEntry, list[Hit]]] = {}
    for hit in hits:
        groups.setdefault(hit.entry.document_id, (hit.entry, []))[1].append(hit)
    return list(groups.values())


@bp.get("/search")
def search_page() -> Any:
    params = _params()
    forums = db.session.scalars(db.select(Forum).order_by(Forum.name)).all()
    context: dict[str, Any] = {
        "params": params,
        "forums": forums,
        "statuses": DOCUMENT_STATUSES,
        "labels": LABELS,
        "kinds": DOCUMENT_KINDS,
        "facet_names": FACETS,
        "filters": _FILTERS,
        "result": None,
        "groups": [],
        "error": None,
        "recent": [],
    }
    status = 200
    if not params.q.strip():
        context["recent"] = db.session.scalars(
            db.select(Document).order_by(Document.updated_at.desc(), Document.id.desc()).limit(10)
        ).all()
    else:
        try:
            result = search_service.search(params)
        except ServiceError as exc:
            if exc.status >= 500 or exc.code in ("bad-query", "bad-parameter"):
                context["error"] = exc.message
                status = exc.status
            else:
                raise
        else:
            context["result"] = result
            context["groups"] = _group_by_document(result.hits)
            context["pages"] = max(1, -(-result.total // params.per_page))
    return render_template("search/search.html", **context), status
