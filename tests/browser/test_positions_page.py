"""The positions editor in Chromium, keyboard only: a red line with its rationale on OP8 and
an amendment of OP1 on the real draft A/C.3/80/L.18, then a revision that weakens OP8 raises
the alert on the home page, the position is carried over for review, and the Word paper
holds it. A viewer who opens the editor gets the 403 page and no position."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.test_positions import DRAFT, OP8, WEAKER_OP8, _document, _put, _row, _rows

pytestmark = pytest.mark.browser

CACHE = Path(__file__).resolve().parents[2] / ".pytest_cache"
PAPER = CACHE / "position_paper.docx"
SCREENSHOT = CACHE / "positions_editor.png"

OP1 = next(line for line in DRAFT.splitlines() if line.startswith("1. "))
#: OP1 as the negotiator retypes it: one word replaced ("report" → "reports").
OP1_PROPOSED = "Takes note of the reports of the Secretary-General;"
RATIONALE = "Adopt or strengthen is the floor agreed in 2023; we cannot go below it."
#: Only OP8 changes: a call upon Governments to adopt becomes encouragement to consider it.
WEAKENED = DRAFT.replace(OP8, WEAKER_OP8)


def _upload(page, doc: int, name: str, text: str, label: str) -> int:
    """Upload ``text`` as a .txt file through the upload page; returns the version number."""
    page.goto(f"/documents/{doc}/upload")
    page.set_input_files(
        "#file",
        files=[{"name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")}],
    )
    page.get_by_label("Label").fill(label)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("h1")).to_have_text(f"Preview of {name}")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(rf"/documents/{doc}\?version=\d+$"))
    return int(page.url.rsplit("=", 1)[1])


def _active_row(page) -> tuple[int, str]:
    """Index among the rows and aria-label of the focused row; (-1, "") if none is."""
    index, label = page.evaluate(
        """() => {
            const rows = Array.from(document.querySelectorAll("form.position-row"));
            const i = rows.indexOf(document.activeElement);
            return [i, i < 0 ? "" : rows[i].getAttribute("aria-label")];
        }"""
    )
    return index, label


def _focus_row(page, number: str) -> None:
    """Keyboard only: Tab until a row has the focus, then j/k to paragraph ``number``."""
    for _ in range(60):
        if _active_row(page)[0] >= 0:
            break
        page.keyboard.press("Tab")
    target = page.locator("form.position-row").evaluate_all(
        f"(rows) => rows.findIndex(r => r.getAttribute('aria-label') === 'Paragraph {number}')"
    )
    assert target >= 0, f"no row for paragraph {number}"
    for _ in range(300):
        index, _label = _active_row(page)
        assert index >= 0, "the focus left the rows"
        if index == target:
            break
        page.keyboard.press("j" if index < target else "k")
    assert _active_row(page) == (target, f"Paragraph {number}")


def _positions(page, doc: int, number: int) -> list[dict]:
    response = page.request.get(f"/api/documents/{doc}/versions/{number}/positions")
    assert response.status == 200, response.text()
    return response.json()["positions"]


def test_keyboard_positions_alert_carry_over_and_paper(page, app: Flask) -> None:
    log_in(page, "negotiator")

    page.goto("/documents/new")
    page.get_by_label("Title").fill("Violence against women migrant workers")
    page.get_by_label("Forum").select_option("un-third-committee")
    page.get_by_label("Symbol").fill("A/C.3/80/L.18")
    page.get_by_label("Kind").select_option("resolution")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/documents/\d+$"))
    doc = int(page.url.rsplit("/", 1)[1])
    assert _upload(page, doc, "A_C.3_80_L.18.txt", DRAFT, "draft") == 1

    page.locator("#positions-link").click()
    page.wait_for_url(f"**/documents/{doc}/versions/1/positions")
    op8 = page.locator('form.position-row[aria-label="Paragraph 8"]')
    op1 = page.locator('form.position-row[aria-label="Paragraph 1"]')
    expect(op8.locator(".draft .text")).to_have_text(OP8[3:])

    # OP8: support, red line, a rationale, saved with Ctrl+Enter.
    _focus_row(page, "8")
    page.keyboard.press("s")
    page.keyboard.press("1")
    expect(op8.locator('input[name="stance"][value="support"]')).to_be_checked()
    expect(op8.locator('select[name="priority"]')).to_have_value("red-line")
    expect(op8.locator(".proposed")).to_be_hidden()  # only amend shows the proposed text
    page.keyboard.press("Enter")
    expect(op8.locator('textarea[name="rationale"]')).to_be_focused()
    page.keyboard.type(RATIONALE)
    page.keyboard.press("Control+Enter")
    expect(op8.locator(".saved")).to_have_text("saved — revision 1")

    # OP1: amend, the draft text prefilled in the proposed-text box, one word replaced.
    _focus_row(page, "1")
    expect(op1.locator(".proposed")).to_be_hidden()
    page.keyboard.press("a")
    proposed = op1.locator('textarea[name="proposed_text"]')
    expect(proposed).to_be_visible()
    expect(proposed).to_be_focused()
    expect(proposed).to_have_value(OP1[3:])
    page.keyboard.press("Control+End")
    for _ in range(len(" of the Secretary-General;")):
        page.keyboard.press("ArrowLeft")
    for _ in range(len("report")):
        page.keyboard.press("Backspace")
    page.keyboard.type("reports")
    expect(proposed).to_have_value(OP1_PROPOSED)
    page.keyboard.press("Control+Enter")
    expect(op1.locator(".saved")).to_have_text("saved — revision 1")

    rows = _positions(page, doc, 1)
    saved8, saved1 = _row(rows, "8"), _row(rows, "1")
    assert (saved8["stance"], saved8["priority"], saved8["rationale"]) == (
        "support",
        "red-line",
        RATIONALE,
    )
    assert (saved8["proposed_text"], saved8["revision"], saved8["author"]) == ("", 1, "negotiator")
    assert (saved1["stance"], saved1["priority"], saved1["proposed_text"]) == (
        "amend",
        "flexible",
        OP1_PROPOSED,
    )
    assert (saved1["rationale"], saved1["revision"]) == ("", 1)
    assert [r["number"] for r in rows if r["stance"] != "none"] == ["1", "8"]

    # The revision weakens OP8: the home page says so and links to the change.
    assert _upload(page, doc, "A_C.3_80_L.18-Rev.1.txt", WEAKENED, "Rev.1") == 2
    page.goto("/")
    alert = page.locator("section.alerts li.alert").filter(has_text="Red-line: 8 weakened")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Violence against women migrant workers")
    expect(alert).to_contain_text("version 1 → 2")
    alert.get_by_role("link", name="See the change").click()
    page.wait_for_url(re.compile(rf"/documents/{doc}/compare\?from=1&to=2#pair-\d+$"))
    pair = page.locator(f"#{page.url.rsplit('#', 1)[1]}")
    expect(pair).to_have_attribute("data-shift", "weakened")
    expect(pair.locator("ins").first).to_contain_text("consider")

    # Version 2 of the editor: OP8's position came along, marked for review.
    page.goto(f"/documents/{doc}/versions/2/positions")
    op8 = page.locator('form.position-row[aria-label="Paragraph 8"]')
    expect(op8.locator(".state-note")).to_have_text("carried over — review")
    expect(op8).to_have_class(re.compile(r"\bstate-carried-over\b"))
    expect(op8.locator(".draft .text")).to_have_text(WEAKER_OP8[3:])
    expect(op8.locator('textarea[name="rationale"]')).to_have_value(RATIONALE)
    expect(op8.locator('select[name="priority"]')).to_have_value("red-line")
    op1 = page.locator('form.position-row[aria-label="Paragraph 1"]')
    expect(op1.locator(".state-note")).to_have_count(0)
    expect(op1.locator('textarea[name="proposed_text"]')).to_have_value(OP1_PROPOSED)

    with page.expect_download() as info:
        page.locator("#paper-docx").click()
    download = info.value
    assert download.suggested_filename == "positions-A_C.3_80_L.18-v2.docx"
    CACHE.mkdir(exist_ok=True)
    download.save_as(PAPER)
    paper = docx.Document(str(PAPER))
    texts = [p.text for p in paper.paragraphs]
    assert texts[0].startswith("U.S. Position on")
    assert texts[0] == "U.S. Position on Violence against women migrant workers"
    assert any(RATIONALE in t for t in texts), "OP8's rationale is not in the paper"
    op8.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT))
    print(f"positions editor screenshot: {SCREENSHOT}; paper: {PAPER}")


def test_a_viewer_gets_403_and_no_position(page, client: FlaskClient, auth) -> None:
    doc = _document(client, auth)
    op8 = _row(_rows(client, auth, doc), "8")
    secret = "SECRET-RATIONALE-OP8"
    saved = _put(
        client,
        auth,
        doc,
        1,
        {"paragraph_id": op8["paragraph_id"], "stance": "oppose", "rationale": secret},
    )
    assert saved.status_code == 200, saved.get_json()

    log_in(page, "viewer")
    response = page.goto(f"/documents/{doc}/versions/1/positions")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("403")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("form.position-row")).to_have_count(0)
    assert secret not in page.content()
    assert "SECRET-RATIONALE" not in page.locator("body").inner_text()
