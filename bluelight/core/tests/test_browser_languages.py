"""In a real browser set to Welsh (Chromium, locale cy-GB): the pages come in Welsh with lang="cy", the
records' English text is marked lang="en", and choosing English through the language switch gives English
that stays English from page to page. What is Welsh is asked of the catalogue (gettext under override("cy")),
so the test holds as the translations change."""

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.core.tests.test_browser_every_page import PHONE, WIDEST_ELEMENTS
from bluelight.explorer.tests.test_browser_explorer import axe_report

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def in_language(language: str, text: str) -> str:
    with override(language):
        return gettext(text)


@pytest.fixture
def welsh_page(page, live_server):
    """A phone whose browser asks for Welsh, with no language chosen yet (its own context in the test's browser)."""
    context = page.context.browser.new_context(locale="cy-GB", viewport=PHONE, base_url=live_server.url)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_welsh_browser_reads_welsh_and_the_switch_to_english_sticks(welsh_page, live_server, register, theme):
    page = welsh_page
    record = make_collaboration(
        "north_wales_police",
        "north_wales_frs",
        title="Shared station at Rhyl",
        description="Police and fire crews share the Rhyl station.",
        theme=theme("es_joint_facilities"),
    )
    navigation = page.locator(".govuk-service-navigation__list")
    switch = page.locator("nav.govuk-language-navigation")

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(navigation).to_contain_text(in_language("cy", "Collaborations"))
    expect(navigation).to_contain_text(in_language("cy", "Organisations"))
    expect(switch.locator('[aria-current="true"]')).to_have_text("Cymraeg")
    expect(switch.locator('[aria-current="true"]')).to_have_attribute("lang", "cy")
    assert page.evaluate(WIDEST_ELEMENTS) == "", "the header scrolls sideways at 320 px"
    assert axe_report(page) == ""

    page.goto(record.get_absolute_url())
    heading = page.locator("h1")
    expect(heading).to_have_text("Shared station at Rhyl")
    expect(heading).to_have_attribute("lang", "en")
    description = page.get_by_text("Police and fire crews share the Rhyl station.")
    assert description.evaluate("el => el.closest('[lang]').lang") == "en"
    for partner in page.locator("main").get_by_text("North Wales Police", exact=True).all():
        assert partner.evaluate("el => el.closest('[lang]').lang") == "en"

    english = switch.get_by_role("link", name="English")
    expect(english).to_have_attribute("hreflang", "en")
    expect(english).to_have_attribute("lang", "en")
    english.click()

    expect(page).to_have_url(live_server.url + record.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).not_to_have_attribute("lang", "en")
    expect(switch.locator('[aria-current="true"]')).to_have_text("English")
    expect(switch.get_by_role("link", name="Cymraeg")).to_have_attribute("hreflang", "cy")

    if navigation.is_hidden():  # at 320 px the service navigation folds behind its Menu button
        page.get_by_role("button", name=in_language("en", "Menu")).click()
    navigation.get_by_role("link", name=in_language("en", "Organisations")).click()
    expect(page.locator("h1")).to_contain_text(in_language("en", "Organisations"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(navigation).to_contain_text(in_language("en", "Collaborations"))
