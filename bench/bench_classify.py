"""How fast is clause analysis? Paragraphs per second, against a naive one-regex-per-phrase loop.

The corpus is sampled from the real treaty texts in tests/data/texts/ and varied (verbs swapped,
softeners and deadlines inserted, case changed) so that it is not the same few strings over and
over. Both runs use one core in this process.

    .venv/bin/python bench/bench_classify.py --paragraphs 10000
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from multilateral.text.clauses import analyse, default_lexicon  # noqa: E402

TEXTS = ROOT / "tests" / "data" / "texts"

#: Numbered paragraphs and sub-paragraphs of the treaty files: "1.   Each State Party shall …".
_PARAGRAPH = re.compile(r"^\s*(?:\d{1,2}\.|\(?[a-z]\))\s*(.{40,})$")

_ENGLISH = frozenset({"the", "of", "and", "shall", "to", "in", "or", "any", "this"})


def _english(text: str) -> bool:
    """Keep the English half of the bilingual files: the Dutch paragraphs would flatter the rate."""
    words = text.lower().split()
    return sum(word in _ENGLISH for word in words) >= 0.12 * len(words)


VARIATIONS = (
    lambda t: t,
    lambda t: t.replace("shall adopt", "shall consider adopting"),
    lambda t: t.replace("shall ", "shall, as appropriate, ", 1),
    lambda t: t.rstrip(".;") + ", within existing resources;",
    lambda t: t.rstrip(".;") + " by 31 December 2027.",
    lambda t: "Requests the Secretary-General to report on " + t[:1].lower() + t[1:],
    lambda t: "Urges States to consider " + t[:1].lower() + t[1:],
    lambda t: t.upper(),
)


def build_corpus(size: int, seed: int = 7) -> list[str]:
    paragraphs = []
    for path in sorted(TEXTS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            found = _PARAGRAPH.match(line)
            if found and _english(found.group(1)):
                paragraphs.append(found.group(1).strip())
    rng = random.Random(seed)
    return [rng.choice(VARIATIONS)(rng.choice(paragraphs)) for _ in range(size)]


def naive(corpus: list[str]) -> int:
    """The obvious approach: every lexicon phrase as its own regex, run over every paragraph."""
    compiled = [
        re.compile(r"(?<![\w-])(?:" + regex + r")(?![\w-])", re.IGNORECASE)
        for regex, _entry in default_lexicon().alternatives
    ]
    hits = 0
    for text in corpus:
        for pattern in compiled:
            hits += sum(1 for _ in pattern.finditer(text))
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=10000)
    parser.add_argument(
        "--baseline-paragraphs",
        type=int,
        default=1000,
        help="the naive loop is slow: time it on the first N paragraphs of the same corpus",
    )
    args = parser.parse_args()
    corpus = build_corpus(args.paragraphs)
    lexicon = default_lexicon()
    chars = sum(map(len, corpus))
    print(f"corpus: {len(corpus)} paragraphs, {chars / len(corpus):.0f} characters on average")
    print(f"lexicon: {len(lexicon.alternatives)} phrases and patterns")

    started = time.perf_counter()
    labels: dict[str, int] = {}
    for text in corpus:
        label = analyse(text, lexicon=lexicon).label
        labels[label] = labels.get(label, 0) + 1
    combined = time.perf_counter() - started
    print(f"analyse(), one combined regex: {len(corpus) / combined:10.0f} paragraphs/s  {labels}")

    sample = corpus[: max(1, min(args.baseline_paragraphs, len(corpus)))]
    started = time.perf_counter()
    naive(sample)
    baseline = time.perf_counter() - started
    naive_rate = len(sample) / baseline
    combined_rate = len(corpus) / combined
    print(
        f"naive loop, one regex a phrase: {naive_rate:10.0f} paragraphs/s "
        f"(scan only, first {len(sample)} paragraphs)"
    )
    print(f"ratio: analyse() is {combined_rate / naive_rate:.1f}x the naive scan")


if __name__ == "__main__":
    main()
