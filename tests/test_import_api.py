"""POST /api/documents/<id>/versions, GET one version and its Akoma Ntoso export."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from docx import Document as WordDocument
from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import Document, Paragraph, Version
from multilateral.search import backend
from multilateral.search.gateway import SearchQuery
from tests.conftest import TEXTS

#: A UN draft resolution as delegations circulate it: symbol, title, opening formula,
#: preambular paragraphs, numbered operative paragraphs with sub-paragraphs, a "bis"
#: paragraph and unagreed [bracketed] text.
UN_DRAFT = [
    "A/C.3/80/L.20",
    "Trafficking in women and girls",
    "The General Assembly,",
    "Recalling its resolution 78/170 of 19 December 2023 on trafficking in women and girls,",
    "Deeply concerned that [women and girls] continue to be trafficked for forced labour,",
    "1. Decides to convene a high-level meeting on trafficking in persons in 2026;",
    "2. Requests the Secretary-General to report at its eighty-first session on:",
    "(a) prevention of trafficking in women and girls;",
    "(b) [protection of victims and survivors];",
    "5 bis. [Encourages States to consider ratifying the Protocol as appropriate];",
]


def docx_bytes(lines: list[str]) -> bytes:
    """A Word file with one paragraph per line, as python-docx writes it."""
    document = WordDocument()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def new_document(client: FlaskClient, auth: Any, title: str = "Trafficking draft") -> int:
    body = {"title": title, "forum": "un-third-committee", "kind": "resolution"}
    response = client.post("/api/documents", json=body, headers=auth("negotiator"))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def counts(app: Flask) -> tuple[int, int, int]:
    """(versions, paragraphs, indexed paragraphs): what a failed import must leave alone."""
    with app.app_context():
        versions = db.session.scalar(db.select(db.func.count()).select_from(Version))
        paragraphs = db.session.scalar(db.select(db.func.count()).select_from(Paragraph))
        indexed = backend().state().paragraphs
    return versions, paragraphs, indexed


def upload(
    client: FlaskClient,
    headers: dict[str, str],
    document_id: int,
    name: str,
    data: bytes,
    content_type: str = "application/octet-stream",
    **fields: str,
) -> Any:
    return client.post(
        f"/api/documents/{document_id}/versions",
        data={"file": (io.BytesIO(data), name, content_type), **fields},
        headers=headers,
        content_type="multipart/form-data",
    )


def _error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_upload_a_un_draft_as_docx(app: Flask, client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    before = counts(app)
    data = docx_bytes(UN_DRAFT)
    response = upload(
        client, auth("negotiator"), doc_id, "L20.docx", data, label="zero draft", date="2025-10-01"
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    version = response.json
    assert (version["number"], version["label"], version["date"]) == (1, "zero draft", "2025-10-01")
    assert version["sha256"] == hashlib.sha256(data).hexdigest()
    assert version["source_filename"] == "L20.docx"
    assert version["paragraph_count"] == len(version["paragraphs"]) == len(UN_DRAFT)
    by_number = {p["number"]: p for p in version["paragraphs"]}
    assert by_number["1"]["kind"] == "operative" and by_number["1"]["label"] == "actionable"
    assert by_number["5 bis"]["bracketed"] and not by_number["1"]["bracketed"]
    assert by_number["(b)"]["kind"] == "subparagraph"
    assert by_number["(b)"]["parent_id"] == by_number["2"]["id"]
    assert [p["kind"] for p in version["paragraphs"] if p["number"].startswith("PP")] == [
        "preambular",
        "preambular",
    ]
    assert counts(app) == (
        before[0] + 1,
        before[1] + len(UN_DRAFT),
        before[2] + len(UN_DRAFT),
    )
    with app.app_context():
        hits = backend().search(SearchQuery(text='"high-level meeting"', facets=False)).hits
    assert {h.entry.document_id for h in hits} == {doc_id}


def test_get_a_version_with_its_paragraphs(client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    upload(client, auth("negotiator"), doc_id, "L20.docx", docx_bytes(UN_DRAFT))
    body = client.get(f"/api/documents/{doc_id}/versions/1", headers=auth("viewer")).json
    assert body["number"] == 1 and body["paragraph_count"] == len(UN_DRAFT)
    first_op = next(p for p in body["paragraphs"] if p["number"] == "1")
    assert {
        "id",
        "kind",
        "number",
        "text",
        "label",
        "strength",
        "cues",
        "bracketed",
        "heading",
        "parent_id",
        "lineage",
    } <= set(first_op)
    assert first_op["text"] == UN_DRAFT[5].removeprefix("1. ")
    assert first_op["strength"] > 0 and first_op["cues"]
    _error(
        client.get(f"/api/documents/{doc_id}/versions/9", headers=auth("viewer")), 404, "not-found"
    )
    _error(client.get("/api/documents/999999/versions/1", headers=auth("viewer")), 404, "not-found")


def test_a_second_version_keeps_lineage(client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    h = auth("negotiator")
    upload(client, h, doc_id, "L20.docx", docx_bytes(UN_DRAFT))
    rev = [*UN_DRAFT[:5], "1. Encourages States to convene a meeting on trafficking in 2026;"]
    second = upload(client, h, doc_id, "L20-rev1.docx", docx_bytes(rev), label="Rev.1").json
    assert second["number"] == 2
    first = client.get(f"/api/documents/{doc_id}/versions/1", headers=h).json
    lineages = {p["number"]: p["lineage"] for p in first["paragraphs"]}
    assert {p["number"]: p["lineage"] for p in second["paragraphs"]}["PP1"] == lineages["PP1"]


def test_pasted_text_as_json(app: Flask, client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    text = "\n".join(UN_DRAFT)
    h = auth("negotiator")
    response = client.post(
        f"/api/documents/{doc_id}/versions", json={"text": text, "label": "pasted"}, headers=h
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.json
    assert body["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert body["source_filename"] == "" and body["label"] == "pasted"
    assert [p["kind"] for p in body["paragraphs"]][3:6] == ["preambular", "preambular", "operative"]
    before = counts(app)
    again = client.post(f"/api/documents/{doc_id}/versions", json={"text": text}, headers=h)
    _error(again, 409, "duplicate-version")
    # The same text pasted from a browser (CRLF line breaks) is the same text.
    crlf = client.post(
        f"/api/documents/{doc_id}/versions", json={"text": text.replace("\n", "\r\n")}, headers=h
    )
    _error(crlf, 409, "duplicate-version")
    assert counts(app) == before


def test_text_with_no_structure_is_kept_as_plain_paragraphs(client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    prose = "The delegation met the facilitator on Tuesday.\nThe next informal is on Friday."
    response = upload(client, auth("negotiator"), doc_id, "notes.txt", prose.encode(), "text/plain")
    assert response.status_code == 201
    body = response.json
    assert [p["kind"] for p in body["paragraphs"]] == ["text", "text"]
    assert [p["text"] for p in body["paragraphs"]] == prose.split("\n")
    assert any("no recognisable structure" in w for w in body["warnings"])


def test_a_real_treaty_text_file(client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth, "C182 copy")
    data = (TEXTS / "nl_bwb_ilo_c182_worst_forms_child_labour.txt").read_bytes()
    body = upload(client, auth("negotiator"), doc_id, "c182.txt", data, "text/plain").json
    articles = [p["number"] for p in body["paragraphs"] if p["kind"] == "article"]
    assert articles[:3] == ["Article 1", "Article 2", "Article 3"]
    assert len(articles) == len(set(articles))


def test_who_may_upload(client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    data = docx_bytes(UN_DRAFT)
    _error(upload(client, auth("viewer"), doc_id, "L20.docx", data), 403, "forbidden")
    bad_token = {"Authorization": "Bearer not-a-token"}
    _error(upload(client, bad_token, doc_id, "L20.docx", data), 401, "bad-token")
    assert upload(client, auth("admin"), doc_id, "L20.docx", data).status_code == 201


def test_request_errors_store_nothing(app: Flask, client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    h = auth("negotiator")
    data = docx_bytes(UN_DRAFT)
    assert upload(client, h, doc_id, "L20.docx", data).status_code == 201
    before = counts(app)
    url = f"/api/documents/{doc_id}/versions"
    _error(upload(client, h, 999999, "L20.docx", docx_bytes(UN_DRAFT[:4])), 404, "not-found")
    _error(upload(client, h, doc_id, "again.docx", data), 409, "duplicate-version")
    _error(
        upload(client, h, doc_id, "x.docx", data[:-1] + b"!", date="31/12/2025"), 400, "bad-date"
    )
    _error(
        client.post(url, data={"label": "x"}, headers=h, content_type="multipart/form-data"),
        400,
        "missing-file",
    )
    _error(client.post(url, json={"label": "no text"}, headers=h), 400, "missing-field")
    _error(client.post(url, json={"text": 42}, headers=h), 400, "bad-field")
    _error(client.post(url, json={"text": "   \n "}, headers=h), 400, "missing-field")
    _error(
        client.post(url, json={"text": "1. Decides;", "date": "soon"}, headers=h), 400, "bad-date"
    )
    _error(
        client.post(url, json={"text": "1. Decides;", "label": "x" * 101}, headers=h),
        400,
        "bad-field",
    )
    _error(client.post(url, json={"text": "a\x00b"}, headers=h), 400, "nul-bytes")
    _error(
        client.post(url, data="1. Decides;", headers={**h, "Content-Type": "text/plain"}),
        415,
        "unsupported-media-type",
    )
    assert counts(app) == before


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    # 2 MiB of zeros deflates to about 2 KiB: a ratio far beyond any Word file's.
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (2 << 20)})


EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE akomaNtoso [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    b'\n<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><doc name="x">'
    b"<mainBody><p>&secret;</p></mainBody></doc></akomaNtoso>"
)
BAD_INPUTS = [
    pytest.param("draft.docx", b"", 400, "empty", id="empty file"),
    pytest.param("draft.docx", b"this is not a zip package", 400, "not-docx", id="not a zip"),
    pytest.param(
        "draft.docx", _zip({"notes.txt": b"hello"}), 400, "not-word", id="zip without document"
    ),
    pytest.param(
        "draft.docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        400,
        "encrypted",
        id="password-protected",
    ),
    pytest.param("draft.docm", docx_bytes(UN_DRAFT), 400, "macro-enabled", id="docm"),
    pytest.param("draft.docx", _zip_bomb(), 400, "zip-bomb", id="zip bomb"),
    pytest.param("draft.xml", EXTERNAL_ENTITY, 400, "doctype", id="external entity"),
    pytest.param("draft.xml", b"<akomaNtoso><doc", 400, "bad-xml", id="broken xml"),
    pytest.param("draft.pdf", b"%PDF-1.7 ...", 415, "unsupported-type", id="unknown extension"),
    pytest.param("draft.txt", "1. Décide".encode("latin-1"), 400, "encoding", id="not utf-8"),
    pytest.param("draft.txt", "1. Decides".encode("utf-16"), 400, "nul-bytes", id="nul bytes"),
]


@pytest.mark.parametrize(("name", "data", "status", "code"), BAD_INPUTS)
def test_bad_files_are_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, auth, name: str, data: bytes, status: int, code: str
) -> None:
    doc_id = new_document(client, auth)
    before = counts(app)
    _error(upload(client, auth("negotiator"), doc_id, name, data), status, code)
    assert counts(app) == before
    body = client.get(f"/api/documents/{doc_id}", headers=auth("viewer")).json
    assert body["versions"] == []


def test_content_type_that_contradicts_the_extension(app: Flask, client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    before = counts(app)
    response = upload(client, auth("negotiator"), doc_id, "draft.txt", b"1. Decides;", "image/png")
    _error(response, 415, "unsupported-type")
    assert counts(app) == before


def test_over_the_size_limit(app: Flask, client: FlaskClient, auth) -> None:
    doc_id = new_document(client, auth)
    h = auth("negotiator")
    data = "\n".join(UN_DRAFT * 20).encode()
    before = counts(app)
    # Refused by the importer's own check (the request itself fits Flask's limit) …
    app.config["MAX_UPLOAD_BYTES"] = len(data) - 1
    _error(upload(client, h, doc_id, "big.txt", data), 413, "too-large")
    url = f"/api/documents/{doc_id}/versions"
    _error(client.post(url, json={"text": data.decode()}, headers=h), 413, "too-large")
    # … and by Flask before the body is read, as configured by create_app.
    app.config["MAX_CONTENT_LENGTH"] = len(data) - 1
    _error(upload(client, h, doc_id, "big.txt", data), 413, "too-large")
    assert counts(app) == before
    app.config["MAX_UPLOAD_BYTES"] = app.config["MAX_CONTENT_LENGTH"] = len(data) + 1000
    assert upload(client, h, doc_id, "big.txt", data).status_code == 201


def test_akoma_ntoso_export_round_trip(app: Flask, client: FlaskClient, auth) -> None:
    h = auth("negotiator")
    with app.app_context():
        palermo = db.session.scalar(db.select(Document).filter_by(symbol="A/RES/55/25, annex II"))
        palermo_id = palermo.id
    exported = client.get(f"/api/documents/{palermo_id}/versions/1.akn.xml", headers=h)
    assert exported.status_code == 200
    assert exported.mimetype == "application/akn+xml"
    assert b"http://docs.oasis-open.org/legaldocml/ns/akn/3.0" in exported.data
    original = client.get(f"/api/documents/{palermo_id}/versions/1", headers=h).json
    copy_id = new_document(client, auth, "Palermo Protocol, exchanged as AKN")
    response = upload(client, h, copy_id, "palermo.akn.xml", exported.data, "application/akn+xml")
    assert response.status_code == 201, response.get_data(as_text=True)

    def shape(version: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
        return [(p["kind"], p["number"], p["text"], p["bracketed"]) for p in version["paragraphs"]]

    assert len(original["paragraphs"]) > 50
    assert shape(response.json) == shape(original)
    nesting = [[p["parent_id"] is None for p in v["paragraphs"]] for v in (original, response.json)]
    assert nesting[0] == nesting[1]


def test_akoma_ntoso_export_of_a_bracketed_draft(client: FlaskClient, auth) -> None:
    h = auth("negotiator")
    doc_id = new_document(client, auth)
    original = upload(client, h, doc_id, "L20.docx", docx_bytes(UN_DRAFT)).json
    exported = client.get(f"/api/documents/{doc_id}/versions/1.akn.xml", headers=h)
    assert b'class="operative bracketed"' in exported.data
    copy_id = new_document(client, auth, "copy")
    copy = upload(client, h, copy_id, "copy.xml", exported.data, "application/xml").json
    assert [(p["kind"], p["number"], p["text"], p["bracketed"]) for p in copy["paragraphs"]] == [
        (p["kind"], p["number"], p["text"], p["bracketed"]) for p in original["paragraphs"]
    ]
    _error(client.get(f"/api/documents/{doc_id}/versions/2.akn.xml", headers=h), 404, "not-found")
