"""In a real browser: the network page passes axe-core's WCAG 2.2 AA rules, and fits a 320 px phone."""

import datetime

import pytest
from playwright.sync_api import expect

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.editions.services import edition_publish
from bluelight.explorer.tests.test_browser_explorer import assert_no_horizontal_scroll, axe_report

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def test_the_network_page_has_no_axe_violations_and_fits_a_phone(page, register, theme):
    make_collaboration("surrey_police", "surrey_frs", "south_east_coast_as", title="Gatwick station")
    make_collaboration("kent_police", "kent_frs", title="Missing people", theme=theme("dm_missing_people"))
    make_collaboration(
        "essex_frs", "east_of_england_as", "essex_police", title="Co-responding", theme=theme("fr_coresponding")
    )
    edition = edition_publish(name="2024 overview", as_of=datetime.date(2024, 9, 1))
    urls = [
        "/network/",
        "/network/?main_theme=estates",
        f"/network/?edition={edition.slug}&sort=name",
        "/network/?main_theme=old-code",  # a stale link: the notice says the filter was ignored
        "/network/?main_theme=control",  # nothing on it: no picture, every blue-light body isolated
    ]
    failures = {}
    for url in urls:
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        if report := axe_report(page):
            failures[url] = report
    assert not failures, "axe-core found violations:\n" + "\n".join(f"{url}\n{r}" for url, r in failures.items())

    page.goto("/network/?main_theme=old-code")
    expect(page.get_by_role("region", name="Important")).to_contain_text("We ignored theme 'old-code'")
    expect(page.get_by_role("img", name="Organisations and the collaborations that link them")).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 700})
    for url in urls[:3]:
        page.goto(url)
        assert_no_horizontal_scroll(page, f"{url} at 320 px")

    page.goto("/network/")
    page.get_by_label("Main theme").select_option("demand")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("collaboration-count")).to_have_text("1")
