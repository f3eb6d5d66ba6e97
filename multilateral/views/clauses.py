"""Clause analysis: ``POST /api/classify``, the analyse page, and cue mark-up for templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from markupsafe import Markup, escape

from multilateral.errors import ServiceError
from multilateral.services.analysis import classify_text
from multilateral.text.clauses import summarise
from multilateral.views.http import json_body

__all__ = ["bp", "with_cues"]

bp = Blueprint("clauses", __name__)


@bp.app_template_filter("with_cues")
def with_cues(text: str, cues: Sequence[dict[str, Any]] | None) -> Markup:
    """The paragraph text, escaped, with each cue span wrapped so it can be underlined.

    Spans are character offsets into the text; a cue overlapping an earlier one is skipped.
    """
    parts: list[str] = []
    at = 0
    for cue in sorted(cues or [], key=lambda c: (c["start"], -c["end"])):
        start, end = cue["start"], cue["end"]
        if start < at or end <= start or end > len(text):
            continue
        title = f"{cue['role']} ({cue['effect']:+d})"
        parts.append(str(escape(text[at:start])))
        parts.append(
            f'<span class="cue" data-role="{escape(cue["role"])}" title="{escape(title)}">'
            f"{escape(text[start:end])}</span>"
        )
        at = end
    parts.append(str(escape(text[at:])))
    return Markup("".join(parts))


@bp.post("/api/classify")
def classify_api() -> Any:
    data = json_body()
    text = data.get("text")
    if not isinstance(text, str):
        raise ServiceError(400, "missing-field", "text is required (a string).")
    return jsonify(
        paragraphs=[
            {"kind": unit.kind, "number": unit.number, "text": unit.text, **analysis.to_dict()}
            for unit, analysis in classify_text(text)
        ]
    )


@bp.route("/classify", methods=["GET", "POST"])
def classify_page() -> Any:
    text = request.form.get("text", "") if request.method == "POST" else ""
    results = []
    error = None
    if request.method == "POST":
        try:
            results = classify_text(text)
        except ServiceError as exc:
            error = exc.message
    summary = summarise([(u.number, u.kind, a) for u, a in results]) if results else None
    return render_template(
        "clauses/classify.html", text=text, results=results, error=error, summary=summary
    ), (400 if error else 200)
