"""Agreed-language look-up, on real treaty and UN texts.

Held-out evaluation (the house rule: a heuristic is judged on data it was not tuned on).

* **Development part** — what the weights, ``QUERY_SHARE`` and ``MIN_SIMILARITY`` were
  chosen on: the 50 Palermo Protocol paragraphs that have a counterpart in the Smuggling
  Protocol (:data:`DEV_PAIRS`, paired by reading the two texts), each ranked against all
  Smuggling Protocol paragraphs: top-1 **49/50 (98 %)** (the miss: article 10.2 on the
  training of officials, whose counterpart 14.1 shares its subject more than its words,
  0.22, below ``MIN_SIMILARITY``); and the two Dutch-database revisions of the Palermo
  Protocol, each paragraph of one ranked against all paragraphs of the other: top-1
  **87/87 (100 %)** (their English wording is identical, so this part only checks that
  nothing is lost on the way).
* **Test part** — not used for any choice: every paragraph of the draft A/C.3/80/L.18
  (2025) with a precedent in the previous resolution of the series, A/RES/78/180 (2023),
  as labelled by reading in ``tests/data/precedents_un.csv`` (99 paragraphs: 83 verbatim,
  16 edited of which 2 merged from two 78/180 paragraphs; 3 more are new). Each is looked
  up the way the service does it: :func:`lookup_words` fetches 200 candidates from every
  earlier text (78/180, the Protocols, ILO and Council of Europe conventions) and
  :func:`rank` orders them. Top-1 **99/99 (100 %)**, **16/16** on the edited ones; the 3 new
  paragraphs get no precedent at or above ``MIN_SIMILARITY`` (best 0.24–0.25).

The test figures were computed along the way as a check (99/99 from the ranker's first
version on) but no choice was made on them. The scores of the 3 new paragraphs were seen
too; both thresholds weighed on the development data, 0.3 and 0.35, treat them alike.
"""

from __future__ import annotations

import csv
import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from whoosh.analysis import STOP_WORDS

from multilateral.text import precedents
from multilateral.text.precedents import (
    _STOP_IDF,
    MIN_SIMILARITY,
    Candidate,
    Precedent,
    _heaviest_common,
    idf_from,
    lookup_words,
    rank,
)
from multilateral.text.segment import segment_text
from multilateral.text.units import Unit
from multilateral.text.worddiff import DELETE, EQUAL, INSERT, word_diff

DATA = Path(__file__).parent.parent / "data"
TEXTS = DATA / "texts"
PALERMO = "palermo_tip_protocol_2000_final_en.txt"
SMUGGLING = "nl_bwb_smuggling_protocol_en_nl.txt"
PALERMO_REVISIONS = (
    "nl_bwb_palermo_tip_protocol_rev_061f5d5.txt",
    "nl_bwb_palermo_tip_protocol_rev_d02a7d2.txt",
)
TREATIES = (
    PALERMO,
    SMUGGLING,
    "nl_bwb_ilo_c029_forced_labour_1930.txt",
    "nl_bwb_ilo_c105_abolition_forced_labour.txt",
    "nl_bwb_ilo_c182_worst_forms_child_labour.txt",
    "nl_bwb_ilo_c189_domestic_workers.txt",
    "nl_bwb_ilo_p029_protocol_2014.txt",
    "nl_bwb_coe_convention_action_against_thb.txt",
)
DRAFT = "un/A_C.3_80_L.18.txt"
PREVIOUS = "un/A_RES_78_180.txt"
ADOPTED = "un/A_RES_80_185.txt"

#: Unit kinds that are paragraphs (not titles, headings, article captions or chapters).
PARAGRAPH_KINDS = frozenset({"preambular", "operative", "paragraph", "subparagraph", "text"})

#: Palermo Protocol paragraph → its counterpart in the Smuggling Protocol, paired by reading
#: both texts (article captions, then wording). References are "article.paragraph[.letter]",
#: "article" for an unnumbered paragraph, "PPn" for the preamble. Verbatim pairs (the final
#: clauses, border measures, documents) and adapted ones ("victim of trafficking in persons"
#: → "person who has been the object of conduct set forth in article 6") alike.
DEV_PAIRS: tuple[tuple[str, str], ...] = (
    ("PP1", "PP1"),
    ("PP2", "PP4"),
    ("PP4", "PP6"),
    ("PP5", "PP7"),
    ("1.1", "1.1"),
    ("1.2", "1.2"),
    ("1.3", "1.3"),
    ("4", "4"),
    ("5.1", "6.1"),
    ("5.2", "6.2"),
    ("5.2.a", "6.2.a"),
    ("5.2.b", "6.2.b"),
    ("5.2.c", "6.2.c"),
    ("8.3", "18.3"),
    ("8.4", "18.4"),
    ("8.5", "18.7"),
    ("8.6", "18.8"),
    ("10.2", "14.1"),
    ("10.3", "10.2"),
    *((f"11.{k}", f"11.{k}") for k in range(1, 7)),
    ("12", "12"),
    ("12.a", "12.a"),
    ("12.b", "12.b"),
    ("13", "13"),
    ("14.1", "19.1"),
    ("14.2", "19.2"),
    *((f"15.{k}", f"20.{k}") for k in range(1, 5)),
    *((f"16.{k}", f"21.{k}") for k in range(1, 5)),
    *((f"17.{k}", f"22.{k}") for k in range(1, 3)),
    *((f"18.{k}", f"23.{k}") for k in range(1, 6)),
    *((f"19.{k}", f"24.{k}") for k in range(1, 3)),
    *((f"20.{k}", f"25.{k}") for k in range(1, 3)),
)

#: The final clauses: signature and ratification (16), entry into force (17), amendment
#: (18), denunciation (19), depositary and languages (20); in the Smuggling Protocol 21–25.
FINAL_CLAUSES = tuple(
    pair for pair in DEV_PAIRS if pair[0].split(".")[0] in set("16 17 18 19 20".split())
)


def units_of(name: str) -> list[Unit]:
    return segment_text((TEXTS / name).read_text(encoding="utf-8")).units


def treaty_references(units: Sequence[Unit]) -> dict[str, str]:
    """Paragraph texts by reference: "16.1", "12" (unnumbered), "12.a", "PP4"."""
    found: dict[str, str] = {}
    reference: dict[int, str] = {}
    article = ""
    for k, unit in enumerate(units):
        if unit.kind == "article":
            article = unit.number.split()[-1]
            continue
        if unit.kind == "preambular":
            reference[k] = unit.number
        elif unit.kind == "paragraph":
            reference[k] = f"{article}.{unit.number}" if unit.number else article
        elif unit.kind == "subparagraph" and unit.parent in reference:
            reference[k] = f"{reference[unit.parent]}.{unit.number.strip('()')}"
        else:
            continue
        found[reference[k]] = unit.text
    return found


def resolution_references(units: Sequence[Unit]) -> dict[str, str]:
    """Paragraph texts by number as printed: "PP5", "47", "47(a)"."""
    found: dict[str, str] = {}
    for unit in units:
        if unit.kind in ("preambular", "operative"):
            found[unit.number] = unit.text
        elif unit.kind == "subparagraph" and unit.parent is not None:
            found[units[unit.parent].number + unit.number] = unit.text
    return found


@pytest.fixture(scope="module")
def texts() -> dict[str, list[Unit]]:
    names = (*TREATIES, *PALERMO_REVISIONS, DRAFT, PREVIOUS, ADOPTED)
    return {name: units_of(name) for name in names}


@pytest.fixture(scope="module")
def idf(texts) -> Callable[[str], float]:
    """IDF over every paragraph of every text, as the search index would hold them."""
    return idf_from(u.text for units in texts.values() for u in units if u.kind in PARAGRAPH_KINDS)


@pytest.fixture(scope="module")
def palermo(texts) -> dict[str, str]:
    return treaty_references(texts[PALERMO])


@pytest.fixture(scope="module")
def smuggling(texts) -> dict[str, str]:
    return treaty_references(texts[SMUGGLING])


@pytest.fixture(scope="module")
def treaty_pool(texts) -> list[str]:
    """Every distinct paragraph of the Protocols and the ILO and CoE conventions."""
    return list(
        dict.fromkeys(u.text for name in TREATIES for u in texts[name] if u.kind in PARAGRAPH_KINDS)
    )


def candidates(pool: Sequence[str], adopted: bool = True) -> list[Candidate]:
    """The pool as candidates whose key is the index in the pool."""
    return [Candidate(k, text, adopted) for k, text in enumerate(pool)]


def top(query: str, pool: Sequence[str], idf, **options) -> list[Precedent]:
    return rank(query, candidates(pool), idf=idf, **options)


# --- Agreed language the issue asks for ---------------------------------------------------


def test_final_clauses_find_their_smuggling_counterpart_first(palermo, smuggling, idf):
    pool = list(smuggling.values())
    assert len(FINAL_CLAUSES) == 15
    for ours, theirs in FINAL_CLAUSES:
        found = top(palermo[ours], pool, idf)
        assert pool[found[0].key] == smuggling[theirs], ours
        assert found[0].similarity >= 0.99, ours
    # And the other way round: the two Protocols are precedents of each other.
    back = list(palermo.values())
    for ours, theirs in FINAL_CLAUSES:
        found = top(smuggling[theirs], back, idf)
        assert back[found[0].key] == palermo[ours], theirs
        assert found[0].similarity >= 0.99, theirs


@pytest.mark.parametrize(
    ("reference", "edits"),
    [
        # Article 8.2 (return of victims): a verb softened, a clause reworded.
        ("8.2", [("shall preferably be voluntary", "should be voluntary"), ("safety", "security")]),
        # Article 9.5: the Council of Europe Convention has a look-alike of it (article 6).
        (
            "9.5",
            [("adopt or strengthen", "adopt"), ("including through", "inter alia through")],
        ),
        # Article 6.3: words inserted.
        (
            "6.3",
            [
                ("victims of trafficking", "women and girls victims of trafficking"),
                ("in particular", "especially"),
            ],
        ),
    ],
)
def test_a_few_words_changed_still_ranks_its_source_first(
    reference, edits, palermo, treaty_pool, idf
):
    source = palermo[reference]
    query = source
    for old, new in edits:
        assert old in query
        query = query.replace(old, new, 1)
    found = top(query, treaty_pool, idf)
    assert treaty_pool[found[0].key] == source
    assert 0.8 <= found[0].similarity < 1.0
    if len(found) > 1:
        assert found[1].similarity < found[0].similarity


@pytest.mark.parametrize(
    ("label", "other_label"),
    [("7. ", ""), ("5 bis. ", "5. "), ("(a) ", "b) "), ("Article 6\n", "12. "), ("PP3 ", "(iv) ")],
)
def test_renumbered_text_scores_one(label, other_label, palermo, idf):
    text = palermo["9.4"]
    found = rank(label + text, [Candidate(1, other_label + text, True)], idf=idf)
    assert [(p.key, p.similarity) for p in found] == [(1, 1.0)]


def test_half_of_a_long_paragraph_ranks_its_source_first(palermo, treaty_pool, idf):
    for reference in ("8.2", "6.3", "16.3", "18.1"):
        source = palermo[reference]
        words = source.split()
        for half in (words[: len(words) // 2], words[len(words) // 2 :]):
            found = top(" ".join(half), treaty_pool, idf)
            # (The Smuggling Protocol repeats 16.3 and 18.1 word for word: the deduplicated
            # pool holds that wording once.)
            assert treaty_pool[found[0].key] == source, reference
            # The query is all in the source, the source twice the query: cq = 1, cc ≈ 1/2.
            assert 0.75 <= found[0].similarity <= 0.92, reference


def test_two_paragraphs_merged_find_both_sources_on_top(palermo, treaty_pool, idf):
    for first, second in (("7.1", "7.2"), ("8.1", "8.2"), ("9.2", "9.3")):
        query = palermo[first] + " " + palermo[second]
        found = top(query, treaty_pool, idf, limit=2)
        assert {treaty_pool[p.key] for p in found} == {palermo[first], palermo[second]}
        # Each source is all found in the query (cc = 1) and covers part of it.
        assert all(0.4 <= p.similarity < 0.9 for p in found)


def test_one_paragraph_split_into_two_finds_the_source_for_each_piece(palermo, treaty_pool, idf):
    source = palermo["8.4"]  # one sentence: cut at its comma, as a split often is
    head, tail = source.split(", the State Party", 1)
    for piece in (head + ".", "The State Party" + tail):
        found = top(piece, treaty_pool, idf)
        assert treaty_pool[found[0].key] == source


def test_common_formula_does_not_outrank_the_real_source(palermo, treaty_pool, idf):
    query = (
        "States Parties shall adopt such legislative and other measures as may be necessary "
        "to establish as criminal offences the conduct set forth in article 3"
    )
    everything = len(treaty_pool)

    def scores(weights: Callable[[str], float]) -> dict[str, float]:
        found = rank(query, candidates(treaty_pool), idf=weights, min_similarity=0.0, limit=3)
        assert treaty_pool[found[0].key] == palermo["5.1"]
        # Paragraphs that only share "States Parties shall … measures", scored on their own.
        alone = [palermo[ref] for ref in ("9.1", "9.4", "9.5")]
        rest = rank(query, candidates(alone), idf=weights, min_similarity=0.0, limit=everything)
        return {"source": found[0].similarity, "formula": max(p.similarity for p in rest)}

    weighted = scores(idf)
    assert weighted["formula"] < MIN_SIMILARITY < weighted["source"] - 0.5
    # IDF widens the gap: "states", "parties", "shall", "measures" weigh little.
    uniform = scores(lambda word: 1.0)
    assert weighted["source"] - weighted["formula"] > uniform["source"] - uniform["formula"]


def test_short_formula_inside_a_long_query_is_not_a_precedent(palermo, treaty_pool, idf):
    formula = "Requests the Secretary-General to submit a report"
    # Article 8.2 (return of victims), with a request for a report at its end.
    query = palermo["8.2"].rstrip(".") + ", and requests the Secretary-General to submit a report."
    pool = [formula, *treaty_pool]
    found = rank(query, candidates(pool), idf=idf)
    assert pool[found[0].key] == palermo["8.2"]
    assert formula not in {pool[p.key] for p in found}
    # Wholly inside the query, yet only a sliver of it: far below the threshold.
    (alone,) = rank(query, candidates([formula]), idf=idf, min_similarity=0.0)
    assert alone.similarity < MIN_SIMILARITY < found[0].similarity - 0.6


# --- Contract of the API -------------------------------------------------------------------


def test_order_is_similarity_then_adopted_then_key(palermo, idf):
    text = palermo["9.2"]
    edited = text.replace("social and economic", "economic")
    pool = [
        Candidate(7, text, False),
        Candidate(3, text, False),
        Candidate(9, text, True),
        Candidate(5, edited, True),
        Candidate(2, edited, False),
        Candidate(4, "Appropriate housing;", True),
    ]
    found = rank(text, pool, idf=idf)
    assert [p.key for p in found] == [9, 3, 7, 5, 2]  # the housing line is no precedent
    assert [p.similarity for p in found][:3] == [1.0, 1.0, 1.0]
    assert 0.9 < found[3].similarity == found[4].similarity < 1.0
    assert [p.key for p in rank(text, pool, idf=idf, limit=2)] == [9, 3]
    assert [p.key for p in rank(text, pool, idf=idf, min_similarity=1.0)] == [9, 3, 7]


def test_pruned_ranking_equals_scoring_every_candidate(palermo, treaty_pool, idf, monkeypatch):
    """Scoring stops early on an upper bound; the first results must not change."""
    # Diffs play no part in the order, and a thousand of them would take seconds.
    monkeypatch.setattr(precedents, "word_diff", lambda old, new: [])
    for reference in ("5.1", "8.2", "9.5", "16.3", "PP2"):
        query = palermo[reference].replace("shall", "should", 1)
        everything = top(query, treaty_pool, idf, min_similarity=0.0, limit=len(treaty_pool))
        assert len(everything) > 300
        for limit in (1, 3, 10):
            assert (
                top(query, treaty_pool, idf, min_similarity=0.0, limit=limit) == everything[:limit]
            )
        kept = [p for p in everything if p.similarity >= MIN_SIMILARITY]
        assert top(query, treaty_pool, idf, limit=len(treaty_pool)) == kept


def test_stop_words_are_weighed_here_not_asked_of_the_index(palermo, idf):
    """The index holds no stop words: asked, it would weigh them as unknown, i.e. highest."""
    asked: list[str] = []

    def recording(word: str) -> float:
        asked.append(word)
        return idf(word)

    pool = candidates([palermo["8.1"], palermo["8.3"], palermo["8.4"]])
    rank(palermo["8.2"] + " It shall not be voluntary if it may be", pool, idf=recording)
    assert asked and not set(asked) & set(STOP_WORDS)
    assert len(asked) == len(set(asked))  # once per word and call
    # The table covers the index's own list (one-letter "a" is no word here at all).
    assert set(_STOP_IDF) | {"a"} == set(STOP_WORDS)


def test_diff_is_the_word_diff_from_the_earlier_text_to_the_query(palermo, idf):
    source = palermo["9.2"]
    query = "5. " + source.replace("shall endeavour to undertake", "shall undertake")
    (found,) = rank(query, [Candidate(1, source, True)], idf=idf)
    assert found.diff == word_diff(source, query)
    assert [change for change in found.diff if change[0] != EQUAL] == [
        (INSERT, "5. "),
        (DELETE, " endeavour to"),
    ]
    assert "".join(text for op, text in found.diff if op in (EQUAL, INSERT)) == query


def test_nothing_to_compare_gives_nothing(idf):
    assert rank("", [Candidate(1, "Appropriate housing;", True)], idf=idf) == []
    assert rank("5. (a)", [Candidate(1, "Appropriate housing;", True)], idf=idf) == []
    assert rank("Appropriate housing;", [Candidate(1, "", True)], idf=idf) == []
    assert rank("Appropriate housing;", [], idf=idf) == []
    assert (
        rank("Appropriate housing;", [Candidate(1, "Appropriate housing;", True)], idf=idf, limit=0)
        == []
    )


def test_lookup_words_drop_labels_stop_words_and_reference_numbers():
    text = (
        "5. States Parties shall adopt, in accordance with article 3 of this Protocol, "
        "measures against trafficking in persons as adopted in 2000 by the States Parties"
    )
    assert lookup_words(text) == [
        "states",
        "parties",
        "shall",
        "adopt",
        "accordance",
        "article",
        "protocol",
        "measures",
        "against",
        "trafficking",
        "persons",
        "adopted",
        "2000",
    ]
    # "(a)" is a label; "Article 27 of" is text (its "27" is a reference number).
    assert lookup_words("(a) Article 27 of the Convention") == ["article", "convention"]
    assert lookup_words("Article 6\nAssistance to victims") == ["assistance", "victims"]
    assert lookup_words("5. (a)") == []
    assert lookup_words(text, limit=0) == []


def test_lookup_words_of_a_long_text_reach_all_of_it(palermo):
    first, second = palermo["8.2"], palermo["9.5"]
    words = lookup_words(first + " " + second, limit=12)
    assert len(words) == 12 == len(set(words))
    from_first = set(lookup_words(first, limit=999))
    from_second = set(lookup_words(second, limit=999)) - from_first
    assert len([w for w in words if w in from_first]) >= 4
    assert len([w for w in words if w in from_second]) >= 4
    # In the text's own order.
    order = lookup_words(first + " " + second, limit=999)
    assert words == sorted(words, key=order.index)


def test_idf_from_counts_documents():
    idf = idf_from(["The cat sat.", "The dog sat; the dog ran.", "The cat ran."])
    assert idf("dog") == pytest.approx(math.log(4 / 2))
    assert idf("cat") == pytest.approx(math.log(4 / 3))
    assert idf("unseen") == pytest.approx(math.log(4))
    assert idf("unseen") > idf("dog") > idf("cat") > idf("the") == 0.0


def test_heaviest_common_subsequence_is_exact():
    """Against the textbook table, on random word lists with repeats and random weights."""
    rng = random.Random(20250101)
    vocabulary = "states parties shall adopt measures women migrant workers trafficking".split()
    for _ in range(300):
        a = rng.choices(vocabulary, k=rng.randint(0, 25))
        b = rng.choices(vocabulary, k=rng.randint(0, 25))
        weight = {w: rng.choice([0.05, 0.4, 1.0, 2.5, 7.0]) for w in vocabulary}
        table = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                table[i + 1][j + 1] = max(
                    table[i][j + 1],
                    table[i + 1][j],
                    table[i][j] + weight[x] if x == y else 0.0,
                )
        positions: dict[str, list[int]] = {}
        for i in range(len(a) - 1, -1, -1):
            positions.setdefault(a[i], []).append(i)
        assert _heaviest_common(positions, b, weight) == pytest.approx(table[-1][-1])


def test_ranking_200_paragraphs_is_fast(texts, idf):
    """200 candidates of ~80 words: measured at about 13 ms with their words not yet cached
    and 4 ms once cached (median; see the module docstring of ``precedents``). The bound is
    ten times looser because the test machine may be busy."""
    long = [
        u.text
        for units in texts.values()
        for u in units
        if u.kind in PARAGRAPH_KINDS and 60 <= len(u.text.split()) <= 120
    ]
    long = list(dict.fromkeys(long))  # 141 distinct: each comes back twice, as it may
    pool = (long * 2)[:200]
    assert 75 <= statistics.mean(len(t.split()) for t in pool) <= 85
    query = pool[17].replace("shall", "should")
    elapsed = []
    for _ in range(3):
        start = time.perf_counter()
        found = rank(query, candidates(pool), idf=idf)
        elapsed.append(time.perf_counter() - start)
    assert found[0].key == 17
    assert min(elapsed) < 0.15, f"rank took {min(elapsed):.3f}s"


# --- Held-out evaluation ---------------------------------------------------------------------


def _accuracy(
    pairs: Sequence[tuple[str, Sequence[str]]],
    queries: dict[str, str],
    fetch: Callable[[str], list[str]],
    idf,
    sources: dict[str, str],
) -> tuple[int, list[str]]:
    """Top-1 hits: the first precedent has the wording of one of the expected sources."""
    hits, misses = 0, []
    for query_ref, expected in pairs:
        pool = fetch(queries[query_ref])
        found = top(queries[query_ref], pool, idf, limit=1)
        if found and pool[found[0].key] in {sources[ref] for ref in expected}:
            hits += 1
        else:
            misses.append(query_ref)
    return hits, misses


def test_development_part_palermo_against_smuggling(palermo, smuggling, idf):
    pool = list(smuggling.values())
    pairs = [(ours, (theirs,)) for ours, theirs in DEV_PAIRS]
    hits, misses = _accuracy(pairs, palermo, lambda _: pool, idf, smuggling)
    assert hits / len(pairs) >= 0.95, misses
    # The figure reported in the module docstring; the miss is 10.2 (training of officials),
    # whose Smuggling counterpart 14.1 shares the subject more than the words (0.22).
    assert (hits, len(pairs), misses) == (49, 50, ["10.2"])


def test_development_part_palermo_revisions(texts, idf):
    old, new = (treaty_references(texts[name]) for name in PALERMO_REVISIONS)
    pool = list(new.values())
    pairs = [(ref, (ref,)) for ref in old]
    assert len(pairs) == 87
    hits, misses = _accuracy(pairs, old, lambda _: pool, idf, new)
    assert hits == len(pairs), misses


def _expected_un_pairs() -> list[dict[str, str]]:
    with (DATA / "precedents_un.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _backend(pool: Sequence[str], idf) -> Callable[[str], list[str]]:
    """A stand-in for the search backend: the 200 paragraphs sharing the most weight of a
    query's :func:`lookup_words` (an OR query scored by IDF)."""
    holders: dict[str, set[int]] = {}
    for k, text in enumerate(pool):
        for word in set(lookup_words(text, limit=10_000)):
            holders.setdefault(word, set()).add(k)

    def fetch(query: str) -> list[str]:
        score: Counter[int] = Counter()
        for word in lookup_words(query):
            for k in holders.get(word, ()):
                score[k] += idf(word)
        return [pool[k] for k, _ in sorted(score.items(), key=lambda x: (-x[1], x[0]))[:200]]

    return fetch


def test_test_part_un_draft_against_the_previous_resolution(texts, treaty_pool, idf):
    draft = resolution_references(texts[DRAFT])
    previous = resolution_references(texts[PREVIOUS])
    rows = _expected_un_pairs()
    assert {row["draft_number"] for row in rows} == set(draft)
    assert Counter(row["relation"] for row in rows) == {"verbatim": 83, "edited": 16, "new": 3}
    fetch = _backend([*previous.values(), *treaty_pool], idf)

    pairs = [(r["draft_number"], r["source_number"].split(";")) for r in rows if r["source_number"]]
    hits, misses = _accuracy(pairs, draft, fetch, idf, previous)
    assert hits / len(pairs) >= 0.95, misses
    edited = [r["draft_number"] for r in rows if r["relation"] == "edited"]
    edited_hits = len(edited) - len(set(misses) & set(edited))
    assert edited_hits / len(edited) >= 0.9, misses
    # The figures reported in the module docstring.
    assert (hits, len(pairs), edited_hits, len(edited)) == (99, 99, 16, 16), misses

    # A new paragraph has no precedent among the previous resolution's paragraphs.
    pool = candidates(list(previous.values()))
    for row in rows:
        if row["relation"] == "new":
            assert rank(draft[row["draft_number"]], pool, idf=idf) == [], row["draft_number"]
