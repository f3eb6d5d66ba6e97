"""Flask commands: init-db, seed, create-user, set-password, create-token, import,
import-status, reindex, backup, restore."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import ROLES, User
from multilateral.models.audit import acting_user
from multilateral.text.formats.errors import ImportProblem

__all__ = ["init_app"]


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade()
    click.echo("Database is at the latest schema.")


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load states, forums, the Palermo Protocol and the shipped texts (idempotent)."""
    from multilateral.services.seed import PALERMO_SLUG, seed_all
    from multilateral.services.treaties import get_treaty, ratification_status

    acting_user.set((None, "seed"))
    report = seed_all()
    db.session.commit()
    click.echo(
        f"Seeded: {report.states} new states, {report.forums} new forums, "
        f"{report.memberships} new memberships, {report.treaty_actions} new treaty acts, "
        f"{report.tip_placements} new TIP placements, "
        f"{report.documents} new documents, {report.versions} new versions, "
        f"{report.series} new series; the mandate registry holds {report.mandates} asks."
    )
    status = ratification_status(get_treaty(PALERMO_SLUG))
    counts = ", ".join(f"{n} {name}" for name, n in status.counts.items())
    click.echo(f"Palermo Protocol, all {status.total} states on record: {counts}.")


def _read_password(prompt: bool) -> str:
    if not sys.stdin.isatty() and not prompt:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of input."
)
@with_appcontext
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Create a user; the password is asked twice, or read from standard input."""
    from multilateral.services.accounts import create_user

    acting_user.set((None, "cli"))
    password = _read_password(prompt=not password_stdin)
    try:
        user = create_user(username, password, role)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.username!r}.")


@click.command("set-password")
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of input."
)
@with_appcontext
def set_password_command(username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password (asked twice, or read from standard input); every
    session signed in with the old one ends."""
    from multilateral.services.accounts import set_password

    user = db.session.scalar(db.select(User).filter_by(username=username.strip()))
    if user is None:
        raise click.ClickException(f"There is no user {username!r}.")
    acting_user.set((None, "cli"))
    password = _read_password(prompt=not password_stdin)
    try:
        set_password(user, password)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"New password set for {user.username!r}; their sessions were logged out.")


@click.command("create-token")
@click.argument("username")
@click.option("--name", "label", default="", help="What the token is for (shown to admins).")
@click.option(
    "--days", type=int, default=None, help="Lifetime in days [default: API_TOKEN_DAYS, 90]."
)
@with_appcontext
def create_token_command(username: str, label: str, days: int | None) -> None:
    """Print a new API token for USERNAME (shown once; only its hash is stored)."""
    from multilateral.services.accounts import create_token, find_token

    user = db.session.scalar(db.select(User).filter_by(username=username))
    if user is None:
        raise click.ClickException(f"There is no user {username!r}.")
    acting_user.set((None, "cli"))
    try:
        token = create_token(user, name=label, days=days)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    record = find_token(token)
    click.echo(token)
    click.echo(
        f"Token {record.id} for {username!r} expires {record.expires_at:%Y-%m-%d %H:%M} UTC; "
        "it is shown only this once.",
        err=True,
    )


@click.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token_command(token_id: int) -> None:
    """Revoke the API token TOKEN_ID (its id from create-token or /admin/tokens)."""
    from multilateral.services.accounts import revoke_token

    acting_user.set((None, "cli"))
    try:
        record = revoke_token(token_id)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(
        f"Token {record.id} ({record.name or 'unnamed'}) of {record.user.username!r} "
        f"is revoked since {record.revoked_at:%Y-%m-%d %H:%M} UTC."
    )


@click.command("bootstrap-admin")
@with_appcontext
def bootstrap_admin_command() -> None:
    """Create a first admin ("admin", random password printed once) when there is none."""
    import secrets

    from multilateral.services.accounts import create_user

    if db.session.scalar(db.select(User.id).filter_by(role="admin")) is not None:
        click.echo("An admin account exists already.")
        return
    acting_user.set((None, "cli"))
    password = secrets.token_urlsafe(12)
    create_user("admin", password, "admin")
    db.session.commit()
    rule = "=" * 72
    click.echo(
        "\n".join(
            [
                rule,
                "Created the first admin account, user name: admin",
                f"ADMIN PASSWORD (shown once): {password}",
                "Write it down, then log in at http://127.0.0.1:5000/login",
                "To change it: .venv/bin/flask --app app set-password admin",
                rule,
            ]
        )
    )


@click.command("reindex")
@click.option(
    "--check", is_flag=True, help="Compare index and database; rebuild only when they differ."
)
@with_appcontext
def reindex_command(check: bool) -> None:
    """Rebuild the search index from the database (or check it with --check)."""
    from multilateral.search import check_index, outbox, rebuild_index

    if check:
        report = check_index(repair=True)
        if not report.missing and not report.extra:
            click.echo("The index matches the database.")
        else:
            click.echo(
                f"The index lacked {report.missing} paragraphs and held {report.extra} "
                "that are gone; it was rebuilt."
            )
        return
    total = outbox.paragraph_count(db.session)
    db.session.close()
    with click.progressbar(length=total, label=f"Indexing {total} paragraphs") as bar:
        count = rebuild_index(progress=lambda n: bar.update(1))
    click.echo(f"Indexed {count} paragraphs.")


@click.command("reanalyse")
@with_appcontext
def reanalyse_command() -> None:
    """Analyse every stored paragraph again with the configured lexicon (after an upgrade or
    a lexicon edit); only changed paragraphs are written, and their versions re-indexed."""
    from multilateral.services.versions import reanalyse

    acting_user.set((None, "cli"))
    paragraphs, versions = reanalyse()
    db.session.commit()
    if versions:
        _drain_for_import()
    click.echo(
        f"Re-analysed: {paragraphs} paragraph{'' if paragraphs == 1 else 's'} changed "
        f"in {versions} version{'' if versions == 1 else 's'}."
    )


@click.command("refresh-mandates")
@with_appcontext
def refresh_mandates_command() -> None:
    """Derive the mandate registry again from every adopted text (deliveries are kept)."""
    from multilateral.services.mandates import refresh_all

    acting_user.set((None, "cli"))
    versions, mandates = refresh_all()
    db.session.commit()
    click.echo(f"Mandate registry: {mandates} asks in {versions} adopted texts.")


#: Files imported between two drains of the search outbox by ``flask import``.
IMPORT_DRAIN_EVERY = 250


def _drain_for_import() -> None:
    from multilateral.search import IndexBusy, drain_outbox

    try:
        drain_outbox(timeout=30.0)
    except IndexBusy:
        click.echo("The search index is busy; the new versions will be indexed later.", err=True)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--document", "document_id", type=int, required=True, help="Id of the document.")
@click.option("--label", required=True, help="Label of every version imported (Rev.1 …).")
@click.option("--date", "version_date", default=None, help="Date the revisions bear, YYYY-MM-DD.")
@with_appcontext
def import_command(
    paths: tuple[Path, ...], document_id: int, label: str, version_date: str | None
) -> None:
    """Import files as successive versions of one document, in the order given.

    Each file is its own transaction: a refused file is reported and the next one is
    imported. Exits with status 1 when any file failed.
    """
    from multilateral.models import Document
    from multilateral.search.outbox import deferred
    from multilateral.services.imports import import_file
    from multilateral.services.versions import parse_date

    acting_user.set((None, "cli"))
    try:
        when = parse_date(version_date)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    if db.session.get(Document, document_id) is None:
        raise click.ClickException(f"There is no document {document_id}.")
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    outcomes: list[str] = []
    failed = 0
    # One index writer for many versions: commits leave their work in the outbox, drained
    # every IMPORT_DRAIN_EVERY files and at the end.
    with deferred(), click.progressbar(paths, label=f"Importing {len(paths)} files") as bar:
        for done, path in enumerate(bar, 1):
            if done % IMPORT_DRAIN_EVERY == 0:
                _drain_for_import()
            try:
                if path.stat().st_size > limit:  # refused before it is read into memory
                    raise ImportProblem(
                        "too-large",
                        f"{path.name}: the file is {path.stat().st_size:,} bytes, "
                        f"over the limit of {limit:,} bytes",
                    )
                version = import_file(
                    db.session.get(Document, document_id),
                    path.name,
                    path.read_bytes(),
                    label=label,
                    version_date=when,
                )
                db.session.commit()
                outcomes.append(
                    f"ok: {path.name} → version {version.number} "
                    f"({len(version.paragraphs)} paragraphs)"
                )
            except (ImportProblem, ServiceError) as exc:
                db.session.rollback()
                failed += 1
                # The importers name the file themselves; the line names it once.
                outcomes.append(
                    f"failed: {path.name}: {exc.message.removeprefix(path.name + ': ')}"
                )
            except OSError as exc:
                db.session.rollback()
                failed += 1
                outcomes.append(f"failed: {path.name}: {exc.strerror or exc}")
            except Exception as exc:  # one broken file must not stop the batch
                db.session.rollback()
                failed += 1
                outcomes.append(f"failed: {path.name}: {type(exc).__name__}: {exc}")
    _drain_for_import()
    for line in outcomes:
        click.echo(line)
    click.echo(f"{len(paths) - failed} imported, {failed} failed.")
    if failed:
        click.get_current_context().exit(1)


@click.command("import-status")
@click.argument("treaty")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--source",
    default="",
    help="Where the table comes from (e.g. the UNTC page and the day it was copied). "
    "Required for a UN Treaty Collection table; a CSV names its source per row.",
)
@click.option("--yes", is_flag=True, help="Apply without asking (after showing the preview).")
@with_appcontext
def import_status_command(treaty: str, file: Path, source: str, yes: bool) -> None:
    """Update TREATY's acts from FILE: the shared CSV or a table copied from the UNTC page.

    Shows what would change and applies it only on confirmation; a table with any problem
    (an unknown name, a date before the treaty opened or in the future, an act that
    contradicts the record) changes nothing.
    """
    from multilateral.services.status_import import apply_status_import, plan_status_import
    from multilateral.services.treaties import get_treaty
    from multilateral.text.status_tables import StatusTableError, parse_status_table

    acting_user.set((None, "import-status"))
    fail = click.get_current_context().exit
    try:
        record = get_treaty(treaty)
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        fail(1)
    text = file.read_text(encoding="utf-8-sig")
    default = source.strip() or f"{file.name} (imported {date.today().isoformat()})"
    try:
        rows = parse_status_table(text, source=default)
    except StatusTableError as exc:
        click.echo(f"error: {file.name} cannot be read; nothing was changed.", err=True)
        for line, message in exc.problems:
            click.echo(f"  line {line}: {message}", err=True)
        fail(1)
    plan = plan_status_import(record, rows)
    if plan.problems:
        click.echo(
            f"error: {len(plan.problems)} problem(s) in {file.name}; nothing was changed.",
            err=True,
        )
        for line, message in plan.problems:
            click.echo(f"  line {line}: {message}", err=True)
        fail(1)
    counts = plan.counts
    for change in plan.changes:
        if change.op != "unchanged":
            click.echo(f"  {change.op}: line {change.line}: {change.describe()}")
    click.echo(
        f"{record.title[:60]}…: {counts['add']} to add, {counts['update']} to update, "
        f"{counts['unchanged']} unchanged."
    )
    if not counts["add"] and not counts["update"]:
        click.echo("Nothing to change.")
        return
    if not yes and not click.confirm("Apply these changes?", default=False):
        db.session.rollback()
        click.echo("Nothing was changed.")
        return
    apply_status_import(plan)
    db.session.commit()
    click.echo(f"Applied: {counts['add']} added, {counts['update']} updated.")


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write an online, consistent backup of the database into the new directory PATH.

    PATH gets the database (SQLite: a copy made with SQLite's backup API;
    PostgreSQL: pg_dump --format=custom, password passed in PGPASSWORD) and manifest.json
    (schema revision, database kind, rows per table, time, SHA-256 of the copy). The
    application may keep running meanwhile.

    The search index is not copied: it is built from the database, so restore rebuilds
    it from the restored rows, and the two cannot disagree.
    """
    from multilateral.services.backup import BackupError, create_backup

    try:
        manifest = create_backup(path)
    except BackupError as exc:
        raise click.ClickException(exc.message) from None
    rows = sum(manifest.row_counts.values())
    click.echo(
        f"Backed up the {manifest.database} database (schema {manifest.schema_revision}, "
        f"{rows} rows in {len(manifest.row_counts)} tables) to {path}."
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore the backup in PATH (made by `backup`) into the configured database.

    Refuses a database that holds data unless --force. Stop the application first.
    Checks the backup's SHA-256 and schema revision, restores (SQLite: SQLite's backup
    API; PostgreSQL: pg_restore --clean --if-exists), verifies every table's row count
    against the manifest, upgrades an older schema, then rebuilds the search index.
    """
    from multilateral.search import rebuild_index
    from multilateral.services.backup import BackupError, restore_database

    try:
        report = restore_database(path, force=force)
    except BackupError as exc:
        raise click.ClickException(exc.message) from None
    manifest = report.manifest
    click.echo(
        f"Restored the backup of {manifest.created_at} (schema {manifest.schema_revision}); "
        "every table holds the rows its manifest counted."
    )
    if report.upgraded_to:
        click.echo(f"Upgraded the schema to {report.upgraded_to}.")
    total = manifest.row_counts.get("paragraphs", 0)
    with click.progressbar(length=total, label=f"Indexing {total} paragraphs") as bar:
        count = rebuild_index(progress=lambda n: bar.update(1))
    click.echo(f"Indexed {count} paragraphs.")


def init_app(app: Flask) -> None:
    for command in (
        init_db_command,
        seed_command,
        create_user_command,
        set_password_command,
        create_token_command,
        revoke_token_command,
        bootstrap_admin_command,
        reindex_command,
        reanalyse_command,
        refresh_mandates_command,
        import_command,
        import_status_command,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
