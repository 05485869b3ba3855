"""In a real browser: the priorities pages pass axe-core, fit 320 px, and an analyst re-weighs the ranking."""

import pytest
from playwright.sync_api import expect

from bluelight.explorer.tests.test_browser_explorer import assert_no_horizontal_scroll, axe_report, sign_in
from bluelight.insights.tests.priorities_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def test_the_priorities_pages_pass_axe_fit_a_phone_and_answer_new_weights(page, register, cast):
    build_world(user=cast.analyst)
    failures = {}
    for url in ["/priorities/", "/priorities/?benefits=lots"]:
        assert page.goto(url).ok
        if report := axe_report(page):
            failures[url] = report
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/priorities/")
    assert_no_horizontal_scroll(page, "/priorities/ at 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, cast.analyst.username, failures)
    page.goto("/priorities/")
    first = page.locator('[data-testid="ranking"] tbody tr').first
    expect(first).to_have_attribute("data-code", "first_response")
    data_labels = [
        "How widespread",
        "Growth against the baseline",
        "Reported benefits",
        "Evidence gap",
        "Room to spread",
    ]
    for label in data_labels:
        page.get_by_label(label, exact=True).fill("0")
    page.get_by_label("Strategic weight", exact=True).fill("10")
    page.get_by_role("button", name="Rank with these weights").click()
    expect(first).to_have_attribute("data-code", "control")
    expect(first).to_contain_text("strategic weight 8 of 10: National interoperability review")

    page.goto("/priorities/weights/estates/")
    if report := axe_report(page):
        failures["/priorities/weights/estates/"] = report
    page.get_by_role("button", name="Save the strategic weight").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    if report := axe_report(page):
        failures["/priorities/weights/estates/ with errors"] = report
    assert not failures, "axe-core found violations:\n" + "\n".join(f"{url}\n{r}" for url, r in failures.items())
