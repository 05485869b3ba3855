"""In a real browser: the Content-Security-Policy blocks nothing the pages need on the key pages."""

import datetime

import pytest
from playwright.sync_api import expect

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.editions.services import edition_publish
from bluelight.returns.tests.test_browser_return import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def watch_for_problems(page) -> list[str]:
    """Collect CSP violations (Chromium reports each on the console, "Refused to ...") and script errors."""
    problems: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_key_pages_log_no_content_security_policy_violations(page, cast, register):
    record = make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom", status="operational")
    edition_publish(name="2026 overview", as_of=datetime.date.today(), baseline=True)
    problems = watch_for_problems(page)

    page.goto("/")
    # The inline script allowed by its nonce ran: GOV.UK Frontend's components are live.
    expect(page.locator("body")).to_have_class("govuk-template__body js-enabled govuk-frontend-supported")
    page.goto(f"/collaborations/{record.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Joint station at Epsom")

    sign_in(page, "analyst")
    page.goto(f"/admin/collaborations/collaboration/{record.pk}/change/")
    expect(page.locator("#content h1")).to_be_visible()
    page.goto("/admin/collaborations/collaboration/add/")
    expect(page.locator("#content h1")).to_be_visible()
    page.goto(f"/admin/collaborations/collaboration/{record.pk}/history/")
    expect(page.locator("#content h1")).to_be_visible()
    page.goto(f"/admin/collaborations/theme/{record.primary_theme_id}/history/")  # simple_history's own list
    expect(page.locator("#content h1")).to_be_visible()

    page.goto("/editions/")
    page.get_by_role("link", name="2026 overview").click()
    page.get_by_role("button", name="Produce the overview report").click()
    expect(page.get_by_role("heading", name="The report is ready")).to_be_visible()
    page.get_by_role("link", name="Go to the edition").click()
    page.get_by_role("link", name="Read the report in the browser").click()
    expect(page.locator("#headlines")).to_be_visible()

    assert problems == []
