"""Comparing versions: JSON, Word redline and the compare page, for versions of one
document (``/documents/<id>/compare``) or of any two (``/compare?from=<doc>:<n>&to=…``).

The compare page shows one page of pairs (long runs of unchanged paragraphs collapsed, long
comparisons cut into pages) under a summary of the whole comparison; a collapsed run opens
through ``…/compare/pairs``, which answers the HTML of its pairs.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request
from flask_login import current_user

from multilateral.errors import ServiceError
from multilateral.models import Document, Version
from multilateral.services import documents as document_service
from multilateral.services.compare import (
    ASSESSMENTS,
    FILTERS,
    compare_versions,
    comparison_docx,
    comparison_fragment,
    comparison_page,
)
from multilateral.views.http import parse_int

__all__ = ["bp"]

bp = Blueprint("compare", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: "7:2" names version 2 of document 7.
_CROSS_REF = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")
#: Largest page number or pair index a query may name (a comparison has at most 10,000 pairs).
_MAX_INDEX = 100_000


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


def _previous(document: Document, new: Version) -> Version:
    """The version before ``new`` (``new`` itself for the first)."""
    earlier = [v for v in document.versions if v.number < new.number]
    return earlier[-1] if earlier else new


def _document_versions(document_id: int, *, defaults: bool) -> tuple[Version, Version]:
    """The versions ``from`` and ``to`` name. With ``defaults`` (the page), a missing ``to``
    is the latest version and a missing ``from`` the version before ``to``, so a link to
    ``compare?to=<n>`` shows what version n changed."""
    document = document_service.get_document(document_id)
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    if defaults and document.versions:
        if not (raw_to or "").strip():
            raw_to = str(document.versions[-1].number)
        if not (raw_from or "").strip():
            new = document_service.get_version(document, _number("to", raw_to))
            return _previous(document, new), new
    old = document_service.get_version(document, _number("from", raw_from))
    new = document_service.get_version(document, _number("to", raw_to))
    return old, new


def _assessments() -> str:
    raw = request.args.get("assessments", "none")
    if raw not in ASSESSMENTS:
        raise ServiceError(
            400, "bad-parameter", f"assessments must be one of: {', '.join(ASSESSMENTS)}."
        )
    return raw


def _docx(old: Version, new: Version) -> Response:
    assessments = _assessments()
    data = comparison_docx(
        compare_versions(old, new), author=current_user.username, assessments=assessments
    )
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


def _view() -> str:
    return "inline" if request.args.get("view") == "inline" else "side"


def _only() -> str:
    """What the page lists: the "Only weakened" and "Only changes" boxes (weakened wins)."""
    chosen = request.args.getlist("only")
    return next((f for f in reversed(FILTERS) if f in chosen), "all")


def _optional_int(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    return parse_int(name, raw.strip(), minimum=0 if name != "page" else 1, maximum=_MAX_INDEX)


def _versions_query(old: Version, new: Version, *, cross: bool) -> dict[str, str]:
    if cross:
        return {"from": f"{old.document_id}:{old.number}", "to": f"{new.document_id}:{new.number}"}
    return {"from": str(old.number), "to": str(new.number)}


def _page(old: Version, new: Version, *, base: str, fragment: str, docx: str, cross: bool) -> Any:
    view, only, pair = _view(), _only(), _optional_int("pair")
    page = comparison_page(old, new, only=only, page=_optional_int("page") or 1, pair=pair)
    if pair is not None and page.page_of(pair) is None and only != "all":
        only = "all"  # a link to a pair the filter hides: show it among all pairs
        page = comparison_page(old, new, only=only, pair=pair)
    versions = list(_versions_query(old, new, cross=cross).items())

    filters = [("only", only)] if only != "all" else []
    queries = {v: urlencode([*versions, ("view", v), *filters]) for v in ("side", "inline")}

    def url(path: str, *extra: tuple[str, int], as_view: str = view) -> str:
        return f"{path}?{queries[as_view]}" + "".join(f"&{k}={n}" for k, n in extra)

    def pair_link(index: int) -> str:
        """Where the summary's link to pair ``index`` goes: an anchor on this page, or the
        page that holds it."""
        if page.page_of(index) == page.number:
            return f"#pair-{index}"
        return url(base, ("pair", index)) + f"#pair-{index}"

    def change_url(change: tuple[int, int] | None) -> str:
        return url(base, ("page", change[1])) + f"#pair-{change[0]}" if change else ""

    here = [("page", page.number)] if page.number > 1 else []
    return render_template(
        "compare/compare.html",
        summary=page.summary,
        page=page,
        old=old,
        new=new,
        view=view,
        listing=only,
        versions=versions,
        docx_url=docx,
        view_urls={v: url(base, *here, as_view=v) for v in ("side", "inline")},
        page_urls={n: url(base, ("page", n)) for n in range(1, page.count + 1)},
        fragment_url=url(fragment),
        pair_url=url(base),
        pair_link=pair_link,
        previous_url=change_url(page.previous_change),
        next_url=change_url(page.next_change),
    )


def _fragment(old: Version, new: Version) -> Any:
    start, stop = _optional_int("start"), _optional_int("stop")
    if start is None or stop is None:
        raise ServiceError(400, "missing-parameter", "start and stop (pair indices) are required.")
    blocks = comparison_fragment(
        old,
        new,
        only=_only(),
        start=start,
        stop=stop,
        focus=_optional_int("focus"),
    )
    return render_template("compare/_blocks.html", blocks=blocks, view=_view(), new=new)


@bp.get("/documents/<int:document_id>/compare")
def compare_page(document_id: int) -> Any:
    old, new = _document_versions(document_id, defaults=True)
    return _page(
        old,
        new,
        base=f"/documents/{document_id}/compare",
        fragment=f"/documents/{document_id}/compare/pairs",
        docx=f"/api/documents/{document_id}/compare.docx",
        cross=False,
    )


@bp.get("/documents/<int:document_id>/compare/pairs")
def compare_pairs(document_id: int) -> Any:
    return _fragment(*_document_versions(document_id, defaults=False))


@bp.get("/compare")
def cross_compare_page() -> Any:
    old, new = _cross("from", request.args.get("from")), _cross("to", request.args.get("to"))
    return _page(
        old, new, base="/compare", fragment="/compare/pairs", docx="/api/compare.docx", cross=True
    )


@bp.get("/compare/pairs")
def cross_compare_pairs() -> Any:
    return _fragment(_cross("from", request.args.get("from")), _cross("to", request.args.get("to")))
