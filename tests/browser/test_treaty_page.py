"""The Palermo Protocol status page in Chromium: counts, map and table against the JSON API,
the forum and date filters redrawing the panel in place, and a map link to a country page."""

import re

import pytest
from playwright.sync_api import expect

from multilateral.services.seed import SEED_DIR
from multilateral.services.treaties import STATUSES
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SLUG = "palermo-protocol"
PAGE = f"/treaties/{SLUG}"
SCREENSHOT = SEED_DIR.parent.parent / ".pytest_cache" / "treaty_page.png"
#: The United States signed on 13 December 2000 and ratified on 3 November 2005.
USA_RATIFIED = "3 November 2005"
#: Participants the world map has no shape for.
UNDRAWN = {"EU"}


def _counts(page) -> dict[str, int]:
    """The counts shown in the panel, by status."""
    return {
        s: int(page.locator(f'#status-panel span.n[data-status="{s}"]').inner_text())
        for s in STATUSES
    }


def _iso3s(locator) -> list[str]:
    return locator.evaluate_all("(els) => els.map((e) => e.dataset.iso3)")


def _map(page):
    return page.locator("#status-panel section.map svg.wm")


def _api(page, query: str = "") -> dict:
    """The status API for the same filters, with the browser's session cookie."""
    response = page.request.get(f"/api/treaties/{SLUG}/status" + (f"?{query}" if query else ""))
    assert response.status == 200, response.text()[:500]
    return response.json()


def _wait_for_panel(page, url_part: str, heading_part: str) -> None:
    """treaty.js pushes the URL only after it has replaced the panel: wait for both."""
    expect(page).to_have_url(re.compile(re.escape(url_part)))
    expect(page.locator("#counts-h")).to_contain_text(heading_part)
    expect(page.locator("#status-panel")).not_to_have_attribute("aria-busy", "true")


def test_counts_map_and_table_agree_with_the_api_and_link_to_countries(page) -> None:
    log_in(page, "viewer")
    page.goto(PAGE)
    expect(page.locator("h1")).to_contain_text("Trafficking in Persons")
    api = _api(page)
    counts = _counts(page)
    assert counts == api["counts"]
    assert counts["party"] > 100  # the shipped record has well over a hundred parties
    expect(page.locator("#counted-total")).to_contain_text(f"{api['total']} states counted")
    assert api["total"] == 197

    world = _map(page)
    expect(world).to_have_count(1)
    for status, category in (("party", "party"), ("signatory", "signatory")):
        drawn = set(_iso3s(world.locator(f'.wm-c[data-category="{category}"]')))
        listed = {p["iso3"] for p in api["participants"] if p["status"] == status}
        # The European Union is a party but has no shape: the map skips it (worldmap.py).
        assert drawn == listed - UNDRAWN, (status, drawn ^ (listed - UNDRAWN))
    assert len(_iso3s(world.locator(".wm-c"))) == 197 - len(UNDRAWN)
    usa = world.locator('.wm-c[data-iso3="USA"]')
    expect(usa).to_have_attribute("data-category", "party")
    title = usa.locator("> title").text_content()
    assert "party" in title and "2005" in title, title

    table = page.locator("#status-table tbody tr")
    expect(table).to_have_count(197)
    assert page.locator('#status-table tr[data-status="party"]').count() == counts["party"]
    expect(page.locator('#status-table tr[data-iso3="USA"]')).to_have_attribute(
        "data-status", "party"
    )

    # The map's link, not the table's: the state is clicked where it is drawn.
    usa.click()
    expect(page).to_have_url(re.compile(r"/countries/USA$"))
    expect(page.locator("h1")).to_contain_text("United States")
    status = page.locator(f'p.status[data-treaty="{SLUG}"]')
    expect(status).to_contain_text(f"party since {USA_RATIFIED}")
    expect(page.locator("main")).to_contain_text(USA_RATIFIED)


def test_forum_and_date_filters_redraw_the_panel(page) -> None:
    log_in(page, "viewer")
    page.goto(PAGE)
    everyone = _counts(page)
    assert sum(everyone.values()) == 197

    page.select_option("#f-forum", "osce")
    _wait_for_panel(page, "forum=osce", "Organization for Security and Co-operation")
    expect(page.locator("#counted-total")).to_contain_text("57 states counted")
    osce = _counts(page)
    assert osce != everyone
    assert sum(osce.values()) == 57
    assert osce == _api(page, "forum=osce")["counts"]
    world = _map(page)
    selected = world.locator('.wm-c:not([data-category="outside"])')
    assert len(_iso3s(selected)) == 57  # the EU is no OSCE participant
    assert world.locator('.wm-c[data-category="party"]').count() == osce["party"]
    expect(world.locator('.wm-c[data-iso3="FRA"]')).not_to_have_attribute(
        "data-category", "outside"
    )
    expect(world.locator('.wm-c[data-iso3="FRA"]')).to_have_attribute("data-category", "party")
    expect(page.locator("#status-table tbody tr")).to_have_count(57)
    assert page.locator('#status-table tr[data-iso3="BRA"]').count() == 0

    page.select_option("#f-as-of", "2003")
    _wait_for_panel(page, "as_of=2003", "31 December 2003")
    assert "forum=osce" in page.url
    in_2003 = _counts(page)
    assert sum(in_2003.values()) == 57
    assert in_2003["party"] < osce["party"]
    assert in_2003["party"] == _api(page, "forum=osce&as_of=2003")["counts"]["party"]
    assert world.locator('.wm-c[data-category="party"]').count() == in_2003["party"]
    usa_row = page.locator('#status-table tr[data-iso3="USA"]')
    expect(usa_row).to_have_attribute("data-status", "signatory")
    expect(usa_row.locator("td.status")).to_contain_text("signatory since 13 December 2000")
    expect(world.locator('.wm-c[data-iso3="USA"]')).to_have_attribute("data-category", "signatory")

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    print(f"treaty page screenshot: {SCREENSHOT}")

    # States outside the forum are drawn, linked, as "not selected" (the legend says so).
    brazil = world.locator('[data-iso3="BRA"]')
    assert brazil.count() == 1, "Brazil (outside the OSCE) is not drawn as a map country"
    assert brazil.get_attribute("data-category") == "outside"
