"""Read the reference lists of states, forums and forum memberships shipped in ``seed/``.

The lists are data, not code, so that an analyst can check them against the official
pages they cite (see ``seed/SOURCES.md``) and correct them without touching Python. This
module only reads and checks their shape: it knows nothing of Flask or the database, and
the seed command decides what to do with the rows.

Each reader fails loudly (``ValueError`` naming the file and line) on a wrong header, an
empty required cell, an unknown state kind or a boolean that is neither ``true`` nor
``false``: a reference list that is silently half-read would show wrong memberships in
a briefing.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SEED_DIR",
    "STATE_KINDS",
    "ForumRow",
    "MembershipRow",
    "StateRow",
    "load_forums",
    "load_memberships",
    "load_states",
]

#: Folder holding the shipped reference files.
SEED_DIR = Path(__file__).resolve().parent.parent / "seed"

#: What a row of ``states.csv`` is. ``un-member``: one of the 193 UN Member States;
#: ``un-observer``: a non-member observer State of the General Assembly (Holy See, State of
#: Palestine); ``organization``: a party to treaties that is not a state (the European
#: Union); ``other``: a state that is neither (the Cook Islands, an ILO member).
STATE_KINDS = ("un-member", "un-observer", "organization", "other")

_BOOLEANS = {"true": True, "false": False}

PathArg = str | os.PathLike[str] | None


@dataclass(frozen=True, slots=True)
class StateRow:
    """A state (or treaty-making organization) that can sit in a forum or join a treaty."""

    #: ISO 3166-1 alpha-3 code; "EU" for the European Union, which has none.
    iso3: str
    #: ISO 3166-1 alpha-2 code ("EU" is exceptionally reserved for the Union).
    iso2: str
    #: Short English name as the UN lists it, e.g. "Bolivia (Plurinational State of)".
    name: str
    #: One of :data:`STATE_KINDS`.
    kind: str
    #: Where the entry was checked.
    source: str


@dataclass(frozen=True, slots=True)
class ForumRow:
    """A negotiating forum: an organization or one of its organs."""

    #: Stable identifier used in URLs, e.g. "un-ga", "osce".
    slug: str
    name: str
    #: Slug of the body it belongs to (the Third Committee to "un-ga"), or None.
    parent: str | None
    #: False for bodies with elected, changing membership (Security Council, ECOSOC …),
    #: whose members are therefore not listed in ``memberships.csv``.
    has_membership_list: bool
    #: The official page the membership was taken from.
    source: str


@dataclass(frozen=True, slots=True)
class MembershipRow:
    """One state's membership of one forum."""

    #: Forum slug.
    forum: str
    iso3: str
    #: Caveat worth showing next to the membership (suspension, pending withdrawal …); "".
    note: str


def _rows(path: Path, header: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a UTF-8 CSV whose header must be exactly ``header``."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != header:
            raise ValueError(f"{path}: header must be {','.join(header)}, got {reader.fieldnames}")
        for row in reader:
            if None in row or any(value is None for value in row.values()):
                raise ValueError(f"{path}:{reader.line_num}: expected {len(header)} columns")
            yield reader.line_num, {key: value.strip() for key, value in row.items()}


def _require(path: Path, line: int, row: dict[str, str], *names: str) -> None:
    for name in names:
        if not row[name]:
            raise ValueError(f"{path}:{line}: empty {name}")


def _path(path: PathArg, default: str) -> Path:
    return Path(path) if path is not None else SEED_DIR / default


def load_states(path: PathArg = None) -> list[StateRow]:
    """States and organizations, in file order (``seed/states.csv`` by default)."""
    source = _path(path, "states.csv")
    states = []
    for line, row in _rows(source, ("iso3", "iso2", "name", "kind", "source")):
        _require(source, line, row, "iso3", "iso2", "name", "kind", "source")
        if row["kind"] not in STATE_KINDS:
            raise ValueError(f"{source}:{line}: unknown kind {row['kind']!r}")
        states.append(StateRow(**row))
    return states


def load_forums(path: PathArg = None) -> list[ForumRow]:
    """Forums, in file order (``seed/forums.csv`` by default)."""
    source = _path(path, "forums.csv")
    forums = []
    header = ("slug", "name", "parent", "has_membership_list", "source")
    for line, row in _rows(source, header):
        _require(source, line, row, "slug", "name", "source")
        flag = row["has_membership_list"].lower()
        if flag not in _BOOLEANS:
            raise ValueError(f"{source}:{line}: has_membership_list must be true or false")
        forums.append(
            ForumRow(
                slug=row["slug"],
                name=row["name"],
                parent=row["parent"] or None,
                has_membership_list=_BOOLEANS[flag],
                source=row["source"],
            )
        )
    return forums


def load_memberships(path: PathArg = None) -> list[MembershipRow]:
    """Forum memberships, in file order (``seed/memberships.csv`` by default)."""
    source = _path(path, "memberships.csv")
    memberships = []
    for line, row in _rows(source, ("forum", "iso3", "note")):
        _require(source, line, row, "forum", "iso3")
        memberships.append(MembershipRow(**row))
    return memberships
