"""Clause analysis with the lexicon this application was configured with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app

from multilateral.errors import ServiceError
from multilateral.models import Paragraph
from multilateral.text import clauses
from multilateral.text.clauses import (
    Analysis,
    Cue,
    Lexicon,
    analyse,
    default_lexicon,
    load_lexicon,
    summarise,
)
from multilateral.text.segment import segment_text
from multilateral.text.units import Unit

__all__ = [
    "MAX_CLASSIFY_CHARS",
    "load_configured_lexicon",
    "current_lexicon",
    "analyse_paragraph",
    "analyse_units",
    "classify_text",
    "stored_analysis",
    "document_summary",
]

#: Pasted text above this many characters is refused with 413 (a long treaty is ~120,000).
MAX_CLASSIFY_CHARS = 1_000_000


def load_configured_lexicon(app: Flask) -> None:
    """Load and validate the lexicon at start-up: a malformed file stops the app here,
    with the file, line and problem in the message (LexiconError)."""
    path = app.config.get("LEXICON_PATH")
    app.extensions["lexicon"] = load_lexicon(path) if path else default_lexicon()


def current_lexicon() -> Lexicon:
    return current_app.extensions.get("lexicon") or default_lexicon()


def analyse_paragraph(text: str, kind: str) -> Analysis | None:
    """The analysis of one unit, or None for a unit with no text (an empty heading)."""
    if not text.strip():
        return None
    return analyse(text, kind=kind, lexicon=current_lexicon())


def analyse_units(units: Sequence[Unit]) -> list[Analysis | None]:
    """Analyse every unit of a version with the configured lexicon (see
    :func:`multilateral.text.clauses.analyse_units`)."""
    return clauses.analyse_units(units, lexicon=current_lexicon())


def classify_text(text: str) -> list[tuple[Unit, Analysis]]:
    """Segment pasted text and analyse each paragraph; nothing is stored."""
    if not isinstance(text, str) or not text.strip():
        raise ServiceError(400, "empty", "There is no text to analyse.")
    if len(text) > MAX_CLASSIFY_CHARS:
        raise ServiceError(
            413,
            "too-large",
            f"The text has {len(text):,} characters; the limit is {MAX_CLASSIFY_CHARS:,}.",
        )
    if "\x00" in text:
        raise ServiceError(400, "nul-bytes", "The text holds NUL characters.")
    units = segment_text(text).units
    return [(u, a) for u, a in zip(units, analyse_units(units), strict=True) if a is not None]


def stored_analysis(paragraph: Paragraph) -> Analysis:
    """The stored verdict on a paragraph, as the text layer's type."""
    return Analysis(
        label=paragraph.label,
        strength=paragraph.strength,
        cues=tuple(Cue(**cue) for cue in paragraph.cues or []),
        explanation=paragraph.explanation,
    )


def document_summary(paragraphs: Sequence[Paragraph]) -> dict[str, Any]:
    """Actionable share, hortatory share and the weakest operative paragraphs of a version."""
    return summarise([(p.number, p.kind, stored_analysis(p)) for p in paragraphs if p.text.strip()])
