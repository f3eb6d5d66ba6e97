"""Adding versions to a document: upload API, upload page with preview, AKN export.

Every way in goes through :mod:`multilateral.services.imports`. The page keeps the uploaded
bytes between preview and Save in the service's stash (a database row named by their
SHA-256, so any app server can save it); the preview form carries only that hash, the file
name (for its extension) and the kinds the negotiator chose. The stash is dropped whatever
the Save's outcome, so a failed save leaves nothing behind: no row, no index entry, no file.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from multilateral.errors import ServiceError
from multilateral.extensions import db
from multilateral.models import DOCUMENT_KINDS, DOCUMENT_STATUSES, Document, Version
from multilateral.services import documents as document_service
from multilateral.services import imports
from multilateral.services.analysis import analyse_units
from multilateral.services.versions import duplicate_of, parse_date, units_of
from multilateral.text.formats.akn import write_akn
from multilateral.text.formats.errors import ImportProblem
from multilateral.text.formats.reader import sha256_of
from multilateral.text.units import KINDS, Segmented
from multilateral.views.auth import require_role
from multilateral.views.http import json_body, string_field
from multilateral.views.pages import version_name

__all__ = ["bp", "version_json"]

bp = Blueprint("versions", __name__)

_API = "/api/documents/<int:document_id>/versions"


def version_json(version: Version, *, paragraphs: bool = True) -> dict[str, Any]:
    """A version as the API returns it; with its paragraphs unless asked not to."""
    data = version.to_dict()
    data["document_id"] = version.document_id
    data["paragraph_count"] = len(version.paragraphs)
    if paragraphs:
        data["paragraphs"] = [p.to_dict() for p in version.paragraphs]
    return data


# -- API ------------------------------------------------------------------------------


@bp.post(_API)
@require_role("negotiator")
def create_version(document_id: int) -> Any:
    document = document_service.get_document(document_id)
    if request.is_json:
        data = json_body()
        text = string_field(data, "text")
        if not text.strip():
            raise ServiceError(400, "missing-field", "text is required (a non-empty string).")
        version = imports.import_text(
            document,
            text,
            label=string_field(data, "label"),
            version_date=parse_date(string_field(data, "date")),
            created_by=current_user,
        )
    elif request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ServiceError(400, "missing-file", "Send the draft as the multipart field file.")
        version = imports.import_file(
            document,
            upload.filename,
            upload.read(),
            label=request.form.get("label", ""),
            version_date=parse_date(request.form.get("date")),
            created_by=current_user,
            content_type=upload.mimetype or None,
        )
    else:
        raise ServiceError(
            415,
            "unsupported-media-type",
            'Send a multipart/form-data upload (field file) or JSON {"text": ...}.',
        )
    # The answer is built before the commit: once the version is committed nothing may turn
    # it into an error (the index work waits in the outbox if the index is busy or broken).
    body = version_json(version)
    db.session.commit()
    return jsonify(body), 201


@bp.get(f"{_API}/<int:number>")
def show_version(document_id: int, number: int) -> Any:
    document = document_service.get_document(document_id)
    return jsonify(version_json(document_service.get_version(document, number)))


@bp.get(f"{_API}/<int:number>.akn.xml")
def version_akn(document_id: int, number: int) -> Response:
    """The stored version as Akoma Ntoso 3.0, for exchange with AKN4UN tools."""
    document = document_service.get_document(document_id)
    version = document_service.get_version(document, number)
    when = version.date or version.created_at.date()
    xml = write_akn(
        Segmented(units=units_of(version), title=document.title),
        title=document.title,
        name=document.kind,
        date=when.isoformat(),
    )
    response = Response(xml, mimetype="application/akn+xml")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="document-{document.id}-v{version.number}.akn.xml"'
    )
    return response


# -- pages ----------------------------------------------------------------------------


class UploadForm(FlaskForm):
    file = FileField("Word, text, Markdown or Akoma Ntoso file")
    text = TextAreaField("Or paste the text")
    label = StringField("Label", validators=[Length(max=imports.LABEL_MAX)])
    date = StringField("Date the text bears")


class SaveForm(FlaskForm):
    #: SHA-256 of the stashed upload (the key of its stash row).
    stash = HiddenField()
    #: The uploaded file's name, for its extension; empty for pasted text.
    filename = HiddenField()
    content_type = HiddenField()
    label = HiddenField()
    date = HiddenField()


class DocumentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=500)])
    forum = SelectField("Forum", validators=[DataRequired()])
    symbol = StringField("Symbol", validators=[Length(max=100)])
    kind = SelectField("Kind", choices=[SelectChoice(k) for k in DOCUMENT_KINDS])
    status = SelectField("Status", choices=[SelectChoice(s) for s in DOCUMENT_STATUSES])


def _upload_page(document: Document, form: UploadForm, error: str = "", status: int = 200) -> Any:
    return render_template("documents/upload.html", document=document, form=form, error=error), (
        status
    )


def _form_problem(form: FlaskForm) -> str:
    return "; ".join(
        f"{form[name].label.text}: {', '.join(errs)}" for name, errs in form.errors.items()
    )


@bp.get("/documents/<int:document_id>/upload")
@require_role("negotiator")
def upload(document_id: int) -> Any:
    return _upload_page(document_service.get_document(document_id), UploadForm())


@bp.post("/documents/<int:document_id>/upload")
@require_role("negotiator")
def upload_preview(document_id: int) -> Any:
    """Parse the upload and show what was recognised; nothing is stored but the stash."""
    document = document_service.get_document(document_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(document, form, _form_problem(form), 400)
    upload = form.file.data
    try:
        version_date = parse_date(form.date.data)
        label = imports.check_label(form.label.data or "")
        if upload is not None and upload.filename:
            filename = os.path.basename(upload.filename)
            content_type = upload.mimetype or ""
            data = upload.read()
            segmented = imports.read_upload(filename, data, content_type=content_type)
        elif (form.text.data or "").strip():
            filename, content_type = "", ""
            segmented = imports.read_pasted(form.text.data or "")
            data = imports.pasted_bytes(form.text.data or "")
        else:
            raise ServiceError(400, "missing-file", "Choose a file or paste the text.")
        duplicate = duplicate_of(document, sha256_of(data))
        if duplicate is not None:
            raise ServiceError(
                409, "duplicate-version", f"This is identical to version {duplicate}."
            )
    except (ImportProblem, ServiceError) as exc:
        return _upload_page(document, form, exc.message, exc.status)
    save = SaveForm(
        formdata=None,
        stash=imports.stash_put(data),
        filename=filename,
        content_type=content_type,
        label=label,
        date=version_date.isoformat() if version_date else "",
    )
    return render_template(
        "documents/preview.html",
        document=document,
        form=save,
        segmented=segmented,
        analyses=analyse_units(segmented.units),
        kinds=KINDS,
        source=filename or "pasted text",
    )


@bp.post("/documents/<int:document_id>/upload/save")
@require_role("negotiator")
def upload_save(document_id: int) -> Any:
    """Store the previewed upload with the kinds chosen on the preview."""
    document = document_service.get_document(document_id)
    form = SaveForm()
    stash = form.stash.data or ""
    try:
        if not form.validate_on_submit():
            raise ServiceError(400, "bad-form", _form_problem(form) or "The form is not valid.")
        data = imports.stash_get(stash)
        common: dict[str, Any] = {
            "label": form.label.data or "",
            "version_date": parse_date(form.date.data),
            "created_by": current_user,
            "kinds": request.form.getlist("kind"),
        }
        if form.filename.data:
            version = imports.import_file(
                document,
                form.filename.data,
                data,
                content_type=form.content_type.data or None,
                **common,
            )
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise ServiceError(400, "stale-preview", "Upload the text again.") from None
            version = imports.import_text(document, text, **common)
        number, saved = version.number, version_name(version)
        paragraphs = len(version.paragraphs)
        db.session.commit()
    except (ImportProblem, ServiceError) as exc:
        db.session.rollback()
        return _upload_page(document, UploadForm(formdata=None), exc.message, exc.status)
    finally:
        imports.stash_drop(stash)
    flash(f"Saved: {saved}, {paragraphs:,} paragraph{'' if paragraphs == 1 else 's'}.", "success")
    return redirect(url_for("pages.document", document_id=document_id, version=number))


@bp.route("/documents/new", methods=["GET", "POST"])
@require_role("negotiator")
def new_document() -> Any:
    form = DocumentForm()
    form.forum.choices = [SelectChoice(f.slug, f.name) for f in document_service.list_forums()]
    error, status = "", 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                document = document_service.create_document(
                    title=form.title.data or "",
                    forum=form.forum.data or "",
                    kind=form.kind.data or "",
                    symbol=form.symbol.data,
                    status=form.status.data or "draft",
                    created_by=current_user,
                )
                title = document.title
                db.session.commit()
                flash(f"Created: {title}. Upload its first version next.", "success")
                return redirect(url_for("pages.document", document_id=document.id))
            except ServiceError as exc:
                db.session.rollback()
                error, status = exc.message, exc.status
        else:
            error, status = _form_problem(form), 400
    return render_template("documents/new.html", form=form, error=error), status
