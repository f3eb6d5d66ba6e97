"""Benchmark: the delegation's positions — save, position paper, CSV, carry-over, alerts.

Generates a resolution of ``--paragraphs`` operative paragraphs (default 300, ~83 words
each) from a word-bigram chain trained on the operative paragraphs of the real UN texts in
tests/data/texts/un (each paragraph opens as they do: "Calls upon", "Urges", "Encourages" …),
and a revision: bench_compare's word edits (5% of the words, in 30% of the paragraphs), three
paragraphs deleted and ten red-line paragraphs weakened the way A/C.3/80/L.18's OP8 is in
tests/test_positions.py ("Calls upon Governments to adopt or strengthen" → "Encourages
Governments to consider adopting or strengthening"). Both are stored in a temporary SQLite
database (migrated, the real Whoosh index) through ``add_version``; a negotiator calls the
API with a bearer token through Flask's test client. Median and p95 of N runs:

- ``PUT …/positions`` with one position: a new paragraph each run, and the same paragraph
  each run with its current revision (target p95 < 50 ms);
- ``PUT …/positions`` with every paragraph at once (a first save, then updates);
- ``GET …/positions.docx`` with every paragraph given a position, a third of them amend
  (proposed text a few words off the draft), all with rationale sentences (target p95 < 2 s),
  and ``position_paper_docx`` alone;
- ``GET …/positions.csv``;
- ``add_version`` of the revision (flush, rolled back after each run) on a document whose
  previous version holds a position on every paragraph and on one that holds none; the
  difference is what carrying the positions over costs, shown with ``carry_over``'s own time;
- ``GET /api/alerts`` once the revision is stored;

and in the same process a baseline: python-docx writing the same paragraphs (draft,
proposed text and rationale) as plain paragraphs, with no tracked changes and no table, so
the cost of the tracked-change writer and the summary table shows as a ratio.

    .venv/bin/python bench/bench_positions.py --paragraphs 300 --runs 20 --seed 1
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import docx  # noqa: E402
from bench_compare import WORDS_PER_PARAGRAPH, edit_words  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

import multilateral.services.versions as versions_module  # noqa: E402
from multilateral import create_app  # noqa: E402
from multilateral.extensions import db  # noqa: E402
from multilateral.models import Forum, Position, Version  # noqa: E402
from multilateral.models.audit import acting_user  # noqa: E402
from multilateral.services.accounts import create_token, create_user  # noqa: E402
from multilateral.services.documents import create_document  # noqa: E402
from multilateral.services.positions import paper_contents  # noqa: E402
from multilateral.services.versions import add_version  # noqa: E402
from multilateral.text.formats.reader import sha256_of  # noqa: E402
from multilateral.text.position_paper import (  # noqa: E402
    _summary_table,
    paper_title,
    position_paper_docx,
)
from multilateral.text.tracked import Revisions, tracked_runs  # noqa: E402
from multilateral.text.units import Segmented, Unit  # noqa: E402

UN_TEXTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "texts" / "un"
FORUM = "un-third-committee"
SAVE_TARGET, PAPER_TARGET = 0.050, 2.0
#: The planted weakening, as in tests/test_positions.py (A/C.3/80/L.18, OP8).
STRONG = "Calls upon Governments to adopt or strengthen"
WEAK = "Encourages Governments to consider adopting or strengthening"
WEAKENED, DELETED = 10, 3


def operative_chain() -> tuple[dict[str, list[str]], list[str]]:
    """Word successors in the operative paragraphs of the UN texts, and their openings."""
    chain: dict[str, list[str]] = defaultdict(list)
    openings = []
    for path in sorted(UN_TEXTS.glob("*.txt")):
        for text in re.findall(r"^\d+\. (.+)$", path.read_text(encoding="utf-8"), flags=re.M):
            words = text.split()
            openings.append(" ".join(words[:2]) if words[0] == "Calls" else words[0])
            for a, b in zip(words, words[1:], strict=False):
                chain[a].append(b)
    return chain, openings


def walk(rng: random.Random, chain: dict[str, list[str]], first: str, length: int) -> str:
    """``length`` words from ``first`` on; a dead end restarts at a lower-case word."""
    lower = [w for w in chain if w[:1].islower()]
    out = first.split()
    while len(out) < length:
        successors = chain.get(out[-1])
        out.append(rng.choice(successors) if successors else rng.choice(lower))
    text = " ".join(out).rstrip(",;:")
    return text + ";"


def build(args: argparse.Namespace) -> tuple[list[Unit], list[Unit], set[int], set[int]]:
    """The draft, the revision, and the indexes of the weakened and deleted paragraphs."""
    rng = random.Random(args.seed)
    chain, openings = operative_chain()
    vocabulary = sorted(chain)
    n = args.paragraphs
    picked = rng.sample(range(n), WEAKENED + DELETED)
    weakened, deleted = set(picked[:WEAKENED]), set(picked[WEAKENED:])
    old = []
    for i in range(n):
        length = max(12, int(rng.gauss(WORDS_PER_PARAGRAPH, 30)))
        first = STRONG if i in weakened else rng.choice(openings)
        old.append(walk(rng, chain, first, length))
    new = {i: old[i] for i in range(n) if i not in deleted}
    for i in weakened:
        new[i] = new[i].replace(STRONG, WEAK, 1)
    edited = rng.sample(sorted(set(new) - weakened), int(len(new) * 0.3))
    weights = [len(old[i].split()) for i in edited]
    total = sum(len(t.split()) for t in old)
    for i in rng.choices(edited, weights, k=int(total * 0.05)):
        new[i] = edit_words(rng, new[i], 1, vocabulary)
    old_units = [Unit("operative", str(i + 1), t) for i, t in enumerate(old)]
    new_units = [Unit("operative", str(j + 1), t) for j, t in enumerate(new.values())]
    return old_units, new_units, weakened, deleted


def positions_for(
    rng: random.Random, rows: list[dict[str, Any]], weakened_ids: set[int], deleted_ids: set[int]
) -> list[dict[str, Any]]:
    """A position on every paragraph: a third amend (a few words off the draft), the rest
    support, oppose or reserve; red-line or important on the planted paragraphs and some
    others; two or three sentences of rationale each."""
    chain, _openings = operative_chain()
    vocabulary = sorted(chain)
    out = []
    for i, row in enumerate(rows):
        planted = row["paragraph_id"] in weakened_ids | deleted_ids
        stance = (
            "support"
            if planted
            else "amend"
            if i % 3 == 0
            else ("support", "oppose", "reserve")[(i // 3) % 3]
        )
        priority = (
            "red-line"
            if planted or i % 10 == 0
            else "important"
            if i % 10 in (1, 2)
            else "flexible"
        )
        sentences = [
            walk(rng, chain, rng.choice(("Delegations", "States", "This")), rng.randint(12, 25))
            for _ in range(rng.randint(2, 3))
        ]
        out.append(
            {
                "paragraph_id": row["paragraph_id"],
                "stance": stance,
                "priority": priority,
                "proposed_text": (
                    edit_words(rng, row["text"], rng.randint(2, 5), vocabulary)
                    if stance == "amend"
                    else ""
                ),
                "rationale": " ".join(s.rstrip(";") + "." for s in sentences),
                "revision": row["revision"],
            }
        )
    return out


def plain_docx(title: str, paragraphs: list[Any]) -> bytes:
    """Baseline: the same words through python-docx as plain paragraphs only."""
    document = docx.Document()
    document.add_heading(title, 0)
    for p in paragraphs:
        document.add_paragraph(f"{p.number}. {p.text}")
        document.add_paragraph(f"{p.stance}, {p.priority}")
        if p.proposed_text:
            document.add_paragraph(p.proposed_text)
        if p.rationale:
            document.add_paragraph(p.rationale)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


#: Wall-clock median, wall-clock p95 (nearest rank) and CPU median, in seconds.
Figures = tuple[float, float, float]


def figures_of(timings: list[tuple[float, float]]) -> Figures:
    """Figures of (wall, CPU) pairs. The CPU time shows what the code costs when other work
    shares the machine (the test client runs every request in this process)."""
    wall = sorted(w for w, _cpu in timings)
    p95 = wall[min(len(wall) - 1, math.ceil(0.95 * len(wall)) - 1)]
    return statistics.median(wall), p95, statistics.median(c for _wall, c in timings)


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - start_cpu


def sample(fn: Callable[[], object], runs: int) -> Figures:
    """Figures of ``runs`` calls, after one warm-up call (as bench_treaty's ``sample``)."""
    fn()
    return figures_of([timed(fn) for _ in range(runs)])


def line(label: str, figures: Figures, extra: str = "") -> None:
    median, p95, cpu = figures
    print(
        f"  {label:<54} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
        f"CPU {cpu * 1000:7.1f} ms{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    runs, slow_runs = args.runs, max(3, args.runs // 4)
    if runs + 1 > args.paragraphs:
        parser.error("--runs must be below --paragraphs (one new paragraph per run)")
    rng = random.Random(args.seed)
    old_units, new_units, weakened, deleted = build(args)
    old_text = "\n".join(u.text for u in old_units)
    new_text = "\n".join(u.text for u in new_units)
    verdicts: list[tuple[str, float, float, float, float]] = []

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "INDEX_DIR": f"{tmp}/index",
                "SECRET_KEY": "bench",
            }
        )
        client = app.test_client()
        with app.app_context():
            upgrade()
            acting_user.set((None, "bench"))
            db.session.add(Forum(slug=FORUM, name="Third Committee of the General Assembly"))
            token = create_token(create_user("negotiator", "bench-password-123", "negotiator"))
            started = time.perf_counter()
            ids = []
            for title, symbol in (("Benchmark resolution", "A/C.3/99/L.1"), ("Control", "")):
                document = create_document(
                    title=title, forum=FORUM, kind="resolution", symbol=symbol or None
                )
                add_version(
                    document,
                    Segmented(units=old_units),
                    sha256=sha256_of(old_text.encode()),
                    label="draft",
                )
                db.session.commit()
                ids.append(document.id)
            store_time = (time.perf_counter() - started) / 2
        doc, control = ids
        words = sum(len(u.text.split()) for u in old_units)
        print(
            f"corpus: {len(old_units)} operative paragraphs, {words} words (seed {args.seed}); "
            f"revision {len(new_units)} paragraphs ({WEAKENED} red lines weakened, {DELETED} "
            f"deleted, 5% of words edited); add_version of the draft {store_time:.2f} s; "
            f"{runs} runs each ({slow_runs} for the slow ones); load average "
            f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )

        headers = {"Authorization": f"Bearer {token}"}
        api = f"/api/documents/{doc}/versions/1/positions"

        def put(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            response = client.put(api, json={"positions": items}, headers=headers)
            assert response.status_code == 200, response.get_json()
            return response.get_json()["positions"]

        def get(url: str) -> bytes:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            return response.data

        def rows() -> list[dict[str, Any]]:
            return client.get(api, headers=headers).get_json()["positions"]

        draft_rows = rows()
        weakened_ids = {draft_rows[i]["paragraph_id"] for i in weakened}
        deleted_ids = {draft_rows[i]["paragraph_id"] for i in deleted}

        print("\nSaving positions (PUT through the test client, bearer token):")
        fresh = iter(draft_rows)

        def save_new() -> None:
            row = next(fresh)
            put([{"paragraph_id": row["paragraph_id"], "stance": "support", "revision": 0}])

        new_figures = sample(save_new, runs)
        line("PUT one position, a new paragraph each run", new_figures)
        verdicts.append(("PUT one position (new paragraph)", *new_figures, SAVE_TARGET))
        same = {"paragraph_id": draft_rows[-1]["paragraph_id"], "revision": 0}
        rounds = iter(range(10**6))

        def save_same() -> None:
            item = same | {"stance": "oppose", "rationale": f"Round {next(rounds)}."}
            same["revision"] = put([item])[0]["revision"]

        same_figures = sample(save_same, runs)
        line("PUT one position, same paragraph, current revision", same_figures)
        verdicts.append(("PUT one position (same paragraph)", *same_figures, SAVE_TARGET))

        every = positions_for(rng, rows(), weakened_ids, deleted_ids)
        saved: list[dict[str, Any]] = []
        first, first_cpu = timed(lambda: saved.extend(put(every)))
        print(
            f"  {'PUT every paragraph, first save (inserts), once':<54} "
            f"       {first * 1000:7.1f} ms  CPU {first_cpu * 1000:7.1f} ms "
            f"({len(saved)} positions)"
        )
        revision = {p["paragraph_id"]: p["revision"] for p in saved}

        def save_all() -> None:
            k = next(rounds)
            items = [
                item
                | {
                    "rationale": f"{item['rationale']} Reviewed {k}.",
                    "revision": revision[item["paragraph_id"]],
                }
                for item in every
            ]
            revision.update((p["paragraph_id"], p["revision"]) for p in put(items))

        line(f"PUT every paragraph ({len(every)}), updates", sample(save_all, slow_runs))
        stances = Counter(p["stance"] for p in every)
        print(f"  stances saved: {dict(stances)}")

        print("\nPosition paper and table:")
        paper_url = f"{api}.docx"
        paper_bytes = len(get(paper_url))
        paper = sample(lambda: get(paper_url), slow_runs)
        line(f"GET positions.docx ({paper_bytes:,} bytes)", paper)
        verdicts.append(("GET positions.docx", *paper, PAPER_TARGET))
        csv_bytes = len(get(f"{api}.csv"))
        line(f"GET positions.csv ({csv_bytes:,} bytes)", sample(lambda: get(f"{api}.csv"), runs))
        with app.app_context():
            from multilateral.services.documents import get_document, get_version

            version = get_version(get_document(doc), 1)
            header, paragraphs = paper_contents(
                version,
                author="negotiator",
                delegation="United States",
                short="U.S.",
                classification="SENSITIVE BUT UNCLASSIFIED",
            )
            writer = sample(lambda: position_paper_docx(header, paragraphs), slow_runs)
            line("position_paper_docx() alone (no HTTP, no DB)", writer)
            title = paper_title(header)
            plain = sample(lambda: plain_docx(title, paragraphs), slow_runs)
            line(f"baseline: python-docx plain ({len(plain_docx(title, paragraphs)):,} b)", plain)
            amended = [p for p in paragraphs if p.stance == "amend"]

            def tracked() -> None:
                revisions = Revisions("negotiator", header.generated_at)
                for p in amended:
                    list(tracked_runs(p.text, p.proposed_text, revisions))

            line(
                f"  of which tracked_runs() of the {len(amended)} amendments", sample(tracked, runs)
            )
            taken = [(p.number, p) for p in paragraphs if p.stance != "none"]
            line(
                f"  of which the summary table ({len(taken)} rows)",
                sample(lambda: _summary_table(docx.Document(), taken), slow_runs),
            )
        print(
            f"  ratio paper writer / plain baseline: {writer[0] / plain[0]:.1f}x wall, "
            f"{writer[2] / plain[2]:.1f}x CPU; GET .docx / plain baseline: "
            f"{paper[0] / plain[0]:.1f}x wall, {paper[2] / plain[2]:.1f}x CPU (medians)"
        )

        print("\nCarry-over when the revision arrives (add_version + flush, rolled back):")
        carry_times: list[float] = []
        real_carry_over = versions_module.carry_over

        def timed_carry_over(previous: Any, new: Any) -> int:
            start = time.perf_counter()
            try:
                return real_carry_over(previous, new)
            finally:
                carry_times.append(time.perf_counter() - start)

        versions_module.carry_over = timed_carry_over
        revision_sha = sha256_of(new_text.encode())
        try:
            with app.app_context():
                from multilateral.services.documents import get_document

                def revise(document_id: int, commit: bool = False) -> tuple[float, float]:
                    """(wall, CPU) seconds add_version took (the rollback after it not counted)."""
                    document = get_document(document_id)
                    took = timed(
                        lambda: add_version(
                            document, Segmented(units=new_units), sha256=revision_sha, label="Rev.1"
                        )
                    )
                    if commit:
                        db.session.commit()
                    else:
                        db.session.rollback()
                    return took

                figures = {}
                for name, document_id in (("with", doc), ("without", control)):
                    revise(document_id)  # warm-up
                    carry_times.clear()
                    figures[name] = figures_of([revise(document_id) for _ in range(slow_runs)])
                    carried = statistics.median(carry_times)
                    line(
                        f"add_version, {name} positions on the previous version",
                        figures[name],
                        f"   carry_over {carried * 1000:6.1f} ms",
                    )
                extra = figures["with"][0] - figures["without"][0]
                extra_cpu = figures["with"][2] - figures["without"][2]
                print(
                    f"  difference (medians): {extra * 1000:+.1f} ms wall "
                    f"({extra / figures['without'][0]:+.0%}), {extra_cpu * 1000:+.1f} ms CPU "
                    f"({extra_cpu / figures['without'][2]:+.0%}) for {len(every)} positions"
                )
                revise(doc, commit=True)
                states = Counter(
                    db.session.scalars(
                        db.select(Position.state)
                        .join(Version, Position.version_id == Version.id)
                        .filter(Version.document_id == doc, Version.number == 2)
                    )
                )
                print(f"  after the revision: positions by state {dict(states)}")
        finally:
            versions_module.carry_over = real_carry_over

        print("\nAlerts:")
        found = client.get("/api/alerts", headers=headers).get_json()["alerts"]
        kinds = Counter((a["priority"], a["kind"]) for a in found)
        line("GET /api/alerts", sample(lambda: get("/api/alerts"), runs))
        planted = sum(1 for a in found if a["kind"] == "weakened" and WEAK in a["new_text"])
        print(
            f"  {len(found)} alerts: {dict(kinds)}; {planted} of the {WEAKENED} planted "
            f"weakenings found (the others come from the word edits and the {DELETED} deletions)"
        )

        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nVerdicts (wall-clock p95 against the target; load average now {load}):")
    for label, median, p95, cpu, target in verdicts:
        print(
            f"  {'PASS' if p95 < target else 'FAIL'}  {label}: p95 {p95 * 1000:.1f} ms "
            f"(median {median * 1000:.1f} ms; target < {target * 1000:.0f} ms); "
            f"CPU median {cpu * 1000:.1f} ms {'under' if cpu < target else 'OVER'} the target"
        )


if __name__ == "__main__":
    main()
