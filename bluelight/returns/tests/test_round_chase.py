"""The round dashboard's "Who to chase": only those that have not answered, most overdue first, those no e-mail
reaches apart with how an editor is added, and reminders as a counted secondary action."""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bluelight.accounts.models import Role, User
from bluelight.returns import selectors, services
from bluelight.returns.models import Request, Return, ReturnState, RoundState
from bluelight.returns.tests.conftest import south_east_round

TODAY = datetime.date.today()
WITH_EDITOR = ["kent_police", "sussex_police", "thames_valley_police", "surrey_police", "surrey_frs"]


def _state(round_, org, state) -> None:
    return_obj = services.return_start(round_=round_, organisation=org)
    Return.objects.filter(pk=return_obj.pk).update(state=state, submitted_at=timezone.now())


@pytest.fixture
def chased(cast, django_user_model, org):
    """A South East round whose deadline passed 3 days ago. With an editor: Kent Police, not started and never
    e-mailed (its editor came after the round opened); Sussex Police, not started, e-mailed the request 20 days
    ago; Thames Valley Police, the same and reminded 2 days ago; Surrey Police, a draft; Surrey FRS, returned for
    changes; Kent FRS, submitted. Without one: East Sussex FRS, not started; Hampshire and Isle of Wight
    Constabulary, a draft; Royal Berkshire FRS, accepted."""
    round_ = south_east_round("Summer round", days=30)
    round_.requests.update(notified_at=timezone.now() - datetime.timedelta(days=20))
    round_.opens_on, round_.closes_on = TODAY - datetime.timedelta(days=33), TODAY - datetime.timedelta(days=3)
    round_.save()
    for slug in ["kent_police", "sussex_police", "thames_valley_police", "surrey_frs"]:
        user = django_user_model.objects.create_user(f"ed_{slug}", f"{slug}@example.org", "pw", role=Role.EDITOR)
        user.organisations.add(org(slug))
    Request.objects.filter(round=round_, organisation__slug="kent_police").update(notified_at=None)
    Request.objects.filter(round=round_, organisation__slug="thames_valley_police").update(
        last_reminded_on=TODAY - datetime.timedelta(days=2), reminders_sent=1
    )
    _state(round_, org("surrey_police"), ReturnState.DRAFT)
    _state(round_, org("surrey_frs"), ReturnState.RETURNED)
    _state(round_, org("kent_frs"), ReturnState.SUBMITTED)
    _state(round_, org("hampshire_iow_constabulary"), ReturnState.DRAFT)
    _state(round_, org("royal_berkshire_frs"), ReturnState.ACCEPTED)
    return round_


def names_in(html: str, testid: str) -> list[str]:
    """The organisations linked in the table with data-testid `testid`, in order."""
    table = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    assert table, f"no {testid} table"
    return re.findall(r'<a class="govuk-link" href="/returns/rounds/\d+/[\w-]+/">([^<]+)</a>', table.group(1))


def test_who_to_chase_lists_only_those_that_have_not_answered_most_overdue_first(client, cast, chased):
    progress = selectors.round_progress(round_=chased)
    assert progress.days_overdue == 3
    assert [r.organisation.slug for r in progress.chase_by_email] == WITH_EDITOR
    chase = [r.organisation.slug for r in progress.to_chase]
    assert not {"kent_frs", "royal_berkshire_frs"} & set(chase)
    assert chase.index("east_sussex_frs") < chase.index("hampshire_iow_constabulary")  # not started, then a draft

    client.force_login(cast.analyst)
    html = client.get(chased.get_absolute_url()).content.decode()
    assert names_in(html, "chase-email") == [
        "Kent Police",
        "Sussex Police",
        "Thames Valley Police",
        "Surrey Police",
        "Surrey Fire and Rescue Service",
    ]
    order = re.sub(r"\s+", " ", re.search(r'data-testid="chase-order">(.*?)</p>', html, re.S).group(1))
    assert "passed 3 days ago" in order and "Most overdue first" in order
    rows = re.search(r'data-testid="chase-email">(.*?)</table>', html, re.S).group(1)
    assert "Never" in rows and (TODAY - datetime.timedelta(days=2)).strftime("%-d %b %Y") in rows
    not_answered = len(progress.to_chase)
    assert f'data-figure="chase">{not_answered}</span>organisations have not answered' in html
    assert f"{not_answered} organisations asked have not answered" in html


def test_organisations_without_an_editor_are_listed_apart_with_whom_an_analyst_asks(client, cast, chased, settings):
    settings.SERVICE_CONTACT_EMAIL = "help@observatory.example.org"
    client.force_login(cast.analyst)
    html = client.get(chased.get_absolute_url()).content.decode()
    apart = names_in(html, "chase-no-editor")
    assert apart.index("East Sussex Fire and Rescue Service") < apart.index("Hampshire and Isle of Wight Constabulary")
    assert (
        "Hampshire and Isle of Wight Constabulary" in apart and "Royal Berkshire Fire and Rescue Service" not in apart
    )
    assert not set(apart) & set(names_in(html, "chase-email"))
    answered = Return.objects.filter(round=chased, state__in=[ReturnState.SUBMITTED, ReturnState.ACCEPTED]).count()
    assert len(apart) + len(WITH_EDITOR) + answered == chased.requests.count()
    assert f"No one to e-mail: {len(apart)} organisations without an editor" in html
    assert "no editor to e-mail" not in html  # said once, as a section, not on every row
    help_text = re.search(r'data-testid="add-editor-help">(.*?)</p>', html, re.S).group(1)
    assert "only an administrator can add one" in help_text and "help@observatory.example.org" in help_text
    assert reverse("admin:accounts_user_add") not in html


def test_an_administrator_adds_an_editor_from_the_link_and_the_organisation_can_then_be_e_mailed(
    client, cast, chased, org
):
    east_sussex = org("east_sussex_frs")
    client.force_login(cast.admin)
    html = client.get(chased.get_absolute_url()).content.decode()
    link = f"{reverse('admin:accounts_user_add')}?organisations={east_sussex.pk}"
    assert link in html and "Each “Add an editor” link opens that page" in html
    form = client.get(link)
    assert form.status_code == 200
    assert re.search(rf'<option value="{east_sussex.pk}" selected>East Sussex Fire and Rescue Service', form.text)
    added = client.post(
        link,
        {
            "username": "esfrs_editor",
            "usable_password": "true",
            "password1": "a-long-demo-password-1",
            "password2": "a-long-demo-password-1",
            "email": "esfrs@example.org",
            "role": Role.EDITOR,
            "organisations": [east_sussex.pk],
        },
    )
    assert added.status_code == 302, added.text[:2000]
    assert list(User.objects.get(username="esfrs_editor").organisations.all()) == [east_sussex]
    html = client.get(chased.get_absolute_url()).content.decode()
    assert "East Sussex Fire and Rescue Service" in names_in(html, "chase-email")
    assert "East Sussex Fire and Rescue Service" not in names_in(html, "chase-no-editor")


def test_the_reminder_button_says_how_many_it_reminds_and_the_message_names_them(client, cast, chased):
    client.force_login(cast.analyst)
    html = client.get(chased.get_absolute_url()).content.decode()
    assert "Send reminders to 5 organisations with an editor" in html
    mail.outbox.clear()
    response = client.post(chased.get_absolute_url(), {"action": "remind"}, follow=True)
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(
        ["a@example.org"] + [f"{slug}@example.org" for slug in WITH_EDITOR if slug != "surrey_police"]
    )
    text = re.sub(r"\s+", " ", response.content.decode())
    assert (
        "Reminders sent to 5 organisations (5 e-mails): Kent Police, Surrey Fire and Rescue Service, Surrey Police, "
        "Sussex Police, Thames Valley Police."
    ) in text
    assert "have no editor, so no e-mail reaches them" in text
    assert "Send reminders to" not in text and "All of them were reminded today" in text


def test_no_reminder_button_when_no_one_to_chase_has_an_editor(client, cast, register):
    round_ = south_east_round("Nobody to e-mail")
    Request.objects.filter(round=round_, organisation__slug__in=["surrey_police", "kent_frs"]).delete()
    client.force_login(cast.analyst)
    html = client.get(round_.get_absolute_url()).content.decode()
    assert "Send reminders" not in html and "there is no one to send reminders to" in html
    assert "No one to e-mail:" in html


def test_a_closed_round_offers_no_reminders(client, cast, chased):
    services.round_close(round_=chased)
    assert chased.state == RoundState.CLOSED
    client.force_login(cast.analyst)
    html = client.get(chased.get_absolute_url()).content.decode()
    assert "Send reminders" not in html and "The round is not open, so no reminders are sent." in html


def test_when_everyone_has_answered_there_is_no_one_to_chase(client, cast, register, org):
    round_ = south_east_round("All answered")
    for request in round_.requests.select_related("organisation"):
        _state(round_, request.organisation, ReturnState.SUBMITTED)
    client.force_login(cast.analyst)
    html = client.get(round_.get_absolute_url()).content.decode()
    assert "Every organisation asked has answered: no one to chase." in html
    assert "Send reminders" not in html and "No one to e-mail" not in html


def test_editors_cannot_see_whom_to_chase_or_send_reminders(client, cast, chased):
    client.force_login(cast.editor_a)
    mail.outbox.clear()
    assert client.get(chased.get_absolute_url()).status_code == 403
    assert client.post(chased.get_absolute_url(), {"action": "remind"}).status_code == 403
    assert mail.outbox == [] and not Request.objects.filter(round=chased, reminders_sent__gt=1).exists()


@pytest.mark.parametrize("junk", [{"action": ["remind", "x"]}, {"action": "\x00"}, {"action": "x" * 10_000}, {}])
def test_junk_posted_to_the_dashboard_gets_a_page_not_a_server_error(client, cast, chased, junk):
    client.force_login(cast.analyst)
    assert client.post(chased.get_absolute_url(), junk).status_code in (200, 302)


def test_the_remind_command_names_who_got_a_reminder_and_counts_those_without_an_editor(cast, chased):
    out = StringIO()
    mail.outbox.clear()
    call_command("returns", "remind", "--round", str(chased.pk), stdout=out)
    text = out.getvalue()
    assert text.startswith("Reminded 5 organisations (5 e-mails): Kent Police, Surrey Fire and Rescue Service")
    assert "no editor to remind" not in text  # counted, not listed one per line
    no_editor = len(selectors.round_progress(round_=chased).chase_no_editor)
    assert f"{no_editor} have no editor, so no e-mail reaches them" in text
    again = StringIO()
    call_command("returns", "remind", "--round", str(chased.pk), "--json", stdout=again)
    assert json.loads(again.getvalue())["already_today"] and len(mail.outbox) == 5
