"""Benchmark: the mandate registry — extraction from many resolutions, and the registry page.

1. Extraction: a corpus of N resolutions (default 1,000) is generated from the operative
   paragraphs of the shipped UN texts (tests/data/texts/un/), varied (addressees, sessions,
   verbs and paragraph order swapped), about 50 operative paragraphs each, and
   ``extract_mandates`` (clause analysis included) is timed over all of them (goal < 10 s).
   Baseline in the same process: one regular expression pass finding "<verb> <addressee> to"
   over the same paragraphs, the least any extractor must do; the ratio says what the clause
   reading costs on top. Nothing is cached between paragraphs (the corpus repeats ~300
   distinct paragraphs, so a cache would measure itself). Also printed: the CPU time of the
   timed run (the machine may be shared), and, timed separately, the two halves of the work:
   reading the clauses (``clauses_of``) and extraction from clauses already read (what
   ``refresh()`` does with the analysis it passes).
2. Registry: a temporary SQLite database (migrated, seeded) gets M mandate rows (default
   10,000) built from the extracted asks, then ``GET /mandates`` (the page: filters, the
   calendar, the first 100 rows) and ``GET /api/mandates?binding=true`` are timed through
   Flask's test client, median and p95 (goal < 300 ms), against the baseline of the same first
   page by one SQL query through sqlite3.

    .venv/bin/python bench/bench_mandates.py --resolutions 1000 --mandates 10000
    .venv/bin/python bench/bench_mandates.py --resolutions 1000 --no-registry  # part 1 only
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_treaty import line, sample  # noqa: E402  (timing helpers)
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from multilateral import create_app  # noqa: E402
from multilateral.extensions import db  # noqa: E402
from multilateral.models import Paragraph  # noqa: E402
from multilateral.models.audit import acting_user  # noqa: E402
from multilateral.models.mandates import Mandate  # noqa: E402
from multilateral.services.accounts import create_token, create_user  # noqa: E402
from multilateral.services.seed import seed_all  # noqa: E402
from multilateral.text.clauses import Analysis, clauses_of  # noqa: E402
from multilateral.text.mandates import extract_mandates  # noqa: E402
from multilateral.text.segment import segment_text  # noqa: E402

UN = Path(__file__).resolve().parent.parent / "tests" / "data" / "texts" / "un"
ADDRESSEES = ("States", "Member States", "Governments", "the Secretary-General",
              "the United Nations Office on Drugs and Crime", "all relevant stakeholders",
              "the Special Rapporteur on trafficking in persons")  # fmt: skip
SESSIONS = ("eighty-first", "eighty-second", "eighty-third", "eighty-fourth", "ninetieth")
NAIVE = re.compile(
    r"\b(?:requests|urges|calls upon|encourages|invites|decides)\s+(.{1,120}?)\s+to\s+\w+",
    re.IGNORECASE,
)


def corpus(count: int, rng: random.Random) -> list[list[str]]:
    """``count`` resolutions, each a list of operative paragraphs."""
    paragraphs = [
        unit.text
        for path in sorted(UN.glob("*.txt"))
        for unit in segment_text(path.read_text(encoding="utf-8")).units
        if unit.kind == "operative"
    ]
    resolutions = []
    for _ in range(count):
        chosen = rng.sample(paragraphs, min(50, len(paragraphs)))
        varied = []
        for text in chosen:
            text = re.sub(r"\bGovernments\b", rng.choice(ADDRESSEES), text, count=1)
            text = re.sub(r"eighty-second|eightieth", rng.choice(SESSIONS), text)
            varied.append(text)
        resolutions.append(varied)
    return resolutions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolutions", type=int, default=1000)
    parser.add_argument("--mandates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-registry", action="store_true", help="time the extraction only")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    texts = corpus(args.resolutions, rng)
    count = sum(len(r) for r in texts)
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    asks = [ask for resolution in texts for text in resolution for ask in extract_mandates(text)]
    ours, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    naive = sum(len(NAIVE.findall(text)) for resolution in texts for text in resolution)
    base = time.perf_counter() - started
    print(
        f"extraction: {args.resolutions} resolutions, {count} operative paragraphs"
        f" ({len(set(t for r in texts for t in r))} distinct; nothing is cached),"
        f" load average {load:.2f}"
    )
    print(
        f"  extract_mandates (clause analysis included)      {ours:7.2f} s  {len(asks)} asks"
        f"  ({count / ours:,.0f} paragraphs/s)   goal < 10 s: {'met' if ours < 10 else 'MISSED'}"
    )
    print(f"  the same run, CPU time of this process            {ours_cpu:7.2f} s")
    print(f"  baseline: one regex pass '<verb> <addressee> to'  {base:7.2f} s  {naive} matches")
    print(f"  ratio ours / baseline: {ours / base:.1f}x")
    flat = [text for resolution in texts for text in resolution]
    started = time.perf_counter()
    read = [clauses_of(text, kind="operative") for text in flat]
    reading = time.perf_counter() - started
    analyses = [Analysis("", 0, (), "", clauses) for clauses in read]
    started = time.perf_counter()
    again = [
        ask for text, a in zip(flat, analyses, strict=True) for ask in extract_mandates(text, a)
    ]
    extracting = time.perf_counter() - started
    assert again == asks
    print(f"  separately: reading the clauses (clauses_of)      {reading:7.2f} s")
    print(f"  separately: extraction from clauses already read  {extracting:7.2f} s")
    if args.no_registry:
        return

    with tempfile.TemporaryDirectory() as tmp:
        db_path = f"{tmp}/bench.db"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                "INDEX_DIR": f"{tmp}/index",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
            }
        )
        client = app.test_client()
        with app.app_context():
            upgrade()
            acting_user.set((None, "seed"))
            seed_all()
            token = create_token(create_user("bench", "bench-password-123", "viewer"))
            paragraph = db.session.scalar(db.select(Paragraph).filter_by(kind="operative"))
            rows = []
            for n in range(args.mandates):
                ask = asks[n % len(asks)]
                rows.append(
                    ask.to_dict()
                    | {
                        "version_id": paragraph.version_id,
                        "paragraph_id": paragraph.id,
                        "clause": n,
                        "due": ask.due,
                        "status": "active",
                        "delivered_symbol": "",
                        "note": "",
                    }
                )
            for row in rows:
                row.pop("label", None)
            for i in range(0, len(rows), 2000):
                db.session.execute(insert(Mandate), rows[i : i + 2000])
            db.session.commit()
            total = db.session.scalar(db.select(db.func.count(Mandate.id)))
        headers = {"Authorization": f"Bearer {token}"}
        print(f"registry: {total} mandates in the database")

        def page() -> None:
            reply = client.get("/mandates", headers=headers)
            assert reply.status_code == 200, reply.status_code

        def api() -> None:
            reply = client.get("/api/mandates?binding=true", headers=headers)
            assert reply.status_code == 200, reply.status_code

        def sql() -> None:
            with sqlite3.connect(db_path) as conn:
                conn.execute(
                    "SELECT * FROM mandates ORDER BY due IS NULL, due, id LIMIT 100"
                ).fetchall()

        page_figures = sample(page, args.runs)
        line("GET /mandates (page, calendar, first 100)", page_figures,
             f"   goal < 300 ms: {'met' if page_figures[1] < 0.3 else 'MISSED'}")  # fmt: skip
        line("GET /api/mandates?binding=true", sample(api, args.runs))
        base_figures = sample(sql, args.runs)
        line("baseline: first page by one SQL query (sqlite3)", base_figures)
        print(f"  ratio page / baseline (median): {page_figures[0] / base_figures[0]:.1f}x")


if __name__ == "__main__":
    main()
