"""Benchmark the search backends (WhooshBackend, PostgresBackend) against an SQLite FTS5
baseline, on one generated corpus, in one run.

    .venv/bin/python bench/bench_search.py --paragraphs 200000 --queries 200 --seed 1 \
        --postgres postgresql+psycopg://postgres@127.0.0.1:54329/postgres

A seeded generator writes N paragraphs of resolution-like English (operative verbs and
addressees, subject matter such as trafficking in persons or forced labour, the formulae
that recur in every text, and a Zipf-distributed filler vocabulary for realistic term
frequencies), grouped into documents of one to three versions of about 100 paragraphs,
later versions rewording some paragraphs of the one before as a negotiation does. Then,
in one process, driving the product's own gateway classes (no Flask app):

1. Build: ``WhooshBackend(fresh dir).rebuild(entries)`` against an FTS5 table of the same
   paragraphs (``porter`` tokenizer, the other IndexEntry fields as UNINDEXED columns):
   time, paragraphs/s and size on disk. PostgreSQL (``--postgres URL``, a server on which
   a throwaway database ``bench_search_<pid>`` is created, migrated by the application's own
   migrations and dropped at the end): the corpus is loaded with COPY into forums,
   documents, versions and paragraphs, the generated tsvector columns and both GIN indexes
   maintained as the rows go in (the time of the paragraphs' COPY is the build), then
   VACUUM ANALYZE; ``PostgresBackend.rebuild()`` (what ``flask reindex`` does: REINDEX
   CONCURRENTLY of both GIN indexes, ANALYZE) is timed too; sizes of the GIN indexes and of
   the tsvector columns.
2. Queries (seeded): single terms, two/three-term AND, phrases, prefixes and field
   filters (``forum:osce …`` in the text, or ``SearchQuery(forum=…)``), each translated to
   FTS5 syntax. Each engine gives the top 10 by relevance with a snippet and the total
   count (Whoosh and PostgreSQL: ``search(SearchQuery(text, per_page=10, facets=False))``;
   FTS5: ``ORDER BY rank LIMIT 10`` with ``snippet()`` plus ``SELECT count(*)``), the
   engines interleaved query by query. p50/p95 per query class and overall, with the
   ratios to FTS5; ``facets=True`` on its own line (FTS5 computes no facets here); how many
   totals agree between the engines (PostgreSQL stems with Snowball English, FTS5 and
   Whoosh with Porter: some totals differ by design).
3. Adding one 100-paragraph version (median of 5): through ``backend.batch(timeout=10)``
   for Whoosh; for PostgreSQL, one transaction inserting the version and its 100
   paragraphs (the database computes their tsvectors and updates the GIN indexes in it);
   against 100 FTS5 inserts and a commit.
4. Precedent look-up over 50 pasted paragraphs (corpus paragraphs with a few words
   changed): ``lookup_words`` → ``backend.candidates(words, limit=200)`` → ``rank(…,
   idf=backend.word_weight())``; p50/p95 and whether the source paragraph came first.

``--profile K`` runs the K slowest Whoosh queries again under cProfile and prints where
the time goes. ``--keep DIR`` keeps the Whoosh and FTS5 indexes in DIR (which must be new or
empty) and the PostgreSQL database. Without ``--postgres`` (or with ``--postgres ''``)
PostgreSQL is left out; ``BENCH_DATABASE_URL`` gives its default.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import math
import os
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from bench_import import median_time  # noqa: E402  (the house timing helper)
from sqlalchemy.pool import NullPool  # noqa: E402

from multilateral.search.gateway import IndexEntry, QueryError, SearchQuery  # noqa: E402
from multilateral.search.whoosh_backend import WhooshBackend  # noqa: E402
from multilateral.text.precedents import Candidate, lookup_words, rank  # noqa: E402

# -- vocabulary ------------------------------------------------------------------------------

OPENERS = ["Recalling", "Reaffirming", "Deeply concerned that", "Noting with concern",
           "Bearing in mind", "Welcoming", "Stressing", "Acknowledging", "Recognizing",
           "Alarmed by", "Guided by", "Convinced that", "Taking note of"]  # fmt: skip
#: Operative verb → (label, strength, takes "… to <action>").
VERBS = {
    "Decides": ("actionable", 4, False),
    "Requests": ("actionable", 3, True),
    "Urges": ("actionable", 3, True),
    "Calls upon": ("actionable", 3, True),
    "Encourages": ("hortatory", 2, True),
    "Invites": ("hortatory", 2, True),
    "Welcomes": ("descriptive", 1, False),
    "Notes": ("descriptive", 0, False),
    "Recognizes": ("descriptive", 1, False),
    "Reaffirms": ("descriptive", 1, False),
}
VERB_WEIGHTS = [8, 10, 9, 8, 12, 5, 5, 4, 4, 4]
ADDRESSEES = ["Member States", "States Parties", "the Secretary-General",
              "the United Nations Office on Drugs and Crime", "all States", "Governments",
              "the International Labour Office", "civil society organizations",
              "the Office of the United Nations High Commissioner for Human Rights",
              "the Special Rapporteur on trafficking in persons, especially women and children",
              "the Inter-Agency Coordination Group against Trafficking in Persons",
              "the private sector", "employers' and workers' organizations",
              "relevant United Nations entities", "regional organizations"]  # fmt: skip
ADDRESSEE_WEIGHTS = [30, 14, 8, 6, 8, 6, 3, 4, 3, 2, 2, 3, 3, 3, 2]
ACTIONS = ["strengthen", "adopt", "ensure", "develop", "implement", "consider", "promote",
           "support", "enhance", "take", "provide", "continue", "establish", "criminalize",
           "ratify", "review", "intensify", "facilitate", "address", "improve"]  # fmt: skip
#: Subject matter: (phrase, relative frequency). Rare ones make selective phrase queries.
SUBJECTS = [
    ("trafficking in persons", 10), ("forced labour", 7), ("migrant workers", 5),
    ("victims of trafficking", 5), ("the protection of victims", 3), ("child labour", 4),
    ("domestic workers", 3), ("smuggling of migrants", 3), ("exploitation", 4),
    ("sexual exploitation", 2), ("labour exploitation", 2), ("prosecution of traffickers", 2),
    ("prevention", 3), ("partnership", 2), ("data collection", 2), ("protection", 3),
    ("the non-punishment principle", 0.25), ("non-punishment of victims", 0.15),
    ("fair recruitment", 1.5), ("decent work", 2), ("access to justice", 1.5),
    ("women and girls", 4), ("national action plans", 2), ("law enforcement", 2),
    ("supply chains", 1.5), ("border management", 1), ("identification of victims", 1.5),
    ("compensation for victims", 0.8), ("trafficked persons", 1.5),
    ("the Palermo Protocol", 0.7), ("organized criminal groups", 1.5),
    ("the Global Plan of Action to Combat Trafficking in Persons", 0.5),
    ("the United Nations Convention against Transnational Organized Crime", 1),
    ("the Forced Labour Convention, 1930", 0.6), ("money-laundering", 0.7),
    ("the 2030 Agenda for Sustainable Development", 1), ("online exploitation", 0.5),
    ("information and communications technology", 0.8), ("recruitment fees", 0.6),
    ("unaccompanied children", 0.7), ("gender-sensitive", 0.9), ("survivor-informed", 0.3),
]  # fmt: skip
ORDINALS = ["fifty-fifth", "sixtieth", "sixty-fifth", "seventieth", "seventy-fifth",
            "seventy-eighth", "seventy-ninth", "eightieth", "eighty-first",
            "eighty-second"]  # fmt: skip
FORMULAE = [
    "in accordance with its domestic law",
    "as may be necessary",
    "within existing resources",
    "in cooperation with relevant stakeholders",
    "with the full participation of civil society",
    "taking into account the specific needs of women and children",
    "in line with international human rights law",
    "at its {ordinal} session",
]
FUNCTION_WORDS = ("the of and to in for with by on as a its their all including that such "
                  "other which be are is at from or an into this these through within "
                  "under between among also particular").split()  # fmt: skip
DOMAIN_WORDS = ("States measures international national cooperation rights human women "
                "children persons efforts relevant support assistance implementation "
                "policies programmes capacity effective appropriate access services "
                "information victims labour workers migrants legal framework public "
                "private sector organizations legislation training awareness criminal "
                "justice responses risks vulnerable communities resources technical "
                "regional global development violence discrimination equality health "
                "education employment conditions standards monitoring reporting review "
                "mechanisms institutions authorities officials judicial investigation "
                "evidence remedies recovery reintegration shelter identification "
                "referral coordination strategy policy partners donors funding "
                "protocols conventions instruments obligations commitments gender "
                "sensitive approach prevention exploitation prosecution protection "
                "partnership recruitment agencies employers trade unions inspection "
                "border migration asylum refugees displacement conflict crisis "
                "climate digital online platforms technology financial flows "
                "corruption impunity accountability transparency").split()  # fmt: skip
#: Whoosh's stop words: never a query term (the index drops them).
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that the "
    "this to us we when will with yet you your".split()
)
FORUMS = {"un-ga": 35, "ilo": 20, "eu": 12, "osce": 11, "oas": 11, "rcm": 11}
KINDS = {
    "un-ga": ["resolution"],
    # "other" stands for an ILO recommendation: the kinds are the database's vocabulary.
    "ilo": ["convention", "other", "protocol"],
    "eu": ["directive", "decision", "resolution"],
    "osce": ["decision", "declaration"],
    "oas": ["resolution", "declaration"],
    "rcm": ["declaration", "decision"],
}
TITLES = ["Trafficking in women and girls", "Forced labour and modern slavery",
          "Protection of migrant workers", "Decent work for domestic workers",
          "Combating trafficking in persons", "Elimination of child labour",
          "Smuggling of migrants by land, sea and air", "Fair recruitment"]  # fmt: skip


def filler_vocabulary(rng: random.Random, size: int) -> list[str]:
    """Function words, then domain words, then a synthetic long tail (roots with English
    suffixes, so inflected forms share a stem as real words do), in frequency rank order."""
    onsets = "b c d f g h l m n p r s t v pr tr st gr cl pl br".split()
    vowels = "a e i o u ea io ou".split()
    codas = ["", "n", "r", "l", "s", "t", "nd", "rt", "ct", "m"]
    suffixes = ["", "s", "ed", "ing", "ation", "ment", "ity", "al", "ive", "ly"]
    words = list(dict.fromkeys(FUNCTION_WORDS + [w.lower() for w in DOMAIN_WORDS]))
    seen = set(words)
    while len(words) < size:
        root = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.randint(2, 3))
        )
        for suffix in rng.sample(suffixes, rng.randint(1, 3)):
            word = root + suffix
            if word not in seen and word not in STOP_WORDS:
                seen.add(word)
                words.append(word)
    return words[:size]


# -- corpus ----------------------------------------------------------------------------------


class Corpus:
    """Seeded generator of paragraphs, versions and documents."""

    def __init__(self, seed: int, vocabulary: int = 30000) -> None:
        self.rng = random.Random(seed)
        self.filler = filler_vocabulary(self.rng, vocabulary)
        # Zipf-Mandelbrot: weight 1 / (rank + 2.7)
        self.filler_cum = list(
            _accumulate([1.0 / (r + 2.7) for r in range(1, len(self.filler) + 1)])
        )
        self.subject_cum = list(_accumulate([w for _, w in SUBJECTS]))
        self.verb_cum = list(_accumulate(VERB_WEIGHTS))
        self.addressee_cum = list(_accumulate(ADDRESSEE_WEIGHTS))
        self.forum_cum = list(_accumulate(FORUMS.values()))
        self.next_paragraph = 1
        self.next_version = 1
        self.next_document = 1

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.filler, cum_weights=self.filler_cum, k=n)

    def subject(self) -> str:
        return self.rng.choices(SUBJECTS, cum_weights=self.subject_cum)[0][0]

    def clause(self, target: int, convention: bool) -> list[str]:
        rng = self.rng
        out: list[str] = []
        while len(out) < target:
            roll = rng.random()
            if roll < 0.42:
                out += self.words(rng.randint(3, 8))
            elif roll < 0.72:
                out += self.subject().split()
            elif roll < 0.80:
                formula = rng.choice(FORMULAE).format(ordinal=rng.choice(ORDINALS))
                out += formula.split()
            elif roll < 0.84 and convention:
                out += "States Parties shall adopt such legislative and other measures".split()
                out += "as may be necessary to".split() + [rng.choice(ACTIONS)]
            else:
                out += [rng.choice(["and", "to", "of", "for", "including", "with"])]
                out += [rng.choice(ACTIONS), rng.choice(["the", "their", "effective"])]
                out += self.subject().split()
        return out[:150]

    def paragraph(self, n_pp: int, n_op: int, convention: bool, forum: str) -> tuple:
        """(paragraph_kind, number, label, strength, text) of one generated paragraph."""
        rng = self.rng
        target = min(150, max(20, int(rng.lognormvariate(math.log(52), 0.5))))
        if n_op == 0 and rng.random() < 0.3:
            opener = rng.choice(OPENERS)
            words = opener.split() + self.clause(target - len(opener.split()), convention)
            return "preambular", f"PP{n_pp + 1}", "descriptive", 0, " ".join(words) + ","
        number = str(n_op + 1)
        roll = rng.random()
        if roll < 0.03:
            words = ("Requests the Secretary-General to submit a report to the General "
                     f"Assembly at its {rng.choice(ORDINALS)} session on the implementation "
                     "of the present resolution").split()  # fmt: skip
            return "operative", number, "actionable", 3, " ".join(words) + ";"
        if roll < 0.05:
            words = (f"Decides to include in the provisional agenda of its {rng.choice(ORDINALS)}"
                     " session the item entitled").split() + self.subject().split()  # fmt: skip
            return "operative", number, "actionable", 4, " ".join(words) + ";"
        verb = rng.choices(list(VERBS), cum_weights=self.verb_cum)[0]
        label, strength, takes_to = VERBS[verb]
        addressee = rng.choices(ADDRESSEES, cum_weights=self.addressee_cum)[0]
        if forum == "osce" and addressee == "Member States":
            addressee = "participating States"
        if takes_to:
            head = f"{verb} {addressee} to {rng.choice(ACTIONS)}"
        elif verb == "Decides":
            head = f"Decides to {rng.choice(ACTIONS)}"
        else:
            head = f"{verb} the efforts of {addressee} to {rng.choice(ACTIONS)}"
        words = head.split()
        words += self.clause(target - len(words), convention)
        return "operative", number, label, strength, " ".join(words[:150]) + ";"

    def reword(self, text: str, edits: int) -> str:
        """The text with ``edits`` words replaced, deleted or inserted (filler words)."""
        words = text.split()
        for _ in range(edits):
            at = self.rng.randrange(len(words))
            roll = self.rng.random()
            if roll < 0.6:
                words[at] = self.words(1)[0]
            elif roll < 0.8 and len(words) > 10:
                del words[at]
            else:
                words.insert(at, self.words(1)[0])
        return " ".join(words)

    def document(self) -> dict:
        rng = self.rng
        forum = rng.choices(list(FORUMS), cum_weights=self.forum_cum)[0]
        kind = rng.choice(KINDS[forum])
        year = rng.randint(2000, 2025)
        n = self.next_document
        self.next_document += 1
        symbols = {
            "un-ga": f"A/C.3/{year - 1945}/L.{rng.randint(1, 60)}",
            "ilo": f"ILC.{year - 1911}/{rng.choice(['C', 'R', 'P'])}{rng.randint(1, 210)}",
            "eu": f"COM({year}) {rng.randint(1, 900)}",
            "osce": f"MC.DEC/{rng.randint(1, 12)}/{year % 100:02d}",
            "oas": f"AG/RES. {rng.randint(2000, 3100)}",
            "rcm": f"RCM/{year}/{rng.randint(1, 20)}",
        }
        return {
            "document_id": n,
            "forum": forum,
            "kind": kind,
            "year": year,
            "symbol": symbols[forum],
            "title": rng.choice(TITLES),
            "status": "adopted" if rng.random() < 0.55 else "draft",
            "convention": kind in ("convention", "protocol", "directive"),
        }

    def version(self, doc: dict, number: int, previous: list[IndexEntry] | None, size: int):
        """A version of ``size`` paragraphs; a revision rewords a quarter of the previous
        version's paragraphs, drops a few and adds new ones."""
        rng = self.rng
        version_id = self.next_version
        self.next_version += 1
        rows: list[tuple] = []
        if previous:
            for entry in previous:
                if rng.random() < 0.04:
                    continue
                text = entry.text
                if rng.random() < 0.25:
                    text = self.reword(text, rng.randint(1, 6))
                rows.append((entry.paragraph_kind, entry.label, entry.strength, text))
        n_pp = sum(1 for r in rows if r[0] == "preambular")
        n_op = len(rows) - n_pp
        while len(rows) < size:
            kind, _, label, strength, text = self.paragraph(
                n_pp, n_op, doc["convention"], doc["forum"]
            )
            if kind == "preambular":
                rows.insert(n_pp, (kind, label, strength, text))
                n_pp += 1
            else:
                rows.append((kind, label, strength, text))
                n_op += 1
        entries = []
        pp = op = 0
        for kind, label, strength, text in rows[:size]:
            if kind == "preambular":
                pp += 1
                num = f"PP{pp}"
            else:
                op += 1
                num = str(op)
            entries.append(
                IndexEntry(
                    paragraph_id=self.next_paragraph,
                    version_id=version_id,
                    document_id=doc["document_id"],
                    version_number=number,
                    forum=doc["forum"],
                    symbol=doc["symbol"] + (f"/Rev.{number - 1}" if number > 1 else ""),
                    title=doc["title"],
                    year=min(2025, doc["year"] + number - 1),
                    status=doc["status"],
                    kind=doc["kind"],
                    paragraph_kind=kind,
                    label=label,
                    strength=strength,
                    number=num,
                    text=text,
                )
            )
            self.next_paragraph += 1
        return entries

    def entries(self, paragraphs: int) -> list[IndexEntry]:
        out: list[IndexEntry] = []
        while len(out) < paragraphs:
            doc = self.document()
            previous = None
            for number in range(1, self.rng.choice([1, 1, 2, 2, 3]) + 1):
                size = min(self.rng.randint(70, 130), paragraphs - len(out))
                if size <= 0:
                    break
                previous = self.version(doc, number, previous, size)
                out += previous
        return out


def _accumulate(values) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


# -- queries ---------------------------------------------------------------------------------

COMMON_PHRASES = ["States Parties shall", "Requests the Secretary-General", "forced labour",
                  "trafficking in persons", "in accordance with its domestic law",
                  "migrant workers", "legislative and other measures", "Member States",
                  "victims of trafficking", "at its eighty-first session"]  # fmt: skip
RARE_PHRASES = ["non-punishment principle", "non-punishment of victims", "recruitment fees",
                "survivor-informed", "unaccompanied children", "online exploitation",
                "compensation for victims", "Forced Labour Convention, 1930",
                "Global Plan of Action"]  # fmt: skip
PREFIXES = ["traffick", "exploit", "prosecut", "protect", "recruit", "victim", "migra",
            "labo", "crimin", "partner"]  # fmt: skip
TOPIC_TERMS = ["trafficking", "exploitation", "prosecution", "protection", "prevention",
               "victims", "labour", "migrants", "smuggling", "domestic", "child",
               "partnership", "recruitment", "non-punishment", "shelter", "compensation",
               "Palermo", "survivors", "data", "States"]  # fmt: skip
CLASSES = ("terms", "AND", "phrases", "prefixes", "fields")
CLASS_SHARE = (0.25, 0.20, 0.20, 0.15, 0.20)


@dataclass
class Query:
    cls: str
    #: ("term" | "phrase" | "prefix", text)
    parts: list[tuple[str, str]]
    #: Filters written into the query text ("forum:osce …").
    inline: dict[str, str] = field(default_factory=dict)
    #: Filters passed as SearchQuery fields.
    filters: dict[str, str] = field(default_factory=dict)

    def whoosh_text(self) -> str:
        out = [f"{k}:{v}" for k, v in self.inline.items()]
        for kind, text in self.parts:
            out.append({"term": text, "phrase": f'"{text}"', "prefix": f"{text}*"}[kind])
        return " ".join(out)

    def search_query(self, *, facets: bool = False) -> SearchQuery:
        filters: dict = dict(self.filters)
        if "year" in filters:
            filters["year"] = int(filters["year"])
        return SearchQuery(text=self.whoosh_text(), per_page=10, facets=facets, **filters)

    def fts(self) -> tuple[str, dict[str, str]]:
        """The FTS5 MATCH expression and the column filters (WHERE col = value)."""
        out = []
        for kind, text in self.parts:
            quoted = '"' + text.replace('"', '""') + '"'
            out.append(quoted + "*" if kind == "prefix" else quoted)
        filters: dict = {**self.inline, **self.filters}
        if "year" in filters:  # stored as an integer column
            filters["year"] = int(filters["year"])
        return " AND ".join(out), filters

    def label(self) -> str:
        extra = " ".join(f"[{k}={v}]" for k, v in self.filters.items())
        return f"{self.whoosh_text()} {extra}".strip()


def make_queries(rng: random.Random, n: int, filler: list[str]) -> list[Query]:
    """Seeded queries in the shares of CLASS_SHARE, each class interleaved over the run."""

    def filler_term() -> str:  # log-uniform over ranks: common, middling and rare words
        while True:
            word = filler[int(math.exp(rng.uniform(math.log(40), math.log(len(filler) - 1))))]
            if word not in STOP_WORDS:
                return word

    def term() -> str:
        return rng.choice(TOPIC_TERMS) if rng.random() < 0.5 else filler_term()

    def phrase() -> str:
        return rng.choice(COMMON_PHRASES if rng.random() < 0.55 else RARE_PHRASES)

    counts = [round(n * share) for share in CLASS_SHARE]
    counts[0] += n - sum(counts)
    queries: list[Query] = []
    seen: set[str] = set()
    for cls, count in zip(CLASSES, counts, strict=True):
        made = 0
        while made < count:
            if cls == "terms":
                q = Query(cls, [("term", term())])
            elif cls == "AND":
                q = Query(cls, [("term", term()) for _ in range(rng.choice([2, 2, 3]))])
            elif cls == "phrases":
                parts = [("phrase", phrase())]
                if rng.random() < 0.3:
                    parts.append(("term", rng.choice(TOPIC_TERMS)))
                q = Query(cls, parts)
            elif cls == "prefixes":
                parts = [("prefix", rng.choice(PREFIXES))]
                if rng.random() < 0.3:
                    parts.append(("term", term()))
                q = Query(cls, parts)
            else:
                forum = rng.choice(["osce", "osce", "ilo", "oas", "rcm", "eu", "un-ga"])
                parts = [rng.choice([("term", rng.choice(TOPIC_TERMS)), ("phrase", phrase())])]
                roll = rng.random()
                if roll < 0.4:
                    q = Query(cls, parts, inline={"forum": forum})
                elif roll < 0.75:
                    q = Query(cls, parts, filters={"forum": forum})
                elif roll < 0.9:
                    q = Query(cls, parts, filters={"status": "adopted", "forum": forum})
                else:
                    q = Query(cls, parts, filters={"year": str(rng.randint(2000, 2025))})
            if q.label() not in seen:  # distinct queries only (a repeat would be cached)
                seen.add(q.label())
                queries.append(q)
                made += 1
    # Always include the queries the issue names.
    named = [
        Query("phrases", [("phrase", "States Parties shall")]),
        Query("phrases", [("phrase", "Requests the Secretary-General")]),
        Query("phrases", [("phrase", "non-punishment principle")]),
        Query("prefixes", [("prefix", "traffick")]),
        Query("prefixes", [("prefix", "exploit")]),
        Query("fields", [("term", "trafficking")], inline={"forum": "osce"}),
        Query("fields", [("term", "trafficking")], filters={"forum": "osce"}),
    ]
    for i, q in enumerate(named):  # replace a query of the same class, unless present
        same = [j for j, other in enumerate(queries) if other.cls == q.cls]
        if q.label() not in seen and same:
            queries[same[i % len(same)]] = q
    rng.shuffle(queries)
    return queries


# -- FTS5 baseline ---------------------------------------------------------------------------

FTS_COLUMNS = ("paragraph_id", "version_id", "document_id", "version_number", "forum",
               "symbol", "title", "year", "status", "kind", "paragraph_kind", "label",
               "strength", "number")  # fmt: skip


#: The precedent pool the obvious way: an OR of the look-up words, best 200 by bm25.
FTS_POOL = "SELECT rowid, text, status FROM para WHERE para MATCH ? ORDER BY rank LIMIT 200"


def fts_build(path: str, entries: list[IndexEntry]) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    unindexed = ", ".join(f"{c} UNINDEXED" for c in FTS_COLUMNS)
    db.execute(f"CREATE VIRTUAL TABLE para USING fts5(text, {unindexed}, tokenize='porter')")
    with db:
        db.executemany(
            f"INSERT INTO para(rowid, text, {', '.join(FTS_COLUMNS)}) "
            f"VALUES (?, ?, {', '.join('?' * len(FTS_COLUMNS))})",
            (_fts_row(e) for e in entries),
        )
    with db:
        db.execute("INSERT INTO para(para) VALUES ('optimize')")
    return db


def _fts_row(e: IndexEntry) -> tuple:
    return (e.paragraph_id, e.text) + tuple(getattr(e, c) for c in FTS_COLUMNS)


def fts_search(db: sqlite3.Connection, q: Query) -> tuple[list[tuple[IndexEntry, str]], int]:
    """Top 10 by bm25 with a snippet, and the total count, as the baseline's answer."""
    match, filters = q.fts()
    where = "para MATCH ?" + "".join(f" AND {col} = ?" for col in filters)
    params = [match, *filters.values()]
    rows = db.execute(
        f"SELECT text, {', '.join(FTS_COLUMNS)}, "
        "snippet(para, 0, '<mark>', '</mark>', '…', 40) "
        f"FROM para WHERE {where} ORDER BY rank LIMIT 10",
        params,
    ).fetchall()
    hits = []
    for row in rows:
        values = dict(zip(FTS_COLUMNS, row[1:-1], strict=True))
        hits.append((IndexEntry(text=row[0], **values), row[-1]))
    total = db.execute(f"SELECT count(*) FROM para WHERE {where}", params).fetchone()[0]
    return hits, total


# -- PostgreSQL ------------------------------------------------------------------------------

PG_DEFAULT = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/postgres"
)


class Postgres:
    """A throwaway database on the server of ``url``, migrated by the application's own
    migrations (the generated tsvector columns and their GIN indexes included)."""

    def __init__(self, url: str, workdir: str) -> None:
        self.admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.name = f"bench_search_{os.getpid()}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        self.url = sa.make_url(url).set(database=self.name).render_as_string(hide_password=False)
        from flask_migrate import upgrade

        from multilateral import create_app

        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": self.url,
                "INDEX_DIR": os.path.join(workdir, "unused-index"),
            }
        )
        with app.app_context():
            from multilateral.extensions import db

            upgrade()
            db.engine.dispose()
        self.engine = sa.create_engine(self.url, pool_size=2)
        self.documents: set[int] = set()
        self.symbols: set[str] = set()

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _copy(self, cursor, table: str, columns: str, rows) -> None:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _parents(self, cursor, entries: list[IndexEntry]) -> None:
        """Forums, documents and versions of ``entries`` not stored yet."""
        forums = dict(cursor.execute("SELECT slug, id FROM forums").fetchall())
        new_forums = sorted({e.forum for e in entries} - set(forums))
        for slug in new_forums:
            forums[slug] = cursor.execute(
                "INSERT INTO forums (slug, name, has_membership_list, source) "
                "VALUES (%s, %s, true, '') RETURNING id",
                (slug, slug),
            ).fetchone()[0]
        documents, versions = {}, {}
        for e in entries:
            if e.document_id not in self.documents:
                documents.setdefault(e.document_id, e)
            versions.setdefault(e.version_id, e)
        rows = []
        for document_id, e in documents.items():
            symbol = e.symbol  # the symbol of its first version, unique in the database
            while symbol in self.symbols:
                symbol += "*"
            self.symbols.add(symbol)
            self.documents.add(document_id)
            rows.append(
                (document_id, e.title, forums[e.forum], symbol, e.kind, e.status, "[]", NOW, NOW)
            )
        self._copy(
            cursor,
            "documents",
            "id, title, forum_id, symbol, kind, status, tags, created_at, updated_at",
            rows,
        )
        self._copy(
            cursor,
            "versions",
            "id, document_id, number, label, date, source_filename, sha256, warnings, created_at",
            (
                (
                    v,
                    e.document_id,
                    e.version_number,
                    "",
                    f"{e.year}-06-01",
                    "",
                    f"{v:064x}",
                    "[]",
                    NOW,
                )
                for v, e in versions.items()
            ),
        )

    @staticmethod
    def _paragraphs(entries: list[IndexEntry]):
        position: dict[int, int] = {}
        for e in entries:
            at = position[e.version_id] = position.get(e.version_id, -1) + 1
            yield (
                e.paragraph_id, e.version_id, at, e.paragraph_kind, e.number, "", e.text,
                f"{e.paragraph_id:x}", False, e.label, e.strength, "[]", "",
            )  # fmt: skip

    PARAGRAPH_COLUMNS = (
        "id, version_id, position, kind, number, heading, text, lineage, bracketed, label, "
        "strength, cues, explanation"
    )

    def load(self, entries: list[IndexEntry]) -> tuple[float, float]:
        """COPY the corpus in; returns (seconds for the paragraphs' COPY and commit, seconds
        for VACUUM ANALYZE)."""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            self._parents(cursor, entries)
            raw.commit()
            started = time.perf_counter()
            self._copy(cursor, "paragraphs", self.PARAGRAPH_COLUMNS, self._paragraphs(entries))
            raw.commit()
            loaded = time.perf_counter() - started
            for table in ("paragraphs", "versions", "documents"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            raw.commit()
        finally:
            raw.close()
        started = time.perf_counter()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        return loaded, time.perf_counter() - started

    def add_version(self, entries: list[IndexEntry]) -> None:
        """One transaction: the version row and its paragraphs, as an upload stores them."""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            self._parents(cursor, entries)
            cursor.executemany(
                f"INSERT INTO paragraphs ({self.PARAGRAPH_COLUMNS}) VALUES "
                f"({', '.join(['%s'] * 13)})",
                list(self._paragraphs(entries)),
            )
            raw.commit()
        finally:
            raw.close()

    def sizes(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return dict(
                conn.execute(
                    sa.text(
                        "SELECT 'gin', sum(pg_relation_size(c.oid))::bigint FROM pg_class c "
                        "WHERE c.relname IN ('ix_paragraphs_search_vector', "
                        "'ix_paragraphs_exact_vector') UNION ALL "
                        "SELECT 'columns', sum(pg_column_size(search_vector) "
                        "+ pg_column_size(exact_vector))::bigint FROM paragraphs UNION ALL "
                        "SELECT 'table', pg_total_relation_size('paragraphs')"
                    )
                ).all()
            )

    def settings(self) -> str:
        with self.engine.connect() as conn:
            version = conn.scalar(sa.text("SHOW server_version"))
            shown = {
                name: conn.scalar(sa.text(f"SHOW {name}"))
                for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
            }
        return f"PostgreSQL {version}, " + ", ".join(f"{k}={v}" for k, v in shown.items())


NOW = "2025-01-01 00:00:00"


# -- helpers ---------------------------------------------------------------------------------


def progress(entries: list[IndexEntry], every: int = 20_000) -> Iterator[IndexEntry]:
    """The entries, with a progress line on stderr now and then (a long rebuild)."""
    start = time.perf_counter()
    for n, entry in enumerate(entries, 1):
        if n % every == 0:
            elapsed = time.perf_counter() - start
            print(f"  … {n:,} paragraphs given to rebuild, {elapsed:.0f} s", file=sys.stderr)
        yield entry


def pct(values: list[float], p: int) -> float:
    """The p-th percentile (inclusive method; the value itself for one sample)."""
    if len(values) == 1:
        return values[0]
    if p == 50:
        return statistics.median(values)
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def dir_size(path: str) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def loadavg() -> str:
    """The machine's 1-, 5- and 15-minute load averages (other processes share the CPUs)."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(fn: Callable, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f}"


# -- benchmark -------------------------------------------------------------------------------

ENGINES = ("Whoosh", "PostgreSQL", "FTS5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query (median)")
    parser.add_argument("--lookups", type=int, default=50, help="pasted paragraphs looked up")
    parser.add_argument("--profile", type=int, default=0, help="cProfile the K slowest queries")
    parser.add_argument("--keep", metavar="DIR", help="keep the indexes in DIR (new or empty)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=PG_DEFAULT,
        help="a PostgreSQL server to create the benchmark's database on ('' leaves it out)",
    )
    args = parser.parse_args()

    if args.keep:
        keep = Path(args.keep)
        if keep.exists() and any(keep.iterdir()):
            parser.error(f"--keep {keep}: the directory must be new or empty")
        keep.mkdir(parents=True, exist_ok=True)
        run(args, str(keep))
    else:
        with tempfile.TemporaryDirectory(prefix="bench_search_") as tmp:
            run(args, tmp)


def source_line(cls: type) -> str:
    source = Path(sys.modules[cls.__module__].__file__ or "")
    digest = hashlib.sha1(source.read_bytes()).hexdigest()[:10]
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(source.stat().st_mtime))
    return f"{source.name} (sha1 {digest}…, modified {stamp})"


def run(args: argparse.Namespace, workdir: str) -> None:
    started = time.perf_counter()
    corpus = Corpus(args.seed)
    gen_t, entries = timed(corpus.entries, args.paragraphs)
    words = sum(len(e.text.split()) for e in entries)
    versions = len({e.version_id for e in entries})
    documents = len({e.document_id for e in entries})
    # PostgresBackend is imported when its part of the run starts (after the Whoosh build,
    # which takes most of an hour at 200,000 paragraphs): its source line is printed then.
    print(f"backends: {source_line(WhooshBackend)}")
    print(
        f"corpus: {len(entries):,} paragraphs, {words:,} words "
        f"({words / len(entries):.0f} per paragraph), {versions:,} versions of "
        f"{documents:,} documents, {len(corpus.filler):,}-word filler vocabulary "
        f"(seed {args.seed}; generated in {gen_t:.1f} s)"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {loadavg()} at start")

    # 1. Build ------------------------------------------------------------------------------
    whoosh_dir = os.path.join(workdir, "whoosh")  # fresh: does not exist yet
    backend = WhooshBackend(whoosh_dir)
    cpu = time.process_time()
    w_build, count = timed(backend.rebuild, progress(entries))
    w_cpu = time.process_time() - cpu
    assert count == len(entries), count
    w_size = dir_size(whoosh_dir)
    fts_path = os.path.join(workdir, "fts5.db")
    cpu = time.process_time()
    f_build, db = timed(fts_build, fts_path, entries)
    f_cpu = time.process_time() - cpu
    f_size = os.path.getsize(fts_path)
    print("\nbuild (wall time; CPU time of this process in brackets, the machine may be shared)")
    print(
        f"  Whoosh rebuild     {w_build:8.1f} s ({w_cpu:6.1f} s CPU) "
        f"{len(entries) / w_build:8,.0f} paragraphs/s  {w_size / 1e6:8.1f} MB on disk"
    )
    print(
        f"  FTS5 (porter)      {f_build:8.1f} s ({f_cpu:6.1f} s CPU) "
        f"{len(entries) / f_build:8,.0f} paragraphs/s  {f_size / 1e6:8.1f} MB on disk "
        "(insert + optimize)"
    )
    print(f"  ratio Whoosh/FTS5  {w_build / f_build:8.2f}x time, {w_size / f_size:.2f}x size")
    pg = pg_backend = None
    if args.postgres:
        pg = Postgres(args.postgres, workdir)
        from multilateral.search.postgres_backend import PostgresBackend

        print(f"  PostgreSQL backend {source_line(PostgresBackend)}; load average {loadavg()}")
        pg_backend = PostgresBackend(lambda: pg.engine)
        p_build, vacuum = pg.load(entries)
        p_rebuild, rebuilt = timed(pg_backend.rebuild, iter(()))
        assert rebuilt == len(entries), rebuilt
        sizes = pg.sizes()
        print(
            f"  PostgreSQL COPY    {p_build:8.1f} s              "
            f"{len(entries) / p_build:8,.0f} paragraphs/s  (rows, generated tsvectors and "
            f"both GIN indexes as the rows go in; then VACUUM ANALYZE {vacuum:.1f} s)"
        )
        print(
            f"  PostgreSQL rebuild {p_rebuild:8.1f} s              "
            f"{len(entries) / p_rebuild:8,.0f} paragraphs/s  (PostgresBackend.rebuild = "
            "flask reindex: REINDEX CONCURRENTLY of both GIN indexes, ANALYZE)"
        )
        print(
            f"  PostgreSQL sizes   GIN indexes {sizes['gin'] / 1e6:.1f} MB, tsvector columns "
            f"{sizes['columns'] / 1e6:.1f} MB, paragraphs table with TOAST and indexes "
            f"{sizes['table'] / 1e6:.1f} MB"
        )
        print(
            f"  ratio PostgreSQL/FTS5 {p_build / f_build:5.2f}x time (COPY), "
            f"{p_rebuild / f_build:.2f}x (rebuild); {pg.settings()}"
        )

    # 2. Queries ----------------------------------------------------------------------------
    engines = {"Whoosh": backend.search}
    if pg_backend is not None:
        engines["PostgreSQL"] = pg_backend.search
    queries = make_queries(random.Random(args.seed + 1), args.queries, corpus.filler)
    refused: list[tuple[str, Query, str]] = []
    runnable = []
    for q in queries:
        ok = True
        for name, search in engines.items():
            try:
                search(q.search_query())
            except QueryError as exc:
                refused.append((name, q, str(exc)))
                ok = False
        if ok:
            runnable.append(q)
    for q in runnable[:10]:  # warm-up (the loop above already ran each query once)
        for search in engines.values():
            search(q.search_query())
        fts_search(db, q)
    times: dict[str, list[float]] = {name: [] for name in (*engines, "FTS5")}
    facet_times: dict[str, list[float]] = {name: [] for name in engines}
    totals: list[dict[str, int]] = []
    overlap: list[float] = []
    for q in runnable:
        sq, sq_facets = q.search_query(), q.search_query(facets=True)
        runs: dict[str, list[float]] = defaultdict(list)
        facet_runs: dict[str, list[float]] = defaultdict(list)
        answers: dict[str, int] = {}
        for _ in range(args.repeat):  # interleaved, so the engines see the same machine
            for name, search in engines.items():
                t, result = timed(search, sq)
                runs[name].append(t)
                answers[name] = result.total
                if name == "Whoosh":
                    w_ids = {h.entry.paragraph_id for h in result.hits}
            t, (f_hits, f_total) = timed(fts_search, db, q)
            runs["FTS5"].append(t)
            answers["FTS5"] = f_total
            for name, search in engines.items():
                t, x_result = timed(search, sq_facets)
                facet_runs[name].append(t)
                assert x_result.total == answers[name], (name, q.label())
        for name in times:
            times[name].append(statistics.median(runs[name]))
        for name in facet_times:
            facet_times[name].append(statistics.median(facet_runs[name]))
        totals.append(answers)
        f_ids = {e.paragraph_id for e, _ in f_hits}
        if w_ids or f_ids:
            overlap.append(len(w_ids & f_ids) / max(len(w_ids), len(f_ids)))

    print(
        f"\nqueries: {len(runnable)} run by every engine ({len(refused)} refusals); top 10 + "
        f"snippet + total count; median of {args.repeat} runs per query, times in ms; load "
        f"average {loadavg()} at the end of the queries"
    )
    for name, q, message in refused[:6]:
        print(f"  refused by {name}: {q.label()!r}: {message}")
    names = list(times)
    header = f"  {'class':<9}{'n':>4}" + "".join(
        f" {name[:10] + ' p50':>14} {'p95':>9}" for name in names
    )
    header += "".join(f" {name[:6] + '/FTS5 p50':>15} {'p95':>6}" for name in engines)
    print(header)
    by_class: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(runnable):
        by_class[q.cls].append(i)
    for cls in (*CLASSES, "all"):
        idx = by_class[cls] if cls != "all" else list(range(len(runnable)))
        if not idx:
            continue
        line = f"  {cls:<9}{len(idx):>4}"
        for name in names:
            values = [times[name][i] for i in idx]
            line += f" {ms(pct(values, 50)):>14} {ms(pct(values, 95))}"
        f = [times["FTS5"][i] for i in idx]
        for name in engines:
            values = [times[name][i] for i in idx]
            line += f" {pct(values, 50) / pct(f, 50):14.1f}x {pct(values, 95) / pct(f, 95):5.1f}x"
        print(line)
    for name in engines:
        values = facet_times[name]
        print(
            f"  {name} with facets=True (5 facets counted over all matches; FTS5 computes "
            f"none here): p50 {pct(values, 50) * 1000:.2f} ms, p95 {pct(values, 95) * 1000:.2f}"
            f" ms = {pct(values, 50) / pct(times['FTS5'], 50):.1f}x / "
            f"{pct(values, 95) / pct(times['FTS5'], 95):.1f}x FTS5 without facets"
        )
    for a, b in (("Whoosh", "FTS5"), ("PostgreSQL", "FTS5"), ("PostgreSQL", "Whoosh")):
        if a not in times:
            continue
        agree = sum(1 for t in totals if t[a] == t[b])
        print(f"  totals of {a} and {b} agree on {agree} of {len(totals)} queries")
        shown = 0
        for q, t in zip(runnable, totals, strict=True):
            if t[a] != t[b] and shown < 4:
                print(f"    differ: {q.label()!r}: {a} {t[a]:,}, {b} {t[b]:,}")
                shown += 1
    print(
        f"  mean top-10 overlap Whoosh/FTS5 {statistics.mean(overlap) * 100:.0f}% "
        "(ties and bm25 variants)"
    )
    for name in engines:
        slowest = sorted(range(len(runnable)), key=lambda i: -times[name][i])[:6]
        print(f"  slowest {name} queries (ms: {name} / FTS5, total matches):")
        for i in slowest:
            print(
                f"    {times[name][i] * 1000:8.1f} / {times['FTS5'][i] * 1000:6.1f}  "
                f"{totals[i][name]:>8,}  {runnable[i].cls:<8} {runnable[i].label()}"
            )

    # 3. Precedent look-up (on the index as built) -------------------------------------------
    lookup(args, corpus, entries, {"Whoosh": backend, "PostgreSQL": pg_backend}, db)

    # 4. Adding a version -------------------------------------------------------------------
    doc = corpus.document()
    new_versions = [corpus.version(doc, n + 1, None, 100) for n in range(5)]
    pending = iter(new_versions)

    def add_whoosh() -> None:
        with backend.batch(timeout=10) as b:
            b.add(next(pending))

    pending_fts = iter(new_versions)

    def add_fts() -> None:
        rows = [_fts_row(e) for e in next(pending_fts)]
        with db:
            db.executemany(
                f"INSERT INTO para(rowid, text, {', '.join(FTS_COLUMNS)}) "
                f"VALUES (?, ?, {', '.join('?' * len(FTS_COLUMNS))})",
                rows,
            )

    pending_pg = iter(new_versions)
    pg_adds: list[float] = []

    def add_pg() -> None:
        t, _ = timed(pg.add_version, next(pending_pg))
        pg_adds.append(t)

    w_add = median_time(add_whoosh, 5)
    f_add = median_time(add_fts, 5)
    print("\nadd one 100-paragraph version to the built index (median of 5, each a new version)")
    print(f"  Whoosh batch(timeout=10).add + commit       {w_add * 1000:9.1f} ms")
    if pg is not None:
        p_add = median_time(add_pg, 5)
        print(
            f"  PostgreSQL version + 100 paragraphs, commit {p_add * 1000:9.1f} ms "
            f"(slowest {max(pg_adds) * 1000:.1f} ms: the GIN pending list is merged now and then)"
        )
    print(f"  FTS5 100 inserts + commit                   {f_add * 1000:9.1f} ms")
    print(f"  ratio Whoosh/FTS5                           {w_add / f_add:9.1f}x")
    if pg is not None:
        print(f"  ratio PostgreSQL/FTS5                       {p_add / f_add:9.1f}x")
    for name, search in engines.items():
        after = [timed(search, q.search_query())[0] for q in runnable[:50]]
        extra = (
            f" ({len(list(Path(whoosh_dir).glob('*.seg')))} segments)" if name == "Whoosh" else ""
        )
        print(
            f"  {name} p50 of the first 50 queries after the 5 adds{extra}: "
            f"{pct(after, 50) * 1000:.2f} ms (before: {pct(times[name][:50], 50) * 1000:.2f} ms)"
        )

    if args.profile:
        profile(args.profile, runnable, times["Whoosh"], backend)
    db.close()
    if pg is not None and not args.keep:
        pg.drop()
    elif pg is not None:
        print(f"\nPostgreSQL database kept: {pg.url}")
    print(f"\ntotal benchmark time {time.perf_counter() - started:.0f} s, load average {loadavg()}")


def lookup(args, corpus: Corpus, entries: list[IndexEntry], backends: dict, db) -> None:
    rng = random.Random(args.seed + 2)
    sources = rng.sample([e for e in entries if len(e.text.split()) >= 25], args.lookups)
    pasted = [corpus.reword(e.text, rng.randint(2, 5)) for e in sources]
    same_text = defaultdict(set)
    for e in entries:
        same_text[e.text].add(e.paragraph_id)
    n = len(sources)
    print(f"\nprecedent look-up, {n} pasted paragraphs (corpus paragraphs, 2–5 words changed)")
    print("  lookup_words → candidates(limit=200) → rank(idf=word_weight())")
    fts_times: list[float] = []
    fts_in_pool = 0
    for text in pasted:
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in lookup_words(text))
        t, rows = timed(lambda m=match: db.execute(FTS_POOL, (m,)).fetchall())
        fts_times.append(t)
    for source, text in zip(sources, pasted, strict=True):
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in lookup_words(text))
        rows = db.execute(FTS_POOL, (match,)).fetchall()
        fts_in_pool += any(r[0] == source.paragraph_id for r in rows)
    for name, backend in backends.items():
        if backend is None:
            continue
        warm, _ = timed(backend.word_weight)  # the first call reads the word statistics
        totals, cand_times, rank_times = [], [], []
        in_pool = first = first_same_text = 0
        for source, text in zip(sources, pasted, strict=True):
            start = time.perf_counter()
            words = lookup_words(text)
            pool = backend.candidates(words, limit=200)
            mid = time.perf_counter()
            idf = backend.word_weight()
            cands = [Candidate(e.paragraph_id, e.text, e.status == "adopted") for e, _ in pool]
            ranked = [p.key for p in rank(text, cands, idf=idf)]
            end = time.perf_counter()
            totals.append(end - start)
            cand_times.append(mid - start)
            rank_times.append(end - mid)
            in_pool += any(e.paragraph_id == source.paragraph_id for e, _ in pool)
            first += bool(ranked) and ranked[0] == source.paragraph_id
            first_same_text += bool(ranked) and ranked[0] in same_text[source.text]
        print(
            f"  {name:<10} whole look-up p50 {ms(pct(totals, 50))} ms  p95 "
            f"{ms(pct(totals, 95))} ms  (candidates p50 {pct(cand_times, 50) * 1000:.2f} / p95 "
            f"{pct(cand_times, 95) * 1000:.2f} ms, rank p50 {pct(rank_times, 50) * 1000:.2f} / "
            f"p95 {pct(rank_times, 95) * 1000:.2f} ms; word statistics read first in "
            f"{warm * 1000:.0f} ms)"
        )
        print(
            f"  {'':<10} candidates / FTS5's pool "
            f"{pct(cand_times, 50) / pct(fts_times, 50):.1f}x"
            f" p50; source paragraph in the pool {in_pool}/{n}, ranked first {first}/{n} (the "
            f"source itself), {first_same_text}/{n} (the source or a copy with the same text)"
        )
    print(
        f"  FTS5 OR of the same words, top 200 by bm25 (pool only): p50 "
        f"{pct(fts_times, 50) * 1000:.2f} ms, p95 {pct(fts_times, 95) * 1000:.2f} ms; source "
        f"paragraph in the pool {fts_in_pool}/{n}"
    )


def profile(k: int, runnable: list[Query], w_times: list[float], backend) -> None:
    slowest = sorted(range(len(runnable)), key=lambda i: -w_times[i])[:k]
    print(f"\ncProfile of the {k} slowest Whoosh queries (facets=False), 5 runs each")
    for i in slowest:
        sq = runnable[i].search_query()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(5):
            backend.search(sq)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(10)
        lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
        start = next(j for j, ln in enumerate(lines) if "ncalls" in ln)
        print(f"  {runnable[i].label()!r}  ({lines[0].strip()})")
        for ln in lines[start : start + 11]:
            print("    " + ln.replace(str(Path(sys.prefix)), ""))


if __name__ == "__main__":
    main()
