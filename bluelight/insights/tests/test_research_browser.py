"""In a real browser: the research register's list, a question's page, a theme page's research section and the
analysts' form (with its errors) pass axe-core's WCAG 2.2 AA rules, and nothing scrolls sideways at 320 px."""

import pytest
from playwright.sync_api import expect

from bluelight.explorer.tests.test_browser_explorer import assert_no_horizontal_scroll, axe_report, sign_in
from bluelight.insights.tests.research_helpers import make_evidence, make_question

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def test_the_research_pages_pass_axe_and_fit_a_phone(page, cast):
    report = make_evidence(
        "Evaluation of forced entry by fire crews in a large metropolitan area", strength=4, themes=("dm_forced_entry",)
    )
    reported = make_question(
        "reported",
        question="Does a joint police and ambulance protocol for forced entry reach people who cannot open the door "
        "sooner, and at what cost to each service?",
        themes=("dm_forced_entry",),
        evidence=[report],
    )
    make_question("in_progress", question="Does co-responding improve survival?", themes=("fr_coresponding",))
    urls = ["/research/", "/research/?theme=demand&status=reported", reported.get_absolute_url(), "/themes/demand/"]

    failures = {}
    for url in urls:
        assert page.goto(url).ok, url
        if found := axe_report(page):
            failures[url] = found
    page.set_viewport_size({"width": 320, "height": 700})
    for url in urls:
        page.goto(url)
        assert_no_horizontal_scroll(page, f"{url} at 320 px")

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, cast.analyst.username, failures)
    page.goto("/research/new/")
    if found := axe_report(page):
        failures["/research/new/"] = found
    page.get_by_label("Research question").fill("Is it worth it?")
    page.get_by_role("radio", name="Reported").check()
    page.get_by_role("button", name="Save the research question").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    if found := axe_report(page):
        failures["/research/new/ with errors"] = found
    page.set_viewport_size({"width": 320, "height": 700})
    assert_no_horizontal_scroll(page, "/research/new/ with errors at 320 px")
    page.get_by_role("link", name="Reported research needs the date it reported.").click()
    expect(page.get_by_label("Date reported")).to_be_focused()

    assert not failures, "axe-core found violations:\n" + "\n".join(f"{url}\n{r}" for url, r in failures.items())
