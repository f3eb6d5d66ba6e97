"""Processes killed at the worst moment leave database and index consistent (issue 11).

``flask import`` killed with SIGKILL in the middle of a batch: every version it committed is
whole (all its paragraphs, numbered without gaps), and the next run (the restart) refuses
what is stored, imports the rest and applies the work the killed run left in the outbox.
``flask reindex`` killed mid-rebuild: meanwhile health says "rebuilding"; afterwards the
previous index still answers, health does not stay at "rebuilding", and ``reindex --check``
finds nothing to repair. During a rebuild, an upload is answered at once and its paragraphs
are indexed when the rebuild ends. Work a busy index left in the outbox makes health say
"stale" once it is old, until the next search applies it; a backlog is applied a small batch
per request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from whoosh import index as whoosh_index

from multilateral import search
from multilateral.extensions import db
from multilateral.models import Document, Paragraph, Version
from multilateral.search import backend, outbox, rebuild_index
from multilateral.search.whoosh_backend import INDEX_NAME, WhooshBackend
from multilateral.services.imports import import_text
from multilateral.text.formats.reader import read_source, sha256_of
from tests.conftest import TEXTS

ROOT = Path(__file__).resolve().parent.parent
#: Real texts of every kind the corpus holds, imported as successive versions.
FILES = sorted(TEXTS.rglob("*.txt"))


def _environment(app: Flask, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MULTILATERAL_")}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MULTILATERAL_INDEX_DIR=app.config["INDEX_DIR"],
        MULTILATERAL_INSTANCE_PATH=str(tmp_path / "instance"),
        MULTILATERAL_SECRET_KEY="fault-test-secret",
        PYTHONPATH=str(ROOT),
    )
    return env


def _flask(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _run(env: dict[str, str], *args: str) -> str:
    process = _flask(env, *args)
    output, _ = process.communicate(timeout=120)
    assert process.returncode in (0, 1), output
    return output


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, f"finished before {what}: {process.communicate()[0]}"
        assert time.monotonic() < deadline, f"no {what} within 60 s"
        time.sleep(0.02)


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _stored(app: Flask, document_id: int) -> list[tuple[int, str, int]]:
    """(number, sha256, paragraphs) of each stored version of the document, by number."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Version.number, Version.sha256, db.func.count(Paragraph.id))
            .join(Paragraph, Paragraph.version_id == Version.id)
            .where(Version.document_id == document_id)
            .group_by(Version.id)
            .order_by(Version.number)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def _database_and_index(app: Flask) -> tuple[set[int], set[int], int]:
    with app.app_context():
        in_db = set(db.session.scalars(db.select(Paragraph.id)).all())
        in_index = backend().paragraph_ids()
        waiting = outbox.outbox_length()
        db.session.remove()
    return in_db, in_index, waiting


def _whole_versions(stored: list[tuple[int, str, int]]) -> None:
    """Versions 1..n, version k from FILES[k-1] with every one of its paragraphs."""
    assert [number for number, _, _ in stored] == list(range(1, len(stored) + 1))
    for number, sha256, paragraphs in stored:
        path = FILES[number - 1]
        data = path.read_bytes()
        assert sha256 == sha256_of(data), path.name
        assert paragraphs == len(read_source(path.name, data).units), path.name


def test_an_import_killed_mid_batch_leaves_whole_versions_and_the_restart_indexes_them(
    app: Flask, client: FlaskClient, auth, tmp_path: Path
) -> None:
    created = client.post(
        "/api/documents",
        json={"title": "Killed import", "forum": "un-third-committee", "kind": "resolution"},
        headers=auth("negotiator"),
    )
    document_id = created.get_json()["id"]
    env = _environment(app, tmp_path)
    paths = [str(p) for p in FILES]
    args = ("import", *paths, "--document", str(document_id), "--label", "batch")

    killed = _flask(env, *args)
    _wait_for(lambda: len(_stored(app, document_id)) >= 3, killed, "three versions")
    _kill(killed)

    stored = _stored(app, document_id)
    assert 3 <= len(stored) < len(FILES), "the kill did not land mid-batch"
    _whole_versions(stored)
    # The killed run committed its versions but never drained (it drains at the end): the
    # work is in the outbox, and health says so.
    in_db, in_index, waiting = _database_and_index(app)
    assert waiting >= len(stored) and not in_db <= in_index
    health = client.get("/api/health")
    assert health.status_code == 200 and health.get_json()["index"]["status"] == "stale"

    # The restart: the same command again refuses what is stored and imports the rest.
    output = _run(env, *args)
    assert f"{len(FILES) - len(stored)} imported, {len(stored)} failed." in output, output
    assert output.count("identical to version") == len(stored)
    _whole_versions(stored := _stored(app, document_id))
    assert len(stored) == len(FILES)
    in_db, in_index, waiting = _database_and_index(app)
    assert (in_index, waiting) == (in_db, 0)
    assert "matches" in _run(env, "reindex", "--check")
    assert client.get("/api/health").get_json()["index"]["status"] == "ok"


def test_a_rebuild_killed_midway_leaves_the_previous_index_answering(
    app: Flask, client: FlaskClient, auth, tmp_path: Path
) -> None:
    env = _environment(app, tmp_path)
    searched = {"q": "trafficking", "versions": "all", "per_page": 100}
    before = client.get("/api/search", query_string=searched, headers=auth("viewer")).get_json()
    assert before["total"] > 0
    probe = WhooshBackend(app.config["INDEX_DIR"])

    rebuild = _flask(env, "reindex")
    _wait_for(probe.rebuilding, rebuild, "a rebuild")
    health = client.get("/api/health")
    assert health.status_code == 200, health.get_json()
    body = health.get_json()
    assert (body["status"], body["index"]["status"]) == ("degraded", "rebuilding")
    assert body["index"]["paragraphs"] == body["index"]["database_paragraphs"]
    time.sleep(0.3)  # into the writing (about 1,200 paragraphs take seconds)
    _kill(rebuild)

    assert not probe.rebuilding()
    after = client.get("/api/search", query_string=searched, headers=auth("viewer")).get_json()
    assert after["total"] == before["total"]
    assert client.get("/api/health").get_json()["index"]["status"] == "ok"
    assert "matches" in _run(env, "reindex", "--check")
    in_db, in_index, waiting = _database_and_index(app)
    assert (in_index, waiting) == (in_db, 0)


def test_during_a_rebuild_uploads_are_answered_at_once_and_indexed_after_it(
    app: Flask, client: FlaskClient, auth
) -> None:
    released = threading.Event()
    errors: list[BaseException] = []

    def held(n: int) -> None:  # the rebuild's progress callback: it stops at the first entry
        if n == 1:
            assert released.wait(60)

    def rebuild() -> None:
        try:
            with app.app_context():
                rebuild_index(progress=held)
                db.session.remove()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    probe = WhooshBackend(app.config["INDEX_DIR"])
    searched = {"q": "migrant", "versions": "all", "per_page": 100}
    before = client.get("/api/search", query_string=searched, headers=auth("viewer")).get_json()
    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not probe.rebuilding():
            assert time.monotonic() < deadline, "the rebuild did not start"
            time.sleep(0.02)
        health = client.get("/api/health")
        assert health.status_code == 200
        assert health.get_json()["index"]["status"] == "rebuilding"
        created = client.post(
            "/api/documents",
            json={"title": "During a rebuild", "forum": "un-third-committee", "kind": "resolution"},
            headers=auth("negotiator"),
        )
        started = time.monotonic()
        added = client.post(
            f"/api/documents/{created.get_json()['id']}/versions",
            json={"text": (TEXTS / "un" / "A_RES_78_180.txt").read_text(encoding="utf-8")},
            headers=auth("negotiator"),
        )
        assert added.status_code == 201, added.get_json()
        # It did not wait for the index (a rebuild holds it for minutes on a large corpus).
        assert time.monotonic() - started < outbox.AFTER_COMMIT_TIMEOUT
        # Searches answer from the previous index meanwhile.
        during = client.get("/api/search", query_string=searched, headers=auth("viewer"))
        assert during.status_code == 200 and during.get_json()["total"] == before["total"]
    finally:
        released.set()
        thread.join(timeout=120)
    assert not errors, errors
    # The rebuild applied what arrived while it ran once it was done.
    in_db, in_index, waiting = _database_and_index(app)
    assert (in_index, waiting) == (in_db, 0)
    new = {p["id"] for p in added.get_json()["paragraphs"]}
    assert new <= in_index
    assert client.get("/api/health").get_json()["index"]["status"] == "ok"
    in_db, in_index, waiting = _database_and_index(app)
    assert (in_index, waiting) == (in_db, 0)


def test_work_left_in_the_outbox_makes_health_stale_until_a_search_applies_it(
    app: Flask, client: FlaskClient, auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A status change changes no count: only the age of its waiting work says the index is
    behind (the index still files the document's paragraphs under "draft")."""
    document_id = client.get(
        "/api/search", query_string={"q": "trafficking"}, headers=auth("viewer")
    ).get_json()["hits"][0]["document"]["id"]
    ix = whoosh_index.open_dir(app.config["INDEX_DIR"], indexname=INDEX_NAME)
    writer = ix.writer()  # another process holds the index past the change's drain
    try:
        monkeypatch.setattr(outbox, "AFTER_COMMIT_TIMEOUT", 0.2)
        changed = client.patch(
            f"/api/documents/{document_id}",
            json={"status": "withdrawn"},
            headers=auth("negotiator"),
        )
        assert changed.status_code == 200, changed.get_json()  # committed: never an error
    finally:
        writer.cancel()
        ix.close()

    index = client.get("/api/health").get_json()["index"]
    assert index["paragraphs"] == index["database_paragraphs"]
    assert (index["status"], index["stale"], index["outbox"]) == ("ok", False, 1)
    monkeypatch.setattr(search, "STALE_AFTER", 0.0)  # the same work, now "old"
    health = client.get("/api/health")
    assert health.status_code == 200
    index = health.get_json()["index"]
    assert (index["status"], index["stale"], index["outbox"]) == ("stale", True, 1)
    assert index["outbox_oldest_seconds"] >= 0 and "reindex" in index["message"]

    # Health only reports; the next search applies the work before it answers.
    withdrawn = client.get(
        "/api/search",
        query_string={"q": "trafficking", "status": "withdrawn"},
        headers=auth("viewer"),
    ).get_json()
    assert {h["document"]["id"] for h in withdrawn["hits"]} == {document_id}
    index = client.get("/api/health").get_json()["index"]
    assert (index["status"], index["stale"], index["outbox"]) == ("ok", False, 0)


def test_a_backlog_is_worked_off_a_batch_per_request(
    app: Flask, client: FlaskClient, auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an index outage no single request takes on the whole backlog (the server's
    worker timeout would kill it mid-write, and the next one, and the next …)."""
    monkeypatch.setattr(outbox, "REQUEST_BATCH", 3)
    created = client.post(
        "/api/documents",
        json={"title": "Backlog", "forum": "un-third-committee", "kind": "resolution"},
        headers=auth("negotiator"),
    )
    with app.app_context(), outbox.deferred():  # an outage: nothing is drained
        document = db.session.get(Document, created.get_json()["id"])
        for n in range(7):
            import_text(document, f"1. Decides to meet in {2030 + n};\n2. Decides to stay seized.")
            db.session.commit()
        db.session.remove()
    waiting = []
    for _ in range(4):
        search = client.get("/api/search", query_string={"q": "seized"}, headers=auth("viewer"))
        assert search.status_code == 200
        waiting.append(_database_and_index(app)[2])
    assert waiting == [4, 1, 0, 0]
    in_db, in_index, _ = _database_and_index(app)
    assert in_index == in_db


def test_a_drain_never_deletes_a_row_that_took_the_id_of_one_it_applied(
    app: Flask, client: FlaskClient, auth
) -> None:
    """SQLite hands a deleted row's id to the next row inserted: between a drain's index
    commit and its deletion of the rows it applied, a second drain may apply and delete them
    too and a new upload take one of their ids. The first drain must delete what it applied,
    not whatever holds those ids now (the new upload would never reach the index)."""
    created = client.post(
        "/api/documents",
        json={"title": "Reused ids", "forum": "un-third-committee", "kind": "resolution"},
        headers=auth("negotiator"),
    )
    with app.app_context():
        document = db.session.get(Document, created.get_json()["id"])
        real = backend()
        later: list[Version] = []

        class Interleaved:
            """The real backend; after the first writer commits, another drain and an upload
            run before the first drain goes on."""

            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            @contextmanager
            def batch(self, *, timeout: float) -> Iterator[Any]:
                with real.batch(timeout=timeout) as batch:
                    yield batch
                if not later:
                    outbox.drain(real)
                    with outbox.deferred():
                        later.append(import_text(document, "1. Decides to meet in 2041;"))
                        db.session.commit()

        with outbox.deferred():
            import_text(document, "1. Decides to meet in 2040;")
            db.session.commit()
        outbox.drain(Interleaved())
        new = {p.id for p in db.session.get(Version, later[0].id).paragraphs}
        db.session.remove()
    in_db, in_index, waiting = _database_and_index(app)
    assert new <= in_index and (in_index, waiting) == (in_db, 0)
