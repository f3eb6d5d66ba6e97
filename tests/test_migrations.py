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
    from multilateral.models.base import include_object

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
