"""The Word redline of a comparison is safe to forward: the text changes only, by default.

A real revision of the Palermo Protocol (one obligation softened, one paragraph inserted so
that the next two are renumbered, one deleted) is exported twice: as it goes to other
delegations (no assessment anywhere in the file) and with the delegation's assessments as
Word comments (?assessments=comments), which stay out of the text.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from multilateral.extensions import db
from multilateral.models import Document
from multilateral.services.versions import add_version
from multilateral.text.formats.reader import sha256_of
from multilateral.text.redline import accepted_text, rejected_text
from multilateral.text.segment import segment_text
from tests.conftest import system_program
from tests.test_compare import ART5_1, PALERMO, SMUGGLING, _doc_id, _palermo_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: The words of an assessment: none may reach the text of a redline sent out.
ASSESSMENT_WORDS = re.compile(r"weakened|strengthened|Strength|Assessment")
#: Article 9, paragraph 3 of the Protocol, deleted by the revision.
ART9_3 = "Policies, programmes and other measures established in accordance with this article"
NEW_5_1 = "Each State Party shall establish a national rapporteur on trafficking in persons."
REVISED_ON = date(2026, 3, 14)


def _revise(app: Flask) -> tuple[int, int]:
    """Store the revision as a dated "Rev.1"; the document id and the version number."""
    text = _palermo_text()
    assert not ASSESSMENT_WORDS.search(text)  # else the checks below would prove nothing
    anchor = "1.   " + ART5_1
    revised = text.replace(ART5_1, ART5_1.replace("shall adopt", "shall consider adopting"))
    revised = revised.replace(
        anchor.replace("shall adopt", "shall consider adopting"),
        "1.   " + NEW_5_1 + "\n2.   " + ART5_1.replace("shall adopt", "shall consider adopting"),
        1,
    )
    revised = revised.replace(
        "2.   Each State Party shall also adopt", "3.   Each State Party shall also adopt", 1
    )
    deleted = next(line for line in revised.splitlines() if ART9_3 in line)
    revised = revised.replace(deleted + "\n", "", 1)
    assert revised.count(NEW_5_1) == 1 and ART9_3 not in revised
    with app.app_context():
        document = db.session.scalar(db.select(Document).filter_by(symbol=PALERMO))
        version = add_version(
            document,
            segment_text(revised),
            sha256=sha256_of(revised.encode()),
            label="Rev.1",
            version_date=REVISED_ON,
        )
        db.session.commit()
        return document.id, version.number


@pytest.fixture
def revision(app: Flask) -> tuple[int, int]:
    return _revise(app)


def _redline(client: FlaskClient, auth, url: str) -> bytes:
    response = client.get(url, headers=auth("viewer"))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("wordprocessingml.document")
    return response.data


def _part(data: bytes, name: str) -> bytes | None:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read(name) if name in archive.namelist() else None


def _text(xml: bytes | None) -> str:
    """All the text of a part, deleted text included."""
    if xml is None:
        return ""
    root = etree.fromstring(xml)
    return " ".join(t.text or "" for t in root.iter(f"{W}t", f"{W}delText"))


def _lines(client: FlaskClient, auth, doc: int, number: int) -> list[str]:
    """A version's paragraphs as the redline writes them: number, tab, text."""
    paragraphs = client.get(f"/api/documents/{doc}/versions/{number}", headers=auth("viewer")).json[
        "paragraphs"
    ]
    return [f"{p['number']}\t{p['text']}" if p["number"] else p["text"] for p in paragraphs]


def test_the_default_redline_carries_no_assessment(client, auth, revision) -> None:
    doc, number = revision
    data = _redline(client, auth, f"/api/documents/{doc}/compare.docx?from=1&to={number}")
    body = _text(_part(data, "word/document.xml"))
    assert "consider adopting" in body  # the change is there …
    assert ASSESSMENT_WORDS.findall(body) == []  # … and nobody's judgement of it
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = archive.namelist()
        assert "word/comments.xml" not in names
        everything = " ".join(
            _text(archive.read(n)) for n in names if n.endswith(".xml") and n.startswith("word/")
        )
    assert ASSESSMENT_WORDS.findall(everything) == []
    root = etree.fromstring(_part(data, "word/document.xml"))
    assert root.find(f".//{W}commentReference") is None


def test_assessments_go_in_word_comments_only_when_asked(client, auth, revision) -> None:
    doc, number = revision
    url = f"/api/documents/{doc}/compare.docx?from=1&to={number}&assessments=comments"
    data = _redline(client, auth, url)
    document = _part(data, "word/document.xml")
    comments = _part(data, "word/comments.xml")
    assert comments is not None
    assert ASSESSMENT_WORDS.findall(_text(document)) == []
    said = [_text(etree.tostring(c)) for c in etree.fromstring(comments).iter(f"{W}comment")]
    # One per shift, in reading order: the rapporteur paragraph inserted (5.1), the softened
    # obligation (5.1 that became 5.2), the deleted paragraph 9.3.
    assert [s.split(":")[1].strip() for s in said] == ["strengthened", "weakened", "weakened"]
    assert "paragraph inserted: 'shall establish'" in said[0]
    assert "paragraph deleted" in said[2]
    # Real comments: each one anchored on its paragraph, with the relationship and the type.
    root = etree.fromstring(document)
    ids = {c.get(f"{W}id") for c in etree.fromstring(comments).iter(f"{W}comment")}
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        assert {e.get(f"{W}id") for e in root.iter(f"{W}{tag}")} == ids, tag
    weakened = next(
        p
        for p in root.iter(f"{W}p")
        if p.find(f"{W}commentRangeStart") is not None
        and "consider adopting" in "".join(p.itertext())
    )
    assert weakened is not None
    relationships = _part(data, "word/_rels/document.xml.rels").decode()
    assert 'relationships/comments" Target="comments.xml"' in relationships
    assert "wordprocessingml.comments+xml" in _part(data, "[Content_Types].xml").decode()
    # The comments change nothing in the text.
    plain = _redline(client, auth, f"/api/documents/{doc}/compare.docx?from=1&to={number}")
    assert accepted_text(data) == accepted_text(plain)
    assert rejected_text(data) == rejected_text(plain)


def test_accepting_gives_the_new_version_and_rejecting_the_old(client, auth, revision) -> None:
    doc, number = revision
    data = _redline(client, auth, f"/api/documents/{doc}/compare.docx?from=1&to={number}")
    accepted, rejected = accepted_text(data), rejected_text(data)
    title, header = accepted[:2]
    assert rejected[:2] == [title, header]
    assert accepted[2:] == _lines(client, auth, doc, number)
    assert rejected[2:] == _lines(client, auth, doc, 1)
    # The renumbered paragraphs read "2" once accepted and "1" once rejected: the number is
    # a tracked change of its own, not a note.
    softened = ART5_1.replace("shall adopt", "shall consider adopting")
    assert any(line.startswith(f"2\t{softened}") for line in accepted)
    assert any(line.startswith(f"1\t{ART5_1}") for line in rejected)
    root = etree.fromstring(_part(data, "word/document.xml"))
    renumbered = next(p for p in root.iter(f"{W}p") if "shall also adopt" in "".join(p.itertext()))
    assert ["".join(d.itertext()) for d in renumbered.findall(f"{W}del")][:1] == ["2"]
    assert ["".join(i.itertext()) for i in renumbered.findall(f"{W}ins")][:1] == ["3"]


def test_the_header_names_the_symbol_and_both_versions_with_their_dates(
    client, auth, revision
) -> None:
    doc, number = revision
    data = _redline(client, auth, f"/api/documents/{doc}/compare.docx?from=1&to={number}")
    expected = (
        f"{PALERMO}: changes from version 1 (adopted text, 2000-11-15) "
        f"to version {number} (Rev.1, {REVISED_ON.isoformat()})"
    )
    assert accepted_text(data)[1] == expected  # under the title
    assert _text(_part(data, "word/header1.xml")) == expected  # at the top of every page


def test_two_documents_and_a_bad_assessments_value(client, auth, app) -> None:
    palermo, smuggling = _doc_id(app, PALERMO), _doc_id(app, SMUGGLING)
    url = f"/api/compare.docx?from={palermo}:1&to={smuggling}:1"
    data = _redline(client, auth, url)
    assert accepted_text(data)[1].startswith(f"{PALERMO} → {SMUGGLING}: changes from version 1")
    assert ASSESSMENT_WORDS.findall(_text(_part(data, "word/document.xml"))) == []
    with_comments = _redline(client, auth, url + "&assessments=comments")
    assert _part(with_comments, "word/comments.xml") is not None
    for bad in ("yes", "body", ""):
        response = client.get(
            f"/api/documents/{palermo}/compare.docx?from=1&to=2&assessments={bad}",
            headers=auth("viewer"),
        )
        assert response.status_code == 400 and response.json["error"]["code"] == "bad-parameter"


def test_libreoffice_opens_both_and_keeps_the_comments(
    client, auth, revision, tmp_path: Path
) -> None:
    soffice = system_program("soffice")
    doc, number = revision
    base = f"/api/documents/{doc}/compare.docx?from=1&to={number}"
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    for name, query in (("plain", ""), ("comments", "&assessments=comments")):
        source = tmp_path / f"{name}.docx"
        source.write_bytes(_redline(client, auth, base + query))
        for target, outdir in (("pdf", tmp_path), ("docx:MS Word 2007 XML", tmp_path / "resaved")):
            subprocess.run(
                [
                    soffice,
                    profile,
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(outdir),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        resaved = (tmp_path / "resaved" / f"{name}.docx").read_bytes()
        # LibreOffice read the revisions (and the comments) and wrote them back.
        assert accepted_text(resaved)[2:] == _lines(client, auth, doc, number)
        comments = _part(resaved, "word/comments.xml")
        if name == "plain":
            assert comments is None or not ASSESSMENT_WORDS.search(_text(comments))
        else:
            assert "Assessment: weakened" in _text(comments)
