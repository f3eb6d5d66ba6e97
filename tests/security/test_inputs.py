"""Inputs that used to crash (500) or hold a worker too long (issue 11, points 5 and 6).

Tables, so that a new route is covered without a new test: every route with an ``<int:…>``
converter against integers no database column holds, every integer query parameter, every
API route that reads JSON against hostile bodies; then hostile zip packages, over-long
fields and a text with more paragraphs than a version may hold.
"""

from __future__ import annotations

import io
import json
import re
import struct
import time
import zipfile
from typing import Any

import pytest
from docx import Document as WordDocument
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from multilateral.extensions import db
from multilateral.models import Document, Mandate, Paragraph, Version
from multilateral.models.series import TextEvent
from multilateral.text.segment import segment_text
from tests.conftest import csrf_token, login

#: Integers no id or version number can be: past 64 bits, past 63, past PostgreSQL's
#: 32-bit integer, zero, negative, and more digits than Python converts by default.
BAD_INTS = (
    str(2**64),
    "-1",
    "99999999999999999999999",
    str(2**63),
    str(2**31),
    "0",
    "9" * 5000,
)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    """A stored document, one of its version numbers and one of that version's paragraphs."""
    with app.app_context():
        version = db.session.scalar(db.select(Version).order_by(Version.id))
        assert version is not None, "the seed data hold no version"
        paragraph = db.session.scalar(
            db.select(Paragraph).filter_by(version_id=version.id).order_by(Paragraph.position)
        )
        event = db.session.scalar(db.select(TextEvent).order_by(TextEvent.id))
        return {
            "document": version.document_id,
            "number": version.number,
            "paragraph": paragraph.id,
            "series": event.text.series_id,
            "text": event.text_id,
            "event": event.id,
            "mandate": db.session.scalar(db.select(Mandate.id).order_by(Mandate.id)),
        }


def _problem(response: Any, path: str) -> str | None:
    """What is wrong with an error answer, or None: never a 500; under /api the JSON
    error shape; elsewhere a page that says what happened."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status < 400:
        return None
    if path.startswith("/api/"):
        body = response.get_json(silent=True) or {}
        error = body.get("error") if isinstance(body, dict) else None
        if not (
            isinstance(error, dict)
            and isinstance(error.get("code"), str)
            and isinstance(error.get("message"), str)
            and error["message"]
        ):
            return f"{status} without the JSON error shape: {response.get_data()[:200]!r}"
    elif response.mimetype != "text/html" or b"flash-error" not in response.get_data():
        return f"{status} without an error page: {response.get_data()[:200]!r}"
    return None


# -- integers in paths and query strings --------------------------------------------------


def _fill(rule: str, values: dict[str, str]) -> str:
    return _ARG.sub(lambda m: values.get(m.group(2), "x"), rule)


def test_every_int_route_refuses_impossible_ids(
    app: Flask, client: FlaskClient, auth: Any, ids: dict[str, int]
) -> None:
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert len(rules) >= 14
    failures = []
    for rule in rules:
        names = [m.group(2) for m in _ARG.finditer(rule.rule) if m.group(1) == "int"]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for bad in BAD_INTS:
                fills = [dict.fromkeys(names, bad)]
                if "document_id" in names and len(names) > 1:
                    # a real document, an impossible version number
                    fills.append({**dict.fromkeys(names, bad), "document_id": str(ids["document"])})
                for values in fills:
                    path = _fill(rule.rule, values)
                    api_write = method in WRITE_METHODS and path.startswith("/api/")
                    body = {"json": {}} if api_write else {}
                    response = client.open(path, method=method, headers=auth("admin"), **body)
                    problem = _problem(response, path)
                    if problem is None and response.status_code not in (400, 404):
                        problem = f"{response.status_code}, expected 400 or 404"
                    if problem:
                        failures.append(f"{method} {path[:80]}: {problem}")
    assert not failures, "\n".join(failures[:40])


#: Every integer read from a query string: (path with {} for the value, the parameter).
QUERY_INTS = (
    "/api/documents?page={}",
    "/api/documents?per_page={}",
    "/documents?page={}",
    "/documents/{doc}?version={}",
    "/api/search?q=trafficking&page={}",
    "/api/search?q=trafficking&per_page={}",
    "/api/search?q=trafficking&year={}",
    "/search?q=trafficking&page={}",
    "/search?q=trafficking&year={}",
    "/api/documents/{doc}/compare?from={}&to={n}",
    "/api/documents/{doc}/compare?from={n}&to={}",
    "/api/documents/{doc}/compare.docx?from={}&to={n}",
    "/documents/{doc}/compare?from={n}&to={}",
    "/api/compare?from={doc}:{}&to={doc}:{n}",
    "/api/compare?from={}:{n}&to={doc}:{n}",
    "/api/compare.docx?from={doc}:{n}&to={}:{n}",
    "/compare?from={doc}:{}&to={doc}:{n}",
    "/compare?from={}:1&to={doc}:{n}",
    "/treaties/palermo-protocol?tier_year={}",
    "/treaties/palermo-protocol?as_of={}",
    "/api/treaties/palermo-protocol/status?tier_year={}",
    "/api/treaties/palermo-protocol/status?as_of={}",
)


@pytest.mark.parametrize("url", QUERY_INTS)
def test_integer_query_parameters_never_crash(
    client: FlaskClient, auth: Any, ids: dict[str, int], url: str
) -> None:
    failures = []
    for bad in BAD_INTS:
        path = url.replace("{doc}", str(ids["document"])).replace("{n}", str(ids["number"]))
        path = path.replace("{}", bad)
        response = client.get(path, headers=auth("viewer"))
        problem = _problem(response, path)
        if problem:
            failures.append(f"{path[:100]}: {problem}")
    assert not failures, "\n".join(failures)


def test_page_numbers_out_of_range_are_refused_with_the_range(client: FlaskClient, auth) -> None:
    response = client.get(f"/api/documents?page={2**64}", headers=auth("viewer"))
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad-parameter"
    assert "page" in response.json["error"]["message"]
    response = client.get(f"/documents?page={2**64}", headers=auth("viewer"))
    assert response.status_code == 400
    assert b"page must be" in response.get_data()


# -- JSON bodies --------------------------------------------------------------------------


def _json_routes(ids: dict[str, int]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every API route that reads a JSON body, with a body it would accept but for a lone
    surrogate in its text fields (the marker ``S``)."""
    doc, number = ids["document"], ids["number"]
    positions = f"/api/documents/{doc}/versions/{number}/positions"
    series = f"/api/series/{ids['series']}"
    text = f"{series}/texts/{ids['text']}"
    return {
        ("POST", "/api/documents"): {"title": "S", "forum": "un-ga", "kind": "resolution"},
        ("PATCH", f"/api/documents/{doc}"): {"title": "S"},
        ("POST", f"/api/documents/{doc}/versions"): {"text": "1. Decides S;", "label": "S"},
        ("PUT", positions): {
            "positions": [{"paragraph_id": ids["paragraph"], "stance": "oppose", "rationale": "S"}]
        },
        ("POST", "/api/precedents"): {"text": "trafficking S"},
        ("POST", "/api/classify"): {"text": "1. Decides S;"},
        ("POST", "/api/treaties"): {"slug": "s-treaty", "title": "S"},
        ("POST", "/api/series"): {"title": "S", "forum": "un-ga"},
        ("PATCH", series): {"title": "S"},
        ("POST", f"{series}/texts"): {"document": doc, "version": number, "symbol": "S"},
        ("POST", f"{text}/events"): {"kind": "introduced", "note": "S"},
        ("POST", f"{text}/sponsors"): {"sponsors": [{"state": "S", "role": "co-sponsor"}]},
        ("PUT", f"{text}/events/{ids['event']}/votes"): {"votes": [{"state": "S", "vote": "yes"}]},
        ("PUT", f"{text}/own-action"): {"action": "co-sponsored", "explanation": "S"},
        ("POST", f"{series}/next-draft"): {"note": "S"},
        ("POST", f"/api/mandates/{ids['mandate']}/delivery"): {"symbol": "S"},
        ("POST", "/api/treaties/palermo-protocol/actions"): {
            "iso3": "FRA",
            "kind": "signature",
            "date": "2001-01-01",
            "note": "S",
        },
    }


def test_the_json_table_covers_every_api_write_route(app: Flask, ids: dict[str, int]) -> None:
    covered = {(method, re.sub(r"\d+", "<int>", path)) for method, path in _json_routes(ids)}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<int:\w+>", "<int>", rule.rule).replace("<slug>", "palermo-protocol")
        for method in rule.methods & WRITE_METHODS - {"DELETE"}:  # a DELETE reads no body
            if rule.rule.startswith("/api/"):
                assert (method, path) in covered, f"{method} {rule.rule} reads JSON? add it above"


def _hostile_bodies(good: dict[str, Any]) -> dict[str, bytes]:
    lone = json.dumps(good).replace("S", "\\ud800").encode()
    assert b"\\ud800" in lone
    return {
        "lone surrogate": lone,
        "lone low surrogate": json.dumps(good).replace("S", "\\udfff").encode(),
        "200,000 deep": b"[" * 200_000 + b"]" * 200_000,
        "200,000 deep in a field": b'{"title": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        "top-level list": json.dumps([good]).encode(),
        "top-level string": b'"text"',
        "invalid UTF-8": json.dumps(good).encode().replace(b"S", b"\xff\xfe"),
        "truncated": json.dumps(good).encode()[:-1],
    }


def test_hostile_json_is_a_400(client: FlaskClient, auth: Any, ids: dict[str, int]) -> None:
    failures = []
    for (method, path), good in _json_routes(ids).items():
        for name, body in _hostile_bodies(good).items():
            response = client.open(
                path,
                method=method,
                data=body,
                headers={**auth("admin"), "Content-Type": "application/json"},
            )
            code = (response.get_json(silent=True) or {}).get("error", {}).get("code")
            if response.status_code != 400 or code != "malformed-json":
                failures.append(f"{method} {path} {name}: {response.status_code} {code}")
    assert not failures, "\n".join(failures)


def test_deep_but_parseable_json_is_refused(client: FlaskClient, auth: Any) -> None:
    body = b'{"text": "trafficking", "limit": ' + b"[" * 500 + b"]" * 500 + b"}"
    response = client.post(
        "/api/precedents",
        data=body,
        headers={**auth("viewer"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed-json"
    assert "deep" in response.json["error"]["message"]


@pytest.mark.parametrize(
    "number", [str(2**70), str(-(2**70)), str(2**53), "1e999", "-1e999", "NaN", "Infinity"]
)
def test_numbers_json_cannot_carry_are_refused(
    client: FlaskClient, auth: Any, ids: dict[str, int], number: str
) -> None:
    """I-JSON numbers only: an id of 2**70 would overflow SQLite's INTEGER (a 500)."""
    url = f"/api/documents/{ids['document']}/versions/{ids['number']}/positions"
    body = f'{{"positions": [{{"paragraph_id": {number}, "stance": "oppose"}}]}}'
    response = client.put(
        url, data=body, headers={**auth("negotiator"), "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "malformed-json"


def test_the_largest_exact_json_integer_is_read(client: FlaskClient, auth: Any) -> None:
    body = f'{{"text": "trafficking", "limit": {2**53 - 1}}}'
    response = client.post(
        "/api/precedents",
        data=body,
        headers={**auth("viewer"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad-field"  # read, then out of 1 … 50


def test_a_surrogate_pair_is_fine(client: FlaskClient, auth: Any) -> None:
    body = b'{"title": "Emoji \\ud83d\\ude00 draft", "forum": "un-ga", "kind": "resolution"}'
    response = client.post(
        "/api/documents",
        data=body,
        headers={**auth("negotiator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["title"] == "Emoji \U0001f600 draft"


#: Pages with forms: Flask-WTF would take a JSON body in place of the form fields.
JSON_PAGES = (
    "/login",
    "/documents/{doc}/upload",
    "/documents/{doc}/upload/save",
    "/documents/new",
    "/treaties/new",
    "/treaties/palermo-protocol/actions/new",
)


@pytest.mark.parametrize("url", JSON_PAGES)
def test_json_to_a_page_is_refused(
    client: FlaskClient, auth: Any, ids: dict[str, int], url: str
) -> None:
    """Pages take forms; JSON goes to /api. Any JSON body, hostile or not, is a 415 page."""
    path = url.replace("{doc}", str(ids["document"]))
    good = {"title": "S", "text": "1. Decides S;", "label": "S", "forum": "un-ga"}
    for name, body in {"fine": json.dumps(good).encode(), **_hostile_bodies(good)}.items():
        response = client.post(
            path, data=body, headers={**auth("admin"), "Content-Type": "application/json"}
        )
        assert response.status_code == 415, (name, response.get_data()[:300])
        assert _problem(response, path) is None, name


# -- uploads --------------------------------------------------------------------------------


def _docx(lines: list[str]) -> bytes:
    document = WordDocument()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _entries(data: bytes) -> list[tuple[int, int]]:
    """(local header offset, central directory offset) of every member, in order."""
    out, pos = [], 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        out.append((struct.unpack_from("<L", data, pos + 42)[0], pos))
        pos += 4
    return out


def _entry(data: bytes, name: str) -> tuple[int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        index = package.namelist().index(name)
    return _entries(data)[index]


def _patch(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


GOOD_LINES = ["1. Decides to remain seized of the matter;", "2. Requests a report;"]


def lying_zips() -> dict[str, bytes]:
    """Packages whose headers do not tell the truth about their members."""
    good = _docx(GOOD_LINES)
    members = _members(good)
    out: dict[str, bytes] = {}
    # The central directory says [Content_Types].xml is 40 bytes: its CRC cannot match.
    local, central = _entry(good, "[Content_Types].xml")
    out["size too small"] = _patch(good, central + 24, "<L", 40)
    # A CRC that does not match the content.
    out["wrong crc"] = _patch(good, central + 16, "<L", 0xDEADBEEF)
    # Deflate data that is not deflate.
    stored = _zip(members, zipfile.ZIP_STORED)
    local, central = _entry(stored, "word/document.xml")
    out["not deflate"] = _patch(
        _patch(stored, local + 8, "<H", zipfile.ZIP_DEFLATED), central + 10, "<H", 8
    )
    # A compression method no reader knows.
    local, central = _entry(good, "[Content_Types].xml")
    out["unknown method"] = _patch(_patch(good, local + 8, "<H", 99), central + 10, "<H", 99)
    # The encrypted flag, on a package that is not encrypted.
    out["encrypted flag"] = _patch(_patch(good, local + 6, "<H", 1), central + 8, "<H", 1)
    # Local header and central directory disagree on the name.
    name_at = local + 30
    out["names differ"] = good[:name_at] + b"[Content_Types].xmX" + good[name_at + 19 :]
    # The member's deflate stream is cut short and padded with zeros.
    local, central = _entry(good, "word/document.xml")
    start = local + 30 + sum(struct.unpack_from("<HH", good, local + 26))
    size = struct.unpack_from("<L", good, central + 20)[0]
    out["truncated stream"] = (
        good[: start + size // 2] + b"\x00" * (size - size // 2) + good[start + size :]
    )
    return out


@pytest.fixture
def new_doc(client: FlaskClient, auth: Any) -> int:
    body = {"title": "Hostile uploads", "forum": "un-ga", "kind": "resolution"}
    response = client.post("/api/documents", json=body, headers=auth("negotiator"))
    assert response.status_code == 201, response.get_data(as_text=True)
    return int(response.json["id"])


def _multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    """The body and content type of a multipart form, built in memory (the test client
    spools large bodies to a temporary file it never closes)."""
    boundary, body = encode_multipart(MultiDict(fields))
    return body, f"multipart/form-data; boundary={boundary}"


def _upload(client: FlaskClient, auth: Any, doc: int, name: str, data: bytes) -> Any:
    upload = FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")
    body, content_type = _multipart({"file": upload})
    return client.post(
        f"/api/documents/{doc}/versions",
        data=body,
        headers=auth("negotiator"),
        content_type=content_type,
    )


@pytest.mark.parametrize("case", sorted(lying_zips()))
def test_zips_that_lie_about_their_members_are_refused(
    client: FlaskClient, auth: Any, new_doc: int, case: str
) -> None:
    data = lying_zips()[case]
    response = _upload(client, auth, new_doc, "draft.docx", data)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert _problem(response, "/api/") is None
    assert response.json["error"]["message"].startswith("draft.docx: ")


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
)


def _renamed(main_part: str, document_xml: bytes | None = None, *, decoy: bool = False) -> bytes:
    """A .docx whose main part is ``main_part``, found through _rels/.rels and
    [Content_Types].xml as the standard says; with ``decoy`` a harmless
    word/document.xml stays beside it."""
    members = _members(_docx(GOOD_LINES))
    original = members.pop("word/document.xml")
    rels = members.pop("word/_rels/document.xml.rels")
    folder, _, base = main_part.rpartition("/")
    members[main_part] = document_xml if document_xml is not None else original
    members[f"{folder}/_rels/{base}.rels"] = rels
    members["_rels/.rels"] = members["_rels/.rels"].replace(
        b"word/document.xml", main_part.encode()
    )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"/word/document.xml", b"/" + main_part.encode()
    )
    if decoy:
        members["word/document.xml"] = original
    return _zip(members)


def _with_doctype(document_xml: bytes, doctype: bytes) -> bytes:
    body = document_xml.split(b"?>", 1)[1]
    return doctype + body.replace(b"Decides", b"Decides &lol9;", 1)


def test_a_renamed_main_part_is_read(client: FlaskClient, auth: Any, new_doc: int) -> None:
    response = _upload(client, auth, new_doc, "draft.docx", _renamed("word/main-text.xml"))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert [p["number"] for p in response.json["paragraphs"]] == ["1", "2"]


@pytest.mark.parametrize(
    ("main_part", "encoding"),
    [
        ("word/main-text.xml", "utf-8"),
        ("word/body", "utf-8"),  # no .xml extension: its content type says it is XML
        ("word/main.bin", "utf-16"),
        ("document.xml", "utf-16-le"),
        ("word/document2.xml", "utf-7"),  # "<!" is "+ADwAIQ-": no byte search finds it
    ],
)
def test_billion_laughs_in_a_renamed_main_part_is_refused(
    client: FlaskClient, auth: Any, new_doc: int, main_part: str, encoding: str
) -> None:
    original = _members(_docx(GOOD_LINES))["word/document.xml"]
    attack = _with_doctype(original, BILLION_LAUGHS)
    if encoding != "utf-8":
        declaration = f'<?xml version="1.0" encoding="{encoding.upper().replace("-LE", "LE")}"?>'
        text = attack.decode().replace('<?xml version="1.0"?>', declaration)
        if encoding == "utf-7":
            attack = _utf7_hiding_doctype(text)
        else:
            attack = text.encode(encoding)
    start = time.perf_counter()
    response = _upload(client, auth, new_doc, "draft.docx", _renamed(main_part, attack, decoy=True))
    assert time.perf_counter() - start < 5
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "doctype"
    assert main_part in response.json["error"]["message"]


def _utf7_hiding_doctype(xml: str) -> bytes:
    """``xml`` declared as UTF-7 with every ``<!`` written ``+ADwAIQ-``: still a DOCTYPE to
    an XML parser, invisible to a byte search."""
    declaration, body = xml.split("?>", 1)
    body = body.replace("+", "+-").replace("<!", "+ADwAIQ-")
    data = ('<?xml version="1.0" encoding="UTF-7"?>' + body).encode("ascii")
    assert b"<!" not in data
    return data


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-7"])
def test_a_doctype_in_akoma_ntoso_is_refused_in_any_encoding(
    client: FlaskClient, auth: Any, new_doc: int, encoding: str
) -> None:
    from multilateral.text.formats.akn import write_akn
    from multilateral.text.segment import segment_text

    akn = write_akn(segment_text("1. Decides to act;"), title="Draft", date="2024-01-01")
    text = akn.decode().replace("?>", '?>\n<!DOCTYPE akomaNtoso [<!ENTITY x "y">]>', 1)
    if encoding == "utf-7":
        data = _utf7_hiding_doctype(text)
    else:
        data = text.replace("UTF-8", encoding.upper()).encode(encoding)
    response = _upload(client, auth, new_doc, "draft.xml", data)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "doctype"


def test_a_zip_bomb_is_still_refused(client: FlaskClient, auth: Any, new_doc: int) -> None:
    members = _members(_docx(GOOD_LINES))
    members["word/media/padding.bin"] = b"\x00" * (60 * 1024 * 1024)
    response = _upload(client, auth, new_doc, "draft.docx", _zip(members))
    assert response.status_code == 400
    assert response.json["error"]["code"] == "zip-bomb"


def test_a_zip_with_absurdly_many_members_is_refused(
    client: FlaskClient, auth: Any, new_doc: int
) -> None:
    members = _members(_docx(GOOD_LINES))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as package:
        for name, data in members.items():
            package.writestr(name, data)
        for i in range(60_000):
            package.writestr(f"customXml/{i}", b"")
    start = time.perf_counter()
    response = _upload(client, auth, new_doc, "draft.docx", buffer.getvalue())
    assert time.perf_counter() - start < 5
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "too-many-parts"
    assert "60,0" in response.json["error"]["message"]


def test_absurd_list_numbering_is_bounded(client: FlaskClient, auth: Any, new_doc: int) -> None:
    """A numbering.xml starting a list at 10**15 must not build a 10**15-letter label."""
    members = _members(_docx(GOOD_LINES))
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    members["word/numbering.xml"] = (
        f'<?xml version="1.0"?><w:numbering {w}><w:abstractNum w:abstractNumId="7">'
        '<w:lvl w:ilvl="0"><w:start w:val="1000000000000000"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="(%1)"/></w:lvl><w:lvl w:ilvl="x"/></w:abstractNum>'
        '<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>'
    ).encode()
    members["word/document.xml"] = members["word/document.xml"].replace(
        b"</w:body>",
        b'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr>'
        b"<w:r><w:t>Decides to act;</w:t></w:r></w:p></w:body>",
    )
    start = time.perf_counter()
    response = _upload(client, auth, new_doc, "draft.docx", _zip(members))
    assert time.perf_counter() - start < 5
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


# -- lengths --------------------------------------------------------------------------------

LONG = "x" * 100_000


@pytest.mark.parametrize(
    ("field", "body", "limit"),
    [
        ("title", {"title": LONG}, "500"),
        ("symbol", {"symbol": LONG}, "100"),
        ("forum", {"forum": LONG}, "40"),
        ("tags", {"tags": [LONG]}, "100"),
        ("tags", {"tags": [f"t{i}" for i in range(1000)]}, "50"),
    ],
)
def test_over_long_document_fields_are_refused(
    app: Flask, client: FlaskClient, auth: Any, field: str, body: dict[str, Any], limit: str
) -> None:
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Document))
    good = {"title": "Fine", "forum": "un-ga", "kind": "resolution"}
    response = client.post("/api/documents", json={**good, **body}, headers=auth("negotiator"))
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    message = response.json["error"]["message"]
    assert field.rstrip("s") in message and limit in message, message
    assert len(message) < 300
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == before


@pytest.mark.parametrize(("field", "limit"), [("title", "500"), ("symbol", "100"), ("forum", "40")])
def test_over_long_fields_in_a_document_update_are_refused(
    client: FlaskClient, auth: Any, new_doc: int, field: str, limit: str
) -> None:
    response = client.patch(
        f"/api/documents/{new_doc}", json={field: LONG}, headers=auth("negotiator")
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    message = response.json["error"]["message"]
    assert field in message and limit in message and len(message) < 300
    assert client.get(f"/api/documents/{new_doc}", headers=auth("viewer")).json["title"] == (
        "Hostile uploads"
    )


def test_over_long_forum_in_a_path_or_filter(client: FlaskClient, auth: Any) -> None:
    for path in (f"/api/forums/{'x' * 3000}", f"/api/documents?forum={LONG}"):
        response = client.get(path, headers=auth("viewer"))
        assert response.status_code in (400, 404)
        assert len(response.json["error"]["message"]) < 300


def test_over_long_version_label_is_refused(
    app: Flask, client: FlaskClient, auth: Any, new_doc: int
) -> None:
    url = f"/api/documents/{new_doc}/versions"
    response = client.post(
        url, json={"text": "1. Decides;", "label": LONG}, headers=auth("negotiator")
    )
    assert response.status_code == 400
    message = response.json["error"]["message"]
    assert "label" in message and "100" in message and len(message) < 300
    response = client.post(
        url,
        data={"file": (io.BytesIO(_docx(GOOD_LINES)), "d.docx"), "label": LONG},
        headers=auth("negotiator"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "label" in response.json["error"]["message"]
    assert client.get(f"/api/documents/{new_doc}", headers=auth("viewer")).json["versions"] == []


def test_over_long_treaty_fields_and_a_twenty_digit_year(client: FlaskClient, auth) -> None:
    response = client.post(
        "/api/treaties", json={"slug": "long-title", "title": LONG}, headers=auth("admin")
    )
    assert response.status_code == 400
    message = response.json["error"]["message"]
    assert "title" in message and "500" in message and len(message) < 300
    for date, precision in (("9" * 20, "year"), ("2001-" + "9" * 20, "month")):
        body = {"iso3": "FRA", "kind": "signature", "date": date, "date_precision": precision}
        response = client.post(
            "/api/treaties/palermo-protocol/actions", json=body, headers=auth("admin")
        )
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert response.json["error"]["code"] == "bad-date"


# -- work per request ---------------------------------------------------------------------


def _paragraphs(n: int) -> str:
    return "\n".join(
        f"{i}. Decides to consider the question at session {i};" for i in range(1, n + 1)
    )


def test_the_default_paragraph_limit_matches_compare(app: Flask) -> None:
    from multilateral.services.compare import MAX_COMPARE_PARAGRAPHS

    assert app.config["MAX_PARAGRAPHS"] == MAX_COMPARE_PARAGRAPHS == 5000


def test_a_text_over_the_paragraph_limit_is_refused_quickly(
    app: Flask, client: FlaskClient, auth: Any, new_doc: int
) -> None:
    text = _paragraphs(60_000)
    start = time.perf_counter()
    response = client.post(
        f"/api/documents/{new_doc}/versions", json={"text": text}, headers=auth("negotiator")
    )
    elapsed = time.perf_counter() - start
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "too-many-paragraphs"
    assert "60,000" in response.json["error"]["message"]
    assert "5,000" in response.json["error"]["message"]
    # Refused right after segmenting, before any analysis or storage: relative to segmenting
    # the same text in this process, so a loaded machine does not make the test fail (reading
    # 60,000 paragraphs' clauses would take ten times as long).
    start = time.perf_counter()
    segment_text(text)
    segmenting = time.perf_counter() - start
    assert elapsed < 3 * segmenting + 1, f"took {elapsed:.1f} s, segmenting {segmenting:.1f} s"


def test_the_paragraph_limit_is_a_setting(
    app: Flask, client: FlaskClient, auth: Any, new_doc: int
) -> None:
    app.config["MAX_PARAGRAPHS"] = 10
    url = f"/api/documents/{new_doc}/versions"
    files = {
        "draft.txt": _paragraphs(11).encode(),
        "draft.docx": _docx(_paragraphs(11).split("\n")),
    }
    for name, data in files.items():
        response = _upload(client, auth, new_doc, name, data)
        assert response.status_code == 413, (name, response.get_data(as_text=True)[:300])
        assert "at most 10 paragraphs" in response.json["error"]["message"]
    response = client.post(url, json={"text": _paragraphs(10)}, headers=auth("negotiator"))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]


def test_the_upload_page_says_the_paragraph_limit(
    app: Flask, client: FlaskClient, new_doc: int
) -> None:
    app.config["MAX_PARAGRAPHS"] = 10
    login(client, "negotiator")
    page = f"/documents/{new_doc}/upload"
    assert b"at most 10 paragraphs" in client.get(page).get_data()
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "file": (io.BytesIO(_paragraphs(12).encode()), "draft.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'id="upload-error"' in html
    assert "12 paragraphs" in html and "at most 10" in html
