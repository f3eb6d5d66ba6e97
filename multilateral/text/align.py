"""Align the paragraphs of two revisions of a negotiated text.

Negotiators track paragraphs by their TEXT, not their number: when "5 bis" is inserted,
everything below it is renumbered but nothing below it changed. So alignment matches
wording first and only looks at numbers to tell "unchanged" from "renumbered".

The passes, each working on what the previous ones left over:

1. **Exact.** Paragraphs whose normalised wording (:func:`normalize_text`: spacing, quote
   style and Markdown emphasis set aside) is identical are paired by hash, k-th occurrence
   with k-th occurrence.
2. **Split and merged.** A paragraph of one side whose words are covered by two or more
   consecutive paragraphs of the other side (each piece mostly made of its words, and the
   concatenation at least :data:`SPLIT_THRESHOLD` similar and clearly better than any single
   piece) becomes one ``split`` (old → several new) or ``merged`` (several old → one new).
   A paragraph whose tail became a paragraph of its own is a split too, although the
   concatenation then scores only a little above the long first piece: what counts is that
   every piece, noise aside, brings its own share of the whole's words (:func:`_best_run`).
   This runs before fuzzy pairing, because a half of a split paragraph is ~0.67 similar to
   the whole and would otherwise be taken for a modification of it.
3. **Fuzzy.** Candidates come from an inverted index of each paragraph's rarest words (no
   all-pairs comparison), are prefiltered by word-set Jaccard, then scored with a real
   word-level ratio (:func:`similarity`, an exact LCS ratio on word lists). Pairs at or above
   :data:`FUZZY_THRESHOLD` are taken best first, one-to-one.
4. **Order.** Over all matched pairs, sorted by new position, the longest increasing
   subsequence of old positions is the part that kept its order. A matched pair off that
   subsequence is ``moved``, whatever its similarity: a paragraph that was both reworded and
   moved is reported as ``moved`` with ``similarity`` < 1 (a negotiator first needs to know
   where it went; the word diff then shows how it changed). On the subsequence, identical
   wording is ``unchanged`` (same number) or ``renumbered``; different wording is
   ``modified``, whether or not the number changed. A split or merge keeps that op even
   when it also moved (its position counts for the others' order all the same).
5. **Gaps.** Between two consecutive in-order pairs (or a document edge), the old and new
   paragraphs left unpaired stood in the same slot. When a gap holds the same number of
   them on each side, at most :data:`_GAP_MAX`, they are taken in order, k-th old with k-th
   new, and each such couple is paired as ``modified`` if it is of one kind (never a
   preambular with an operative paragraph), neither is noise (fewer than
   :data:`_NOISE_WORDS` words), and either its similarity reaches :data:`FUZZY_THRESHOLD`
   (a reworded paragraph the candidate lookup missed) or it reaches
   :data:`REWRITE_THRESHOLD` and the two share their opening or their rare terms
   (:func:`_rewritten`). The latter is a paragraph rewritten in place ("Welcomes the
   adoption of the Second Work Plan 2015–2018 …" → "… the Third Work Plan 2023–2028 …") and
   its pair says so: ``reason`` is :data:`REWRITTEN`. Pairing in order only when the counts
   are equal keeps the slot argument honest: with 2 old and 3 new paragraphs there is no
   telling which new one took which old one's place, so none is guessed.

Output is in reading order: the order of the new version, each deleted paragraph placed
right after the last in-order paragraph that preceded it in the old version (so a deletion
comes before an insertion that took its place, as in a redline).
"""

from __future__ import annotations

import heapq
import itertools
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from multilateral.text.units import Unit
from multilateral.text.worddiff import longest_increasing_run, normalize_text

__all__ = [
    "FUZZY_THRESHOLD",
    "OPS",
    "REWRITE_THRESHOLD",
    "REWRITTEN",
    "SPLIT_THRESHOLD",
    "Pair",
    "align",
    "lineage",
    "similarity",
]

#: Every op a pair can carry.
OPS = ("unchanged", "modified", "moved", "renumbered", "inserted", "deleted", "split", "merged")

#: Lowest word-level ratio at which two paragraphs are the same paragraph reworded. Measured
#: on the 54 numbered paragraphs of the Palermo Protocol: two different paragraphs score a
#: median 0.15 against each other and only 7 of the 1,431 pairs reach 0.5 (the highest, 0.73,
#: are the near-twin criminalisation clauses 5.1 and 5.2), while an amendment ("shall adopt"
#: softened, a clause added or cut) keeps a paragraph above 0.8 and a heavy rewrite of a
#: quarter of its words near 0.75. Since pairing is one-to-one and best first, a look-alike
#: is only taken when the real counterpart is gone (deleted, with a look-alike inserted).
FUZZY_THRESHOLD = 0.5

#: :attr:`Pair.reason` of a ``modified`` pair found in a gap on shared opening words or rare
#: terms, below :data:`FUZZY_THRESHOLD`: the paragraph was rewritten in place rather than
#: amended, and the word diff will show most of it changed.
REWRITTEN = "rewritten"

#: Lowest word-level ratio at which an old and a new paragraph alone in the same gap, and
#: sharing their opening or rare terms (:func:`_rewritten`), are one paragraph rewritten.
#: Measured on the three UN texts in tests/data/texts/un: of the ~4,800 couples of different
#: paragraphs of one kind (preambular or operative) in each revision pair, the median scores
#: 0.18 and the highest 0.37 (halves of paragraphs merged between revisions aside, up to
#: 0.57): one resolution's paragraphs share much of their vocabulary, so similarity alone
#: cannot tell. About 300 couples per revision pair reach this threshold; of those only
#: parallel preambular paragraphs on one instrument or theme and those merged halves pass
#: :func:`_rewritten`, while 93 to 95 % of the true successors above it do.
REWRITE_THRESHOLD = 0.25

#: Lowest ratio between one paragraph and the concatenation of its pieces for a split/merge.
SPLIT_THRESHOLD = 0.8
#: How much better the concatenation must score than the best single piece.
_SPLIT_MARGIN = 0.05
#: Share of a piece's distinct words that must occur in the whole paragraph; also the share
#: of a piece's words that it must add to the common subsequence of the whole and the pieces.
_PIECE_CONTAINMENT = 0.6
#: A paragraph of fewer words ("[…]", "Deleted.", "By authorities;") is noise: too small to
#: be paired on the weak evidence of a gap, or to count as a piece of a split on its own.
_NOISE_WORDS = 4

#: Most unpaired paragraphs per side of a gap that are paired in order.
_GAP_MAX = 3
#: Content words of a paragraph's opening that are compared, and how many must be shared.
_OPENING_WORDS = 4
_OPENING_SHARED = 3
#: A word found in the openings of this many paragraphs of one text is part of a formula
#: ("Calls upon Governments to", "Encourages States to consider"): sharing it proves nothing.
_FORMULA = 3
#: Words unique to their paragraph in each text that a rewritten paragraph and its
#: successor must share, when their openings do not tell.
_RARE_SHARED = 3
#: Words looked up in the agreed text one by one before it is split into words once
#: (:meth:`_Vocabulary.agreed`).
_SEARCHES = 100
#: Words that say nothing about what a paragraph is about, left out of its opening and of
#: its rare terms: articles, prepositions, pronouns, auxiliaries, and the adverbs that only
#: count repetitions of an opening verb ("Also urges", "Further urges", "Urges again").
_FUNCTION_WORDS = frozenset(
    "a about also again all an and any are as at be been but by each for from further has "
    "have in into is it its may not of on or such than that the their them these this those "
    "to was were which who whose will with".split()
)

#: Rarest words per paragraph used to look up candidates in the inverted index.
_RARE_WORDS = 8
#: A word held by more paragraphs than this is too common to look up (unless nothing rarer).
_COMMON = 40
#: Candidates per paragraph kept after counting shared rare words.
_CANDIDATES = 4
#: Word-set Jaccard below which a candidate is not worth a real ratio.
_JACCARD_FLOOR = 0.2
#: Candidates whose Jaccard trails the best one's by more than this are not scored: with that
#: much less word overlap they are almost never the better pair, and scoring costs.
_JACCARD_SPREAD = 0.25

#: A word for similarity purposes: a run of letters or digits (case folded by the caller).
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Pair:
    """One aligned item: which old paragraph(s) became which new paragraph(s), and how."""

    #: One of :data:`OPS`.
    op: str
    #: Indices into the old units; empty for inserted, several for merged.
    old: tuple[int, ...]
    #: Indices into the new units; empty for deleted, several for split.
    new: tuple[int, ...]
    #: Word-level similarity of the wording, 0.0–1.0 (1.0 when the wording is identical,
    #: 0.0 for inserted/deleted).
    similarity: float
    #: Why a pair was made where its similarity alone would not tell: "" for most, or
    #: :data:`REWRITTEN` for a ``modified`` pair rewritten in place (found in a gap, below
    #: :data:`FUZZY_THRESHOLD`).
    reason: str = ""


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Word-level ratio of two word lists: 2·LCS / (len(a) + len(b)).

    The longest common subsequence is counted with the bit-parallel algorithm of Allison
    and Dix (as refined by Hyyrö): one bit per word of ``a`` in a Python integer, a few
    integer operations per word of ``b``. That is the exact LCS, ten times faster here than
    :class:`difflib.SequenceMatcher`, whose ratio is only a greedy approximation of it.
    """
    if not a and not b:
        return 1.0
    return 2 * _common(a, b) / (len(a) + len(b))


def _common(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two word lists (see :func:`similarity`)."""
    if not a or not b:
        return 0
    positions: dict[str, int] = {}
    for bit, word in enumerate(a):
        positions[word] = positions.get(word, 0) | (1 << bit)
    mask = (1 << len(a)) - 1
    v = mask
    for word in b:
        u = v & positions.get(word, 0)
        v = ((v + u) | (v - u)) & mask
    return len(a) - v.bit_count()


@dataclass(slots=True)
class _Side:
    """Precomputed views of one revision's paragraphs.

    Every paragraph gets its normalised wording (for the exact pass); only the paragraphs
    left over after it get their word lists and word sets, which is all the later passes
    look at.
    """

    keys: list[str]
    words: dict[int, list[str]] = field(default_factory=dict)
    sets: dict[int, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, units: Sequence[Unit], normal: dict[str, str] | None = None) -> _Side:
        """The side of ``units``; ``normal`` keeps the normalised wording of each text seen,
        shared by both sides (most paragraphs of a revision are word for word the old ones,
        and normalising is most of the exact pass's cost)."""
        normal = {} if normal is None else normal
        keys = []
        for unit in units:
            key = normal.get(unit.text)
            if key is None:
                key = normal[unit.text] = normalize_text(unit.text)
            keys.append(key)
        return cls(keys)

    def prepare(self, indices: set[int]) -> None:
        for k in indices:
            words = _WORD.findall(self.keys[k].casefold())
            self.words[k] = words
            self.sets[k] = frozenset(words)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _containment(piece: frozenset[str], whole: frozenset[str]) -> float:
    """Share of the piece's distinct words found in the whole."""
    return len(piece & whole) / len(piece) if piece else 0.0


def _candidates(
    queries: dict[int, frozenset[str]], pool: dict[int, frozenset[str]]
) -> dict[int, list[int]]:
    """For each query paragraph, the pool paragraphs sharing most of its rarest words.

    The inverted index maps each word to the pool paragraphs holding it; looking up only a
    paragraph's rarest words keeps this near-linear (a word found everywhere, like "the",
    is never looked up unless the paragraph has nothing rarer). A shared word counts
    1/(number of pool paragraphs holding it), so one shared rare word outweighs several
    common ones.
    """
    index: dict[str, list[int]] = defaultdict(list)
    for p, words in pool.items():
        for w in words:
            index[w].append(p)
    # Every pool word by rarity: held by fewest paragraphs first, ties by the word, so results
    # never depend on the randomised iteration order of a set of strings. Ranked once, each
    # query then sorts integers.
    by_rank = sorted(index, key=lambda w: (len(index[w]), w))
    absent = len(by_rank)  # the rank of a word no pool paragraph holds: past every other
    rank = {w: k for k, w in enumerate(by_rank)}
    found: dict[int, list[int]] = {}
    for q, words in queries.items():
        ranks = sorted([rank.get(w, absent) for w in words])[:_RARE_WORDS]
        rare = [index[by_rank[r]] for r in ranks if r != absent]
        # Words held by many paragraphs say little and cost much; keep them only when the
        # paragraph has nothing rarer.
        rare = [posting for posting in rare if len(posting) <= _COMMON] or rare[:2]
        hits: defaultdict[int, float] = defaultdict(float)
        for posting in rare:
            weight = 1.0 / len(posting)
            for p in posting:
                hits[p] += weight
        best = heapq.nsmallest(_CANDIDATES, [(-weight, p) for p, weight in hits.items()])
        found[q] = [p for _, p in best]
    return found


def _exact(old: _Side, new: _Side) -> dict[int, int]:
    """Pair identical normalised wordings, k-th occurrence with k-th occurrence."""
    positions: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(old.keys):
        positions[key].append(i)
    taken: Counter[str] = Counter()
    pairs: dict[int, int] = {}
    for j, key in enumerate(new.keys):
        olds = positions.get(key)
        if olds and taken[key] < len(olds):
            pairs[olds[taken[key]]] = j
            taken[key] += 1
    return pairs


def _best_run(
    whole: int,
    start: int,
    whole_side: _Side,
    piece_side: _Side,
    free_pieces: set[int],
) -> tuple[float, list[int]] | None:
    """Best run of 2+ consecutive free pieces from ``start`` that together make ``whole``."""
    whole_set = whole_side.sets[whole]
    whole_words = whole_side.words[whole]
    # A ratio is at most 2·min(a, b)/(a + b): pieces adding up to far more or far fewer words
    # than the whole cannot reach the threshold, whatever they say.
    longest = len(whole_words) * (2 / SPLIT_THRESHOLD - 1)
    shortest = len(whole_words) / (2 / SPLIT_THRESHOLD - 1)
    run = [start]
    total = len(piece_side.words[start])
    k = start + 1
    while (
        k in free_pieces
        and total + len(piece_side.words[k]) <= longest
        and _containment(piece_side.sets[k], whole_set) >= _PIECE_CONTAINMENT
    ):
        run.append(k)
        total += len(piece_side.words[k])
        k += 1
    if len(run) < 2 or total < shortest:
        return None
    best: tuple[float, list[int]] | None = None
    joined = list(piece_side.words[start])
    for end in range(1, len(run)):
        joined += piece_side.words[run[end]]
        if len(joined) < shortest:
            continue
        score = similarity(whole_words, joined)
        if score >= SPLIT_THRESHOLD and (best is None or score > best[0]):
            best = (score, run[: end + 1])
    if best is None:
        return None
    best_single = max(similarity(whole_words, piece_side.words[p]) for p in best[1])
    if best[0] >= best_single + _SPLIT_MARGIN:
        return best
    # A short tail split off a long paragraph raises the ratio only a little above the first
    # piece's. It is a split all the same when every piece brings its own words: dropping
    # it from the concatenation loses most of its length from the common subsequence (an
    # inserted paragraph next to a modified one brings nothing, its words matching none of
    # the whole's that the modified one left). A piece of noise does not make a split.
    pieces = [piece_side.words[p] for p in best[1]]
    if min(map(len, pieces)) < _NOISE_WORDS:
        return None
    common = _common(whole_words, [w for piece in pieces for w in piece])
    for k, piece in enumerate(pieces):
        rest = [w for other in pieces[:k] + pieces[k + 1 :] for w in other]
        if common - _common(whole_words, rest) < _PIECE_CONTAINMENT * len(piece):
            return None
    return best


def _splits_and_merges(
    old: _Side,
    new: _Side,
    free_old: set[int],
    free_new: set[int],
    old_for_new: dict[int, list[int]],
) -> list[Pair]:
    """Find one-to-many (split) and many-to-one (merged) correspondences among free paragraphs.

    ``old_for_new`` holds the candidate old paragraphs of each free new one.
    """
    new_for_old = _candidates(
        {i: old.sets[i] for i in free_old}, {j: new.sets[j] for j in free_new}
    )
    proposals: list[tuple[float, str, int, list[int]]] = []
    for op, whole_side, piece_side, free_piece, found in (
        ("split", old, new, free_new, old_for_new),
        ("merged", new, old, free_old, new_for_old),
    ):
        for p, candidates in found.items():
            for w in candidates:
                if _containment(piece_side.sets[p], whole_side.sets[w]) < _PIECE_CONTAINMENT:
                    continue
                best = _best_run(w, p, whole_side, piece_side, free_piece)
                if best:
                    proposals.append((best[0], op, w, best[1]))
    proposals.sort(key=lambda x: (-x[0], x[2], x[1]))
    pairs = []
    for score, op, whole, run in proposals:
        if op == "split":
            olds, news = {whole}, set(run)
        else:
            olds, news = set(run), {whole}
        if olds <= free_old and news <= free_new:
            free_old -= olds
            free_new -= news
            pairs.append(Pair(op, tuple(sorted(olds)), tuple(sorted(news)), round(score, 4)))
    return pairs


def _fuzzy(
    old: _Side,
    new: _Side,
    free_old: set[int],
    free_new: set[int],
    old_for_new: dict[int, list[int]],
) -> dict[int, tuple[int, float]]:
    """Pair reworded paragraphs one-to-one, best similarity first.

    ``old_for_new`` holds the candidate old paragraphs of each new one, found before
    splits and merges took some; those are skipped.
    """
    scored: list[tuple[float, int, int, int]] = []
    for j in sorted(free_new):
        olds = [i for i in old_for_new[j] if i in free_old]
        overlaps = {i: _jaccard(old.sets[i], new.sets[j]) for i in olds}
        floor = max(_JACCARD_FLOOR, max(overlaps.values(), default=0.0) - _JACCARD_SPREAD)
        for i in olds:
            if overlaps[i] < floor:
                continue
            score = similarity(old.words[i], new.words[j])
            if score >= FUZZY_THRESHOLD:
                # Ties go to the candidate closest in position, then to the earliest.
                scored.append((-score, abs(i - j), i, j))
    scored.sort()
    pairs: dict[int, tuple[int, float]] = {}
    for neg_score, _, i, j in scored:
        if i in free_old and j in free_new:
            free_old.discard(i)
            free_new.discard(j)
            pairs[i] = (j, round(-neg_score, 4))
    return pairs


def _opening(words: Iterable[str]) -> tuple[str, ...]:
    """The first :data:`_OPENING_WORDS` content words: what a paragraph opens on."""
    opening = (w for w in words if w not in _FUNCTION_WORDS and len(w) > 1)
    return tuple(itertools.islice(opening, _OPENING_WORDS))


def _shared_opening(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """The longest common subsequence of two openings (a few words: a plain table)."""
    table = [[()] * (len(b) + 1) for _ in range(len(a) + 1)]
    for x, word in enumerate(a):
        for y, other in enumerate(b):
            if word == other:
                table[x + 1][y + 1] = (*table[x][y], word)
            else:
                table[x + 1][y + 1] = max(table[x][y + 1], table[x + 1][y], key=len)
    return table[-1][-1]


class _Vocabulary:
    """What the gap pass needs to know of both texts as a whole.

    The paragraphs left to the later passes have their words already (:meth:`_Side.prepare`).
    The agreed ones, paired by the exact pass and so worded alike in both texts, are most of
    a long text: splitting them all into words would cost as much as the rest of the
    alignment, so only their openings are read, and the agreed text is searched for the few
    words that need it (:meth:`agreed`).
    """

    def __init__(self, old: _Side, new: _Side, agreed: Iterable[int]) -> None:
        self.old, self.new = old, new
        self._agreed = list(agreed)
        self._agreed_words: frozenset[str] | None = None
        self._searched: dict[str, bool] = {}

    @cached_property
    def _agreed_keys(self) -> list[str]:
        return [self.old.keys[i].casefold() for i in self._agreed]

    @cached_property
    def _agreed_text(self) -> str:
        return "\n".join(self._agreed_keys)

    @cached_property
    def formula(self) -> frozenset[str]:
        """Words found in the openings of :data:`_FORMULA` or more paragraphs of either text."""
        # An opening needs a paragraph's first words only: read them and stop.
        agreed = [_opening(m.group() for m in _WORD.finditer(key)) for key in self._agreed_keys]
        formula: set[str] = set()
        for side in (self.old, self.new):
            openings = agreed + [_opening(words) for words in side.words.values()]
            in_openings = Counter(w for opening in openings for w in set(opening))
            formula.update(w for w, n in in_openings.items() if n >= _FORMULA)
        return frozenset(formula)

    @cached_property
    def _spreads(self) -> tuple[Counter[str], Counter[str]]:
        """For each word, how many unagreed paragraphs of the old and the new text hold it."""
        return (
            Counter(itertools.chain.from_iterable(self.old.sets.values())),
            Counter(itertools.chain.from_iterable(self.new.sets.values())),
        )

    def agreed(self, word: str) -> bool:
        """Does any agreed paragraph hold ``word``?

        One :meth:`str.find` pass over the agreed text (a few milliseconds at 5,000
        paragraphs, where a regular expression with word boundaries takes a hundred times
        longer) is about a hundredth of the cost of splitting that text into words; past
        :data:`_SEARCHES` words, splitting it once is cheaper.
        """
        if self._agreed_words is None and len(self._searched) >= _SEARCHES:
            self._agreed_words = frozenset(_WORD.findall(self._agreed_text))
        if self._agreed_words is not None:
            return word in self._agreed_words
        if word not in self._searched:
            text, at = self._agreed_text, self._agreed_text.find(word)
            while at >= 0 and (
                (at and _WORD.match(text, at - 1, at))
                or _WORD.match(text, at + len(word), at + len(word) + 1)
            ):
                at = text.find(word, at + 1)
            self._searched[word] = at >= 0
        return self._searched[word]

    def shared_opening(self, i: int, j: int) -> bool:
        """Do old ``i`` and new ``j`` open alike, and not merely on a formula?"""
        opening_old, opening_new = _opening(self.old.words[i]), _opening(self.new.words[j])
        shared = _shared_opening(opening_old, opening_new)
        return (
            len(shared) >= _OPENING_SHARED
            and opening_old[0] == opening_new[0]
            and not self.formula.issuperset(shared)
        )

    def shared_rare_terms(self, i: int, j: int) -> bool:
        """Do old ``i`` and new ``j`` share enough words that no other paragraph uses?"""
        spread_old, spread_new = self._spreads
        candidates = [
            w
            for w in self.old.sets[i] & self.new.sets[j]
            if len(w) > 1 and w not in _FUNCTION_WORDS and spread_old[w] == 1 and spread_new[w] == 1
        ]
        if len(candidates) < _RARE_SHARED:
            return False
        # Sorted, so that which words get searched never depends on set order.
        rare = (w for w in sorted(candidates) if not self.agreed(w))
        return len(list(itertools.islice(rare, _RARE_SHARED))) == _RARE_SHARED


def _rewritten(i: int, j: int, vocabulary: _Vocabulary) -> bool:
    """Do old paragraph ``i`` and new paragraph ``j`` look like one paragraph rewritten?

    Either their openings start with the same word (the verb: "Welcomes", "Recalling"),
    share :data:`_OPENING_SHARED` of their first :data:`_OPENING_WORDS` content words in
    order, and one of those is not a formula word (:attr:`_Vocabulary.formula`: "Calls upon
    Governments to ensure" opens many unrelated paragraphs); or they share
    :data:`_RARE_SHARED` content words that no other paragraph of their text uses.

    Measured on the three UN texts by putting each paragraph in the place of each other one
    of its kind (about 300 such couples per text reach :data:`REWRITE_THRESHOLD`): without
    the same first word, "Urges all States to adopt and implement effective measures …"
    would pass for a rewrite of "Encourages States to adopt and implement effective
    measures …"; with it, the only couples that pass are parallel paragraphs on one
    instrument or theme ("Taking note of the agreed conclusions of the Commission on the Status of
    Women at its sixty-seventh session" and "… fifty-seventh session"), which is what a
    rewrite in place looks like. Each paragraph in turn rewritten after its first quarter
    (similarity 0.31–0.44) is found 89 times in 98 in A/RES/80/185; the misses open on a
    formula and keep too few words unique to them.
    """
    return vocabulary.shared_opening(i, j) or vocabulary.shared_rare_terms(i, j)


def _gaps(
    spans: list[tuple[int, int, int, int]],
    free_old: set[int],
    free_new: set[int],
) -> list[tuple[list[int], list[int]]]:
    """The unpaired old and new paragraphs between consecutive in-order pairs.

    ``spans`` are the in-order pairs as (first old, last old, first new, last new), sorted;
    the edges of the documents bound the first and last gaps.
    """
    old_ends = [s[1] for s in spans]
    new_ends = [s[3] for s in spans]
    gaps: defaultdict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in sorted(free_old):
        at = bisect_right(old_ends, i)
        if at == len(spans) or i < spans[at][0]:
            gaps[at][0].append(i)
    for j in sorted(free_new):
        at = bisect_right(new_ends, j)
        if at == len(spans) or j < spans[at][2]:
            gaps[at][1].append(j)
    return [gaps[at] for at in sorted(gaps)]


def _rewrites(
    old_units: Sequence[Unit],
    new_units: Sequence[Unit],
    old: _Side,
    new: _Side,
    spans: list[tuple[int, int, int, int]],
    free_old: set[int],
    free_new: set[int],
    agreed: Iterable[int],
) -> dict[int, tuple[int, float, str]]:
    """Pair the paragraphs left in the same slot on both sides (pass 5 of the module).

    ``agreed`` are the old paragraphs paired by the exact pass.
    """
    couples = [
        (i, j)
        for olds, news in _gaps(spans, free_old, free_new)
        if len(olds) == len(news) <= _GAP_MAX
        for i, j in zip(olds, news, strict=True)
        if old_units[i].kind == new_units[j].kind
        and len(old.words[i]) >= _NOISE_WORDS
        and len(new.words[j]) >= _NOISE_WORDS
    ]
    pairs: dict[int, tuple[int, float, str]] = {}
    vocabulary: _Vocabulary | None = None
    for i, j in couples:
        score = similarity(old.words[i], new.words[j])
        if score >= FUZZY_THRESHOLD:
            pairs[i] = (j, round(score, 4), "")
        elif score >= REWRITE_THRESHOLD:
            vocabulary = vocabulary or _Vocabulary(old, new, agreed)
            if _rewritten(i, j, vocabulary):
                pairs[i] = (j, round(score, 4), REWRITTEN)
    for i, (j, _, _) in pairs.items():
        free_old.discard(i)
        free_new.discard(j)
    return pairs


def align(old: Sequence[Unit], new: Sequence[Unit]) -> list[Pair]:
    """Align two revisions paragraph by paragraph; see the module docstring for the rules."""
    normal: dict[str, str] = {}
    old_side, new_side = _Side.of(old, normal), _Side.of(new, normal)
    exact = _exact(old_side, new_side)
    free_old = set(range(len(old))) - exact.keys()
    free_new = set(range(len(new))) - set(exact.values())
    old_side.prepare(free_old)
    new_side.prepare(free_new)
    old_for_new = _candidates(
        {j: new_side.sets[j] for j in free_new}, {i: old_side.sets[i] for i in free_old}
    )
    groups = _splits_and_merges(old_side, new_side, free_old, free_new, old_for_new)
    fuzzy = _fuzzy(old_side, new_side, free_old, free_new, old_for_new)

    one_to_one = {i: (j, 1.0) for i, j in exact.items()} | fuzzy
    points = [(i, j) for i, (j, _) in one_to_one.items()]
    points += [(g.old[0], g.new[0]) for g in groups]
    ordered = set(longest_increasing_run(sorted(points, key=lambda point: point[1])))
    spans = sorted(
        [(i, i, j, j) for i, (j, _) in one_to_one.items() if (i, j) in ordered]
        + [
            (min(g.old), max(g.old), min(g.new), max(g.new))
            for g in groups
            if (g.old[0], g.new[0]) in ordered
        ]
    )
    rewrites = _rewrites(old, new, old_side, new_side, spans, free_old, free_new, exact)

    by_new: dict[int, Pair] = {}
    anchors: list[int] = []  # old positions of pairs that kept their order
    for i, (j, score) in one_to_one.items():
        if (i, j) not in ordered:
            op = "moved"
        elif i in exact:
            op = "unchanged" if old[i].number == new[j].number else "renumbered"
        else:
            op = "modified"
        by_new[j] = Pair(op, (i,), (j,), score)
        if op != "moved":
            anchors.append(i)
    for g in groups:
        by_new[g.new[0]] = g
        if (g.old[0], g.new[0]) in ordered:
            anchors.extend(g.old)
    for i, (j, score, reason) in rewrites.items():
        by_new[j] = Pair("modified", (i,), (j,), score, reason)
        anchors.append(i)
    for j in free_new:
        by_new[j] = Pair("inserted", (), (j,), 0.0)

    # Each deleted paragraph follows the last in-order paragraph above it in the old text.
    anchors.sort()
    deleted_after: dict[int, list[int]] = defaultdict(list)
    for i in sorted(free_old):
        at = bisect_right(anchors, i)
        deleted_after[anchors[at - 1] if at else -1].append(i)

    def deletions(after: int) -> list[Pair]:
        return [Pair("deleted", (i,), (), 0.0) for i in deleted_after.pop(after, [])]

    result = deletions(-1)
    for j in sorted(by_new):
        pair = by_new[j]
        result.append(pair)
        if pair.op != "moved":
            for i in pair.old:
                result += deletions(i)
    for after in sorted(deleted_after):  # anchors are all emitted above; kept for safety
        result += deletions(after)
    return result


def lineage(
    pairs: Sequence[Pair],
    old_lineage: Sequence[str],
    new_count: int,
    new_id: Callable[[], str],
) -> list[str]:
    """Stable lineage ids for the new version's paragraphs.

    A paragraph keeps the id of the one it continues (unchanged, modified, moved,
    renumbered); the first part of a split keeps the old id and later parts get new ones;
    a merged paragraph keeps the id of its first old paragraph; inserted ones get new ids.
    ``new_id`` is called once per fresh id, in new-version order.
    """
    inherited: dict[int, str] = {}
    for pair in pairs:
        if pair.op in ("inserted", "deleted") or not pair.old or not pair.new:
            continue
        inherited[pair.new[0]] = old_lineage[pair.old[0]]
    return [inherited[j] if j in inherited else new_id() for j in range(new_count)]
