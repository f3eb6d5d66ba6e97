"""Benchmark: align two revisions and word-diff every changed pair, against a difflib baseline.

Generates a document of N paragraphs (about 83 words each, so 600 paragraphs ≈ 50,000
words) from a word-bigram chain trained on the real treaty texts in tests/data/texts, and a
revision with planted changes: word edits (replace / delete / insert, ``--edit-rate`` of all
words, concentrated in ``--edited-share`` of the paragraphs as in a real negotiation round),
moves, inserted and deleted paragraphs. Numbers run 1..n, so everything below an insertion
or deletion is renumbered.

It times :func:`align` plus :func:`word_diff` of every reworded pair (median of ``--runs``),
and in the same process a difflib baseline doing the same job the obvious way:
``SequenceMatcher`` over the paragraph lists, ``SequenceMatcher.ratio`` (with its quick
upper bounds first, as ``get_close_matches`` does) to pair the unmatched paragraphs best
first, and ``ndiff`` over the words of each reworded pair. It prints both times, their
ratio, and the count of each op found against the count planted, so the figures also show
whether the answers are right.

    .venv/bin/python bench/bench_compare.py --paragraphs 600 --seed 1
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from multilateral.text.align import FUZZY_THRESHOLD, Pair, align  # noqa: E402
from multilateral.text.units import Unit  # noqa: E402
from multilateral.text.worddiff import normalize_text, word_diff  # noqa: E402

TEXTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "texts"
WORDS_PER_PARAGRAPH = 83


def bigram_chain() -> dict[str, list[str]]:
    """Word successors seen in the English treaty texts (Dutch halves left out)."""
    chain: dict[str, list[str]] = defaultdict(list)
    for path in sorted(TEXTS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        text = text.split("Nederlandse vertaling")[0].split("Vertaling")[0]
        words = [w for w in text.split() if w.isascii() and not w.startswith(("#", "<", "http"))]
        for a, b in zip(words, words[1:], strict=False):
            chain[a].append(b)
    return chain


def make_paragraph(rng: random.Random, chain: dict[str, list[str]], starts: list[str]) -> str:
    length = max(12, int(rng.gauss(WORDS_PER_PARAGRAPH, 30)))
    word = rng.choice(starts)
    out = [word]
    while len(out) < length:
        successors = chain.get(word)
        word = rng.choice(successors) if successors and rng.random() > 0.05 else rng.choice(starts)
        out.append(word)
    return " ".join(out)


def edit_words(rng: random.Random, text: str, edits: int, vocabulary: list[str]) -> str:
    words = text.split()
    for _ in range(edits):
        at = rng.randrange(len(words))
        roll = rng.random()
        if roll < 0.6:
            words[at] = rng.choice(vocabulary)
        elif roll < 0.8 and len(words) > 5:
            del words[at]
        else:
            words.insert(at, rng.choice(vocabulary))
    return " ".join(words)


def build(args: argparse.Namespace) -> tuple[list[Unit], list[Unit], dict, Counter]:
    """The two revisions, the planted old→new mapping with its op, and the planted op counts."""
    rng = random.Random(args.seed)
    chain = bigram_chain()
    starts = [w for w in chain if w[:1].isupper()]
    vocabulary = sorted(chain)
    old_texts = [make_paragraph(rng, chain, starts) for _ in range(args.paragraphs)]
    n = len(old_texts)

    # Pick the structurally changed paragraphs apart from one another so the plan is unambiguous.
    chosen = rng.sample(range(n), args.moves + args.deletes)
    moved, deleted = set(chosen[: args.moves]), set(chosen[args.moves :])
    total_words = sum(len(t.split()) for t in old_texts)
    edited_pool = [i for i in range(n) if i not in deleted]
    edited = rng.sample(edited_pool, max(1, int(len(edited_pool) * args.edited_share)))
    new_text = {i: old_texts[i] for i in range(n) if i not in deleted}
    # Edits fall on words, not paragraphs: a long paragraph gets more of them.
    weights = [len(old_texts[i].split()) for i in edited]
    for i in rng.choices(edited, weights, k=int(total_words * args.edit_rate)):
        new_text[i] = edit_words(rng, new_text[i], 1, vocabulary)

    order: list[int | str] = [i for i in range(n) if i not in deleted and i not in moved]
    for i in sorted(moved):  # each moved a tenth to half of the document away
        order.insert((i + rng.randrange(n // 10, n // 2)) % len(order), i)
    for k in range(args.inserts):
        order.insert(rng.randrange(len(order) + 1), f"ins{k}")
    inserted_text = {f"ins{k}": make_paragraph(rng, chain, starts) for k in range(args.inserts)}

    new_units = []
    plan: dict[int, tuple[str, int]] = {}
    for j, key in enumerate(order):
        if isinstance(key, str):
            new_units.append(Unit("operative", str(j + 1), inserted_text[key]))
            continue
        new_units.append(Unit("operative", str(j + 1), new_text[key]))
        if key in moved:
            op = "moved"
        elif normalize_text(new_text[key]) != normalize_text(old_texts[key]):
            op = "modified"
        else:
            op = "unchanged" if key == j else "renumbered"
        plan[key] = (op, j)
    old_units = [Unit("operative", str(i + 1), t) for i, t in enumerate(old_texts)]
    planted = Counter(op for op, _ in plan.values())
    planted["inserted"], planted["deleted"] = args.inserts, args.deletes
    return old_units, new_units, plan, planted


def ours(old: list[Unit], new: list[Unit]) -> tuple[list[Pair], int]:
    pairs = align(old, new)
    diffs = 0
    for pair in pairs:
        if pair.old and pair.new and pair.similarity < 1.0:
            word_diff(
                " ".join(old[i].text for i in pair.old), " ".join(new[j].text for j in pair.new)
            )
            diffs += 1
    return pairs, diffs


def baseline(old: list[Unit], new: list[Unit]) -> tuple[list[Pair], int]:
    """The same job with difflib only: LCS of paragraphs, ratio pairing, ndiff on words."""
    old_keys = [" ".join(u.text.split()) for u in old]
    new_keys = [" ".join(u.text.split()) for u in new]
    pairs: list[Pair] = []
    free_old, free_new = [], []
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                op = "unchanged" if old[i].number == new[j].number else "renumbered"
                pairs.append(Pair(op, (i,), (j,), 1.0))
        else:
            free_old += range(i1, i2)
            free_new += range(j1, j2)
    old_words = [k.split() for k in old_keys]
    scored = []
    for j in free_new:
        sm = difflib.SequenceMatcher(None, autojunk=False)
        sm.set_seq2(new_keys[j].split())
        for i in free_old:
            sm.set_seq1(old_words[i])
            if (
                sm.real_quick_ratio() >= FUZZY_THRESHOLD
                and sm.quick_ratio() >= FUZZY_THRESHOLD
                and (score := sm.ratio()) >= FUZZY_THRESHOLD
            ):
                scored.append((-score, i, j))
    scored.sort()
    left_old, left_new = set(free_old), set(free_new)
    diffs = 0
    for neg, i, j in scored:
        if i in left_old and j in left_new:
            left_old.discard(i)
            left_new.discard(j)
            # difflib finds no moves: a pair it had to look for outside the LCS is "moved"
            # when the wording is the same, otherwise "modified".
            pairs.append(Pair("moved" if neg == -1.0 else "modified", (i,), (j,), -neg))
            if neg != -1.0:
                list(difflib.ndiff(old_words[i], new_keys[j].split()))
                diffs += 1
    pairs += [Pair("deleted", (i,), (), 0.0) for i in sorted(left_old)]
    pairs += [Pair("inserted", (), (j,), 0.0) for j in sorted(left_new)]
    return pairs, diffs


def score(pairs: list[Pair], plan: dict) -> tuple[Counter, int]:
    """Op counts found, and how many planted old paragraphs got exactly the planted answer."""
    found = Counter(p.op for p in pairs)
    right = sum(
        1
        for p in pairs
        if len(p.old) == 1 and len(p.new) == 1 and plan.get(p.old[0]) == (p.op, p.new[0])
    )
    return found, right


def timed(function, old, new, runs: int) -> tuple[float, float, list[Pair], int]:
    """Median wall-clock and CPU seconds of ``runs`` calls (CPU time shows what the code
    costs when other work shares the machine), and the last call's answer."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        pairs, diffs = function(old, new)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), pairs, diffs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="timed runs; the median is shown")
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--edit-rate", type=float, default=0.05, help="share of words edited")
    parser.add_argument(
        "--edited-share", type=float, default=0.3, help="share of paragraphs the edits fall in"
    )
    parser.add_argument("--moves", type=int, default=3)
    parser.add_argument("--inserts", type=int, default=10)
    parser.add_argument("--deletes", type=int, default=10)
    args = parser.parse_args()

    old, new, plan, planted = build(args)
    words = sum(len(u.text.split()) for u in old)
    print(
        f"corpus: {len(old)} → {len(new)} paragraphs, {words} words; "
        f"{args.edit_rate:.0%} of words edited in {args.edited_share:.0%} of paragraphs, "
        f"{args.moves} moves, {args.inserts} inserts, {args.deletes} deletes (seed {args.seed})"
    )
    ours_time, ours_cpu, ours_pairs, ours_diffs = timed(ours, old, new, args.runs)
    base_time, base_cpu, base_pairs, base_diffs = timed(baseline, old, new, args.baseline_runs)

    ops = ("unchanged", "renumbered", "modified", "moved", "inserted", "deleted", "split", "merged")
    ours_found, ours_right = score(ours_pairs, plan)
    base_found, base_right = score(base_pairs, plan)
    print(f"\n{'op':<12}{'planted':>9}{'align':>9}{'difflib':>9}")
    for op in ops:
        if planted[op] or ours_found[op] or base_found[op]:
            print(f"{op:<12}{planted[op]:>9}{ours_found[op]:>9}{base_found[op]:>9}")
    print(f"{'exact pairs':<12}{len(plan):>9}{ours_right:>9}{base_right:>9}")

    print(
        f"\nalign + word_diff ({ours_diffs} pairs diffed): {ours_time * 1000:8.1f} ms wall, "
        f"{ours_cpu * 1000:6.1f} ms CPU (median of {args.runs}; "
        f"target < 300 ms: {'met' if ours_time < 0.3 else 'MISSED'})"
    )
    print(
        f"difflib baseline  ({base_diffs} pairs diffed): {base_time * 1000:8.1f} ms wall, "
        f"{base_cpu * 1000:6.1f} ms CPU (median of {args.baseline_runs})"
    )
    print(f"speed-up: {base_time / ours_time:.1f}x wall, {base_cpu / ours_cpu:.1f}x CPU")


if __name__ == "__main__":
    main()
