"""Multilateral: drafts, diffs, clause strength, positions and ratification status."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from multilateral import config, limits
from multilateral.security import register_security

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands."""
    instance_path = os.environ.get("MULTILATERAL_INSTANCE_PATH") or os.path.join(
        config.PROJECT_ROOT, "instance"
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=os.path.join(config.PROJECT_ROOT, "templates"),
    )
    load_config(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    register_extensions(app)
    limits.init_app(app)  # before the blueprints: their routes take its int converter
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_commands(app)
    return app


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults, then instance/config.py, then the environment, then the test dict."""
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config.from_environment(os.environ))
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["ENV_NAME"] == "production" and app.config["SECRET_KEY"] == config.DEV_SECRET_KEY:
        raise RuntimeError(
            "refusing to start in production with the development secret key: "
            "set MULTILATERAL_SECRET_KEY"
        )
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"]


def register_extensions(app: Flask) -> None:
    from multilateral.extensions import csrf, db, login_manager, migrate
    from multilateral.models.audit import install_audit_listener
    from multilateral.search import init_search
    from multilateral.services.analysis import load_configured_lexicon
    from multilateral.services.database import configure_engine

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(config.PROJECT_ROOT, "migrations"))
    login_manager.init_app(app)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    install_audit_listener(db.session)
    init_search(app)
    load_configured_lexicon(app)


def register_blueprints(app: Flask) -> None:
    from multilateral.views import (
        admin,
        api,
        auth,
        clauses,
        compare,
        mandates,
        pages,
        positions,
        search,
        series,
        treaties,
        versions,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(versions.bp)
    app.register_blueprint(clauses.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(treaties.bp)
    app.register_blueprint(series.bp)
    app.register_blueprint(mandates.bp)
    app.register_blueprint(positions.bp)
    app.register_blueprint(admin.bp)
    auth.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from multilateral.views.errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from multilateral.cli import init_app

    init_app(app)
