"""A negotiator creates a document, uploads a Word draft, corrects a kind and saves it."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from multilateral.text.formats.reader import sha256_of
from tests.browser.conftest import log_in
from tests.test_import_api import UN_DRAFT, docx_bytes
from tests.test_stash import stashed

pytestmark = pytest.mark.browser

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_upload_preview_correct_and_save(page, app: Flask) -> None:
    log_in(page, "negotiator")

    page.goto("/documents/new")
    page.get_by_label("Title").fill("Trafficking in women and girls")
    page.get_by_label("Forum").select_option("un-third-committee")
    page.get_by_label("Symbol").fill("A/C.3/80/L.20")
    page.get_by_label("Kind").select_option("resolution")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/documents/*")
    assert page.locator("h1").inner_text() == "Trafficking in women and girls"

    page.get_by_role("link", name="Upload a new version").click()
    page.wait_for_url("**/upload")
    data = docx_bytes(UN_DRAFT)  # (a .docx written again differs: its zip holds the time)
    page.set_input_files("#file", files=[{"name": "L20.docx", "mimeType": DOCX, "buffer": data}])
    page.get_by_label("Label").fill("zero draft")
    page.get_by_role("button", name="Preview").click()

    assert page.locator("h1").inner_text() == "Preview of L20.docx"
    assert stashed(app) == [sha256_of(data)]
    rows = page.locator("tr.unit")
    assert rows.count() == len(UN_DRAFT)
    assert rows.nth(9).locator(".num").inner_text() == "5 bis"
    assert rows.nth(9).get_by_text("[ ] unagreed").is_visible()
    formula = page.get_by_label("Kind of paragraph 3")
    assert formula.input_value() == "heading"
    formula.select_option("preambular")  # "The General Assembly," belongs to the preamble here
    page.get_by_role("button", name="Save as a new version").click()

    page.wait_for_url("**/documents/*?version=1")
    paragraphs = page.locator(".paragraphs .para")
    assert paragraphs.count() == len(UN_DRAFT)
    kinds = [paragraphs.nth(i).get_attribute("data-kind") for i in range(paragraphs.count())]
    assert kinds[2:6] == ["preambular", "preambular", "preambular", "operative"]
    assert "Decides to convene" in paragraphs.nth(5).inner_text()
    assert page.locator(".versions li").first.inner_text().startswith("zero draft")
    expect(page.get_by_role("status")).to_contain_text("Saved: zero draft")
    assert stashed(app) == []
