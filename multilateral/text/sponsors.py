"""What the first page of a UN text says about where it stands and who put it forward.

A draft resolution names its main sponsors on the line before its title, the *sponsor line*:

    Indonesia and Philippines: draft resolution
    Argentina, Brazil, Chile and Mexico: draft resolution
    Philippines*: revised draft resolution
    Guyana (on behalf of the States Members of the United Nations that are members of the
    Group of 77 and China): draft resolution

:func:`read_sponsor_line` reads one such line into the names as printed (footnote marks
removed), the kind of document ("draft resolution", "revised draft resolution", "draft
decision", "amendment to draft resolution …") and the group a sponsor speaks for, given in
parentheses, after ", on behalf of", or in the footnote its mark points to
("* On behalf of the States Members of the United Nations that are members of the Group of
77 and China."). Names are split at commas and at the last "and"; a name that holds "and"
itself ("Trinidad and Tobago", "Saint Vincent and the Grenadines") stays whole, told by
``is_state`` when the caller has a list of states, else by :data:`NAMES_WITH_AND`.

The symbol says the stage of a text (:func:`parse_symbol`): ``A/C.3/80/L.18`` is a draft
(``L.`` for *limited distribution*) of the 80th session, ``…/L.18/Rev.1`` its first revised
draft, ``A/RES/80/185`` a resolution the Assembly adopted at its 80th session.
:func:`read_masthead` reads the symbol, the issue date, the adoption date ("Resolution adopted
by the General Assembly on 15 December 2025") and the closing meeting line ("62nd plenary
meeting") from the lines of a text as the importer keeps them, one masthead item per line.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from multilateral.text.country_names import name_key

__all__ = [
    "NAMES_WITH_AND",
    "Masthead",
    "SponsorLine",
    "SymbolInfo",
    "find_sponsor_line",
    "parse_symbol",
    "read_masthead",
    "read_sponsor_line",
]

#: UN names that hold " and ": a sponsor list is never split inside them when no list of
#: states is at hand (the UN short names of ``seed/states.csv``, and the old union).
NAMES_WITH_AND = (
    "Antigua and Barbuda",
    "Bosnia and Herzegovina",
    "Saint Kitts and Nevis",
    "Saint Vincent and the Grenadines",
    "Sao Tome and Principe",
    "Serbia and Montenegro",
    "Trinidad and Tobago",
    "United Kingdom of Great Britain and Northern Ireland",
)
_COMPOUND_KEYS = frozenset(name_key(name) for name in NAMES_WITH_AND)

#: Footnote marks printed after a sponsor's name or the colon: asterisks and daggers.
_MARKS = "*†‡"
_MARK_RUN = re.compile(f"[{re.escape(_MARKS)}]+")

#: "<sponsors>: [revised] draft resolution|decision" or "<sponsors>: amendment(s) to …",
#: footnote marks allowed before or after the colon and at the end.
_SPONSOR_LINE = re.compile(
    r"^(?P<sponsors>[^:]+?)\s*:\s*[*†‡]*\s*"
    r"(?P<document>(?:(?P<revised>revised)\s+)?draft\s+(?:resolution|decision)"
    r"|amendments?\s+to\s+(?:the\s+)?draft\s+(?:resolution|decision)\b.*?)"
    r"\s*[*†‡]*\s*$",
    re.IGNORECASE,
)
#: ", on behalf of …" or "(on behalf of …)" after the sponsor a group speaks through.
_ON_BEHALF = re.compile(r"^\s*on\s+behalf\s+of\s+", re.IGNORECASE)

# Symbols. General Assembly: A/RES/<session>/<n>; drafts A/<session>/L.<n> (plenary) and
# A/C.<committee>/<session>/L.<n>, revised …/Rev.<n>. Human Rights Council: A/HRC/RES/<s>/<n>
# and A/HRC/<s>/L.<n>. Other bodies number drafts by year (E/CN.15/2024/L.3): no session.
_GA_RESOLUTION = re.compile(r"^A/(?:HRC/)?RES/(?P<session>\d{1,3})/\d+\b", re.IGNORECASE)
_GA_DRAFT = re.compile(
    r"^A/(?:C\.\d/|HRC/)?(?P<session>\d{1,3})/L\.\d+(?:/Rev\.(?P<rev>\d+))?$", re.IGNORECASE
)
_ANY_RESOLUTION = re.compile(r"/RES/", re.IGNORECASE)
_ANY_DRAFT = re.compile(r"/L\.\d+(?:/Rev\.(?P<rev>\d+))?(?:/|$)", re.IGNORECASE)
#: A line that is a document symbol (masthead): "A/C.3/80/L.18", "A/RES/78/180".
_SYMBOL_LINE = re.compile(r"^[A-Z]{1,3}(?:/[A-Za-z0-9.]+)+$")

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_DATE = r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})"
_DATE_LINE = re.compile(rf"^{_DATE}$")
_ADOPTED_ON = re.compile(rf"^Resolution\s+adopted\s+by\s+the\s+.+?\s+on\s+{_DATE}\b", re.I)
_MEETING = re.compile(r"^(?P<meeting>\d+(?:st|nd|rd|th)\s+plenary\s+meeting)$", re.IGNORECASE)
#: Where the masthead ends: the body opens with the body's name ("The General Assembly,").
_BODY_OPENS = re.compile(r"^The\s+[A-Z][\w\s-]*,$")


@dataclass(frozen=True, slots=True)
class SponsorLine:
    """One sponsor line, read."""

    #: The sponsors' names as printed, footnote marks removed, in the printed order.
    sponsors: tuple[str, ...]
    #: What the document is, lower case: "draft resolution", "revised draft resolution" …
    document: str
    #: True for a revised draft.
    revised: bool = False
    #: The group the sponsors speak for ("the States Members of the United Nations that are
    #: members of the Group of 77 and China"); "" when none is named.
    on_behalf_of: str = ""
    #: Names printed with a footnote mark ("Philippines*").
    footnoted: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SymbolInfo:
    """What a symbol says about a text."""

    #: "draft", "revised-draft" or "adopted" (the stages a symbol can tell).
    stage: str
    #: The session number, when the symbol carries one (General Assembly, Human Rights
    #: Council); None otherwise.
    session: int | None
    #: n of "Rev.n" for a revised draft; None otherwise.
    revision: int | None = None


@dataclass(frozen=True, slots=True)
class Masthead:
    """What the first page and the closing lines of a text say, where they say it."""

    symbol: str | None = None
    #: The date printed under the distribution line (the day the document was issued).
    issued_on: date | None = None
    #: "Resolution adopted by the General Assembly on <date>".
    adopted_on: date | None = None
    #: The closing meeting line of a resolution: "62nd plenary meeting".
    meeting: str = ""
    sponsor_line: SponsorLine | None = None


def _clean(name: str) -> str:
    return " ".join(_MARK_RUN.sub(" ", name).split())


def _top_level_split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside parentheses."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _default_is_name(name: str) -> bool:
    key = name_key(_clean(name))
    return key in _COMPOUND_KEYS or " and " not in f" {_clean(name).lower()} "


def _split_last(part: str, is_name: Callable[[str], bool]) -> list[str]:
    """The last item of a list, "B and C", as two names; a name with "and" stays whole."""
    if is_name(part):
        return [part]
    pieces = _top_level_split(part, " and ")
    if len(pieces) == 1:
        return [part]
    for cut in range(1, len(pieces)):
        left, right = " and ".join(pieces[:cut]), " and ".join(pieces[cut:])
        if is_name(left) and is_name(right):
            return [left, right]
    if is_name is not _default_is_name:
        return _split_last(part, _default_is_name)
    return [" and ".join(pieces[:-1]), pieces[-1]]


def _split_names(text: str, is_name: Callable[[str], bool]) -> list[str]:
    parts = [p.strip() for p in _top_level_split(text, ",") if p.strip()]
    if not parts:
        return []
    last = re.sub(r"^and\s+", "", parts[-1])  # "A, B, and C"
    return [*parts[:-1], *_split_last(last, is_name)]


def _group_of(footnote: str) -> str:
    """The group a footnote says a sponsor speaks for, or ""."""
    text = _MARK_RUN.sub("", footnote, count=1).strip() if footnote[:1] in _MARKS else footnote
    if not _ON_BEHALF.match(text):
        return ""
    return _ON_BEHALF.sub("", text).strip().rstrip(".").strip()


def read_sponsor_line(
    line: str,
    *,
    footnotes: Sequence[str] = (),
    is_state: Callable[[str], bool] | None = None,
) -> SponsorLine | None:
    """The sponsor line ``line`` read, or None when it is not one.

    ``footnotes``: the page's footnote lines ("* On behalf of …"), read when a name carries
    a mark. ``is_state``: says whether a string names a state (a resolver's answer); without
    it, :data:`NAMES_WITH_AND` keeps compound names whole.
    """
    text = " ".join(line.split())
    match = _SPONSOR_LINE.match(text)
    if match is None:
        return None
    raw = match["sponsors"]
    on_behalf_of = ""
    # "(on behalf of …)" in parentheses: the group; other parentheses belong to a name
    # ("Bolivia (Plurinational State of)").
    inner = re.search(r"\((?P<inner>[^()]*)\)\s*[*†‡]*\s*$", raw)
    if inner and _ON_BEHALF.match(inner["inner"]):
        on_behalf_of = _ON_BEHALF.sub("", inner["inner"]).strip()
        raw = raw[: inner.start()]
    else:
        comma = re.search(r",\s*on\s+behalf\s+of\s+(?P<group>.+)$", raw, re.IGNORECASE)
        if comma:
            on_behalf_of = _clean(comma["group"])
            raw = raw[: comma.start()]
    marked = _MARK_RUN.search(raw + text[match.end("sponsors") :]) is not None
    is_name = (lambda name: is_state(_clean(name))) if is_state else _default_is_name
    names = _split_names(raw, is_name)
    sponsors = tuple(_clean(name) for name in names if _clean(name))
    footnoted = tuple(_clean(name) for name in names if _MARK_RUN.search(name))
    if not on_behalf_of and marked:
        on_behalf_of = next((g for g in map(_group_of, footnotes) if g), "")
    # Lower case, but a symbol the amendment names keeps its own ("A/C.3/80/L.18").
    document = " ".join(w if "/" in w else w.lower() for w in match["document"].split())
    return SponsorLine(
        sponsors=sponsors,
        document=document,
        revised=bool(match["revised"]),
        on_behalf_of=on_behalf_of,
        footnoted=footnoted,
    )


def find_sponsor_line(
    lines: Iterable[str], *, is_state: Callable[[str], bool] | None = None
) -> SponsorLine | None:
    """The first sponsor line among the masthead ``lines`` (up to "The General Assembly,");
    footnote lines among them ("* On behalf of …") are read with it."""
    head: list[str] = []
    for line in lines:
        text = " ".join(line.split())
        if _BODY_OPENS.match(text):
            break
        head.append(text)
    footnotes = [text for text in head if text[:1] in _MARKS]
    for text in head:
        found = read_sponsor_line(text, footnotes=footnotes, is_state=is_state)
        if found is not None:
            return found
    return None


def parse_symbol(symbol: str) -> SymbolInfo | None:
    """The stage, session and revision a symbol tells; None when it tells no stage."""
    symbol = "".join(symbol.split())
    resolution = _GA_RESOLUTION.match(symbol)
    if resolution:
        return SymbolInfo("adopted", int(resolution["session"]))
    draft = _GA_DRAFT.match(symbol)
    if draft:
        revision = int(draft["rev"]) if draft["rev"] else None
        stage = "revised-draft" if revision else "draft"
        return SymbolInfo(stage, int(draft["session"]), revision)
    if _ANY_RESOLUTION.search(symbol):
        return SymbolInfo("adopted", None)
    other = _ANY_DRAFT.search(symbol)
    if other:
        revision = int(other["rev"]) if other["rev"] else None
        return SymbolInfo("revised-draft" if revision else "draft", None, revision)
    return None


def _date(match: re.Match[str]) -> date | None:
    month = match["month"].lower()
    if month not in _MONTHS:
        return None
    try:
        return date(int(match["year"]), _MONTHS.index(month) + 1, int(match["day"]))
    except ValueError:
        return None


def read_masthead(
    lines: Sequence[str], *, is_state: Callable[[str], bool] | None = None
) -> Masthead:
    """Symbol, issue date, adoption date, closing meeting and sponsor line of a text given
    as its lines (one masthead item per line, as ``tests/data/texts/un`` keeps them).

    Only what is printed is read: a resolution's issue date is not its adoption date, and a
    draft's issue date is not the day it was introduced."""
    texts = [" ".join(line.split()) for line in lines]
    head: list[str] = []
    for text in texts:
        if _BODY_OPENS.match(text):
            break
        head.append(text)
    symbol = next((t for t in head if _SYMBOL_LINE.match(t) and parse_symbol(t)), None)
    issued_on = adopted_on = None
    for text in head:
        if issued_on is None and (found := _DATE_LINE.match(text)):
            issued_on = _date(found)
        if adopted_on is None and (found := _ADOPTED_ON.match(text)):
            adopted_on = _date(found)
    meeting = ""
    tail = [t for t in texts[len(head) :] if t][-3:]
    for text in tail:
        if found := _MEETING.match(text):
            meeting = found["meeting"]
    return Masthead(
        symbol=symbol,
        issued_on=issued_on,
        adopted_on=adopted_on,
        meeting=meeting,
        sponsor_line=find_sponsor_line(head, is_state=is_state),
    )
