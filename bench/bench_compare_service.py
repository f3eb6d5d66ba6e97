"""Benchmark: the whole compare as users get it — JSON ready, and the compare page rendered.

Uses bench_compare's generator (a 600-paragraph, ~50,000-word document and a revision with
5% word edits in 30% of the paragraphs, 3 moves, 10 inserts and 10 deletions), stores both as
versions of a document in a SQLite database (migrated, with the real Whoosh index), then
times:

- ``compare_versions(old, new).to_dict()`` serialised to JSON: alignment + word diff +
  strength shifts from the stored clause analyses, ready to send, **cold** (the first
  comparison of the two versions: nothing kept) and **warm** (the application keeps the
  aligned outline of recently compared versions);
- ``GET /api/documents/<id>/compare`` through Flask's test client (warm);
- ``GET /documents/<id>/compare`` (the page's server time and its size in bytes), cold and
  warm, and opening its largest collapsed run (``…/compare/pairs``);
- with ``--browser``, the page in headless Chromium over real HTTP: time to the first byte
  and to the first contentful paint, as the browser's Navigation and Paint Timing report
  them, warm and cold (the first view of the comparison: what the application keeps of it
  dropped before each load); the page's later "agreed before in …" look-up left out;

and in the same process the difflib baseline doing the same alignment (bench_compare's;
``--no-baseline`` skips it, it takes minutes at 5,000 paragraphs).

    .venv/bin/python bench/bench_compare_service.py --paragraphs 600 --seed 1
    .venv/bin/python bench/bench_compare_service.py --paragraphs 5000 --db /tmp/bench5000 \\
        --no-baseline --browser

``--db DIR`` keeps the database (and index) in DIR and reuses them on the next run with the
same corpus: storing 5,000 paragraphs twice (analysis, alignment for lineage, indexing) takes
minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_compare import baseline, build  # noqa: E402
from bench_import import median_time  # noqa: E402  (one timing helper)
from flask_migrate import upgrade  # noqa: E402

from multilateral import create_app  # noqa: E402
from multilateral.extensions import db  # noqa: E402
from multilateral.models import Document, Forum, User  # noqa: E402
from multilateral.services.accounts import create_token, create_user  # noqa: E402
from multilateral.services.compare import compare_versions  # noqa: E402
from multilateral.services.documents import create_document  # noqa: E402
from multilateral.services.versions import add_version  # noqa: E402
from multilateral.text.formats.reader import sha256_of  # noqa: E402
from multilateral.text.units import Segmented  # noqa: E402

PASSWORD = "bench-password-123"
PAGE_TARGET_BYTES = 300_000
PAGE_TARGET_SECONDS = 0.5


def _forget(app) -> None:
    """Drop what the application keeps of earlier comparisons, for a cold measurement."""
    app.extensions.pop("compare_outlines", None)


def _store(app, old_units, new_units, corpus: str) -> tuple[int, str, float]:
    """The document id, an API token and the storing time (0 when the database is reused)."""
    with app.app_context():
        upgrade()
        user = db.session.scalar(db.select(User).filter_by(username="bench"))
        if user is None:
            user = create_user("bench", PASSWORD, "viewer")
        if db.session.scalar(db.select(Forum).filter_by(slug="un-ga")) is None:
            db.session.add(Forum(slug="un-ga", name="General Assembly"))
        token = create_token(user)
        db.session.commit()
        document = db.session.scalar(db.select(Document).filter_by(title=corpus))
        if document is not None and len(document.versions) == 2:
            return document.id, token, 0.0
        document = create_document(title=corpus, forum="un-ga", kind="resolution")
        started = time.perf_counter()
        for label, units in (("Rev.1", old_units), ("Rev.2", new_units)):
            text = "\n".join(u.text for u in units)
            add_version(
                document, Segmented(units=units), sha256=sha256_of(text.encode()), label=label
            )
            db.session.commit()
        return document.id, token, time.perf_counter() - started


def _browser_timings(app, url: str, runs: int) -> dict[str, tuple[float, float]] | None:
    """Median (first byte, first contentful paint) in seconds of ``url`` in headless Chromium,
    logged in: "warm" after one load to warm the server, and "cold" with what the application
    keeps of the comparison dropped before each load (the server runs in this process); None
    when Chromium or Playwright is missing."""
    chromium = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium:
        return None
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(base_url=base)
            # The "agreed before in …" look-up (search.js, after the page is shown) searches the
            # index for every paragraph of the version: at 5,000 paragraphs it keeps the server
            # busy for seconds and would slow the next load measured here. Not the compare
            # page's own cost (it has its own benchmark, bench_search.py): left out.
            page.route("**/precedents", lambda route: route.abort())
            page.goto("/login")
            page.get_by_label("User name").fill("bench")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/")
            found = {}
            for state in ("warm", "cold"):
                page.goto(url)  # warms the server (and, before the cold loads, the browser)
                firsts, paints = [], []
                for _ in range(runs):
                    if state == "cold":
                        _forget(app)
                    page.goto(url)
                    page.wait_for_load_state("load")
                    # The paint may come after the load event: wait for it (5 s at most).
                    timing = page.evaluate(
                        """() => new Promise((resolve) => {
                          const nav = performance.getEntriesByType("navigation")[0];
                          const done = (fcp) => resolve([nav.responseStart, fcp]);
                          new PerformanceObserver((list) => {
                            const fcp = list.getEntriesByName("first-contentful-paint")[0];
                            if (fcp) done(fcp.startTime);
                          }).observe({type: "paint", buffered: true});
                          setTimeout(() => done(null), 5000);
                        })"""
                    )
                    firsts.append(timing[0] / 1000)
                    if timing[1] is not None:
                        paints.append(timing[1] / 1000)
                firsts.sort()
                paints.sort()
                found[state] = (
                    firsts[len(firsts) // 2],
                    paints[len(paints) // 2] if paints else float("nan"),
                )
            browser.close()
    finally:
        server.shutdown()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep (and reuse) the database in this folder")
    parser.add_argument("--no-baseline", action="store_true", help="skip the difflib baseline")
    parser.add_argument("--browser", action="store_true", help="first byte and paint in Chromium")
    args = parser.parse_args()
    args.edit_rate, args.edited_share, args.moves, args.inserts, args.deletes = (
        0.05,
        0.3,
        3,
        10,
        10,
    )
    old_units, new_units, _plan, _planted = build(args)
    words = sum(len(u.text.split()) for u in old_units)
    corpus = f"Benchmark draft: {args.paragraphs} paragraphs, seed {args.seed}"

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.db or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "INDEX_DIR": f"{folder}/index",
                "SECRET_KEY": "bench",
            }
        )
        document_id, token, store_time = _store(app, old_units, new_units, corpus)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        page_url = f"/documents/{document_id}/compare?from=1&to=2"

        def cold(fn: Callable[[], object]) -> Callable[[], object]:
            def run() -> object:
                _forget(app)
                return fn()

            return run

        with app.app_context():
            document = db.session.get(Document, document_id)
            old, new = document.versions[0], document.versions[1]

            def compare_json() -> None:
                json.dumps(compare_versions(old, new).to_dict())

            cold_runs = max(1, args.runs // 2)
            json_cold = median_time(cold(compare_json), cold_runs)
            json_warm = median_time(compare_json, args.runs)
            summary = compare_versions(old, new).summary
            base_time = (
                None
                if args.no_baseline
                else median_time(lambda: baseline(old_units, new_units), cold_runs)
            )

        def get(url: str):
            return client.get(url, headers=headers)

        api_time = median_time(
            lambda: get(f"/api/documents/{document_id}/compare?from=1&to=2"), args.runs
        )
        page_cold = median_time(cold(lambda: get(page_url)), cold_runs)
        cpu = time.process_time()
        for _ in range(cold_runs):
            cold(lambda: get(page_url))()
        page_cold_cpu = (time.process_time() - cpu) / cold_runs
        page_warm = median_time(lambda: get(page_url), args.runs)
        html = get(page_url).get_data(as_text=True)
        runs = [
            (int(a), int(b))
            for a, b in re.findall(
                r'class="collapsed-run" id="run-\d+" data-start="(\d+)" '
                r'data-stop="(\d+)"',
                html,
            )
        ]
        pages = re.search(r"Page \d+ of (\d+)", html)
        fragment = ""
        if runs:
            start, stop = max(runs, key=lambda r: r[1] - r[0])
            fragment_url = (
                f"/documents/{document_id}/compare/pairs?from=1&to=2&start={start}&stop={stop}"
            )
            fragment_time = median_time(lambda: get(fragment_url), args.runs)
            fragment_bytes = len(get(fragment_url).data)
            fragment = (
                f"opening the largest collapsed run ({stop - start} pairs): "
                f"{fragment_time * 1000:.1f} ms, {fragment_bytes:,} bytes"
            )
        browser = _browser_timings(app, page_url, args.runs) if args.browser else None
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    print(
        f"corpus: {len(old_units)} → {len(new_units)} paragraphs, {words} words "
        f"(seed {args.seed}); storing both versions (analyse, align for lineage, index) "
        + (f"took {store_time:.2f} s" if store_time else "reused from --db")
    )
    print(
        f"ops found: {summary.ops}; weakened {len(summary.weakened)}, "
        f"strengthened {summary.strengthened}"
    )
    print(
        f"compare JSON ready, cold (align + diff + shifts + json.dumps): {json_cold * 1000:9.1f} ms"
    )
    print(
        f"compare JSON ready, warm (outline kept):                      {json_warm * 1000:9.1f} ms"
    )
    print(
        f"GET /api/.../compare (test client, warm, incl. DB load):      {api_time * 1000:9.1f} ms"
    )
    size = len(html.encode())
    print(
        f"GET compare page, cold: {page_cold * 1000:9.1f} ms; warm: {page_warm * 1000:9.1f} ms "
        f"(target < {PAGE_TARGET_SECONDS * 1000:.0f} ms: "
        f"{'met' if page_warm < PAGE_TARGET_SECONDS else 'MISSED'})"
    )
    print(
        f"GET compare page, cold, CPU time of this process (mean of {cold_runs}; "
        f"steadier than wall time on a shared machine): {page_cold_cpu * 1000:9.1f} ms"
    )
    print(
        f"compare page size: {size:,} bytes, page 1 of {pages.group(1) if pages else 1}, "
        f"{len(runs)} collapsed runs (target < {PAGE_TARGET_BYTES:,}: "
        f"{'met' if size < PAGE_TARGET_BYTES else 'MISSED'})"
    )
    if fragment:
        print(fragment)
    if args.browser:
        if browser is None:
            print("browser: Chromium or Playwright missing, not measured")
        else:
            for state, (first, paint) in browser.items():
                target = "met" if paint < PAGE_TARGET_SECONDS else "MISSED"
                print(
                    f"browser ({state}, median of {args.runs}): first byte {first * 1000:.0f} ms, "
                    f"first contentful paint {paint * 1000:.0f} ms "
                    f"(target < {PAGE_TARGET_SECONDS * 1000:.0f} ms: {target})"
                )
    if base_time is not None:
        print(f"difflib baseline, alignment + ndiff only: {base_time * 1000:9.1f} ms")
        print(f"ratio baseline / compare JSON (cold): {base_time / json_cold:.1f}x")


if __name__ == "__main__":
    main()
