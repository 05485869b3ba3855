"""Opening a round, notifying and reminding organisations, and tracking who answered."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.organisations.models import Organisation
from bluelight.returns import selectors, services
from bluelight.returns.models import ItemAction, Request, Return, ReturnState, Round
from bluelight.returns.tests.conftest import items_complete

OPENS, CLOSES = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)


def open_round(**kwargs):
    return services.round_open(name=kwargs.pop("name", "Summer 2026"), opens_on=OPENS, closes_on=CLOSES, **kwargs)


def test_a_round_for_one_region_asks_every_force_fire_service_and_ambulance_trust_there(register):
    round_ = open_round(regions=["South East"])
    asked = set(round_.requests.values_list("organisation__slug", flat=True))
    assert {"surrey_police", "kent_police", "surrey_frs", "south_east_coast_as"} <= asked
    assert "essex_police" not in asked and "pcc_surrey" not in asked
    assert all(o.region == "South East" for o in Organisation.objects.filter(slug__in=asked))


def test_a_round_does_not_ask_services_that_had_merged_away_by_its_opening(register):
    round_ = open_round(types=["fire_and_rescue"], regions=["South East"])
    asked = set(round_.requests.values_list("organisation__slug", flat=True))
    assert "hampshire_iow_frs" in asked and "hampshire_frs" not in asked


def test_organisations_can_be_added_one_by_one(register, org):
    round_ = open_round(types=["police_force"], regions=["Wales"], organisations=[org("pcc_surrey")])
    asked = set(round_.requests.values_list("organisation__slug", flat=True))
    assert "pcc_surrey" in asked and "south_wales_police" in asked and len(asked) == 5


def test_opening_a_round_emails_the_editors_of_each_organisation_asked(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = open_round(regions=["South East"])
    recipients = sorted(addr for m in mail.outbox for addr in m.to)
    assert recipients == ["a@example.org", "b@example.org"]
    assert "Summer 2026" in mail.outbox[0].subject and "/returns/rounds/" in mail.outbox[0].body
    assert Request.objects.get(round=round_, organisation__slug="surrey_police").notified_at is not None


def test_a_round_that_closes_before_it_opens_is_refused_and_nothing_is_written(register):
    with pytest.raises(ValidationError) as exc:
        services.round_open(name="Backwards", opens_on=CLOSES, closes_on=OPENS)
    assert "closing date" in str(exc.value)
    assert not Round.objects.exists() and not Request.objects.exists()


def test_a_round_that_asks_nobody_is_refused(register):
    with pytest.raises(ValidationError, match="No organisation matches"):
        open_round(regions=["Atlantis"])


def test_a_return_starts_prefilled_with_the_organisations_known_collaborations(register, org):
    known = make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    round_ = open_round(regions=["South East"])
    return_obj = services.return_start(round_=round_, organisation=org("surrey_frs"))
    item = return_obj.items.get()
    assert item.known_collaboration == known and item.action == ItemAction.CONFIRM
    assert item.title == "Joint station at Epsom"
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs"}


def test_submit_send_back_and_accept_move_the_return_through_its_states(register, org):
    make_collaboration("surrey_police", "surrey_frs")
    round_ = open_round(regions=["South East"])
    return_obj = items_complete(services.return_start(round_=round_, organisation=org("surrey_police")))
    services.return_submit(return_obj=return_obj)
    with pytest.raises(ValidationError, match="already been submitted"):
        services.return_submit(return_obj=return_obj)
    with pytest.raises(ValidationError, match="Say what"):
        services.return_send_back(return_obj=return_obj, comment=" ")
    services.return_send_back(return_obj=return_obj, comment="Add the savings basis")
    return_obj.refresh_from_db()
    assert return_obj.state == ReturnState.RETURNED and return_obj.analyst_comment == "Add the savings basis"
    services.return_submit(return_obj=return_obj)
    services.return_accept(return_obj=return_obj)
    assert Return.objects.get(pk=return_obj.pk).state == ReturnState.ACCEPTED


def test_reminders_go_to_those_who_have_not_submitted_and_never_twice_a_day(cast, org):
    round_ = open_round(regions=["South East"])
    surrey_return = services.return_start(round_=round_, organisation=org("surrey_police"))
    Return.objects.filter(pk=surrey_return.pk).update(state=ReturnState.SUBMITTED)
    mail.outbox.clear()
    day = datetime.date(2026, 6, 20)
    first = services.round_remind(round_=round_, today=day)
    assert first.reminded == ["Kent Fire and Rescue Service"]
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert "Reminder" in mail.outbox[0].subject
    assert "Surrey Police" not in first.reminded + first.no_editor
    again = services.round_remind(round_=round_, today=day)
    assert again.reminded == [] and again.already_today == ["Kent Fire and Rescue Service"]
    assert len(mail.outbox) == 1
    next_day = services.round_remind(round_=round_, today=day + datetime.timedelta(days=1))
    assert next_day.reminded == ["Kent Fire and Rescue Service"]
    assert Request.objects.get(round=round_, organisation__slug="kent_frs").reminders_sent == 2


def test_progress_counts_states_by_type_and_region_and_lists_who_to_chase(register, org):
    round_ = open_round(regions=["South East"], types=["police_force", "fire_and_rescue"])
    submitted = services.return_start(round_=round_, organisation=org("surrey_police"))
    Return.objects.filter(pk=submitted.pk).update(state=ReturnState.SUBMITTED)
    services.return_start(round_=round_, organisation=org("kent_frs"))
    progress = selectors.round_progress(round_=round_, today=datetime.date(2026, 6, 20))
    states = {r.organisation.slug: r.state for r in progress.rows}
    assert states["surrey_police"] == "submitted" and states["kent_frs"] == "draft"
    assert states["kent_police"] == "not_started"
    police = next(b for b in progress.by_type if b.label == "Police force")
    assert (
        police.answered == 1
        and police.total == Request.objects.filter(round=round_, organisation__type="police_force").count()
    )
    assert progress.overall.total == round_.requests.count()
    assert progress.days_to_deadline == 10
    chase = [r.organisation.slug for r in progress.to_chase]
    assert "surrey_police" not in chase and chase.index("kent_police") < chase.index("kent_frs")


def test_remind_command_is_safe_to_run_twice_a_day_from_cron(cast):
    import json
    from io import StringIO

    from django.core.management import call_command

    round_ = open_round(regions=["South East"])
    mail.outbox.clear()
    first, second = StringIO(), StringIO()
    call_command("returns", "remind", "--round", round_.name, "--json", stdout=first)
    call_command("returns", "remind", "--round", str(round_.pk), "--json", stdout=second)
    assert sorted(json.loads(first.getvalue())["reminded"]) == ["Kent Fire and Rescue Service", "Surrey Police"]
    assert json.loads(second.getvalue())["reminded"] == []
    assert len(mail.outbox) == 2


def test_an_online_return_starts_from_what_the_template_offers_for_a_known_collaboration(register, org):
    from decimal import Decimal

    from bluelight.collaborations import rules
    from bluelight.collaborations.tests.factories import saving
    from bluelight.returns.template import row_from_collaboration

    surrey = org("surrey_police")
    known = make_collaboration(
        "surrey_police",
        "surrey_frs",
        benefits=[
            saving("1000", basis="realised", price_year=2015, accrues_to=surrey),
            saving("500", basis="estimated", price_year=2017, accrues_to=surrey),
            saving("9999", accrues_to=org("surrey_frs")),
        ],
        outcomes=[rules.OutcomeData("Response four minutes faster")],
    )
    round_ = open_round(regions=["South East"])
    item = services.return_start(round_=round_, organisation=surrey).items.get()
    row = row_from_collaboration(known, surrey)
    assert item.annual_savings_gbp == Decimal("1500") == Decimal(str(row["annual_savings_gbp"]))
    assert item.savings_basis == row["savings_basis"] == "estimated"  # the weakest claim
    assert item.price_year == row["price_year"] == 2017
    assert item.outcomes == row["outcomes"] == "Response four minutes faster"
    assert (item.contact_name, item.contact_email) == (row["contact_name"], row["contact_email"])
