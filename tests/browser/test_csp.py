"""Every page in Chromium under the Content-Security-Policy: no "Refused to …" message and
no ``securitypolicyviolation`` event, including after the scripts have run (the treaty
panel redrawn in place, the compare page's buttons, the positions editor)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.test_compare import ART5_1, PALERMO, _add_revision, _doc_id, _palermo_text
from tests.test_positions import _document

pytestmark = pytest.mark.browser

#: Recorded by the page itself (this Chromium reports violations as events, not on the
#: console); Playwright's init scripts are not subject to the policy. An inline style's
#: event is fired at the element, so it tells whether the world map's <style> was refused.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push({
    text: `${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
        + ` at ${e.sourceFile}:${e.lineNumber}`,
    inMap: e.target instanceof Element && e.target.closest("svg.wm") !== null
        && e.violatedDirective.startsWith("style-src"),
}), true);
"""
NESTED = "Article 1\n1. States Parties shall act.\n(a) To prevent trafficking;\n"


def test_no_page_breaks_the_content_security_policy(
    app: Flask, client: FlaskClient, auth, page
) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(f"{page.url}: {m.text}") if "Refused to" in m.text else None,
    )
    page.on("pageerror", lambda e: refused.append(f"{page.url}: {e}"))
    page.add_init_script(LISTEN)
    palermo = _doc_id(app, PALERMO)
    # Versions 1 to 3 differ only in formatting: a revision that softens Article 5 gives the
    # compare page a change for its buttons to jump to.
    weakened = _palermo_text().replace(
        ART5_1, ART5_1.replace("shall adopt", "shall consider adopting")
    )
    revision = _add_revision(app, PALERMO, weakened, "Rev.1")
    mine = _document(client, auth)
    violations: list[str] = []
    #: maps/worldmap.py still inlines a <style> in the map (its rules are in site.css now).
    map_styles: list[str] = []

    def visit(url: str) -> None:
        response = page.goto(url)
        assert response is not None and response.status in (200, 404), (url, response.status)
        settle(url)

    def settle(url: str) -> None:
        page.wait_for_load_state("load")
        for v in page.evaluate("window.__violations.splice(0)"):
            (map_styles if v["inMap"] else violations).append(f"{url}: {v['text']}")

    visit("/login")
    log_in(page, "negotiator")
    for url in (
        "/",
        "/documents",
        f"/documents/{palermo}",
        f"/documents/{palermo}/compare?from=1&to=2&view=inline",
        "/search?q=trafficking",
        "/classify",
        "/treaties",
        "/countries/FRA",
        "/account/password",
        "/no-such-page",
    ):
        visit(url)

    # The compare page with its buttons, the Print button included (window.print stubbed).
    visit(f"/documents/{palermo}/compare?from=1&to={revision}")
    page.get_by_label("Only changes").check()
    # The filter is answered by the server: a new page, whose print is stubbed in its turn.
    expect(page).to_have_url(re.compile("only=changes"))
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Next ▶").click()
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed === true")
    settle("compare (clicked)")

    # The treaty page, then its panel redrawn by treaty.js from fetched HTML.
    visit("/treaties/palermo-protocol")
    expect(page.locator("#status-panel svg.wm")).to_have_count(1)
    page.select_option("#f-forum", "osce")
    # Generous timeouts: the panel is computed afresh, on a machine that may be busy.
    expect(page).to_have_url(re.compile("forum=osce"), timeout=30_000)
    expect(page.locator("#status-panel")).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    settle("treaty (redrawn)")

    # The positions editor, then the upload preview (indented sub-paragraphs).
    visit(f"/documents/{mine}/versions/1/positions")
    expect(page.locator("form.position-row").first).to_be_visible()
    visit(f"/documents/{palermo}/upload")
    page.locator("textarea").first.fill(NESTED)
    page.get_by_label("Label").fill("Rev.9")
    page.get_by_role("button", name="Preview").click()
    # Indented by site.css (2rem) instead of a style attribute.
    expect(page.locator("td.nested-cell").first).to_have_css("padding-left", "32px")
    settle("upload preview")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    settle("login after log-out")

    assert refused == [], refused
    assert violations == [], violations
    # The world map inline in the treaty page carries no <style> (its rules are in site.css).
    assert map_styles == [], map_styles
