"""Positions on the real Third Committee draft A/C.3/80/L.18: save, 409, carry over, alerts."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import urllib.error
import urllib.request
from typing import Any

import docx
import pytest
from flask.testing import FlaskClient

from multilateral.text.tracked import accepted_text, rejected_text
from tests.conftest import TEXTS, login

DRAFT = (TEXTS / "un" / "A_C.3_80_L.18.txt").read_text(encoding="utf-8")
OP5 = next(line for line in DRAFT.splitlines() if line.startswith("5. "))
OP7 = next(line for line in DRAFT.splitlines() if line.startswith("7. "))
OP8 = next(line for line in DRAFT.splitlines() if line.startswith("8. "))
# A revision that weakens OP8 (a call upon Governments to adopt becomes encouragement to
# consider adopting) and deletes OP5 and OP7; the numbers after them stay as printed.
WEAKER_OP8 = OP8.replace(
    "8. Also calls upon Governments to adopt or strengthen",
    "8. Also encourages Governments to consider adopting or strengthening",
)
REVISION = DRAFT.replace(OP8, WEAKER_OP8).replace(OP5 + "\n", "").replace(OP7 + "\n", "")


def _document(client: FlaskClient, auth) -> int:
    created = client.post(
        "/api/documents",
        json={
            "title": "Violence against women migrant workers",
            "forum": "un-third-committee",
            "kind": "resolution",
            "symbol": "A/C.3/80/L.18",
        },
        headers=auth("negotiator"),
    )
    assert created.status_code == 201, created.get_json()
    doc = created.get_json()["id"]
    added = client.post(
        f"/api/documents/{doc}/versions",
        json={"text": DRAFT, "label": "draft", "date": "2025-10-21"},
        headers=auth("negotiator"),
    )
    assert added.status_code == 201, added.get_json()
    return doc


def _rows(client: FlaskClient, auth, doc: int, number: int = 1) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/documents/{doc}/versions/{number}/positions", headers=auth("negotiator")
    )
    assert response.status_code == 200
    return response.get_json()["positions"]


def _row(rows: list[dict[str, Any]], number: str) -> dict[str, Any]:
    """The operative paragraph numbered ``number`` ("8. " or "8")."""
    return next(r for r in rows if r["number"] == number.rstrip(". "))


def _put(
    client: FlaskClient, auth, doc: int, number: int, *items: dict[str, Any], role="negotiator"
):
    return client.put(
        f"/api/documents/{doc}/versions/{number}/positions",
        json={"positions": list(items)},
        headers=auth(role),
    )


def test_every_paragraph_starts_with_no_position(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    rows = _rows(client, auth, doc)
    operative = [r for r in rows if r["number"].isdigit()]
    assert len(operative) == len(re.findall(r"^\d+\. ", DRAFT, flags=re.M))
    assert {(r["stance"], r["revision"], r["state"]) for r in rows} == {("none", 0, "current")}


def test_save_then_a_stale_save_is_refused_with_both_texts(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    op8 = _row(_rows(client, auth, doc), "8. ")
    mine = {
        "paragraph_id": op8["paragraph_id"],
        "stance": "amend",
        "priority": "red-line",
        "proposed_text": OP8[3:].replace("adopt or strengthen", "adopt and strengthen"),
        "rationale": "Keep the obligation; 'or' lets States pick the weaker.",
        "revision": 0,
    }
    first = _put(client, auth, doc, 1, mine)
    assert first.status_code == 200, first.get_json()
    saved = first.get_json()["positions"][0]
    assert saved["revision"] == 1 and saved["author"] == "negotiator"
    second = _put(client, auth, doc, 1, mine | {"rationale": "edited", "revision": 1})
    assert second.get_json()["positions"][0]["revision"] == 2
    stale = _put(client, auth, doc, 1, mine | {"stance": "support", "proposed_text": ""})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"]["code"] == "stale-revision"
    conflict = body["conflicts"][0]
    assert conflict["yours"]["stance"] == "support"
    assert conflict["theirs"]["rationale"] == "edited" and conflict["theirs"]["revision"] == 2
    assert _row(_rows(client, auth, doc), "8. ")["rationale"] == "edited"


def _racing_save(
    url: str,
    headers: dict[str, str],
    position: dict[str, Any],
    *,
    barrier: threading.Barrier,
    results: dict[str, int],
    name: str,
) -> None:
    """PUT one position once both clients are ready; record the HTTP status."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"positions": [position]}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json", **headers},
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            results[name] = response.status
    except urllib.error.HTTPError as error:
        results[name] = error.code


def test_two_clients_racing_through_http_cannot_both_win(
    client: FlaskClient, auth, live_server: str
) -> None:
    doc = _document(client, auth)
    op7 = _row(_rows(client, auth, doc), "7. ")
    url = f"{live_server}/api/documents/{doc}/versions/1/positions"
    for round_ in range(4):
        revision = _row(_rows(client, auth, doc), "7. ")["revision"]
        barrier = threading.Barrier(2)
        results: dict[str, int] = {}

        body = {
            "paragraph_id": op7["paragraph_id"],
            "stance": "support",
            "priority": "important",
            "revision": revision,
        }
        threads = [
            threading.Thread(
                target=_racing_save,
                args=(url, auth("negotiator"), body | {"rationale": f"{name} in round {round_}"}),
                kwargs={"barrier": barrier, "results": results, "name": name},
            )
            for name in ("alice", "bob")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [200, 409], results
        winner = next(n for n, status in results.items() if status == 200)
        after = _row(_rows(client, auth, doc), "7. ")
        assert after["rationale"] == f"{winner} in round {round_}"
        assert after["revision"] == revision + 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"stance": "endorse"}, "bad-stance"),
        ({"priority": "urgent"}, "bad-priority"),
        ({"stance": "support", "proposed_text": "new words"}, "proposed-text-without-amend"),
        ({"stance": "amend", "proposed_text": ""}, "missing-field"),
        ({"rationale": "x" * 10_001}, "too-long"),
        ({"paragraph_id": 10**9}, "wrong-paragraph"),
        ({"revision": -1}, "bad-field"),
    ],
)
def test_bad_positions_are_refused(client: FlaskClient, auth, change: dict, code: str) -> None:
    doc = _document(client, auth)
    op1 = _row(_rows(client, auth, doc), "1. ")
    body = {"paragraph_id": op1["paragraph_id"], "stance": "support", "revision": 0} | change
    response = _put(client, auth, doc, 1, body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert _row(_rows(client, auth, doc), "1. ")["revision"] == 0


def test_a_paragraph_of_another_version_is_refused(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    client.post(
        f"/api/documents/{doc}/versions", json={"text": REVISION}, headers=auth("negotiator")
    )
    in_v2 = _row(_rows(client, auth, doc, 2), "1. ")
    response = _put(
        client, auth, doc, 1, {"paragraph_id": in_v2["paragraph_id"], "stance": "support"}
    )
    assert response.get_json()["error"]["code"] == "wrong-paragraph"


def test_characters_word_cannot_hold_are_stripped(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    op1 = _row(_rows(client, auth, doc), "1. ")
    saved = _put(
        client,
        auth,
        doc,
        1,
        {
            "paragraph_id": op1["paragraph_id"],
            "stance": "support",
            "rationale": "ok\x00\x0b\ufffe fine",
        },
    )
    assert saved.get_json()["positions"][0]["rationale"] == "ok fine"


def test_viewers_see_no_position_anywhere(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    op1 = _row(_rows(client, auth, doc), "1. ")
    _put(
        client,
        auth,
        doc,
        1,
        {"paragraph_id": op1["paragraph_id"], "stance": "oppose", "rationale": "SECRET-RATIONALE"},
    )
    for url in (
        f"/api/documents/{doc}/versions/1/positions",
        f"/api/documents/{doc}/versions/1/positions.docx",
        f"/api/documents/{doc}/versions/1/positions.csv",
        "/api/alerts",
    ):
        response = client.get(url, headers=auth("viewer"))
        assert response.status_code == 403, url
        assert b"SECRET-RATIONALE" not in response.data and b"oppose" not in response.data
    assert (
        _put(client, auth, doc, 1, {"paragraph_id": op1["paragraph_id"]}, role="viewer").status_code
        == 403
    )
    login(client, "viewer")
    for page in (f"/documents/{doc}", "/", f"/documents/{doc}/versions/1/positions"):
        html = client.get(page).get_data(as_text=True)
        assert "SECRET-RATIONALE" not in html and "positions-link" not in html, page
    search = client.get("/api/search?q=SECRET-RATIONALE").get_json()
    assert search["total"] == 0


def _revise(client: FlaskClient, auth, doc: int, text: str) -> int:
    response = client.post(
        f"/api/documents/{doc}/versions", json={"text": text}, headers=auth("negotiator")
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["number"]


def test_positions_follow_the_paragraph_and_alert_on_red_lines(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    rows = _rows(client, auth, doc)
    positions = [
        {
            "paragraph_id": _row(rows, "8. ")["paragraph_id"],
            "stance": "support",
            "priority": "red-line",
        },
        {
            "paragraph_id": _row(rows, "7. ")["paragraph_id"],
            "stance": "support",
            "priority": "important",
        },
        {
            "paragraph_id": _row(rows, "5. ")["paragraph_id"],
            "stance": "oppose",
            "priority": "important",
        },
        {
            "paragraph_id": _row(rows, "1. ")["paragraph_id"],
            "stance": "support",
            "priority": "red-line",
        },
    ]
    assert _put(client, auth, doc, 1, *positions).status_code == 200
    assert client.get("/api/alerts", headers=auth("negotiator")).get_json()["alerts"] == []

    assert _revise(client, auth, doc, REVISION) == 2
    v2 = _rows(client, auth, doc, 2)
    assert _row(v2, "8. ")["state"] == "carried-over"
    assert _row(v2, "8. ")["state_label"] == "carried over — review"
    assert _row(v2, "1. ")["state"] == "current" and _row(v2, "1. ")["stance"] == "support"
    deleted = [r for r in v2 if r["paragraph_id"] is None]
    assert {r["text"] for r in deleted} == {OP5[3:], OP7[3:]}
    assert {r["state"] for r in deleted} == {"paragraph-deleted"}

    alerts = client.get("/api/alerts", headers=auth("negotiator")).get_json()["alerts"]
    assert [(a["priority"], a["kind"]) for a in alerts] == [
        ("red-line", "weakened"),
        ("important", "deleted"),
    ]
    assert alerts[0]["number"] == "8" and "consider" in alerts[0]["new_text"]
    assert alerts[0]["compare_url"].startswith(f"/documents/{doc}/compare?from=1&to=2#pair-")
    login(client, "negotiator")
    home = client.get("/").get_data(as_text=True)
    assert "Red-line: 8 weakened" in home
    page = client.get(f"/documents/{doc}").get_data(as_text=True)
    assert "Red-line: 8 weakened" in page and "See the change" in page

    # Version 3 puts the opposed paragraph back (as new text): the alert says so.
    v3 = REVISION.replace(WEAKER_OP8, WEAKER_OP8 + "\n" + OP5)
    assert _revise(client, auth, doc, v3) == 3
    alerts = client.get("/api/alerts", headers=auth("negotiator")).get_json()["alerts"]
    assert ("important", "re-inserted") in [(a["priority"], a["kind"]) for a in alerts]


def test_the_history_of_a_paragraph_is_one_click_away(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    op8 = _row(_rows(client, auth, doc), "8. ")
    _put(
        client,
        auth,
        doc,
        1,
        {"paragraph_id": op8["paragraph_id"], "stance": "support", "rationale": "v1 view"},
    )
    _revise(client, auth, doc, REVISION)
    login(client, "negotiator")
    editor = client.get(f"/documents/{doc}/versions/2/positions").get_data(as_text=True)
    link = f"/documents/{doc}/paragraphs/{op8['lineage']}/history"
    assert link in editor
    history = client.get(link).get_data(as_text=True)
    assert "v1 view" in history and "carried over — review" in history
    assert "consider adopting" in history and "adopt or strengthen" in history


def test_the_position_paper_and_its_table(client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    rows = _rows(client, auth, doc)
    proposed = OP8[3:].replace("adopt or strengthen", "adopt and strengthen")
    _put(
        client,
        auth,
        doc,
        1,
        {
            "paragraph_id": _row(rows, "8")["paragraph_id"],
            "stance": "amend",
            "priority": "red-line",
            "proposed_text": proposed,
            "rationale": "Both, not either.",
        },
        {"paragraph_id": _row(rows, "1")["paragraph_id"], "stance": "support"},
    )
    response = client.get(
        f"/api/documents/{doc}/versions/1/positions.docx", headers=auth("negotiator")
    )
    assert response.status_code == 200
    assert "positions-A_C.3_80_L.18-v1.docx" in response.headers["Content-Disposition"]
    paper = docx.Document(io.BytesIO(response.data))
    texts = [p.text for p in paper.paragraphs]
    assert texts[0] == "U.S. Position on Violence against women migrant workers"
    banner = "SENSITIVE BUT UNCLASSIFIED"
    assert banner in paper.sections[0].header.paragraphs[0].text
    assert any(banner in p.text for p in paper.sections[0].footer.paragraphs)
    summary = paper.tables[0]
    taken = {tuple(c.text for c in row.cells[2:]) for row in summary.rows[1:]}
    assert taken == {("Support", "flexible"), ("Amend", "red-line")}
    accepted = " ".join(accepted_text(response.data))
    rejected = " ".join(rejected_text(response.data))
    assert proposed in accepted and OP8[3:] in rejected
    table = client.get(
        f"/api/documents/{doc}/versions/1/positions.csv", headers=auth("negotiator")
    ).get_data(as_text=True)
    amend = next(
        r for r in csv.DictReader(io.StringIO(table.split("\n", 1)[1])) if r["number"] == "8"
    )
    assert amend["stance"] == "amend" and amend["proposed_text"] == proposed
