"""Two app servers on one PostgreSQL database, as behind a load balancer: nothing that matters
lives on one node.

The fixture clones the migrated, seeded test template into a fresh database and starts two
real ``gunicorn 'app:app'`` servers on it (``MULTILATERAL_SEARCH_BACKEND=postgres``, one
SECRET_KEY, each its own INDEX_DIR and instance folder). One user's cookies go to either
server, as a load balancer without sticky sessions sends them. Needs a PostgreSQL server
(``TEST_DATABASE_URL``); skipped otherwise.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import re
import secrets
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from multilateral.text.formats.reader import read_source, sha256_of
from tests.conftest import PASSWORD, PG_URL, TEXTS, Template, _pg_admin, _pg_url
from tests.test_upload_page import _parse

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not PG_URL,
        reason="two app servers share one PostgreSQL database: set TEST_DATABASE_URL",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
#: The real texts of the batch import interrupted by the kill (tests/data/texts).
BATCH = sorted(TEXTS.glob("*.txt"), key=lambda p: p.stat().st_size)


# -- the servers -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Node:
    """One app server: ``gunicorn 'app:app'`` with two workers, in a process group of its
    own so that :meth:`kill` takes the whole node down at once, as a crashed host would."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = _free_port()
        self.log = workdir / f"{name}.log"
        home = workdir / name
        env = {
            **env,
            "MULTILATERAL_INDEX_DIR": str(home / "index"),
            "MULTILATERAL_INSTANCE_PATH": str(home / "instance"),
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "--workers=2",
                    f"--bind=127.0.0.1:{self.port}",
                    "--timeout=60",
                    "--graceful-timeout=5",
                    "app:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if request(self.port, "GET", "/api/health", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"node {self.name} did not answer /api/health:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: no request is finished, no
        transaction committed that was not committed already."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        found = {k.lower(): v for k, v in response.getheaders() if k.lower() != "set-cookie"}
        found["set-cookie"] = "\n".join(response.msg.get_all("Set-Cookie") or [])
        return Answer(response.status, found, data)
    finally:
        conn.close()


class Client:
    """One user: a bearer token, or a login session whose cookies go to whichever node."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.cookies: dict[str, str] = {}

    def send(
        self,
        node: Node,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: list[tuple[str, str]] | None = None,
        files: MultiDict | None = None,
        timeout: float = 60,
    ) -> Answer:
        headers: dict[str, str] = {}
        body = None
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif files is not None:
            boundary, body = encode_multipart(files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = request(node.port, method, path, body=body, headers=headers, timeout=timeout)
        for line in filter(None, answer.headers["set-cookie"].split("\n")):
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return answer

    def csrf_token(self, node: Node, path: str) -> str:
        form = _parse(self.send(node, "GET", path).text)
        assert form.hidden.get("csrf_token"), f"no CSRF token on {path}"
        return form.hidden["csrf_token"]

    def log_in(self, node: Node, username: str) -> None:
        token = self.csrf_token(node, "/login")
        answer = self.send(
            node,
            "POST",
            "/login",
            form=[("username", username), ("password", PASSWORD), ("csrf_token", token)],
        )
        assert answer.status == 302, answer.text[:500]


@dataclass
class Cluster:
    a: Node
    b: Node
    db_url: str
    tokens: dict[str, str]
    engine: sa.Engine

    def api(self, role: str) -> Client:
        return Client(self.tokens[role])

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params).all())


@pytest.fixture(scope="module")
def cluster(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp("two-nodes")
    name = f"mltest_nodes_{os.getpid()}"
    source = sa.make_url(template.db_url).database
    with _pg_admin().connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    db_url = _pg_url(name)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MULTILATERAL_", "GUNICORN_")) and k not in ("WEB_CONCURRENCY",)
    }
    env.update(
        DATABASE_URL=db_url,
        MULTILATERAL_SEARCH_BACKEND="postgres",
        MULTILATERAL_SECRET_KEY=secrets.token_hex(32),  # the same on both nodes
    )
    nodes = [Node("a", env, workdir), Node("b", env, workdir)]
    engine = sa.create_engine(db_url, poolclass=NullPool)
    try:
        deadline = time.monotonic() + 60
        for node in nodes:
            node.wait_ready(deadline)
        yield Cluster(nodes[0], nodes[1], db_url, template.tokens, engine)
    finally:
        for node in nodes:
            node.stop()
        engine.dispose()
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# -- helpers ---------------------------------------------------------------------------


def _marker() -> str:
    """A word no text holds, to find one upload by."""
    return "zq" + "".join(random.choices(string.ascii_lowercase, k=10))


def _marked(text: str, marker: str) -> str:
    """``text`` with ``marker`` added to its first numbered paragraph (``1. Decides …``)."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if re.match(r"\d+\.\s+\w.{60}", line))
    lines[at] = f"{lines[at].rstrip()} {marker}"
    return "\n".join(lines) + "\n"


def _new_document(cluster: Cluster, node: Node, title: str) -> int:
    answer = cluster.api("negotiator").send(
        node,
        "POST",
        "/api/documents",
        json_body={"title": title, "forum": "un-third-committee", "kind": "resolution"},
    )
    assert answer.status == 201, answer.text
    return int(answer.json()["id"])


def _found(cluster: Cluster, node: Node, word: str) -> set[tuple[int, int]]:
    """(document id, version number) of every hit for ``word`` in every version."""
    query = urllib.parse.urlencode({"q": word, "versions": "all", "per_page": 100})
    answer = cluster.api("viewer").send(node, "GET", f"/api/search?{query}")
    assert answer.status == 200, answer.text
    return {(h["document"]["id"], h["version"]) for h in answer.json()["hits"]}


def _health(node: Node) -> dict[str, Any]:
    answer = request(node.port, "GET", "/api/health", timeout=10)
    assert answer.status == 200, answer.text
    return answer.json()


# -- the tests -------------------------------------------------------------------------


def test_both_nodes_are_healthy_on_the_postgres_search(cluster: Cluster) -> None:
    for node in (cluster.a, cluster.b):
        health = _health(node)
        assert health["status"] == "ok" and health["index"]["status"] == "ok", health


def test_preview_on_one_node_save_on_the_other_search_at_once(cluster: Cluster) -> None:
    doc = _new_document(cluster, cluster.b, "Two nodes: preview on A, save on B")
    marker = _marker()
    text = _marked((TEXTS / "un" / "A_C.3_80_L.18.txt").read_text(encoding="utf-8"), marker)
    data = text.encode("utf-8")
    user = Client()
    user.log_in(cluster.a, "negotiator")

    # The preview on node A: the bytes go to the stash, in the database.
    token = user.csrf_token(cluster.a, f"/documents/{doc}/upload")
    preview = user.send(
        cluster.a,
        "POST",
        f"/documents/{doc}/upload",
        files=MultiDict(
            [
                ("csrf_token", token),
                ("label", "zero draft"),
                ("date", ""),
                ("text", ""),
                ("file", FileStorage(io.BytesIO(data), "L18.txt", content_type="text/plain")),
            ]
        ),
    )
    assert preview.status == 200, preview.text[:1000]
    form = _parse(preview.text)
    assert form.hidden["stash"] == sha256_of(data)
    assert cluster.rows("SELECT sha256, size FROM upload_stash") == [(sha256_of(data), len(data))]

    # The Save on node B, with the session and the CSRF token node A gave.
    saved = user.send(
        cluster.b,
        "POST",
        f"/documents/{doc}/upload/save",
        form=[*form.hidden.items(), *(("kind", kind) for kind in form.kinds)],
    )
    assert saved.status == 302, saved.text[:1000]
    assert saved.headers["location"].endswith(f"/documents/{doc}?version=1")
    assert cluster.rows("SELECT sha256 FROM upload_stash") == [], "the Save emptied the stash"
    (stored,) = cluster.rows(
        "SELECT v.number, v.sha256, count(p.id) FROM versions v "
        "JOIN paragraphs p ON p.version_id = v.id WHERE v.document_id = :doc "
        "GROUP BY v.number, v.sha256",
        doc=doc,
    )
    assert stored == (1, sha256_of(data), len(form.kinds))

    # Node A finds the text node B saved, at once: nothing waits in a node's own index.
    assert _found(cluster, cluster.a, marker) == {(doc, 1)}
    assert (
        _health(cluster.a)["index"]["paragraphs"]
        == cluster.rows("SELECT count(*) FROM paragraphs")[0][0]
    )


def test_a_stale_position_from_the_other_node_gets_409(cluster: Cluster) -> None:
    doc = _new_document(cluster, cluster.a, "Two nodes: positions")
    text = (TEXTS / "un" / "A_RES_80_185.txt").read_text(encoding="utf-8")
    negotiator, admin = cluster.api("negotiator"), cluster.api("admin")
    created = negotiator.send(
        cluster.a, "POST", f"/api/documents/{doc}/versions", json_body={"text": text}
    )
    assert created.status == 201, created.text
    path = f"/api/documents/{doc}/versions/1/positions"
    on_a = negotiator.send(cluster.a, "GET", path).json()["positions"]
    on_b = admin.send(cluster.b, "GET", path).json()["positions"]
    row = next(r for r in on_a if r["paragraph_id"] and r["revision"] == 0)
    assert next(r for r in on_b if r["paragraph_id"] == row["paragraph_id"])["revision"] == 0

    def save(client: Client, node: Node, stance: str) -> Answer:
        item = {
            "paragraph_id": row["paragraph_id"],
            "stance": stance,
            "priority": "important",
            "rationale": f"saved on node {node.name}",
            "revision": 0,
        }
        return client.send(node, "PUT", path, json_body={"positions": [item]})

    first = save(negotiator, cluster.a, "support")
    assert first.status == 200, first.text
    second = save(admin, cluster.b, "oppose")  # read before A's save: stale
    assert second.status == 409, second.text
    assert second.json()["error"]["code"] == "stale-revision"
    now = admin.send(cluster.b, "GET", path).json()["positions"]
    mine = next(r for r in now if r["paragraph_id"] == row["paragraph_id"])
    assert (mine["stance"], mine["rationale"], mine["revision"]) == (
        "support",
        "saved on node a",
        1,
    )


@dataclass
class Sent:
    path: Path
    marker: str
    sha256: str
    paragraphs: int
    sent: bool = False
    status: int | None = None
    number: int | None = None


def test_killing_a_node_mid_import_leaves_nothing_half_written(cluster: Cluster) -> None:
    """Concurrent uploads of real texts to one document on node A, which is SIGKILLed once
    two are stored and others are under way. (The module's last test: node A stays down.)"""
    doc = _new_document(cluster, cluster.b, "Two nodes: a batch import cut by a crash")
    negotiator = cluster.api("negotiator")
    queue: list[Sent] = []
    for path in BATCH:
        marker = _marker()
        data = _marked(path.read_text(encoding="utf-8"), marker).encode("utf-8")
        units = read_source(path.name, data).units
        assert sum(marker in unit.text for unit in units) == 1, path.name
        expected = len(units)
        queue.append(Sent(path, marker, sha256_of(data), expected))
    lock = threading.Lock()
    in_flight: set[str] = set()
    killed = threading.Event()

    def upload(item: Sent) -> None:
        data = _marked(item.path.read_text(encoding="utf-8"), item.marker).encode("utf-8")
        with lock:
            in_flight.add(item.marker)
            item.sent = True
        try:
            answer = negotiator.send(
                cluster.a,
                "POST",
                f"/api/documents/{doc}/versions",
                files=MultiDict([("file", FileStorage(io.BytesIO(data), item.path.name))]),
            )
            item.status = answer.status
            if answer.status == 201:
                item.number = answer.json()["number"]
        except (OSError, http.client.HTTPException):
            item.status = None  # cut by the kill: committed or not, never half
        finally:
            with lock:
                in_flight.discard(item.marker)

    def uploader(items: list[Sent]) -> None:
        for item in items:
            if killed.is_set():
                return
            upload(item)

    threads = [threading.Thread(target=uploader, args=(queue[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        with lock:
            done = sum(item.status == 201 for item in queue)
            busy = len(in_flight)
        if done >= 2 and busy:
            break
        time.sleep(0.02)
    else:
        pytest.fail(f"no moment with 2 uploads done and one under way: {queue}")
    cluster.a.kill()
    killed.set()
    for thread in threads:
        thread.join(timeout=30)

    answered = [item for item in queue if item.status == 201]
    cut = [item for item in queue if item.sent and item.status is None]
    assert cut, "the kill interrupted no upload"

    # Node B kept serving throughout: health, search, and the next upload to the same
    # document (which waits for the dead node's transactions to end, and numbers after them).
    health = _health(cluster.b)
    assert health["status"] == "ok" and health["database"]["status"] == "ok", health
    assert _found(cluster, cluster.b, answered[0].marker) == {(doc, answered[0].number)}
    after = Sent(TEXTS / "un" / "A_RES_78_180.txt", _marker(), "", 0)
    data = _marked(after.path.read_text(encoding="utf-8"), after.marker).encode("utf-8")
    after.sha256, after.paragraphs = sha256_of(data), len(read_source("x.txt", data).units)
    next_one = negotiator.send(
        cluster.b,
        "POST",
        f"/api/documents/{doc}/versions",
        files=MultiDict([("file", FileStorage(io.BytesIO(data), after.path.name))]),
    )
    assert next_one.status == 201, next_one.text
    after.status, after.number = 201, next_one.json()["number"]

    # Nothing half-written: every version whole, numbered without gaps, and searchable.
    stored = cluster.rows(
        "SELECT v.number, v.sha256, count(p.id) FROM versions v "
        "LEFT JOIN paragraphs p ON p.version_id = v.id WHERE v.document_id = :doc "
        "GROUP BY v.number, v.sha256 ORDER BY v.number",
        doc=doc,
    )
    numbers = [number for number, _, _ in stored]
    assert numbers == list(range(1, len(stored) + 1)), f"gaps: {numbers}"
    assert after.number == len(stored), "node B numbered after everything node A committed"
    by_sha = {item.sha256: item for item in [*queue, after]}
    for number, sha256, paragraphs in stored:
        item = by_sha[sha256]
        assert paragraphs == item.paragraphs, f"version {number} ({item.path.name}) is partial"
        assert _found(cluster, cluster.b, item.marker) == {(doc, number)}, item.path.name
    told = {(item.number, item.sha256) for item in [*answered, after]}
    assert told <= {(number, sha256) for number, sha256, _ in stored}, "a 201 was lost"
    cut_kept = [item for item in cut if item.sha256 in {s for _, s, _ in stored}]
    assert len(stored) == len(answered) + len(cut_kept) + 1
    for node in (cluster.a, cluster.b):
        assert "Traceback" not in node.log.read_text(), f"node {node.name} logged an error"
