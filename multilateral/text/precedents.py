"""Agreed-language look-up: which earlier paragraphs does a pasted text really reuse?

A negotiator pastes a sentence or a paragraph; the search backend returns a pool of
candidate paragraphs sharing some of its words (an OR query on :func:`lookup_words`); this
module re-ranks that pool by how much of the pasted *language* each candidate carries and
gives a word diff for each. Pure functions, no Flask, no database.

How similarity is computed, and why
-----------------------------------

1. **Words.** Both texts lose their leading paragraph labels ("5.", "5 bis.", "(a)", "a)",
   "Article 6", "PP3": :data:`_LABEL`) and are cut into lowercase words of two or more
   letters or digits (:data:`_WORD`), which sets aside spacing, quote style and emphasis as
   :func:`~multilateral.text.worddiff.normalize_text` does. Numbers inside the text stay
   ("article 5" is not "article 6").

2. **Weights.** Every word weighs its inverse document frequency, supplied by the caller
   (``idf``: the search index's, or :func:`idf_from` over a corpus), floored at
   :data:`_MIN_WEIGHT`. A formula found in hundreds of paragraphs ("States Parties shall",
   "Requests the Secretary-General to") then weighs little next to the words that make a
   paragraph what it is ("revocation of visas", "deepfake"). The index's stop words are
   not asked about (it does not hold them, so it would call them unknown and weigh them
   highest) but weigh what they weigh in the reference corpus (:data:`_STOP_IDF`): "of"
   almost nothing, "not" and "may" as much as an ordinary word, so that "shall not" is not
   "shall".

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

:data:`MIN_SIMILARITY` is 0.3, read off the development data only (the Palermo and
Smuggling Protocols and the ILO conventions; ``tests/text/test_precedents.py``):

* 49 of the 50 Palermo paragraphs that have a Smuggling Protocol counterpart score at least
  0.3 against it; the lowest is 0.35, the preamble clause "Declaring that effective action
  to prevent and combat …" that each Protocol adapts to its subject. The one below (0.22,
  training of officials, articles 10.2 and 14.1) shares its subject more than its words.
* For the 37 Palermo paragraphs without a counterpart, the best Smuggling paragraph scores
  a median of 0.23; the 9 that reach 0.3 mostly do share wording ("For the purposes of this
  Protocol:", "to prevent and combat …").
* Against the five ILO instruments (forced labour, child labour, domestic workers), which do
  not reuse the Protocol, the best paragraph for each of the 87 Palermo paragraphs scores a
  median of 0.17, and 8 reach 0.3, mostly on a shared instrument name or formula.
* At 0.35 the "Declaring …" pair would be lost; at 0.25 twice as many ILO paragraphs pass.

A negotiator loses more from a missed precedent than from a weak one listed last, hence
the lower end. With ``cc`` = 1, a quarter of a merged query (0.35) is still listed; a
one-line formula inside a paragraph (0.1–0.2) is not.

Speed
-----

Ranking 200 candidates of ~80 words takes about 13 ms (median; 30 ms at worst on a busy
two-core machine) when their words are not cached yet, and about 4 ms once they are
(:func:`_counted` keeps the words of the last 4,096 paragraphs seen). The exact subsequence
is only computed for candidates whose upper bound can still make the results, and a diff
only for the candidates returned; ten diffs between loosely related paragraphs can add
another 10–20 ms (:func:`~multilateral.text.worddiff.word_diff`).
"""

from __future__ import annotations

import math
import re
import sys
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from multilateral.text.units import LATIN_SUFFIXES
from multilateral.text.worddiff import word_diff

__all__ = ["Candidate", "Precedent", "lookup_words", "rank", "idf_from", "MIN_SIMILARITY"]

#: Lowest similarity at which a candidate is a precedent (see the module docstring).
MIN_SIMILARITY: float = 0.3

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

#: A word: a run of two or more letters or digits. Hyphens, apostrophes, dots, quotes, the
#: Markdown emphasis ``*`` and the non-breaking hyphen U+2011 all separate words, as in the
#: search index ("COVID‑19" and "COVID-19" both give "covid", "19"); the underscore, which
#: ``\w`` counts as a letter, is blanked out first (:func:`_words`: it is emphasis too).
#: One-character runs are not words: they are references ("paragraph 1 a)"), the "s" of
#: "women’s" or the article "a"; the index drops them too (it keeps tokens of two
#: characters or more). Plain ``\w`` is twice as fast here as a class like ``[^\W_]``.
_WORD = re.compile(r"\w{2,}")

#: Latin suffixes of paragraphs inserted during negotiation ("5 bis", "5 ter").
_LATIN = LATIN_SUFFIXES

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

    Whatever :func:`~multilateral.text.worddiff.normalize_text` sets aside (spacing, quote
    style, emphasis markers) is not part of any word, so two texts with the same normal
    form have the same words.
    """
    if "_" in text:
        text = text.replace("_", " ")
    return _WORD.findall(_strip_label(text).casefold())


@lru_cache(maxsize=4096)
def _counted(text: str) -> tuple[tuple[str, ...], dict[str, int]]:
    """A candidate's words and word counts, kept for the next look-ups.

    The same paragraphs come back from one look-up to the next (the pool is drawn from one
    finite index), and cutting them into words is half the cost of :func:`rank`. Words are
    interned, so 4,096 cached paragraphs of ~80 words hold a few megabytes.
    """
    words = tuple(map(sys.intern, _words(text)))
    return words, dict(Counter(words))


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
    query_keys = query_counts.keys()
    query_weight = sum(weight[w] * n for w, n in query_counts.items())

    # Bound first: the words two texts share, order aside, weigh at least as much as their
    # heaviest common subsequence, so this bag overlap gives an upper bound of the
    # similarity that costs one Counter. Candidates are scored exactly in decreasing bound
    # order, and scoring stops when no bound left can reach the results kept.
    bounded: list[tuple[float, int, tuple[str, ...], float]] = []
    for index, candidate in enumerate(candidates):
        words, counts = _counted(candidate.text)
        shared = 0.0
        for word in counts.keys() & query_keys:
            n, m = counts[word], query_counts[word]
            shared += weight[word] * (n if n < m else m)
        if shared <= 0.0:
            continue
        candidate_weight = sum(map(weight.__getitem__, words))
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
