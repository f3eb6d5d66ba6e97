import pytest

from multilateral.services.seed import SEED_DIR
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_login_home_and_a_document(page) -> None:
    page.goto("/")
    assert "/login" in page.url
    log_in(page, "viewer")
    # The home page gives the same count as the status API (tests/test_treaties.py checks
    # that count against the shipped CSV files at several dates).
    counts = page.request.get("/api/treaties/palermo-protocol/status").json()["counts"]
    assert page.locator("#party-count").inner_text() == str(counts["party"])
    page.get_by_role("link", name="Documents", exact=True).click()
    page.get_by_role("link", name="Smuggling of Migrants").first.click()
    assert page.locator("h1").inner_text().startswith("Protocol against the Smuggling")
    articles = page.locator(".para.kind-article")
    assert articles.count() == 25  # articles 1 to 25, counted by reading the text
    page.screenshot(path=str(SEED_DIR.parent.parent / ".pytest_cache" / "document.png"))


def test_wrong_password_shows_a_readable_error(page) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill("viewer")
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong user name or password."
