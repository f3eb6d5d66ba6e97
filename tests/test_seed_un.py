"""The shipped UN series: a newcomer can compare a real draft with its resolution on day one."""

from __future__ import annotations

from flask import Flask

from multilateral.extensions import db
from multilateral.models import Document

TITLE = "Violence against women migrant workers"


def _series(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Document.id).filter_by(title=TITLE))


def test_the_un_texts_are_one_series_of_three_versions(client, auth, app) -> None:
    document = client.get(f"/api/documents/{_series(app)}", headers=auth("viewer")).json
    assert document["forum"] == "un-ga" and document["kind"] == "resolution"
    versions = [(v["number"], v["label"], v["date"]) for v in document["versions"]]
    assert versions == [
        (1, "A/RES/78/180, adopted", "2023-12-19"),
        (2, "A/C.3/80/L.18, draft by Indonesia and Philippines", "2025-10-21"),
        (3, "A/RES/80/185, adopted", "2025-12-15"),
    ]


def test_the_draft_and_its_resolution_compare_with_real_changes(client, auth, app) -> None:
    reply = client.get(
        f"/api/documents/{_series(app)}/compare?from=2&to=3", headers=auth("viewer")
    ).json
    summary = reply["summary"]
    assert summary["wording_changes"] > 0
    assert summary["ops"]["inserted"] >= 2  # OP16 restored, OP26 new in the adopted text
    weakened = {w["number"]: w for w in summary["weakened"]}
    # "and also encourages Governments" became "and invites Governments" in operative 10.
    assert any("'encourages' → 'invites'" in r for r in weakened["10"]["reasons"])
