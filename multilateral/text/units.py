"""The structural unit every importer produces and every analysis consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["KINDS", "LATIN_SUFFIXES", "Unit", "Segmented"]

#: The Latin suffixes of an inserted paragraph or article ("5 bis", "Article 16 ter"), as a
#: regular-expression alternation; every reader of paragraph numbers uses this one.
LATIN_SUFFIXES = "bis|ter|quater|quinquies|sexies|septies|octies|novies|decies"

#: Kinds of unit, in the negotiators' vocabulary. ``text`` is a plain paragraph
#: whose role could not be recognised.
KINDS = (
    "title",
    "preambular",
    "operative",
    "subparagraph",
    "chapter",
    "article",
    "paragraph",
    "heading",
    "annex",
    "text",
)


@dataclass(slots=True)
class Unit:
    """One paragraph-like unit of a negotiated text."""

    #: One of :data:`KINDS`.
    kind: str
    #: The number label as printed: "1", "5 bis", "(a)", "Article 6"; "" when none.
    number: str
    #: The text without its number label.
    text: str
    #: Index of the parent unit in the same list, or None at top level.
    parent: int | None = None
    #: Article heading or similar short caption, when the source has one.
    heading: str = ""
    #: True when the text holds unagreed [square-bracketed] language.
    bracketed: bool = False


@dataclass(slots=True)
class Segmented:
    """The result of segmenting one source: its units and what the reader should know."""

    units: list[Unit]
    title: str = ""
    #: Human-readable notes: dropped translation, accepted tracked changes, no structure found…
    warnings: list[str] = field(default_factory=list)
