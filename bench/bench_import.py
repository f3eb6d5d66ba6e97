"""Benchmark the importers on a generated corpus of UN-style drafts.

    python bench/bench_import.py --paragraphs 300 --files 1000

1. One .docx of N paragraphs (title, preambular and operative paragraphs, sub-paragraphs,
   brackets): read_docx timed against python-docx's bare ``Document(...).paragraphs`` text
   extraction in the same process (median of several runs), with the ratio.
2. M small .txt/.docx files in a temporary folder: read_source over all of them, against
   plain reading (UTF-8 decode / python-docx paragraphs).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402

from multilateral.text.formats.docx_reader import read_docx  # noqa: E402
from multilateral.text.formats.reader import read_source  # noqa: E402

OPENERS = ["Recalling", "Reaffirming", "Deeply concerned that", "Noting with concern",
           "Bearing in mind", "Welcoming", "Stressing", "Acknowledging"]  # fmt: skip
VERBS = ["Decides", "Requests", "Urges", "Calls upon", "Encourages", "Invites", "Welcomes",
         "Recognizes", "Notes"]  # fmt: skip
WORDS = ("States Member States victims trafficking persons women girls forced labour "
         "cooperation assistance protection prevention prosecution national action plans "
         "data collection international law recruitment exploitation shelters survivors "
         "the of and to in for with by on as appropriate").split()  # fmt: skip


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}]"
    return " ".join(words)


def draft_lines(rng: random.Random, paragraphs: int) -> list[str]:
    """A UN draft: title, opening formula, ~1/4 preambular, the rest operative with subs."""
    lines = ["A/C.3/99/L.1", "Trafficking in women and girls", "The General Assembly,"]
    pps = max(1, paragraphs // 4)
    for _ in range(pps):
        lines.append(f"{rng.choice(OPENERS)} {sentence(rng, rng.randint(15, 45))},")
    op = 0
    while len(lines) < paragraphs + 3:
        op += 1
        suffix = " bis" if rng.random() < 0.05 else ""
        lines.append(f"{op}{suffix}. {rng.choice(VERBS)} {sentence(rng, rng.randint(20, 60))};")
        if rng.random() < 0.2:
            for letter in "abc"[: rng.randint(1, 3)]:
                lines.append(f"({letter}) {sentence(rng, rng.randint(8, 20))};")
    return lines[: paragraphs + 3]


def docx_of(lines: list[str]) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    big = docx_of(draft_lines(rng, args.paragraphs))
    units = len(read_docx(big, filename="big.docx").units)
    ours = median_time(lambda: read_docx(big, filename="big.docx"), args.runs)
    base = median_time(lambda: [p.text for p in Document(io.BytesIO(big)).paragraphs], args.runs)
    print(f"one .docx, {args.paragraphs} paragraphs ({len(big):,} bytes, {units} units)")
    print(f"  read_docx                 median {ours * 1000:8.1f} ms over {args.runs} runs")
    print(f"  baseline Document().paragraphs {base * 1000:8.1f} ms")
    print(f"  ratio read_docx / baseline {ours / base:6.2f}x")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(args.files):
            lines = draft_lines(rng, rng.randint(5, 25))
            if i % 2:
                (folder / f"draft{i:05d}.docx").write_bytes(docx_of(lines))
            else:
                (folder / f"draft{i:05d}.txt").write_text("\n".join(lines), encoding="utf-8")
        paths = sorted(folder.iterdir())
        blobs = [(p.name, p.read_bytes()) for p in paths]
        total_bytes = sum(len(b) for _, b in blobs)

        def ours_all() -> int:
            return sum(len(read_source(name, data).units) for name, data in blobs)

        def base_all() -> int:
            count = 0
            for name, data in blobs:
                if name.endswith(".docx"):
                    count += len(Document(io.BytesIO(data)).paragraphs)
                else:
                    count += len(data.decode("utf-8").splitlines())
            return count

        start = time.perf_counter()
        n_units = ours_all()
        ours_t = time.perf_counter() - start
        start = time.perf_counter()
        base_all()
        base_t = time.perf_counter() - start
    print(f"{args.files} small files ({total_bytes:,} bytes, {n_units} units)")
    print(
        f"  read_source over all      {ours_t:8.2f} s  ({ours_t / args.files * 1000:.2f} ms/file)"
    )
    print(
        f"  baseline plain extraction {base_t:8.2f} s  ({base_t / args.files * 1000:.2f} ms/file)"
    )
    print(f"  ratio read_source / baseline {ours_t / base_t:6.2f}x")


if __name__ == "__main__":
    main()
