from pathlib import Path

import pytest

from multilateral import create_app
from multilateral.config import DEV_SECRET_KEY


def test_testing_flag_comes_from_test_config(tmp_path: Path) -> None:
    cfg = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "INDEX_DIR": str(tmp_path)}
    assert not create_app(cfg).testing
    assert create_app({**cfg, "TESTING": True}).testing


def test_defaults_are_embedded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MULTILATERAL_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/multilateral.db"
    assert app.config["INDEX_DIR"].endswith("indexes")
    assert app.config["DELEGATION"] == "United States"


def test_production_refuses_the_development_key(tmp_path: Path) -> None:
    cfg = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "INDEX_DIR": str(tmp_path)}
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({**cfg, "ENV_NAME": "production", "SECRET_KEY": DEV_SECRET_KEY})
    assert create_app({**cfg, "ENV_NAME": "production", "SECRET_KEY": "s3cret"}).secret_key


def test_config_layers_instance_then_environment_then_test_dict(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "config.py").write_text(
        "DELEGATION = 'Canada'\nINDEX_DIR = '/from/instance'\nMAX_UPLOAD_BYTES = 5\n"
    )
    monkeypatch.setenv("MULTILATERAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MULTILATERAL_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("MULTILATERAL_MAX_UPLOAD_BYTES", "1048576")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app({"DELEGATION": "Mexico"})
    assert app.config["INDEX_DIR"] == str(tmp_path / "idx")  # environment beats instance
    assert app.config["MAX_UPLOAD_BYTES"] == 1048576  # parsed as a number
    assert app.config["MAX_CONTENT_LENGTH"] == 1048576
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["DELEGATION"] == "Mexico"  # the test dict beats everything
    monkeypatch.delenv("MULTILATERAL_INDEX_DIR")
    assert create_app().config["INDEX_DIR"] == "/from/instance"
    assert create_app().config["DELEGATION"] == "Canada"


def test_sqlite_runs_with_foreign_keys_and_write_ahead_log(app) -> None:
    from sqlalchemy import text

    from multilateral.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"
            return
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
