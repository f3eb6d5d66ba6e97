"""Read treaty status tables (who signed, who became a party, when) into typed rows.

Two inputs are understood, and both give the same :class:`StatusRow` objects:

* **The UN Treaty Collection participant table** (:func:`parse_untc_table`): what a user
  gets by copying the table from a treaties.un.org status page into a text file. Tab
  separated; a header row names the columns ("Participant", "Signature", "Ratification,
  Acceptance(A), Approval(AA), Accession(a), Succession(d)"); each row holds a name and
  dates such as ``12 Dec 2000`` or ``20 Apr 2004 a``.
* **The shared participants CSV** (:func:`parse_participants_csv`): the project's own
  research files (``palermo_participants.csv`` and its ``_additions``), one row per
  participant with ISO code, ISO dates, a date precision and the source of every fact.

:func:`parse_status_table` tells the two apart. Everything here is pure: strings in,
frozen dataclasses out, no Flask and no database.

Errors are collected, not raised one by one: a table with three bad dates raises one
:class:`StatusTableError` listing the three, each with its 1-based line number, so that a
user fixes the file in one go.

What an act means
-----------------

:class:`RecordedAct` ``kind`` is one of :data:`ACT_KINDS`:

* ``signature``, ``ratification``, ``acceptance``, ``approval``, ``accession``,
  ``succession``: the act as the source names it;
* ``consent``: a consent to be bound whose kind the source does not say (UNTC "formal
  confirmation" ``c``; the CSV's ``R``, ratification/acceptance/approval not told apart;
  a blank kind; a participant a source lists among the *parties* without a date);
* ``participation``: a source lists the state as a participant, which may be a party or
  only a signatory, and nothing else says which (see :func:`parse_participants_csv`);
* ``non-party``: a dated source says the state is *not* a party (CSV precision ``none``;
  the statement and its date are in the row's ``note``).

``date`` counts from the end of the period a source gives: a month means its last day, a
year 31 December, because a source that says "ratified in 2004" proves the act by the end
of 2004 and not before. ``precision`` says how much of the date is known; ``None`` dates
have precision ``unknown``.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "period_end",
    "ACT_KINDS",
    "CSV_COLUMNS",
    "CSV_OPTIONAL_COLUMNS",
    "PRECISIONS",
    "RecordedAct",
    "StatusRow",
    "StatusTableError",
    "parse_participants_csv",
    "parse_status_table",
    "parse_untc_table",
]

#: Every value of :attr:`RecordedAct.kind`.
ACT_KINDS = (
    "signature",
    "ratification",
    "acceptance",
    "approval",
    "accession",
    "succession",
    "consent",
    "participation",
    "non-party",
)

#: Every value of :attr:`RecordedAct.precision`.
PRECISIONS = ("day", "month", "year", "unknown")

#: Columns the shared CSV must have, in any order.
CSV_COLUMNS = (
    "participant",
    "iso3",
    "signature_date",
    "action_date",
    "action_date_precision",
    "action_kind",
    "source",
)
#: Columns the shared CSV may have (``palermo_participants_additions.csv`` does).
CSV_OPTIONAL_COLUMNS = ("status_note", "replaces_existing")


@dataclass(frozen=True, slots=True)
class RecordedAct:
    """One thing a source records a participant did (or, for ``non-party``, did not do)."""

    #: One of :data:`ACT_KINDS`.
    kind: str
    #: The day, or the last day of the month/year the source gives; None when not known.
    date: datetime.date | None
    #: One of :data:`PRECISIONS`: how much of ``date`` the source gives.
    precision: str
    #: The code as the source wrote it: UNTC suffix ("a", "A", "AA", "d", "c", "" for a
    #: bare date) or CSV ``action_kind`` ("R", "a", "accession", "" …).
    source_code: str


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One participant's line of a status table."""

    #: 1-based line number where the row starts, for error messages.
    line: int
    #: The name as written, footnote markers removed, whitespace normalised.
    participant: str
    #: ISO 3166-1 alpha-3 code ("EU" for the European Union) when the input gives it.
    iso3: str | None
    #: Signature first, then the act(s), in column order.
    acts: tuple[RecordedAct, ...]
    #: Footnote numbers removed from the name and date cells, in order, without repeats.
    footnotes: tuple[str, ...]
    #: Where the facts come from: the CSV ``source`` cell, or the caller's ``source``.
    source: str
    #: Free text: the CSV ``status_note`` column ("not a party as of …"); "" otherwise.
    note: str
    #: CSV ``replaces_existing`` = "yes": this row supersedes the same participant's row in
    #: the file it adds to. Always False for UNTC tables.
    replaces_existing: bool = False


class StatusTableError(ValueError):
    """A status table could not be read; ``problems`` lists every (line, message)."""

    def __init__(self, problems: Iterable[tuple[int, str]]):
        self.problems: list[tuple[int, str]] = sorted(problems)
        lines = [f"line {line}: {message}" for line, message in self.problems]
        super().__init__("\n".join(["status table has errors:", *lines]))


# --------------------------------------------------------------------------- common helpers

#: Full and abbreviated English month names, as UNTC and people write them ("Sept" too).
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

#: Superscript digits (footnote markers copied from a web page) to ASCII digits.
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

#: A list of footnote numbers: "3", "3,4", "3, 4".
_NOTE_LIST = r"\d+(?:\s*,\s*\d+)*"


def _notes(text: str | None) -> list[str]:
    """Footnote numbers out of a ``_NOTE_LIST`` match ("3, 4" -> ["3", "4"])."""
    return re.findall(r"\d+", text or "")


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _squash(text: str) -> str:
    """Collapse runs of whitespace (including no-break spaces) to one space."""
    return " ".join(text.split())


def _lines(text: str) -> list[str]:
    """Split on line ends only (``str.splitlines`` also splits on form feeds and
    U+2028, which would shift the line numbers users see in their editor)."""
    return re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))


# --------------------------------------------------------------------------- UNTC format

#: The start of a UNTC date cell: day, month name (abbreviated or full, optional dot),
#: four-digit year. What follows the year (``rest``) is read by ``_TAIL``: an optional
#: kind suffix and optional footnote numbers, in either order, e.g. "20 Apr 2004 a",
#: "12 Dec 2000 3", "6 Sep 2006 AA 4,5", "9 Mar 2004³" (superscripts made ASCII first).
_UNTC_DATE = re.compile(
    r"""^(?P<day>\d{1,2})\s+
        (?P<month>[^\W\d_]+)\.?\s+
        (?P<year>\d{4})
        (?P<rest>.*)$""",
    re.VERBOSE,
)

#: One token after the year: a kind suffix (longest first, so "AA" is not read as two
#: "A"s; not followed by another letter, so "Ab" is rejected) or a footnote list.
_TAIL = re.compile(rf"\s*(?:(?P<code>AA|A|a|d|c)(?![^\W\d_])|(?P<notes>{_NOTE_LIST}))")

#: A name cell: the name, then optional footnote numbers, with or without a space
#: ("Afghanistan 1", "Albania2", "China3,4"). The name part is lazy so that the digits
#: go to the footnotes.
_UNTC_NAME = re.compile(rf"^(?P<name>.*?)\s*(?P<notes>{_NOTE_LIST})?\s*$", re.DOTALL)

#: Codes the UN header legend declares: "Acceptance(A)", "Approval (AA)", "Formal
#: confirmation(c)" -> "A", "AA", "c".
_LEGEND_CODE = re.compile(r"\(\s*(AA|A|a|d|c)\s*\)")

#: UNTC suffix of an act column -> kind. A bare date is a ratification (the header says
#: "Ratification, Acceptance(A), …": ratification is the one without a code).
_ACT_CODES = {
    "": "ratification",
    "A": "acceptance",
    "AA": "approval",
    "a": "accession",
    "d": "succession",
    "c": "consent",  # formal confirmation: an organization's consent, not a ratification
}

#: Words in a header cell that make it a column of acts (consents to be bound).
_ACT_WORDS = (
    "ratification",
    "acceptance",
    "approval",
    "accession",
    "succession",
    "formal confirmation",
    "consent",
)


@dataclass
class _Columns:
    participant: int
    signature: int | None
    acts: list[int]
    #: Suffix codes the header legend declares for the act columns (empty: none declared).
    codes: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)


def _classify_header(cells: list[str]) -> _Columns | None:
    participant = signature = None
    acts: list[int] = []
    codes: set[str] = set()
    titles = [_squash(cell) for cell in cells]
    for index, title in enumerate(titles):
        low = title.lower()
        if "participant" in low and participant is None:
            participant = index
        elif low.startswith(("signature", "definitive signature")) and signature is None:
            # "Signature", "Signature, Succession to signature(d)"
            signature = index
        elif any(word in low for word in _ACT_WORDS):
            acts.append(index)
            codes.update(_LEGEND_CODE.findall(title))
    if participant is None or (signature is None and not acts):
        return None
    return _Columns(participant, signature, acts, codes, titles)


def _is_header(line: str) -> bool:
    return "\t" in line and "participant" in line.split("\t", 1)[0].lower()


def _looks_like_row(cells: list[str]) -> bool:
    """True when a tab-separated line carries at least one UNTC date after its first cell."""
    return any(_UNTC_DATE.match(_squash(cell)) for cell in cells[1:])


def _untc_date(
    cell: str, allowed: set[str] | None, column: str
) -> tuple[datetime.date, str, list[str]] | str:
    """Read a UNTC date cell into (date, suffix code, footnotes), or return a problem."""
    text = _squash(cell.translate(_SUPERSCRIPTS))
    match = _UNTC_DATE.match(text)
    if not match:
        return f"{column}: {cell.strip()!r} is not a date like '12 Dec 2000'"
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return f"{column}: unknown month {match['month']!r} in {text!r}"
    try:
        date = datetime.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return f"{column}: invalid date {text!r}"
    rest, codes, notes = match["rest"], [], []
    position = 0
    while position < len(rest.rstrip()):
        token = _TAIL.match(rest, position)
        if not token or token.end() == position:
            return f"{column}: unexpected {rest[position:].strip()!r} after the date in {text!r}"
        if token["code"]:
            codes.append(token["code"])
        else:
            notes.extend(_notes(token["notes"]))
        position = token.end()
    if len(codes) > 1:
        return f"{column}: more than one code ({', '.join(codes)}) in {text!r}"
    code = codes[0] if codes else ""
    if allowed is not None and code and code not in allowed:
        return f"{column}: code {code!r} is not one this column allows in {text!r}"
    return date, code, notes


def parse_untc_table(text: str, *, source: str) -> list[StatusRow]:
    """Read a participant table copied from a UN Treaty Collection status page.

    Layout (see ``tests/data/untc_palermo_excerpt.tsv``):

    * Lines before the header are ignored (page title, "Status:", counts …). The header is
      the first line with a tab whose first cell contains "Participant". Columns are found
      by their titles, not their positions: "Participant"; a signature column (title
      starting "Signature"); one or more act columns (titles naming ratification,
      acceptance, approval, accession, succession, formal confirmation or consent). Other
      columns are ignored. Tab-less lines right after the header (a title wrapped onto the
      next line) are added to the last header cell.
    * Each following line with a tab is a participant row. Footnote numbers after the
      name or a date ("China3,4", "Albania²", "12 Dec 2000 1") go to ``footnotes``. An act
      cell's suffix gives the kind: none = ratification, ``A`` acceptance, ``AA`` approval,
      ``a`` accession, ``d`` succession, ``c`` formal confirmation (``consent``). A ``d`` in
      the signature column (succession to a signature) stays a ``signature``.
    * Blank lines are skipped. **The table ends at the first non-blank line without a
      tab** (footnote text "1 On 6 September …", "Declarations and Reservations", "Notes:");
      everything after it is ignored, except that a later line that still looks like a
      table row (tabs and a date) is reported as a problem, so that rows are never lost
      silently behind a stray line.

    Problems (bad or unknown dates, a code the header does not declare, a row without a
    name or without any date, a participant listed twice, a missing header) are collected
    and raised together as :class:`StatusTableError`.
    """
    lines = _lines(text)
    problems: list[tuple[int, str]] = []
    header_at = next((i for i, line in enumerate(lines) if _is_header(line)), None)
    if header_at is None:
        raise StatusTableError(
            [(1, "no header row: expected a tab-separated line starting with 'Participant'")]
        )
    header_cells = lines[header_at].split("\t")
    index = header_at + 1
    # A header title wrapped onto following lines: glue them to the last header cell.
    while index < len(lines) and lines[index].strip() and "\t" not in lines[index]:
        header_cells[-1] = f"{header_cells[-1]} {lines[index].strip()}"
        index += 1
    columns = _classify_header(header_cells)
    if columns is None:
        raise StatusTableError(
            [
                (
                    header_at + 1,
                    "header must name a 'Participant' column and a signature or "
                    f"ratification/accession column, got {header_cells!r}",
                )
            ]
        )
    allowed_acts = columns.codes or None
    rows: list[StatusRow] = []
    seen: dict[str, int] = {}
    ended_at: int | None = None
    for offset, raw in enumerate(lines[index:], start=index + 1):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if ended_at is not None:
            if "\t" in raw and _looks_like_row(cells):
                problems.append(
                    (
                        offset,
                        f"table row after the end of the table (line {ended_at} has no tab "
                        "and ended it)",
                    )
                )
            continue
        if "\t" not in raw:
            ended_at = offset
            continue
        if not any(cell.strip() for cell in cells):
            continue
        row = _untc_row(offset, cells, columns, allowed_acts, source, problems)
        if row is None:
            continue
        if row.participant in seen:
            first = seen[row.participant]
            problems.append(
                (offset, f"{row.participant!r} is listed twice (first at line {first})")
            )
            continue
        seen[row.participant] = offset
        rows.append(row)
    if problems:
        raise StatusTableError(problems)
    return rows


def _untc_row(
    line: int,
    cells: list[str],
    columns: _Columns,
    allowed_acts: set[str] | None,
    source: str,
    problems: list[tuple[int, str]],
) -> StatusRow | None:
    width = len(columns.titles)
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        problems.append((line, f"{len(cells)} cells but the header has {width}"))
        return None
    cells = cells + [""] * (width - len(cells))
    name_match = _UNTC_NAME.match(cells[columns.participant].translate(_SUPERSCRIPTS))
    assert name_match is not None  # the pattern matches any string
    name = _squash(name_match["name"])
    footnotes = _notes(name_match["notes"])
    count = len(problems)
    if not name:
        problems.append((line, "row has no participant name"))
    acts: list[RecordedAct] = []
    wanted = ([columns.signature] if columns.signature is not None else []) + columns.acts
    for column in wanted:
        cell = cells[column]
        if not cell.strip():
            continue
        is_signature = column == columns.signature
        allowed = {"d"} if is_signature else allowed_acts
        parsed = _untc_date(cell, allowed, columns.titles[column])
        if isinstance(parsed, str):
            problems.append((line, parsed))
            continue
        date, code, notes = parsed
        kind = "signature" if is_signature else _ACT_CODES[code]
        acts.append(RecordedAct(kind, date, "day", code))
        footnotes.extend(notes)
    if name and not acts and len(problems) == count:
        problems.append((line, f"{name!r} has no signature or act date"))
    if len(problems) > count:
        return None
    return StatusRow(
        line=line,
        participant=name,
        iso3=None,
        acts=tuple(acts),
        footnotes=_dedupe(footnotes),
        source=source,
        note="",
    )


# --------------------------------------------------------------------------- shared CSV

#: ISO 3166-1 alpha-3, or "EU" for the European Union (a party that is not a state).
_ISO3 = re.compile(r"^(?:[A-Z]{3}|EU)$")

#: ``action_date`` shapes per ``action_date_precision``.
_CSV_DATE = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}

#: ``action_kind`` values written out in full (compared case-insensitively).
_CSV_WORDS = ("ratification", "acceptance", "approval", "accession", "succession")

#: ``action_kind`` codes (case matters: "a" is accession, as in the Dutch treaty series).
_CSV_CODES = {"a": "accession", "R": "consent", "": "consent"}

#: Source text naming the UN Treaty Series registration record A-39574 (stored at
#: international.vlex.com), whose "Participants" list mixes parties and signatories.
_UNTS_PARTICIPANTS = re.compile(r'vlex\.com|A-39574|"Participants"')

#: Wording by which a source segment presents the state as a *party*: a party list or
#: table ("party", "parties", Dutch "Partijen"), an entry into force for it (English,
#: Dutch "inwerkingtreding", German "Inkrafttreten"), or its ratification/accession. Read
#: off the real ``source`` cells: Verdragenbank ("Partijen met voorbehouden"), inview.nl
#: ("party list "Partijen"", "entry into force"), gesetze.li ("Inkrafttreten"), the
#: Dutch Tractatenblad party tables. It does not match the UNTS record's own wording, a
#: list of signatures, or a news item on instruments "delivered" without saying party.
_PARTY_EVIDENCE = re.compile(
    r"\bpart(?:y|ies|ijen)\b|entry into force|inwerkingtreding|inkrafttreten"
    r"|\bacce(?:ded|ssion)\b|\bratifi(?:ed|cation)\b",
    re.IGNORECASE,
)


def _is_unts_participation_only(source: str) -> bool:
    """True when ``source`` rests on the UNTS "Participants" list and nothing else in it
    presents the state as a party (segments are separated by " | ")."""
    segments = [part.strip() for part in source.split(" | ") if part.strip()]
    unts = [part for part in segments if _UNTS_PARTICIPANTS.search(part)]
    others = [part for part in segments if not _UNTS_PARTICIPANTS.search(part)]
    return bool(unts) and not any(_PARTY_EVIDENCE.search(part) for part in others)


def period_end(value: str, precision: str) -> datetime.date | str:
    """An ISO date of the given precision, as the last day of its period; or a problem."""
    match = _CSV_DATE[precision].match(value)
    if not match:
        shape = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}[precision]
        return f"{value!r} is not a {precision} date ({shape})"
    year, month, day = (int(part) for part in [*match.groups(), "0", "0"][:3])
    try:
        if precision == "year":
            return datetime.date(year, 12, 31)
        if precision == "month":
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
        return datetime.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        return f"invalid date {value!r}"


def parse_participants_csv(text: str, *, default_source: str | None = None) -> list[StatusRow]:
    """Read the shared participants CSV (``palermo_participants.csv`` and its additions).

    Columns :data:`CSV_COLUMNS`, optionally :data:`CSV_OPTIONAL_COLUMNS`, in any order;
    any other column is a problem (a misspelt optional column would otherwise be dropped).

    * ``signature_date`` (YYYY-MM-DD) gives a ``signature`` act, day precision.
    * ``action_date_precision`` ``day``/``month``/``year``: ``action_date`` is
      YYYY-MM-DD / YYYY-MM / YYYY, stored as the last day of the period. ``unknown``: no
      date (a source shows the participant). ``none``: no act — a dated statement, in
      ``status_note``, that the state is **not** a party: a ``non-party`` act. Blank: no
      act (a signatory only; the row then needs a signature).
    * ``action_kind``: ratification, acceptance, approval, accession, succession as
      written; ``a`` accession; ``R`` (ratification/acceptance/approval not told apart) and
      blank give ``consent`` with that ``source_code``.
    * **Participation rule.** A row with precision ``unknown`` and a blank kind is
      ``participation`` when its ``source`` rests on the UNTS registration record A-39574
      ("Participants", stored at vlex.com) and no other source segment presents the state
      as a party (:data:`_PARTY_EVIDENCE`); that list also names signatories, so such a
      state may be a party or only a signatory. Any other ``unknown`` row is a ``consent``
      with no date: its sources list it among the parties (Verdragenbank, inview.nl,
      gesetze.li) without a date or kind.
    * ``replaces_existing``: "yes" sets :attr:`StatusRow.replaces_existing`; blank or
      "no …" does not.

    ``source`` must not be blank unless ``default_source`` is given, which then fills it.
    Line numbers are those where each record starts (a quoted cell may span lines).
    """
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[tuple[int, str]] = []
    header: list[str] = []
    for cells in reader:  # the header is the first non-blank record
        header = [cell.strip() for cell in cells]
        if any(header):
            break
    header_line = reader.line_num
    if not any(header):
        raise StatusTableError([(1, "empty file: expected a CSV header")])
    missing = [name for name in CSV_COLUMNS if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS + CSV_OPTIONAL_COLUMNS]
    if missing:
        problems.append((header_line, f"missing column(s): {', '.join(missing)}"))
    if unknown:
        problems.append((header_line, f"unknown column(s): {', '.join(unknown)}"))
    if len(set(header)) != len(header):
        problems.append((header_line, "a column name appears twice"))
    if problems:
        raise StatusTableError(problems)
    rows: list[StatusRow] = []
    seen: dict[str, int] = {}
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append((line, f"{len(cells)} cells but the header has {len(header)}"))
            continue
        row = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        parsed = _csv_row(line, row, default_source, problems)
        if parsed is None:
            continue
        key = parsed.iso3 or parsed.participant
        if key in seen:
            problems.append((line, f"{key!r} is listed twice (first at line {seen[key]})"))
            continue
        seen[key] = line
        rows.append(parsed)
    if problems:
        raise StatusTableError(problems)
    return rows


def _csv_row(
    line: int,
    row: dict[str, str],
    default_source: str | None,
    problems: list[tuple[int, str]],
) -> StatusRow | None:
    count = len(problems)

    def problem(message: str) -> None:
        problems.append((line, message))

    name = _squash(row["participant"])
    if not name:
        problem("row has no participant name")
    iso3 = row["iso3"] or None
    if iso3 is not None and not _ISO3.match(iso3):
        problem(f"iso3 {iso3!r} is not three capital letters (or EU)")
    source = _squash(row["source"])
    if not source:
        if default_source is None:
            problem("row has no source")
        source = default_source or ""
    replaces = row.get("replaces_existing", "")
    if replaces not in ("", "yes") and not replaces.startswith("no"):
        problem(f"replaces_existing must be 'yes', 'no …' or blank, got {replaces!r}")

    acts: list[RecordedAct] = []
    if row["signature_date"]:
        signed = period_end(row["signature_date"], "day")
        if isinstance(signed, str):
            problem(f"signature_date: {signed}")
        else:
            acts.append(RecordedAct("signature", signed, "day", ""))

    precision, value, code = (
        row["action_date_precision"],
        row["action_date"],
        row["action_kind"],
    )
    if code.lower() in _CSV_WORDS:
        # A kind written out is the kind itself, not a code to keep.
        kind, code = code.lower(), ""
    elif code in _CSV_CODES:
        kind = _CSV_CODES[code]
    else:
        problem(f"unknown action_kind {code!r}")
        kind = "consent"
    if precision in _CSV_DATE:
        date = period_end(value, precision)
        if isinstance(date, str):
            problem(f"action_date: {date}")
        else:
            acts.append(RecordedAct(kind, date, precision, code))
    elif precision == "unknown":
        if value:
            problem(f"action_date {value!r} given but precision is 'unknown'")
        if not code and _is_unts_participation_only(source):
            kind = "participation"
        acts.append(RecordedAct(kind, None, "unknown", code))
    elif precision == "none":
        if value or code:
            problem("precision 'none' (not a party) must have no action_date or action_kind")
        acts.append(RecordedAct("non-party", None, "unknown", ""))
    elif precision == "":
        if value or code:
            problem("action_date or action_kind given without action_date_precision")
        elif not acts:
            problem("row has no signature, no act and no precision")
    else:
        problem(f"unknown action_date_precision {precision!r}")

    if len(problems) > count:
        return None
    return StatusRow(
        line=line,
        participant=name,
        iso3=iso3,
        acts=tuple(acts),
        footnotes=(),
        source=source,
        note=_squash(row.get("status_note", "")),
        replaces_existing=replaces == "yes",
    )


# --------------------------------------------------------------------------- detection


def _first_line(text: str) -> tuple[int, str]:
    for number, line in enumerate(_lines(text), start=1):
        if line.strip():
            return number, line
    return 1, ""


def parse_status_table(text: str, *, source: str) -> list[StatusRow]:
    """Read either format: the shared CSV when the first non-blank line is a CSV header
    with ``participant`` and ``action_date_precision``; else a UNTC table when a
    tab-separated "Participant" header is found. ``source`` names the UNTC table's origin,
    and fills blank CSV ``source`` cells. Anything else raises :class:`StatusTableError`."""
    number, first = _first_line(text)
    cells = {cell.strip().lower() for row in csv.reader([first]) for cell in row}
    if {"participant", "action_date_precision"} <= cells:
        return parse_participants_csv(text, default_source=source)
    if any(_is_header(line) for line in _lines(text)):
        return parse_untc_table(text, source=source)
    raise StatusTableError(
        [
            (
                number,
                "not a status table: expected the shared CSV header (participant, iso3, …) "
                "or a UNTC table with a tab-separated 'Participant' header",
            )
        ]
    )
