"""The upload page: form, preview with corrected kinds, save; and the new-document page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import Document, User, Version
from tests.conftest import csrf_token, login
from tests.test_import_api import UN_DRAFT, counts, docx_bytes
from tests.test_stash import stashed


class _Form(HTMLParser):
    """Hidden inputs and, per select named "kind", its selected option, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.kinds: list[str] = []
        self._in_kind = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a.get("name") or ""] = a.get("value") or ""
        elif tag == "select" and a.get("name") == "kind":
            self._in_kind = True
        elif tag == "option" and self._in_kind and "selected" in a:
            self.kinds.append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_kind = False


def _parse(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


#: ``stash()`` → the SHA-256 of every upload waiting in the stash.
Stashed = Callable[[], list[str]]


@pytest.fixture
def stash(app: Flask) -> Stashed:
    """``stash()`` → the SHA-256 of every upload waiting in the stash (the database table)."""
    return lambda: stashed(app)


@pytest.fixture
def doc_id(app: Flask) -> int:
    from multilateral.services.documents import create_document

    with app.app_context():
        document = create_document(
            title="Trafficking in women and girls", forum="un-third-committee", kind="resolution"
        )
        db.session.commit()
        return document.id


def _preview(client: FlaskClient, doc_id: int, **fields: Any) -> Any:
    token = csrf_token(client, f"/documents/{doc_id}/upload")
    return client.post(
        f"/documents/{doc_id}/upload",
        data={"csrf_token": token, "label": "", "date": "", "text": "", **fields},
        content_type="multipart/form-data",
    )


def _stored(app: Flask, doc_id: int) -> list[Version]:
    with app.app_context():
        versions = db.session.get(Document, doc_id).versions
        for v in versions:
            v.paragraphs  # noqa: B018 - loaded before the session closes
        db.session.expunge_all()
        return versions


def test_preview_then_save_with_a_corrected_kind(
    app: Flask, client: FlaskClient, stash: Stashed, doc_id: int
) -> None:
    login(client, "negotiator")
    page = client.get(f"/documents/{doc_id}/upload")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'type="file"' in html and "<textarea" in html and 'name="csrf_token"' in html
    before = counts(app)
    data = docx_bytes(UN_DRAFT)
    preview = _preview(
        client,
        doc_id,
        file=(io.BytesIO(data), "L20.docx"),
        label="zero draft",
        date="2025-10-01",
    )
    assert preview.status_code == 200, preview.get_data(as_text=True)
    html = preview.get_data(as_text=True)
    form = _parse(html)
    assert form.kinds[3:6] == ["preambular", "preambular", "operative"]
    assert len(form.kinds) == len(UN_DRAFT)
    assert html.count("[ ] unagreed") == 3  # PP2, (b) and 5 bis hold brackets
    assert "5 bis" in html and "Decides to convene a high-level meeting" in html
    assert counts(app) == before, "the preview stores nothing"
    assert stash() == [form.hidden["stash"]]

    kinds = list(form.kinds)
    kinds[2] = "preambular"  # "The General Assembly," read as a heading: the user says otherwise
    saved = client.post(
        f"/documents/{doc_id}/upload/save",
        data={**form.hidden, "kind": kinds},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert saved.headers["Location"].endswith(f"/documents/{doc_id}?version=1")
    (version,) = _stored(app, doc_id)
    assert [p.kind for p in version.paragraphs] == kinds
    assert (version.label, version.date.isoformat()) == ("zero draft", "2025-10-01")
    assert version.source_filename == "L20.docx"
    assert stash() == []
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    words = " ".join(re.sub(r"<[^>]+>", " ", shown).split())  # the text, whatever the markup
    assert "Decides to convene a high-level meeting on trafficking in persons in 2026" in words
    assert shown.count('data-kind="preambular"') == 3


def test_pasted_text(app: Flask, client: FlaskClient, stash: Stashed, doc_id: int) -> None:
    login(client, "negotiator")
    text = "\r\n".join(UN_DRAFT)  # as a browser sends a textarea
    preview = _preview(client, doc_id, text=text, label="pasted")
    assert preview.status_code == 200
    form = _parse(preview.get_data(as_text=True))
    assert form.hidden["filename"] == ""
    saved = client.post(
        f"/documents/{doc_id}/upload/save", data={**form.hidden, "kind": form.kinds}
    )
    assert saved.status_code == 302
    (version,) = _stored(app, doc_id)
    assert version.source_filename == "" and len(version.paragraphs) == len(UN_DRAFT)
    assert [p.text for p in version.paragraphs][5] == UN_DRAFT[5].removeprefix("1. ")


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"file": (io.BytesIO(b"not a zip"), "L20.docx")}, 400, "this is not a Word .docx file"),
        ({"file": (io.BytesIO(b"%PDF-1.7"), "L20.pdf")}, 415, "files of type .pdf cannot be"),
        ({"file": (io.BytesIO(b""), "L20.txt")}, 400, "the file is empty"),
        ({}, 400, "Choose a file or paste the text."),
        ({"text": "1. Decides;", "date": "tomorrow"}, 400, "date must be YYYY-MM-DD"),
    ],
    ids=["not a zip", "pdf", "empty", "nothing", "bad date"],
)
def test_bad_input_shows_a_readable_message(
    app: Flask,
    client: FlaskClient,
    stash: Stashed,
    doc_id: int,
    fields: dict[str, Any],
    status: int,
    message: str,
) -> None:
    login(client, "negotiator")
    before = counts(app)
    response = _preview(client, doc_id, **fields)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and message in html
    assert 'type="file"' in html, "the form is shown again"
    assert counts(app) == before
    assert stash() == []


def test_a_failed_save_leaves_nothing(
    app: Flask, client: FlaskClient, auth, stash: Stashed, doc_id: int
) -> None:
    login(client, "negotiator")
    data = docx_bytes(UN_DRAFT)
    form = _parse(_preview(client, doc_id, file=(io.BytesIO(data), "L20.docx")).get_data(True))
    # Meanwhile a colleague stores the same file through the API (from another client).
    api = app.test_client().post(
        f"/api/documents/{doc_id}/versions",
        data={"file": (io.BytesIO(data), "L20.docx")},
        headers=auth("admin"),
        content_type="multipart/form-data",
    )
    assert api.status_code == 201
    before = counts(app)
    saved = client.post(
        f"/documents/{doc_id}/upload/save", data={**form.hidden, "kind": form.kinds}
    )
    assert saved.status_code == 409
    assert "identical to version 1" in saved.get_data(as_text=True)
    assert counts(app) == before
    assert stash() == []


def test_a_duplicate_is_told_at_preview(
    app: Flask, client: FlaskClient, stash: Stashed, doc_id: int
) -> None:
    login(client, "negotiator")
    data = docx_bytes(UN_DRAFT)
    form = _parse(_preview(client, doc_id, file=(io.BytesIO(data), "a.docx")).get_data(True))
    client.post(f"/documents/{doc_id}/upload/save", data={**form.hidden, "kind": form.kinds})
    again = _preview(client, doc_id, file=(io.BytesIO(data), "b.docx"))
    assert again.status_code == 409
    assert "identical to version 1" in again.get_data(as_text=True)
    assert len(_stored(app, doc_id)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stash": "../../instance/config.py"}, "upload the file again"),
        ({"stash": "0" * 64}, "expired or was saved already"),
        ({"kind": ["operative"]}, "The preview listed 1 paragraphs"),
        ({"kind": ["poem"] * len(UN_DRAFT)}, "kind must be one of"),
    ],
    ids=["path in stash", "unknown stash", "stale kinds", "bad kind"],
)
def test_a_tampered_save_is_refused(
    app: Flask,
    client: FlaskClient,
    stash: Stashed,
    doc_id: int,
    change: dict[str, Any],
    message: str,
) -> None:
    login(client, "negotiator")
    html = _preview(client, doc_id, file=(io.BytesIO(docx_bytes(UN_DRAFT)), "L20.docx"))
    form = _parse(html.get_data(as_text=True))
    before = counts(app)
    saved = client.post(
        f"/documents/{doc_id}/upload/save", data={**form.hidden, "kind": form.kinds, **change}
    )
    assert saved.status_code == 400
    assert message in saved.get_data(as_text=True)
    assert counts(app) == before
    assert _stored(app, doc_id) == []
    # The refused Save dropped what it named: the previewed upload, unless the name was forged.
    assert stash() == ([form.hidden["stash"]] if "stash" in change else [])


def test_forms_need_their_csrf_token(app: Flask, client: FlaskClient, doc_id: int) -> None:
    login(client, "negotiator")
    response = client.post(
        f"/documents/{doc_id}/upload",
        data={"text": "1. Decides;"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "The form expired or was not sent by this site" in response.get_data(as_text=True)
    created = client.post("/documents/new", data={"title": "X", "forum": "ilo", "kind": "other"})
    assert created.status_code == 400


def test_only_negotiators_see_and_use_the_upload(client: FlaskClient, doc_id: int) -> None:
    login(client, "viewer")
    assert "Upload a new version" not in client.get(f"/documents/{doc_id}").get_data(True)
    assert client.get(f"/documents/{doc_id}/upload").status_code == 403
    assert client.get("/documents/new").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "negotiator")
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert f'href="/documents/{doc_id}/upload">Upload a new version</a>' in page
    assert client.get("/documents/999999/upload").status_code == 404


def test_new_document_page(app: Flask, client: FlaskClient) -> None:
    login(client, "negotiator")
    page = client.get("/documents/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="un-third-committee"' in html
    token = csrf_token(client, "/documents/new")
    fields = {
        "csrf_token": token,
        "title": "Trafficking in persons: draft decision",
        "forum": "ccpcj",
        "symbol": "E/CN.15/2026/L.3",
        "kind": "decision",
        "status": "draft",
    }
    created = client.post("/documents/new", data=fields)
    assert created.status_code == 302, created.get_data(as_text=True)
    with app.app_context():
        document = db.session.scalar(db.select(Document).filter_by(symbol="E/CN.15/2026/L.3"))
        assert (document.title, document.kind, document.forum.slug) == (
            fields["title"],
            "decision",
            "ccpcj",
        )
        assert db.session.get(User, document.created_by_id).username == "negotiator"
    assert created.headers["Location"].endswith(f"/documents/{document.id}")
    again = client.post("/documents/new", data=fields)
    assert again.status_code == 409
    assert 'role="alert"' in again.get_data(as_text=True)
    assert "E/CN.15/2026/L.3" in again.get_data(as_text=True)
    blank = client.post("/documents/new", data={**fields, "title": "", "symbol": ""})
    assert blank.status_code == 400 and "Title" in blank.get_data(as_text=True)
    bad_forum = client.post("/documents/new", data={**fields, "forum": "atlantis", "symbol": ""})
    assert bad_forum.status_code == 400


def test_an_upload_over_the_limit_gets_a_page(
    app: Flask, client: FlaskClient, stash: Stashed, doc_id: int
) -> None:
    login(client, "negotiator")
    data = docx_bytes(UN_DRAFT)
    app.config["MAX_UPLOAD_BYTES"] = len(data) - 1
    response = _preview(client, doc_id, file=(io.BytesIO(data), "L20.docx"))
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert f"over the limit of {len(data) - 1:,} bytes" in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = len(data) - 1
    response = _preview(client, doc_id, file=(io.BytesIO(data), "L20.docx"))
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "larger than the limit" in response.get_data(as_text=True)
    assert _stored(app, doc_id) == []
