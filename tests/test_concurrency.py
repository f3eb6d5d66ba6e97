"""Concurrent uploads through real HTTP: every one stored, numbered without gaps, lineage
intact and indexed (issue 11).

Eight clients send eight different revisions of the Third Committee draft A/C.3/80/L.18 to
one document at the same moment (each draft paragraph swapped for the wording the same
paragraph had in A/RES/78/180, a different one per client). The same test runs on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import Paragraph, Version
from multilateral.search import backend, outbox
from multilateral.text.align import align, lineage
from multilateral.text.segment import segment_text
from tests.conftest import TEXTS

CLIENTS = 8
DRAFT = (TEXTS / "un" / "A_C.3_80_L.18.txt").read_text(encoding="utf-8").splitlines()
EARLIER = (TEXTS / "un" / "A_RES_78_180.txt").read_text(encoding="utf-8").splitlines()


def _operative(lines: list[str]) -> dict[str, str]:
    """Operative paragraphs by number ("5") as printed at the start of their line."""
    found: dict[str, str] = {}
    for line in lines:
        number, dot, _ = line.partition(". ")
        if dot and number.isdigit():
            found.setdefault(number, line)
    return found


def revisions(count: int) -> list[str]:
    """``count`` revisions of the draft, each with one operative paragraph in its 2023
    wording (a different paragraph in each, and only where the wording differs)."""
    draft, earlier = _operative(DRAFT), _operative(EARLIER)
    swaps = [n for n in draft if n in earlier and draft[n] != earlier[n]][:count]
    assert len(swaps) == count, "the texts no longer differ in enough paragraphs"
    return ["\n".join(earlier[n] if line == draft[n] else line for line in DRAFT) for n in swaps]


def _upload(
    url: str, headers: dict[str, str], text: str, barrier: threading.Barrier
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text, "label": "concurrent"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _upload_all(url: str, headers: dict[str, str], texts: list[str]) -> list[Any]:
    """Send every text at once (all threads released by one barrier); the answers in order."""
    barrier = threading.Barrier(len(texts))
    answers: list[Any] = [None] * len(texts)

    def send(i: int) -> None:
        try:
            answers[i] = _upload(url, headers, texts[i], barrier)
        except Exception as exc:  # recorded: the assertion below shows it
            answers[i] = (None, repr(exc))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def _new_document(client: FlaskClient, auth: Any) -> int:
    created = client.post(
        "/api/documents",
        json={
            "title": "Violence against women migrant workers",
            "forum": "un-third-committee",
            "kind": "resolution",
        },
        headers=auth("negotiator"),
    )
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def test_concurrent_uploads_all_succeed_numbered_without_gaps(
    app: Flask, client: FlaskClient, auth, live_server: str
) -> None:
    doc = _new_document(client, auth)
    texts = revisions(CLIENTS)
    url = f"{live_server}/api/documents/{doc}/versions"
    answers = _upload_all(url, auth("negotiator"), texts)

    assert [status for status, _ in answers] == [201] * CLIENTS, answers
    assert sorted(body["number"] for _, body in answers) == list(range(1, CLIENTS + 1))

    # Lineage: each version was aligned against the one numbered just before it, whatever
    # order the uploads arrived in: its lineages are those the text layer gives that pair.
    text_of = {body["number"]: texts[i] for i, (_, body) in enumerate(answers)}
    versions = [
        client.get(f"{url}/{n}", headers=auth("viewer")).get_json() for n in range(1, CLIENTS + 1)
    ]
    for previous, current in zip(versions, versions[1:], strict=False):
        old_units = segment_text(text_of[previous["number"]]).units
        new_units = segment_text(text_of[current["number"]]).units
        old_lineages = [p["lineage"] for p in previous["paragraphs"]]
        expected = lineage(align(old_units, new_units), old_lineages, len(new_units), str)
        stored = [p["lineage"] for p in current["paragraphs"]]
        assert len(stored) == len(new_units) and len(set(stored)) == len(stored)
        inherited = [i for i, want in enumerate(expected) if want in old_lineages]
        assert len(inherited) >= len(new_units) - 4  # one paragraph reworded each way
        for i, want in enumerate(expected):
            if i in inherited:
                assert stored[i] == want, (current["number"], current["paragraphs"][i]["text"])
            else:
                assert stored[i] not in old_lineages, current["paragraphs"][i]["text"]

    # The index holds every version's paragraphs once a search has run (searches apply what
    # a busy index left in the outbox).
    search = client.get(
        "/api/search",
        query_string={"q": "migrant", "versions": "all"},
        headers=auth("viewer"),
    )
    assert search.status_code == 200
    with app.app_context():
        stored = set(
            db.session.scalars(
                db.select(Paragraph.id).join(Version).where(Version.document_id == doc)
            ).all()
        )
        assert len(stored) == sum(len(v["paragraphs"]) for v in versions)
        assert stored <= backend().paragraph_ids()
        assert outbox.outbox_length() == 0
        db.session.remove()
    health = client.get("/api/health").get_json()["index"]
    assert health["status"] == "ok", health


def test_the_same_file_twice_at_once_is_stored_once(
    app: Flask, client: FlaskClient, auth, live_server: str
) -> None:
    doc = _new_document(client, auth)
    text = revisions(1)[0]
    url = f"{live_server}/api/documents/{doc}/versions"
    answers = _upload_all(url, auth("negotiator"), [text] * 4)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201, 409, 409, 409], answers
    refusals = [body for status, body in answers if status == 409]
    assert {b["error"]["code"] for b in refusals} == {"duplicate-version"}
    assert all("version 1" in b["error"]["message"] for b in refusals)
    with app.app_context():
        numbers = db.session.scalars(db.select(Version.number).filter_by(document_id=doc)).all()
        db.session.remove()
    assert numbers == [1]
