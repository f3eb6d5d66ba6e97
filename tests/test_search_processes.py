"""Two real ``flask import`` processes writing to one database and one index at once lose
nothing: every committed paragraph reaches the index, and the outbox ends empty (with each
search backend; holding Whoosh's writer lock is Whoosh's alone)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from whoosh import index as whoosh_index

from multilateral.extensions import db
from multilateral.models import Paragraph, Version
from multilateral.search import backend, drain_outbox, outbox
from multilateral.search.whoosh_backend import INDEX_NAME
from tests.conftest import each_search_backend, whoosh_only

ROOT = Path(__file__).resolve().parent.parent
FILES_PER_PROCESS = 8
#: Paragraphs of each generated file that carry its token.
TOKEN_PARAGRAPHS = 3


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    each_search_backend(metafunc)


def token(process: str, number: int) -> str:
    return f"tok{process}q{number}zed"


def resolution(process: str, number: int) -> str:
    word = token(process, number)
    return "\n".join(
        [
            f"A/C.3/99/L.{number}",
            f"Draft resolution {process} {number}",
            "The General Assembly,",
            f"Recalling its work on {word} and on trafficking in persons,",
            f"Noting with concern that {word} affects {number + 1} regions,",
            f"1. Decides to convene a meeting on {word} in {2027 + number};",
            f"2. Requests the Secretary-General to report on paragraph {number} at its next "
            "session;",
            "3. Decides to remain seized of the matter.",
        ]
    )


def write_files(directory: Path, process: str) -> list[str]:
    directory.mkdir()
    paths = []
    for n in range(FILES_PER_PROCESS):
        path = directory / f"{process}-{n}.txt"
        path.write_text(resolution(process, n), encoding="utf-8")
        paths.append(str(path))
    return paths


def new_document(client: FlaskClient, auth: Any, title: str) -> int:
    body = {"title": title, "forum": "un-third-committee", "kind": "resolution"}
    response = client.post("/api/documents", json=body, headers=auth("negotiator"))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def environment(app: Flask, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MULTILATERAL_")}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MULTILATERAL_INDEX_DIR=app.config["INDEX_DIR"],
        MULTILATERAL_SEARCH_BACKEND=app.config["SEARCH_BACKEND"],
        MULTILATERAL_INSTANCE_PATH=str(tmp_path / "instance"),
        MULTILATERAL_SECRET_KEY="process-test-secret",
        PYTHONPATH=str(ROOT),
    )
    return env


def start_import(env: dict[str, str], paths: list[str], document_id: int) -> subprocess.Popen:
    args = [sys.executable, "-m", "flask", "--app", "app", "import", *paths]
    args += ["--document", str(document_id), "--label", "concurrent"]
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert f"{FILES_PER_PROCESS} imported, 0 failed." in output, output
    return output


def check_everything_indexed(app: Flask) -> None:
    with app.app_context():
        pending = outbox.outbox_length()
        if pending:
            # A process may leave rows when the other held the index; a drain applies them.
            assert drain_outbox(timeout=10) == pending
            assert outbox.outbox_length() == 0
        in_db = set(db.session.scalars(db.select(Paragraph.id)).all())
        assert backend().paragraph_ids() == in_db
        assert backend().state().paragraphs == len(in_db)
        db.session.remove()


def check_versions(app: Flask, document_id: int) -> None:
    with app.app_context():
        numbers = db.session.scalars(
            db.select(Version.number).filter_by(document_id=document_id).order_by(Version.number)
        ).all()
        db.session.remove()
    assert numbers == list(range(1, FILES_PER_PROCESS + 1))


def check_tokens(client: FlaskClient, auth: Any, processes: dict[str, int]) -> None:
    for process, document_id in processes.items():
        for n in range(FILES_PER_PROCESS):
            response = client.get(
                "/api/search",
                query_string={"q": token(process, n), "versions": "all"},
                headers=auth("viewer"),
            )
            assert response.status_code == 200
            hits = response.json["hits"]
            assert len(hits) == TOKEN_PARAGRAPHS, (process, n, hits)
            assert {h["document"]["id"] for h in hits} == {document_id}
            assert {h["version"] for h in hits} == {n + 1}


def test_two_import_processes_at_once_lose_nothing(
    app: Flask, client: FlaskClient, auth, tmp_path: Path
) -> None:
    env = environment(app, tmp_path)
    processes = {p: new_document(client, auth, f"Process {p}") for p in ("a", "b")}
    files = {p: write_files(tmp_path / p, p) for p in processes}
    running = [start_import(env, files[p], processes[p]) for p in processes]
    for process in running:
        finish(process)
    for document_id in processes.values():
        check_versions(app, document_id)
    check_everything_indexed(app)
    check_tokens(client, auth, processes)
    assert client.get("/api/health").json["index"]["status"] == "ok"


@whoosh_only
def test_imports_wait_while_another_writer_holds_the_index(
    app: Flask, client: FlaskClient, auth, tmp_path: Path
) -> None:
    """Both processes store their versions while the index is held, wait in their drain,
    and index everything once it is free (then both drain at once)."""
    env = environment(app, tmp_path)
    processes = {p: new_document(client, auth, f"Process {p}") for p in ("c", "d")}
    files = {p: write_files(tmp_path / p, p) for p in processes}
    ix = whoosh_index.open_dir(app.config["INDEX_DIR"], indexname=INDEX_NAME)
    writer = ix.writer()
    try:
        running = [start_import(env, files[p], processes[p]) for p in processes]
        # Hold the index until both have committed every file and reached their drain.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and all(r.poll() is None for r in running):
            with app.app_context():
                stored = outbox.outbox_length()
                db.session.remove()
            if stored >= 2 * FILES_PER_PROCESS:
                break
            time.sleep(0.1)
        time.sleep(0.5)
        assert all(r.poll() is None for r in running), "an import did not wait for the index"
        with app.app_context():
            assert outbox.outbox_length() == 2 * FILES_PER_PROCESS
            db.session.remove()
    finally:
        writer.cancel()
        ix.close()
    for process in running:
        finish(process)
    for document_id in processes.values():
        check_versions(app, document_id)
    with app.app_context():
        assert outbox.outbox_length() == 0, "the imports' drains did not apply their work"
        db.session.remove()
    check_everything_indexed(app)
    check_tokens(client, auth, processes)
