"""In a real browser: the opportunity pages pass axe-core's WCAG 2.2 AA rules and fit a 320 px phone."""

import re

import pytest
from playwright.sync_api import expect

from bluelight.explorer.tests.test_browser_explorer import assert_no_horizontal_scroll, axe_report, sign_in
from bluelight.insights.tests.opportunities_world import opportunities_world

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def test_opportunity_pages_have_no_axe_violations_and_fit_a_phone(page, register, theme, cast):
    opportunities_world(theme)
    failures = {}

    def check(url: str, heading: str) -> None:
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if report := axe_report(page):
            failures[url] = report
        page.set_viewport_size({"width": 320, "height": 700})
        assert_no_horizontal_scroll(page, f"{url} at 320 px")
        page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/organisations/surrey_frs/")
    page.get_by_role("link", name="Collaboration opportunities").click()  # from the organisation's page
    expect(page.get_by_role("heading", name="1. Co-responding")).to_be_visible()
    check("/organisations/surrey_frs/opportunities/", "Collaboration opportunities")

    sign_in(page, cast.editor_a.username, failures)  # Surrey Police's editor: its draft, and the duty record link
    check("/organisations/surrey_police/opportunities/", "Collaboration opportunities")
    record = page.get_by_role("button", name=re.compile(r"^Record that you considered this\s*\(Co-responding\)$"))
    expect(record).to_have_attribute(
        "href", "/organisations/surrey_police/duty/new/?theme=fr_coresponding&source=finder"
    )

    page.context.clear_cookies()
    sign_in(page, cast.analyst.username, failures)
    check("/opportunities/gaps/", "Areas with no collaboration recorded")
    check("/opportunities/gaps/?sort=region&show=all", "Areas with no collaboration recorded")

    assert not failures, "axe-core found violations:\n" + "\n".join(f"{url}\n{r}" for url, r in failures.items())
