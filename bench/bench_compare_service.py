"""Benchmark: the whole compare as users get it — JSON ready, and the compare page rendered.

Uses bench_compare's generator (a 600-paragraph, ~50,000-word document and a revision with
5% word edits, 3 moves, 10 inserts and 10 deletions), stores both as versions of a document
in a temporary SQLite database (migrated, with the real Whoosh index), then times:

- ``compare_versions(old, new).to_dict()`` serialised to JSON: alignment + word diff +
  strength shifts from the stored clause analyses, ready to send;
- ``GET /documents/<id>/compare`` through Flask's test client (the page's server time);

and in the same process the difflib baseline doing the same alignment (bench_compare's).

    .venv/bin/python bench/bench_compare_service.py --paragraphs 600 --seed 1
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_compare import baseline, build  # noqa: E402
from bench_import import median_time  # noqa: E402  (one timing helper)
from flask_migrate import upgrade  # noqa: E402

from multilateral import create_app  # noqa: E402
from multilateral.extensions import db  # noqa: E402
from multilateral.models import Forum  # noqa: E402
from multilateral.services.accounts import create_token, create_user  # noqa: E402
from multilateral.services.compare import compare_versions  # noqa: E402
from multilateral.services.documents import create_document  # noqa: E402
from multilateral.services.versions import add_version  # noqa: E402
from multilateral.text.formats.reader import sha256_of  # noqa: E402
from multilateral.text.units import Segmented  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
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

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "INDEX_DIR": f"{tmp}/index",
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            upgrade()
            db.session.add(Forum(slug="un-ga", name="General Assembly"))
            user = create_user("bench", "bench-password-123", "viewer")
            token = create_token(user)
            document = create_document(title="Benchmark draft", forum="un-ga", kind="resolution")
            started = time.perf_counter()
            for label, units in (("Rev.1", old_units), ("Rev.2", new_units)):
                text = "\n".join(u.text for u in units)
                add_version(
                    document, Segmented(units=units), sha256=sha256_of(text.encode()), label=label
                )
                db.session.commit()
            store_time = time.perf_counter() - started
            document_id = document.id
            old, new = document.versions[0], document.versions[1]

            def compare_json() -> None:
                json.dumps(compare_versions(old, new).to_dict())

            json_time = median_time(compare_json, args.runs)
            comparison = compare_versions(old, new)
            base_time = median_time(lambda: baseline(old_units, new_units), max(1, args.runs // 2))

        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        api_time = median_time(
            lambda: client.get(
                f"/api/documents/{document_id}/compare?from=1&to=2", headers=headers
            ),
            args.runs,
        )
        page_time = median_time(
            lambda: client.get(f"/documents/{document_id}/compare?from=1&to=2", headers=headers),
            args.runs,
        )
        page_bytes = len(
            client.get(f"/documents/{document_id}/compare?from=1&to=2", headers=headers).data
        )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    summary = comparison.summary
    print(
        f"corpus: {len(old_units)} → {len(new_units)} paragraphs, {words} words "
        f"(seed {args.seed}); storing both versions (analyse, align for "
        f"lineage, index) took {store_time:.2f} s"
    )
    print(
        f"ops found: {summary['ops']}; weakened {len(summary['weakened'])}, "
        f"strengthened {summary['strengthened']}"
    )
    print(
        f"compare JSON ready (align + diff + shifts + json.dumps): {json_time * 1000:8.1f} ms "
        f"(median of {args.runs}; target < 500 ms: {'met' if json_time < 0.5 else 'MISSED'})"
    )
    print(f"GET /api/.../compare (test client, incl. DB load):    {api_time * 1000:8.1f} ms")
    print(
        f"GET compare page (server render, {page_bytes:,} bytes):   {page_time * 1000:8.1f} ms "
        f"(target < 1000 ms: {'met' if page_time < 1.0 else 'MISSED'})"
    )
    print(f"difflib baseline, alignment + ndiff only:            {base_time * 1000:8.1f} ms")
    print(f"ratio baseline / compare JSON: {base_time / json_time:.1f}x")


if __name__ == "__main__":
    main()
