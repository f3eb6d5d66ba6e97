from alembic.script import ScriptDirectory
from flask import Flask


def test_alembic_has_exactly_one_head(app: Flask) -> None:
    with app.app_context():
        migrate = app.extensions["migrate"]
        config = migrate.migrate.get_config(migrate.directory)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrations_match_the_models(app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from multilateral.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
