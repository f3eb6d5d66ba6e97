"""`flask reanalyse`: stored verdicts follow the lexicon, and the search index follows them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from multilateral.extensions import db
from multilateral.models import Paragraph
from multilateral.search import backend
from multilateral.search.gateway import SearchQuery


def _operative(app: Flask) -> list[Paragraph]:
    return list(
        db.session.scalars(
            db.select(Paragraph).filter_by(label="actionable").order_by(Paragraph.id).limit(3)
        )
    )


def test_reanalyse_restores_stale_verdicts_and_reindexes(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        stale = _operative(app)
        assert stale, "the seed holds actionable paragraphs"
        truth = {p.id: (p.label, p.strength, p.explanation) for p in stale}
        for paragraph in stale:
            paragraph.label, paragraph.strength, paragraph.explanation = "descriptive", 1, "old"
        db.session.commit()
    # The index learns the stale labels too, so only a re-index can put them right.
    assert runner.invoke(args=["reindex"]).exit_code == 0
    result = runner.invoke(args=["reanalyse"])
    assert result.exit_code == 0, result.output
    assert f"{len(truth)} paragraphs changed" in result.output
    with app.app_context():
        for paragraph in db.session.scalars(db.select(Paragraph).filter(Paragraph.id.in_(truth))):
            assert (paragraph.label, paragraph.strength, paragraph.explanation) == truth[
                paragraph.id
            ]
        # The index's label field follows: the paragraph is found again under its label.
        first = db.session.get(Paragraph, min(truth))
        words = " ".join(first.text.split()[:6])
        found = backend().search(SearchQuery(text=f'"{words}"', label=first.label, per_page=100))
        assert first.id in {hit.entry.paragraph_id for hit in found.hits}
    again = runner.invoke(args=["reanalyse"])
    assert "Re-analysed: 0 paragraphs changed in 0 versions." in again.output
