"""Benchmark importing drafts end to end: parse, align, analyse, store, commit, index.

    python bench/bench_import_batch.py --files 1000 --paragraphs 300

A throw-away app (SQLite and the Whoosh index in a temporary folder, migrated with
flask_migrate.upgrade) holds one forum and one document. Then:

1. M small UN-style .txt/.docx drafts imported as successive versions of that document
   by ``flask import`` itself (a transaction per file; the search outbox drained in
   batches, one index writer for many versions), against the baseline of parsing alone
   (read_source) of the same files in the same process.
2. One .docx of N paragraphs imported end to end into a fresh document through
   services.imports.import_file and a commit, the API's path (the outbox drained right
   after the commit), median of several runs, against parsing it alone.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import docx_of, draft_lines  # noqa: E402  (one corpus generator)


def _corpus(rng: random.Random, files: int) -> list[tuple[str, bytes]]:
    """Half .txt, half .docx; 5 to 25 paragraphs each, as in bench_import."""
    blobs = []
    for i in range(files):
        lines = draft_lines(rng, rng.randint(5, 25))
        if i % 2:
            blobs.append((f"draft{i:05d}.docx", docx_of(lines)))
        else:
            blobs.append((f"draft{i:05d}.txt", "\n".join(lines).encode("utf-8")))
    return blobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MULTILATERAL_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        from flask_migrate import upgrade

        from multilateral import create_app
        from multilateral.extensions import db
        from multilateral.models import Forum, Paragraph, Version
        from multilateral.models.audit import acting_user
        from multilateral.search import backend
        from multilateral.services.documents import create_document
        from multilateral.services.imports import import_file
        from multilateral.text.formats.reader import read_source

        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(tmp) / "bench.db"),
                "INDEX_DIR": str(Path(tmp) / "index"),
            }
        )
        with app.app_context():
            upgrade()
            acting_user.set((None, "bench"))
            db.session.add(Forum(slug="un-third-committee", name="Third Committee"))
            db.session.flush()
            batch_doc = create_document(
                title="Trafficking in women and girls",
                forum="un-third-committee",
                kind="resolution",
            ).id
            db.session.commit()

            blobs = _corpus(rng, args.files)
            total_bytes = sum(len(data) for _, data in blobs)

            start = time.perf_counter()
            parsed_units = sum(len(read_source(name, data).units) for name, data in blobs)
            parse_t = time.perf_counter() - start

            # The CLI's path: `flask import`, one transaction per file, the search outbox
            # drained in batches (one index writer for many versions).
            folder = Path(tmp) / "files"
            folder.mkdir()
            paths = []
            for name, data in blobs:
                (folder / name).write_bytes(data)
                paths.append(str(folder / name))
            start = time.perf_counter()
            outcome = app.test_cli_runner().invoke(
                args=["import", *paths, "--document", str(batch_doc), "--label", "Rev"]
            )
            import_t = time.perf_counter() - start
            assert outcome.exit_code == 0, outcome.output[-2000:]
            stored_units = db.session.scalar(
                db.select(db.func.count(Paragraph.id))
                .join(Version)
                .where(Version.document_id == batch_doc)
            )
            assert stored_units == parsed_units, (stored_units, parsed_units)

            print(f"{args.files} small files ({total_bytes:,} bytes, {parsed_units} paragraphs)")
            print(
                f"  flask import (store, index)   {import_t:8.2f} s  "
                f"({args.files / import_t:7.1f} files/s, "
                f"{import_t / args.files * 1000:.1f} ms/file)"
            )
            print(
                f"  baseline read_source alone    {parse_t:8.2f} s  "
                f"({args.files / parse_t:7.1f} files/s, {parse_t / args.files * 1000:.1f} ms/file)"
            )
            print(f"  ratio import / parse          {import_t / parse_t:8.2f}x")
            print(f"  index holds {backend().state().paragraphs} paragraphs")

            big = docx_of(draft_lines(rng, args.paragraphs))
            parse_times, import_times = [], []
            for run in range(args.runs):
                start = time.perf_counter()
                units = len(read_source("big.docx", big).units)
                parse_times.append(time.perf_counter() - start)
                document = create_document(
                    title=f"Big draft {run}", forum="un-third-committee", kind="resolution"
                )
                start = time.perf_counter()
                version = import_file(document, "big.docx", big, label="zero draft")
                db.session.commit()
                import_times.append(time.perf_counter() - start)
                assert len(version.paragraphs) == units
            big_parse, big_import = statistics.median(parse_times), statistics.median(import_times)
            print(f"one .docx, {args.paragraphs} paragraphs ({len(big):,} bytes, {units} units)")
            print(
                f"  import_file + commit (parse, store, index) median {big_import * 1000:8.1f} ms"
                f" over {args.runs} runs"
            )
            print(f"  baseline read_source alone                 median {big_parse * 1000:8.1f} ms")
            print(f"  ratio import / parse                        {big_import / big_parse:8.2f}x")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
