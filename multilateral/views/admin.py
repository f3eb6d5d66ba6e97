"""Administration pages: the audit log, on screen and as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context

from multilateral.models import AuditEntry
from multilateral.models.base import utcnow
from multilateral.services.audit import AuditFilter, audit_choices, audit_entries, audit_page
from multilateral.services.versions import parse_date
from multilateral.text.cells import spreadsheet_safe
from multilateral.views.api import int_arg
from multilateral.views.auth import require_role

__all__ = ["bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
CSV_COLUMNS = ("id", "at", "actor", "user_id", "action", "entity", "entity_id", "before", "after")


def _filter() -> AuditFilter:
    args = request.args
    return AuditFilter(
        entity=args.get("entity") or None,
        actor=args.get("user") or None,
        since=parse_date(args.get("from")),
        until=parse_date(args.get("to")),
    )


def _filter_args() -> dict[str, str]:
    """The filters of the current request, for links that keep them."""
    return {k: v for k in ("entity", "user", "from", "to") if (v := request.args.get(k, ""))}


@bp.get("/audit")
@require_role("admin")
def audit() -> Any:
    audit_filter = _filter()
    page = int_arg("page", 1, maximum=1_000_000)
    result = audit_page(audit_filter, page=page, per_page=PER_PAGE)
    entities, actors = audit_choices()
    return render_template(
        "admin/audit.html",
        result=result,
        entities=entities,
        actors=actors,
        filter_args=_filter_args(),
    )


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _csv_row(entry: AuditEntry) -> list[Any]:
    cells = [
        entry.id,
        entry.at.isoformat(timespec="seconds") + "Z",
        entry.actor,
        entry.user_id if entry.user_id is not None else "",
        entry.action,
        entry.entity,
        entry.entity_id if entry.entity_id is not None else "",
        _json(entry.before),
        _json(entry.after),
    ]
    return [spreadsheet_safe(cell) for cell in cells]


@bp.get("/audit.csv")
@require_role("admin")
def audit_csv() -> Response:
    audit_filter = _filter()

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for n, entry in enumerate(audit_entries(audit_filter), 1):
            writer.writerow(_csv_row(entry))
            if n % 500 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    name = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
