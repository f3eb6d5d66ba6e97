"""Online backups of the database, and restoring them.

A backup is a directory holding two files:

- ``database.sqlite3`` (SQLite, written by SQLite's online backup API: one read
  transaction, so a consistent copy while the application keeps serving) or
  ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``manifest.json``: format, time, database kind, Alembic revision, the SHA-256 of the
  database file and the number of rows of every table, all read from the same snapshot as
  the copy.

The search index is not copied: it is derived from the database (every paragraph, with
its version and document), so restore rebuilds it from the restored rows. A copy taken
beside the database could disagree with it; a rebuild cannot. The manifest says so
(``"search_index": "rebuild"``).

The directory is written under a temporary name and renamed when complete, so a backup
that failed half-way never looks like a backup.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy.pool import NullPool

from multilateral.extensions import db
from multilateral.models.base import utcnow

__all__ = [
    "BackupError",
    "Manifest",
    "RestoreReport",
    "create_backup",
    "database_is_empty",
    "find_pg_tool",
    "libpq_target",
    "read_manifest",
    "restore_database",
    "row_counts",
]

#: Written into every manifest; restore refuses a format it does not know.
FORMAT = "multilateral-backup/1"
MANIFEST = "manifest.json"
#: The database file in a backup, by database kind.
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: Alembic's own table: counted, so a restore that lost the schema revision is caught.
ALEMBIC_TABLE = "alembic_version"
#: Seconds a PostgreSQL tool may run before the command gives up.
PG_TOOL_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Manifest:
    #: FORMAT.
    format: str
    #: UTC, ISO 8601, when the snapshot was taken.
    created_at: str
    #: "sqlite" or "postgresql".
    database: str
    #: Name of the database file inside the backup directory.
    database_file: str
    #: SHA-256 of that file: a damaged or edited backup is refused before anything changes.
    sha256: str
    #: Alembic revision of the schema in the backup.
    schema_revision: str
    #: Table name → rows, read from the same snapshot as the copy.
    row_counts: dict[str, int] = field(default_factory=dict)
    #: What restore does with the search index: "rebuild" (from the restored database).
    search_index: str = "rebuild"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True, slots=True)
class RestoreReport:
    manifest: Manifest
    #: The head revision the restored schema was upgraded to, None if it was current.
    upgraded_to: str | None


# --- shared helpers ---------------------------------------------------------------------


def _model_tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def row_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows per table (every model table that exists, and Alembic's), in name order."""
    present = set(sa.inspect(conn).get_table_names())
    names = sorted({t.name for t in _model_tables()} | {ALEMBIC_TABLE})
    return {
        name: int(conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 0)
        for name in names
        if name in present
    }


def database_is_empty(engine: sa.Engine) -> bool:
    """True when no model table holds a row (a new file, or a schema with no data yet)."""
    with engine.connect() as conn:
        counts = row_counts(conn)
    return not any(n for name, n in counts.items() if name != ALEMBIC_TABLE)


def _revision(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _scripts() -> ScriptDirectory:
    migrate = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _timestamp() -> str:
    return utcnow().isoformat(timespec="seconds") + "Z"


# --- PostgreSQL tools -------------------------------------------------------------------


def _version_key(path: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin/pg_dump → (15,); a newer pg_dump reads older servers.
    parts = Path(path).parts
    try:
        return tuple(int(p) for p in parts[-3].split("."))
    except (IndexError, ValueError):
        return (0,)


def find_pg_tool(name: str) -> str | None:
    """``pg_dump`` or ``pg_restore``: on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [
        p for p in glob.glob(f"/usr/lib/postgresql/*/bin/{name}") if os.access(p, os.X_OK)
    ]
    return max(candidates, key=_version_key) if candidates else None


def libpq_target(url: sa.URL) -> tuple[str, dict[str, str]]:
    """The libpq connection URI for ``url`` without its password, and the environment that
    carries the password (``PGPASSWORD``): argv is visible to every user of the machine."""
    # URL.set(password=None) would keep the password: None means "unchanged" there.
    bare = sa.URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    dsn = bare.render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return dsn, env


def _run_pg_tool(name: str, args: list[str], url: sa.URL) -> None:
    tool = find_pg_tool(name)
    if tool is None:
        raise BackupError(
            f"{name} was not found on PATH or under /usr/lib/postgresql/*/bin; "
            "install the PostgreSQL client (apt-get install postgresql-client)."
        )
    dsn, env = libpq_target(url)
    try:
        done = subprocess.run(
            [tool, "--no-password", f"--dbname={dsn}", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=PG_TOOL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{name} did not finish in {PG_TOOL_TIMEOUT} s.") from None
    if done.returncode != 0:
        raise BackupError(f"{name} failed (exit {done.returncode}): {done.stderr.strip()}")


# --- backup -----------------------------------------------------------------------------


def _prepare_target(target: Path) -> Path:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} exists and is not an empty directory; choose a new path.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory.")
    partial = target.parent / f".{target.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    # Owner only: a backup holds every text, position and password hash.
    partial.mkdir(mode=0o700)
    return partial


def _backup_sqlite(engine: sa.Engine, out: Path) -> tuple[str, dict[str, int]]:
    live = engine.url.database
    if not live or live == ":memory:" or not os.path.isfile(live):
        raise BackupError(f"There is no SQLite database file to back up ({live!r}).")
    with (
        closing(sqlite3.connect(live, timeout=30)) as source,
        closing(sqlite3.connect(out)) as copy,
    ):
        # pages=-1: the whole database in one step, inside one read transaction, so the
        # copy is the database as of one moment while writers carry on (WAL).
        source.backup(copy)
        # A self-contained file: no -wal beside it when it is opened later.
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The copy of the database failed SQLite's integrity check.")
    copy_engine = sa.create_engine(f"sqlite:///{out}", poolclass=NullPool)
    try:
        with copy_engine.connect() as conn:
            return _revision(conn) or "", row_counts(conn)
    finally:
        copy_engine.dispose()


def _backup_postgresql(engine: sa.Engine, out: Path) -> tuple[str, dict[str, int]]:
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the snapshot this transaction holds: the dump and the row
            # counts describe the same moment.
            snapshot = conn.scalar(sa.text("SELECT pg_export_snapshot()"))
            revision, counts = _revision(conn) or "", row_counts(conn)
            dump_args = ["--format=custom", f"--snapshot={snapshot}", f"--file={out}"]
            _run_pg_tool("pg_dump", dump_args, engine.url)
    return revision, counts


def create_backup(target: Path) -> Manifest:
    """Write a backup of the application's database into the new directory ``target``."""
    engine = db.engine
    kind = engine.dialect.name
    if kind not in DATABASE_FILES:
        raise BackupError(f"Backups of {kind} databases are not supported.")
    partial = _prepare_target(target)
    try:
        out = partial / DATABASE_FILES[kind]
        created_at = _timestamp()
        if kind == "sqlite":
            revision, counts = _backup_sqlite(engine, out)
        else:
            revision, counts = _backup_postgresql(engine, out)
        if not revision:
            raise BackupError("The database has no schema yet: run flask --app app init-db.")
        manifest = Manifest(
            format=FORMAT,
            created_at=created_at,
            database=kind,
            database_file=out.name,
            sha256=_sha256(out),
            schema_revision=revision,
            row_counts=counts,
        )
        (partial / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        for written in partial.iterdir():
            written.chmod(0o600)
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


# --- restore ----------------------------------------------------------------------------


def read_manifest(source: Path) -> Manifest:
    """The manifest of the backup in ``source``, checked against the file it describes."""
    path = source / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}.") from None
    except ValueError as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {data.get('format')!r}.")
    try:
        manifest = Manifest(**data)
    except TypeError as exc:
        raise BackupError(f"{path}: {exc}") from None
    if manifest.database_file != DATABASE_FILES.get(manifest.database):
        raise BackupError(f"{path}: unexpected database file {manifest.database_file!r}.")
    database_file = source / manifest.database_file
    if not database_file.is_file():
        raise BackupError(f"{database_file} is missing.")
    if _sha256(database_file) != manifest.sha256:
        raise BackupError(f"{database_file} does not match its manifest: the backup is damaged.")
    return manifest


def _restore_sqlite(engine: sa.Engine, backup_file: Path) -> None:
    live = engine.url.database
    if not live or live == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be restored into.")
    # The backup API writes the pages into the live file under SQLite's own locks, so the
    # write-ahead log and shared-memory files of the live database stay coherent (copying
    # the file over them would not).
    with (
        closing(sqlite3.connect(backup_file.resolve().as_uri() + "?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(live, timeout=30)) as dest,
    ):
        source.backup(dest)


def _restore_postgresql(engine: sa.Engine, backup_file: Path) -> None:
    _run_pg_tool(
        "pg_restore",
        [
            # Drop what the dump holds before recreating it; all or nothing.
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            # Objects belong to the restoring user, whatever role owned them before.
            "--no-owner",
            "--no-privileges",
            str(backup_file),
        ],
        engine.url,
    )


def restore_database(source: Path, *, force: bool = False) -> RestoreReport:
    """Replace the application's database with the backup in ``source``.

    Refuses a non-empty database unless ``force``; checks the backup's schema revision is
    one this code knows (upgrading it to the head afterwards) and that every table holds
    the rows the manifest counted. The caller then rebuilds the search index
    (:func:`multilateral.search.rebuild_index`), which the backup does not hold.
    """
    manifest = read_manifest(source)
    engine = db.engine
    kind = engine.dialect.name
    if manifest.database != kind:
        raise BackupError(
            f"The backup holds a {manifest.database} database; this application uses {kind}."
        )
    scripts = _scripts()
    try:
        known = scripts.get_revision(manifest.schema_revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"The backup's schema revision {manifest.schema_revision} is unknown to this "
            "version of Multilateral (made by a newer one?); nothing was changed."
        )
    db.session.remove()
    if not force and not database_is_empty(engine):
        raise BackupError(
            "The database is not empty; nothing was changed. Restore into a new database, "
            "or pass --force to replace this one."
        )
    if kind == "postgresql":
        # pg_restore --clean drops only what the dump holds: a table it does not know (made
        # by a later migration) would stay, and upgrading the restored schema would fail.
        with engine.connect() as conn:
            extra = set(sa.inspect(conn).get_table_names()) - set(manifest.row_counts)
        if extra:
            raise BackupError(
                f"The database has tables the backup does not ({', '.join(sorted(extra))}); "
                "nothing was changed. Restore into a new, empty database."
            )
    engine.dispose()
    if kind == "sqlite":
        _restore_sqlite(engine, source / manifest.database_file)
    else:
        _restore_postgresql(engine, source / manifest.database_file)
    engine.dispose()
    with engine.connect() as conn:
        revision = _revision(conn)
        counts = row_counts(conn)
    if revision != manifest.schema_revision:
        raise BackupError(
            f"The restored schema revision is {revision}, the manifest says "
            f"{manifest.schema_revision}."
        )
    differ = [
        f"{name}: {counts.get(name, 'missing')} rows, manifest {expected}"
        for name, expected in sorted(manifest.row_counts.items())
        if counts.get(name) != expected
    ]
    if differ:
        raise BackupError("The restored database differs from the manifest: " + "; ".join(differ))
    upgraded_to = None
    heads = scripts.get_heads()
    if revision not in heads:
        upgrade()
        upgraded_to = heads[0]
    return RestoreReport(manifest=manifest, upgraded_to=upgraded_to)
