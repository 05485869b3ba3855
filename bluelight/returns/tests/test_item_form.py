"""The online return item form without JavaScript, through the real client: partners listed, added and removed
with buttons (nothing saved until Save), dates in month and year boxes, other themes, each money figure's basis,
price year and recipient, "Have you finished?", and an analyst's comment."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.returns import services
from bluelight.returns.item_values import item_initial
from bluelight.returns.models import ItemProgress, Return, ReturnItem
from bluelight.returns.tests.conftest import south_east_round
from bluelight.returns.tests.test_return_pages import item_post


@pytest.fixture
def round_(cast):
    return south_east_round("Item form round")


@pytest.fixture
def editor(client, cast, round_):
    """Editor A, signed in, with Surrey Police's return started (nothing known to pre-fill it)."""
    client.force_login(cast.editor_a)
    services.return_start(round_=round_, organisation=cast.editor_a.organisations.get())
    return client


def create_url(round_):
    return reverse("returns:item_create", args=[round_.pk, "surrey_police"])


def edit_url(round_, item):
    return reverse("returns:item_edit", args=[round_.pk, "surrey_police", item.pk])


def listed(html: str) -> list[str]:
    """The partners the page lists, as the hidden inputs it sends them back in."""
    return re.findall(r'<input type="hidden" name="partners" value="([^"]*)">', html)


def offered(html: str, name: str) -> list[str]:
    """The values a <select> offers."""
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def summary(html: str) -> list[tuple[str, str]]:
    block = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block)


# Partners ----------------------------------------------------------------------------------------------------


def test_add_partner_shows_the_form_again_with_the_partner_listed_and_saves_nothing(editor, round_):
    data = item_post(partners=[], partner="Surrey Fire and Rescue Service", action="add_partner", benefits="Faster.")
    response = editor.post(create_url(round_), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert listed(html) == ["Surrey Fire and Rescue Service"]
    assert 'name="remove_partner" value="Surrey Fire and Rescue Service"' in html
    assert "Surrey Fire and Rescue Service" not in offered(html, "partner")  # listed: no longer offered to add
    assert "Faster.</textarea>" in html and 'value="Joint station at Epsom"' in html  # every value kept
    assert 'class="govuk-error-summary"' not in html  # not checked: nothing was saved
    assert not ReturnItem.objects.exists()


def test_add_partner_with_no_partner_chosen_says_so_on_the_list_to_choose_from(editor, round_):
    html = editor.post(create_url(round_), item_post(partner="", action="add_partner", title="")).content.decode()
    assert summary(html) == [("id_partner", "Select a partner to add")]  # the blank title is not checked yet
    assert listed(html) == ["SFRS"] and not ReturnItem.objects.exists()


def test_remove_takes_one_partner_off_the_list_and_saves_nothing(editor, round_):
    data = item_post(partners=["SFRS", "Kent Police"], remove_partner="SFRS")
    html = editor.post(create_url(round_), data).content.decode()
    assert listed(html) == ["Kent Police"]
    assert not ReturnItem.objects.exists()


def test_a_partner_chosen_but_not_added_is_added_on_save(editor, round_):
    response = editor.post(create_url(round_), item_post(partners=[], partner="Surrey Fire and Rescue Service"))
    assert response.status_code == 302
    item = ReturnItem.objects.get()
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs"}


def test_the_reporting_organisation_is_never_offered_listed_or_pre_filled_as_a_partner(client, cast, round_, org):
    make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")  # Surrey Police a partner, lead
    client.force_login(cast.editor_a)
    item = services.return_start(round_=round_, organisation=org("surrey_police")).items.get()
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs"}

    html = client.get(edit_url(round_, item)).content.decode()

    assert listed(html) == ["Surrey Fire and Rescue Service"]
    assert "Surrey Police" not in offered(html, "partner") and "Kent Police" in offered(html, "partner")
    assert "Surrey Police is included already" in html
    assert offered(html, "lead_organisation") == ["", "Surrey Fire and Rescue Service"]  # "": Surrey Police


def test_saving_a_pre_filled_item_unchanged_keeps_the_reporting_organisation_a_partner(client, cast, round_, org):
    make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    client.force_login(cast.editor_a)
    item = services.return_start(round_=round_, organisation=org("surrey_police")).items.get()
    response = client.post(edit_url(round_, item), {**item_initial(item), "progress": "completed"})
    assert response.status_code == 302
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs"}
    item.refresh_from_db()
    assert item.progress == ItemProgress.COMPLETED


def test_a_partner_the_register_lacks_is_named_on_the_list_to_add_from(editor, round_):
    html = editor.post(create_url(round_), item_post(partners=["Surrey Search and Rescue"])).content.decode()
    [(target, message)] = summary(html)
    assert target == "id_partner" and message.startswith("Surrey Search and Rescue is not in the register")
    assert 'id="partner-error"' in html and 'aria-describedby="partner-hint partner-error"' in html
    assert not ReturnItem.objects.exists()


# Dates ---------------------------------------------------------------------------------------------------------


def test_a_date_is_a_month_and_a_year_or_a_year_alone(editor, round_):
    response = editor.post(create_url(round_), item_post(start_date_month="05", end_date_year="2019"))
    assert response.status_code == 302
    item = ReturnItem.objects.get()
    assert (item.start_display, item.end_display) == ("2016-05", "2019")
    assert (item.start_date, item.end_date) == (datetime.date(2016, 5, 1), datetime.date(2019, 12, 31))
    html = editor.get(edit_url(round_, item)).content.decode()
    assert 'name="start_date_month" type="text" inputmode="numeric" value="5"' in html
    assert 'name="end_date_month" type="text" inputmode="numeric" value=""' in html


END_BEFORE_START = "End must be the same as or after the start"  # the whole date: on its first box given


@pytest.mark.parametrize(
    ("boxes", "target", "message"),
    [
        ({"start_date_month": "5", "start_date_year": ""}, "id_start_date_year", "Start must include a year"),
        ({"start_date_month": "May"}, "id_start_date_month", "Start month must be a number from 1 to 12"),
        ({"start_date_year": "16"}, "id_start_date_year", "Start year must be 4 numbers, like 2016"),
        ({"start_date_year": "1850"}, "id_start_date_year", "Start year must be between 1900 and 2100"),
        ({"end_date_month": "3", "end_date_year": "2015"}, "id_end_date_month", END_BEFORE_START),
        ({"end_date_year": "2015"}, "id_end_date_year", END_BEFORE_START),
    ],
)  # fmt: skip
def test_a_date_typed_wrongly_is_named_on_its_first_box_at_fault(editor, round_, boxes, target, message):
    html = editor.post(create_url(round_), item_post(**{"start_date_month": "", **boxes})).content.decode()
    assert summary(html) == [(target, message)]
    assert f'id="{target}"' in html
    assert not ReturnItem.objects.exists()


# Other themes ---------------------------------------------------------------------------------------------------


def test_other_themes_are_saved_and_the_main_theme_is_not_one_of_them(editor, round_):
    data = item_post(theme="es_shared_hq", secondary_themes=["fr_efr", "es_shared_hq", "cr_colocated"])
    assert editor.post(create_url(round_), data).status_code == 302
    item = ReturnItem.objects.get()
    assert sorted(t.code for t in item.secondary_themes.all()) == ["cr_colocated", "fr_efr"]
    html = editor.get(edit_url(round_, item)).content.decode()
    assert re.search(r'value="fr_efr" checked', html) and not re.search(r'value="es_joint_facilities" checked', html)


def test_an_unknown_other_theme_is_refused_on_its_checkboxes(editor, round_):
    html = editor.post(create_url(round_), item_post(secondary_themes=["no_such_theme"])).content.decode()
    assert summary(html) == [("id_secondary_themes_0", "Select the other themes from the list")]


# Money figures -------------------------------------------------------------------------------------------------


def test_each_figure_keeps_its_own_basis_price_year_and_recipient(editor, round_):
    data = item_post(
        partners=["SFRS", "SECAmb"],
        annual_savings_gbp="12k",
        annual_savings_basis="realised",
        annual_savings_price_year="2024",
        annual_savings_recipient="SFRS",
        one_off_cost_gbp="250000",
        one_off_cost_basis="estimated",
        external_funding_gbp="75000",
        external_funding_basis="independently_evaluated",
        external_funding_recipient="",
    )
    assert editor.post(create_url(round_), data).status_code == 302
    item = ReturnItem.objects.get()
    annual, cost, funding = (item.figure(name) for name in ("annual_savings", "one_off_cost", "external_funding"))
    this_year = datetime.date.today().year  # a blank price year is this round's
    assert (annual.amount, annual.basis, annual.price_year, annual.recipient.slug) == (
        Decimal("12000"), "realised", 2024, "surrey_frs"
    )  # fmt: skip
    assert (cost.basis, cost.price_year, cost.recipient.slug) == ("estimated", this_year, "surrey_police")
    assert (funding.basis, funding.recipient.slug) == ("independently_evaluated", "surrey_police")
    assert item.external_funding_recipient is None  # the reporting organisation: no recipient stored


def test_the_recipient_list_offers_the_reporting_organisation_and_the_partners_listed(editor, round_):
    html = editor.post(create_url(round_), item_post(partners=["SFRS"], action="add_partner", partner="Kent Police"))
    html = html.content.decode()
    assert offered(html, "annual_savings_recipient") == ["", "SFRS", "Kent Police"]
    assert ">Surrey Police (your organisation)</option>" in html
    assert ">Surrey Fire and Rescue Service</option>" in html  # SFRS shown by its name in the register


def test_a_savings_figure_without_a_basis_is_named_on_its_own_basis(editor, round_):
    data = item_post(annual_savings_basis="", one_off_savings_gbp="5000")
    html = editor.post(create_url(round_), data).content.decode()
    assert summary(html) == [
        ("id_annual_savings_basis_0", "Select the basis of the annual recurring savings"),
        ("id_one_off_savings_basis_0", "Select the basis of the one-off or cumulative savings"),
    ]


def test_an_item_shows_each_figures_basis_and_price_year_as_they_apply(editor, round_, surrey_police):
    """An item from a spreadsheet with only the defaults shows them on each figure it has; saving that back
    changes nothing."""
    assert editor.post(create_url(round_), item_post(one_off_cost_gbp="500")).status_code == 302
    item = ReturnItem.objects.get()
    ReturnItem.objects.filter(pk=item.pk).update(savings_basis="realised", annual_savings_basis="", price_year=2023)
    item.refresh_from_db()
    values = item_initial(item)
    assert (values["annual_savings_basis"], values["annual_savings_price_year"]) == ("realised", "2023")
    assert (values["one_off_cost_basis"], values["one_off_cost_price_year"]) == ("realised", "2023")
    assert (values["external_funding_basis"], values["external_funding_price_year"]) == ("", "")  # no figure

    assert editor.post(edit_url(round_, item), values).status_code == 302
    saved = ReturnItem.objects.get(pk=item.pk)
    assert (saved.version, saved.savings_basis, saved.annual_savings_basis) == (item.version, "realised", "")


# Have you finished? ---------------------------------------------------------------------------------------------


def test_have_you_finished_is_asked_and_its_answer_saved(editor, round_):
    html = editor.post(create_url(round_), item_post(progress="")).content.decode()
    assert summary(html) == [("id_progress_0", "Select yes if you have finished with this collaboration")]
    assert not ReturnItem.objects.exists()

    assert editor.post(create_url(round_), item_post(progress="in_progress")).status_code == 302
    assert ReturnItem.objects.get().progress == ItemProgress.IN_PROGRESS


def test_a_change_of_answer_alone_is_saved_as_a_change(editor, round_):
    editor.post(create_url(round_), item_post(progress="in_progress"))
    item = ReturnItem.objects.get()
    return_version = Return.objects.get().version

    assert (
        editor.post(edit_url(round_, item), item_post(progress="in_progress", version=item.version)).status_code == 302
    )
    assert ReturnItem.objects.get().version == item.version  # the same answer: nothing written

    assert editor.post(edit_url(round_, item), item_post(progress="completed", version=item.version)).status_code == 302
    saved = ReturnItem.objects.get()
    assert (saved.progress, saved.version) == (ItemProgress.COMPLETED, item.version + 1)
    assert Return.objects.get().version == return_version + 1


def test_the_analysts_comment_is_shown_at_the_top_of_the_form(editor, round_):
    editor.post(create_url(round_), item_post())
    item = ReturnItem.objects.get()
    ReturnItem.objects.filter(pk=item.pk).update(analyst_comment="Give the savings basis, please.")
    html = editor.get(edit_url(round_, item)).content.decode()
    inset = html.split('class="govuk-inset-text"', 1)[1].split("</div>", 1)[0]
    assert "Comment from the analysts:" in inset and "Give the savings basis, please." in inset
    assert html.index("govuk-inset-text") < html.index('name="title"')


def test_on_a_welsh_page_the_english_names_are_marked_as_english(editor, round_):
    from bluelight.explorer.tests.test_pages_lang import WELSH, languages_of

    data = item_post(partners=[], partner="Surrey Fire and Rescue Service", action="add_partner")
    html = editor.post(create_url(round_), data, **WELSH).content.decode()
    assert '<html lang="cy"' in html
    assert languages_of(html, "Surrey Fire and Rescue Service") == {"en"}  # listed, and in the lists to choose
    assert languages_of(html, "Item form round") == {"en"}  # the round's name in the caption
    assert 'value="Kent Police" lang="en"' in html  # the register's names offered
