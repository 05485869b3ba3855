"""Opening a round in two steps, through the real client: the check page says whom the round asks and e-mails,
and only its confirmation opens the round and sends the e-mails."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from bluelight.accounts.models import Role
from bluelight.organisations.models import Organisation
from bluelight.returns import services
from bluelight.returns.models import Request, Round
from bluelight.returns.tests.conftest import check_page_fields, round_open_through_the_pages

URL = "/returns/rounds/new/"
TODAY = datetime.date.today()


def form(**overrides) -> dict:
    data = {
        "name": "Autumn call",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + datetime.timedelta(days=21)).isoformat(),
        "regions": ["South East"],
    }
    return data | overrides


def text_of(html: str, name: str) -> str:
    """The text of the element with data-testid `name` (its tags removed, spaces squeezed)."""
    found = re.search(rf'<(\w+)[^>]*data-testid="{name}"[^>]*>(.*?)</\1>', html, re.S)
    assert found, f"no {name} on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


@pytest.fixture
def editors(cast, django_user_model, org):
    """Beside the cast's editors (Surrey Police, Kent FRS): a second editor of Surrey Police, an inactive editor of
    Sussex Police and an editor of Surrey FRS without an e-mail address, none of whom adds an organisation e-mailed."""
    second = django_user_model.objects.create_user("editor_a2", "a2@example.org", "pw", role=Role.EDITOR)
    second.organisations.add(org("surrey_police"))
    gone = django_user_model.objects.create_user("gone", "gone@example.org", "pw", role=Role.EDITOR, is_active=False)
    gone.organisations.add(org("sussex_police"))
    silent = django_user_model.objects.create_user("silent", "", "pw", role=Role.EDITOR)
    silent.organisations.add(org("surrey_frs"))
    return cast


def test_the_check_page_shows_whom_the_round_asks_and_e_mails_and_opening_does_exactly_that(
    client, editors, django_capture_on_commit_callbacks
):
    client.force_login(editors.analyst)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        check, opened = round_open_through_the_pages(client, form())
    html = check.content.decode()
    asked = numbers(text_of(html, "asked-count"))[0]
    emailed, addresses = numbers(text_of(html, "emailed-count"))
    no_editor = numbers(text_of(html, "no-editor-count"))[0]
    listed = {
        name
        for ul in re.findall(r'data-testid="asked-list">(.*?)</ul>', html, re.S)
        for name in re.findall(r"<li>(.*?)</li>", ul)
    }

    round_ = Round.objects.get(name="Autumn call")
    assert opened.status_code == 302 and opened.url == round_.get_absolute_url()
    requests = Request.objects.filter(round=round_)
    assert asked == requests.count() == 16  # the South East's police forces, fire services and ambulance trusts today
    assert listed == set(requests.values_list("organisation__name", flat=True))
    assert emailed == len(mail.outbox) == requests.exclude(notified_at=None).count() == 2
    assert addresses == sum(len(m.to) for m in mail.outbox) == 3
    assert sorted(a for m in mail.outbox for a in m.to) == ["a2@example.org", "a@example.org", "b@example.org"]
    assert no_editor == requests.filter(notified_at=None).count() == asked - emailed
    assert "Open the round and e-mail 2 organisations" in html
    shown = client.get(round_.get_absolute_url()).content.decode()
    assert "Autumn call is open: 16 organisations asked, 2 organisations e-mailed." in shown


def test_the_round_form_only_leads_to_the_check_page_and_nothing_opens_or_is_sent_without_confirming(client, cast):
    client.force_login(cast.analyst)
    mail.outbox.clear()
    check = client.post(URL, form())
    assert check.status_code == 200
    html = check.content.decode()
    assert "Check before you open the round" in html and 'name="confirm"' in html
    fields = check_page_fields(check)
    again = client.post(URL, fields)  # everything the check page carries, without its button
    assert "Check before you open the round" in again.content.decode()
    assert not Round.objects.exists() and not Request.objects.exists() and mail.outbox == []


def test_a_confirmation_with_a_forged_or_missing_fingerprint_opens_nothing(client, cast):
    client.force_login(cast.analyst)
    for expected in ["", "forged", "\x00"]:
        response = client.post(URL, {**form(), "confirm": "yes", "expected": expected})
        assert response.status_code == 200
        assert "changed while you were checking" in response.content.decode()
    response = client.post(URL, {**form(), "confirm": "yes"})
    assert response.status_code == 200 and not Round.objects.exists()


def test_a_new_editor_since_the_check_is_shown_before_anything_opens(client, cast, django_user_model, org):
    client.force_login(cast.analyst)
    check = client.post(URL, form())
    editor = django_user_model.objects.create_user("editor_c", "c@example.org", "pw", role=Role.EDITOR)
    editor.organisations.add(org("kent_police"))
    stale = client.post(URL, {**check_page_fields(check), "confirm": "yes"})
    html = stale.content.decode()
    assert stale.status_code == 200 and not Round.objects.exists()
    assert "changed while you were checking" in html and "Open the round and e-mail 3 organisations" in html
    opened = client.post(URL, {**check_page_fields(stale), "confirm": "yes"})
    assert opened.status_code == 302 and Round.objects.get().requests.count() == 16


def test_nothing_in_scope_is_said_and_no_open_button_is_offered(client, cast):
    assert services.round_scope(on=TODAY, types=["other"], regions=["Wales"]) == []
    client.force_login(cast.analyst)
    check = client.post(URL, form(types=["other"], regions=["Wales"]))
    html = check.content.decode()
    assert check.status_code == 200 and "No organisation is in scope" in text_of(html, "nobody-in-scope")
    assert 'name="confirm"' not in html and "Change the round" in html
    forced = client.post(URL, {**check_page_fields(check), "confirm": "yes"})
    assert forced.status_code == 200 and not Round.objects.exists()


def test_change_goes_back_to_the_form_filled_in_as_it_was(client, cast, org):
    client.force_login(cast.analyst)
    data = form(types=["police_force", "fire_and_rescue"], organisations="Police and Crime Commissioner for Surrey")
    check = client.post(URL, data)
    assert "Police and Crime Commissioner for Surrey" in text_of(check.content.decode(), "round-details")
    back = client.post(URL, {**check_page_fields(check), "change": "yes"})
    html = back.content.decode()
    assert "Open a new round" in html and "There is a problem" not in html
    assert 'value="Autumn call"' in html and f'value="{TODAY.isoformat()}"' in html
    assert re.search(r'value="police_force"\s+checked', html) and re.search(r'value="fire_and_rescue"\s+checked', html)
    assert not re.search(r'value="ambulance_trust"\s+checked', html)
    assert "Police and Crime Commissioner for Surrey</textarea>" in html
    assert not Round.objects.exists()


def test_the_one_by_one_organisations_typed_on_several_lines_reach_the_round(client, cast, org):
    client.force_login(cast.analyst)
    data = form(
        types=["police_force"],
        organisations="Police and Crime Commissioner for Surrey\r\n\r\nPolice and Crime Commissioner for Kent\r\n",
    )
    _check, opened = round_open_through_the_pages(client, data)
    assert opened.status_code == 302
    asked = set(Round.objects.get().requests.values_list("organisation__slug", flat=True))
    assert {"pcc_surrey", "pcc_kent", "surrey_police"} <= asked and "surrey_frs" not in asked


def test_a_name_already_used_is_refused_on_the_form_before_the_check_page(client, cast):
    services.round_open(name="Autumn call", opens_on=TODAY, closes_on=TODAY, regions=["Wales"], notify=False)
    client.force_login(cast.analyst)
    response = client.post(URL, form())
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and "already exists" in html
    assert "Check before you open the round" not in html and Round.objects.count() == 1


def test_the_check_page_tells_analysts_to_ask_an_administrator_and_gives_administrators_a_link(
    client, cast, settings, org
):
    settings.SERVICE_CONTACT_EMAIL = "help@observatory.example.org"
    client.force_login(cast.analyst)
    html = client.post(URL, form()).content.decode()
    assert "Ask an administrator" in text_of(html, "add-editor-help") and "help@observatory.example.org" in html
    assert reverse("admin:accounts_user_add") not in html
    client.force_login(cast.admin)
    html = client.post(URL, form()).content.decode()
    assert f"{reverse('admin:accounts_user_add')}?organisations={org('kent_police').pk}" in html


@pytest.mark.parametrize("who", ["editor_a", None])
def test_editors_and_the_public_cannot_check_or_open_a_round(client, cast, who):
    if who:
        client.force_login(getattr(cast, who))
    response = client.post(URL, {**form(), "confirm": "yes"})
    assert response.status_code == (403 if who else 302)
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    "junk",
    [
        {"confirm": "yes", "expected": "x" * 10_000, "types": ["nope"]},
        {"confirm": ["yes", "no"], "change": "yes", "opens_on": "2026-02-30"},
        {"confirm": "yes", "closes_on": "1900-01-01", "organisations": "a\x00b"},
        {"regions": ["Atlantis"], "countries": ["\x00"], "confirm": "yes"},
    ],
)
def test_junk_posted_to_the_round_form_gets_a_page_not_a_server_error_and_opens_nothing(client, cast, junk):
    client.force_login(cast.analyst)
    response = client.post(URL, {**form(), **junk})
    assert response.status_code == 200 and not Round.objects.exists()


def test_an_organisation_that_closes_before_the_round_opens_is_not_on_the_check_page(client, cast, org):
    # Hampshire FRS merged into Hampshire and Isle of Wight FRS in 2021: a round opening today does not ask it.
    client.force_login(cast.analyst)
    html = client.post(URL, form(types=["fire_and_rescue"])).content.decode()
    assert "Hampshire and Isle of Wight Fire and Rescue Service" in html
    assert "<li>Hampshire Fire and Rescue Service</li>" not in html
    assert Organisation.objects.filter(slug="hampshire_frs").exists()
