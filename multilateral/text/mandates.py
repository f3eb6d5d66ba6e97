"""What a resolution asks, of whom, by when: the asks and mandates of operative paragraphs.

Every operative clause that asks a named addressee to act is an *ask* ("Calls upon
Governments to …", "Requests the Secretary-General to …"). An ask is a *mandate*
(``binding``) when the Assembly can bind its addressee: a request or decision addressed to the
Secretary-General or a United Nations entity. The clauses come from
:mod:`multilateral.text.clauses`; this module reads, for each, the addressee as written, what
is asked (and its kind: report, convene, establish …), the deadline or cycle, and whether a
review or sunset clause bounds it.

A General Assembly session is numbered from 1946: the Nth session opens in September of year
1945 + N and runs to the next September ("at its eighty-first session" → September 2026 to
September 2027). The opening day is not computed: it is set each year by the Assembly, so a
session deadline has month precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from multilateral.text.clauses import Analysis, Lexicon, clauses_of, lower_aligned

__all__ = [
    "ACTION_KINDS",
    "ADDRESSEE_KINDS",
    "DEADLINE_KINDS",
    "SELF",
    "Mandate",
    "extract_mandates",
    "session_number",
    "session_period",
]

ADDRESSEE_KINDS = ("secretary-general", "un-entity", "states", "other")
ACTION_KINDS = (
    "report",
    "convene",
    "establish",
    "include",
    "continue",
    "ratify",
    "legislate",
    "cooperate",
    "protect",
    "fund",
    "other",
)
DEADLINE_KINDS = ("session", "date", "year", "periodic", "none")
#: The addressee of a decision: the body that adopts the text ("Decides to convene …").
SELF = "the Assembly itself"

_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}  # fmt: skip
_TENS = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_MONTHS = {
    m: n
    for n, m in enumerate(
        (
            "january february march april may june july august september october november december"
        ).split(),
        1,
    )
}

_SESSION = re.compile(
    r"at\s+its\s+(?P<word>(?:[a-z]+-)?[a-z]+|\d+(?:st|nd|rd|th))\s+session", re.IGNORECASE
)
_BY_DATE_SOURCE = (
    r"(?:by|before|no\s+later\s+than)\s+(?:(?P<day>\d{1,2})\s+)?(?P<month>January|February|March|"
    r"April|May|June|July|August|September|October|November|December)\s+(?P<year>\d{4})"
)
_BY_DATE = re.compile(_BY_DATE_SOURCE, re.IGNORECASE)
_BY_YEAR = re.compile(
    r"(?:by|before|no\s+later\s+than)\s+(?:the\s+end\s+of\s+)?(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_PERIODIC = re.compile(
    r"\b(?:annually|biennially|triennially|every\s+(?:two|three|four|five|\d+)\s+years|"
    r"on\s+an\s+annual\s+basis|on\s+a\s+biennial\s+basis|each\s+year|every\s+year)\b",
    re.IGNORECASE,
)
_REVIEW = re.compile(
    r"\b(?:to\s+review\s+(?:the|its)\s+(?:mandate|functioning|work)|sunset|shall\s+expire|"
    r"for\s+a\s+(?:further\s+)?period\s+of|until\s+(?:the\s+end\s+of\s+)?(?:19|20)\d{2}|"
    r"(?:mandate|arrangement|body|group|office)\s+(?:shall\s+)?terminate\w*)\b",
    re.IGNORECASE,
)
#: Words without which no deadline or review pattern can match (a cheap test first).
_DEADLINE_WORDS = ("session", "by ", "before ", "later than", "annual", "biennial", "triennial",
                   "every ", "each year")  # fmt: skip
#: What each deadline pattern cannot match without, in lowered text that
#: :func:`~multilateral.text.clauses.lower_aligned` accepts (tested against the patterns).
_YEAR_DIGITS = ("19", "20")
#: The deadline and review patterns for such lowered text: the same literal letters in lower
#: case, compared case-sensitively (several times faster; tests/text/test_fast_paths.py
#: checks they find what the case-insensitive ones find).
_SESSION_LOWER = re.compile(_SESSION.pattern)
_BY_DATE_LOWER = re.compile(
    re.sub(r"[A-Z][a-z]+", lambda month: month.group().lower(), _BY_DATE_SOURCE)
)
_BY_YEAR_LOWER = re.compile(_BY_YEAR.pattern)
_PERIODIC_LOWER = re.compile(_PERIODIC.pattern)
_REVIEW_LOWER = re.compile(_REVIEW.pattern)
_PERIODIC_WORDS = ("annual", "biennial", "triennial", "every", "each")
_REVIEW_WORDS = ("review", "sunset", "expire", "period of", "until", "terminat")
#: The infinitive that ends the addressee: "Governments to provide", "the Secretary-General,
#: in consultation with …, to submit".
_INFINITIVE = re.compile(r"(?:,\s*)?\bto\s+(?:(?:further|also|continue\s+to|[a-z]+ly)\s+)?[a-z]")
#: An aside after the addressee that says how, not who: ", as appropriate", ", in cooperation
#: with …", ", in accordance with …" (", in particular those of …" says who, and stays).
_ASIDE = re.compile(
    r",\s*(?:as\s+appropriate|where\s+appropriate|in\s+cooperation\s+with|in\s+accordance\s+"
    r"with|in\s+line\s+with|consistent\s+with|in\s+compliance\s+with|in\s+collaboration\s+"
    r"with|within\s+existing\s+resources)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_SECRETARY_GENERAL = re.compile(r"\bSecretary-General\b")
_UN_ENTITY = re.compile(
    r"United\s+Nations|UNODC|UN-Women|\bOffice\b|International\s+Labour\s+Organization|"
    r"\bILO\b|\bIOM\b|International\s+Organization\s+for\s+Migration|Special\s+Rapporteur|"
    r"special\s+rapporteurs|special\s+procedures|treaty\s+bodies|\bCommission\b|"
    r"\bagencies\b|\bentities\b|Executive\s+Director|High\s+Commissioner|Secretariat",
    re.IGNORECASE,
)
_STATES = re.compile(
    r"^(?:all\s+|the\s+|concerned\s+|relevant\s+|those\s+)*(?:Member\s+States|States|"
    r"Governments|States\s+parties|States\s+Parties|countries)\b",
    re.IGNORECASE,
)
#: Action kinds read from the head of what is asked, first match wins ("consider" and "seek
#: to" are stripped first: "consider ratifying" is a ratification asked softly).
_HEAD_ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("ratify", r"^(?:sign\w*\s+and\s+)?ratif|^accede|^become\s+part(?:y|ies)"),
        (
            "report",
            r"^(?:submit|provide|present|prepare)\b[^.;]{0,80}\breport\b|^report\b|^inform\b",
        ),
        (
            "include",
            r"^include\b|^take\s+into\s+(?:consideration|account)\s+all\s+relevant|"
            r"^ensure\s+that\s+the\s+implementation",
        ),
        ("convene", r"^(?:convene|hold|organi[sz]e)\b"),
        ("continue", r"^continue\b"),
        (
            "cooperate",
            r"^(?:cooperate|co-operate|coordinate|collaborate|share|exchange)\b|"
            r"^enhance\s[^.;]{0,60}\bcooperation\b",
        ),
        ("fund", r"^(?:invest|contribute|fund|allocate)\b"),
        (
            "establish",
            r"^(?:establish|create|set\s+up)\s+(?:(?:an?|the)\s+)?(?:[\w-]+\s+){0,3}(?:group|"
            r"body|mechanism|fund|office|committee|forum|network|task\s+force|platform|"
            r"regist(?:er|ry)|unit|cent(?:re|er)|database|observatory)\b|^(?:create|set\s+up)\b|"
            r"^avail\s+themselves",
        ),
    )
)
_SOFT_HEAD = re.compile(r"^(?:consider(?:ing)?|seek\s+to|strive\s+to|make\s+efforts\s+to)\s+", re.I)
#: Otherwise the earliest telling word decides between law and policy work and protection.
_LEGISLATE = re.compile(
    r"\b(?:legislation|legislative|laws?|polic(?:y|ies)|sanctions|penal|punish|Plan\s+of\s+"
    r"Action|coherence|recruitment|pathways|regular\s+migration)\b",
    re.IGNORECASE,
)
_PROTECT = re.compile(
    r"\b(?:protect\w*|health\w*|access|assistance|return|reintegration|detention|arrest\w*|"
    r"barriers|risk|testing|literacy|emergency|victims|child\w*|consular)\b",
    re.IGNORECASE,
)


#: The action patterns, case-sensitive, for lowered text that ``lower_aligned`` accepts (their
#: letters lower case: "plan of action").
_HEAD_ACTIONS_LOWER = tuple((kind, re.compile(pattern.pattern)) for kind, pattern in _HEAD_ACTIONS)
_SOFT_HEAD_LOWER = re.compile(_SOFT_HEAD.pattern)
_LEGISLATE_LOWER = re.compile(_LEGISLATE.pattern.lower())
_PROTECT_LOWER = re.compile(_PROTECT.pattern.lower())
#: Both in one pass: the earlier of the two decides, law first where both start together.
_LAW_OR_CARE_LOWER = re.compile(
    rf"\b(?:(?P<law>{_LEGISLATE_LOWER.pattern[5:-3]})|(?P<care>{_PROTECT_LOWER.pattern[5:-3]}))\b"
)
#: Adverbs dropped from the head of what is asked, and from the verb as written.
_ACTION_ADVERB = re.compile(r"^(?:(?:further|also|[a-z]+ly)\s+)")
_VERB_ADVERBS = re.compile(r"^(?:(?:also|further|again|strongly|once\s+again)\s+)+")


@dataclass(frozen=True, slots=True)
class Mandate:
    """One ask of an operative paragraph."""

    #: Which clause of the paragraph (0-based), and its verb as written.
    clause: int
    verb: str
    #: The addressee as written, and its kind (one of ADDRESSEE_KINDS).
    addressee: str
    addressee_kind: str
    #: What is asked, as written (the infinitive phrase), and its kind (ACTION_KINDS).
    action: str
    action_kind: str
    #: The deadline or cycle as written, its kind (DEADLINE_KINDS), and when it falls due.
    deadline: str
    deadline_kind: str
    due: date | None
    #: "day", "month" or "year" for ``due``; "" without one.
    due_precision: str
    #: The General Assembly session a session deadline names.
    session: int | None
    #: Whether a review or sunset clause bounds it.
    review: bool
    #: A mandate the Assembly can bind (a request or decision to the Secretary-General or a
    #: United Nations entity), as opposed to a call on States or others.
    binding: bool
    #: The label of the clause: actionable or hortatory.
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "verb": self.verb,
            "addressee": self.addressee,
            "addressee_kind": self.addressee_kind,
            "action": self.action,
            "action_kind": self.action_kind,
            "deadline": self.deadline,
            "deadline_kind": self.deadline_kind,
            "due": self.due.isoformat() if self.due else None,
            "due_precision": self.due_precision,
            "session": self.session,
            "review": self.review,
            "binding": self.binding,
            "label": self.label,
        }


def session_number(words: str) -> int | None:
    """80 for "eightieth", 82 for "eighty-second" or "82nd"; None when not a session ordinal."""
    words = words.lower().strip()
    digits = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", words)
    if digits:
        return int(digits.group(1))
    if words in _UNITS:
        return _UNITS[words]
    if words in _TENS and words.endswith(("th",)):
        return _TENS[words]
    tens, _, unit = words.partition("-")
    if tens in _TENS and unit in _UNITS and _UNITS[unit] < 10:
        return _TENS[tens] + _UNITS[unit]
    return None


def session_period(number: int) -> tuple[date, date]:
    """The months a General Assembly session spans: September of 1945 + N to the next
    September (month precision: the opening day is set each year)."""
    return date(1945 + number, 9, 1), date(1946 + number, 9, 1)


def _read(
    pattern: re.Pattern[str],
    lowered_pattern: re.Pattern[str],
    needed: Iterable[str],
    clause_text: str,
    lowered: str,
    aligned: bool,
) -> re.Match[str] | None:
    """``pattern``'s match in the clause: read by its lowered twin on the lowered text when
    ``aligned`` (same positions), and only when one of the ``needed`` words is there."""
    if not aligned:
        return pattern.search(clause_text)
    if not any(word in lowered for word in needed):
        return None
    return lowered_pattern.search(lowered)


def _deadline(
    clause_text: str, lowered: str, aligned: bool
) -> tuple[str, str, date | None, str, int | None]:
    """The deadline of a clause; ``lowered`` is ``clause_text.lower()``, ``aligned`` whether
    :func:`~multilateral.text.clauses.lower_aligned` accepts it (the words each pattern needs
    are then looked for first, and the patterns read the lowered text)."""
    if not any(word in lowered for word in _DEADLINE_WORDS):
        return "", "none", None, "", None
    found = _read(_SESSION, _SESSION_LOWER, ("session",), clause_text, lowered, aligned)
    if found:
        number = session_number(found.group("word"))
        if number is not None:
            written = clause_text[found.start() : found.end()]
            return written, "session", session_period(number)[0], "month", number
    found = _read(_BY_DATE, _BY_DATE_LOWER, _MONTHS, clause_text, lowered, aligned)
    if found:
        written = clause_text[found.start() : found.end()]
        month = _MONTHS[found.group("month").lower()]
        day = int(found.group("day")) if found.group("day") else 1
        precision = "day" if found.group("day") else "month"
        try:
            due = date(int(found.group("year")), month, day)
        except ValueError:
            return written, "date", None, "", None
        return written, "date", due, precision, None
    found = _read(_BY_YEAR, _BY_YEAR_LOWER, _YEAR_DIGITS, clause_text, lowered, aligned)
    if found:
        written = clause_text[found.start() : found.end()]
        return written, "year", date(int(found.group("year")), 12, 31), "year", None
    found = _read(_PERIODIC, _PERIODIC_LOWER, _PERIODIC_WORDS, clause_text, lowered, aligned)
    if found:
        return clause_text[found.start() : found.end()], "periodic", None, "", None
    return "", "none", None, "", None


def _addressee_kind(addressee: str) -> str:
    if addressee == SELF:
        return "un-entity"
    if _SECRETARY_GENERAL.search(addressee):
        return "secretary-general"
    if _STATES.match(addressee):
        return "states"
    if _UN_ENTITY.search(addressee):
        return "un-entity"
    return "other"


def _action_kind(action: str) -> str:
    lowered = lower_aligned(action[:260])
    if lowered is not None:  # the same patterns, case-sensitive on lowered text: sooner
        head = _SOFT_HEAD_LOWER.sub("", lowered)
        for kind, pattern in _HEAD_ACTIONS_LOWER:
            if pattern.match(head):  # every alternative is anchored at the start
                return kind
        found = _LAW_OR_CARE_LOWER.search(head)
        if found is None:
            return "other"
        return "legislate" if found.lastgroup == "law" else "protect"
    head = _SOFT_HEAD.sub("", action[:260])
    for kind, pattern in _HEAD_ACTIONS:
        if pattern.match(head):
            return kind
    law, care = _LEGISLATE.search(head), _PROTECT.search(head)
    if law and (not care or law.start() <= care.start()):
        return "legislate"
    if care:
        return "protect"
    return "other"


def extract_mandates(
    text: str, analysis: Analysis | None = None, *, lexicon: Lexicon | None = None
) -> list[Mandate]:
    """The asks of one operative paragraph, in order (none for a descriptive one).

    ``analysis`` is the paragraph's analysis when the caller has it; otherwise its clauses are
    read here (with ``lexicon``, the default one without)."""
    if not text.strip():
        return []
    clauses = (
        analysis.clauses
        if analysis is not None
        else clauses_of(text, kind="operative", lexicon=lexicon)
    )
    found = []
    lowered_text = ""
    aligned = False
    for number, clause in enumerate(clauses):
        if clause.label == "descriptive":
            continue
        body = text[clause.start : clause.end]
        verb_at = body.find(clause.verb)
        after = body[verb_at + len(clause.verb) :] if verb_at >= 0 else body
        split = _INFINITIVE.search(after)
        if split is None:
            continue  # "Calls for …": no addressee, nothing asked of anyone by name
        addressee = _ASIDE.sub("", after[: split.start()]).strip(" ,;")
        if not addressee:
            if clause.label != "actionable":
                continue  # "Stresses the need to …": asks no one by name
            addressee = SELF  # "Decides to convene …": the Assembly mandates itself
        action = after[split.end() - 1 :].strip().rstrip(";.,")
        action = _ACTION_ADVERB.sub("", action)
        if not lowered_text:  # once a paragraph, for the clauses that ask
            aligned_text = lower_aligned(text)
            aligned = aligned_text is not None
            lowered_text = aligned_text if aligned_text is not None else text.lower()
        lowered = lowered_text[clause.start : clause.end] if aligned else body.lower()
        deadline, deadline_kind, due, precision, session = _deadline(body, lowered, aligned)
        kind = _addressee_kind(addressee)
        verb = _VERB_ADVERBS.sub("", clause.verb)
        found.append(
            Mandate(
                clause=number,
                verb=" ".join(verb.lower().split()),
                addressee=" ".join(addressee.split()),
                addressee_kind=kind,
                action=" ".join(action.split()),
                action_kind=_action_kind(action),
                deadline=" ".join(deadline.split()),
                deadline_kind=deadline_kind,
                due=due,
                due_precision=precision,
                session=session,
                review=any(w in lowered for w in _REVIEW_WORDS)
                and (_REVIEW_LOWER.search(lowered) if aligned else _REVIEW.search(body))
                is not None,
                binding=clause.label == "actionable" and kind in ("secretary-general", "un-entity"),
                label=clause.label,
            )
        )
    return found
