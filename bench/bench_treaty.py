"""Benchmark: treaty status (Palermo Protocol) — the service, the map, the page and exports.

Builds a temporary SQLite database (migrated, seeded with the shipped data: 197 states, the
Palermo Protocol's acts, forums, TIP tiers) and times, median and p95 of N runs:

- ``ratification_status(treaty, as_of=...)`` for every state at 2001-06-30, 2005-11-03,
  2013-12-31 and the latest status (target < 50 ms);
- ``select_status`` with a forum and a tier filter;
- ``render_world_map`` for every state (pure rendering, the rows built beforehand);
- ``GET /treaties/palermo-protocol`` through Flask's test client, every state (target
  < 300 ms), and with ``forum=osce&as_of=2005``;
- ``GET /api/treaties/palermo-protocol/map.svg``, ``map.png`` and ``status?format=csv``;

and in the same process a baseline: the party count as of a date by one SQL query
(``SELECT COUNT(DISTINCT state_id) ... WHERE kind IN (consent kinds) AND date <= ?``) through
sqlite3 on the same database file, with the ratio ours / baseline.

``--acts N`` then adds N synthetic acts (reservations, declarations, objections with
generated text and dates) spread over the states, and times the status, the page and the
baseline again at that size (the status computation reads every act).

    .venv/bin/python bench/bench_treaty.py --runs 20 --acts 5000 --seed 1
"""

from __future__ import annotations

import argparse
import math
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import median_time  # noqa: E402  (one timing helper)
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from multilateral import create_app  # noqa: E402
from multilateral.extensions import db  # noqa: E402
from multilateral.maps.worldmap import MapCategory, MapCountry, render_world_map  # noqa: E402
from multilateral.models import CONSENT_KINDS, State, TreatyAction  # noqa: E402
from multilateral.models.audit import acting_user  # noqa: E402
from multilateral.services.accounts import create_token, create_user  # noqa: E402
from multilateral.services.seed import seed_all  # noqa: E402
from multilateral.services.treaties import (  # noqa: E402
    get_forum,
    get_treaty,
    ratification_status,
    select_status,
)
from multilateral.views.treaties import MAP_KEYS  # noqa: E402

SLUG = "palermo-protocol"
DATES: list[tuple[str, date | None]] = [
    ("2001-06-30", date(2001, 6, 30)),
    ("2005-11-03", date(2005, 11, 3)),
    ("2013-12-31", date(2013, 12, 31)),
    ("latest", None),
]
STATUS_TARGET, PAGE_TARGET = 0.050, 0.300
STATEMENT_WORDS = ("the State Party declares that in accordance with article paragraph of the "
                   "Protocol it does not consider itself bound by reservation competent "
                   "authority trafficking persons victims assistance extradition dispute "
                   "International Court of Justice arbitration domestic law").split()  # fmt: skip


def sample(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median, p95) in seconds over ``runs`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]  # nearest rank
    return statistics.median(times), p95


def line(label: str, figures: tuple[float, float], extra: str = "") -> None:
    median, p95 = figures
    print(f"  {label:<52} median {median * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms{extra}")


def add_synthetic_acts(treaty_id: int, count: int, rng: random.Random, until: date) -> None:
    """``count`` reservations, declarations and objections with generated text, dated
    between the opening for signature and ``until``, spread over every state."""
    state_ids = list(db.session.scalars(db.select(State.id)))
    start = date(2000, 12, 12)
    span = (until - start).days
    rows = []
    for n in range(count):
        text = " ".join(rng.choice(STATEMENT_WORDS) for _ in range(rng.randint(20, 80)))
        rows.append(
            {
                "treaty_id": treaty_id,
                "state_id": rng.choice(state_ids),
                "kind": rng.choice(("reservation", "declaration", "objection")),
                "date": start + timedelta(days=rng.randint(0, span)),
                "date_precision": "day",
                "text": f"Synthetic statement {n}: {text}.",
                "source": f"bench/bench_treaty.py synthetic act {n}",
                "note": "",
                "source_code": "",
            }
        )
    for i in range(0, len(rows), 5000):
        db.session.execute(insert(TreatyAction), rows[i : i + 5000])
    db.session.commit()


def baseline_count(path: str, treaty_id: int, as_of: date | None) -> int:
    """The party count by one SQL query: no denunciations, no undated acts, no ORM."""
    kinds = ",".join("?" * len(CONSENT_KINDS))
    sql = (
        f"SELECT COUNT(DISTINCT state_id) FROM treaty_actions WHERE treaty_id = ? "
        f"AND kind IN ({kinds}) AND date <= ?"
    )
    with sqlite3.connect(path) as conn:
        day = (as_of or date.today()).isoformat()
        return conn.execute(sql, (treaty_id, *CONSENT_KINDS, day)).fetchone()[0]


def time_status(treaty, runs: int, db_path: str) -> dict[str, tuple[float, float]]:
    """ratification_status at each date against the SQL baseline; prints both."""
    results = {}
    for label, as_of in DATES:
        figures = sample(lambda as_of=as_of: ratification_status(treaty, as_of=as_of), runs)
        report = ratification_status(treaty, as_of=as_of)
        base = median_time(lambda as_of=as_of: baseline_count(db_path, treaty.id, as_of), runs)
        sql_parties = baseline_count(db_path, treaty.id, as_of)
        results[label] = figures
        undated = ", no undated acts" if as_of is None else ""
        line(
            f"ratification_status(as_of={label})",
            figures,
            f"   parties {report.counts['party']:3d} (SQL {sql_parties:3d}{undated}); SQL "
            f"{base * 1000:.2f} ms, ratio ours/SQL {figures[0] / base:5.1f}x",
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--acts", type=int, default=0, help="synthetic acts to add")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    runs, slow_runs = args.runs, max(3, args.runs // 4)
    verdicts: list[tuple[str, float, float]] = []

    with tempfile.TemporaryDirectory() as tmp:
        db_path = f"{tmp}/bench.db"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                "INDEX_DIR": f"{tmp}/index",
                "SECRET_KEY": "bench",
            }
        )
        client = app.test_client()
        with app.app_context():
            started = time.perf_counter()
            upgrade()
            acting_user.set((None, "seed"))
            seed_all()
            token = create_token(create_user("bench", "bench-password-123", "viewer"))
            db.session.commit()
            seed_time = time.perf_counter() - started
            treaty = get_treaty(SLUG)
            acts = db.session.scalar(
                db.select(db.func.count(TreatyAction.id)).filter_by(treaty_id=treaty.id)
            )
            states = db.session.scalar(db.select(db.func.count(State.id)))
            print(
                f"database: {states} states, {acts} acts on record for {SLUG} "
                f"(migrate + seed {seed_time:.1f} s); {runs} runs each "
                f"({slow_runs} for PNG and CSV, and for the HTTP requests once enlarged)"
            )

            print("\nService (shipped data):")
            status = time_status(treaty, runs, db_path)
            worst = max(status.values())
            verdicts.append(("ratification_status, slowest date (shipped data)", *worst))
            osce = get_forum("osce")
            tier_filter = ("Tier 2 Watch List", "Tier 3")
            line(
                "select_status(forum=osce, as_of=2005-11-03)",
                sample(lambda: select_status(treaty, as_of=date(2005, 11, 3), forum=osce), runs),
            )
            line(
                "select_status(tiers=Tier 2 WL or Tier 3, year 2010)",
                sample(
                    lambda: select_status(treaty, tier_filter=tier_filter, tier_year=2010), runs
                ),
                f"   {len(select_status(treaty, tier_filter=tier_filter, tier_year=2010).rows)}"
                " states",
            )
            line(
                "select_status(forum=osce, tiers, year 2010)",
                sample(
                    lambda: select_status(
                        treaty, forum=osce, tier_filter=tier_filter, tier_year=2010
                    ),
                    runs,
                ),
            )
            report = ratification_status(treaty)
            countries = [
                MapCountry(p.state.iso3, MAP_KEYS[p.status], f"{p.state.name} — {p.label}", "/")
                for p in report.participants
            ]
            categories = [MapCategory(MAP_KEYS[s], f"{s} ({n})") for s, n in report.counts.items()]
            svg = render_world_map(countries, categories, title="Palermo Protocol")
            line(
                f"render_world_map({len(countries)} countries given)",
                sample(lambda: render_world_map(countries, categories, title="Palermo"), runs),
                f"   {len(svg):,} bytes",
            )

        headers = {"Authorization": f"Bearer {token}"}

        def get(url: str) -> int:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.data)

        def time_pages(label: str, runs: int, slow_runs: int) -> tuple[float, float]:
            print(f"\nHTTP through the test client ({label}):")
            page = f"/treaties/{SLUG}"
            api = f"/api/treaties/{SLUG}"
            results = {}
            for name, url, n in (
                ("page, every state", page, runs),
                ("page, forum=osce&as_of=2005", f"{page}?forum=osce&as_of=2005", runs),
                ("map.svg", f"{api}/map.svg", runs),
                ("map.png", f"{api}/map.png", slow_runs),
                ("status?format=csv", f"{api}/status?format=csv", slow_runs),
            ):
                results[name] = sample(lambda url=url: get(url), n)
                line(f"GET {name} ({get(url):,} bytes)", results[name])
            return results["page, every state"]

        verdicts.append(
            ("GET treaty page, every state (shipped data)", *time_pages("shipped", runs, slow_runs))
        )

        if args.acts:
            with app.app_context():
                treaty = get_treaty(SLUG)
                started = time.perf_counter()
                add_synthetic_acts(treaty.id, args.acts, rng, treaty.data_as_of)
                acts = db.session.scalar(
                    db.select(db.func.count(TreatyAction.id)).filter_by(treaty_id=treaty.id)
                )
                print(
                    f"\nSize used: +{args.acts} synthetic acts → {acts} acts on record "
                    f"over {states} states (~{acts / states:.0f} each; inserted in "
                    f"{time.perf_counter() - started:.1f} s)"
                )
                print("Service (enlarged):")
                worst = max(time_status(treaty, max(slow_runs, runs // 2), db_path).values())
                verdicts.append((f"ratification_status, slowest date (+{args.acts} acts)", *worst))
            verdicts.append(
                (
                    f"GET treaty page, every state (+{args.acts} acts)",
                    *time_pages(f"+{args.acts} acts", slow_runs, slow_runs),
                )
            )

        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    print("\nVerdicts (median against the target):")
    for label, median, p95 in verdicts:
        target = STATUS_TARGET if label.startswith("ratification") else PAGE_TARGET
        print(
            f"  {'PASS' if median < target else 'FAIL'}  {label}: {median * 1000:.1f} ms "
            f"(p95 {p95 * 1000:.1f} ms; target < {target * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
