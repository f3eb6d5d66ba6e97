"""A paragraph rewritten in place is shown as one modified pair marked "rewritten"."""

from __future__ import annotations

from flask import Flask

from multilateral.extensions import db
from multilateral.services.documents import create_document
from multilateral.services.versions import add_version
from multilateral.text.formats.reader import sha256_of
from multilateral.text.segment import segment_text
from tests.conftest import TEXTS


def test_a_rewritten_paragraph_is_paired_and_marked(app: Flask, client, auth) -> None:
    text = (TEXTS / "un" / "A_RES_80_185.txt").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("5. Recalls the adoption"))
    # Keep the opening, replace what the paragraph recalls: a rewrite in place.
    new = (
        "5. Recalls the adoption of the New Urban Agenda at the United Nations Conference on "
        "Housing and Sustainable Urban Development (Habitat III), and its midterm review by the "
        "high-level meeting of the General Assembly held in New York on 28 April 2022, which "
        "called for safe and decent housing for migrant domestic workers in all cities;"
    )
    with app.app_context():
        document = create_document(title="Rewrite test", forum="un-ga", kind="resolution")
        for body, label in ((text, "adopted"), (text.replace(old, new), "rewritten")):
            add_version(document, segment_text(body), sha256=sha256_of(body.encode()), label=label)
        db.session.commit()
        document_id = document.id
    reply = client.get(
        f"/api/documents/{document_id}/compare?from=1&to=2", headers=auth("viewer")
    ).json
    changed = [p for p in reply["pairs"] if p["op"] != "unchanged"]
    assert [(p["op"], p["reason"], p["old_number"], p["new_number"]) for p in changed] == [
        ("modified", "rewritten", "5", "5")
    ]
