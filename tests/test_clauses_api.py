"""Clause analysis through the service: pasted text, stored paragraphs, the lexicon setting."""

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from multilateral import create_app
from multilateral.extensions import db
from multilateral.models import Document
from multilateral.services.analysis import MAX_CLASSIFY_CHARS
from multilateral.text.clauses import LexiconError
from tests.conftest import login

UN_DRAFT = """The General Assembly,

Recalling its resolution 78/189 of 19 December 2023 on trafficking in women and girls,

1. Decides to convene a high-level meeting on trafficking in persons at its eighty-first session;

2. Requests the Secretary-General to submit a report on the implementation of the present \
resolution at its eighty-first session;

3. Encourages States to consider, as appropriate, ratifying the Protocol;
"""


def test_classify_pasted_text_stores_nothing(app: Flask, client: FlaskClient, auth) -> None:
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Document))
    response = client.post("/api/classify", json={"text": UN_DRAFT}, headers=auth("viewer"))
    assert response.status_code == 200
    by_number = {p["number"]: p for p in response.json["paragraphs"]}
    assert by_number["1"]["label"] == "actionable"
    assert by_number["2"]["label"] == "actionable"
    assert by_number["3"]["label"] == "hortatory"
    assert by_number["1"]["strength"] > by_number["3"]["strength"]
    preamble = [p for p in response.json["paragraphs"] if p["kind"] == "preambular"]
    assert preamble and {p["label"] for p in preamble} == {"descriptive"}
    for paragraph in response.json["paragraphs"]:
        for cue in paragraph["cues"]:
            assert paragraph["text"][cue["start"] : cue["end"]] == cue["text"]
    roles = {c["role"] for c in by_number["2"]["cues"]}
    assert {"addressee", "reporting requirement"} <= roles
    assert "consider" in by_number["3"]["explanation"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == before


def test_classify_bad_input(client: FlaskClient, auth) -> None:
    h = auth("viewer")
    empty = client.post("/api/classify", json={"text": "   "}, headers=h)
    assert empty.status_code == 400 and empty.json["error"]["code"] == "empty"
    huge = client.post("/api/classify", json={"text": "a" * (MAX_CLASSIFY_CHARS + 1)}, headers=h)
    assert huge.status_code == 413
    assert client.post("/api/classify", json={"txt": "x"}, headers=h).status_code == 400
    french = client.post(
        "/api/classify",
        json={
            "text": "1. Décide de convoquer une réunion de haut niveau sur la traite des personnes;"
        },
        headers=h,
    )
    assert french.status_code == 200
    paragraph = french.json["paragraphs"][0]
    assert paragraph["label"] == "descriptive"
    assert [c["role"] for c in paragraph["cues"]] == ["no lexicon match"]


def test_stored_paragraphs_carry_their_analysis(client: FlaskClient, auth, app) -> None:
    with app.app_context():
        doc = db.session.scalar(db.select(Document).filter_by(symbol="A/RES/55/25, annex II"))
        paragraphs = doc.versions[0].paragraphs
        art5 = next(p for p in paragraphs if p.text.startswith("Each State Party shall adopt"))
    assert art5.label == "actionable" and art5.strength > 50 and art5.cues


def test_document_page_shows_badges_cues_and_summary(client: FlaskClient, app) -> None:
    login(client, "viewer")
    with app.app_context():
        doc_id = db.session.scalar(db.select(Document.id).filter_by(symbol="A/RES/55/25, annex II"))
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert 'class="badge badge-actionable"' in html
    assert 'class="badge badge-hortatory"' in html
    assert '<span class="cue" data-role="operative verb"' in html or 'data-role="modal"' in html
    assert "operative paragraphs are actionable" in html


def test_a_malformed_lexicon_stops_the_start_naming_file_and_line(tmp_path: Path) -> None:
    lexicon = tmp_path / "bad.toml"
    lexicon.write_text('language = "en"\n[[verbs]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.toml, line 2"):
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                "INDEX_DIR": str(tmp_path / "idx"),
                "LEXICON_PATH": str(lexicon),
            }
        )


def test_a_subparagraph_without_a_verb_takes_its_chapeaus_verdict(app: Flask) -> None:
    with app.app_context():
        doc = db.session.scalar(db.select(Document).filter_by(symbol="A/RES/55/25, annex II"))
        paragraphs = doc.versions[0].paragraphs
        # Article 6(3): "Each State Party shall consider implementing measures ... in
        # particular, the provision of: a) Appropriate housing; ..."
        chapeau = next(p for p in paragraphs if "shall consider implementing measures" in p.text)
        housing = next(p for p in paragraphs if p.parent_id == chapeau.id)
    assert housing.text.startswith("Appropriate housing")
    assert chapeau.label == "hortatory"
    assert (housing.label, housing.strength) == (chapeau.label, chapeau.strength)
    assert "chapeau" in housing.explanation
