"""In a real browser: an analyst publishes an edition, asks for its overview report and reads it."""

import datetime

import pytest
from playwright.sync_api import expect

from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.services import edition_publish
from bluelight.returns.tests.test_browser_return import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def test_analyst_publishes_an_edition_and_reads_its_report(page, cast, register, screenshot):
    make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom", status="operational")
    edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 30), baseline=True)
    make_collaboration(
        "kent_police", "kent_frs", title="Kent joint control room", benefits=[saving("250000", basis="realised")]
    )

    sign_in(page, "analyst")
    page.get_by_role("link", name="Overview reports").click()
    page.get_by_role("link", name="Publish a new edition").click()
    page.get_by_label("Name").fill("2026 overview")
    page.get_by_label("The date it describes").fill("2026-11-30")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you publish")
    expect(page.get_by_test_id("frozen-counts")).to_contain_text("2 published collaborations, by status")
    expect(page.get_by_test_id("compared-with")).to_contain_text("2014 overview, the baseline")
    screenshot(page, "publish-confirm.png")
    page.get_by_role("button", name="Publish the edition").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Published 2026 overview: 2 collaborations")

    expect(page.get_by_label("Show growth since")).to_have_value(
        page.get_by_label("Show growth since").locator("option", has_text="2014 overview").get_attribute("value")
    )
    page.get_by_role("button", name="Produce the overview report").click()
    # The test's tasks run at once, inside the request: the answer comes once both languages' PDFs are typeset.
    expect(page.get_by_role("heading", name="The report is ready")).to_be_visible(timeout=60_000)
    screenshot(page, "report-ready.png")

    page.get_by_role("link", name="Go to the edition").click()
    page.get_by_role("link", name="Read the report in the browser").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 overview")
    expect(page.locator("#growth")).to_contain_text("Growth since 2014 overview")
    expect(page.locator("#headlines")).to_contain_text("£250,000")
    expect(page.locator("#chart-map svg")).to_be_visible()
    # Inside the service's layout: its header, one main landmark, and a way back to the edition.
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("banner")).to_contain_text("Blue Light Collaboration Observatory")
    expect(page.locator("#table-deflators th").nth(2)).to_have_css("text-align", "left")  # "Outturn or forecast"
    page.get_by_role("link", name="Back to the edition 2026 overview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2026 overview")
