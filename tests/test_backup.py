"""Backup and restore as a real round trip: every row of every table comes back, and search
finds the restored paragraphs. On PostgreSQL (TEST_DATABASE_URL) through pg_dump and
pg_restore."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from multilateral import create_app
from multilateral.extensions import db
from multilateral.models import TreatyAction
from multilateral.services import backup as backup_service
from multilateral.services.backup import find_pg_tool, libpq_target
from multilateral.services.search import SearchParams, search
from tests.conftest import PG_URL, TEXTS, Template, _config, _pg_admin, _pg_url

DRAFT = (TEXTS / "un" / "A_C.3_80_L.18.txt").read_text(encoding="utf-8")
#: A paragraph no shipped text holds, so a hit can only come from the restored version.
ADDED = "99. Decides to keep the quokka clause under review at its next session;"
REVISION = DRAFT.rstrip("\n") + "\n" + ADDED + "\n"

_counter = itertools.count()


@pytest.fixture(autouse=True)
def _pg_tools() -> None:
    if PG_URL and not (find_pg_tool("pg_dump") and find_pg_tool("pg_restore")):
        if os.environ.get("CI") == "true":
            pytest.fail("pg_dump and pg_restore are needed on CI")
        pytest.skip("pg_dump or pg_restore is not installed")


@pytest.fixture
def new_app(template: Template, tmp_path: Path) -> Iterator[Callable[[], Flask]]:
    """``new_app()`` → an app on a new, empty database and an empty index directory."""
    made: list[tuple[Flask, str | None]] = []

    def make() -> Flask:
        n = next(_counter)
        if PG_URL:
            name = f"mltest_{os.getpid()}_restore_{n}"
            with _pg_admin().connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url = _pg_url(name)
        else:
            name = None
            path = tmp_path / f"restored-{n}.db"
            path.touch()  # a new, empty file
            url = f"sqlite:///{path}"
        app = create_app(_config(url, tmp_path / f"restored-index-{n}"))
        app.config["API_TOKENS"] = template.tokens
        made.append((app, name))
        return app

    yield make
    for app, name in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if name:
            with _pg_admin().connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _seed_changes(client: FlaskClient, auth: Any) -> int:
    """A document with two versions, positions (one carried over), a treaty act."""
    created = client.post(
        "/api/documents",
        json={
            "title": "Violence against women migrant workers",
            "forum": "un-third-committee",
            "kind": "resolution",
            "symbol": "A/C.3/80/L.18/BACKUP",
            "tags": ["migration", "labour"],
        },
        headers=auth("negotiator"),
    )
    assert created.status_code == 201, created.get_json()
    doc = created.get_json()["id"]
    first = client.post(
        f"/api/documents/{doc}/versions",
        json={"text": DRAFT, "label": "draft", "date": "2025-10-21"},
        headers=auth("negotiator"),
    )
    assert first.status_code == 201, first.get_json()
    rows = client.get(
        f"/api/documents/{doc}/versions/1/positions", headers=auth("negotiator")
    ).get_json()["positions"]
    operative = [r for r in rows if r["number"] in ("3", "8")]
    saved = client.put(
        f"/api/documents/{doc}/versions/1/positions",
        json={
            "positions": [
                {
                    "paragraph_id": r["paragraph_id"],
                    "stance": "support",
                    "priority": "important",
                    "rationale": f"Keep paragraph {r['number']}.",
                    "revision": 0,
                }
                for r in operative
            ]
        },
        headers=auth("negotiator"),
    )
    assert saved.status_code == 200, saved.get_json()
    second = client.post(
        f"/api/documents/{doc}/versions",
        json={"text": REVISION, "label": "Rev.1", "date": "2025-11-04"},
        headers=auth("negotiator"),
    )
    assert second.status_code == 201, second.get_json()
    act = client.post(
        "/api/treaties/palermo-protocol/actions",
        json={"iso3": "WSM", "kind": "accession", "date": "2026-01-15", "source": "backup test"},
        headers=auth("admin"),
    )
    assert act.status_code == 201, act.get_json()
    return doc


def _all_rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key."""
    with app.app_context(), db.engine.connect() as conn:
        rows = {
            table.name: [
                tuple(row)
                for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }
        rows["alembic_version"] = [
            tuple(row) for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        ]
    return rows


def _cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def test_round_trip_restores_every_row_and_the_search(
    app: Flask, client: FlaskClient, auth: Any, new_app: Callable[[], Flask], tmp_path: Path
) -> None:
    doc = _seed_changes(client, auth)
    target = tmp_path / "backup"
    result = _cli(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    before = _all_rows(app)
    manifest = json.loads((target / "manifest.json").read_text())
    kind = "postgresql" if PG_URL else "sqlite"
    assert manifest["database"] == kind and manifest["search_index"] == "rebuild"
    assert (target / manifest["database_file"]).is_file()
    assert sorted(os.listdir(target)) == sorted(["manifest.json", manifest["database_file"]])
    # Owner only: the backup holds password hashes and every position.
    assert {oct(p.stat().st_mode & 0o777) for p in target.iterdir()} == {"0o600"}
    assert target.stat().st_mode & 0o077 == 0
    assert manifest["row_counts"] == {name: len(rows) for name, rows in before.items()}
    assert manifest["schema_revision"] == before["alembic_version"][0][0]
    assert manifest["row_counts"]["positions"] >= 4  # two saved, two carried over
    # Nothing left behind beside the backup.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []

    restored = new_app()
    result = _cli(restored, "restore", str(target))
    assert result.exit_code == 0, result.output
    assert f"Indexed {manifest['row_counts']['paragraphs']} paragraphs." in result.output
    after = _all_rows(restored)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], f"table {name} differs after restore"

    with restored.app_context():
        found = search(SearchParams(q='"quokka clause"'))
        assert found.total == 1
        assert found.hits[0].entry.document_id == doc and found.hits[0].entry.version_number == 2
    # The restored database keeps working: new rows get new ids (PostgreSQL sequences).
    fresh = restored.test_client().post(
        "/api/documents",
        json={"title": "After the restore", "forum": "un-ga", "kind": "resolution"},
        headers=auth("negotiator"),
    )
    assert fresh.status_code == 201, fresh.get_json()
    assert fresh.get_json()["id"] > doc


def test_a_backup_is_taken_while_a_writer_is_busy(
    app: Flask, new_app: Callable[[], Flask], tmp_path: Path
) -> None:
    """Online: an open write transaction neither blocks the backup nor leaks into it."""
    target = tmp_path / "backup"
    with app.app_context():
        writer = db.engine.connect()
        try:
            writer.begin()
            writer.execute(sa.text("UPDATE treaties SET data_note = 'not committed'"))
            result = _cli(app, "backup", str(target))
        finally:
            writer.rollback()
            writer.close()
    assert result.exit_code == 0, result.output
    restored = new_app()
    assert _cli(restored, "restore", str(target)).exit_code == 0
    with restored.app_context():
        notes = db.session.scalars(sa.text("SELECT data_note FROM treaties")).all()
    assert notes and "not committed" not in notes


def test_restore_refuses_a_database_with_data_unless_forced(
    app: Flask, client: FlaskClient, auth: Any, tmp_path: Path
) -> None:
    target = tmp_path / "backup"
    assert _cli(app, "backup", str(target)).exit_code == 0
    act = client.post(
        "/api/treaties/palermo-protocol/actions",
        json={"iso3": "WSM", "kind": "accession", "date": "2026-01-15", "source": "later"},
        headers=auth("admin"),
    )
    assert act.status_code == 201
    refused = _cli(app, "restore", str(target))
    assert refused.exit_code == 1
    assert "not empty" in refused.output and "--force" in refused.output
    count = sa.select(sa.func.count()).select_from(TreatyAction).filter_by(source="later")
    with app.app_context():
        assert db.session.scalar(count) == 1
    forced = _cli(app, "restore", "--force", str(target))
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        assert db.session.scalar(count) == 0


def test_a_table_the_backup_does_not_know(app: Flask, tmp_path: Path) -> None:
    """SQLite: the whole file is replaced, the table is gone. PostgreSQL: pg_restore --clean
    would leave it behind, so the restore is refused before anything changes."""
    target = tmp_path / "backup"
    assert _cli(app, "backup", str(target)).exit_code == 0
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE from_a_later_release (id INTEGER PRIMARY KEY)"))
    result = _cli(app, "restore", "--force", str(target))
    with app.app_context(), db.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    if PG_URL:
        assert result.exit_code == 1 and "from_a_later_release" in result.output
        assert "from_a_later_release" in tables
    else:
        assert result.exit_code == 0, result.output
        assert "from_a_later_release" not in tables


def test_backup_needs_a_new_or_empty_directory(app: Flask, tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("keep me")
    result = _cli(app, "backup", str(used))
    assert result.exit_code == 1 and "not an empty directory" in result.output
    assert os.listdir(used) == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _cli(app, "backup", str(empty)).exit_code == 0
    assert (empty / "manifest.json").is_file()


def _backup(app: Flask, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    target = tmp_path / "backup"
    assert _cli(app, "backup", str(target)).exit_code == 0
    return target, json.loads((target / "manifest.json").read_text())


def test_a_damaged_backup_changes_nothing(
    app: Flask, new_app: Callable[[], Flask], tmp_path: Path
) -> None:
    target, manifest = _backup(app, tmp_path)
    database_file = target / manifest["database_file"]
    data = bytearray(database_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database_file.write_bytes(bytes(data))
    restored = new_app()
    result = _cli(restored, "restore", str(target))
    assert result.exit_code == 1 and "damaged" in result.output
    with restored.app_context():
        assert backup_service.database_is_empty(db.engine)


def test_an_unknown_schema_revision_is_refused(
    app: Flask, new_app: Callable[[], Flask], tmp_path: Path
) -> None:
    target, manifest = _backup(app, tmp_path)
    manifest["schema_revision"] = "feedfacecafe"
    (target / "manifest.json").write_text(json.dumps(manifest))
    result = _cli(new_app(), "restore", str(target))
    assert result.exit_code == 1 and "unknown to this version" in result.output


def test_row_counts_that_disagree_with_the_manifest_fail_the_restore(
    app: Flask, new_app: Callable[[], Flask], tmp_path: Path
) -> None:
    target, manifest = _backup(app, tmp_path)
    manifest["row_counts"]["documents"] += 1
    (target / "manifest.json").write_text(json.dumps(manifest))
    result = _cli(new_app(), "restore", str(target))
    assert result.exit_code == 1
    assert "differs from the manifest" in result.output and "documents" in result.output


def test_a_backup_of_another_database_kind_is_refused(
    app: Flask, new_app: Callable[[], Flask], tmp_path: Path
) -> None:
    target, manifest = _backup(app, tmp_path)
    other = "sqlite" if PG_URL else "postgresql"
    (target / manifest["database_file"]).rename(target / backup_service.DATABASE_FILES[other])
    manifest |= {"database": other, "database_file": backup_service.DATABASE_FILES[other]}
    (target / "manifest.json").write_text(json.dumps(manifest))
    result = _cli(new_app(), "restore", str(target))
    assert result.exit_code == 1 and f"holds a {other} database" in result.output


def test_the_password_goes_in_the_environment_never_in_argv(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = sa.make_url("postgresql+psycopg://ops:s3cr%40t@db.example:5433/multilateral")
    dsn, env = libpq_target(url)
    assert dsn == "postgresql://ops@db.example:5433/multilateral"
    assert env["PGPASSWORD"] == "s3cr@t"
    seen: dict[str, Any] = {}

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen["argv"], seen["env"] = argv, kwargs["env"]
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(backup_service, "find_pg_tool", lambda name: f"/opt/pg/bin/{name}")
    monkeypatch.setattr(backup_service.subprocess, "run", fake_run)
    backup_service._run_pg_tool("pg_dump", ["--format=custom"], url)
    assert not any("s3cr" in arg for arg in seen["argv"])
    assert "--no-password" in seen["argv"] and seen["env"]["PGPASSWORD"] == "s3cr@t"


def test_pg_tools_are_found_on_path_or_under_usr_lib(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(backup_service.shutil, "which", lambda name: None)
    paths = [f"/usr/lib/postgresql/{v}/bin/pg_dump" for v in ("9.6", "15", "13")]
    monkeypatch.setattr(backup_service.glob, "glob", lambda pattern: paths)
    monkeypatch.setattr(backup_service.os, "access", lambda path, mode: True)
    assert find_pg_tool("pg_dump") == "/usr/lib/postgresql/15/bin/pg_dump"
    monkeypatch.setattr(backup_service.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert find_pg_tool("pg_dump") == "/usr/bin/pg_dump"


def test_help_explains_the_search_index(app: Flask) -> None:
    result = _cli(app, "backup", "--help")
    assert "restore rebuilds" in " ".join(result.output.split())
