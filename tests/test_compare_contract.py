"""The comparison's JSON keeps every key it had before the pairs became typed (clients depend
on them), a paragraph reads the same in a comparison as in its version, and the typed pairs
carry the shift verdict of text/shifts.py. Real texts: revisions of the Palermo Protocol."""

from __future__ import annotations

import html

from flask import Flask

from multilateral.extensions import db
from multilateral.models import Document, Paragraph
from multilateral.services.compare import ComparedPair, compare_versions, comparison_page
from multilateral.text.shifts import Shift
from tests.test_compare import ART5_1, PALERMO, _add_revision, _doc_id, _palermo_text

#: The keys the API answered before typed pairs, key for key (new keys may only be added).
PAIR_KEYS = {
    "index",
    "op",
    "similarity",
    "old",
    "new",
    "old_group",
    "new_group",
    "old_number",
    "new_number",
    "wording_changed",
    "formatting_only",
    "diff",
    "diff_html",
    "shift",
    "shift_reasons",
    "cues_removed",
    "cues_added",
}
PARAGRAPH_KEYS = {
    "id",
    "position",
    "kind",
    "number",
    "heading",
    "text",
    "lineage",
    "bracketed",
    "label",
    "strength",
    "explanation",
}
SUMMARY_KEYS = {"ops", "changes", "wording_changes", "weakened", "strengthened", "shifts"}
WEAKENED_KEYS = {
    "index",
    "number",
    "kind",
    "op",
    "shift",
    "from",
    "to",
    "reasons",
    "cues_removed",
    "cues_added",
}
#: Article 9, paragraph 4, moved to the end of article 10 by the revision below.
ART9_4 = "4.   States Parties shall take or strengthen measures"


def _revision(app: Flask) -> int:
    """Article 5.1 softened, article 9.4 moved to the end of article 10."""
    text = _palermo_text().replace(ART5_1, ART5_1.replace("shall adopt", "may adopt"))
    moved = next(line for line in text.splitlines() if line.startswith(ART9_4))
    text = text.replace(moved + "\n", "", 1)
    article_11 = text.index("### Article  11")
    text = text[:article_11] + moved + "\n\n" + text[article_11:]
    return _add_revision(app, PALERMO, text, "Rev.1")


def test_every_key_of_the_answer_is_still_there(client, auth, app) -> None:
    number = _revision(app)
    doc = _doc_id(app, PALERMO)
    body = client.get(f"/api/documents/{doc}/compare?from=1&to={number}", headers=auth("viewer"))
    answer = body.json
    assert set(answer) == {"from", "to", "summary", "pairs"}
    assert SUMMARY_KEYS == set(answer["summary"])
    assert answer["summary"]["weakened"]
    for entry in answer["summary"]["weakened"]:
        assert set(entry) == WEAKENED_KEYS
    ops = set()
    for pair in answer["pairs"]:
        ops.add(pair["op"])
        assert PAIR_KEYS <= set(pair), PAIR_KEYS - set(pair)  # new keys may come, none goes
        assert ("moved_from" in pair) == (pair["op"] == "moved")
        for ref in [pair["old"], pair["new"], *pair["old_group"], *pair["new_group"]]:
            if ref is not None:
                assert PARAGRAPH_KEYS <= set(ref)
        # The inline HTML is the word diff, escaped, as it always was.
        tags = {"delete": "del", "insert": "ins"}
        marked = "".join(
            html.escape(d["text"])
            if d["op"] == "equal"
            else f'<{tags[d["op"]]} class="diff-{tags[d["op"]]}">{html.escape(d["text"])}'
            f"</{tags[d['op']]}>"
            for d in pair["diff"]
        )
        assert pair["diff_html"] == marked
        assert pair["wording_changed"] == any(d["op"] != "equal" for d in pair["diff"])
    assert {"modified", "moved", "unchanged"} <= ops


def test_a_paragraph_reads_the_same_in_a_comparison_and_in_its_version(client, auth, app) -> None:
    number = _revision(app)
    doc = _doc_id(app, PALERMO)
    h = auth("viewer")
    pairs = client.get(f"/api/documents/{doc}/compare?from=1&to={number}", headers=h).json["pairs"]
    version = client.get(f"/api/documents/{doc}/versions/{number}", headers=h).json
    by_id = {p["id"]: p for p in version["paragraphs"]}
    news = [p["new"] for p in pairs if p["new"]]
    assert len(news) == len(by_id)
    for ref in news:
        assert ref == by_id[ref["id"]]  # one serialisation: Paragraph.to_dict


def test_typed_pairs_carry_the_shift_and_a_second_look_costs_nothing(app: Flask) -> None:
    number = _revision(app)
    with app.app_context():
        document = db.session.scalar(db.select(Document).filter_by(symbol=PALERMO))
        old, new = document.versions[0], document.versions[number - 1]
        comparison = compare_versions(old, new)
        assert all(isinstance(p, ComparedPair) for p in comparison.pairs)
        assert all(isinstance(p.shift, Shift) for p in comparison.pairs)
        assert all(isinstance(q, Paragraph) for p in comparison.pairs for q in p.olds + p.news)
        [weakened] = comparison.summary.weakened
        assert weakened.op == "modified" and weakened.shift.verdict == "weakened"
        assert weakened.number == "1" and weakened.old.strength > weakened.new.strength
        assert weakened.shift.reasons and weakened.is_change and not weakened.quiet
        [moved] = [p for p in comparison.pairs if p.op == "moved"]
        assert moved.old_number == moved.new_number == "4" and moved.shift.verdict == "none"
        kept = app.extensions["compare_outlines"]
        assert len(kept) == 1
        again = compare_versions(old, new)
        assert again.to_dict() == comparison.to_dict() and len(kept) == 1
        # The page reads the paragraphs it shows, the summary's with them.
        page = comparison_page(old, new)
        assert page.summary.to_dict() == comparison.summary.to_dict()
        assert len(kept) == 1


def test_alerts_read_the_typed_pairs(client, auth, app) -> None:
    # A red line on article 5.1, then a revision that softens it: one "weakened" alert.
    doc = _doc_id(app, PALERMO)
    h = auth("negotiator")
    paragraphs = client.get(f"/api/documents/{doc}/versions/3", headers=h).json["paragraphs"]
    target = next(p for p in paragraphs if p["text"].startswith(ART5_1))
    saved = client.put(
        f"/api/documents/{doc}/versions/3/positions",
        json={
            "positions": [
                {"paragraph_id": target["id"], "stance": "support", "priority": "red-line"}
            ]
        },
        headers=h,
    )
    assert saved.status_code == 200, saved.json
    number = _revision(app)
    alerts = [a for a in client.get("/api/alerts", headers=h).json["alerts"] if a["to"] == number]
    assert [(a["kind"], a["number"]) for a in alerts] == [("weakened", "1")]
    alert = alerts[0]
    assert "may adopt" in alert["new_text"] and "shall adopt" in alert["old_text"]
    assert alert["compare_url"].startswith(f"/documents/{doc}/compare?from=3&to={number}#pair-")
    index = int(alert["compare_url"].rsplit("#pair-", 1)[1])
    pairs = client.get(f"/api/documents/{doc}/compare?from=3&to={number}", headers=h).json
    pair = pairs["pairs"][index]
    old, new = pair["old"], pair["new"]
    assert pair["shift"] == "weakened"
    assert alert["detail"] == (
        f"{old['label']} {old['strength']} → {new['label']} {new['strength']}; "
        + "; ".join(pair["shift_reasons"])
    )
