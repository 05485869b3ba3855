"""Garbled admin submissions and addresses get a form error or a 404, never a server error."""

import pytest
from django.contrib import admin
from django.urls import reverse

from bluelight.accounts.admin_base import PolicyAdminMixin
from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.collaborations.tests.test_admin import ADD, COLLABORATIONS, add_payload, counts, form_data

NOT_A_CHOICE = "Select a valid choice"
NOT_A_VALUE = "is not a valid value"  # a list of links (secondary themes) says this of a garbled id


def refused_as_invalid(response) -> bool:
    page = response.content.decode()
    return response.status_code == 200 and (NOT_A_CHOICE in page or NOT_A_VALUE in page)


@pytest.mark.parametrize("value", ["abc", "999999", "1.5", "-1", "99999999999999999999"])
def test_a_partner_that_is_not_an_organisation_id_is_a_form_error_on_the_add_page(client, cast, org, value):
    client.force_login(cast.analyst)
    before = counts()
    payload = add_payload(client, [(org("surrey_police"), True), (org("surrey_frs"), False)])
    payload["partners-1-organisation"] = value
    response = client.post(ADD, payload)
    assert response.status_code == 200
    assert NOT_A_CHOICE in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    "field",
    [
        "partners-0-organisation",
        "primary_theme",
        "secondary_themes",
        "benefits-0-accrues_to",
        "contacts-0-organisation",
    ],
)
@pytest.mark.parametrize("value", ["abc", "999999"])
def test_a_linked_record_that_does_not_exist_is_a_form_error_on_the_change_page(client, cast, org, field, value):
    record = make_collaboration("surrey_police", "surrey_frs", title="Surrey joint estates", publication="draft")
    client.force_login(cast.analyst)
    url = f"{COLLABORATIONS}{record.pk}/change/"
    data = form_data(client.get(url))
    if field.startswith("benefits-"):
        data.update({"benefits-TOTAL_FORMS": "1", "benefits-0-kind": "annual_saving", "benefits-0-amount_gbp": "10"})
        data.update({"benefits-0-basis": "estimated", "benefits-0-price_year": "2016"})
    data[field] = value
    assert refused_as_invalid(client.post(url, data))
    record.refresh_from_db()
    assert (record.title, record.version, record.benefits.count()) == ("Surrey joint estates", 1, 0)


@pytest.mark.parametrize("field,value", [("partners-0-id", "abc"), ("partners-TOTAL_FORMS", "abc"), ("version", "x")])
def test_garbled_hidden_fields_change_nothing(client, cast, field, value):
    record = make_collaboration("surrey_police", "surrey_frs", title="Surrey joint estates", publication="draft")
    client.force_login(cast.analyst)
    url = f"{COLLABORATIONS}{record.pk}/change/"
    data = form_data(client.get(url))
    data.update({field: value, "title": "Garbled"})
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert Collaboration.objects.get(pk=record.pk).title == "Surrey joint estates"


@pytest.mark.parametrize("count", ["201", "99999999999999999999"])
def test_a_row_count_past_what_a_record_holds_is_a_form_error_with_at_most_200_rows_built(client, cast, count):
    record = make_collaboration("surrey_police", "surrey_frs", title="Surrey joint estates", publication="draft")
    client.force_login(cast.analyst)
    url = f"{COLLABORATIONS}{record.pk}/change/"
    data = form_data(client.get(url))
    data.update({"benefits-TOTAL_FORMS": count, "title": "Garbled"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Please submit at most 200 forms" in response.content.decode()
    assert len(response.context["inline_admin_formsets"][1].formset.forms) <= 200
    assert Collaboration.objects.get(pk=record.pk).title == "Surrey joint estates"


def test_a_theme_that_does_not_exist_is_a_form_error_on_the_evidence_page(client, cast):
    client.force_login(cast.analyst)
    for themes in (["abc"], ["999999"]):
        response = client.post("/admin/collaborations/evidenceitem/add/", {"title": "Review", "themes": themes})
        assert refused_as_invalid(response), themes


def test_every_admin_history_page_answers_a_non_numeric_id_with_not_found(client, cast):
    """Ours say 404 (accounts/admin_base.py); a library's admin may send Django's "does not exist" redirect."""
    client.force_login(cast.admin)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=["abc"])
        status = client.get(url).status_code
        if isinstance(model_admin, PolicyAdminMixin):
            assert status == 404, url
            checked += 1
        else:
            assert status in (302, 404), url
    assert checked >= 5
