"""A live server in a thread and Debian's Chromium driven headless by Playwright."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import PASSWORD, system_program

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    chromium_path = system_program("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:
    context = browser.new_context(base_url=live_server)
    outside: list[str] = []

    def block_outside(route) -> None:
        # Pages must work with no internet: any request off this server is a failure.
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(live_server), block_outside)
    page = context.new_page()
    yield page
    context.close()
    assert outside == [], f"the page asked for outside resources: {outside}"


def log_in(page, role: str = "negotiator") -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(role)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
