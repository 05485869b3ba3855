"""The duty record's pages through the client, across the cast: editor_a keeps Surrey Police's record, editor_b
(Kent FRS) cannot see it, analysts read every record but write none, the public is sent to sign in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bluelight.insights.models import DutyDocument, DutyNotification, DutyOpportunity
from bluelight.insights.tests.duty_world import D, opportunity_make

pytestmark = pytest.mark.django_db


def urls_of(opportunity) -> list[str]:
    slug, pk = opportunity.organisation.slug, opportunity.pk
    return [
        reverse("insights:duty_record", args=[slug]),
        reverse("insights:duty_record_data", args=[slug, "csv"]),
        reverse("insights:duty_detail", args=[slug, pk]),
    ]


def edit_urls_of(opportunity) -> list[str]:
    slug, pk = opportunity.organisation.slug, opportunity.pk
    return [
        reverse("insights:duty_create", args=[slug]),
        reverse("insights:duty_edit", args=[slug, pk]),
        reverse("insights:duty_notification_create", args=[slug, pk]),
        reverse("insights:duty_document_create", args=[slug, pk]),
    ]


def good_post(**changes) -> dict:
    data = {
        "title": "Joint control room",
        "proposal": "One control room for police and fire.",
        "theme": "",
        "source": "own",
        "identified_on": "2024-03-01",
        "considered_jointly_on": "",
        "joint_consideration": "",
        "efficiency": "",
        "effectiveness": "",
        "public_safety_harm": "",
        "decision": "under_consideration",
        "decided_on": "",
        "reasons": "",
        "collaboration": "",
    }
    return {**data, **changes}


def test_anonymous_visitors_are_sent_to_sign_in(client, cast):
    opportunity = opportunity_make()
    for url in [*urls_of(opportunity), *edit_urls_of(opportunity), reverse("insights:duty_national")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_editor_a_reads_and_keeps_surreys_record(client, cast):
    opportunity = opportunity_make()
    client.force_login(cast.editor_a)
    for url in [*urls_of(opportunity), *edit_urls_of(opportunity)]:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("insights:duty_record", args=["surrey_police"])).content.decode()
    assert "Shared station at Reigate" in page and "Record an opportunity" in page


def test_editor_b_cannot_see_or_change_surreys_record(client, cast):
    opportunity = opportunity_make()
    client.force_login(cast.editor_b)
    for url in [*urls_of(opportunity), *edit_urls_of(opportunity)]:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("insights:duty_edit", args=["surrey_police", opportunity.pk]), good_post())
    assert response.status_code == 404
    assert DutyOpportunity.objects.get().title == "Shared station at Reigate"


def test_editor_b_cannot_reach_surreys_opportunity_through_kents_address(client, cast):
    opportunity = opportunity_make()
    client.force_login(cast.editor_b)
    assert client.get(reverse("insights:duty_detail", args=["kent_frs", opportunity.pk])).status_code == 404
    assert client.get(reverse("insights:duty_edit", args=["kent_frs", opportunity.pk])).status_code == 404


def test_the_analyst_reads_every_record_but_changes_none(client, cast):
    opportunity = opportunity_make()
    client.force_login(cast.analyst)
    for url in urls_of(opportunity):
        assert client.get(url).status_code == 200, url
    assert "Record an opportunity" not in client.get(urls_of(opportunity)[0]).content.decode()
    for url in edit_urls_of(opportunity):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("insights:duty_create", args=["surrey_police"]), good_post()).status_code == 403
    assert DutyOpportunity.objects.count() == 1


def test_the_national_picture_is_for_analysts_only(client, cast):
    url = reverse("insights:duty_national")
    client.force_login(cast.editor_a)
    assert client.get(url).status_code == 404
    client.force_login(cast.analyst)
    assert client.get(url).status_code == 200


def test_an_editor_records_an_opportunity_through_the_form(client, cast):
    client.force_login(cast.editor_a)
    response = client.post(
        reverse("insights:duty_create", args=["surrey_police"]), good_post(theme="es_joint_facilities")
    )
    opportunity = DutyOpportunity.objects.get()
    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    assert opportunity.organisation.slug == "surrey_police" and opportunity.theme.code == "es_joint_facilities"
    assert opportunity.created_by == cast.editor_a


def test_the_form_shows_the_rules_refusals_in_an_error_summary_and_saves_nothing(client, cast):
    opportunity = opportunity_make(partners=())
    client.force_login(cast.editor_a)
    post = good_post(
        decision="proceed", decided_on="2024-02-01", efficiency="no", effectiveness="no", public_safety_harm="yes"
    )
    response = client.post(reverse("insights:duty_edit", args=["surrey_police", opportunity.pk]), post)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "There is a problem" in html
    assert 'href="#id_efficiency_0"' in html and 'href="#id_public_safety_harm_0"' in html
    assert "in the interests of efficiency or effectiveness" in html  # DUTY005
    assert "must not have an adverse effect on public safety" in html  # DUTY006
    assert "notify at least one partner" in html  # DUTY007
    assert "considered jointly" in html  # DUTY008
    assert "on or after the date identified" in html  # DUTY012
    opportunity.refresh_from_db()
    assert opportunity.decision == "under_consideration" and opportunity.title == "Shared station at Reigate"


def test_the_edit_form_shows_the_stored_dates_as_a_date_field_reads_them(client, cast):
    opportunity = opportunity_make(decision="decline", efficiency="no", effectiveness="no", public_safety_harm="no")
    client.force_login(cast.editor_a)
    html = client.get(reverse("insights:duty_edit", args=["surrey_police", opportunity.pk])).content.decode()
    for name, day in [("identified_on", "2024-03-01"), ("considered_jointly_on", "2024-05-01"),
                      ("decided_on", "2024-06-01")]:
        assert f'name="{name}" type="date" value="{day}"' in html, name
    assert 'value="decline" checked' in html


def test_the_finder_prefills_the_theme_and_where_it_came_from(client, cast):
    client.force_login(cast.editor_a)
    url = reverse("insights:duty_create", args=["surrey_police"]) + "?theme=fr_coresponding&source=finder"
    form = client.get(url).context["form"]
    assert form.initial["theme"] == "fr_coresponding" and form.initial["source"] == "finder"
    html = client.get(url).content.decode()
    assert 'value="fr_coresponding" selected' in html and 'value="finder" checked' in html


def test_an_unknown_theme_from_the_finder_is_ignored(client, cast):
    client.force_login(cast.editor_a)
    url = reverse("insights:duty_create", args=["surrey_police"]) + "?theme=no-such&source=nonsense"
    form = client.get(url).context["form"]
    assert "theme" not in form.initial and form.initial["source"] == "own"


def test_adding_a_partner_notified_and_refusing_the_same_one_again(client, cast):
    opportunity = opportunity_make(partners=())
    client.force_login(cast.editor_a)
    url = reverse("insights:duty_notification_create", args=["surrey_police", opportunity.pk])
    post = {"organisation": "surrey_frs", "notified_on": "2024-03-05", "response": "Keen"}
    assert client.post(url, post).status_code == 302
    again = client.post(url, {**post, "notified_on": "2024-03-06"})
    assert again.status_code == 200 and 'href="#id_organisation"' in again.content.decode()
    early = client.post(url, {**post, "organisation": "surrey_police", "notified_on": "2024-01-01"})
    assert early.status_code == 200  # itself is not even offered
    early = client.post(url, {**post, "organisation": "south_east_coast_as", "notified_on": "2024-01-01"})
    assert 'href="#id_notified_on"' in early.content.decode()
    assert list(DutyNotification.objects.values_list("organisation__slug", "notified_on")) == [
        ("surrey_frs", D(2024, 3, 5))
    ]


def test_an_uploaded_document_is_served_only_to_those_who_may_read_the_record(client, cast):
    opportunity = opportunity_make()
    client.force_login(cast.editor_a)
    url = reverse("insights:duty_document_create", args=["surrey_police", opportunity.pk])
    pdf = SimpleUploadedFile("business case.pdf", b"%PDF-1.4 a business case", "application/pdf")
    assert client.post(url, {"title": "Business case", "document": pdf}).status_code == 302
    document = DutyDocument.objects.get()
    assert document.document.name.startswith("duty/") and "business" not in document.document.name
    download = reverse("insights:duty_document", args=["surrey_police", document.pk])
    assert b"".join(client.get(download).streaming_content).startswith(b"%PDF")
    client.force_login(cast.analyst)
    assert client.get(download).status_code == 200
    client.force_login(cast.editor_b)
    assert client.get(download).status_code == 404
    assert client.get(reverse("insights:duty_document", args=["kent_frs", document.pk])).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302


def test_a_document_with_neither_link_nor_file_is_refused(client, cast):
    opportunity = opportunity_make()
    client.force_login(cast.editor_a)
    url = reverse("insights:duty_document_create", args=["surrey_police", opportunity.pk])
    response = client.post(url, {"title": "Minutes"})
    assert response.status_code == 200 and "Give a link or upload a PDF." in response.content.decode()
    fake = SimpleUploadedFile("x.pdf", b"hello", "application/pdf")
    response = client.post(url, {"title": "Minutes", "document": fake})
    assert "this file is not one" in response.content.decode()
    assert not DutyDocument.objects.exists()


def test_a_welsh_service_sees_that_its_record_is_voluntary(client, cast, org):
    wales = org("south_wales_police")
    assert wales.country == "Wales"
    cast.editor_b.organisations.add(wales)
    client.force_login(cast.editor_b)
    html = client.get(reverse("insights:duty_record", args=[wales.slug])).content.decode()
    assert "does not extend to Wales. This record is kept voluntarily." in " ".join(html.split())
    html = client.get(reverse("insights:duty_record", args=["kent_frs"])).content.decode()
    assert "does not extend to Wales" not in html


def test_the_record_page_counts_what_it_lists(client, cast):
    opportunity_make(title="A")
    opportunity_make(title="B", decision="decline", efficiency="no", effectiveness="no", public_safety_harm="no")
    opportunity_make(title="C", decision="proceed", efficiency="yes", effectiveness="yes", public_safety_harm="no")
    opportunity_make("kent_frs", title="Kent's", partners=("kent_police",))
    client.force_login(cast.editor_a)
    html = client.get(reverse("insights:duty_record", args=["surrey_police"])).content.decode()
    rows = DutyOpportunity.objects.filter(organisation__slug="surrey_police")
    decisions = [o.decision for o in rows]
    expected = (
        f"{len(decisions)} opportunities considered: {decisions.count('proceed')} going ahead, "
        f"{decisions.count('decline')} not going ahead, {decisions.count('under_consideration')} still under"
    )
    assert expected in " ".join(html.split())
    assert "Kent&#x27;s" not in html and "Kent's" not in html
