"""The search page, the agreed-language look-up and "agreed before in …" links, in Chromium."""

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

#: Article 20.1 of the Palermo Protocol, as pasted by a negotiator.
PASTED = (
    "The original of this Protocol, of which the Arabic, Chinese, English, French, Russian "
    "and Spanish texts are equally authentic, shall be deposited with the Secretary-General "
    "of the United Nations."
)


def test_search_keeps_the_query_and_links_to_the_paragraph(page) -> None:
    log_in(page, "viewer")
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Words or phrase").fill('"trafficking in persons" forum:un-ga')
    page.get_by_role("button", name="Search", exact=True).click()
    assert "q=%22trafficking+in+persons%22" in page.url
    assert page.get_by_label("Words or phrase").input_value() == (
        '"trafficking in persons" forum:un-ga'
    )
    groups = page.locator(".result-doc")
    assert groups.count() >= 1
    first = page.locator(".hit").first
    assert first.locator("mark").first.inner_text().lower() == "trafficking"
    assert first.locator(".badge").inner_text() in ("actionable", "hortatory", "descriptive")
    first.locator("a").first.click()
    assert "/documents/" in page.url and "#p" in page.url
    anchor = page.url.split("#", 1)[1]
    assert "trafficking in persons" in page.locator(f"#{anchor}").inner_text().lower()


def test_a_bad_query_says_what_to_do(page) -> None:
    log_in(page, "viewer")
    page.goto("/search?q=*")
    assert "add words" in page.get_by_role("alert").inner_text()


def test_agreed_language_look_up_and_links(page) -> None:
    log_in(page, "negotiator")
    page.goto("/search")
    page.get_by_label("Paste a sentence or paragraph", exact=False).fill(PASTED)
    page.get_by_role("button", name="Find precedents").click()
    found = page.locator("#precedents-out li.precedent")
    found.first.wait_for()
    titles = " ".join(found.all_inner_texts())
    assert "Trafficking in Persons" in titles and "Smuggling of Migrants" in titles
    assert found.first.locator("a").inner_text().startswith("Protocol")

    # The Smuggling Protocol's page links its final clauses to the Palermo Protocol.
    page.goto("/documents")
    page.get_by_role("link", name="Smuggling of Migrants").first.click()
    links = page.locator(".agreed-before a")
    links.first.wait_for(timeout=30_000)
    assert any("Trafficking in Persons" in text for text in links.all_inner_texts())
