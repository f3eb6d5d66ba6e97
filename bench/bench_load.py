"""Load test: gunicorn with several workers, many clients at once, then a consistency check.

Starts ``gunicorn 'app:app'`` (``--workers``, default 4) on loopback against a fresh
database: a temporary SQLite file, or with ``--database-url`` a new database created on
that PostgreSQL server (dropped afterwards). The bench migrates and seeds it in-process,
creates one negotiator and API token per client, and three documents whose first version is
a real UN text of tests/data/texts/un. Then ``--clients`` threads (default 20) send for
``--seconds`` (default 60), each with its own token, a mix of:

- ``upload``: a new version of a document (JSON text): its real text with one or two
  paragraphs dropped, one taken from another real text and a marker "(bench C.N)" in one,
  so every upload is new; half of them go to the same document, to race for numbers;
- ``search``: ``GET /api/search`` for a word of the corpus, newest versions or all;
- ``compare``: the compare page of version 1 and the newest version;
- ``document``: a document page;
- ``position``: ``GET …/positions`` of the newest version, then ``PUT`` one position with
  the revision just read (a 409 stale-revision is the answer to a lost race, not a failure);

while a monitor reads ``/api/health`` twice a second. ``--kill N`` SIGKILLs a random worker
N times during the run (gunicorn starts a new one); ``--reindex`` runs ``flask reindex`` a
third of the way in. It prints requests per second, p50/p95/p99 latency and the answers per
kind, the index states health reported, and then checks against the database, after
gunicorn stopped:

- every upload answered 201 is stored under the number it was given, with its SHA-256;
- every document's versions are numbered 1..n without gaps;
- every stored paragraph is in the index, and the index holds nothing else: at the stop,
  and after one drain of the outbox (what the next search or health check would do).

``--nodes 2`` starts two such servers (each with ``--workers``, its own index directory and
instance folder, one SECRET_KEY) on one PostgreSQL database, as app servers behind a load
balancer: every client sends its requests to each server in turn, and the monitor reads
each one's health. Several nodes need ``--search-backend postgres`` (their default): a
Whoosh index lives on one node's disk. ``--search-backend`` picks the search engine
(``whoosh`` by default on one node; ``postgres`` needs ``--database-url``).

An upload whose connection was cut by a kill may or may not have been committed: those are
counted, and whichever were committed must be whole and indexed like the others. The exit
status is 1 if any request got a 5xx, any upload was lost, or anything is unindexed after
the drain.

    .venv/bin/python bench/bench_load.py --seconds 30
    .venv/bin/python bench/bench_load.py --seconds 30 --kill 1 --reindex
    .venv/bin/python bench/bench_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:54340/postgres
    .venv/bin/python bench/bench_load.py --database-url postgresql+psycopg://… --nodes 2 --workers 2

On one machine two nodes share its cores (and PostgreSQL's): the run shows that requests
spread over two servers leave the same consistent data (numbering, positions, the search
index) at the same cost, not more throughput; that needs servers on other machines.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

TEXTS = ROOT / "tests" / "data" / "texts"
BASES = ["A_C.3_80_L.18.txt", "A_RES_80_185.txt", "A_RES_78_180.txt"]
SEARCH_WORDS = ["trafficking", "migrant", "forced labour", '"women migrant workers"',
                "exploitation", "victims", "labour migration", "violence", "remittances",
                "domestic workers", "traffick*", "protection"]  # fmt: skip
KINDS = ("upload", "search", "compare", "document", "position_read", "position_save", "health")
#: How often each client picks each operation.
MIX = {"upload": 20, "search": 25, "compare": 15, "document": 15, "position": 25}


# -- the database and the server ---------------------------------------------------------


@contextmanager
def fresh_database(base_url: str | None, workdir: Path) -> Iterator[str]:
    """A new empty database: a SQLite file in ``workdir`` or a new PostgreSQL database."""
    if not base_url:
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    name = f"bench_load_{os.getpid()}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def environment(db_url: str, workdir: Path, search_backend: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MULTILATERAL_")}
    env.update(
        DATABASE_URL=db_url,
        MULTILATERAL_INDEX_DIR=str(workdir / "index"),
        MULTILATERAL_INSTANCE_PATH=str(workdir / "instance"),
        MULTILATERAL_SEARCH_BACKEND=search_backend,
        MULTILATERAL_SECRET_KEY=secrets.token_hex(32),
        PYTHONPATH=str(ROOT),
    )
    return env


def node_environment(env: dict[str, str], workdir: Path, node: int) -> dict[str, str]:
    """Node 0 uses the directories the bench prepared; another node gets its own, as an app
    server on another machine would (the same database and SECRET_KEY)."""
    if node == 0:
        return env
    home = workdir / f"node{node}"
    return {
        **env,
        "MULTILATERAL_INDEX_DIR": str(home / "index"),
        "MULTILATERAL_INSTANCE_PATH": str(home / "instance"),
    }


@dataclass
class Setup:
    tokens: list[str]
    #: document id → the lines of its real text (version 1).
    documents: dict[int, list[str]]


def prepare(env: dict[str, str], clients: int) -> Setup:
    """Migrate, seed, index; one negotiator and token per client; three documents."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from multilateral import create_app
    from multilateral.extensions import db
    from multilateral.models.audit import acting_user
    from multilateral.search import drain_outbox
    from multilateral.services.accounts import create_token, create_user
    from multilateral.services.documents import create_document
    from multilateral.services.imports import import_text
    from multilateral.services.seed import seed_all

    app = create_app()
    with app.app_context():
        upgrade()
        acting_user.set((None, "bench"))
        seed_all()
        db.session.commit()
        password = secrets.token_urlsafe(18)
        tokens = [
            create_token(create_user(f"bench{i}", password, "negotiator")) for i in range(clients)
        ]
        documents = {}
        for n, name in enumerate(BASES):
            text = (TEXTS / "un" / name).read_text(encoding="utf-8")
            document = create_document(
                title=f"Load test {n + 1}: violence against women migrant workers",
                forum="un-third-committee",
                kind="resolution",
                symbol=f"BENCH/LOAD/{n + 1}",
                status="draft",
                created_by=None,
            )
            import_text(document, text, label="base")
            documents[document.id] = text.splitlines()
        db.session.commit()
        drain_outbox(timeout=60)
        db.session.remove()
        db.engine.dispose()
    return Setup(tokens, documents)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.log_path = log
        self.port = free_port()
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--graceful-timeout",
                "30",
                "app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = request(self.port, "GET", "/api/health", None, timeout=5)
                if status in (200, 503):
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {self.log_path}")
            time.sleep(0.2)

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(c) for c in children]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def request(
    port: int,
    method: str,
    path: str,
    body: Any,
    *,
    token: str | None = None,
    timeout: float = 120,
) -> tuple[int, dict[str, Any] | None, float]:
    """(status, JSON body or None, seconds) of one request on a new connection."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - start
        parsed = None
        if response.getheader("Content-Type", "").startswith("application/json"):
            parsed = json.loads(raw)
        return response.status, parsed, elapsed
    finally:
        conn.close()


# -- the clients -----------------------------------------------------------------------


@dataclass
class Upload:
    document_id: int
    marker: str
    sha256: str
    status: int | None = None
    number: int | None = None
    paragraphs: int = 0


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    uploads: list[Upload] = field(default_factory=list)
    health: Counter[str] = field(default_factory=Counter)
    events: list[str] = field(default_factory=list)
    #: document id → the highest version number an upload was answered with.
    newest: dict[int, int] = field(default_factory=lambda: defaultdict(lambda: 1))
    #: requests sent to each node (by its index).
    per_node: Counter[int] = field(default_factory=Counter)

    def record(self, kind: str, status: int | str, seconds: float | None) -> None:
        with self.lock:
            self.statuses[kind][str(status)] += 1
            if seconds is not None:
                self.latencies[kind].append(seconds)


class Client(threading.Thread):
    """One user sending requests to each node in turn (starting with a different node per
    client), as a round-robin load balancer without sticky sessions does."""

    def __init__(
        self, n: int, ports: list[int], token: str, setup: Setup, results: Results, args: Any
    ) -> None:
        super().__init__(daemon=True)
        self.n, self.ports, self.token = n, ports, token
        self.setup, self.results = setup, results
        self.rng = random.Random(f"{args.seed}-{n}")
        self.deadline = 0.0
        self.sent = 0
        self.sent_requests = 0
        self.documents = sorted(setup.documents)
        #: Newest version number any client was given, per document (shared).
        self.newest = results.newest
        self.donors = [
            line
            for name in BASES
            for line in (TEXTS / "un" / name).read_text(encoding="utf-8").splitlines()
            if len(line) > 200
        ]

    def run(self) -> None:
        operations = list(MIX)
        weights = [MIX[o] for o in operations]
        while time.monotonic() < self.deadline:
            operation = self.rng.choices(operations, weights)[0]
            document_id = (
                self.documents[0] if self.rng.random() < 0.5 else self.rng.choice(self.documents)
            )
            getattr(self, operation)(document_id)

    def call(
        self, kind: str, method: str, path: str, body: Any = None
    ) -> tuple[int | None, dict[str, Any] | None]:
        node = (self.n + self.sent_requests) % len(self.ports)
        self.sent_requests += 1
        with self.results.lock:
            self.results.per_node[node] += 1
        try:
            status, data, seconds = request(self.ports[node], method, path, body, token=self.token)
        except (OSError, http.client.HTTPException) as exc:
            self.results.record(kind, f"cut ({type(exc).__name__})", None)
            return None, None
        self.results.record(kind, status, seconds)
        return status, data

    def upload(self, document_id: int) -> None:
        self.sent += 1
        lines = list(self.setup.documents[document_id])
        body_start = next(i for i, line in enumerate(lines) if line.startswith("The General"))
        for _ in range(self.rng.randint(1, 2)):
            del lines[self.rng.randrange(body_start + 1, len(lines))]
        lines.insert(self.rng.randrange(body_start + 1, len(lines)), self.rng.choice(self.donors))
        marker = f"bench {self.n}.{self.sent}"
        at = self.rng.randrange(body_start + 1, len(lines))
        lines[at] = f"{lines[at]} ({marker})"
        text = "\n".join(lines)
        upload = Upload(document_id, marker, hashlib.sha256(text.encode()).hexdigest())
        status, data = self.call(
            "upload",
            "POST",
            f"/api/documents/{document_id}/versions",
            {"text": text, "label": marker},
        )
        upload.status = status
        if status == 201 and data:
            upload.number = data["number"]
            upload.paragraphs = len(data["paragraphs"])
            with self.results.lock:
                self.newest[document_id] = max(self.newest[document_id], upload.number)
        with self.results.lock:
            self.results.uploads.append(upload)

    def search(self, _document_id: int) -> None:
        query = {"q": self.rng.choice(SEARCH_WORDS)}
        if self.rng.random() < 0.3:
            query["versions"] = "all"
        self.call("search", "GET", "/api/search?" + urllib.parse.urlencode(query))

    def compare(self, document_id: int) -> None:
        newest = self.newest[document_id]
        if newest < 2:
            return self.document(document_id)
        self.call("compare", "GET", f"/documents/{document_id}/compare?from=1&to={newest}")

    def document(self, document_id: int) -> None:
        self.call("document", "GET", f"/documents/{document_id}")

    def position(self, document_id: int) -> None:
        base = f"/api/documents/{document_id}/versions/{self.newest[document_id]}/positions"
        status, data = self.call("position_read", "GET", base)
        rows = [r for r in (data or {}).get("positions", []) if r.get("paragraph_id")]
        if status != 200 or not rows:  # (a position whose paragraph was deleted has none)
            return
        row = self.rng.choice(rows)
        item = {
            "paragraph_id": row["paragraph_id"],
            "stance": self.rng.choice(["support", "oppose", "reserve"]),
            "priority": self.rng.choice(["important", "flexible"]),
            "rationale": f"client {self.n} at {time.time():.3f}",
            "revision": row["revision"],
        }
        self.call("position_save", "PUT", base, {"positions": [item]})


def monitor(ports: list[int], results: Results, stop: threading.Event) -> None:
    turn = 0
    while not stop.wait(0.5):
        port = ports[turn % len(ports)]
        turn += 1
        try:
            status, data, seconds = request(port, "GET", "/api/health", None, timeout=30)
        except (OSError, http.client.HTTPException) as exc:
            results.record("health", f"cut ({type(exc).__name__})", None)
            continue
        results.record("health", status, seconds)
        index = (data or {}).get("index", {})
        state = index.get("status", "?")
        if state == "ok" and index.get("paragraphs") == 0:
            state = "ok with 0 paragraphs (wrong)"
        with results.lock:
            results.health[state] += 1


def run_load(
    servers: list[Gunicorn], env: dict[str, str], setup: Setup, args: Any, results: Results
) -> float:
    ports = [server.port for server in servers]
    clients = [Client(n, ports, setup.tokens[n], setup, results, args) for n in range(args.clients)]
    stop = threading.Event()
    watcher = threading.Thread(target=monitor, args=(ports, results, stop), daemon=True)
    started = time.monotonic()
    for client in clients:
        client.deadline = started + args.seconds
        client.start()
    watcher.start()
    kills = [started + args.seconds * (k + 1) / (args.kill + 1) for k in range(args.kill)]
    reindex_at = started + args.seconds / 3 if args.reindex else None
    reindex: subprocess.Popen[bytes] | None = None
    while any(c.is_alive() for c in clients):
        now = time.monotonic()
        if kills and now >= kills[0]:
            kills.pop(0)
            rng = random.Random(f"{args.seed}-{len(results.events)}")
            node = rng.randrange(len(servers))
            victim = rng.choice(servers[node].workers())
            os.kill(victim, signal.SIGKILL)
            results.events.append(f"{now - started:5.1f} s  SIGKILL worker {victim} of node {node}")
        if reindex_at is not None and now >= reindex_at:
            reindex_at = None
            reindex = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", "reindex"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            results.events.append(f"{now - started:5.1f} s  flask reindex started")
        if reindex is not None and reindex.poll() is not None:
            results.events.append(
                f"{time.monotonic() - started:5.1f} s  flask reindex ended ({reindex.returncode})"
            )
            reindex = None
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    if reindex is not None:
        reindex.wait()
        results.events.append(f"{time.monotonic() - started:5.1f} s  flask reindex ended")
    stop.set()
    watcher.join()
    return elapsed


# -- the check against the database -----------------------------------------------------


@dataclass
class Check:
    answered_201: int = 0
    lost: list[str] = field(default_factory=list)
    cut: int = 0
    cut_committed: int = 0
    gaps: list[str] = field(default_factory=list)
    versions: int = 0
    paragraphs: int = 0
    outbox_at_stop: int = 0
    unindexed_at_stop: int = 0
    unindexed_versions_at_stop: int = 0
    unindexed_after_drain: int = 0
    extra_in_index: int = 0
    outbox_after_drain: int = 0


def check(env: dict[str, str], uploads: list[Upload]) -> Check:
    os.environ.update(env)
    from multilateral import create_app
    from multilateral.extensions import db
    from multilateral.models import Paragraph, Version
    from multilateral.search import backend, drain_outbox, outbox

    result = Check()
    app = create_app()
    with app.app_context():
        stored = {
            (v.document_id, v.number): v
            for v in db.session.execute(
                sa.select(Version.id, Version.document_id, Version.number, Version.sha256)
            ).all()
        }
        by_label = set(db.session.scalars(sa.select(Version.label)).all())
        for upload in uploads:
            if upload.status == 201:
                result.answered_201 += 1
                row = stored.get((upload.document_id, upload.number))
                if row is None or row.sha256 != upload.sha256:
                    result.lost.append(f"{upload.marker} → {upload.number}")
            elif upload.status is None:
                result.cut += 1
                result.cut_committed += upload.marker in by_label
        numbers: dict[int, list[int]] = defaultdict(list)
        for document_id, number in stored:
            numbers[document_id].append(number)
        for document_id, found in numbers.items():
            if sorted(found) != list(range(1, len(found) + 1)):
                result.gaps.append(f"document {document_id}: {sorted(found)}")
        result.versions = len(stored)

        paragraphs = db.session.execute(sa.select(Paragraph.id, Paragraph.version_id)).all()
        in_db = {p.id for p in paragraphs}
        result.paragraphs = len(in_db)
        result.outbox_at_stop = outbox.outbox_length()
        in_index = backend().paragraph_ids()
        result.unindexed_at_stop = len(in_db - in_index)
        result.unindexed_versions_at_stop = len(
            {p.version_id for p in paragraphs if p.id not in in_index}
        )
        db.session.remove()
        drain_outbox(timeout=60)
        in_index = backend().paragraph_ids()
        result.unindexed_after_drain = len(in_db - in_index)
        result.extra_in_index = len(in_index - in_db)
        result.outbox_after_drain = outbox.outbox_length()
        db.session.remove()
        db.engine.dispose()
    return result


# -- the report ------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(results: Results, elapsed: float, outcome: Check, args: Any, database: str) -> bool:
    total = sum(sum(c.values()) for c in results.statuses.values())
    nodes = f"{args.nodes} nodes × " if args.nodes > 1 else ""
    print(
        f"\n{args.clients} clients, {nodes}{args.workers} gunicorn workers, {elapsed:.1f} s, "
        f"{database}, {args.search_backend} search; {total} requests, "
        f"{total / elapsed:.1f} per second"
    )
    if args.nodes > 1:
        sent = ", ".join(f"node {n}: {c}" for n, c in sorted(results.per_node.items()))
        print(f"  requests sent (health aside): {sent}")
    for event in results.events:
        print(f"  {event}")
    print(f"\n{'kind':14} {'n':>6} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  answers")
    server_errors = 0
    for kind in KINDS:
        statuses = results.statuses.get(kind)
        if not statuses:
            continue
        times = results.latencies.get(kind) or [0.0]
        n = sum(statuses.values())
        server_errors += sum(c for s, c in statuses.items() if s.isdigit() and int(s) >= 500)
        answers = ", ".join(f"{s}: {c}" for s, c in sorted(statuses.items()))
        print(
            f"{kind:14} {n:6d} {n / elapsed:7.1f} {percentile(times, 50) * 1000:8.0f} "
            f"{percentile(times, 95) * 1000:8.0f} {percentile(times, 99) * 1000:8.0f}  {answers}"
        )
    print(f"\nhealth said: {', '.join(f'{s} ×{c}' for s, c in results.health.most_common())}")
    print(f"5xx answers: {server_errors}")
    print(
        f"uploads: {outcome.answered_201} answered 201, {len(outcome.lost)} of them lost"
        + (f" ({', '.join(outcome.lost[:5])})" if outcome.lost else "")
        + f"; {outcome.cut} cut by a kill, {outcome.cut_committed} of those committed"
    )
    print(
        f"database: {outcome.versions} versions, {outcome.paragraphs} paragraphs; numbering "
        + ("gapless on every document" if not outcome.gaps else f"GAPS: {outcome.gaps}")
    )
    print(
        f"index at the stop: {outcome.unindexed_at_stop} paragraphs "
        f"({outcome.unindexed_versions_at_stop} versions) not indexed, "
        f"{outcome.outbox_at_stop} outbox rows waiting"
    )
    print(
        f"index after one drain: {outcome.unindexed_after_drain} not indexed, "
        f"{outcome.extra_in_index} extra, {outcome.outbox_after_drain} outbox rows"
    )
    wrong = results.health.get("ok with 0 paragraphs (wrong)", 0)
    passed = not (
        server_errors
        or outcome.lost
        or outcome.gaps
        or outcome.unindexed_after_drain
        or outcome.extra_in_index
        or wrong
    )
    print("PASS" if passed else "FAIL")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per node")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server to use")
    parser.add_argument(
        "--nodes", type=int, default=1, help="app servers on the one database (PostgreSQL)"
    )
    parser.add_argument(
        "--search-backend",
        choices=("whoosh", "postgres"),
        default=None,
        help="whoosh on one node, postgres (needed) on several",
    )
    parser.add_argument(
        "--kill", type=int, nargs="?", const=1, default=0, help="SIGKILL a worker N times"
    )
    parser.add_argument("--reindex", action="store_true", help="run flask reindex mid-run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if args.search_backend is None:
        args.search_backend = "postgres" if args.nodes > 1 else "whoosh"
    if args.nodes < 1:
        parser.error("--nodes must be at least 1")
    if args.nodes > 1 and not args.database_url:
        parser.error("--nodes 2 needs --database-url: the app servers share one PostgreSQL")
    if args.search_backend == "postgres" and not args.database_url:
        parser.error("--search-backend postgres needs --database-url (PostgreSQL)")
    if args.nodes > 1 and args.search_backend == "whoosh":
        parser.error(
            "--nodes 2 needs --search-backend postgres: a Whoosh index is on one node's disk, "
            "and the outbox is applied by whichever node drains it first"
        )

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        with fresh_database(args.database_url, workdir) as db_url:
            database = sa.make_url(db_url).get_backend_name()
            env = environment(db_url, workdir, args.search_backend)
            started = time.perf_counter()
            setup = prepare(env, args.clients)
            print(f"prepared {database} database in {time.perf_counter() - started:.1f} s")
            results = Results()
            servers: list[Gunicorn] = []
            try:
                for node in range(args.nodes):
                    log = workdir / ("gunicorn.log" if node == 0 else f"gunicorn-{node}.log")
                    servers.append(
                        Gunicorn(node_environment(env, workdir, node), args.workers, log)
                    )
                for server in servers:
                    server.wait_ready()
                elapsed = run_load(servers, env, setup, args, results)
            finally:
                for server in servers:
                    server.stop()
            passed = report(results, elapsed, check(env, results.uploads), args, database)
            if not passed:
                print(f"gunicorn logs: {', '.join(str(s.log_path) for s in servers)}")
                args.keep = True
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    raise SystemExit(0 if passed else 1)


if __name__ == "__main__":
    main()
