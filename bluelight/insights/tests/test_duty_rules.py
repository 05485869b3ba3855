"""The duty record's named rules (insights/duty.py): each refuses what it names, with its code and message, and the
services write nothing when a rule fails."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.insights import duty
from bluelight.insights.duty import (
    DUTY_RULES,
    DutyNotificationData,
    DutyOpportunityData,
    duty_check,
    duty_data_from,
    duty_document_add,
    duty_notification_add,
    duty_opportunity_create,
    duty_opportunity_update,
)
from bluelight.insights.models import DutyDocument, DutyNotification, DutyOpportunity
from bluelight.insights.tests.duty_world import D, opportunity_make, org

pytestmark = pytest.mark.django_db


def decided(**changes) -> DutyOpportunityData:
    """A decision to go ahead that passes every rule; `changes` break one."""
    data = DutyOpportunityData(
        title="Shared station", identified_on=D(2024, 3, 1), considered_jointly_on=D(2024, 5, 1),
        decision="proceed", decided_on=D(2024, 6, 1), efficiency="yes", effectiveness="no", public_safety_harm="no",
        reasons="Cheaper, and response times unchanged.",
        notifications=[DutyNotificationData(org("surrey_frs"), D(2024, 3, 4))],
    )
    return dataclasses.replace(data, **changes)


def codes_failing(data, slug="surrey_police") -> set[str]:
    try:
        duty_check(organisation=org(slug), data=data)
    except ValidationError as exc:
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return set()


def test_a_complete_decision_to_go_ahead_passes_every_rule(register):
    assert codes_failing(decided()) == set()


def test_every_rule_has_a_code_a_field_and_a_message():
    assert len({r.code for r in DUTY_RULES}) == len(DUTY_RULES) == 15
    assert all(r.message.endswith(".") and r.field for r in DUTY_RULES)


def test_duty001_an_opportunity_needs_a_title(register):
    assert codes_failing(decided(title="  ")) == {"DUTY001"}


def test_duty002_a_decision_needs_the_date_it_was_made(register):
    assert codes_failing(decided(decided_on=None)) == {"DUTY002"}


def test_duty003_a_decision_needs_reasons(register):
    assert codes_failing(decided(reasons=" ")) == {"DUTY003"}


def test_duty004_an_opportunity_under_consideration_has_no_date_decided(register):
    assert codes_failing(decided(decision="under_consideration")) == {"DUTY004"}


def test_duty005_going_ahead_needs_efficiency_or_effectiveness_answered_yes(register):
    assert codes_failing(decided(efficiency="no", effectiveness="no")) == {"DUTY005"}
    assert codes_failing(decided(efficiency="", effectiveness="yes")) == set()


def test_duty006_going_ahead_needs_public_safety_harm_answered_no(register):
    assert codes_failing(decided(public_safety_harm="yes")) == {"DUTY006"}
    assert codes_failing(decided(public_safety_harm="")) == {"DUTY006"}
    assert codes_failing(decided(decision="decline", public_safety_harm="yes")) == set()


def test_duty007_a_decision_needs_at_least_one_partner_notified(register):
    assert codes_failing(decided(notifications=[])) == {"DUTY007"}
    assert codes_failing(decided(decision="decline", notifications=[])) == {"DUTY007"}


def test_duty008_a_decision_needs_a_joint_consideration_date(register):
    assert codes_failing(decided(considered_jointly_on=None)) == {"DUTY008"}


def test_duty009_a_resulting_collaboration_only_when_going_ahead(register):
    collaboration = make_collaboration("surrey_police", "surrey_frs")
    assert codes_failing(decided(collaboration=collaboration)) == set()
    assert codes_failing(decided(decision="decline", collaboration=collaboration)) == {"DUTY009"}


def test_duty010_the_resulting_collaboration_includes_the_organisation(register):
    kent = make_collaboration("kent_police", "kent_frs")
    assert codes_failing(decided(collaboration=kent)) == {"DUTY010"}


def test_duty011_the_joint_consideration_is_not_before_the_date_identified(register):
    assert codes_failing(decided(considered_jointly_on=D(2024, 2, 1))) == {"DUTY011"}


def test_duty012_the_decision_is_not_before_the_joint_consideration(register):
    assert codes_failing(decided(decided_on=D(2024, 4, 1))) == {"DUTY012"}


def test_duty013_a_service_does_not_notify_itself(register):
    data = decided(notifications=[DutyNotificationData(org("surrey_police"), D(2024, 3, 4))])
    assert codes_failing(data) == {"DUTY013"}


def test_duty014_each_partner_is_notified_once(register):
    twice = [DutyNotificationData(org("surrey_frs"), day) for day in (D(2024, 3, 4), D(2024, 4, 4))]
    assert codes_failing(decided(notifications=twice)) == {"DUTY014"}


def test_duty015_a_partner_is_not_notified_before_the_date_identified(register):
    early = [DutyNotificationData(org("surrey_frs"), D(2024, 2, 4))]
    assert codes_failing(decided(notifications=early)) == {"DUTY015"}


def test_create_writes_the_opportunity_and_its_notifications_with_the_author(register, cast):
    opportunity = opportunity_make(user=cast.editor_a)
    opportunity.refresh_from_db()
    assert opportunity.organisation.slug == "surrey_police" and opportunity.created_by == cast.editor_a
    assert [n.organisation.slug for n in opportunity.notifications.all()] == ["surrey_frs"]
    assert opportunity.history.first().history_user == cast.editor_a


def test_a_refused_create_writes_nothing(register):
    with pytest.raises(ValidationError) as refused:
        duty_opportunity_create(organisation=org("surrey_police"), data=decided(public_safety_harm="yes"))
    assert refused.value.error_dict["public_safety_harm"][0].code == "DUTY006"
    assert not DutyOpportunity.objects.exists() and not DutyNotification.objects.exists()


def test_update_counts_the_notifications_stored_not_those_sent(register):
    opportunity = opportunity_make(partners=())
    data = decided(notifications=[DutyNotificationData(org("surrey_frs"), D(2024, 3, 4))])
    with pytest.raises(ValidationError) as refused:
        duty_opportunity_update(opportunity=opportunity, data=data)
    assert refused.value.error_dict["decision"][0].code == "DUTY007"
    duty_notification_add(opportunity=opportunity, notification=DutyNotificationData(org("surrey_frs"), D(2024, 3, 4)))
    duty_opportunity_update(opportunity=opportunity, data=data)
    opportunity.refresh_from_db()
    assert opportunity.decision == "proceed" and opportunity.decided_on == D(2024, 6, 1)


def test_adding_a_partner_twice_is_refused_and_writes_nothing(register):
    opportunity = opportunity_make()
    with pytest.raises(ValidationError):
        again = DutyNotificationData(org("surrey_frs"), D(2024, 4, 1))
        duty_notification_add(opportunity=opportunity, notification=again)
    assert opportunity.notifications.count() == 1


def test_a_document_needs_a_link_or_a_real_pdf(register):
    from django.core.files.uploadedfile import SimpleUploadedFile

    opportunity = opportunity_make()
    with pytest.raises(ValidationError):
        duty_document_add(opportunity=opportunity, title="Minutes")
    with pytest.raises(ValidationError):
        duty_document_add(opportunity=opportunity, title="Minutes",
                          document=SimpleUploadedFile("m.pdf", b"not a pdf", "application/pdf"))
    duty_document_add(opportunity=opportunity, title="Minutes", url="https://example.org/minutes")
    assert list(DutyDocument.objects.values_list("title", flat=True)) == ["Minutes"]


def test_decline_grounds_name_the_statutory_test_that_failed():
    ground = duty.decline_ground
    assert ground(efficiency="no", effectiveness="no", public_safety_harm="no") == "efficiency_and_effectiveness"
    assert ground(efficiency="yes", effectiveness="no", public_safety_harm="yes") == "public_safety"
    assert ground(efficiency="no", effectiveness="no", public_safety_harm="yes") == "both"
    assert ground(efficiency="no", effectiveness="yes", public_safety_harm="no") == "neither"


def test_the_data_from_a_stored_opportunity_round_trips(register):
    opportunity = opportunity_make(decision="decline", efficiency="no", effectiveness="no", public_safety_harm="no")
    data = duty_data_from(opportunity)
    assert data.decision == "decline" and len(data.notifications) == 1
    assert codes_failing(data) == set()
