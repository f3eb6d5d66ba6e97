"""Resolutions and ratification meet: a call to ratify links to the treaty's status page."""

from __future__ import annotations

from flask import Flask

from multilateral.extensions import db
from multilateral.models import Document
from tests.conftest import login


def test_the_call_to_ratify_palermo_links_to_its_status(app: Flask, client) -> None:
    with app.app_context():
        document_id = db.session.scalar(
            db.select(Document.id).filter_by(title="Violence against women migrant workers")
        )
    login(client, "viewer")
    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    link = 'class="treaty-link" href="/treaties/palermo-protocol"'
    # Operative paragraph 3 invites States to ratify the Protocol, and only that paragraph.
    assert page.count(link) == 1
    paragraph = page[: page.index(link)].rsplit('<div class="para ', 1)[1]
    assert '<span class="num">3</span>' in paragraph
    assert "Trafficking in Persons, Especially Women and Children" in paragraph
