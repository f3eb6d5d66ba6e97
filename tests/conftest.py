"""Fixtures: a migrated, seeded database per test (SQLite file copy, or a PostgreSQL
database cloned from a template when TEST_DATABASE_URL names a server), the real Whoosh
index on disk, users of every role with API tokens, and Flask's app/client/runner; and
:func:`system_program`, which finds Chromium, LibreOffice and pdftotext for the tests that
drive them."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from multilateral import create_app
from multilateral.extensions import db
from multilateral.models.audit import acting_user

DATA = Path(__file__).parent / "data"
TEXTS = DATA / "texts"
PASSWORD = "correct horse battery staple"
ROLES = ("viewer", "negotiator", "admin")

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
_counter = itertools.count()

#: The search backends that search tests run against: Whoosh always, and PostgreSQL's full
#: text when the tests have a PostgreSQL server (it needs one).
SEARCH_BACKENDS = ("whoosh", "postgres") if PG_URL else ("whoosh",)

#: Programs outside Python that some tests run: name → (where to look, the Debian package
#: that provides it). ``TEST_<NAME>`` in the environment (``TEST_CHROMIUM=/opt/…``) says
#: where to look instead. scripts/install-system-deps installs the packages.
SYSTEM_PROGRAMS: dict[str, tuple[str, str]] = {
    "chromium": ("/usr/bin/chromium", "chromium"),
    "soffice": ("soffice", "libreoffice-writer-nogui"),
    "pdftotext": ("pdftotext", "poppler-utils"),
}


def system_program(name: str) -> str:
    """The path of the program ``name`` (a key of :data:`SYSTEM_PROGRAMS`) for a test that
    runs it. When it is missing the test is skipped with the package to install, except
    under ``CI=true``, where it fails: CI must run every test."""
    where, package = SYSTEM_PROGRAMS[name]
    where = os.environ.get(f"TEST_{name.upper()}", where)
    found = shutil.which(where)
    if found:
        return found
    reason = (
        f"{where} is missing: install the Debian package {package} "
        "(scripts/install-system-deps does)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true needs it", pytrace=False)
    pytest.skip(reason)


@dataclass
class Template:
    """A seeded database and index that each test gets a fresh copy of."""

    db_url: str
    index_dir: Path
    tokens: dict[str, str]


def _config(db_url: str, index_dir: Path, search_backend: str = "whoosh") -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": db_url,
        "INDEX_DIR": str(index_dir),
        "SEARCH_BACKEND": search_backend,
    }


def _pg_admin() -> sa.Engine:
    # No pool: each ``with`` closes its connection, so none is left for the GC to find.
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _pg_url(name: str) -> str:
    return str(sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False))


def _build_template(base: Path) -> Template:
    index_dir = base / "index"
    if PG_URL:
        name = f"mltest_template_{os.getpid()}"
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = _pg_url(name)
    else:
        url = "sqlite:///" + str(base / "template.db")
    app = create_app(_config(url, index_dir))
    tokens: dict[str, str] = {}
    with app.app_context():
        from multilateral.search import drain_outbox
        from multilateral.services.accounts import create_token, create_user
        from multilateral.services.seed import seed_all

        upgrade()
        acting_user.set((None, "seed"))
        seed_all()
        for role in ROLES:
            tokens[role] = create_token(create_user(role, PASSWORD, role))
        db.session.commit()
        # The commit's own drain stops after a few seconds' work: index the rest now, so
        # that every test starts from an index that holds every paragraph.
        drain_outbox(timeout=60)
        db.session.remove()
        db.engine.dispose()
    return Template(url, index_dir, tokens)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    built = _build_template(tmp_path_factory.mktemp("template"))
    yield built
    if PG_URL:
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(built.db_url).database}"'))


@pytest.fixture
def search_backend(request: pytest.FixtureRequest) -> str:
    """The app's ``SEARCH_BACKEND``: "whoosh", unless the test is parametrised by
    :func:`each_search_backend`."""
    return getattr(request, "param", "whoosh")


def each_search_backend(metafunc: pytest.Metafunc) -> None:
    """For a test module's ``pytest_generate_tests``: run each of its tests once per search
    backend of :data:`SEARCH_BACKENDS`, except those marked :func:`whoosh_only` or
    :func:`postgres_only` (skipped without a PostgreSQL server)."""
    if "search_backend" not in metafunc.fixturenames:
        return
    backends = getattr(metafunc.function, "search_backends", SEARCH_BACKENDS)
    metafunc.parametrize("search_backend", backends, indirect=True)


def whoosh_only(test: Any) -> Any:
    """Marks a test of the Whoosh index itself (its files, its writer lock), which has no
    PostgreSQL counterpart: it runs with the Whoosh backend only."""
    test.search_backends = ("whoosh",)
    return test


def postgres_only(test: Any) -> Any:
    """Marks a test of the PostgreSQL backend's own machinery (its columns, its GIN
    indexes): it runs when the tests have a PostgreSQL server."""
    test.search_backends = tuple(b for b in SEARCH_BACKENDS if b == "postgres")
    return test


@pytest.fixture
def app(template: Template, tmp_path: Path, search_backend: str) -> Iterator[Flask]:
    index_dir = tmp_path / "index"
    shutil.copytree(template.index_dir, index_dir)
    if PG_URL:
        name = f"mltest_{os.getpid()}_{next(_counter)}"
        source = sa.make_url(template.db_url).database
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        url = _pg_url(name)
    else:
        shutil.copy(sa.make_url(template.db_url).database, tmp_path / "test.db")
        url = "sqlite:///" + str(tmp_path / "test.db")
    app = create_app(_config(url, index_dir, search_backend))
    app.config["API_TOKENS"] = template.tokens
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if PG_URL:
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def auth(app: Flask) -> Any:
    """``auth("negotiator")`` → headers with that role's bearer token."""

    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {app.config['API_TOKENS'][role]}"}

    return headers


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, role: str) -> None:
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": role, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


#: The real UN cycle of tests/data/texts/un, in order: the previous resolution, the Third
#: Committee draft, the resolution adopted from it.
UN_CYCLE = ("A_RES_78_180.txt", "A_C.3_80_L.18.txt", "A_RES_80_185.txt")


@pytest.fixture
def un_cycle(app: Flask) -> int:
    """The real UN cycle stored as versions 1-3 of one document; returns the document's id."""
    from multilateral.models import Document, Forum
    from multilateral.services.versions import add_version
    from multilateral.text.formats.reader import sha256_of
    from multilateral.text.segment import segment_text

    with app.app_context():
        forum = db.session.scalar(db.select(Forum).filter_by(slug="un-ga"))
        document = Document(
            title="Violence against women migrant workers (test cycle)",
            symbol="TEST/UN-CYCLE",
            kind="resolution",
            status="draft",
            forum=forum,
        )
        db.session.add(document)
        db.session.flush()
        for source in UN_CYCLE:
            text = (DATA / "texts" / "un" / source).read_text(encoding="utf-8")
            add_version(document, segment_text(text), sha256=sha256_of(text.encode()), label=source)
        db.session.commit()
        return document.id


def _whole_file(file, buffer_size: int = 8192) -> list[bytes]:
    """A ``wsgi.file_wrapper`` that reads the file at once and closes it.

    Werkzeug's development server never closes a response's file when the browser drops the
    connection mid-send (a page navigating away while the favicon is in flight): the open file
    is then reported as a ResourceWarning in whichever test runs next. Static files are small,
    so the live server reads them whole; gunicorn, which production uses, is not concerned.
    """
    with file:
        return [file.read()]


def _files_read_whole(app: Flask):
    def serve(environ, start_response):
        environ["wsgi.file_wrapper"] = _whole_file
        return app(environ, start_response)

    return serve


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over real HTTP in a thread (browser tests, racing clients)."""
    server = make_server("127.0.0.1", 0, _files_read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
