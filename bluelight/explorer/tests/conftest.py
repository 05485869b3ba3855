"""Fixtures for the explorer's tests: a headless Chromium page for the few browser tests."""
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(live_server):
    """A Playwright page in Debian's Chromium, 1280x900, pointed at nothing yet.

    Playwright's sync API runs an event loop in this thread, which makes Django refuse
    database access unless told it is safe: it is, because the test owns the thread.
    """
    if not CHROMIUM.exists():
        message = "Chromium not found at /usr/bin/chromium: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
            try:
                yield context.new_page()
            finally:
                context.close()
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshot():
    """Save a screenshot under docs/screenshots/, only when BLUELIGHT_SCREENSHOTS=1, so normal runs write nothing."""
    folder = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

    def take(page, name: str) -> None:
        if os.environ.get("BLUELIGHT_SCREENSHOTS") != "1":
            return
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / name))

    return take
