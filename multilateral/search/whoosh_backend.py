"""The Whoosh backend of the search gateway: one index entry per paragraph.

Index design, for speed without dropping features:

- ``text`` is stemmed (Porter) with positions, so "trafficking" finds "trafficked" and a
  proximity query (``"forced labour"~3``) can check word distance.
- ``exact`` holds every lowercase word *unstemmed* and every pair of adjacent words as one
  term ("non punishment", "punishment principle"). A quoted phrase becomes an AND of its
  word pairs: exact wording, no position checks, and a pair is far rarer than either of its
  words, so even "States Parties shall" is answered from three short posting lists. Phrases
  of three words or more also check word order on ``text`` positions, so a paragraph that
  holds every pair but not the sequence is not a hit.
- Filters and facets read columns (``sortable``), never stored documents; the set of
  documents a filter allows is cached per searcher.
- One searcher per thread, reused across requests and refreshed when the index changes.
- Snippets are cut from the stored text by this module, with the query's own words.
"""

from __future__ import annotations

import dataclasses
import fcntl
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import pairwise
from typing import Any

from whoosh import collectors, index, query, writing
from whoosh.analysis import (
    Filter,
    IDAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
)
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.lang.porter import stem
from whoosh.qparser import PhrasePlugin, QueryParser
from whoosh.searching import Searcher

from multilateral.search.gateway import (
    FACETS,
    Hit,
    IndexBusy,
    IndexEntry,
    IndexState,
    QueryError,
    SearchQuery,
    SearchResult,
)
from multilateral.search.snippets import excerpt
from multilateral.search.syntax import (
    MAX_EXPANSION,
    MAX_QUERY_TERMS,
    QUERY_FIELDS,
    WORD,
    WORDS,
    check_expansion,
    parse,
    query_schema,
)

__all__ = ["WhooshBackend", "SCHEMA", "MAX_QUERY_TERMS", "MAX_EXPANSION", "QUERY_FIELDS"]

_WORD = WORD


class _WordsAndPairs(Filter):
    """Emits each word, then the pair it forms with the word before it ("a b")."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        previous = None
        for token in tokens:
            word = token.text
            yield token
            if previous is not None:
                # Whoosh reuses one token object: it was consumed above, so it can carry
                # the pair now.
                token.text = f"{previous} {word}"
                yield token
            previous = word


_EXACT_ANALYZER = RegexTokenizer(_WORD) | LowercaseFilter() | _WordsAndPairs()
_WORDS = WORDS

SCHEMA = Schema(
    # shift_step=0: one term per id. The default adds 16 range-search terms per value, which
    # no query here uses, and made these three fields most of the postings to write.
    paragraph_id=NUMERIC(stored=True, unique=True, bits=64, shift_step=0),
    version_id=NUMERIC(stored=True, bits=64, sortable=True, shift_step=0),
    document_id=NUMERIC(stored=True, bits=64, sortable=True, shift_step=0),
    version_number=STORED,
    forum=ID(stored=True, sortable=True),
    symbol=ID(stored=True, analyzer=IDAnalyzer(lowercase=True)),
    title=STORED,
    year=ID(stored=True, sortable=True),
    status=ID(stored=True, sortable=True),
    kind=ID(stored=True, sortable=True),
    paragraph_kind=ID(stored=True, sortable=True),
    label=ID(stored=True, sortable=True),
    strength=STORED,
    number=STORED,
    text=TEXT(analyzer=StemmingAnalyzer(_WORD), stored=True),
    exact=TEXT(analyzer=_EXACT_ANALYZER),
)

#: The index's name in its directory, versioned with :data:`SCHEMA`: an index built by an
#: older schema is not opened (it reads as missing, and ``reindex`` builds this one).
INDEX_NAME = "MULTILATERAL_3"

#: A file a rebuild holds an exclusive ``flock`` on while it runs, so every process (a web
#: worker's health check, an upload's drain) can tell that one is under way; the kernel drops
#: the lock when the rebuilding process ends, even by SIGKILL. The name ends in "LOCK" so
#: that :meth:`WhooshBackend._stamp` ignores it, and Whoosh never cleans it up.
REBUILD_LOCK = f"{INDEX_NAME}_REBUILDLOCK"

_QUERY_SCHEMA = query_schema(SCHEMA["text"])


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return stem(word)


class _PhraseNode(PhrasePlugin.PhraseNode):
    def query(self, parser: QueryParser) -> query.Query:
        fieldname = self.fieldname or parser.fieldname
        words = [w.lower() for w in (m.group(0) for m in _WORDS.finditer(self.text))]
        if fieldname != "text" or self.slop != 1 or not words:
            return super().query(parser)
        if len(words) == 1:
            return query.Term("exact", words[0], boost=self.boost)
        pairs = [f"{a} {b}" for a, b in pairwise(words)]
        if len(pairs) == 1:
            return query.Term("exact", pairs[0], boost=self.boost)
        # Each pair sits at the position of its second word, so the pairs of a phrase are
        # consecutive exactly where the phrase occurs: word order checked on rare terms.
        return query.Phrase("exact", pairs, boost=self.boost)


class _PhraseTagger(PhrasePlugin.PhraseTagger):
    def create(self, parser: QueryParser, match: re.Match[str]) -> _PhraseNode:
        slop = int(match.group("slop")) if match.group("slop") else 1
        return _PhraseNode(match.group("text"), match.start("text"), slop)


class _ExactPhrasePlugin(PhrasePlugin):
    """Whoosh's phrase syntax ("…" and "…"~N), with exact phrases answered from pairs."""

    def taggers(self, parser: QueryParser) -> list[tuple[Any, int]]:
        return [(_PhraseTagger(self.expr), 0)]


def _parser(schema: Schema) -> QueryParser:
    parser = QueryParser("text", schema)
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(_ExactPhrasePlugin())
    return parser


class WhooshBackend:
    """The gateway's interface over a Whoosh index in one directory."""

    #: Index work reaches Whoosh after commit, through the outbox.
    transactional = False

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._index: index.Index | None = None
        self._parser = _parser(_QUERY_SCHEMA)
        #: (reader generation, allowed versions) → allowed docnums
        self._allowed_cache: dict[tuple[Any, frozenset[int]], set[int]] = {}
        #: Word weights (IDF) for precedents, valid while the reader is the same.
        self._weights_key: tuple[int, int] | None = None
        self._weights: dict[str, float] = {}

    # -- opening -------------------------------------------------------------------------

    def _open(self, *, create: bool = True) -> index.Index:
        with self._lock:
            if self._index is None:
                if index.exists_in(self.path, indexname=INDEX_NAME):
                    self._index = index.open_dir(self.path, indexname=INDEX_NAME)
                elif create:
                    os.makedirs(self.path, exist_ok=True)
                    self._index = index.create_in(self.path, SCHEMA, indexname=INDEX_NAME)
                else:
                    raise FileNotFoundError(f"no search index in {self.path}")
            return self._index

    def searcher(self) -> Searcher:
        """This thread's searcher, replaced when the index directory changed since it was
        opened (a commit, a rebuild, a damaged or removed file)."""
        stamp = self._stamp()
        current: Searcher | None = getattr(self._local, "searcher", None)
        if current is not None and getattr(self._local, "stamp", None) == stamp:
            return current
        # Not Searcher.refresh(): Whoosh-Reloaded 2.7.5 reuses a segment's old reader (its
        # new deletions unseen) and keeps segments a merge or a rebuild removed.
        fresh = self._open().searcher()
        self._local.searcher, self._local.stamp = fresh, stamp
        self._allowed_cache.clear()
        if current is not None:
            current.close()
        return fresh

    def _stamp(self) -> tuple[tuple[str, int, int, int], ...]:
        """Name, inode, size and time of each index file: any commit or damage changes it."""
        stamp = []
        with os.scandir(self.path) as found:
            for entry in found:
                try:
                    s = entry.stat()
                except FileNotFoundError:  # a writer's temporary file, gone already
                    continue
                if not entry.name.endswith("LOCK"):
                    stamp.append((entry.name, s.st_ino, s.st_size, s.st_mtime_ns))
        return tuple(sorted(stamp))

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def batch(self, *, timeout: float) -> Iterator[_WhooshBatch]:
        ix = self._open()
        try:
            writer = ix.writer(timeout=timeout, delay=0.05)
        except index.LockError:
            raise IndexBusy(f"another process held the search index for {timeout:g} s") from None
        batch = _WhooshBatch(writer)
        try:
            yield batch
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=not batch.bulk)

    @contextmanager
    def _rebuilding(self) -> Iterator[None]:
        os.makedirs(self.path, exist_ok=True)
        fd = os.open(os.path.join(self.path, REBUILD_LOCK), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # a second rebuild waits for the first
            yield
        finally:
            os.close(fd)  # releases the lock; the file stays (removing it would race)

    def rebuilding(self) -> bool:
        try:
            fd = os.open(os.path.join(self.path, REBUILD_LOCK), os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def rebuild(self, entries: Iterator[IndexEntry], *, timeout: float = 60.0) -> int:
        with self._rebuilding():
            return self._rebuild(entries, timeout=timeout)

    def _rebuild(self, entries: Iterator[IndexEntry], *, timeout: float) -> int:
        with self._lock:
            try:
                readable = index.exists_in(self.path, indexname=INDEX_NAME)
            except Exception:
                readable = False
            if not readable:  # table of contents gone or unreadable: start afresh
                os.makedirs(self.path, exist_ok=True)
                self._index = index.create_in(self.path, SCHEMA, indexname=INDEX_NAME)
        ix = self._open()
        try:
            writer = ix.writer(timeout=timeout, delay=0.1, limitmb=256)
        except index.LockError:
            raise IndexBusy(f"another process held the search index for {timeout:g} s") from None
        count = 0
        try:
            for entry in entries:
                writer.add_document(**_fields(entry))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        # CLEAR drops every older segment in the same commit: searchers see the old index
        # until that moment, then the new one, never an empty one.
        writer.commit(mergetype=writing.CLEAR)
        return count

    # -- reading -------------------------------------------------------------------------

    def state(self) -> IndexState:
        try:
            if self.rebuilding():
                built = index.exists_in(self.path, indexname=INDEX_NAME)
                return IndexState(
                    "rebuilding",
                    self.searcher().doc_count() if built else 0,
                    "The search index is being rebuilt; searches answer from the previous "
                    "index until the rebuild commits.",
                )
            if not index.exists_in(self.path, indexname=INDEX_NAME):
                return IndexState(
                    "missing", 0, "The search index has not been built: flask --app app reindex"
                )
            return IndexState("ok", self.searcher().doc_count())
        except Exception as exc:  # the health check reports, it does not crash
            return IndexState(
                "error",
                0,
                f"The search index cannot be read ({type(exc).__name__}: {exc}). "
                "Rebuild it: flask --app app reindex",
            )

    def paragraph_ids(self) -> set[int]:
        searcher = self.searcher()
        return {int(fields["paragraph_id"]) for fields in searcher.all_stored_fields()}

    def word_weight(self) -> Callable[[str], float]:
        searcher = self.searcher()
        reader = searcher.reader()
        key = (id(reader), reader.generation())
        if self._weights_key != key:
            self._weights_key, self._weights = key, {}
        weights = self._weights
        total = max(1, searcher.doc_count_all())

        def weight(word: str) -> float:
            found = weights.get(word)
            if found is None:
                df = reader.doc_frequency("text", _stem(word.lower()))
                found = weights[word] = math.log((total + 1) / (df + 0.5))
            return found

        return weight

    def candidates(self, words: Sequence[str], *, limit: int) -> list[tuple[IndexEntry, float]]:
        searcher = self.searcher()
        reader = searcher.reader()
        stems = {_stem(w.lower()) for w in words if w.strip()}
        present = [(reader.doc_frequency("text", s), s) for s in stems]
        present = sorted((df, s) for df, s in present if df > 0)
        if not present:
            return []
        # The rarest words find reuse; the most common ones ("States", "shall") only add
        # thousands of candidates that share a formula.
        chosen = [s for _, s in present[:12]]
        q = query.Or([query.Term("text", s) for s in chosen])
        results = searcher.search(q, limit=limit)
        return [(_entry(hit.fields()), hit.score or 0.0) for hit in results]

    def search(self, request: SearchQuery) -> SearchResult:
        parsed = self._parse(request.text)
        searcher = self.searcher()
        self._check_expansion(parsed, searcher)
        filters = [
            query.Term(name, str(value))
            for name, value in (
                ("forum", request.forum),
                ("year", request.year),
                ("status", request.status),
                ("label", request.label),
                ("kind", request.kind),
                ("paragraph_kind", request.paragraph_kind),
            )
            if value not in (None, "")
        ]
        q = query.And([parsed, *filters]) if filters else parsed
        allowed = (
            self._allowed_docnums(searcher, request.allowed_versions)
            if request.allowed_versions is not None
            else None
        )
        first = (request.page - 1) * request.per_page
        # One pass scores every match, keeps the top ones and records all of them (for the
        # total and the facets). Whoosh's block-skipping top-N is quicker for the top ten
        # alone, but then counting the total ran the whole query a second time.
        # replace=0: Whoosh otherwise swaps in a pruned matcher that skips documents unable
        # to reach the top N, and those would be missing from the total and the facets.
        top = _TopAndAll(limit=first + request.per_page, usequality=False, replace=0)
        collector = top if allowed is None else collectors.FilterCollector(top, allow=allowed)
        try:
            searcher.search_with_collector(q, collector)
        except query.QueryError as exc:  # e.g. a phrase on a field without positions
            raise QueryError(f"The query could not be run: {exc}") from None
        results = collector.results()
        matched = top.docnums
        total = len(matched)
        marks = _Marks.of(q)
        hits = [
            Hit(_entry(hit.fields()), hit.score or 0.0, marks.snippet(hit["text"]))
            for hit in results[first : first + request.per_page]
        ]
        facets = self._facets(searcher, matched) if request.facets else {}
        return SearchResult(hits=hits, total=total, facets=facets)

    # -- helpers -------------------------------------------------------------------------

    def _parse(self, text: str) -> query.Query:
        return parse(self._parser, text)

    def _check_expansion(self, q: query.Query, searcher: Searcher) -> None:
        reader = searcher.reader()
        for leaf in q.leaves():
            if isinstance(leaf, query.MultiTerm):
                expanded = 0
                for _ in leaf._btexts(reader):
                    expanded += 1
                    if expanded > MAX_EXPANSION:
                        what = f"{leaf.text}*" if isinstance(leaf, query.Prefix) else str(leaf)
                        check_expansion(what, expanded)

    def _allowed_docnums(self, searcher: Searcher, versions: frozenset[int]) -> set[int]:
        reader = searcher.reader()
        key = (id(reader), reader.generation(), versions)
        cached = self._allowed_cache.get(key)
        if cached is None:
            column = reader.column_reader("version_id")
            cached = {docnum for docnum, v in enumerate(column) if v in versions}
            if len(self._allowed_cache) > 16:
                self._allowed_cache.clear()
            self._allowed_cache[key] = cached
        return cached

    def _facets(self, searcher: Searcher, docnums: list[int]) -> dict[str, list[tuple[str, int]]]:
        reader = searcher.reader()
        found: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            column = reader.column_reader(name)
            counts = Counter(column[d] for d in docnums)
            values = [(_text(v), n) for v, n in counts.items() if v not in (None, b"", "")]
            if name == "year":
                values.sort(key=lambda item: item[0], reverse=True)
            else:
                values.sort(key=lambda item: (-item[1], item[0]))
            found[name] = values
        return found


class _TopAndAll(collectors.TopCollector):
    """Whoosh's top-N collector that also keeps the number of every document it saw."""

    def prepare(self, top_searcher: Searcher, q: query.Query, context: Any) -> None:
        super().prepare(top_searcher, q, context)
        self.docnums: list[int] = []

    def collect(self, sub_docnum: int) -> Any:
        self.docnums.append(self.offset + sub_docnum)
        return super().collect(sub_docnum)


class _WhooshBatch:
    def __init__(self, writer: writing.IndexWriter) -> None:
        self.writer = writer
        #: Set by callers adding many versions: commit without merging segments now.
        self.bulk = False

    def add(self, entries: Iterable[IndexEntry]) -> None:
        for entry in entries:
            self.writer.add_document(**_fields(entry))

    def remove_version(self, version_id: int) -> None:
        self.writer.delete_by_term("version_id", version_id)

    def remove_document(self, document_id: int) -> None:
        self.writer.delete_by_term("document_id", document_id)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _fields(entry: IndexEntry) -> dict[str, Any]:
    # The year is an ID (a facet value); the text goes to both the stemmed and exact fields.
    return {**dataclasses.asdict(entry), "year": str(entry.year), "exact": entry.text}


def _entry(fields: dict[str, Any]) -> IndexEntry:
    return IndexEntry(
        paragraph_id=int(fields["paragraph_id"]),
        version_id=int(fields["version_id"]),
        document_id=int(fields["document_id"]),
        version_number=int(fields["version_number"]),
        forum=fields["forum"],
        symbol=fields.get("symbol") or "",
        title=fields.get("title") or "",
        year=int(fields["year"]),
        status=fields["status"],
        kind=fields["kind"],
        paragraph_kind=fields["paragraph_kind"],
        label=fields["label"],
        strength=int(fields.get("strength") or 0),
        number=fields.get("number") or "",
        text=fields["text"],
    )


class _Marks:
    """The words of a query to mark in a snippet: stems, prefixes and exact word runs."""

    def __init__(self, stems: set[str], prefixes: tuple[str, ...], runs: list[tuple[str, ...]]):
        self.stems = stems
        self.prefixes = prefixes
        self.runs = runs

    @classmethod
    def of(cls, q: query.Query) -> _Marks:
        stems: set[str] = set()
        prefixes: list[str] = []
        runs: list[tuple[str, ...]] = []

        def walk(node: query.Query) -> None:
            if isinstance(node, query.Not):
                return
            if isinstance(node, query.Term) and node.fieldname == "exact":
                runs.append(tuple(node.text.split(" ")))
            elif isinstance(node, query.Phrase) and node.fieldname == "exact":
                # A phrase of word pairs ("a b", "b c"): the run is a, b, c.
                pairs = [pair.split(" ") for pair in node.words]
                runs.append((pairs[0][0], *(pair[-1] for pair in pairs)))
            elif isinstance(node, query.Term) and node.fieldname == "text":
                stems.add(node.text)
            elif isinstance(node, query.Phrase) and node.fieldname == "text":
                stems.update(node.words)
            elif isinstance(node, (query.Prefix, query.Wildcard)) and node.fieldname == "text":
                prefixes.append(node.text.rstrip("*?").lower())
            for child in node.children():
                walk(child)

        walk(q)
        return cls(stems, tuple(p for p in prefixes if p), runs)

    def snippet(self, text: str) -> str:
        stems = self.stems
        return excerpt(
            text,
            word_matches=lambda word: _stem(word) in stems,
            prefixes=self.prefixes,
            runs=self.runs,
        )
