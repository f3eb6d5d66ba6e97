"""A newcomer's first hour (issue 13) in Chromium: no page scrolls sideways on a 390 px phone,
the skip link comes first, the table of contents jumps, a verdict's explanation pops up on
focus or click without moving the text, the favicon is there, and axe-core (vendored, see
vendor/SOURCE.md) finds no accessibility violation on the pages people start with."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
UN_SERIES = "Violence against women migrant workers"
#: A clause that binds, as the analyse page is meant to show.
PASTED = (
    "The General Assembly,\n"
    "Recalling its resolution 78/180,\n"
    "1. Decides to convene a high-level meeting in 2026;\n"
    "2. Urges States, as appropriate, to consider ratifying the Protocol;\n"
    "3. Takes note of the report of the Secretary-General;"
)


def _document(page, query: str, **match: str) -> int:
    """The id of the first document the API lists for ``query`` with these fields."""
    found = page.request.get("/api/documents", params={"q": query}).json()["documents"]
    return next(d["id"] for d in found if all(d[k] == v for k, v in match.items()))


def _series(page) -> int:
    return _document(page, UN_SERIES, kind="resolution")


def _palermo(page) -> int:
    return _document(page, "Palermo", symbol="A/RES/55/25, annex II")


def _sideways(page) -> list[str]:
    """How far the page scrolls sideways, with the elements that stick out (empty: none)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          const out = [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 1) out.push(`${el.tagName}#${el.id}.${el.className}`);
          }
          return out.slice(0, 10);
        }"""
    )


def _analysed(page) -> None:
    page.goto("/classify")
    page.get_by_label("Text").fill(PASTED)
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator("#summary-line")).to_contain_text(
        "1 of 3 operative paragraphs is actionable; 1 hortatory; 1 descriptive"
    )


def test_no_page_scrolls_sideways_on_a_phone(page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "negotiator")
    series, palermo = _series(page), _palermo(page)
    for path in (
        "/",
        "/documents",
        f"/documents/{series}",
        f"/documents/{palermo}",
        f"/documents/{series}/compare",
        "/search?q=trafficking",
        "/treaties/palermo-protocol",
        f"/documents/{series}/upload",
    ):
        page.goto(path)
        assert _sideways(page) == [], path
    _analysed(page)
    assert _sideways(page) == [], "/classify with results"
    # An explanation open near the right edge stays inside the screen too.
    page.locator(".verdict-button").last.focus()
    expect(page.locator(".explanation").last).to_be_visible()
    assert _sideways(page) == [], "/classify with an explanation open"


def test_the_other_pages_fit_a_phone_too(page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "admin")
    for path in (
        "/treaties",
        "/countries/USA",
        "/series",
        "/series/new",
        "/documents/new",
        "/admin/audit",
        "/admin/tokens",
        "/account/password",
    ):
        page.goto(path)
        assert _sideways(page) == [], path


def test_the_skip_link_is_the_first_tab_stop_and_skips_to_the_text(page) -> None:
    log_in(page, "viewer")
    page.goto(f"/documents/{_palermo(page)}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.outerHTML")
    assert 'class="skip"' in focused and "Skip to content" in focused
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is in the page's content, past the menu
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_the_table_of_contents_jumps_to_an_article_and_a_paragraph(page) -> None:
    log_in(page, "viewer")
    page.goto(f"/documents/{_palermo(page)}")
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="Article 5: Criminalization").click()
    anchor = page.evaluate("location.hash")
    target = page.locator(anchor)
    expect(target).to_contain_text("Criminalization")
    expect(target).to_be_in_viewport()
    assert target.get_attribute("data-kind") == "article"

    page.goto(f"/documents/{_series(page)}")
    link = page.get_by_role("navigation", name="Contents").get_by_role("link", name="Paragraph 12:")
    link.click()
    target = page.locator(page.evaluate("location.hash"))
    expect(target).to_be_in_viewport()
    assert target.get_attribute("data-kind") == "operative"
    assert target.locator(".num").inner_text() == "12"


def _boxes(page) -> list[tuple[float, float, float, float]]:
    return page.locator(".paragraphs .para").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.x, r.y + window.scrollY, r.width, r.height]; })"
    )


def test_the_explanation_pops_up_on_focus_and_click_without_moving_the_text(page) -> None:
    log_in(page, "viewer")
    page.goto(f"/documents/{_series(page)}")
    paragraph = page.locator('.para[data-kind="operative"]').nth(2)
    button = paragraph.locator(".verdict-button")
    tip = paragraph.locator(".explanation")
    expect(button).to_contain_text("/100")
    expect(tip).to_be_hidden()
    assert tip.get_attribute("role") == "tooltip"
    assert button.get_attribute("aria-describedby") == tip.get_attribute("id")
    before = _boxes(page)

    # By keyboard: Tab from the paragraph before reaches this verdict (past any link in
    # between) and shows why.
    page.locator('.para[data-kind="operative"]').nth(1).locator(".verdict-button").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('verdict-button')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == (
        tip.get_attribute("id")
    )
    expect(tip).to_be_visible()
    assert tip.inner_text().strip()
    assert _boxes(page) == before, "showing the explanation moved the paragraphs"
    below = paragraph.bounding_box()
    shown = tip.bounding_box()
    assert shown["y"] > button.bounding_box()["y"]  # under its button …
    assert shown["y"] + shown["height"] > below["y"] + below["height"]  # … over what follows
    assert shown["x"] >= below["x"] and shown["x"] + shown["width"] <= below["x"] + below["width"]
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()

    # By mouse: a click opens it, a second click closes it; the layout never moves.
    page.mouse.move(0, 0)
    page.locator("h1").click()
    expect(tip).to_be_hidden()
    button.click()
    expect(tip).to_be_visible()
    page.mouse.move(0, 0)
    expect(tip).to_be_visible()
    assert _boxes(page) == before
    button.click()
    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()


def test_the_favicon_is_linked_and_served(page) -> None:
    page.goto("/login")
    icon = page.locator('link[rel="icon"]')
    expect(icon).to_have_count(1)
    response = page.request.get(icon.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text().startswith("<svg")


def _violations(page) -> list[tuple[str, str, list[str]]]:
    """axe-core's violations on the open page: (rule, impact, first elements)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v =>
            [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
        }"""
    )


def test_axe_finds_no_violation_on_the_pages_a_newcomer_opens(page) -> None:
    log_in(page, "negotiator")
    series, palermo = _series(page), _palermo(page)
    for path in (
        "/",
        "/documents",
        f"/documents/{series}",
        f"/documents/{palermo}",
        f"/documents/{series}/upload",
        f"/documents/{palermo}/versions/1/positions",
        "/search?q=trafficking",
        "/treaties",
        "/treaties/palermo-protocol",  # its world map: a group of linked countries
    ):
        page.goto(path)
        assert _violations(page) == [], path
    _analysed(page)
    assert _violations(page) == [], "/classify with results"
