"""Comparing stored versions through the API: real Palermo text, real revisions."""

import io
import re
import subprocess
from pathlib import Path

import docx
from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import Document
from multilateral.services.versions import add_version
from multilateral.text.formats.reader import sha256_of
from multilateral.text.redline import accepted_text, rejected_text
from multilateral.text.segment import segment_text
from tests.conftest import TEXTS, system_program

PALERMO = "A/RES/55/25, annex II"
SMUGGLING = "A/RES/55/25, annex III"
ART5_1 = "Each State Party shall adopt such legislative and other measures as may be necessary"


def _doc_id(app: Flask, symbol: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Document.id).filter_by(symbol=symbol))


def _add_revision(app: Flask, symbol: str, text: str, label: str) -> int:
    with app.app_context():
        document = db.session.scalar(db.select(Document).filter_by(symbol=symbol))
        version = add_version(
            document, segment_text(text), sha256=sha256_of(text.encode()), label=label
        )
        db.session.commit()
        return version.number


def _palermo_text() -> str:
    return (TEXTS / "palermo_tip_protocol_2000_final_en.txt").read_text(encoding="utf-8")


def test_formatting_only_revisions_report_no_change_of_wording(client: FlaskClient, auth, app):
    doc = _doc_id(app, PALERMO)
    for a, b in ((1, 2), (2, 3), (1, 3)):
        body = client.get(f"/api/documents/{doc}/compare?from={a}&to={b}", headers=auth("viewer"))
        assert body.status_code == 200
        summary = body.json["summary"]
        assert summary["wording_changes"] == 0, [
            p for p in body.json["pairs"] if p["wording_changed"]
        ][:2]
        assert {p["op"] for p in body.json["pairs"]} == {"unchanged"}


def test_a_weakened_obligation_is_flagged_with_the_cue_that_moved(client, auth, app):
    text = _palermo_text()
    assert text.count(ART5_1) == 1
    weakened = text.replace(ART5_1, ART5_1.replace("shall adopt", "shall consider adopting"))
    number = _add_revision(app, PALERMO, weakened, "Rev.1")
    doc = _doc_id(app, PALERMO)
    body = client.get(f"/api/documents/{doc}/compare?from=1&to={number}", headers=auth("viewer"))
    changed = [p for p in body.json["pairs"] if p["op"] != "unchanged"]
    assert len(changed) == 1
    pair = changed[0]
    assert pair["op"] == "modified" and pair["new_number"] == "1"
    assert pair["shift"] == "weakened"
    assert pair["old"]["strength"] > pair["new"]["strength"]
    assert {"op": "insert", "text": "consider adopting"} in pair["diff"] or any(
        d["op"] == "insert" and "consider" in d["text"] for d in pair["diff"]
    )
    assert any(d["op"] == "delete" and "adopt" in d["text"] for d in pair["diff"])
    assert body.json["summary"]["weakened"][0]["index"] == pair["index"]
    added = {c["text"] for c in pair["cues_added"]}
    assert any("consider" in t for t in added)


def test_inserting_a_paragraph_renumbers_the_rest_and_follows_the_text(client, auth, app):
    text = _palermo_text()
    # Insert a new paragraph 1 in article 5; the old 1 and 2 become 2 and 3.
    anchor = "1.   " + ART5_1
    new_paragraph = (
        "1.   Each State Party shall establish a national rapporteur on trafficking in persons.\n"
    )
    revised = text.replace(anchor, new_paragraph + anchor.replace("1.   ", "2.   ", 1), 1)
    revised = revised.replace(
        "2.   Each State Party shall also adopt", "3.   Each State Party shall also adopt", 1
    )
    number = _add_revision(app, PALERMO, revised, "Rev.1")
    doc = _doc_id(app, PALERMO)
    pairs = client.get(
        f"/api/documents/{doc}/compare?from=1&to={number}", headers=auth("viewer")
    ).json["pairs"]
    changed = [p for p in pairs if p["op"] != "unchanged"]
    ops = [(p["op"], p["old_number"], p["new_number"]) for p in changed]
    assert ops == [("inserted", "", "1"), ("renumbered", "1", "2"), ("renumbered", "2", "3")]
    # Lineage follows the text: the renumbered paragraphs keep their ids across versions.
    for p in changed[1:]:
        assert p["old"]["lineage"] == p["new"]["lineage"]


def test_palermo_and_smuggling_protocols_share_their_final_clauses(client, auth, app):
    palermo, smuggling = _doc_id(app, PALERMO), _doc_id(app, SMUGGLING)
    body = client.get(
        f"/api/compare?from={palermo}:1&to={smuggling}:1", headers=auth("viewer")
    ).json
    headings = {
        p["new"]["heading"]: p
        for p in body["pairs"]
        if p["new"] and p["old"] and p["new"]["kind"] == "article"
    }
    for title in (
        "Settlement of disputes",
        "Signature, ratification, acceptance, approval and accession",
        "Entry into force",
        "Amendment",
        "Denunciation",
        "Depositary and languages",
    ):
        assert title in headings, title
    modified = [p for p in body["pairs"] if p["op"] == "modified"]
    assert any("migrants" in p["new"]["text"] for p in modified)


def test_compare_errors(client: FlaskClient, auth, app) -> None:
    doc, smuggling = _doc_id(app, PALERMO), _doc_id(app, SMUGGLING)
    h = auth("viewer")
    same = client.get(f"/api/documents/{doc}/compare?from=2&to=2", headers=h)
    assert same.status_code == 200 and same.json["summary"]["changes"] == 0
    assert client.get(f"/api/documents/{doc}/compare?from=1&to=9", headers=h).status_code == 404
    assert client.get("/api/documents/99999/compare?from=1&to=2", headers=h).status_code == 404
    other = client.get(f"/api/documents/{doc}/compare?from=1&to={smuggling}:1", headers=h)
    assert other.status_code == 400 and other.json["error"]["code"] == "other-document"
    missing = client.get(f"/api/documents/{doc}/compare?from=1", headers=h)
    assert missing.status_code == 400


def test_word_redline_has_real_tracked_changes(client, auth, app, tmp_path: Path) -> None:
    text = _palermo_text()
    weakened = text.replace(ART5_1, ART5_1.replace("shall adopt", "shall consider adopting"))
    number = _add_revision(app, PALERMO, weakened, "Rev.1")
    doc = _doc_id(app, PALERMO)
    response = client.get(
        f"/api/documents/{doc}/compare.docx?from=1&to={number}", headers=auth("viewer")
    )
    assert response.status_code == 200
    data = response.data
    document = docx.Document(io.BytesIO(data))
    body = document.element.body.xml
    assert "<w:ins " in body and "<w:del " in body and 'w:author="viewer"' in body
    accepted, rejected = " ".join(accepted_text(data)), " ".join(rejected_text(data))
    assert "shall consider adopting such legislative" in accepted
    assert "shall adopt such legislative" in rejected
    base = text.count("shall consider adopting")
    assert accepted.count("shall consider adopting") == base + 1
    assert rejected.count("shall consider adopting") == base
    soffice = system_program("soffice")
    path = tmp_path / "redline.docx"
    path.write_bytes(data)
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert (tmp_path / "redline.pdf").stat().st_size > 1000


def test_huge_versions_are_refused_within_a_documented_limit(client, auth, app, monkeypatch):
    from multilateral.services import compare

    doc = _doc_id(app, PALERMO)
    monkeypatch.setattr(compare, "MAX_COMPARE_PARAGRAPHS", 50)  # Palermo has over 100 units
    response = client.get(f"/api/documents/{doc}/compare?from=1&to=2", headers=auth("viewer"))
    assert response.status_code == 413 and response.json["error"]["code"] == "too-large"


def test_compare_with_another_document_from_the_document_page(client, app) -> None:
    from tests.conftest import login

    login(client, "viewer")
    palermo, smuggling = _doc_id(app, PALERMO), _doc_id(app, SMUGGLING)
    html = client.get(f"/documents/{smuggling}").get_data(as_text=True)
    assert f'<option value="{palermo}:3"' in html  # the latest version of the Palermo text
    page = client.get(f"/compare?from={palermo}:3&to={smuggling}:1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Page 1 of 2" in html  # the two protocols differ throughout: two pages
    # The shared final clauses: on the page that holds them, or in a run opened on demand.
    pairs = client.get(f"/api/compare?from={palermo}:3&to={smuggling}:1").json["pairs"]
    index = next(
        p["index"] for p in pairs if (p["new"] or {}).get("heading") == "Settlement of disputes"
    )
    there = client.get(f"/compare?from={palermo}:3&to={smuggling}:1&pair={index}")
    html = there.get_data(as_text=True)
    # The page that holds it: the article heading is quiet (renumbered, same words), so it
    # sits in a collapsed run there, which opens on it.
    assert "Page 2 of 2" in html and "Settlement of disputes" not in html
    runs = re.findall(
        r'class="collapsed-run" id="run-\d+" data-start="(\d+)" data-stop="(\d+)"', html
    )
    start, stop = next((a, b) for a, b in runs if int(a) <= index < int(b))
    opened = client.get(
        f"/compare/pairs?from={palermo}:3&to={smuggling}:1&start={start}&stop={stop}&focus={index}"
    ).get_data(as_text=True)
    assert f'id="pair-{index}"' in opened and "Settlement of disputes" in opened
    assert "Denunciation" in opened and 'class="collapsed-run"' not in opened
