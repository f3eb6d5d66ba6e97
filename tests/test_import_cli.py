"""flask import PATH... --document ID --label LABEL: one transaction per file."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from multilateral.extensions import db
from multilateral.models import Document, Version
from multilateral.services.documents import create_document
from tests.conftest import TEXTS
from tests.test_import_api import UN_DRAFT, counts, docx_bytes


def _document(app: Flask) -> int:
    with app.app_context():
        document = create_document(title="Forced labour texts", forum="ilo", kind="convention")
        db.session.commit()
        return document.id


def _versions(app: Flask, document_id: int) -> list[tuple[int, str, str, int]]:
    with app.app_context():
        rows = db.session.scalars(
            db.select(Version).filter_by(document_id=document_id).order_by(Version.number)
        )
        return [(v.number, v.source_filename, v.label, len(v.paragraphs)) for v in rows]


def test_import_a_batch_of_real_texts(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    doc_id = _document(app)
    names = ["nl_bwb_ilo_c029_forced_labour_1930.txt", "nl_bwb_ilo_p029_protocol_2014.txt"]
    paths = [shutil.copy(TEXTS / name, tmp_path / name) for name in names]
    (tmp_path / "L20.docx").write_bytes(docx_bytes(UN_DRAFT))
    paths.append(str(tmp_path / "L20.docx"))
    result = runner.invoke(
        args=["import", *map(str, paths), "--document", str(doc_id), "--label", "batch"]
    )
    assert result.exit_code == 0, result.output
    stored = _versions(app, doc_id)
    assert [(n, f, label) for n, f, label, _ in stored] == [
        (1, names[0], "batch"),
        (2, names[1], "batch"),
        (3, "L20.docx", "batch"),
    ]
    for number, filename, _, paragraphs in stored:
        assert f"ok: {filename} → version {number} ({paragraphs} paragraphs)" in result.output
    assert stored[2][3] == len(UN_DRAFT)
    assert "3 imported, 0 failed." in result.output


def test_one_bad_file_does_not_stop_the_others(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    doc_id = _document(app)
    good = tmp_path / "c182.txt"
    shutil.copy(TEXTS / "nl_bwb_ilo_c182_worst_forms_child_labour.txt", good)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip at all")
    twice = tmp_path / "c182-again.txt"
    shutil.copy(good, twice)
    missing = tmp_path / "missing.txt"
    draft = tmp_path / "L20.docx"
    draft.write_bytes(docx_bytes(UN_DRAFT))
    before = counts(app)
    result = runner.invoke(
        args=[
            "import",
            *map(str, (good, broken, twice, missing, draft)),
            "--document",
            str(doc_id),
            "--label",
            "Rev.1",
            "--date",
            "2025-11-03",
        ]
    )
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("ok:", "failed:"))]
    assert len(lines) == 5
    assert lines[0].startswith("ok: c182.txt → version 1 (")
    assert lines[1].startswith("failed: broken.docx: this is not a Word .docx file")
    assert lines[2].startswith("failed: c182-again.txt: ")
    assert lines[3].startswith("failed: missing.txt: ")
    assert lines[4] == f"ok: L20.docx → version 2 ({len(UN_DRAFT)} paragraphs)"
    assert "identical to version 1" in lines[2]
    assert "2 imported, 3 failed." in result.output
    stored = _versions(app, doc_id)
    assert [(n, f) for n, f, _, _ in stored] == [(1, "c182.txt"), (2, "L20.docx")]
    after = counts(app)
    paragraphs = sum(p for *_, p in stored)
    assert after == (before[0] + 2, before[1] + paragraphs, before[2] + paragraphs)
    with app.app_context():
        dates = {v.date.isoformat() for v in db.session.get(Document, doc_id).versions}
    assert dates == {"2025-11-03"}


def test_refuses_an_unknown_document_or_date(app: Flask, runner: FlaskCliRunner) -> None:
    path = str(TEXTS / "nl_bwb_ilo_c182_worst_forms_child_labour.txt")
    before = counts(app)
    result = runner.invoke(args=["import", path, "--document", "999999", "--label", "x"])
    assert result.exit_code == 1 and "There is no document 999999" in result.output
    doc_id = str(_document(app))
    result = runner.invoke(
        args=["import", path, "--document", doc_id, "--label", "x", "--date", "3 May"]
    )
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output
    assert counts(app) == before


def test_a_file_over_the_limit_is_not_read(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    doc_id = _document(app)
    big = tmp_path / "big.txt"
    big.write_text("\n".join(UN_DRAFT), encoding="utf-8")
    app.config["MAX_UPLOAD_BYTES"] = 100
    result = runner.invoke(args=["import", str(big), "--document", str(doc_id), "--label", "x"])
    assert result.exit_code == 1
    assert "failed: big.txt: the file is" in result.output
    assert "over the limit of 100 bytes" in result.output
    assert _versions(app, doc_id) == []
