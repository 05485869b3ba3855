"""`demo_duty_load`: Surrey Police's demo duty record, through the duty services, once."""

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.demo.duty import demo_duty_load
from bluelight.insights.models import DutyOpportunity


def test_demo_duty_load_records_three_opportunities_once_linking_the_surrey_collaboration(register):
    make_collaboration("kent_police", "kent_frs", title="Not Surrey")
    station = make_collaboration("surrey_police", "surrey_frs", title="Surrey shared stations")
    Collaboration.objects.filter(pk=station.pk).update(is_demo=True)  # as the demo world marks its records

    assert demo_duty_load() == 3
    assert demo_duty_load() == 0
    record = {o.decision: o for o in DutyOpportunity.objects.filter(organisation__slug="surrey_police")}
    assert set(record) == {"proceed", "decline", "under_consideration"} and DutyOpportunity.objects.count() == 3
    assert record["proceed"].collaboration == station
    assert record["decline"].public_safety_harm == "yes" and record["decline"].collaboration is None
    assert record["under_consideration"].source == "finder"
    assert all(o.notifications.exists() for o in record.values())
    assert record["decline"].notifications.count() == 2


def test_demo_duty_load_goes_ahead_without_a_link_when_there_is_no_surrey_collaboration(register):
    assert demo_duty_load() == 3
    assert DutyOpportunity.objects.get(decision="proceed").collaboration is None
