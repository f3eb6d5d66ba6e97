"""Configuration layers: defaults here, then ``instance/config.py``, then the environment.

``DATABASE_URL`` names the database; every other setting can be given as
``MULTILATERAL_<NAME>`` (``MULTILATERAL_INDEX_DIR``, ``MULTILATERAL_SECRET_KEY`` …).
Values from the environment are parsed as JSON when they look like it, so
``MULTILATERAL_MAX_UPLOAD_BYTES=1048576`` is an int and ``MULTILATERAL_X=true`` a bool.
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["DEV_SECRET_KEY", "defaults", "from_environment"]

#: The key used when none is configured. Production refuses to start with it.
DEV_SECRET_KEY = "dev-only-not-secret"

ENV_PREFIX = "MULTILATERAL_"
#: Read by create_app before configuration exists, so not a setting.
_NOT_SETTINGS = {"INSTANCE_PATH"}
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def defaults(instance_path: str) -> dict[str, Any]:
    """The embedded defaults: SQLite and the Whoosh index on local disk."""
    return {
        "SECRET_KEY": DEV_SECRET_KEY,
        "ENV_NAME": "development",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "multilateral.db"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        #: The search engine: "whoosh" (an index in INDEX_DIR on this node's disk) or
        #: "postgres" (PostgreSQL's full text in the database itself, for several app
        #: servers; needs a PostgreSQL DATABASE_URL).
        "SEARCH_BACKEND": "whoosh",
        "INDEX_DIR": os.path.join(PROJECT_ROOT, "indexes"),
        "DELEGATION": "United States",
        #: The delegation in a title: "U.S. Position on …".
        "DELEGATION_SHORT": "U.S.",
        #: The banner in the header and footer of every position paper.
        "CLASSIFICATION": "SENSITIVE BUT UNCLASSIFIED",
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "MAX_UPLOAD_BYTES": 20 * 1024 * 1024,
        #: Paragraphs one version may have (larger texts get 413); compare takes as many.
        "MAX_PARAGRAPHS": 5000,
        "LEXICON_PATH": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Flask-Login's remember-me cookie, should it ever be used, like the session's.
        # Both cookies are also made Secure in production (security.register_security).
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        #: Failed logins for one user name within LOGIN_WINDOW_MINUTES that lock it …
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_WINDOW_MINUTES": 15,
        #: … for this long (every attempt meanwhile is refused, right password or not).
        "LOGIN_LOCKOUT_MINUTES": 15,
        #: Failed logins from one address within the window before it is refused too.
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        #: Lifetime of a new API token unless ``create-token --days`` says otherwise …
        "API_TOKEN_DAYS": 90,
        #: … which may not exceed this.
        "API_TOKEN_MAX_DAYS": 365,
        #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted
        #: (1 behind one nginx); 0 trusts none. Login throttling counts per client address.
        "TRUSTED_PROXIES": 0,
        "WTF_CSRF_TIME_LIMIT": None,
    }


def _parse(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """Settings given in the environment: ``DATABASE_URL`` and ``MULTILATERAL_*``."""
    found: dict[str, Any] = {}
    for name, value in environ.items():
        key = name[len(ENV_PREFIX) :]
        if name.startswith(ENV_PREFIX) and key and key not in _NOT_SETTINGS:
            found[key] = _parse(value)
    if environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    return found
