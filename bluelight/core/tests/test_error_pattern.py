"""The GOV.UK error pattern on every form of the site: each posted empty (its boxes blank, as a browser sends them)
or wrong, as the role that uses it, comes back with "Error:" in its title, the error summary first in <main>, each
problem once, in the order of the fields, each linked to its field (a radio or checkbox group at its first input),
in words that name the field."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.core.tests.error_pattern import assert_error_pattern
from bluelight.explorer.tests.test_browser_explorer import axe_report
from bluelight.insights.tests.duty_world import opportunity_make
from bluelight.returns import services as returns_services
from bluelight.returns.models import Round
from bluelight.returns.tests.conftest import (
    csv_bytes,
    good_row,
    items_complete,
    round_open_through_the_pages,
    south_east_round,
)

DATE_EXAMPLE = "must be a real date, for example 27 3 2024"
# Words of the spreadsheet's messages that have no place on a web form of separate boxes.
SPREADSHEET_WORDS = re.compile(r"\bcells?\b|\bcolumns?\b|semicolon|Excel|_gbp|_date|_url|savings_basis|\bone of\b")


def summary(response) -> list[tuple[str, str]]:
    return [(entry.href, entry.text) for entry in assert_error_pattern(response)]


@pytest.fixture
def open_round(cast):
    return south_east_round("Summer")


@pytest.fixture
def started(open_round, cast):
    """Surrey Police's return, started: its editor may add items."""
    return returns_services.return_start(round_=open_round, organisation=cast.editor_a.organisations.get())


def test_sign_in_empty_and_wrong(client, cast):
    url = reverse("accounts:login")
    assert summary(client.post(url, {})) == [
        ("#id_username", "Enter your username"),
        ("#id_password", "Enter your password"),
    ]
    wrong = client.post(url, {"username": "analyst", "password": "wrong"})
    assert summary(wrong) == [("#id_username", "Enter a correct username and password. Both are case-sensitive.")]


def test_opening_a_round_empty_and_with_a_date_that_is_not_one(client, cast):
    client.force_login(cast.analyst)
    url = reverse("returns:round_create")
    assert summary(client.post(url, {"name": ""})) == [
        ("#id_name", "Enter the name of the round"),
        ("#id_opens_on", "Enter the date the round opens"),
        ("#id_closes_on", "Enter the date the round closes"),
    ]
    wrong = client.post(url, {"name": "Autumn", "opens_on": "31 2 2026", "closes_on": "not yet", "types": ["ship"]})
    assert summary(wrong) == [
        ("#id_opens_on", f"The date the round opens {DATE_EXAMPLE}"),
        ("#id_closes_on", f"The date the round closes {DATE_EXAMPLE}"),
        ("#id_types_0", "Select the types of organisation to ask from the list"),
    ]


def test_a_round_opens_with_dates_typed_day_first_as_the_messages_suggest(client, cast):
    client.force_login(cast.analyst)
    _check, response = round_open_through_the_pages(
        client, {"name": "Autumn", "opens_on": "27 3 2030", "closes_on": "30/4/2030", "regions": ["South East"]}
    )
    assert response.status_code == 302
    round_ = Round.objects.get(name="Autumn")
    assert (round_.opens_on, round_.closes_on) == (datetime.date(2030, 3, 27), datetime.date(2030, 4, 30))


def test_a_return_item_posted_empty(client, cast, started):
    client.force_login(cast.editor_a)
    response = client.post(reverse("returns:item_create", args=[started.round_id, "surrey_police"]), {})
    assert summary(response) == [
        ("#id_title", "Enter a title"),
        ("#id_partner", "Enter at least one partner: a collaboration needs at least two organisations"),
        ("#id_status_0", "Select a status"),
        ("#id_progress_0", "Select yes if you have finished with this collaboration"),
    ]


def test_a_return_item_posted_wrong_speaks_of_the_forms_boxes_not_a_spreadsheets_cells(client, cast, started):
    client.force_login(cast.editor_a)
    wrong = {
        "title": "Joint station",
        "partners": ["SFRS", "Surrey Search and Rescue"],
        "status": "someday",
        "start_date_month": "13",
        "start_date_year": "2016",
        "end_date_year": "soon",
        "scope": "galactic",
        "annual_savings_gbp": "twelve thousand",
        "annual_savings_basis": "guess",
        "annual_savings_price_year": "1066",
        "one_off_savings_gbp": "-5",
        "one_off_cost_gbp": "5-10k",
        "external_funding_gbp": "1,00",
        "evidence_url": "www.example.org",
        "contact_email": "pat at example",
        "progress": "maybe",
    }
    response = client.post(reverse("returns:item_create", args=[started.round_id, "surrey_police"]), wrong)
    entries = summary(response)
    targets = [href for href, _text in entries]
    assert targets == [
        "#id_partner", "#id_status_0", "#id_start_date_month", "#id_end_date_year", "#id_scope_0",
        "#id_annual_savings_gbp", "#id_annual_savings_basis_0", "#id_annual_savings_price_year",
        "#id_one_off_savings_gbp", "#id_one_off_cost_gbp", "#id_external_funding_gbp", "#id_evidence_url",
        "#id_contact_email", "#id_progress_0",
    ]  # fmt: skip
    for _href, text in entries:
        assert not SPREADSHEET_WORDS.search(text), text
        assert text[0].isupper(), text
    messages = dict(entries)
    assert messages["#id_start_date_month"] == "Start month must be a number from 1 to 12"
    assert messages["#id_end_date_year"] == "End year must be 4 numbers, like 2016"
    assert messages["#id_annual_savings_gbp"].startswith("Annual recurring savings must be an amount in pounds")
    assert messages["#id_annual_savings_basis_0"] == "Select the basis of the annual recurring savings from the list"
    assert messages["#id_annual_savings_price_year"] == (
        "Price year of the annual recurring savings must be a year from 1990 to 2100, like 2016"
    )
    assert messages["#id_one_off_savings_gbp"] == (
        "One-off or cumulative savings must be a positive amount: "
        "enter a cost under One-off cost, not as a negative saving"
    )
    assert messages["#id_partner"].startswith("Surrey Search and Rescue is not in the register")


def test_uploading_no_file(client, cast, started):
    client.force_login(cast.editor_a)
    response = client.post(reverse("returns:return_upload", args=[started.round_id, "surrey_police"]), {})
    assert summary(response) == [("#id_file", "Select a spreadsheet to upload")]


def test_a_spreadsheet_with_problems_is_summed_up_first_and_its_problems_listed_below(client, cast, started):
    client.force_login(cast.editor_a)
    upload = csv_bytes([good_row(status="")])
    response = client.post(
        reverse("returns:return_upload", args=[started.round_id, "surrey_police"]),
        {"file": SimpleUploadedFile("return.csv", upload, content_type="text/csv")},
    )
    assert summary(response) == [("#import-problems-table", "The problems, row by row")]
    assert "status is required: one of planned" in response.content.decode()  # the spreadsheet's own words


def test_reviewing_a_return_without_a_decision_or_a_reason(client, cast, open_round):
    make_collaboration("surrey_police", "surrey_frs")
    return_obj = items_complete(
        returns_services.return_start(round_=open_round, organisation=cast.editor_a.organisations.get())
    )
    returns_services.return_submit(return_obj=return_obj)
    client.force_login(cast.analyst)
    url = reverse("returns:return_review", args=[open_round.pk, "surrey_police"])
    assert summary(client.post(url, {})) == [("#id_decision_0", "Select the decision")]
    send_back = client.post(url, {"decision": "send_back"})
    assert summary(send_back) == [
        ("#id_comment", "Say what the organisation should change, here or as a comment on a collaboration.")
    ]


def test_merging_above_a_score_that_is_not_one(client, cast, open_round):
    client.force_login(cast.analyst)
    response = client.post(reverse("consolidation:merge_above", args=[open_round.pk]), {"threshold": "most"})
    assert summary(response) == [("#id_threshold", "Enter a score from 0 to 1, like 0.9")]


def test_publishing_an_edition_empty_and_with_a_date_that_is_not_one(client, cast):
    client.force_login(cast.analyst)
    url = reverse("editions:publish")
    assert summary(client.post(url, {"name": ""})) == [
        ("#id_name", "Enter the name"),
        ("#id_as_of", "Enter the date it describes"),
        ("#id_baseline_0", "Select an answer to ‘Is this the baseline?’"),
    ]
    wrong = client.post(url, {"name": "2026", "as_of": "2026-02-30", "baseline": "no", "round": "99999"})
    assert summary(wrong) == [
        ("#id_as_of", f"The date it describes {DATE_EXAMPLE}"),
        ("#id_round", "Select the collection round it reports from the list"),
    ]


def test_confirming_a_publication_on_counts_that_changed(client, cast):
    client.force_login(cast.analyst)
    fields = {"name": "2026 overview", "as_of": "2026-11-30", "round": "", "baseline": "no"}
    response = client.post(reverse("editions:publish"), {**fields, "confirm": "yes", "expected": "stale"})
    assert summary(response) == []  # the summary says what happened; nothing on the page to link to


def test_recording_an_evidence_item_empty(client, cast):
    client.force_login(cast.analyst)
    assert summary(client.post(reverse("explorer:evidence_create"), {"title": ""})) == [
        ("#id_title", "Enter the title"),
        ("#id_kind_0", "Select the kind"),
        ("#id_strength_0", "Select the strength on the Maryland Scientific Methods Scale"),
        ("#id_strength_reason", "Enter the reason for this rating"),
        ("#id_publication_0", "Select whether it is published"),
    ]


def test_adding_a_research_question_empty(client, cast):
    client.force_login(cast.analyst)
    entries = summary(client.post(reverse("insights:research_create"), {"question": ""}))
    assert entries[:4] == [
        ("#id_question", "Enter the research question"),
        ("#id_themes_0", "Select at least one of the themes"),
        ("#id_status_0", "Select the status"),
        ("#id_publication_0", "Select whether it is published"),
    ]


def test_recording_a_duty_opportunity_empty(client, cast):
    client.force_login(cast.editor_a)
    assert summary(client.post(reverse("insights:duty_create", args=["surrey_police"]), {})) == [
        ("#id_title", "Enter the opportunity"),
        ("#id_source_0", "Select where it came from"),
        ("#id_identified_on", "Enter the date it was identified"),
        ("#id_decision_0", "Select the decision"),
    ]


def test_adding_a_partner_notified_and_a_document_empty(client, cast):
    opportunity = opportunity_make()
    client.force_login(cast.editor_a)
    args = ["surrey_police", opportunity.pk]
    assert summary(client.post(reverse("insights:duty_notification_create", args=args), {"response": ""})) == [
        ("#id_organisation", "Select the partner notified"),
        ("#id_notified_on", "Enter the date they were notified"),
    ]
    document = reverse("insights:duty_document_create", args=args)
    assert summary(client.post(document, {"title": ""})) == [("#id_title", "Enter the title")]
    assert summary(client.post(document, {"title": "Business case"})) == [("#id_url", "Give a link or upload a PDF.")]


def test_setting_a_strategic_weight_empty(client, cast):
    client.force_login(cast.analyst)
    assert summary(client.post(reverse("insights:strategic_weight_edit", args=["estates"]), {"reason": ""})) == [
        ("#id_value", "Choose a strategic weight from 0 to 10."),
        ("#id_reason", "Say why the theme gets this weight."),
    ]


def test_ranking_priorities_with_weights_that_are_not_numbers(client, register):
    response = client.get(reverse("insights:priorities"), {"benefits": "lots", "room": "-1"})
    assert [href for href, _text in summary(response)] == ["#id_benefits", "#id_room"]


def test_filtering_organisations_by_a_type_that_is_not_one(client, register):
    response = client.get(reverse("explorer:organisation_list"), {"type": "spaceship"})
    assert summary(response) == [("#id_type", "Select a type from the list")]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_the_summarys_link_to_a_radio_group_puts_the_focus_on_its_first_radio(page, cast):
    today = datetime.date.today()
    round_ = returns_services.round_open(
        name="Summer",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        regions=["South East"],
        notify=False,
    )
    returns_services.return_start(round_=round_, organisation=cast.editor_a.organisations.get())
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("editor_a")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.goto(reverse("returns:item_create", args=[round_.pk, "surrey_police"]))
    page.get_by_label("Title").fill("Joint station at Epsom")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_title(re.compile("^Error: "))
    page.locator(".govuk-error-summary").get_by_role("link", name="Select a status").click()
    expect(page.locator("#id_status_0")).to_be_focused()
    assert axe_report(page) == ""
