"""The demo's editions: a 2014 baseline rebuilt from the demo world's timelines, and the 2026 edition.

`demo_load` takes a few seconds, so only the two tests here call it.
"""

from collections import Counter

from django.utils import timezone

from bluelight.collaborations.models import Collaboration
from bluelight.demo.editions import (
    DEMO_BASELINE,
    DEMO_BASELINE_DATE,
    DEMO_EDITION,
    demo_editions_load,
    demo_reports_request,
)
from bluelight.demo.services import demo_keys, demo_load
from bluelight.demo.world import DEMO_TODAY, world_build
from bluelight.editions.models import Edition, ReportRun, ReportState
from bluelight.editions.selectors import edition_compare


def test_the_demo_baseline_is_the_world_as_it_stood_in_2014_and_today_has_grown(register):
    summary = demo_load()

    assert summary.editions == [DEMO_BASELINE, DEMO_EDITION]
    baseline, today = Edition.objects.get(name=DEMO_BASELINE), Edition.objects.get(name=DEMO_EDITION)
    assert Edition.objects.count() == 2
    assert baseline.is_baseline and not today.is_baseline
    # Today's edition is dated the day the demo is loaded, so the demo round (open now) had opened by then.
    assert (baseline.as_of, today.as_of) == (DEMO_BASELINE_DATE, max(DEMO_TODAY, timezone.localdate()))
    assert today.round is not None and today.methodology["by_type"]  # today's edition reports the demo round
    assert today.round.opens_on <= today.as_of and today.methodology["answered_by_basis"] == "edition_date"
    assert today.collaborations == Collaboration.objects.published().count()
    assert 0 < baseline.collaborations < today.collaborations

    # Every baseline entry has the status its record had on 30 September 2014 in the world's timeline.
    world = {item.key: item for item in world_build().collaborations}
    key_of = {pk: key for key, pk in demo_keys().items()}
    entries = list(baseline.entries.values_list("collaboration_id", "data"))
    assert len(entries) == baseline.collaborations
    for record_id, data in entries:
        state = world[key_of[record_id]].state_at(DEMO_BASELINE_DATE)
        assert state is not None, data["title"]  # nobody had heard of it yet: it cannot be in the baseline
        assert data["status"] == state.status, data["title"]
        assert all(b["price_year"] is not None and b["price_year"] <= 2014 for b in data["benefits"]), data["title"]
    # ... and every published record known by then is in it.
    published = set(Collaboration.objects.published().values_list("pk", flat=True))
    known_then = {pk for key, pk in demo_keys().items() if pk in published and world[key].state_at(DEMO_BASELINE_DATE)}
    assert {record_id for record_id, _data in entries} == known_then
    # The baseline is not simply today's statuses: some differed then.
    now = dict(Collaboration.objects.filter(pk__in=known_then).values_list("pk", "status"))
    assert Counter(data["status"] != now[record_id] for record_id, data in entries)[True] > 0

    comparison = edition_compare(edition=today, baseline=baseline)
    assert len(comparison.new) == today.collaborations - len(known_then & published) > 0
    assert len(comparison.ended) > 0 or len(comparison.changed_status) > 0
    assert len(comparison.changed_status) > 0

    # Loading again creates no more editions.
    again = demo_load()
    assert again.editions == [] and Edition.objects.count() == 2
    assert demo_editions_load() == []


def test_the_demo_asks_once_for_a_report_of_each_edition(register):
    demo_load()
    assert not ReportRun.objects.exists()

    asked = demo_reports_request()  # queued only: the tasks would run when the transaction commits

    assert asked == 2
    runs = {run.edition.name: run for run in ReportRun.objects.select_related("edition", "compare_with")}
    assert set(runs) == {DEMO_BASELINE, DEMO_EDITION}
    assert all(run.state == ReportState.QUEUED for run in runs.values())
    assert runs[DEMO_EDITION].compare_with.name == DEMO_BASELINE
    assert runs[DEMO_BASELINE].compare_with is None  # the baseline is not compared with itself

    assert demo_reports_request() == 0
    assert ReportRun.objects.count() == 2
