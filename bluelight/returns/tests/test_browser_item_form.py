"""In a real browser at 320 px: the return item form's partner list as alphagov's accessible autocomplete."""

import pytest
from playwright.sync_api import expect

from bluelight.core.tests.test_browser_every_page import WIDEST_ELEMENTS
from bluelight.explorer.tests.test_browser_explorer import axe_report
from bluelight.organisations.models import Organisation
from bluelight.returns import services
from bluelight.returns.models import ReturnItem
from bluelight.returns.tests.conftest import south_east_round

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


def test_an_editor_on_a_phone_types_part_of_a_name_chooses_a_partner_adds_it_and_saves(page, cast, register):
    round_ = south_east_round("Summer call")
    services.return_start(round_=round_, organisation=Organisation.objects.get(slug="surrey_police"))
    refused = []  # the Content-Security-Policy refusing anything the autocomplete does
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("editor_a")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/returns/rounds/{round_.pk}/surrey_police/items/new/")

    page.get_by_label("Title").fill("Joint station at Epsom")
    box = page.get_by_role("combobox", name="Partner to add")  # the select, enhanced: a text box with suggestions
    box.fill("Surrey")
    suggestions = page.get_by_role("option")
    expect(suggestions.first).to_be_visible()
    offered = suggestions.all_inner_texts()
    assert "Surrey Fire and Rescue Service" in offered
    assert "Surrey Police" not in offered  # the editor's own organisation is a partner already
    assert page.evaluate(WIDEST_ELEMENTS) == ""  # the open list fits the phone's screen
    assert axe_report(page) == ""
    page.get_by_role("option", name="Surrey Fire and Rescue Service").click()
    page.get_by_role("button", name="Add partner").click()

    partners = page.locator("#partners dl")
    expect(partners).to_contain_text("Surrey Fire and Rescue Service")
    assert page.url.endswith("#partners")
    expect(page.get_by_label("Title")).to_have_value("Joint station at Epsom")  # kept, and nothing saved
    assert not ReturnItem.objects.filter(title="Joint station at Epsom").exists()
    expect(page.get_by_role("button", name="Remove Surrey Fire and Rescue Service")).to_be_visible()
    expect(page.get_by_role("combobox", name="Partner to add")).to_have_value("")
    assert page.evaluate(WIDEST_ELEMENTS) == ""
    assert axe_report(page) == ""

    page.get_by_role("radio", name="Operational").check()
    page.get_by_label("Yes, I have finished").check()
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved Joint station at Epsom")
    item = ReturnItem.objects.get(title="Joint station at Epsom")
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs"}
    assert item.progress == "completed"
    assert refused == []
