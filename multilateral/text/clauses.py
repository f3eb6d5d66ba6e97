"""Which clauses bite: label a paragraph actionable, hortatory or descriptive and score it.

Negotiators read a draft for what it obliges or mandates. This module gives every paragraph a
label, a strength from 0 to 100 that orders clauses the way a negotiator would, and the words
that decided it (cues with character spans into the original text), so the compare view can
flag "decides" becoming "encourages" or a deadline that vanished.

The vocabulary is data, not code: a TOML lexicon per language (``lexicon/en.toml`` by default)
that users can read and extend. All of a lexicon's phrases are compiled into ONE regular
expression, so each paragraph is scanned once, whatever the size of the lexicon. Most text is
scanned lowered, by an equivalent pair of patterns that skips the inside of words and compares
case-sensitively (``_fast_patterns``; the same matches, about twice as fast).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from multilateral.text.units import LATIN_SUFFIXES

if TYPE_CHECKING:
    from multilateral.text.units import Unit

__all__ = [
    "LABELS",
    "ROLES",
    "Analysis",
    "Clause",
    "Cue",
    "Lexicon",
    "LexiconError",
    "analyse",
    "analyse_units",
    "clauses_of",
    "default_lexicon",
    "load_lexicon",
    "lower_aligned",
    "summarise",
]

#: The three labels, weakest last in the sense of "what a negotiator must watch".
LABELS = ("actionable", "hortatory", "descriptive")

#: What a cue does in the clause.
ROLES = (
    "operative verb",
    "modal",
    "softener",
    "addressee",
    "deadline",
    "reporting requirement",
    "resources",
    "quantity",
    "no lexicon match",
)

#: Label ranks, weakest first: a move down this scale is a weakening whatever the score.
LABEL_RANK = {"descriptive": 0, "hortatory": 1, "actionable": 2}

#: The English lexicon shipped with the package.
DEFAULT_LEXICON_PATH = Path(__file__).with_name("lexicon") / "en.toml"

#: Unit kinds that never carry operative language of their own.
_DESCRIPTIVE_KINDS = frozenset({"preambular", "title", "heading", "chapter", "annex"})

#: Lexicon tables, the cue role each produces and the keys each entry may hold.
_TABLES: dict[str, tuple[str, frozenset[str]]] = {
    # Spans that only look like cues (a month in a date, a quoted title): matched first and
    # dropped, so "15 May 2013" holds no modal and "“… shall …”" no obligation.
    "ignore": ("ignored", frozenset()),
    "verb": (
        "operative verb",
        frozenset(
            {
                "class",
                "strength",
                "mandate",
                "class_without_body",
                "strength_without_body",
                "position",
                "preambular",
                "restated",
            }
        ),
    ),
    "modal": ("modal", frozenset({"class", "strength", "overrides", "final_clause", "position"})),
    "softener": ("softener", frozenset({"effect", "demotes"})),
    "addressee": ("addressee", frozenset({"kind", "effect"})),
    "deadline": ("deadline", frozenset({"effect"})),
    "reporting": ("reporting requirement", frozenset({"effect"})),
    "resources": ("resources", frozenset({"effect", "demotes"})),
    "quantity": ("quantity", frozenset({"effect"})),
}
_TERM_KEYS = frozenset({"verbs", "phrases", "patterns"})
_TOP_KEYS = frozenset({"language", "name", "settings", "bands"}) | frozenset(_TABLES)
_SETTINGS = {
    "softener_window": 32,
    "addressee_window": 70,
    "min_stopword_share": 0.10,
}
_ADDRESSEE_KINDS = ("body", "party", "states")
_POSITIONS = ("start", "clause", "anywhere")

#: What may stand before a paragraph-opening verb: a number label ("1.", "5 bis", "(a)", "a)"),
#: then adverbs ("Also", "Further", "Strongly", "Once again").
_OPENING = re.compile(
    rf"\s*(?:(?:\(?\d{{1,3}}\s*(?:{LATIN_SUFFIXES})?[.)]?|\(?[a-z]{{1,4}}\)|[a-z]\.)\s+)?"
    r"(?:(?:also|further|furthermore|moreover|once\s+again|again|[a-z]+ly)\s*,?\s+)*",
    re.IGNORECASE,
)
#: What may stand before a verb that opens a later clause: "…, and requests", "…; urges".
_CLAUSE_JOIN = re.compile(
    r"(?:\band|;)\s*(?:(?:also|further|[a-z]+ly)\s+)?$",
    re.IGNORECASE,
)
#: What may stand before a finite resolution verb that opens a later clause of an operative
#: paragraph: "…, and therefore decides", "…, and in this regard calls upon", "…; also requests".
_LATER_CLAUSE = re.compile(
    r"(?:[,;]|\band\b|\bwhile\b)\s*(?:(?:and|also|further|furthermore|therefore|thus|hence|"
    r"in\s+(?:this|that)\s+(?:regard|respect|context)|to\s+(?:this|that)\s+end|"
    r"in\s+particular|once\s+again|again|[a-z]+ly)\s*,?\s*)*$",
    re.IGNORECASE,
)
#: A finite (third person) resolution verb, after any adverbs: "requests", "strongly urges".
_FINITE = re.compile(
    r"(?:(?:also|further|once\s+again|again|[a-z]+ly)\s+)*[a-z-]*[^s\W]s\b.*",
    re.IGNORECASE | re.DOTALL,
)
#: Sentence boundaries used to scope softeners (". ", "; ", ": ").
_SENTENCE_END = re.compile(r"[.;:]\s")
#: A parenthetical right after a verb: ", in applying measures referred to in this chapter,".
_ASIDE = re.compile(r"\s*,[^,;.]{1,120},")
#: Words, for the "is this English at all?" check (letters only, any script).
_WORD = re.compile(r"[^\W\d_]+")
#: The next word after a cue, to say what a softener qualifies ("'shall consider' … 'adopting'").
_NEXT_WORD = re.compile(r"[\s,]*([^\W\d_][\w-]*)")


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file, the line and the fault."""


@dataclass(frozen=True, slots=True)
class Cue:
    """A word or phrase that moved the analysis, with its span in the original text."""

    start: int
    end: int
    #: One of :data:`ROLES`.
    role: str
    #: Exactly ``original_text[start:end]``.
    text: str
    #: Points this cue added to (positive) or removed from (negative) the strength.
    effect: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "role": self.role,
            "text": self.text,
            "effect": self.effect,
        }


@dataclass(frozen=True, slots=True)
class Clause:
    """One operative clause of a paragraph: the verb that opens it and what it commits.

    "Takes note of the report …, and requests the Secretary-General to report …" holds two
    clauses, a descriptive one and an actionable one; the strongest decides the paragraph.
    """

    start: int
    end: int
    #: The opening verb as written ("requests", "Also calls upon").
    verb: str
    #: One of :data:`LABELS`.
    label: str
    #: The verb's strength after addressee and demoting softeners, before concreteness.
    strength: int
    #: Whom the clause addresses, as written ("the Secretary-General"), or "".
    addressee: str = ""
    #: The deadline and reporting duty inside the clause, as written, or "".
    deadline: str = ""
    reporting: str = ""
    #: Softeners that demoted or qualified the verb ("as appropriate", "consider").
    softeners: tuple[str, ...] = ()
    #: True for a mandate restated rather than new ("Reaffirms its request to …").
    restated: bool = False

    @property
    def rank(self) -> tuple[int, int]:
        return LABEL_RANK[self.label], self.strength

    def describe(self) -> str:
        """ "'requests' → the Secretary-General: actionable (restated), deadline '…'"."""
        words = f"'{' '.join(self.verb.split())}'"
        if self.addressee:
            words += f" → {' '.join(self.addressee.split())}"
        words += f": {self.label}"
        if self.restated:
            words += " (restated)"
        if self.softeners:
            words += f", qualified by {', '.join(repr(s) for s in self.softeners)}"
        if self.deadline:
            words += f", deadline '{' '.join(self.deadline.split())}'"
        return words

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "verb": self.verb,
            "label": self.label,
            "strength": self.strength,
            "addressee": self.addressee,
            "deadline": self.deadline,
            "reporting": self.reporting,
            "softeners": list(self.softeners),
            "restated": self.restated,
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """The verdict on one paragraph."""

    #: One of :data:`LABELS`.
    label: str
    #: 0–100; the label's band (see the lexicon's [bands]) bounds it.
    strength: int
    cues: tuple[Cue, ...]
    #: One sentence, in the negotiators' terms, saying why.
    explanation: str
    #: The operative clauses, in order (empty for a paragraph with no operative verb, such as a
    #: preambular paragraph or a treaty article decided by its modals).
    clauses: tuple[Clause, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "strength": self.strength,
            "cues": [cue.to_dict() for cue in self.cues],
            "explanation": self.explanation,
            "clauses": [clause.to_dict() for clause in self.clauses],
        }


@dataclass(frozen=True, slots=True)
class _Entry:
    """One table of the lexicon file, after validation."""

    table: str
    role: str
    index: int
    klass: str = ""
    strength: int = 0
    effect: int = 0
    demotes: bool = False
    overrides: bool = False
    final_clause: bool = False
    mandate: bool = False
    class_without_body: str = "hortatory"
    strength_without_body: int = 0
    position: str = "anywhere"
    kind: str = ""
    preambular: bool = False
    restated: bool = False


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon with its single compiled pattern."""

    path: Path
    language: str
    name: str
    softener_window: int
    addressee_window: int
    min_stopword_share: float
    stopwords: frozenset[str]
    bands: dict[str, tuple[int, int]]
    entries: tuple[_Entry, ...]
    #: Every phrase and pattern of every entry, in one regular expression.
    pattern: re.Pattern[str] = field(repr=False)
    #: The same matches, read faster from the lowered text (see :func:`_fast_patterns`): the
    #: pattern for the paragraph's start and the one for after a separator; None without.
    fast_patterns: tuple[re.Pattern[str], re.Pattern[str]] | None = field(repr=False)
    #: Normalised literal phrase -> the entries that list it, in file order.
    literals: dict[str, tuple[_Entry, ...]] = field(repr=False)
    #: Regex group name of a raw pattern -> its entry.
    patterns: dict[str, _Entry] = field(repr=False)
    #: Every alternative on its own, for the naive baseline in bench/bench_classify.py.
    alternatives: tuple[tuple[str, _Entry], ...] = field(repr=False)


# --------------------------------------------------------------------------------------------
# Loading and validating a lexicon
# --------------------------------------------------------------------------------------------


def _inflect(phrase: str) -> list[str]:
    """Base, third person and past forms of a verb phrase: "call upon" -> "calls upon", ….

    The verb is the first word that is not an adverb ("strongly urge" inflects "urge").
    """
    words = phrase.split()
    at = 0
    while at < len(words) - 1 and (
        words[at] in ("also", "once", "again") or words[at].endswith("ly")
    ):
        at += 1
    verb = words[at]
    if verb.endswith("e"):
        forms = [verb, verb + "s", verb + "d"]
    elif verb.endswith(("s", "sh", "ch", "x", "z")):
        forms = [verb, verb + "es", verb + "ed"]
    elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
        forms = [verb, verb[:-1] + "ies", verb[:-1] + "ied"]
    else:
        forms = [verb, verb + "s", verb + "ed"]
        if re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdgklmnprt]", verb) and len(verb) <= 6:
            forms.append(verb + verb[-1] + "ed")  # commit -> committed
    return [" ".join([*words[:at], form, *words[at + 1 :]]) for form in forms]


def _phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: escaped, any whitespace run matching any whitespace run."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def _line_of(
    source: str, table: str | None, index: int | None = None, key: str | None = None
) -> int:
    """The 1-based line in ``source`` of ``[[table]]`` number ``index`` (and its ``key``)."""
    lines = source.splitlines()
    start = 0
    if table is not None:
        header = re.compile(
            rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]"
            if index is not None
            else rf"^\s*\[\s*{re.escape(table)}\s*\]"
        )
        seen = -1
        for number, line in enumerate(lines):
            if header.match(line):
                seen += 1
                if index is None or seen == index:
                    start = number
                    break
        else:
            return 1
    if key is None:
        return start + 1
    key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number in range(start if table is None else start + 1, len(lines)):
        if table is not None and re.match(r"^\s*\[", lines[number]):
            break
        if key_line.match(lines[number]):
            return number + 1
    return start + 1


def load_lexicon(path: str | Path) -> Lexicon:
    """Read, validate and compile a lexicon file.

    Raises :class:`LexiconError` naming the file, the line and the problem, so whoever extended
    the lexicon can fix it without reading this module.
    """
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the lexicon: {exc}") from exc
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)".
        found = re.search(r"at line (\d+)", str(exc))
        line = found.group(1) if found else "?"
        raise LexiconError(f"{path}, line {line}: not valid TOML: {exc}") from exc
    return _build(path, source, data)


def _build(path: Path, source: str, data: dict[str, Any]) -> Lexicon:
    def fail(
        message: str, table: str | None = None, index: int | None = None, key: str | None = None
    ):
        raise LexiconError(f"{path}, line {_line_of(source, table, index, key)}: {message}")

    for key in data:
        if key not in _TOP_KEYS:
            fail(f"unknown key or table {key!r}", key if key in data else None)
    language = data.get("language")
    if not isinstance(language, str) or not language:
        fail("missing 'language' (for example language = \"en\")", None, None, "language")
    settings = dict(_SETTINGS)
    raw_settings = data.get("settings", {})
    stopwords = raw_settings.get("stopwords", [])
    for key, value in raw_settings.items():
        if key == "stopwords":
            if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
                fail("'stopwords' must be a list of words", "settings", None, key)
        elif key not in _SETTINGS:
            fail(f"unknown setting {key!r}", "settings", None, key)
        elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            fail(f"setting {key!r} must be a non-negative number", "settings", None, key)
        else:
            settings[key] = value
    bands = {"actionable": (50, 100), "hortatory": (10, 69), "descriptive": (0, 20)}
    for key, value in data.get("bands", {}).items():
        ok = (
            key in LABELS
            and isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and 0 <= v <= 100 for v in value)
            and value[0] <= value[1]
        )
        if not ok:
            fail(f"band {key!r} must be a label with [low, high] within 0-100", "bands", None, key)
        bands[key] = (value[0], value[1])

    entries: list[_Entry] = []
    literals: dict[str, list[_Entry]] = {}
    patterns: list[tuple[str, _Entry]] = []
    for table, (role, allowed) in _TABLES.items():
        items = data.get(table, [])
        if not isinstance(items, list):
            fail(f"{table!r} must be written as [[{table}]] tables", table)
        for index, item in enumerate(items):
            entry, phrases, raw = _entry(item, table, role, allowed, index, fail)
            entries.append(entry)
            for phrase in phrases:
                literals.setdefault(phrase, []).append(entry)
            for regex in raw:
                try:
                    re.compile(regex)
                except re.error as exc:
                    fail(f"bad pattern {regex!r}: {exc}", table, index, "patterns")
                patterns.append((regex, entry))

    # The raw patterns (dates, sessions, numbers) each get a named group; every literal phrase
    # goes into ONE prefix tree, so a word start costs a few character tests, not one per phrase.
    parts = [f"(?P<p{number}>{regex})" for number, (regex, _entry) in enumerate(patterns)]
    if literals:
        parts.append(f"(?P<lit>{_trie_regex(literals)})")
    # (?<![\w-]) and (?![\w-]) rather than \b, so phrases may begin or end with punctuation.
    combined = r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])" if parts else r"(?!x)x"
    alternatives = [(_phrase_regex(p), e) for p, es in literals.items() for e in es] + patterns
    return Lexicon(
        path=path,
        language=language,
        name=str(data.get("name", language)),
        softener_window=int(settings["softener_window"]),
        addressee_window=int(settings["addressee_window"]),
        min_stopword_share=float(settings["min_stopword_share"]),
        stopwords=frozenset(w.lower() for w in stopwords),
        bands=bands,
        entries=tuple(entries),
        pattern=re.compile(combined, re.IGNORECASE),
        fast_patterns=_fast_patterns(literals, [regex for regex, _entry in patterns]),
        literals={key: tuple(value) for key, value in literals.items()},
        patterns={f"p{number}": entry for number, (_regex, entry) in enumerate(patterns)},
        alternatives=tuple(alternatives),
    )


def _trie_regex(phrases: Iterable[str]) -> str:
    """One regex for many normalised phrases, factored by common prefixes.

    Optional tails are greedy, so the longest phrase wins ("shall consider" over "shall"); the
    caller's closing word-boundary check makes the engine back off to a shorter phrase when a
    longer one would end inside a word.
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [
            (r"\s+" if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


#: Characters whose lowercase is one character that matches, case-insensitively, exactly what
#: that character matches (checked in tests/text/test_fast_paths.py): ASCII, Latin-1, the
#: Latin Extended blocks and General Punctuation (curly quotes, dashes), less the four with
#: extra case partners in the regular-expression engine (µ, İ, ı, ſ).
_CASE_SAFE = "\\x00-\\xb4\\xb6-\\u012f\\u0132-\\u017e\\u0180-\\u024f\\u2000-\\u206f"
_CASE_UNSAFE = re.compile(f"[^{_CASE_SAFE}]")


def lower_aligned(text: str) -> str | None:
    """``text.lower()`` when a case-sensitive match on it is a case-insensitive match on
    ``text`` at the same offsets; None otherwise (Greek, Cyrillic, a dotted capital I …)."""
    if not text.isascii() and _CASE_UNSAFE.search(text) is not None:
        return None
    return text.lower()


def _parse(regex: str) -> Any:
    """The standard library's parse of ``regex`` (case-insensitive), or None."""
    try:
        from re import _parser

        return _parser.parse(regex, re.IGNORECASE)
    except Exception:  # noqa: BLE001 (any surprise: the pattern is not sped up)
        return None


def _case_free(parsed: Any) -> bool:
    """True when ``parsed`` names no upper-case letter and sets no flags: compared
    case-sensitively with lowered text it then matches what it matches case-insensitively with
    the original (for text that :func:`lower_aligned` accepts)."""
    from re import _parser as sre

    def cased(code: int) -> bool:
        return chr(code).lower() != chr(code) or _CASE_UNSAFE.match(chr(code)) is not None

    for op, av in parsed:
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            if cased(av):
                return False
        elif op is sre.IN:
            for kind, value in av:
                if kind is sre.LITERAL and cased(value):
                    return False
                if kind is sre.RANGE and (
                    value[1] - value[0] > 0x300 or any(map(cased, range(value[0], value[1] + 1)))
                ):
                    return False
                if kind not in (sre.LITERAL, sre.RANGE, sre.NEGATE, sre.CATEGORY):
                    return False
        elif op is sre.BRANCH:
            if not all(_case_free(branch) for branch in av[1]):
                return False
        elif op is sre.SUBPATTERN:
            if av[1] or av[2] or not _case_free(av[3]):
                return False  # (?-i:…) and other flags keep the original reading
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            if not _case_free(av[2]):
                return False
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            if not _case_free(av[1]):
                return False
        elif op is sre.ATOMIC_GROUP:
            if not _case_free(av):
                return False
        elif op not in (sre.AT, sre.ANY):
            return False  # back references, conditionals: keep the original reading
    return True


def _first_chars(parsed: Any) -> str | None:
    """A character class (for lowered text) holding every character a case-insensitive match
    of the parsed pattern can start with; None when that cannot be told or when it may match
    the empty string."""
    from re import _parser as sre

    categories = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}

    def char(code: int) -> str | None:
        found = chr(code)
        if (found.isascii() or found.lower() == found.upper()) and not _CASE_UNSAFE.match(found):
            return re.escape(found.lower())
        return None

    def sequence(items: list) -> set[str] | None:
        for at, (op, av) in enumerate(items):
            if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
                continue  # zero-width: the first character comes after it
            if op is sre.LITERAL:
                found = char(av)
                return {found} if found else None
            if op is sre.IN:
                out: set[str] = set()
                for kind, value in av:
                    if kind is sre.LITERAL and char(value):
                        out.add(char(value))  # type: ignore[arg-type]
                    elif kind is sre.RANGE and value[1] < 128:
                        out.update(re.escape(chr(c).lower()) for c in range(value[0], value[1] + 1))
                    elif kind is sre.CATEGORY and value in categories:
                        out.add(categories[value])
                    else:
                        return None
                return out
            if op is sre.BRANCH:
                out = set()
                for branch in av[1]:
                    found = sequence(list(branch))
                    if found is None:
                        return None
                    out |= found
                return out
            if op is sre.SUBPATTERN:
                return sequence(list(av[3]) + items[at + 1 :])
            if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                low, _high, item = av
                first = sequence(list(item))
                if first is None or low >= 1:
                    return first
                rest = sequence(items[at + 1 :])
                return None if rest is None else first | rest
            return None
        return None  # the sequence may match the empty string

    found = sequence(list(parsed))
    return "[" + "".join(sorted(found)) + "]" if found else None


def _fast_patterns(
    literals: dict[str, list[_Entry]], raw: list[str]
) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    r"""The lexicon's alternatives for lowered text, as two patterns: one tried at the start of
    the paragraph, one that finds a separator (a character outside ``[\w-]``) and tries them
    right after it, so the engine skips the inside of words without stopping.

    Literal phrases and raw patterns without upper-case letters are compared case-sensitively
    (the engine then rejects a word start on its first letter); the others case-insensitively.
    A raw pattern is only tried at a word start that has one of its first characters: it
    consumes that character and looks ahead for the rest (group ``p<n>`` ends where the match
    ends), and :func:`_scan` resumes at that end. The matches are those of ``Lexicon.pattern``
    on the original text. None (no speed-up) when a phrase holds a character whose case this
    cannot settle, or a pattern's first characters cannot be told.
    """
    if any(_CASE_UNSAFE.search(phrase) for phrase in literals):
        return None
    parts = []
    for number, regex in enumerate(raw):
        parsed = _parse(regex)
        try:  # the parser's tree is the standard library's internals: any surprise, no speed-up
            first = _first_chars(parsed) if parsed is not None else None
            body = regex if _case_free(parsed) else f"(?i:{regex})"
        except Exception:  # noqa: BLE001
            return None
        if first is None:
            return None
        parts.append(rf"{first}(?<=(?=(?P<p{number}>{body})(?![\w-])){first})")
    if literals:
        parts.append(rf"(?P<lit>{_trie_regex(literals)})(?![\w-])")
    if not parts:
        return None
    alternatives = "(?:" + "|".join(parts) + ")"
    return re.compile(alternatives), re.compile(r"[^\w-]" + alternatives)


def _normalise(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _entry(item: Any, table: str, role: str, allowed: frozenset[str], index: int, fail) -> tuple:
    if not isinstance(item, dict):
        fail(f"[[{table}]] entries must be tables", table, index)
    for key in item:
        if key not in allowed and key not in _TERM_KEYS:
            fail(f"unknown key {key!r} in [[{table}]]", table, index, key)

    def number(key: str, low: int, high: int, default: int | None = None) -> int:
        value = item.get(key, default)
        if value is None:
            fail(f"[[{table}]] entry is missing {key!r}", table, index)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            fail(f"{key} {value!r} is outside {low}-{high}", table, index, key)
        return value

    def flag(key: str) -> bool:
        value = item.get(key, False)
        if not isinstance(value, bool):
            fail(f"{key} must be true or false", table, index, key)
        return value

    fields: dict[str, Any] = {"table": table, "role": role, "index": index}
    if table in ("verb", "modal"):
        klass = item.get("class")
        if klass is None:
            fail(f"[[{table}]] entry is missing 'class'", table, index)
        if klass not in LABELS:
            fail(f"unknown class {klass!r} (use one of {', '.join(LABELS)})", table, index, "class")
        fields["klass"] = klass
        fields["strength"] = number("strength", 0, 100)
        position = item.get("position", "clause" if table == "verb" else "anywhere")
        if position not in _POSITIONS:
            fail(f"unknown position {position!r}", table, index, "position")
        fields["position"] = position
        if table == "verb":
            fields["mandate"] = flag("mandate")
            without = item.get("class_without_body", "hortatory")
            if without not in LABELS:
                fail(f"unknown class {without!r}", table, index, "class_without_body")
            fields["class_without_body"] = without
            fields["strength_without_body"] = number(
                "strength_without_body", 0, 100, fields["strength"]
            )
            fields["preambular"] = flag("preambular")
            fields["restated"] = flag("restated")
        else:
            fields["overrides"] = flag("overrides")
            fields["final_clause"] = flag("final_clause")
    elif table != "ignore":
        fields["effect"] = number("effect", -100, 100)
        if "demotes" in allowed:
            fields["demotes"] = flag("demotes")
        if table == "addressee":
            kind = item.get("kind")
            if kind not in _ADDRESSEE_KINDS:
                fail(
                    f"addressee kind must be one of {', '.join(_ADDRESSEE_KINDS)}",
                    table,
                    index,
                    "kind",
                )
            fields["kind"] = kind
    entry = _Entry(**fields)

    phrases: list[str] = []
    raw: list[str] = []
    for key in ("verbs", "phrases", "patterns"):
        values = item.get(key, [])
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            fail(f"{key!r} must be a list of non-empty strings", table, index, key)
        for value in values:
            if key == "verbs":
                phrases.extend(_normalise(form) for form in _inflect(_normalise(value)))
            elif key == "phrases":
                phrases.append(_normalise(value))
            else:
                raw.append(f"(?:{value})")
    if not phrases and not raw:
        fail(f"[[{table}]] entry has no 'verbs', 'phrases' or 'patterns'", table, index)
    return entry, list(dict.fromkeys(phrases)), raw


@cache
def default_lexicon() -> Lexicon:
    """The shipped English lexicon, loaded once per process."""
    return load_lexicon(DEFAULT_LEXICON_PATH)


# --------------------------------------------------------------------------------------------
# Analysis
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    entry: _Entry
    text: str


def _scan(text: str, lexicon: Lexicon, lowered: str | None = None) -> list[_Hit]:
    """All lexicon matches, in order, with position rules of verb entries applied.

    ``lowered`` is ``lower_aligned(text)``: with it the lexicon's fast patterns read the lowered
    text (the same matches, found sooner); without it the case-insensitive pattern reads ``text``.
    """
    hits: list[_Hit] = []
    literals = lexicon.literals
    patterns = lexicon.patterns
    fast = lexicon.fast_patterns
    if lowered is None or fast is None:
        for match in lexicon.pattern.finditer(text):
            start, end = match.span()
            group = match.lastgroup
            if group == "lit":
                # Case-insensitive matching folds characters that lower() keeps: "ſhall" (long
                # s) matches "shall"; casefold() finds its entry.
                key = " ".join(match.group().lower().split())
                candidates = literals.get(key) or literals.get(key.casefold(), ())
            else:
                candidates = (patterns[group],)  # type: ignore[index]
            _keep(text, start, end, candidates, hits)
        return hits
    at_start, after_separator = fast
    match = at_start.match(lowered)
    start = 0
    while True:
        if match is None:
            match = after_separator.search(lowered, start)
            if match is None:
                return hits
            start = match.start() + 1  # after the separator
        else:
            start = match.start()
        group = match.lastgroup
        if group == "lit":
            end = match.end()
            candidates = literals[" ".join(lowered[start:end].split())]
        else:
            end = match.end(group)
            candidates = (patterns[group],)  # type: ignore[index]
        _keep(text, start, end, candidates, hits)
        # The next match starts at ``end`` at the earliest, after a separator that may be the
        # last character of this one.
        start = end - 1
        match = None


def _keep(text: str, start: int, end: int, candidates: Sequence[_Entry], hits: list[_Hit]) -> None:
    # The same phrase may sit in several entries ("consider": a verb when it opens the
    # paragraph, a softener elsewhere); the first whose position rule holds wins.
    for entry in candidates:
        if entry.position == "anywhere" or _placed(text, start, end, entry.position):
            if entry.table != "ignore":
                hits.append(_Hit(start, end, entry, text[start:end]))
            break


def _placed(text: str, start: int, end: int, position: str) -> bool:
    if _OPENING.fullmatch(text, 0, start) is not None:
        return True
    if position != "clause":
        return False
    return _CLAUSE_JOIN.search(text, max(0, start - 20), start) is not None or _later_clause(
        text, start, end
    )


def _later_clause(text: str, start: int, end: int) -> bool:
    """True for a finite verb after a clause join: "…, and therefore decides", "…; urges"."""
    return (
        text[start].islower()
        and _FINITE.fullmatch(text, start, end) is not None
        and _LATER_CLAUSE.search(text, max(0, start - 40), start) is not None
    )


def _looks_foreign(text: str, lexicon: Lexicon, lowered: str | None = None) -> bool:
    if not lexicon.stopwords:
        return False
    if lowered is not None and (lowered.isascii() or _NON_ASCII_LETTER.search(lowered) is None):
        # Letters are a-z only: the same words, split as bytes (anything else becomes a space).
        words = lowered.encode("ascii", "replace").translate(_LETTERS_ONLY).split()
        if len(words) < 6:
            return False
        known = sum(map(_stopword_bytes(lexicon.stopwords).__contains__, words))
        return known / len(words) < lexicon.min_stopword_share
    words = _WORD.findall(text)
    if len(words) < 6:
        return False
    known = sum(1 for word in words if word.lower() in lexicon.stopwords)
    return known / len(words) < lexicon.min_stopword_share


#: A letter (as ``_WORD`` reads letters) outside ASCII.
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
#: Bytes a-z kept, every other byte a space.
_LETTERS_ONLY = bytes(b if 97 <= b <= 122 else 32 for b in range(256))


@cache
def _stopword_bytes(stopwords: frozenset[str]) -> frozenset[bytes]:
    return frozenset(word.encode("utf-8") for word in stopwords)


def _no_match(reason: str, lexicon: Lexicon) -> Analysis:
    return Analysis(
        label="descriptive",
        strength=lexicon.bands["descriptive"][0],
        cues=(Cue(0, 0, "no lexicon match", "", 0),),
        explanation=f"descriptive: {reason}",
    )


def analyse(text: str, *, kind: str | None = None, lexicon: Lexicon | None = None) -> Analysis:
    """Label one paragraph and score its strength.

    ``kind`` is the unit kind from :mod:`multilateral.text.units` when known: preambular, title
    and heading units are descriptive whatever their words; an operative paragraph is never
    treated as a final clause. A resolution paragraph is read clause by clause ("Takes note …,
    and requests the Secretary-General …"): the strongest clause decides, and the explanation
    lists each clause with its addressee. Raises ValueError on empty text.
    """
    if not text or not text.strip():
        raise ValueError("cannot analyse an empty paragraph")
    lexicon = lexicon or default_lexicon()
    read = _read(text, kind, lexicon)
    if isinstance(read, Analysis):
        return read
    hits, openers, clauses = read
    if not openers:
        return _analyse_whole(text, kind, hits, lexicon)
    deciding_at = 0
    for number, clause in enumerate(clauses):
        if clause.rank > clauses[deciding_at].rank:
            deciding_at = number
    deciding = clauses[deciding_at]
    opener = openers[deciding_at]
    inside = [h for h in hits if deciding.start <= h.start < deciding.end]
    demoters = [h for h in inside if h.entry.demotes and _in_scope(text, h, opener, lexicon)]
    effects: dict[int, int] = {id(opener): deciding.strength}
    total = deciding.strength + _concreteness(inside, effects, deciding.label)
    low, high = lexicon.bands[deciding.label]
    strength = max(low, min(high, total))
    cues = tuple(Cue(h.start, h.end, h.entry.role, h.text, effects.get(id(h), 0)) for h in hits)
    explanation = _explain(text, deciding.label, opener, "", demoters, inside, kind)
    if deciding.restated:
        explanation += "; a restated mandate"
    if len(clauses) > 1:
        listed = "; ".join(f"({n}) {c.describe()}" for n, c in enumerate(clauses, 1))
        explanation += f". Clauses: {listed}"
    return Analysis(
        label=deciding.label,
        strength=strength,
        cues=cues,
        explanation=explanation,
        clauses=tuple(clauses),
    )


def clauses_of(
    text: str, *, kind: str | None = None, lexicon: Lexicon | None = None
) -> tuple[Clause, ...]:
    """The operative clauses of a paragraph: ``analyse(text, kind=kind).clauses``, without
    the paragraph's strength, cues and explanation, which a reader of clauses (mandate
    extraction) does not need. A unit of a kind that never carries operative language (a
    preambular paragraph, a title) has none, and is not read. Raises ValueError on empty
    text."""
    if not text or not text.strip():
        raise ValueError("cannot analyse an empty paragraph")
    if kind in _DESCRIPTIVE_KINDS:
        return ()
    read = _read(text, kind, lexicon or default_lexicon())
    return () if isinstance(read, Analysis) else tuple(read[2])


def _read(
    text: str, kind: str | None, lexicon: Lexicon
) -> Analysis | tuple[list[_Hit], list[_Hit], list[Clause]]:
    """The lexicon's hits in ``text``, the verbs that open its clauses and those clauses; or
    the verdict on a paragraph with no hits at all (not in the lexicon's language, or none of
    its phrases)."""
    lowered = lower_aligned(text)
    if _looks_foreign(text, lexicon, lowered):
        return _no_match(
            f"no match in the '{lexicon.language}' lexicon; the text does not look like "
            f"'{lexicon.language}' text",
            lexicon,
        )
    hits = _scan(text, lexicon, lowered)
    if not hits:
        return _no_match(f"no phrase of the '{lexicon.language}' lexicon found", lexicon)
    openers = _clause_openers(text, kind, hits)
    clauses: list[Clause] = []
    for number, opener in enumerate(openers):
        start = 0 if number == 0 else opener.start
        end = openers[number + 1].start if number + 1 < len(openers) else len(text)
        inside = [h for h in hits if start <= h.start < end]
        clauses.append(_clause(text, opener, inside, start, end, lexicon))
    return hits, openers, clauses


def _clause_openers(text: str, kind: str | None, hits: list[_Hit]) -> list[_Hit]:
    """The resolution verbs that open the clauses of an operative paragraph, in order.

    The first must open the paragraph ("1. Also requests"); a later one must be finite and
    follow a clause join ("…, and therefore decides", "…; and in this regard calls upon"), so an
    infinitive in a list ("to adopt …; recognize …") or a noun ("at the request of") opens
    nothing. A paragraph that opens otherwise (a treaty article, a preambular participle) has
    no openers and is read as a whole.
    """
    if kind in _DESCRIPTIVE_KINDS:
        return []
    verbs = [h for h in hits if h.entry.table == "verb"]
    if (
        not verbs
        or verbs[0].entry.preambular
        or _OPENING.fullmatch(text, 0, verbs[0].start) is None
    ):
        return []
    openers = [verbs[0]]
    for hit in verbs[1:]:
        if not hit.entry.preambular and _later_clause(text, hit.start, hit.end):
            openers.append(hit)
    return openers


def _clause(
    text: str, opener: _Hit, inside: list[_Hit], start: int, end: int, lexicon: Lexicon
) -> Clause:
    """The label and base strength of one clause, decided by the verb that opens it.

    Modals inside a resolution clause ("inequalities that may act as drivers") describe; they
    do not bind, so only the opening verb, its addressee and its softeners count.
    """
    entry = opener.entry
    label, strength = _resolve(text, opener, inside, lexicon)
    softeners: list[str] = []
    if label != "descriptive":
        for hit in inside:
            if (hit.entry.table == "softener" or hit.entry.demotes) and _in_scope(
                text, hit, opener, lexicon
            ):
                softeners.append(" ".join(hit.text.split()))
                if hit.entry.demotes and label == "actionable":
                    label = "hortatory"
                    strength = min(strength, lexicon.bands["hortatory"][1])
    addressee = _addressee_after(opener, inside, lexicon)

    def first(table: str) -> str:
        return next((h.text for h in inside if h.entry.table == table), "")

    return Clause(
        start=start,
        end=end,
        verb=opener.text,
        label=label,
        strength=strength,
        addressee=addressee.text if addressee is not None and label != "descriptive" else "",
        deadline=first("deadline") if label != "descriptive" else "",
        reporting=first("reporting") if label != "descriptive" else "",
        softeners=tuple(softeners),
        restated=entry.restated and label != "descriptive",
    )


def _analyse_whole(text: str, kind: str | None, hits: list[_Hit], lexicon: Lexicon) -> Analysis:
    """A paragraph with no resolution verb opening it: a treaty article, a preambular
    paragraph, a sub-paragraph. The strongest verb or modal anywhere decides."""
    operative = [h for h in hits if h.entry.table in ("verb", "modal")]
    opens_with_verb = any(
        h.entry.table == "verb"
        and h.entry.klass != "descriptive"
        and h.entry.position != "anywhere"
        and _OPENING.fullmatch(text, 0, h.start)
        for h in operative[:2]
    )
    effects: dict[int, int] = {}
    label, deciding, reason = _decide(text, kind, operative, opens_with_verb, hits, lexicon)

    base = _base_strength(deciding, label)
    if deciding is not None:
        effects[id(deciding)] = base
    demoters: list[_Hit] = []
    if deciding is not None and label != "descriptive":
        demoters = [h for h in hits if h.entry.demotes and _in_scope(text, h, deciding, lexicon)]
        if label == "actionable" and demoters:
            label = "hortatory"
    total = base + _concreteness(hits, effects, label)
    low, high = lexicon.bands[label]
    strength = max(low, min(high, total))
    cues = tuple(Cue(h.start, h.end, h.entry.role, h.text, effects.get(id(h), 0)) for h in hits)
    explanation = _explain(text, label, deciding, reason, demoters, hits, kind)
    return Analysis(label=label, strength=strength, cues=cues, explanation=explanation)


def _decide(
    text: str,
    kind: str | None,
    operative: list[_Hit],
    opens_with_verb: bool,
    hits: list[_Hit],
    lexicon: Lexicon,
) -> tuple[str, _Hit | None, str]:
    """The label before softeners, the hit that decided it and why (for the explanation)."""
    if kind in _DESCRIPTIVE_KINDS:
        first = operative[0] if operative else None
        return "descriptive", first, f"{kind} paragraph"
    if kind != "operative" and not _binds_a_party(hits):
        for hit in operative:
            if hit.entry.table == "verb" and hit.entry.preambular:
                return "descriptive", hit, "preambular paragraph"
    if not opens_with_verb:
        for hit in operative:
            entry = hit.entry
            if entry.overrides and not (entry.final_clause and kind == "operative"):
                what = (
                    "final clause" if entry.final_clause else "definition or statement of purpose"
                )
                return "descriptive", hit, what
    candidates = [
        h for h in operative if h.entry.klass != "descriptive" or h.entry.table == "modal"
    ]
    if not candidates:
        return "descriptive", None, "no operative language"
    best: _Hit | None = None
    best_strength = -1
    best_label = "descriptive"
    for hit in candidates:
        hit_label, hit_strength = _resolve(text, hit, hits, lexicon)
        if hit_strength > best_strength:
            best, best_strength, best_label = hit, hit_strength, hit_label
    return best_label, best, ""


def _binds_a_party(hits: list[_Hit]) -> bool:
    """True for "each Party shall …": a preamble never binds the parties, an article does.

    Lets "Having regard to …, each Party shall ensure …" stay an operative article even though
    it opens like a preambular paragraph.
    """
    for before, after in zip(hits, hits[1:], strict=False):
        if (
            before.entry.table == "addressee"
            and before.entry.kind == "party"
            and after.entry.table == "modal"
            and after.entry.klass == "actionable"
            and after.start - before.end <= 2
        ):
            return True
    return False


def _resolve(text: str, hit: _Hit, hits: list[_Hit], lexicon: Lexicon) -> tuple[str, int]:
    """Class and strength of one operative hit; a mandate verb depends on whom it addresses."""
    entry = hit.entry
    if not entry.mandate:
        return entry.klass, entry.strength
    addressee = _addressee_after(hit, hits, lexicon)
    if addressee is not None and addressee.entry.kind == "body":
        return entry.klass, entry.strength
    return entry.class_without_body, entry.strength_without_body


def _addressee_after(hit: _Hit, hits: list[_Hit], lexicon: Lexicon) -> _Hit | None:
    for other in hits:
        if other.start >= hit.end and other.entry.table == "addressee":
            return other if other.start - hit.end <= lexicon.addressee_window else None
    return None


def _base_strength(deciding: _Hit | None, label: str) -> int:
    if deciding is None:
        return 0
    if deciding.entry.mandate and label != deciding.entry.klass:
        return deciding.entry.strength_without_body
    return deciding.entry.strength


def _in_scope(text: str, softener: _Hit, deciding: _Hit, lexicon: Lexicon) -> bool:
    """True when a softener qualifies the deciding verb, not some later detail."""
    if softener.end <= deciding.start:
        sentence = 0
        for boundary in _SENTENCE_END.finditer(text, 0, deciding.start):
            sentence = boundary.end()
        return softener.start >= sentence
    window = lexicon.softener_window
    if 0 <= softener.start - deciding.end <= window:
        return True
    # "shall, in applying measures referred to in this chapter, aim to promote": measure from the
    # end of a parenthetical that directly follows the deciding verb.
    aside = _ASIDE.match(text, deciding.end)
    return aside is not None and 0 <= softener.start - aside.end() <= window


def _concreteness(hits: list[_Hit], effects: dict[int, int], label: str) -> int:
    """Points from addressee, deadline, reporting, money, numbers and softeners.

    Each concreteness role counts once (its first cue); softeners add up, to at most -30, so a
    paragraph stacked with qualifiers cannot fall through the floor of its band unexplained.
    """
    if label == "descriptive":
        return 0
    total = 0
    seen: set[tuple[str, bool]] = set()
    softening = 0
    for hit in hits:
        entry = hit.entry
        if entry.table in ("verb", "modal"):
            continue
        if entry.table == "softener":
            effect = max(entry.effect, -30 - softening)
            softening += effect
        else:
            key = (entry.table, entry.effect > 0)
            if key in seen:
                continue
            seen.add(key)
            effect = entry.effect
        if effect:
            effects[id(hit)] = effect
            total += effect
    return total


def _quote(hit: _Hit) -> str:
    return f"'{' '.join(hit.text.split())}'"


def _explain(
    text: str,
    label: str,
    deciding: _Hit | None,
    reason: str,
    demoters: list[_Hit],
    hits: list[_Hit],
    kind: str | None,
) -> str:
    if label == "descriptive":
        if deciding is None:
            return f"descriptive: {reason or 'no operative language'}"
        return (
            f"descriptive: {reason or 'obliges no one and asks no one to act'} ({_quote(deciding)})"
        )
    assert deciding is not None
    parts: list[str] = []
    entry = deciding.entry
    following = _NEXT_WORD.match(text, deciding.end)
    if demoters:
        parts.append(f"{', '.join(_quote(h) for h in demoters)} softens {_quote(deciding)}")
    elif label == "hortatory" and entry.klass == "hortatory" and entry.table == "modal":
        if following and following.group(1).endswith("ing"):
            parts.append(f"{_quote(deciding)} softens '{following.group(1)}'")
        else:
            parts.append(f"{_quote(deciding)} does not oblige")
    elif label == "hortatory" and entry.mandate:
        parts.append(f"{_quote(deciding)} addressed to no body that can be mandated")
    elif label == "hortatory":
        parts.append(f"{_quote(deciding)} exhorts, it does not oblige")
    else:
        parts.append(f"{_quote(deciding)} {'mandates' if entry.table == 'verb' else 'binds'}")
    others = [h for h in hits if h.entry.table == "softener" and h not in demoters]
    if others:
        parts.append(f"qualified by {', '.join(_quote(h) for h in others[:2])}")
    by_role = {}
    for hit in hits:
        by_role.setdefault(hit.entry.table, hit)
    parts.append(
        f"deadline {_quote(by_role['deadline'])}" if "deadline" in by_role else "no deadline"
    )
    if "reporting" in by_role:
        parts.append(f"reporting duty {_quote(by_role['reporting'])}")
    if "resources" in by_role:
        parts.append(f"resources {_quote(by_role['resources'])}")
    if "addressee" in by_role:
        parts.append(f"addressee {_quote(by_role['addressee'])}")
    return f"{label}: " + "; ".join(parts)


def analyse_units(
    units: Sequence[Unit], *, lexicon: Lexicon | None = None
) -> list[Analysis | None]:
    """Analyse every unit of a version (None for a unit with no text, an empty heading).

    A sub-paragraph with no verb of its own ("(a) To further study …", "a) Appropriate
    housing;") takes the verdict of the paragraph that introduces it: the chapeau's verb
    governs it.
    """
    results: list[Analysis | None] = []
    for unit in units:
        analysis = (
            analyse(unit.text, kind=unit.kind, lexicon=lexicon) if unit.text.strip() else None
        )
        parent = results[unit.parent] if unit.parent is not None else None
        if (
            analysis is not None
            and parent is not None
            and unit.kind == "subparagraph"
            and analysis.label == "descriptive"
            and parent.label != "descriptive"
            and not any(c.role in ("operative verb", "modal") for c in analysis.cues)
        ):
            chapeau = units[unit.parent].number if unit.parent is not None else ""
            analysis = Analysis(
                label=parent.label,
                strength=parent.strength,
                cues=analysis.cues,
                explanation=(
                    f"{parent.label}: governed by the chapeau of {chapeau or 'its paragraph'}"
                    f" ({parent.explanation})"
                ),
            )
        results.append(analysis)
    return results


# --------------------------------------------------------------------------------------------
# Document summary
# --------------------------------------------------------------------------------------------


def summarise(analyses: Sequence[tuple[str, str, Analysis]], *, weakest: int = 5) -> dict[str, Any]:
    """A document-level summary from (number, kind, analysis) triples.

    Operative paragraphs are those of kind "operative", or, in treaties, "article", "paragraph"
    and "subparagraph" units; a document with none of these counts every unit, and says so
    with ``operative_found`` false.
    """
    operative_kinds = ("operative", "article", "paragraph", "subparagraph")
    rows = [row for row in analyses if row[1] in operative_kinds] or list(analyses)
    counts = {label: 0 for label in LABELS}
    for _number, _kind, analysis in analyses:
        counts[analysis.label] += 1
    operative_counts = {label: 0 for label in LABELS}
    for _number, _kind, analysis in rows:
        operative_counts[analysis.label] += 1
    weakest_rows = sorted(
        (row for row in rows if row[2].label != "descriptive"), key=lambda row: row[2].strength
    )[:weakest]
    total = len(analyses)
    return {
        "paragraphs": total,
        "labels": counts,
        "operative_paragraphs": len(rows),
        "operative_found": any(row[1] in operative_kinds for row in analyses),
        "operative_actionable": operative_counts["actionable"],
        "operative_labels": operative_counts,
        "hortatory_share": round(counts["hortatory"] / total, 3) if total else 0.0,
        "mean_operative_strength": round(sum(r[2].strength for r in rows) / len(rows), 1)
        if rows
        else 0.0,
        "weakest": [
            {
                "number": number,
                "kind": kind,
                "label": analysis.label,
                "strength": analysis.strength,
                "explanation": analysis.explanation,
            }
            for number, kind, analysis in weakest_rows
        ],
    }
