"""Round and return pages, through the real client: analysts run rounds, editors fill in returns."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.returns import services
from bluelight.returns.models import Request, Return, ReturnItem, ReturnState, Round
from bluelight.returns.tests.conftest import csv_bytes, good_row, items_complete, round_open_through_the_pages


@pytest.fixture
def round_(cast):
    today = datetime.date.today()
    return services.round_open(
        name="Summer round", opens_on=today, closes_on=today + datetime.timedelta(days=30), regions=["South East"]
    )


def overview_url(round_, slug="surrey_police"):
    return reverse("returns:return_overview", args=[round_.pk, slug])


def item_post(**overrides):
    """The online item form as a browser posts it: a partner already added to the list, the start's month and
    year in their boxes, the savings' basis on the figure, and the answer to "Have you finished?"."""
    data = {
        "title": "Joint station at Epsom",
        "description": "Police and fire share one station.",
        "partners": ["SFRS"],
        "lead_organisation": "",
        "theme": "es_shared_hq",
        "status": "operational",
        "start_date_month": "4",
        "start_date_year": "2016",
        "scope": "local",
        "annual_savings_gbp": "£12,000",
        "annual_savings_basis": "estimated",
        "contact_name": "Pat Example",
        "contact_email": "pat@example.org",
        "progress": "completed",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_analyst_opens_a_round_for_all_forces_in_a_region_from_the_web(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.analyst)
    today = datetime.date.today()
    with django_capture_on_commit_callbacks(execute=True):
        _check, response = round_open_through_the_pages(
            client,
            {
                "name": "Autumn call",
                "opens_on": today.isoformat(),
                "closes_on": (today + datetime.timedelta(days=14)).isoformat(),
                "types": ["police_force"],
                "regions": ["South East"],
            },
        )
    round_ = Round.objects.get(name="Autumn call")
    assert response.status_code == 302 and response.url == round_.get_absolute_url()
    assert set(round_.requests.values_list("organisation__slug", flat=True)) == {
        "surrey_police",
        "kent_police",
        "sussex_police",
        "thames_valley_police",
        "hampshire_iow_constabulary",
    }
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_round_form_shows_every_problem_and_writes_nothing(client, cast):
    client.force_login(cast.analyst)
    response = client.post(
        reverse("returns:round_create"),
        {"name": "Bad", "opens_on": "2026-06-30", "closes_on": "2026-06-01", "organisations": "Srey Polce"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Line 1" in html and "Did you mean" in html
    assert not Round.objects.exists()


def test_editors_and_the_public_cannot_open_rounds(client, cast):
    assert client.get(reverse("returns:round_create")).status_code == 302  # to sign in
    client.force_login(cast.editor_a)
    assert client.get(reverse("returns:round_create")).status_code == 403
    assert client.get(reverse("returns:round_list")).status_code == 403


def test_dashboard_shows_each_state_counts_and_who_to_chase(client, cast, round_, org):
    submitted = services.return_start(round_=round_, organisation=org("kent_frs"))
    Return.objects.filter(pk=submitted.pk).update(
        state=ReturnState.SUBMITTED, submitted_at=datetime.datetime.now(datetime.UTC)
    )
    services.return_start(round_=round_, organisation=org("surrey_police"))
    client.force_login(cast.analyst)
    html = client.get(round_.get_absolute_url()).content.decode()
    asked = round_.requests.count()
    assert f"1 / {asked}" in html
    assert "Who to chase" in html and "Not started" in html and "Draft" in html and "Submitted" in html
    assert "Fire and rescue service" in html and "South East" in html
    chart = client.get(reverse("returns:round_progress_chart", args=[round_.pk]))
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content


def test_reminder_button_reminds_those_who_have_not_submitted_once_a_day(client, cast, round_):
    client.force_login(cast.analyst)
    mail.outbox.clear()
    client.post(round_.get_absolute_url(), {"action": "remind"})
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    client.post(round_.get_absolute_url(), {"action": "remind"})
    assert len(mail.outbox) == 2


def test_editor_sees_the_request_and_starts_a_return_prefilled_with_known_collaborations(client, cast, round_):
    known = make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    client.force_login(cast.editor_a)
    listing = client.get(reverse("returns:my_requests")).content.decode()
    assert "Summer round" in listing and "Not started" in listing
    client.post(overview_url(round_), {"action": "start"})
    return_obj = Return.objects.get(round=round_, organisation__slug="surrey_police")
    assert return_obj.items.get().known_collaboration == known
    assert "Shared fleet workshop" in client.get(overview_url(round_)).content.decode()


def test_editor_adds_a_collaboration_online_with_partners_resolved_from_aliases(client, cast, round_):
    client.force_login(cast.editor_a)
    client.post(overview_url(round_), {"action": "start"})
    response = client.post(reverse("returns:item_create", args=[round_.pk, "surrey_police"]), item_post())
    assert response.status_code == 302
    item = ReturnItem.objects.get(title="Joint station at Epsom")
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs"}
    assert item.annual_savings_gbp == 12000 and item.start_display == "2016-04"
    assert item.lead_organisation.slug == "surrey_police"


def test_invalid_item_shows_every_problem_inline_and_saves_nothing(client, cast, round_):
    client.force_login(cast.editor_a)
    client.post(overview_url(round_), {"action": "start"})
    response = client.post(
        reverse("returns:item_create", args=[round_.pk, "surrey_police"]),
        item_post(partners=["Surrey Search and Rescue"], annual_savings_gbp="twelve thousand", end_date_year="2015"),
    )
    assert response.status_code == 200
    summary = response.content.decode().split("There is a problem")[1].split("</ul>")[0]
    assert "did you mean" in summary.lower() and "Surrey Fire and Rescue Service" in summary
    assert "Annual recurring savings" in summary and "End" in summary
    assert not ReturnItem.objects.filter(title="Joint station at Epsom").exists()


def test_a_submitted_return_is_read_only_to_the_editor_until_sent_back(client, cast, round_, org):
    make_collaboration("surrey_police", "surrey_frs")
    client.force_login(cast.editor_a)
    client.post(overview_url(round_), {"action": "start"})
    items_complete(Return.objects.get(round=round_, organisation=org("surrey_police")))
    version = Return.objects.get(round=round_, organisation=org("surrey_police")).version  # as the page shows it
    client.post(reverse("returns:return_submit", args=[round_.pk, "surrey_police"]), {"version": version})
    return_obj = Return.objects.get(round=round_, organisation=org("surrey_police"))
    assert return_obj.state == ReturnState.SUBMITTED
    item = return_obj.items.get()
    assert (
        client.post(reverse("returns:item_edit", args=[round_.pk, "surrey_police", item.pk]), item_post()).status_code
        == 403
    )
    assert "Add a collaboration" not in client.get(overview_url(round_)).content.decode()

    client.force_login(cast.analyst)
    client.post(
        reverse("returns:return_review", args=[round_.pk, "surrey_police"]),
        {"decision": "send_back", "comment": "Please add the savings basis"},
    )
    client.force_login(cast.editor_a)
    html = client.get(overview_url(round_)).content.decode()
    assert "Please add the savings basis" in html and "Add a collaboration" in html


def test_analyst_must_say_what_to_change_when_sending_back(client, cast, round_, org):
    make_collaboration("surrey_police", "surrey_frs")
    return_obj = items_complete(services.return_start(round_=round_, organisation=org("surrey_police")))
    services.return_submit(return_obj=return_obj)
    client.force_login(cast.analyst)
    response = client.post(
        reverse("returns:return_review", args=[round_.pk, "surrey_police"]), {"decision": "send_back", "comment": ""}
    )
    assert response.status_code == 400 and "Say what the organisation should change" in response.content.decode()
    assert Return.objects.get(pk=return_obj.pk).state == ReturnState.SUBMITTED


def test_editor_of_another_organisation_cannot_see_the_return(client, cast, round_):
    client.force_login(cast.editor_b)
    assert client.get(overview_url(round_)).status_code == 404
    assert client.post(overview_url(round_), {"action": "start"}).status_code == 404
    assert not Return.objects.exists()


def test_template_download_is_a_real_workbook(client, cast, round_):
    make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    client.force_login(cast.editor_a)
    response = client.get(reverse("returns:return_template", args=[round_.pk, "surrey_police"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    titles = [row[1] for row in book["Return"].iter_rows(min_row=2, values_only=True)]
    assert "Shared fleet workshop" in titles


def test_upload_previews_then_imports_on_confirmation(client, cast, round_):
    client.force_login(cast.editor_a)
    url = reverse("returns:return_upload", args=[round_.pk, "surrey_police"])
    upload = io.BytesIO(csv_bytes([good_row(), good_row(reference="A2", title="Shared control room")]))
    upload.name = "return.csv"
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200 and "Confirm and import" in preview.content.decode()
    assert not ReturnItem.objects.exists()
    token = preview.context["token"]
    client.post(url, {"action": "confirm", "token": token})
    assert set(ReturnItem.objects.values_list("reference", flat=True)) == {"A1", "A2"}
    assert Return.objects.get(round=round_, organisation__slug="surrey_police").channel == "spreadsheet"


def test_upload_of_a_bad_file_lists_problems_by_row_and_column_and_writes_nothing(client, cast, round_):
    client.force_login(cast.editor_a)
    url = reverse("returns:return_upload", args=[round_.pk, "surrey_police"])
    upload = io.BytesIO(csv_bytes([good_row(), good_row(reference="A1", annual_savings_gbp="-5")]))
    upload.name = "return.csv"
    response = client.post(url, {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "nothing was imported" in html and "duplicate" in html.lower()
    assert not Return.objects.exists() and not ReturnItem.objects.exists()


def test_text_typed_with_html_is_shown_escaped(client, cast, round_):
    client.force_login(cast.editor_a)
    client.post(overview_url(round_), {"action": "start"})
    client.post(
        reverse("returns:item_create", args=[round_.pk, "surrey_police"]),
        item_post(title="<script>alert(1)</script> station"),
    )
    html = client.get(overview_url(round_)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; station" in html


def test_requests_exist_for_every_organisation_in_scope(round_):
    assert Request.objects.filter(round=round_).count() == round_.requests.count() > 10
