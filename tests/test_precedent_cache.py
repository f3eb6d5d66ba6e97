"""The document page's "Agreed before in …" links follow a change of another text's status."""

from __future__ import annotations

from flask import Flask

from multilateral.extensions import db
from multilateral.models import Document, Version
from multilateral.services.search import version_precedents


def test_cached_precedents_follow_a_status_change(app: Flask) -> None:
    with app.app_context():
        series = db.session.scalar(
            db.select(Document).filter_by(title="Violence against women migrant workers")
        )
        # The adopted resolution's paragraphs find the same wording in the draft of the next
        # text, made here as a new document copying one paragraph.
        from multilateral.services.documents import create_document
        from multilateral.services.versions import add_version
        from multilateral.text.formats.reader import sha256_of
        from multilateral.text.segment import segment_text

        paragraph = next(p for p in series.latest_version.paragraphs if p.number == "52")
        text = "The General Assembly,\n1. " + paragraph.text + "\n"
        other = create_document(title="Older text", forum="un-ga", kind="resolution")
        add_version(other, segment_text(text), sha256=sha256_of(text.encode()), label="draft")
        db.session.commit()
        from multilateral.search import drain_outbox

        drain_outbox()
        version = db.session.get(Version, series.latest_version.id)

        def statuses() -> set[str]:
            found = version_precedents(version)
            return {h.entry.status for h in found.get(paragraph.id, [])
                    if h.entry.document_id == other.id}  # fmt: skip

        assert statuses() == {"draft"}
        other.status = "adopted"
        db.session.commit()
        drain_outbox()
        assert statuses() == {"adopted"}
