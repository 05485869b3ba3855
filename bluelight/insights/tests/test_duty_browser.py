"""In a real browser: the duty record, its form with errors and the national picture pass axe-core's WCAG 2.2 AA
rules, and fit a 320 px phone."""

import re

import pytest
from playwright.sync_api import expect

from bluelight.explorer.tests.test_browser_explorer import assert_no_horizontal_scroll, axe_report
from bluelight.insights.tests.duty_world import opportunity_make

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"), include_hidden=True)).to_be_attached()


def test_the_duty_pages_have_no_axe_violations_and_fit_a_phone(page, cast):
    opportunity = opportunity_make(title="Merged control room for police and fire calls", decision="decline",
                                   efficiency="yes", effectiveness="no", public_safety_harm="yes",
                                   partners=("surrey_frs", "south_east_coast_as"))
    opportunity_make(title="Joint drone team")
    failures, pages = {}, {}

    def check(name: str) -> None:
        if report := axe_report(page):
            failures[name] = report
        pages[name] = page.url

    sign_in(page, cast.editor_a.username)
    page.goto("/organisations/surrey_police/duty/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Duty to collaborate record")
    check("record")
    page.goto(opportunity.get_absolute_url())
    check("opportunity")
    submit_going_ahead(page, opportunity)
    page.get_by_role("link", name=re.compile("must not have an adverse effect on public safety")).click()
    expect(page.locator("#id_public_safety_harm_0")).to_be_focused()
    check("form with errors")

    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, cast.analyst.username)
    page.goto("/duty/")
    expect(page.get_by_test_id("duty-national-total")).to_contain_text("2 opportunities considered by 1 organisation")
    check("national")
    assert not failures, "axe-core found violations:\n" + "\n".join(f"{n}\n{r}" for n, r in failures.items())

    page.set_viewport_size({"width": 320, "height": 700})
    for name, url in pages.items():
        if name == "form with errors":
            continue
        page.goto(url)
        assert_no_horizontal_scroll(page, f"{name} ({url}) at 320 px")
    page.context.clear_cookies()  # signed out (the sign-out button folds into a menu on a phone)
    sign_in(page, cast.editor_a.username)
    submit_going_ahead(page, opportunity)
    assert_no_horizontal_scroll(page, "the form with errors at 320 px")


def submit_going_ahead(page, opportunity) -> None:
    """Change a declined opportunity, harmful to public safety, to "go ahead": the rules refuse it."""
    page.goto(f"/organisations/surrey_police/duty/{opportunity.pk}/edit/")
    page.get_by_label("Go ahead", exact=True).check()
    page.get_by_role("button", name="Save the opportunity").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error: ")
