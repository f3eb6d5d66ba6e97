"""Agreed-language look-up: which earlier paragraphs does a pasted text really reuse?

A negotiator pastes a sentence or a paragraph; the search backend returns a pool of
candidate paragraphs sharing some of its words (an OR query on :func:`lookup_words`); this
module re-ranks that pool by how much of the pasted *language* each candidate carries and
gives a word diff for each. Pure functions, no Flask, no database.

How similarity is computed, and why
-----------------------------------

1. **Words.** Both texts lose their leading paragraph labels ("5.", "5 bis.", "(a)", "a)",
   "Article 6", "PP3": :data:`_LABEL`), are put in :func:`normalize_text` form (quote
   style and emphasis set aside) and cut into lowercase words (:data:`_WORD`). Stop words
   (:data:`STOP_WORDS`, the search index's own list) and one-character tokens are dropped:
   the index does not hold them, so it has no weight for them, and they say nothing about
   reuse. Numbers inside the text stay ("article 5" is not "article 6").

2. **Weights.** Every word weighs its inverse document frequency, supplied by the caller
   (``idf``: the index's, or :func:`idf_from` over a corpus), floored at
   :data:`_MIN_WEIGHT`. A formula found in hundreds of paragraphs ("States Parties shall",
   "Requests the Secretary-General to") then weighs little next to the words that make a
   paragraph what it is ("revocation of visas", "deepfake").

3. **Shared language.** ``L`` is the heaviest common subsequence of the two word lists:
   the largest total weight of words found in both texts *in the same order*. Order is
   what separates reuse from a bag of common words: insertions, deletions and replaced
   words only cost their own weight, while the same words shuffled into another sentence
   do not line up. It is exact, computed as a heaviest increasing chain of the (query
   position, candidate position) pairs of equal words (:func:`_heaviest_common`), which
   for paragraphs is a few hundred pairs rather than a full table of cells.

4. **Coverage, both ways.** ``cq = L / W(query)`` is the share of the pasted language the
   candidate holds; ``cc = L / W(candidate)`` the share of the candidate found in the
   query. The similarity is their weighted geometric mean
   ``cq ** QUERY_SHARE * cc ** (1 - QUERY_SHARE)`` with ``QUERY_SHARE`` = 3/4:

   * the query is one half of a longer paragraph (a split): ``cq`` = 1, ``cc`` = 0.5,
     similarity 0.84; a quarter: 0.71;
   * the candidate is one half of the query (two paragraphs merged into the query):
     ``cq`` = 0.5, ``cc`` = 1, similarity 0.59, for each of the two sources;
   * a short formula found whole in a long unrelated query: ``cc`` = 1 but ``cq`` is the
     formula's small share of the query's weight, say 0.05: similarity 0.11. A plain
     containment score (``L / min(W)``) would give it 1.0.

   The pasted text is what the negotiator asks about, so covering it counts three times
   as much as being covered by it; the geometric rather than arithmetic mean makes a small
   coverage on either side pull the score down hard instead of leaving a floor of 1/4.

Ordering and threshold
----------------------

:func:`rank` sorts by similarity (rounded to 3 decimals, as reported), then adopted texts
before drafts, then key — and nothing else. The service presents "adopted texts first,
then drafts" within comparable similarity on top of that order; ``rank`` itself never
lets an adopted text outrank a draft with more of the pasted language.

:data:`MIN_SIMILARITY` is 0.35. It was read off the development data (the Palermo and
Smuggling Protocols, see ``tests/text/test_precedents.py``): a real counterpart, even one
heavily adapted (the preamble clause "Declaring that effective action to prevent and
combat …" of each Protocol, 0.38), scores above it, while the best paragraph that is *not*
a counterpart of a Palermo paragraph scores a median of about 0.2 against it. A merge of
four paragraphs still lists each quarter (0.35 and up, with ``cc`` = 1), a one-line formula
inside a paragraph (0.1–0.3) is not listed.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from multilateral.text.worddiff import word_diff

__all__ = ["Candidate", "Precedent", "lookup_words", "rank", "idf_from", "MIN_SIMILARITY"]

#: Lowest similarity at which a candidate is a precedent (see the module docstring).
MIN_SIMILARITY: float = 0.35

#: How much covering the query counts against being covered by it (exponent of ``cq``).
QUERY_SHARE = 0.75

#: Floor of a word's weight: a word found in every paragraph (IDF 0) still keeps a sliver of
#: weight, so a text made only of such words has a defined similarity.
_MIN_WEIGHT = 0.05

#: The search index's stop words (Whoosh's ``STOP_WORDS``, copied so that this module does
#: not import the search engine). The index drops them, so it has no IDF for them: asked, it
#: would call them unknown and weigh them highest. Yet "shall not" is not "shall", nor "may"
#: "shall", so they stay in the word lists, weighted by this table instead of ``idf``: their
#: ``log((N + 1) / (df + 1))`` over the N = 1,204 paragraphs of the reference texts in
#: ``tests/data/texts`` (treaties, ILO conventions, UN resolutions), rounded. Words the
#: reference texts never use get 5.0, like a rare word. One-letter words are dropped (see
#: :func:`_words`), so "a" has no entry.
_STOP_IDF: dict[str, float] = {
    "of": 0.16, "the": 0.17, "to": 0.37, "and": 0.42, "in": 0.48, "for": 0.98, "that": 1.02,
    "or": 1.02, "this": 1.09, "with": 1.15, "by": 1.27, "be": 1.43, "as": 1.43, "on": 1.52,
    "at": 1.87, "may": 1.94, "are": 1.94, "is": 1.99, "from": 2.33, "not": 2.34, "an": 2.4,
    "have": 2.45, "it": 2.59, "when": 2.98, "if": 3.27, "will": 3.76, "can": 3.96, "yet": 5.0,
    "we": 5.0, "tbd": 5.0, "your": 5.0, "us": 5.0, "you": 5.0,
}  # fmt: skip

#: A word: a run of two or more letters or digits. Hyphens, apostrophes, dots, quotes,
#: Markdown emphasis (``*``, ``_``: the underscore is not taken as a letter) and the
#: non-breaking hyphen U+2011 all separate words, as in the search index ("COVID‑19" and
#: "COVID-19" both give "covid", "19"). One-character runs are not words: they are
#: references ("paragraph 1 a)"), the "s" of "women’s" or the article "a"; the index drops
#: them too (it keeps tokens of two characters or more).
_WORD = re.compile(r"[^\W_]{2,}")

#: Latin suffixes of paragraphs inserted during negotiation ("5 bis", "5 ter").
_LATIN = r"bis|ter|quater|quinquies|sexies|septies|octies|novies|decies"

#: One leading paragraph label, with the space after it. The alternatives, in order:
#:
#: * "Article 6", "ARTICLE 6 bis", "Art. 12" — only when a dot, colon or dash, a line end, the
#:   end of the text or a capital (a caption or the first sentence) follows, so that a text
#:   opening "Article 27 of the Convention shall apply …" keeps its words;
#: * "PP3", "OP 5" (preambular/operative references of the kind the segmenter prints);
#: * "5.1", "5.1." (a decimal label, before the next alternative could take its "5.");
#: * "5.", "5 bis.", "12)" — at most three digits, so a year opening a sentence ("2030
#:   Agenda") is left alone; a number without dot or bracket stays too;
#: * "(a)", "(iv)", "(12)", "(aa)";
#: * "a)", "iv)" — a letter or roman label closed by a bracket only.
_LABEL = re.compile(
    rf"""\A\s*(?:
        (?i:article|art\.)\s+(?:\d{{1,3}}|[IVXLC]{{1,6}})(?:\s*(?i:{_LATIN}))?
            (?:\s*[.:–—-]\s*|[ \t]*(?:\n\s*|\Z)|\s+(?=[A-Z“"«(]))
      | (?i:pp|op)\s?\d{{1,3}}(?:\s*(?i:{_LATIN}))?(?:\s*[.:)]\s*|\s+)
      | \d{{1,3}}(?:\.\d{{1,3}})+\.?\s+
      | \d{{1,3}}(?:\s*(?i:{_LATIN}))?\s*[.)]\s*
      | \(\s*(?i:[a-z]{{1,2}}|[ivxlc]{{1,6}}|\d{{1,3}})\s*\)\s*
      | (?i:[a-z]{{1,2}}|[ivxlc]{{1,6}})\)\s*
    )""",
    re.X,
)

#: Labels stripped at most this many times ("Article 5. 2. (a) …").
_MAX_LABELS = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    """One paragraph of an earlier text, as the search backend returned it."""

    #: Paragraph id, opaque here.
    key: int
    text: str
    #: True when it comes from an adopted text (else from a draft).
    adopted: bool


@dataclass(frozen=True, slots=True)
class Precedent:
    """A candidate that reuses enough of the pasted language, with the evidence."""

    key: int
    #: 0.0–1.0, rounded to 3 decimals (see the module docstring).
    similarity: float
    #: ``word_diff(candidate.text, query)``: DELETE = only in the earlier text, INSERT = only
    #: in the query.
    diff: list[tuple[int, str]]


def _strip_label(text: str) -> str:
    """The text without its leading paragraph label(s): "5 bis. (a) Urges" → "Urges"."""
    for _ in range(_MAX_LABELS):
        found = _LABEL.match(text)
        if not found or not text[found.end() :].strip():
            break  # nothing to strip, or the label is all there is (a bare "5." stays)
        text = text[found.end() :]
    return text


def _words(text: str) -> list[str]:
    """Words (:data:`_WORD`) of a paragraph, lowercase, in order, without its label.

    Whatever :func:`normalize_text` sets aside (spacing, quote style, emphasis markers) is
    not part of any word, so two texts with the same normal form have the same words.
    """
    return _WORD.findall(_strip_label(text).casefold())


def lookup_words(text: str, *, limit: int = 24) -> list[str]:
    """Distinct lowercase words of the pasted text to fetch candidates with.

    The backend runs them as an OR query (and stems them), so they only need to reach every
    paragraph the text may come from. Leading labels, stop words and numbers of one or two
    digits (references such as "article 3", "paragraph 1": they would pull in every
    paragraph citing any article 3) are dropped; years and convention numbers ("2000",
    "189") stay. The words come in the text's own order.

    When the text has more than ``limit`` distinct words, the list is cut into ``limit``
    consecutive stretches and the longest word of each is kept: an even spread, so that a
    text merged from two paragraphs still reaches both sources, and within a stretch the
    longest word as a cheap stand-in for the rarest (no IDF is at hand here; the backend's
    own scoring weighs the words).
    """
    if limit <= 0:
        return []
    distinct = list(
        dict.fromkeys(
            w for w in _words(text) if w not in _STOP_IDF and not (w.isdigit() and len(w) < 3)
        )
    )
    if len(distinct) <= limit:
        return distinct
    picked = []
    for k in range(limit):
        stretch = distinct[k * len(distinct) // limit : (k + 1) * len(distinct) // limit]
        picked.append(max(stretch, key=len))  # max keeps the first of equally long words
    return picked


def idf_from(texts: Iterable[str]) -> Callable[[str], float]:
    """An ``idf`` for :func:`rank` computed over a corpus of paragraphs.

    ``log((N + 1) / (df + 1))`` for a word found in ``df`` of the ``N`` paragraphs: about
    ``log(N / df)``, 0 for a word found everywhere, and ``log(N + 1)`` — the highest — for a
    word the corpus never saw. Words are counted as :func:`rank` tokenises them. For tests
    and offline use; the service takes its weights from the search index.
    """
    frequency: Counter[str] = Counter()
    count = 0
    for text in texts:
        frequency.update(set(_words(text)))
        count += 1
    table = {word: math.log((count + 1) / (df + 1)) for word, df in frequency.items()}
    unknown = math.log(count + 1)

    def idf(word: str) -> float:
        return table.get(word, unknown)

    return idf


def _heaviest_common(
    positions: dict[str, list[int]], words: Sequence[str], weight: dict[str, float]
) -> float:
    """Weight of the heaviest common subsequence of the query and ``words``.

    ``positions`` maps each query word to its positions in the query, last first. Every
    pair of equal words (query position i, candidate position j) is a point; a common
    subsequence is a chain of points increasing in both i and j, and we want the heaviest
    chain. Points are visited in j order, and for one j in decreasing i (so no two points of
    one candidate word chain together). ``ends``/``best`` is the Pareto frontier of the
    chains seen so far: the heaviest chain ending at a query position ≤ ``ends[k]`` weighs
    ``best[k]``, both lists strictly increasing. A point costs one binary search and an
    insertion: O(p log n) for p points (a few hundred for two paragraphs) against the
    n·m cells of the textbook table, several times faster in Python.
    """
    ends: list[int] = []
    best: list[float] = []
    size = 0
    for word in words:
        found = positions.get(word)
        if found is None:
            continue
        w = weight[word]
        for i in found:
            k = bisect_left(ends, i)
            value = best[k - 1] + w if k else w  # > best[k - 1]: never dominated from below
            if k < size and ends[k] == i:
                if best[k] >= value:
                    continue
                best[k] = value
            else:
                ends.insert(k, i)
                best.insert(k, value)
                size += 1
            stop = k + 1
            while stop < size and best[stop] <= value:
                stop += 1
            if stop > k + 1:  # later ends no heavier than this one are now useless
                del ends[k + 1 : stop]
                del best[k + 1 : stop]
                size -= stop - k - 1
    return best[-1] if best else 0.0


class _Weights(dict):
    """Word → weight, asking ``idf`` once per word per call of :func:`rank`."""

    def __init__(self, idf: Callable[[str], float]) -> None:
        super().__init__()
        self.idf = idf

    def __missing__(self, word: str) -> float:
        stop = _STOP_IDF.get(word)
        value = self[word] = stop if stop is not None else max(float(self.idf(word)), _MIN_WEIGHT)
        return value


def _similarity(common: float, query_weight: float, candidate_weight: float) -> float:
    """Weighted geometric mean of the two coverages (see the module docstring)."""
    if common <= 0.0:
        return 0.0
    covers_query = min(common / query_weight, 1.0)
    covered = min(common / candidate_weight, 1.0)
    return covers_query**QUERY_SHARE * covered ** (1 - QUERY_SHARE)


def rank(
    query: str,
    candidates: Sequence[Candidate],
    *,
    idf: Callable[[str], float],
    limit: int = 10,
    min_similarity: float = MIN_SIMILARITY,
) -> list[Precedent]:
    """The candidates that reuse the pasted language, best first, at most ``limit``.

    Best first means: similarity (rounded to 3 decimals) descending, then adopted before
    drafts, then key ascending — purely that, so equal scores come out in a fixed order and
    an adopted text never jumps a draft that holds more of the query. Candidates below
    ``min_similarity`` are left out.

    ``idf(word)`` receives a lowercase word as :func:`_words` cuts it (stop words are never
    asked about) and returns its weight, e.g. ``log(N / df)``; an unknown word should get a
    high weight. Each word is asked once per call. Diffs are only computed for the
    candidates returned.
    """
    weight = _Weights(idf)
    query_words = _words(query)
    if not query_words or limit <= 0:
        return []
    positions: dict[str, list[int]] = {}
    for i in range(len(query_words) - 1, -1, -1):
        positions.setdefault(query_words[i], []).append(i)
    query_counts: dict[str, int] = Counter(query_words)
    query_weight = sum(weight[w] * n for w, n in query_counts.items())

    # Bound first: the words two texts share, order aside, weigh at least as much as their
    # heaviest common subsequence, so this bag overlap gives an upper bound of the
    # similarity that costs one Counter. Candidates are scored exactly in decreasing bound
    # order, and scoring stops when no bound left can reach the results kept.
    bounded: list[tuple[float, int, list[str], float]] = []
    for index, candidate in enumerate(candidates):
        words = _words(candidate.text)
        shared = candidate_weight = 0.0
        for word, n in Counter(words).items():
            w = weight[word]
            candidate_weight += w * n
            m = query_counts.get(word)
            if m:
                shared += w * (n if n < m else m)
        if shared <= 0.0:
            continue
        # The margin covers float rounding: summed in another order, the exact weight could
        # otherwise exceed the bound by an ulp.
        bound = _similarity(shared * (1 + 1e-9), query_weight, candidate_weight)
        if round(bound, 3) >= min_similarity:
            bounded.append((-bound, index, words, candidate_weight))
    bounded.sort(key=lambda item: item[:2])

    kept: list[tuple[float, bool, int, int]] = []  # (-score, draft, key, index), sorted
    for neg_bound, index, words, candidate_weight in bounded:
        if len(kept) == limit and round(-neg_bound, 3) < -kept[-1][0]:
            break
        common = _heaviest_common(positions, words, weight)
        score = round(_similarity(common, query_weight, candidate_weight), 3)
        if score < min_similarity:
            continue
        candidate = candidates[index]
        insort(kept, (-score, not candidate.adopted, candidate.key, index))
        del kept[limit:]
    return [
        Precedent(candidates[index].key, -neg_score, word_diff(candidates[index].text, query))
        for neg_score, _, _, index in kept
    ]
