"""The compare page in Chromium: filters, jumping between changes (and nowhere when there is
nowhere to go), the "no change" message, collapsed runs opened on demand and by a link."""

import re
import time

import pytest
from playwright.sync_api import expect

from multilateral.services import compare
from tests.browser.conftest import log_in
from tests.test_compare import ART5_1, PALERMO, _add_revision, _doc_id, _palermo_text

pytestmark = pytest.mark.browser


def test_compare_page_flags_the_weakened_paragraph_and_jumps_to_it(app, page) -> None:
    text = _palermo_text()
    revised = text.replace(ART5_1, ART5_1.replace("shall adopt", "shall consider adopting"))
    revised = revised.replace(
        "This Protocol supplements the United Nations Convention",
        "This Protocol complements the United Nations Convention",
    )
    number = _add_revision(app, PALERMO, revised, "Rev.1")
    doc = _doc_id(app, PALERMO)
    log_in(page, "viewer")
    started = time.perf_counter()
    page.goto(f"/documents/{doc}/compare?from=1&to={number}")
    load_seconds = time.perf_counter() - started
    assert page.locator("#change-count").inner_text() == "2"
    assert page.locator("#weakened-count").inner_text() == "1"
    weakened = page.locator(".pair.shift-weakened")
    assert weakened.count() == 1
    assert "consider" in weakened.locator("ins").first.inner_text()
    # The filters ask the server for that list.
    page.get_by_label("Only weakened").check()
    page.wait_for_url(re.compile(r"only=weakened"))
    expect(page.locator(".pair:visible")).to_have_count(1)
    expect(page.locator(".collapsed-run")).to_have_count(0)
    page.get_by_role("button", name="Next ▶").click()
    assert page.evaluate("document.activeElement.dataset.shift") == "weakened"
    page.get_by_label("Only weakened").uncheck()
    page.wait_for_url(re.compile(r"to=\d+&view=side$"))
    page.get_by_label("Only changes").check()
    page.wait_for_url(re.compile(r"only=changes"))
    expect(page.locator(".pair:visible")).to_have_count(2)
    page.get_by_role("link", name="Inline").click()
    page.wait_for_url(re.compile(r"view=inline"))
    assert page.locator(".view-inline .pair.shift-weakened del").count() >= 1
    expect(page.get_by_label("Only changes")).to_be_checked()
    # Reported, not asserted (speed is measured in bench/): the page load on this machine.
    print(f"compare page loaded in {load_seconds:.3f} s")


def test_no_change_and_buttons_with_nowhere_to_go(app, page) -> None:
    doc = _doc_id(app, PALERMO)
    log_in(page, "viewer")
    page.goto(f"/documents/{doc}/compare?from=1&to=2")  # the same words, reformatted
    expect(page.locator("#no-change")).to_contain_text("No change in wording")
    previous = page.get_by_role("button", name="◀ Previous")
    following = page.get_by_role("button", name="Next ▶")
    expect(previous).to_be_disabled()
    expect(following).to_be_disabled()
    page.keyboard.press("n")  # the shortcut goes nowhere either
    assert page.evaluate("location.hash") == ""
    page.get_by_label("Only changes").check()
    page.wait_for_url(re.compile(r"only=changes"))
    expect(page.locator("#nothing-to-show")).to_contain_text("nothing to show")
    expect(page.locator("#pairs .pair, #pairs .collapsed-run")).to_have_count(0)

    # One change: Next goes to it, and then there is nowhere further either way.
    text = _palermo_text().replace(ART5_1, ART5_1.replace("shall adopt", "may adopt"))
    number = _add_revision(app, PALERMO, text, "Rev.1")
    page.goto(f"/documents/{doc}/compare?from=1&to={number}")
    expect(page.locator("#no-change")).to_have_count(0)
    expect(previous).to_be_disabled()
    expect(following).to_be_enabled()
    following.click()
    assert page.evaluate("document.activeElement.dataset.shift") == "weakened"
    assert re.fullmatch(r"#pair-\d+", page.evaluate("location.hash"))
    expect(following).to_be_disabled()
    expect(previous).to_be_disabled()


def test_a_collapsed_run_opens_on_demand_and_for_a_link(app, page) -> None:
    doc = _doc_id(app, PALERMO)
    log_in(page, "viewer")
    page.goto(f"/documents/{doc}/compare?from=1&to=2")
    run = page.locator(".collapsed-run")
    expect(run).to_have_count(1)
    button = run.get_by_role("button")
    expect(button).to_contain_text(re.compile(r"\d+ unchanged paragraphs"))
    total = int(run.get_attribute("data-stop"))
    expect(page.locator(".pair")).to_have_count(0)
    page.evaluate(
        """window.__added = 0; document.getElementById("pairs").addEventListener(
             "compare:pairs-added", (e) => { window.__added += e.detail.pairs.length; })"""
    )
    button.click()
    expect(page.locator(".pair")).to_have_count(total)
    assert page.evaluate("window.__added") == total  # told, for what decorates pairs
    expect(page.locator(".collapsed-run")).to_have_count(0)
    assert page.evaluate("document.activeElement.id") == "pair-0"  # focus follows

    # A link to a pair inside a collapsed run opens the run and shows the pair.
    page.goto(f"/documents/{doc}/compare?from=1&to=3#pair-40")
    target = page.locator("#pair-40")
    expect(target).to_be_visible()
    expect(target).to_be_focused()
    expect(target).to_be_in_viewport()


def test_a_link_to_a_pair_on_another_page_goes_there(app, page, monkeypatch) -> None:
    text = _palermo_text()
    count = iter(range(1000))
    revised = re.sub(r"\bshall\b", lambda m: "may" if next(count) % 2 else "shall", text)
    number = _add_revision(app, PALERMO, revised, "Rev.1")
    doc = _doc_id(app, PALERMO)
    monkeypatch.setattr(compare, "PAGE_CHARS", 4000)  # the live server shares this process
    log_in(page, "viewer")
    base = f"/documents/{doc}/compare?from=1&to={number}"
    page.goto(f"{base}&page=2")
    target = page.locator("#pairs .pair").first.get_attribute("id")
    index = target.split("-")[1]
    # A link without the page, such as a red-line alert's: the page that holds the pair.
    page.goto(f"{base}#{target}")
    page.wait_for_url(re.compile(rf"pair={index}#{target}$"))
    expect(page.locator(f"#{target}")).to_be_focused()
    expect(page.locator(".compare-pages strong")).to_have_text("2")
    # Previous, with nothing before on this page, goes to the last change of page 1.
    previous = page.get_by_role("button", name="◀ Previous")
    expect(previous).to_be_enabled()
    previous.click()
    page.wait_for_url(re.compile(r"page=1#pair-\d+$"))
    expect(page.locator(".compare-pages strong")).to_have_text("1")
    landed = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{landed}")).to_be_focused()
    assert page.locator("#pairs .pair.is-change").last.get_attribute("id") == landed
