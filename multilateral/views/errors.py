"""Errors as JSON ``{"error": {"code", "message"}}`` under /api, as pages elsewhere."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.text.formats.errors import ImportProblem

__all__ = ["init_app", "error_response", "wants_json"]

#: Slugs for the HTTP errors Werkzeug raises itself.
_CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def error_response(status: int, code: str, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("errors/error.html", status=status, message=message), status


def _service_error(exc: ServiceError) -> tuple[Response | str, int]:
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message)


def _import_problem(exc: ImportProblem) -> tuple[Response | str, int]:
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message)


def _csrf_error(exc: CSRFError) -> tuple[Response | str, int]:
    return error_response(
        400, "csrf", f"The form expired or was not sent by this site: {exc.description}"
    )


def _integrity_error(exc: IntegrityError) -> tuple[Response | str, int]:
    # A race the service's own checks could not see (two saves of the same symbol at once).
    db.session.rollback()
    return error_response(409, "conflict", "The change conflicts with data saved meanwhile.")


def _data_error(exc: DataError) -> tuple[Response | str, int]:
    # A value the database refuses (too long for its column on PostgreSQL, say).
    db.session.rollback()
    return error_response(400, "bad-value", "A value is too long or of the wrong type.")


def _http_error(exc: HTTPException) -> tuple[Response | str, int]:
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = "The upload is larger than the limit of this service" + (
            f" ({limit / 1048576:g} MiB)." if limit else "."
        )
    response = error_response(status, _CODES.get(status, "error"), message)
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        body, code = response
        if isinstance(body, Response):
            body.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def _unexpected(exc: Exception) -> tuple[Response | str, int]:
    db.session.rollback()
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal", InternalServerError.description)


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(ImportProblem, _import_problem)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(DataError, _data_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
