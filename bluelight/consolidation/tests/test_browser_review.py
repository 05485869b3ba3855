"""In a real browser: an analyst reviews a cluster of three partners' reports and merges it."""

import pytest
from playwright.sync_api import expect

from bluelight.collaborations.models import Collaboration
from bluelight.consolidation.tests.test_merge import three_reports
from bluelight.returns.tests.test_browser_return import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def test_analyst_merges_three_reports_into_one_record_from_the_review_queue(page, cast, round_, report, screenshot):
    three_reports(report)
    sign_in(page, "analyst")
    page.goto(f"/returns/rounds/{round_.pk}/")
    page.get_by_role("link", name="Consolidate this round's returns").click()
    page.get_by_role("button", name="Match the round's items again").click()
    expect(page.get_by_role("heading", name="Matching finished")).to_be_visible()  # the run page
    page.get_by_role("link", name="Review the clusters").click()
    expect(page.get_by_role("heading", name="1 cluster to review")).to_be_visible()
    page.get_by_role("link", name="Cluster").first.click()

    comparison = page.locator("table.observatory-comparison")
    expect(comparison).to_contain_text("Shared site, Epsom")
    expect(comparison.locator(".observatory-differs").first).to_be_visible()
    screenshot(page, "review-cluster.png")
    page.get_by_role("button", name="Merge into one collaboration").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Merged into")

    page.get_by_role("link", name="Joint station at Epsom").click()
    partners = page.locator(".govuk-summary-list__row", has_text="Partners")
    for name in ("Surrey Police", "Surrey Fire and Rescue Service", "South East Coast Ambulance Service"):
        expect(partners).to_contain_text(name)
    expect(page.locator("body")).to_contain_text("return to Consolidation round")
    assert Collaboration.objects.count() == 1
