"""Resolve the many spellings of a state's name to its ISO 3166-1 alpha-3 code.

Status tables, research files and users write "Czech Republic", "Czechia", "Czech Republic
(Czechia)", "Cote d'Ivoire", "Côte d’Ivoire", "Korea, Republic of", "European Community
(now European Union)" … :class:`NameResolver` maps each to one code from a fixed list of
states (``seed/states.csv``: iso3 and UN short name), or says it cannot.

How a name is matched, in order:

1. **Normalised key** (:func:`name_key`): accents dropped (NFKD), case folded, "&" read as
   "and", "St." as "Saint", a leading "The" dropped, then every character that is not a
   letter kept out — spaces, apostrophes of any shape, hyphens, commas, dots and footnote
   digits. "Côte d’Ivoire", "Cote d'Ivoire" and "Cote d Ivoire" share the key
   ``cotedivoire``; "Timor Leste" and "Timor-Leste" share ``timorleste``.
2. **Two tiers of names.** Tier 1: the UN names given to the resolver and the aliases of
   :data:`ALIASES`. Tier 2: pycountry's ``name``, ``official_name`` and ``common_name`` for
   the same codes. A key found in tier 1 is answered from tier 1 alone; a key that two
   codes share within a tier is ambiguous and gives None rather than a guess.
3. **Inverted form**: "Korea, Republic of" is also tried as "Republic of Korea".
4. **Parentheses**: "Bolivia (Plurinational State of)" is also tried as "Plurinational
   State of Bolivia"; then the parts outside and inside are resolved on their own ("now"
   and "formerly" dropped from the inside) and the name resolves when both resolve to the
   same state: "Czech Republic (Czechia)" → CZE, "Swaziland (Eswatini)" → SWZ, "European
   Community (now European Union)" → EU.

Names of states that no longer exist and whose successor is a matter of judgement
(:data:`SUGGEST_ONLY`: "Serbia and Montenegro", "Yugoslavia", "Yugoslavia (Federal Republic
of)") resolve to None; :meth:`NameResolver.suggest` offers their successors first.

:meth:`NameResolver.suggest` ranks states by :class:`difflib.SequenceMatcher` ratio
between the query's key and each state's best-matching key (UN name, aliases, pycountry
names), so that "Cote d Ivore" suggests Côte d'Ivoire first.

Pure: no Flask, no database; indices are built once per resolver.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

import pycountry

__all__ = ["ALIASES", "SUGGEST_ONLY", "NameResolver", "name_key"]

#: Spellings met in the UN Treaty Collection, the shared research CSVs (``tests/data``,
#: ``seed/``) and the TIP name map that neither the UN short name nor pycountry gives.
#: Keys are ISO alpha-3 codes ("EU" for the European Union). Used only for codes the
#: resolver is given.
ALIASES: dict[str, tuple[str, ...]] = {
    "BIH": ("Bosnia-Herzegovina",),
    "BRN": ("Brunei",),
    "CIV": ("Ivory Coast",),
    "CHN": ("People's Republic of China",),
    "COD": (
        "Congo, Democratic Republic of the",
        "Congo (Kinshasa)",
        "DR Congo",
        "Democratic Republic of Congo",
        "DRC",
    ),
    "COG": ("Republic of Congo", "Congo (Brazzaville)", "Congo, Republic of"),
    "CPV": ("Cape Verde",),
    "CZE": ("Czech Republic",),
    "EU": (
        "European Community",
        "European Communities",
        "EU",
    ),
    "FSM": ("Micronesia",),
    "GBR": ("UK", "Great Britain", "United Kingdom of Great Britain & Northern Ireland"),
    "KGZ": ("Kyrgyz Republic",),
    "KOR": ("South Korea", "Korea, South"),
    "LAO": ("Lao PDR",),
    "MDA": ("Moldova",),
    "MKD": (
        "The former Yugoslav Republic of Macedonia",
        "Former Yugoslav Republic of Macedonia",
        "Macedonia",
    ),
    "MMR": ("Burma",),
    "PRK": ("North Korea", "Korea, North"),
    "PSE": ("Palestine",),
    "RUS": ("Russia",),
    "SUR": ("Surinam",),
    "SVK": ("Slovak Republic",),
    "SWZ": ("Swaziland", "Kingdom of Swaziland"),
    "TLS": ("East Timor",),
    "TUR": ("Turkey",),
    "TZA": ("Tanzania",),
    "USA": ("United States", "USA", "US"),
    "VAT": ("Vatican", "Vatican City"),
    "VNM": ("Vietnam",),
}

#: Names that must not resolve, with the codes to suggest first. The Federal Republic of
#: Yugoslavia became Serbia and Montenegro (2003) and split in 2006; Serbia continues its
#: treaty status and Montenegro succeeded to it, so both are offered, Serbia first. The
#: shared ``palermo_participants.csv`` notes that the UNTS registration record lists Serbia
#: as "Yugoslavia (Federal Republic of)", but no source seen says the UN Treaty Collection
#: status table does, so that name is a suggestion, not a resolution.
SUGGEST_ONLY: dict[str, tuple[str, ...]] = {
    "Serbia and Montenegro": ("SRB", "MNE"),
    "Yugoslavia": ("SRB", "MNE"),
    "Yugoslavia (Federal Republic of)": ("SRB", "MNE"),
    "Federal Republic of Yugoslavia": ("SRB", "MNE"),
}

#: "St" or "St." as a word: "St. Lucia", "St Vincent" -> "Saint …".
_SAINT = re.compile(r"\bst\b\.?")
#: A leading article: "The Gambia", "The former Yugoslav Republic …".
_LEADING_THE = re.compile(r"^\s*the\s+")
#: "Name (Inside)" with the parenthesis at the end.
_PARENS = re.compile(r"^(?P<outside>[^()]*?)\s*\((?P<inside>[^()]*)\)\s*$")
#: A temporal word opening a parenthesis: "(now European Union)", "(formerly Swaziland)".
_NOW = re.compile(r"^\s*(?:now|formerly|former)\s+", re.IGNORECASE)


def name_key(name: str) -> str:
    """The normalised form names are compared on (see the module docstring, step 1)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = _SAINT.sub("saint ", text)
    text = _LEADING_THE.sub("", text)
    return "".join(ch for ch in text if ch.isalpha())


def _pycountry_names(iso3: str) -> list[str]:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return []
    names = (getattr(country, attr, None) for attr in ("name", "official_name", "common_name"))
    return [name for name in names if name]


class NameResolver:
    """Map state names to ISO alpha-3 codes among a fixed list of states."""

    def __init__(self, states: Iterable[tuple[str, str]]):
        """``states``: (iso3, UN short name) pairs, e.g. from ``seed/states.csv``."""
        self._names: dict[str, str] = {}
        for iso3, name in states:
            self._names[iso3] = name
        # key -> codes, per tier (tier 1: UN names and aliases; tier 2: pycountry names).
        self._tiers: tuple[dict[str, set[str]], dict[str, set[str]]] = ({}, {})
        # code -> every key that names it, for suggestions.
        self._keys_of: dict[str, set[str]] = {iso3: set() for iso3 in self._names}
        for iso3, name in self._names.items():
            self._add(0, name, iso3)
            for alias in ALIASES.get(iso3, ()):
                self._add(0, alias, iso3)
            for other in _pycountry_names(iso3):
                self._add(1, other, iso3)
        self._suggest_only = {
            name_key(name): tuple(code for code in codes if code in self._names)
            for name, codes in SUGGEST_ONLY.items()
        }
        self._all_keys = sorted({key for keys in self._keys_of.values() for key in keys})
        self._codes_of_key: dict[str, set[str]] = {}
        for iso3, keys in self._keys_of.items():
            for key in keys:
                self._codes_of_key.setdefault(key, set()).add(iso3)

    def _add(self, tier: int, name: str, iso3: str) -> None:
        key = name_key(name)
        if not key:
            return
        self._tiers[tier].setdefault(key, set()).add(iso3)
        self._keys_of[iso3].add(key)

    def _lookup(self, name: str) -> str | None:
        """The code of an exact key match, None if unknown or ambiguous."""
        key = name_key(name)
        if not key or key in self._suggest_only:
            return None
        for tier in self._tiers:
            if key in tier:
                codes = tier[key]
                return next(iter(codes)) if len(codes) == 1 else None
        return None

    def _is_known(self, name: str) -> bool:
        """True when the key is in an index (even if ambiguous) or suggest-only."""
        key = name_key(name)
        return key in self._suggest_only or any(key in tier for tier in self._tiers)

    def resolve(self, name: str) -> str | None:
        """The ISO alpha-3 code ``name`` designates, or None when unknown or ambiguous."""
        name = " ".join(name.split())
        if not name:
            return None
        if self._is_known(name):
            return self._lookup(name)
        if "," in name and "(" not in name:
            head, _, tail = name.partition(",")
            found = self._lookup(f"{tail} {head}")
            if found:
                return found
        match = _PARENS.match(name)
        if match:
            outside, inside = match["outside"], match["inside"]
            found = self._lookup(f"{inside} {outside}")
            if found:
                return found
            # Both parts must name the same state: "Congo (DRC)" must not fall back on
            # "Congo" (COG) because "DRC" alone is not understood.
            codes = {self._lookup(outside), self._lookup(_NOW.sub("", inside))}
            if len(codes) == 1:
                return codes.pop()
        return None

    def suggest(self, name: str, limit: int = 3) -> list[tuple[str, str]]:
        """Up to ``limit`` (iso3, UN name) pairs closest to ``name``, closest first.

        A name that resolves comes first; the successors of a :data:`SUGGEST_ONLY` name
        next; then states ranked by the best :class:`difflib.SequenceMatcher` ratio between
        the query's key and any of their keys, keeping ratios of at least 0.6.
        """
        if limit <= 0:
            return []
        ordered: list[str] = []
        resolved = self.resolve(name)
        if resolved:
            ordered.append(resolved)
        key = name_key(name)
        ordered.extend(self._suggest_only.get(key, ()))
        match = _PARENS.match(" ".join(name.split()))
        if match:
            ordered.extend(self._suggest_only.get(name_key(match["outside"]), ()))
        if key:
            scores: dict[str, float] = {}
            matcher = difflib.SequenceMatcher(autojunk=False)
            matcher.set_seq2(key)
            for candidate in self._all_keys:
                matcher.set_seq1(candidate)
                if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
                    continue
                ratio = matcher.ratio()
                if ratio < 0.6:
                    continue
                for code in self._codes_of_key[candidate]:
                    scores[code] = max(scores.get(code, 0.0), ratio)
            ordered.extend(sorted(scores, key=lambda code: (-scores[code], code)))
        unique = list(dict.fromkeys(ordered))[:limit]
        return [(code, self._names[code]) for code in unique]
