"""Script in every text field and upload comes back escaped on every page that shows it."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from tests.conftest import login

PAYLOADS = (
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
)
PAYLOAD = " ".join(PAYLOADS)
#: What must never reach a page: the payload's markup, unescaped.
RAW = ("<script>alert", "<img src=x", "<svg onload", 'href="javascript:')


def _clean(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} came back unescaped"


def test_payloads_in_texts_titles_positions_and_treaty_acts(client: FlaskClient, auth) -> None:
    created = client.post(
        "/api/documents",
        json={
            "title": f"Draft {PAYLOAD}",
            "forum": "un-ga",
            "kind": "resolution",
            "symbol": "A/XSS/1",
            "tags": [PAYLOADS[0]],
        },
        headers=auth("negotiator"),
    )
    assert created.status_code == 201, created.get_json()
    doc = created.get_json()["id"]
    text = "The General Assembly,\n" + "\n".join(
        f"{n}. Calls upon States to act {payload};" for n, payload in enumerate(PAYLOADS, 1)
    )
    upload = client.post(
        f"/api/documents/{doc}/versions",
        data={"file": (io.BytesIO(text.encode()), f"{PAYLOADS[2]}.txt"), "label": PAYLOADS[1]},
        headers=auth("negotiator"),
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.get_json()
    second = client.post(
        f"/api/documents/{doc}/versions",
        json={"text": text.replace("Calls upon", "Encourages"), "label": PAYLOADS[0]},
        headers=auth("negotiator"),
    )
    assert second.status_code == 201, second.get_json()
    rows = client.get(
        f"/api/documents/{doc}/versions/1/positions", headers=auth("negotiator")
    ).get_json()["positions"]
    operative = [r for r in rows if r["number"]]
    saved = client.put(
        f"/api/documents/{doc}/versions/1/positions",
        json={
            "positions": [
                {
                    "paragraph_id": operative[0]["paragraph_id"],
                    "stance": "amend",
                    "priority": "red-line",
                    "proposed_text": PAYLOAD,
                    "rationale": PAYLOAD,
                }
            ]
        },
        headers=auth("negotiator"),
    )
    assert saved.status_code == 200, saved.get_json()
    act = client.post(
        "/api/treaties/palermo-protocol/actions",
        json={
            "iso3": "WSM",
            "kind": "declaration",
            "date": "2020-01-01",
            "text": PAYLOAD,
            "note": PAYLOAD,
            "source": PAYLOAD,
        },
        headers=auth("admin"),
    )
    assert act.status_code == 201, act.get_json()

    login(client, "admin")
    pages = [
        "/",
        "/documents",
        f"/documents/{doc}",
        f"/documents/{doc}?version=2",
        f"/documents/{doc}/compare?from=1&to=2",
        f"/documents/{doc}/versions/1/positions",
        f"/documents/{doc}/versions/2/positions",
        f"/documents/{doc}/paragraphs/{operative[0]['lineage']}/history",
        "/search?q=alert",
        "/search?q=" + PAYLOADS[0],
        "/treaties/palermo-protocol",
        "/countries/WSM",
        "/admin/audit",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        _clean(html, page)
    # The payload is shown (escaped), not dropped: the page still tells the reader.
    assert "&lt;script&gt;alert(" in client.get(f"/documents/{doc}").get_data(as_text=True)
    svg = client.get("/api/treaties/palermo-protocol/map.svg").get_data(as_text=True)
    _clean(svg, "map.svg")
