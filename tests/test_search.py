"""Full-text search, facets, the outbox between database and index, index recovery, bad
input, precedents and the search page, with each search backend (Whoosh; PostgreSQL's full
text when the tests run on PostgreSQL): one suite, so that the two cannot drift.

Expected results are computed from the database (the paragraphs' own words), never copied
from what the search answered. Words are cut and stemmed as the backend's engine does it
(:class:`Words`): Whoosh's tokenizer and Porter stemmer, or PostgreSQL's parser and English
configuration, asked of the database for the stored texts (``to_tsvector``), not of the
search code."""

from __future__ import annotations

import gc
import math
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

from multilateral import create_app
from multilateral.extensions import db
from multilateral.models import Document, Paragraph, Version
from multilateral.search import backend, outbox
from multilateral.search.syntax import MAX_EXPANSION
from multilateral.search.whoosh_backend import INDEX_NAME
from tests.conftest import each_search_backend, login, postgres_only, whoosh_only


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    each_search_backend(metafunc)


#: A word as the issue defines it (and the index tokenizes it).
WORD = re.compile(r"\w+(\.?\w+)*")
PALERMO = "A/RES/55/25, annex II"
SMUGGLING = "A/RES/55/25, annex III"


# -- the database's view --------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    return [m.group(0).lower() for m in WORD.finditer(text)]


class Words:
    """How the backend's engine cuts a text into words and stems them."""

    def analyse(self, app: Flask, texts: dict[int, str]) -> dict[int, tuple[list, list]]:
        """Paragraph id → (its words as exact phrases match them, its stems at their
        positions, None where a stop word stands)."""
        raise NotImplementedError

    def phrase(self, app: Flask, text: str) -> list[str]:
        """The words of a quoted phrase."""
        raise NotImplementedError

    def stem(self, app: Flask, word: str) -> str | None:
        """The stem a query word is searched by (None: a stop word, not searched)."""
        raise NotImplementedError

    def prefixed(self, row: Row) -> set[str]:
        """What a prefix (``traffick*``) is matched against: stems or words."""
        raise NotImplementedError


class WhooshWords(Words):
    """Whoosh: the backend's word pattern, Porter stems, Whoosh's stop words dropped and the
    positions closed up; prefixes stand for stems."""

    def analyse(self, app: Flask, texts: dict[int, str]) -> dict[int, tuple[list, list]]:
        found = {}
        for pid, text in texts.items():
            words = words_of(text)
            found[pid] = (words, [stem(w) for w in words if len(w) >= 2 and w not in STOP_WORDS])
        return found

    def phrase(self, app: Flask, text: str) -> list[str]:
        return words_of(text)

    def stem(self, app: Flask, word: str) -> str | None:
        return stem(word.lower())

    def prefixed(self, row: Row) -> set[str]:
        return set(row.stems)


class PostgresWords(Words):
    """PostgreSQL: the columns' own configurations ('simple' for exact words, 'english' for
    stems, with stop words keeping their positions); prefixes stand for words."""

    @staticmethod
    def _sequences(app: Flask, config: str, texts: dict[int, str]) -> dict[int, list]:
        with app.app_context():
            rows = db.session.execute(
                sa.text(
                    "SELECT t.id, u.lexeme, u.positions"
                    " FROM unnest(CAST(:ids AS int[]), CAST(:texts AS text[])) AS t(id, x),"
                    f" unnest(to_tsvector('{config}'::regconfig, t.x)) AS u"
                ),
                {"ids": list(texts), "texts": list(texts.values())},
            ).all()
            db.session.remove()
        placed: dict[int, dict[int, str]] = {pid: {} for pid in texts}
        for pid, lexeme, positions in rows:
            for position in positions:
                assert position not in placed[pid], (pid, position)
                placed[pid][position] = lexeme
        return {
            pid: [at.get(i) for i in range(1, max(at, default=0) + 1)] for pid, at in placed.items()
        }

    def analyse(self, app: Flask, texts: dict[int, str]) -> dict[int, tuple[list, list]]:
        words = self._sequences(app, "simple", texts)
        stems = self._sequences(app, "english", texts)
        return {pid: ([w for w in words[pid] if w], stems[pid]) for pid in texts}

    def phrase(self, app: Flask, text: str) -> list[str]:
        return self.analyse(app, {0: text})[0][0]

    def stem(self, app: Flask, word: str) -> str | None:
        found = [s for s in self.analyse(app, {0: word})[0][1] if s]
        assert len(found) <= 1, found
        return found[0] if found else None

    def prefixed(self, row: Row) -> set[str]:
        return set(row.words)


def words(app: Flask) -> Words:
    return PostgresWords() if app.config["SEARCH_BACKEND"] == "postgres" else WhooshWords()


@dataclass(frozen=True)
class Row:
    id: int
    version_id: int
    version_number: int
    document_id: int
    forum: str
    status: str
    kind: str
    label: str
    year: str
    latest: bool
    text: str
    #: The words of the text, in order, as exact phrases match them.
    words: tuple[str, ...]
    #: The stems of the text at their positions (None: a stop word's place, PostgreSQL).
    stems: tuple[str | None, ...]


class Rows(list):
    """The paragraphs, with the backend's way of cutting words."""

    def __init__(self, app: Flask, rows: list[Row]) -> None:
        super().__init__(rows)
        self.app = app
        self.words = words(app)
        self._stems: dict[str, str | None] = {}

    def phrase(self, text: str) -> list[str]:
        return self.words.phrase(self.app, text)

    def stem(self, word: str) -> str | None:
        key = word.lower()
        if key not in self._stems:
            self._stems[key] = self.words.stem(self.app, key)
        return self._stems[key]


def db_rows(app: Flask) -> Rows:
    with app.app_context():
        versions = db.session.scalars(db.select(Version)).all()
        newest: dict[int, int] = {}
        for v in versions:
            newest[v.document_id] = max(newest.get(v.document_id, 0), v.number)
        found = []
        for p in db.session.scalars(db.select(Paragraph)).all():
            v = p.version
            d = v.document
            found.append(
                {
                    "id": p.id,
                    "version_id": v.id,
                    "version_number": v.number,
                    "document_id": d.id,
                    "forum": d.forum.slug,
                    "status": d.status,
                    "kind": d.kind,
                    "label": p.label,
                    "year": str((v.date or v.created_at).year),
                    "latest": v.number == newest[d.id],
                    "text": p.text,
                }
            )
        db.session.remove()
    analysed = words(app).analyse(app, {f["id"]: f["text"] for f in found})
    return Rows(
        app,
        [
            Row(**f, words=tuple(analysed[f["id"]][0]), stems=tuple(analysed[f["id"]][1]))
            for f in found
        ],
    )


def contains_run(words: tuple[str, ...] | list[str], run: list[str]) -> bool:
    n = len(run)
    run_t = tuple(run)
    return any(tuple(words[i : i + n]) == run_t for i in range(len(words) - n + 1))


def with_phrase(rows: Rows, phrase: str) -> set[int]:
    run = rows.phrase(phrase)
    return {r.id for r in rows if contains_run(r.words, run)}


def with_stem(rows: Rows, word: str) -> set[int]:
    s = rows.stem(word)
    return {r.id for r in rows if s is not None and s in r.stems}


def frequency(rows: Rows, word: str) -> int:
    """Paragraphs holding ``word`` as the backend counts for word weights: by stem
    (Whoosh) or by word (PostgreSQL)."""
    if isinstance(rows.words, PostgresWords):
        return sum(1 for r in rows if word in r.words)
    return len(with_stem(rows, word))


def document_id(app: Flask, symbol: str) -> int:
    with app.app_context():
        found = db.session.scalar(db.select(Document.id).filter_by(symbol=symbol))
        db.session.remove()
    assert found is not None
    return found


# -- the API's view -------------------------------------------------------------------------


def search_all(client: FlaskClient, headers: dict[str, str], **params: Any) -> list[dict]:
    """Every hit of a query, page by page, checking that pages agree with ``total``."""
    hits: list[dict] = []
    page, total = 1, None
    while True:
        response = client.get(
            "/api/search", query_string={**params, "page": page, "per_page": 100}, headers=headers
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.json
        total = body["total"] if total is None else total
        assert body["total"] == total, "total changed between pages"
        hits.extend(body["hits"])
        if len(body["hits"]) < 100:
            break
        page += 1
        assert page <= 100
    assert len(hits) == total
    ids = [h["paragraph"]["id"] for h in hits]
    assert len(ids) == len(set(ids)), "a paragraph came back twice"
    return hits


def hit_ids(client: FlaskClient, headers: dict[str, str], **params: Any) -> set[int]:
    return {h["paragraph"]["id"] for h in search_all(client, headers, **params)}


def error(response: Any, status: int, code: str | None = None) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    assert set(response.json) == {"error"}
    if code is not None:
        assert response.json["error"]["code"] == code
    message = response.json["error"]["message"]
    assert message and "Traceback" not in message
    return message


def index_counts(app: Flask) -> tuple[int, int, set[int]]:
    """(outbox rows, indexed paragraphs, indexed paragraph ids)."""
    with app.app_context():
        result = (outbox.outbox_length(), backend().state().paragraphs, backend().paragraph_ids())
        db.session.remove()
    return result


def new_document(client: FlaskClient, auth: Any, **fields: str) -> int:
    body = {"title": "Test draft", "forum": "un-third-committee", "kind": "resolution", **fields}
    response = client.post("/api/documents", json=body, headers=auth("negotiator"))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def post_version(client: FlaskClient, auth: Any, doc_id: int, text: str, label: str = "") -> Any:
    return client.post(
        f"/api/documents/{doc_id}/versions",
        json={"text": text, "label": label},
        headers=auth("negotiator"),
    )


def resolution(token: str) -> str:
    """A short UN-style draft whose operative paragraphs carry ``token``."""
    return "\n".join(
        [
            "The General Assembly,",
            f"Recalling its earlier work on {token} and on trafficking in persons,",
            f"1. Decides to convene a meeting on {token} in 2027;",
            f"2. Requests the Secretary-General to report on {token} implementation;",
            "3. Decides to remain seized of the matter.",
        ]
    )


# -- 1. exact phrases and stemming ----------------------------------------------------------


def _random_phrases(rows: list[Row], count: int, seed: int) -> list[str]:
    """Runs of three to six words of the texts, as written (punctuation and all)."""
    rng = random.Random(seed)
    phrases: list[str] = []
    candidates = [r for r in sorted(rows, key=lambda r: r.id) if len(r.text.split()) >= 8]
    while len(phrases) < count:
        words = rng.choice(candidates).text.split()
        n = rng.randint(3, 6)
        start = rng.randrange(0, len(words) - n)
        phrases.append(" ".join(words[start : start + n]).replace('"', " "))
    return phrases


FIXED_PHRASES = [
    "States Parties shall",
    "trafficking in persons",
    "the Secretary-General of the United Nations",
    "forced or compulsory labour",
    "shall enter into force on the ninetieth day",
    # Every word and pair is frequent, but not in this order.
    "persons in trafficking",
    "shall Parties States",
]
#: Phrases whose words are mostly stop words ("of", "the", "in", "with"): the stemmed
#: text field does not hold them, so only the exact field can tell their order.
STOP_WORD_PHRASES = ["in accordance with the", "of the Protocol", "in respect of the"]


def _check_phrases(
    app: Flask, client: FlaskClient, auth: Any, phrases: list[str], versions: str
) -> None:
    rows = db_rows(app)
    allowed = {r.id for r in rows if versions == "all" or r.latest}
    h = auth("viewer")
    wrong = []
    for phrase in phrases:
        assert with_phrase(rows, phrase) or phrase in FIXED_PHRASES[-2:], phrase
        expected = with_phrase(rows, phrase) & allowed
        found = hit_ids(client, h, q=f'"{phrase}"', versions=versions)
        if found != expected:
            wrong.append(
                f"{phrase!r}: {len(found - expected)} hits lack the phrase "
                f"(e.g. {sorted(found - expected)[:5]}), {len(expected - found)} holders "
                f"missed (e.g. {sorted(expected - found)[:5]})"
            )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("versions", ["all", "latest"])
def test_exact_phrase_finds_exactly_the_paragraphs_holding_it(
    app: Flask, client: FlaskClient, auth, versions: str
) -> None:
    phrases = FIXED_PHRASES + _random_phrases(db_rows(app), 8, seed=55)
    _check_phrases(app, client, auth, phrases, versions)


def test_exact_phrase_of_stop_words_keeps_word_order(app: Flask, client: FlaskClient, auth) -> None:
    """E.g. paragraph "After the expiry … to the Protocol … Conference of the Parties …"
    holds "of the" and "the Protocol" but not "of the Protocol"."""
    _check_phrases(app, client, auth, STOP_WORD_PHRASES, "all")


def test_stemmed_word_finds_inflections_but_the_quoted_word_does_not(
    app: Flask, client: FlaskClient, auth
) -> None:
    rows = db_rows(app)
    h = auth("viewer")
    stemmed = hit_ids(client, h, q="trafficked", versions="all")
    quoted = hit_ids(client, h, q='"trafficked"', versions="all")
    assert stemmed == with_stem(rows, "trafficked")
    assert quoted == {r.id for r in rows if "trafficked" in r.words}
    assert quoted < stemmed
    only_inflected = stemmed - quoted
    assert any("trafficking" in r.words for r in rows if r.id in only_inflected)
    # Upper case in the query changes nothing.
    assert hit_ids(client, h, q='"TRAFFICKED"', versions="all") == quoted


@pytest.mark.parametrize(
    "phrase, marked",
    [
        ('"forced labour"', r"<mark>forced</mark>\s*<mark>labour</mark>"),
        (
            '"trafficking in persons"',
            r"<mark>trafficking</mark>\s*<mark>in</mark>\s*<mark>persons</mark>",
        ),
    ],
)
def test_snippets_mark_the_matched_words(
    client: FlaskClient, auth, phrase: str, marked: str
) -> None:
    body = client.get("/api/search", query_string={"q": phrase}, headers=auth("viewer")).json
    assert body["hits"]
    for hit in body["hits"]:
        assert re.search(marked, hit["snippet"], re.I), hit


# -- 2. prefix, boolean, field and proximity queries ----------------------------------------


def test_prefix_query(app: Flask, client: FlaskClient, auth) -> None:
    rows = db_rows(app)
    expected = {r.id for r in rows if any(w.startswith("traffick") for w in r.words)}
    assert hit_ids(client, auth("viewer"), q="traffick*", versions="all") == expected
    assert {r.id for r in rows if "traffickers" in r.words} <= expected


@pytest.mark.parametrize("q", ["traffick*", "smuggling OR trafficking", "migra* OR labour"])
def test_total_and_facets_do_not_depend_on_the_page_size(client: FlaskClient, auth, q: str) -> None:
    """Whoosh prunes documents that cannot reach the top N; the total and the facets must
    still count every match, whatever N is."""
    h = auth("viewer")
    small = client.get(
        "/api/search", query_string={"q": q, "versions": "all", "per_page": 1}, headers=h
    )
    large = client.get(
        "/api/search", query_string={"q": q, "versions": "all", "per_page": 100}, headers=h
    )
    assert small.json["total"] == large.json["total"] > 1
    assert small.json["facets"] == large.json["facets"]
    assert small.json["total"] == len(hit_ids(client, h, q=q, versions="all"))


def test_boolean_queries(app: Flask, client: FlaskClient, auth) -> None:
    rows = db_rows(app)
    h = auth("viewer")
    smuggling, trafficking = with_stem(rows, "smuggling"), with_stem(rows, "trafficking")
    labour = with_stem(rows, "labour")
    assert smuggling and trafficking and smuggling & trafficking
    assert hit_ids(client, h, q="smuggling AND trafficking", versions="all") == (
        smuggling & trafficking
    )
    assert hit_ids(client, h, q="smuggling trafficking", versions="all") == (
        smuggling & trafficking
    )
    assert hit_ids(client, h, q="smuggling OR trafficking", versions="all") == (
        smuggling | trafficking
    )
    not_hits = hit_ids(client, h, q="trafficking NOT smuggling", versions="all")
    assert not_hits == trafficking - smuggling and not not_hits & smuggling
    assert hit_ids(client, h, q="(smuggling OR labour) AND trafficking", versions="all") == (
        (smuggling | labour) & trafficking
    )


@pytest.mark.parametrize(
    ("clause", "attribute", "value"),
    [
        ("forum:ilo", "forum", "ilo"),
        ("status:adopted", "status", "adopted"),
        ("kind:protocol", "kind", "protocol"),
        ("label:actionable", "label", "actionable"),
        ("year:2000", "year", "2000"),
    ],
)
def test_field_queries(
    app: Flask, client: FlaskClient, auth, clause: str, attribute: str, value: str
) -> None:
    rows = db_rows(app)
    hits = search_all(client, auth("viewer"), q=f"labour {clause}", versions="all")
    labour = with_stem(rows, "labour")
    expected = {r.id for r in rows if r.id in labour and getattr(r, attribute) == value}
    assert {h["paragraph"]["id"] for h in hits} == expected
    key = {"forum": ("document", "forum"), "status": ("document", "status")}
    key |= {"kind": ("document", "kind"), "label": ("paragraph", "label")}
    for hit in hits:
        if attribute == "year":
            assert str(hit["year"]) == value
        else:
            outer, inner = key[attribute]
            assert hit[outer][inner] == value


def test_symbol_field_query(app: Flask, client: FlaskClient, auth) -> None:
    hits = search_all(client, auth("viewer"), q="labour symbol:C029", versions="all")
    assert hits and {h["document"]["symbol"] for h in hits} == {"C029"}


def test_filters_restrict_every_hit(app: Flask, client: FlaskClient, auth) -> None:
    rows = db_rows(app)
    h = auth("viewer")
    hits = search_all(client, h, q="trafficking", forum="coe", status="adopted", versions="all")
    expected = {r.id for r in rows if r.forum == "coe"} & with_stem(rows, "trafficking")
    assert {x["paragraph"]["id"] for x in hits} == expected and expected
    assert {x["document"]["forum"] for x in hits} == {"coe"}
    ops = search_all(client, h, q="labour", paragraph_kind="preambular", versions="all")
    assert ops and {x["paragraph"]["kind"] for x in ops} == {"preambular"}


def test_proximity_query(app: Flask, client: FlaskClient, auth) -> None:
    rows = db_rows(app)
    forced, labour = rows.stem("forced"), rows.stem("labour")
    near: set[int] = set()
    for r in rows:
        s = r.stems
        first = [i for i, w in enumerate(s) if w == forced]
        second = [i for i, w in enumerate(s) if w == labour]
        if any(1 <= j - i <= 3 for i in first for j in second):
            near.add(r.id)
    found = hit_ids(client, auth("viewer"), q='"forced labour"~3', versions="all")
    assert found == near
    exact = with_phrase(rows, "forced labour")
    assert exact < found, "proximity should find more than the exact phrase"
    assert with_phrase(rows, "forced or compulsory labour") <= found


# -- 3. facets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "trafficking", "versions": "all"},
        {"q": "trafficking"},
        {"q": '"States Parties"', "status": "adopted"},
        {"q": "labour OR smuggling", "forum": "ilo", "versions": "all"},
        {"q": "trafficking", "year": "2000", "versions": "all"},
    ],
)
def test_facet_counts_equal_database_counts(
    app: Flask, client: FlaskClient, auth, params: dict[str, str]
) -> None:
    by_id = {r.id: r for r in db_rows(app)}
    h = auth("viewer")
    hits = search_all(client, h, **params)
    assert hits
    first = client.get("/api/search", query_string={**params, "per_page": 5}, headers=h).json
    facets = {
        name: {f["value"]: f["count"] for f in values} for name, values in first["facets"].items()
    }
    assert set(facets) == {"forum", "year", "status", "label", "kind"}
    for name in facets:
        expected = Counter(getattr(by_id[x["paragraph"]["id"]], name) for x in hits)
        assert facets[name] == dict(expected), name
    # Years are listed newest first, the others most frequent first.
    years = [f["value"] for f in first["facets"]["year"]]
    assert years == sorted(years, reverse=True)
    forum_counts = [f["count"] for f in first["facets"]["forum"]]
    assert forum_counts == sorted(forum_counts, reverse=True)


# -- 4. newest version or every version -----------------------------------------------------


def test_latest_versions_only_by_default(app: Flask, client: FlaskClient, auth) -> None:
    rows = db_rows(app)
    palermo = document_id(app, PALERMO)
    h = auth("viewer")
    latest = search_all(client, h, q='"trafficking in persons"')
    explicit = search_all(client, h, q='"trafficking in persons"', versions="latest")
    every = search_all(client, h, q='"trafficking in persons"', versions="all")
    assert {x["paragraph"]["id"] for x in latest} == {x["paragraph"]["id"] for x in explicit}
    palermo_latest = {x["version"] for x in latest if x["document"]["id"] == palermo}
    assert palermo_latest == {3}
    assert {x["version"] for x in every if x["document"]["id"] == palermo} == {1, 2, 3}
    newest = {r.id for r in rows if r.latest}
    assert {x["paragraph"]["id"] for x in latest} == {x["paragraph"]["id"] for x in every} & newest
    body = client.get("/api/search", query_string={"q": "trafficking"}, headers=h).json
    assert body["versions"] == "latest"


def test_a_new_version_replaces_the_old_one_in_latest(
    app: Flask, client: FlaskClient, auth
) -> None:
    doc = new_document(client, auth)
    assert post_version(client, auth, doc, resolution("zebrafinch")).status_code == 201
    assert post_version(client, auth, doc, resolution("zebrafinch") + "\n4. Ends;").status_code
    h = auth("viewer")
    latest = search_all(client, h, q="zebrafinch")
    every = search_all(client, h, q="zebrafinch", versions="all")
    assert {x["version"] for x in latest} == {2} and len(latest) == 3
    assert {x["version"] for x in every} == {1, 2} and len(every) == 6


# -- 5. status changes ----------------------------------------------------------------------


def _status_facet(client: FlaskClient, h: dict[str, str], q: str) -> dict[str, int]:
    body = client.get("/api/search", query_string={"q": q, "versions": "all"}, headers=h).json
    return {f["value"]: f["count"] for f in body["facets"]["status"]}


def test_status_change_moves_a_document_between_statuses(
    app: Flask, client: FlaskClient, auth
) -> None:
    palermo = document_id(app, PALERMO)
    h = auth("viewer")
    q = '"trafficking in persons"'
    palermo_hits = {
        x["paragraph"]["id"]
        for x in search_all(client, h, q=q, versions="all")
        if x["document"]["id"] == palermo
    }
    assert palermo_hits
    before = _status_facet(client, h, q)
    assert "draft" not in before

    patched = client.patch(
        f"/api/documents/{palermo}", json={"status": "draft"}, headers=auth("negotiator")
    )
    assert patched.status_code == 200, patched.get_data(as_text=True)
    drafts = search_all(client, h, q=q, status="draft", versions="all")
    assert {x["paragraph"]["id"] for x in drafts} == palermo_hits
    assert {x["document"]["status"] for x in drafts} == {"draft"}
    adopted = search_all(client, h, q=q, status="adopted", versions="all")
    assert palermo not in {x["document"]["id"] for x in adopted}
    assert {x["paragraph"]["id"] for x in search_all(client, h, q=f"{q} status:draft")} <= (
        palermo_hits
    )
    after = _status_facet(client, h, q)
    assert after == {"draft": len(palermo_hits), "adopted": before["adopted"] - len(palermo_hits)}
    with app.app_context():
        assert outbox.outbox_length() == 0

    # And back: a draft that is adopted is found as adopted.
    doc = new_document(client, auth)
    assert post_version(client, auth, doc, resolution("quokkas")).status_code == 201
    assert {x["document"]["status"] for x in search_all(client, h, q="quokkas")} == {"draft"}
    n = len(search_all(client, h, q="quokkas", status="draft"))
    assert n == 3
    patched = client.patch(
        f"/api/documents/{doc}",
        json={
            "status": "adopted",
            "forum": "osce",
            "title": "Ministerial decision",
            "kind": "decision",
            "symbol": "MC.DEC/7/27",
        },
        headers=auth("negotiator"),
    )
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert search_all(client, h, q="quokkas", status="draft") == []
    moved = search_all(client, h, q="quokkas", status="adopted")
    assert len(moved) == n
    assert {(x["document"]["forum"], x["document"]["title"]) for x in moved} == {
        ("osce", "Ministerial decision")
    }
    assert len(search_all(client, h, q="quokkas forum:osce")) == n
    assert search_all(client, h, q="quokkas", forum="un-third-committee") == []
    assert len(search_all(client, h, q="quokkas symbol:MC.DEC/7/27")) == n
    assert len(search_all(client, h, q="quokkas", kind="decision")) == n
    assert search_all(client, h, q="quokkas", kind="resolution") == []
    with app.app_context():
        assert outbox.outbox_length() == 0
        db.session.remove()


# -- 6. the outbox: a busy index never loses a commit ---------------------------------------


@whoosh_only
def test_a_busy_index_keeps_the_work_in_the_outbox(app: Flask, client: FlaskClient, auth) -> None:
    doc = new_document(client, auth)
    h = auth("viewer")
    ix = whoosh_index.open_dir(app.config["INDEX_DIR"], indexname=INDEX_NAME)
    writer = ix.writer()
    try:
        started = time.monotonic()
        response = post_version(client, auth, doc, resolution("wombatine"), "held")
        waited = time.monotonic() - started
        assert response.status_code == 201, response.get_data(as_text=True)
        # It waited for the index a little (AFTER_COMMIT_TIMEOUT), then gave up.
        assert outbox.AFTER_COMMIT_TIMEOUT * 0.9 <= waited < outbox.AFTER_COMMIT_TIMEOUT + 8
        new_ids = {p["id"] for p in response.json["paragraphs"]}
        health = client.get("/api/health").json["index"]
        assert health["stale"] is True and health["status"] == "stale"
        assert health["outbox"] > 0
        assert health["paragraphs"] == health["database_paragraphs"] - len(new_ids)
        assert "reindex" in health["message"]
        # Searching still works meanwhile (without the new paragraphs).
        assert search_all(client, h, q="wombatine") == []
    finally:
        writer.cancel()
        ix.close()
    assert hit_ids(client, h, q="wombatine") == with_stem(db_rows(app), "wombatine")
    assert with_stem(db_rows(app), "wombatine") <= new_ids
    health = client.get("/api/health").json
    assert health["status"] == "ok"
    index = health["index"]
    assert (index["status"], index["stale"], index["outbox"]) == ("ok", False, 0)
    assert index["paragraphs"] == index["database_paragraphs"]


def test_refused_uploads_leave_outbox_and_index_alone(
    app: Flask, client: FlaskClient, auth
) -> None:
    doc = new_document(client, auth)
    assert post_version(client, auth, doc, resolution("numbat")).status_code == 201
    before = index_counts(app)
    assert before[0] == 0
    error(post_version(client, auth, doc, resolution("numbat")), 409, "duplicate-version")
    error(post_version(client, auth, doc, "  \n "), 400)
    error(post_version(client, auth, 999999, resolution("other")), 404)
    assert index_counts(app) == before


def test_a_version_is_found_once_its_upload_commits(app: Flask, client: FlaskClient, auth) -> None:
    """Whoosh applies the upload's outbox row after the commit, before the 201 goes out;
    PostgreSQL writes the search columns in the upload's own transaction. Either way the
    paragraphs are found at once and nothing is left waiting."""
    doc = new_document(client, auth)
    response = post_version(client, auth, doc, resolution("aardwolves"))
    assert response.status_code == 201, response.get_data(as_text=True)
    new_ids = {p["id"] for p in response.json["paragraphs"]}
    expected = with_stem(db_rows(app), "aardwolves")
    assert expected and expected <= new_ids
    assert hit_ids(client, auth("viewer"), q="aardwolves") == expected
    with app.app_context():
        assert outbox.outbox_length() == 0
        db.session.remove()
    health = client.get("/api/health").json["index"]
    assert (health["status"], health["stale"], health["outbox"]) == ("ok", False, 0)
    assert health["paragraphs"] == health["database_paragraphs"]


@postgres_only
def test_postgres_records_no_outbox_work(app: Flask, client: FlaskClient, auth) -> None:
    """No outbox row is written for PostgreSQL (not even one drained at once): the upload's
    transaction holds all the index work there is."""
    with app.app_context():
        engine = db.engine
        db.session.remove()
    inserted: list[str] = []

    def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "search_outbox" in statement and statement.lstrip().upper().startswith("INSERT"):
            inserted.append(statement)

    sa.event.listen(engine, "before_cursor_execute", watch)
    try:
        doc = new_document(client, auth)
        assert post_version(client, auth, doc, resolution("gerenuks")).status_code == 201
        patched = client.patch(
            f"/api/documents/{doc}", json={"status": "adopted"}, headers=auth("negotiator")
        )
        assert patched.status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", watch)
    assert inserted == []
    adopted = search_all(client, auth("viewer"), q="gerenuks", status="adopted")
    assert len(adopted) == 3


# -- 7. reindex and reindex --check ----------------------------------------------------------


@postgres_only
def test_postgres_reindex_rebuilds_the_gin_indexes(
    app: Flask, client: FlaskClient, auth, runner
) -> None:
    """The rows are the index: ``reindex --check`` finds them equal, and ``reindex`` rebuilds
    the GIN indexes, repairing one an interrupted concurrent build left invalid."""
    n = len(db_rows(app))
    ok = runner.invoke(args=["reindex", "--check"])
    assert ok.exit_code == 0, ok.output
    assert "matches" in ok.output
    with app.app_context():
        db.session.execute(
            sa.text(
                "UPDATE pg_index SET indisvalid = false "
                "WHERE indexrelid = 'ix_paragraphs_exact_vector'::regclass"
            )
        )
        db.session.commit()
        db.session.remove()
    health = client.get("/api/health")
    assert health.status_code == 503
    assert health.json["index"]["status"] == "error"
    assert "ix_paragraphs_exact_vector" in health.json["index"]["message"]
    assert "reindex" in health.json["index"]["message"]
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert f"Indexed {n} paragraphs" in result.output
    body = client.get("/api/health").json
    assert body["status"] == "ok" and body["index"]["paragraphs"] == n
    rows = db_rows(app)
    assert hit_ids(client, auth("viewer"), q='"trafficking in persons"', versions="all") == (
        with_phrase(rows, "trafficking in persons")
    )


@whoosh_only
def test_reindex_check_repairs_a_lossy_index(app: Flask, client: FlaskClient, runner) -> None:
    with app.app_context():
        version = db.session.scalar(
            db.select(Version).join(Document).where(Document.symbol == SMUGGLING)
        )
        version_id, lost = version.id, len(version.paragraphs)
        db.session.remove()
    assert lost > 10
    ok = runner.invoke(args=["reindex", "--check"])
    assert ok.exit_code == 0, ok.output
    assert "matches" in ok.output
    with app.app_context():
        with backend().batch(timeout=1) as batch:
            batch.remove_version(version_id)
        db.session.remove()
    health = client.get("/api/health").json["index"]
    assert health["status"] == "stale" and health["stale"] is True
    assert health["database_paragraphs"] - health["paragraphs"] == lost
    result = runner.invoke(args=["reindex", "--check"])
    assert result.exit_code == 0, result.output
    assert f"lacked {lost} paragraphs" in result.output
    health = client.get("/api/health").json["index"]
    assert health["status"] == "ok" and not health["stale"]
    assert health["paragraphs"] == health["database_paragraphs"]
    rows = db_rows(app)
    assert index_counts(app)[2] == {r.id for r in rows}


# -- 8. a corrupt or missing index -----------------------------------------------------------


def _replace(path: Path, data: bytes) -> None:
    # A new file in place of the old one (open readers keep the old inode mapped: writing
    # into a mapped file could kill the test process instead of the index).
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _corrupt_segments(index_dir: Path) -> None:
    segments = list(index_dir.glob("*.seg"))
    assert segments
    for seg in segments:
        _replace(seg, b"\0garbage" * 64)


def _remove_toc(index_dir: Path) -> None:
    tocs = list(index_dir.glob(f"_{INDEX_NAME}_*.toc"))
    assert tocs
    for toc in tocs:
        toc.unlink()


def _search_unavailable(client: FlaskClient, h: dict[str, str]) -> Any:
    """Search and look-ups answer 503 index-unavailable, saying what to run; returns the
    health check's answer, a 503 too."""
    message = error(client.get("/api/search?q=trafficking", headers=h), 503, "index-unavailable")
    assert "reindex" in message
    precedents = client.post("/api/precedents", json={"text": "forced labour"}, headers=h)
    error(precedents, 503, "index-unavailable")
    health = client.get("/api/health")
    assert health.status_code == 503
    return health


# Whoosh leaves the file of a segment it failed to open for the garbage collector: those
# warnings are about the damage this test does, collected below so no other test sees them.
@whoosh_only
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    ("damage", "command"),
    [(_corrupt_segments, "reindex"), (_remove_toc, "--check")],
    ids=["segments-reindex", "toc-check"],
)
def test_a_damaged_index_is_reported_and_rebuilt(
    app: Flask, client: FlaskClient, auth, runner, damage: Any, command: str
) -> None:
    h = auth("viewer")
    # A search first: the backend now holds a searcher on the intact index.
    before = hit_ids(client, h, q="trafficking", versions="all")
    assert before
    damage(Path(app.config["INDEX_DIR"]))
    health = _search_unavailable(client, h)
    assert health.json["index"]["status"] in ("error", "missing")
    assert health.json["index"]["message"]
    assert health.json["database"]["status"] == "ok"
    # The rest of the service stays up.
    assert client.get("/api/documents", headers=h).status_code == 200
    login(client, "viewer")
    page = client.get("/search?q=trafficking")
    assert page.status_code == 503
    assert "cannot be read" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)

    n = len(db_rows(app))
    if command == "reindex":
        result = runner.invoke(args=["reindex"])
        assert result.exit_code == 0, result.output
        assert f"Indexed {n} paragraphs" in result.output
    else:
        result = runner.invoke(args=["reindex", "--check"])
        assert result.exit_code == 0, result.output
        assert f"lacked {n} paragraphs" in result.output
    assert hit_ids(client, h, q="trafficking", versions="all") == before
    body = client.get("/api/health").json
    assert body["status"] == "ok" and body["index"]["paragraphs"] == n
    assert index_counts(app)[2] == {r.id for r in db_rows(app)}
    gc.collect()


@postgres_only
def test_postgres_without_its_search_columns_is_reported(
    app: Flask, client: FlaskClient, auth
) -> None:
    """A database migrated without the search columns (or that lost one): searches and
    look-ups answer 503 with what to run, health says missing, the rest stays up."""
    with app.app_context():
        db.session.execute(
            sa.text("ALTER TABLE paragraphs DROP COLUMN exact_vector, DROP COLUMN search_vector")
        )
        db.session.commit()
        db.session.remove()
    h = auth("viewer")
    health = _search_unavailable(client, h)
    assert health.json["index"]["status"] == "missing"
    assert "db upgrade" in health.json["index"]["message"]
    assert health.json["database"]["status"] == "ok"
    assert client.get("/api/documents", headers=h).status_code == 200


def test_search_backend_setting_is_checked_at_start(tmp_path: Path) -> None:
    """PostgreSQL's full text needs a PostgreSQL database; an unknown backend is refused."""
    sqlite = "sqlite:///" + str(tmp_path / "x.db")
    base = {"TESTING": True, "SECRET_KEY": "x", "INDEX_DIR": str(tmp_path / "index")}
    with pytest.raises(RuntimeError, match="PostgreSQL") as refused:
        create_app({**base, "SQLALCHEMY_DATABASE_URI": sqlite, "SEARCH_BACKEND": "postgres"})
    assert "sqlite" in str(refused.value) and "MULTILATERAL_SEARCH_BACKEND" in str(refused.value)
    with pytest.raises(RuntimeError, match="elastic"):
        create_app({**base, "SQLALCHEMY_DATABASE_URI": sqlite, "SEARCH_BACKEND": "elastic"})
    assert create_app({**base, "SQLALCHEMY_DATABASE_URI": sqlite}).config["SEARCH_BACKEND"] == (
        "whoosh"
    )


# -- 9. bad input ------------------------------------------------------------------------------


def test_empty_and_oversized_queries(client: FlaskClient, auth) -> None:
    h = auth("viewer")
    error(client.get("/api/search", headers=h), 400, "empty-query")
    error(client.get("/api/search?q=%20%20", headers=h), 400, "empty-query")
    hundred = " ".join(f"word{i}" for i in range(100))
    message = error(client.get("/api/search", query_string={"q": hundred}, headers=h), 400)
    assert (
        client.get("/api/search", query_string={"q": hundred}, headers=h).json["error"]["code"]
        == "bad-query"
    )
    assert "100" in message


@pytest.mark.parametrize("q", ["*", "*:*", "trafficking OR *", "text:*"])
def test_match_everything_is_refused(client: FlaskClient, auth, q: str) -> None:
    response = client.get("/api/search", query_string={"q": q}, headers=auth("viewer"))
    message = error(response, 400, "bad-query")
    assert "*" in message or "word" in message


def _stems_starting(rows: Rows, prefix: str) -> set[str]:
    """What ``prefix*`` stands for: the stems (Whoosh) or words (PostgreSQL) it starts."""
    return {s for r in rows for s in rows.words.prefixed(r) if s and s.startswith(prefix)}


@pytest.mark.parametrize("prefix", ["a", "t", "co", "traffick"])
def test_a_prefix_is_refused_only_when_it_stands_for_too_many_words(
    app: Flask, client: FlaskClient, auth, prefix: str
) -> None:
    """Documented bound: a prefix may stand for at most MAX_EXPANSION indexed words."""
    rows = db_rows(app)
    stems = _stems_starting(rows, prefix)
    response = client.get(
        "/api/search",
        query_string={"q": f"{prefix}*", "versions": "all", "per_page": 100},
        headers=auth("viewer"),
    )
    if len(stems) > MAX_EXPANSION:
        message = error(response, 400, "bad-query")
        assert f"{prefix}*" in message
    else:
        assert response.status_code == 200
        expected = {r.id for r in rows if rows.words.prefixed(r) & stems}
        assert hit_ids(client, auth("viewer"), q=f"{prefix}*", versions="all") == expected


def test_prefix_bound_with_many_words(app: Flask, client: FlaskClient, auth) -> None:
    consonants = "bcdfghjklmnpqrtvwxz"
    invented = [f"zqx{a}{b}{c}" for a in consonants[:6] for b in consonants for c in "bdg"]
    doc = new_document(client, auth)
    text = "\n".join(
        f"{n}. Notes {' '.join(invented[i : i + 20])};" for n, i in enumerate(range(0, 342, 20), 1)
    )
    assert post_version(client, auth, doc, text).status_code == 201
    rows = db_rows(app)
    assert len(_stems_starting(rows, "zqx")) > MAX_EXPANSION
    h = auth("viewer")
    message = error(client.get("/api/search?q=zqx*", headers=h), 400, "bad-query")
    assert "zqx*" in message and "letters" in message
    narrower = _stems_starting(rows, "zqxb")
    assert 0 < len(narrower) <= MAX_EXPANSION
    assert hit_ids(client, h, q="zqxb*") == {
        r.id for r in rows if rows.words.prefixed(r) & narrower
    }


@pytest.mark.parametrize("q", ['exact:"forced labour"', "title:trafficking"])
def test_a_query_the_engine_cannot_run_is_a_bad_query_not_an_outage(
    client: FlaskClient, auth, q: str
) -> None:
    """Fields the page does not document are the user's mistake (400), not a broken index."""
    response = client.get("/api/search", query_string={"q": q}, headers=auth("viewer"))
    error(response, 400, "bad-query")
    assert client.get("/api/health").json["index"]["status"] == "ok"


@pytest.mark.parametrize("q", ['"forced labour', "(trafficking", "trafficking)", 'AND "', "OR"])
def test_unbalanced_syntax_is_read_leniently(client: FlaskClient, auth, q: str) -> None:
    response = client.get("/api/search", query_string={"q": q}, headers=auth("viewer"))
    if response.status_code == 400:
        # A query with no word left is refused, with a message, never a crash.
        assert response.json["error"]["code"] == "bad-query"
    else:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.json["total"] >= 0


def test_lenient_syntax_still_finds_the_words(app: Flask, client: FlaskClient, auth) -> None:
    rows = db_rows(app)
    h = auth("viewer")
    assert hit_ids(client, h, q="(trafficking", versions="all") == with_stem(rows, "trafficking")
    forced_labour = hit_ids(client, h, q='"forced labour', versions="all")
    assert forced_labour and forced_labour <= with_stem(rows, "forced") & with_stem(rows, "labour")


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"forum": "nowhere"},
        {"year": "abc"},
        {"label": "nice"},
        {"kind": "novel"},
        {"paragraph_kind": "poem"},
        {"versions": "some"},
        {"page": "0"},
        {"page": "x"},
        {"per_page": "1000"},
    ],
)
def test_bad_filter_values(client: FlaskClient, auth, params: dict[str, str]) -> None:
    response = client.get(
        "/api/search", query_string={"q": "trafficking", **params}, headers=auth("viewer")
    )
    error(response, 400, "bad-parameter")


def test_precedents_input(client: FlaskClient, auth) -> None:
    h = auth("viewer")
    error(client.post("/api/precedents", json={"text": ""}, headers=h), 400)
    error(client.post("/api/precedents", json={"text": "  \n"}, headers=h), 400)
    error(client.post("/api/precedents", json={}, headers=h), 400)
    error(client.post("/api/precedents", json={"text": "x", "limit": 0}, headers=h), 400)
    error(
        client.post("/api/precedents", data="text=trafficking", headers=h),
        415,
        "unsupported-media-type",
    )
    syntax = client.post(
        "/api/precedents",
        json={"text": 'trafficking AND ( " in persons especially women and children'},
        headers=h,
    )
    assert syntax.status_code == 200, syntax.get_data(as_text=True)
    assert isinstance(syntax.json["precedents"], list)
    bare = client.post("/api/precedents", json={"text": 'trafficking AND ( "'}, headers=h)
    assert bare.status_code == 200, bare.get_data(as_text=True)
    error(client.post("/api/precedents", json={"text": "x" * 20_001}, headers=h), 413)


def test_who_may_search(client: FlaskClient, auth) -> None:
    error(client.get("/api/search?q=trafficking"), 401, "unauthorized")
    error(client.post("/api/precedents", json={"text": "trafficking"}), 401, "unauthorized")
    error(client.get("/api/search?q=trafficking", headers={"Authorization": "Bearer x"}), 401)
    assert client.get("/search?q=trafficking").status_code == 302
    assert client.get("/api/search?q=trafficking", headers=auth("viewer")).status_code == 200
    viewer = client.post("/api/precedents", json={"text": "forced labour"}, headers=auth("viewer"))
    assert viewer.status_code == 200


# -- 10. precedents ----------------------------------------------------------------------------


def _paragraph(app: Flask, symbol: str, startswith: str) -> tuple[int, int, str]:
    """(document id, paragraph id, text) of the newest version's paragraph so starting."""
    with app.app_context():
        document = db.session.scalar(db.select(Document).filter_by(symbol=symbol))
        version = max(document.versions, key=lambda v: v.number)
        found = [p for p in version.paragraphs if p.text.startswith(startswith)]
        assert len(found) == 1, [p.text[:60] for p in found]
        result = (document.id, found[0].id, found[0].text)
        db.session.remove()
    return result


FINAL_CLAUSES = [
    "This Protocol shall enter into force on the ninetieth day",
    "This Protocol is subject to ratification, acceptance or approval.",
    "A State Party may denounce this Protocol",
    "The Secretary-General of the United Nations is designated depositary",
]


@pytest.mark.parametrize("start", FINAL_CLAUSES)
def test_final_clauses_find_their_counterpart(
    app: Flask, client: FlaskClient, auth, start: str
) -> None:
    h = auth("viewer")
    for source, target in ((SMUGGLING, PALERMO), (PALERMO, SMUGGLING)):
        source_doc, _, text = _paragraph(app, source, start)
        target_doc, target_pid, target_text = _paragraph(app, target, start)
        response = client.post("/api/precedents", json={"text": text, "limit": 5}, headers=h)
        assert response.status_code == 200, response.get_data(as_text=True)
        found = response.json["precedents"]
        docs = [p["document"]["id"] for p in found]
        assert target_doc in docs, (source, start, docs)
        hit = found[docs.index(target_doc)]
        assert " ".join(hit["paragraph"]["text"].split()) == " ".join(target_text.split())
        assert hit["similarity"] > 0.9
        assert {"document", "version", "year", "paragraph", "url", "similarity"} <= set(hit)
        assert {"also_in_versions", "diff"} <= set(hit)
        assert hit["url"].endswith(f"#p{hit['paragraph']['id']}")
        # Adopted texts first, then drafts.
        statuses = [p["document"]["status"] for p in found]
        assert statuses == sorted(statuses, key=lambda s: s != "adopted")
        assert source_doc in docs or target_pid  # the text's own document may list too


def test_a_reworded_paragraph_ranks_its_source_first(app: Flask, client: FlaskClient, auth) -> None:
    palermo, pid, text = _paragraph(app, PALERMO, "In addition to taking measures pursuant")
    changed = text.replace("each State Party shall consider adopting", "States may adopt", 1)
    changed = changed.replace("in appropriate cases", "where suitable")
    assert changed.count("States may adopt") == 1 and "where suitable" in changed
    response = client.post("/api/precedents", json={"text": changed}, headers=auth("viewer"))
    assert response.status_code == 200
    found = response.json["precedents"]
    assert found, "no precedent for a lightly reworded paragraph"
    best = found[0]
    assert best["document"]["id"] == palermo
    assert " ".join(best["paragraph"]["text"].split()) == " ".join(text.split())
    assert best["similarity"] < 1
    ops = {d["op"] for d in best["diff"]}
    assert {"insert", "delete", "equal"} <= ops
    inserted = " ".join(d["text"] for d in best["diff"] if d["op"] == "insert")
    deleted = " ".join(d["text"] for d in best["diff"] if d["op"] == "delete")
    assert "suitable" in inserted and "appropriate" in deleted
    # The same wording in Palermo's older versions is named, not listed again.
    assert [p["document"]["id"] for p in found].count(palermo) == 1
    assert best["version"] == 3 and set(best["also_in_versions"]) <= {1, 2}


def test_word_weights_are_inverse_document_frequencies(app: Flask) -> None:
    """``log((N + 1) / (df + 0.5))`` over the index's paragraphs: a word found almost
    everywhere weighs little, one paragraph's own word much, an unknown word most."""
    rows = db_rows(app)
    counts = Counter(w for r in rows for w in set(r.words) if w.isalpha() and len(w) > 3)
    rare = sorted(w for w, n in counts.items() if n == 1 and frequency(rows, w) == 1)[:3]
    assert rare
    with app.app_context():
        weight = backend().word_weight()
        total = backend().state().paragraphs
        db.session.remove()
    assert total == len(rows)
    for word in ["states", "trafficking", "protocol", "labour", *rare]:
        df = frequency(rows, word)
        assert math.isclose(weight(word), math.log((total + 1) / (df + 0.5))), word
    assert weight("zqxwvyk") > weight(rare[0]) > weight("protocol") > weight("states")


def test_candidates_are_the_paragraphs_sharing_the_rarest_words(app: Flask) -> None:
    """The pool precedents are ranked from: the paragraph a text comes from is in it, and
    every candidate holds at least one of the rarest words asked."""
    from multilateral.text.precedents import lookup_words

    _, pid, text = _paragraph(app, PALERMO, "In addition to taking measures pursuant")
    asked = lookup_words(text)
    rows = db_rows(app)
    with app.app_context():
        found = backend().candidates(asked, limit=20)
        weight = backend().word_weight()
        db.session.remove()
    assert 0 < len(found) <= 20
    by_id = {r.id: r for r in rows}
    same_text = {r.id for r in rows if " ".join(r.text.split()) == " ".join(text.split())}
    assert same_text & {entry.paragraph_id for entry, _ in found}
    rarest = sorted(asked, key=weight, reverse=True)[:12]
    stems = {rows.stem(w) for w in rarest}
    for entry, score in found:
        row = by_id[entry.paragraph_id]
        assert entry.text == row.text and entry.document_id == row.document_id
        assert (set(row.words) & set(rarest)) or (set(row.stems) & stems), entry.paragraph_id
        assert score > 0


def test_snippets_are_escaped(app: Flask, client: FlaskClient, auth) -> None:
    doc = new_document(client, auth)
    text = (
        'The General Assembly,\n1. Notes <script>alert("x")</script> & okapis in reserves '
        "<b>fit for okapi-friendly</b> care;"
    )
    assert post_version(client, auth, doc, text).status_code == 201
    for q in ["okapis", '"okapis in reserves"', "okapi*"]:
        hits = search_all(client, auth("viewer"), q=q)
        assert hits, q
        for hit in hits:
            snippet = hit["snippet"]
            assert "<script" not in snippet and "<b>" not in snippet, snippet
            assert "&lt;script&gt;" in snippet and "&amp;" in snippet
            assert re.sub(r"</?mark>", "", snippet).count("<") == 0
            assert "<mark>okapis</mark>" in snippet, (q, snippet)


# -- 11. the search page -------------------------------------------------------------------------


def test_search_page_groups_hits_by_document(app: Flask, client: FlaskClient, auth) -> None:
    login(client, "viewer")
    response = client.get("/search?q=trafficking")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="trafficking"' in html
    api = client.get("/api/search", query_string={"q": "trafficking"}, headers=auth("viewer")).json
    assert api["hits"]
    for hit in api["hits"]:
        link = (
            f"/documents/{hit['document']['id']}?version={hit['version']}#p{hit['paragraph']['id']}"
        )
        assert f'href="{link}"' in html
    for label in {hit["paragraph"]["label"] for hit in api["hits"]}:
        assert f'class="badge badge-{label}"' in html
    sections = re.findall(r'<section class="result-doc" aria-label="([^"]*)"', html)
    assert len(sections) == len(set(sections)), "a document was listed in two groups"
    titles = {hit["document"]["title"] for hit in api["hits"]}
    assert len(sections) == len(titles)
    assert "<mark>" in html


def test_search_page_keeps_filters_and_quotes(client: FlaskClient) -> None:
    login(client, "viewer")
    html = client.get('/search?q="forced labour"&forum=ilo').get_data(as_text=True)
    assert 'value="&#34;forced labour&#34;"' in html or 'value="&quot;forced labour&quot;"' in html
    assert re.search(r'<option value="ilo"\s+selected', html)


def test_search_page_without_query_lists_recent_texts(app: Flask, client: FlaskClient) -> None:
    login(client, "viewer")
    response = client.get("/search")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    palermo = document_id(app, PALERMO)
    assert f'href="/documents/{palermo}"' in html
    assert "Recently changed texts" in html


@pytest.mark.parametrize("q", [" ".join(["word"] * 100), "*", "trafficking AND"])
def test_search_page_shows_a_readable_error(client: FlaskClient, q: str) -> None:
    login(client, "viewer")
    response = client.get("/search", query_string={"q": q})
    if q == "trafficking AND":  # lenient: read as the word alone
        assert response.status_code == 200
        return
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "Traceback" not in html
    assert 'id="q"' in html


def test_search_page_bad_filter_is_readable(client: FlaskClient) -> None:
    login(client, "viewer")
    response = client.get("/search?q=trafficking&status=bogus")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "status must be one of" in html and "Traceback" not in html


def test_document_and_compare_pages_carry_the_precedents_url(
    app: Flask, client: FlaskClient
) -> None:
    palermo = document_id(app, PALERMO)
    login(client, "viewer")
    document = client.get(f"/documents/{palermo}?version=3").get_data(as_text=True)
    urls = re.findall(r'data-precedents-url="([^"]+)"', document)
    assert urls == [f"/api/documents/{palermo}/versions/3/precedents"]
    compare = client.get(f"/documents/{palermo}/compare?from=1&to=3").get_data(as_text=True)
    assert re.findall(r'data-precedents-url="([^"]+)"', compare) == urls
    # The JSON endpoint behind the attribute: each paragraph's closest language in OTHER
    # texts (Palermo's final clauses were agreed in the Smuggling Protocol too).
    answer = client.get(urls[0])
    assert answer.status_code == 200 and answer.is_json
    paragraphs = answer.json["paragraphs"]
    smuggling = document_id(app, SMUGGLING)
    _, pid, _ = _paragraph(app, PALERMO, "This Protocol shall enter into force on the ninetieth")
    assert smuggling in {p["document"]["id"] for p in paragraphs[str(pid)]}
    for found in paragraphs.values():
        assert found and all(p["document"]["id"] != palermo for p in found)
    assert client.get(f"/api/documents/{palermo}/versions/9/precedents").status_code == 404
