"""`demo_research_load`: four research questions in different statuses on the demo's themes, through the
register's services, once; the reported one links the demo's forced-entry evaluation, or waits in progress."""

from bluelight.demo.research import QUESTIONS, demo_research_load
from bluelight.insights.models import ResearchQuestion
from bluelight.insights.tests.research_helpers import make_evidence


def test_the_demo_register_links_the_forced_entry_evaluation_and_loads_once(register):
    evaluation = make_evidence("Evaluation of forced entry in London", strength=4, themes=("dm_forced_entry",))

    created = demo_research_load()

    assert len(created) == len(QUESTIONS) == ResearchQuestion.objects.count() == 4
    assert {q.status for q in created} == {"proposed", "commissioned", "in_progress", "reported"}
    reported = ResearchQuestion.objects.get(status="reported")
    assert list(reported.evidence.all()) == [evaluation]
    assert all(q.themes.exists() and q.is_published for q in created)
    assert demo_research_load() == [] and ResearchQuestion.objects.count() == 4


def test_without_its_evaluation_the_reported_question_is_still_in_progress(register):
    demo_research_load()

    forced_entry = ResearchQuestion.objects.get(themes__code="dm_forced_entry")
    assert forced_entry.status == "in_progress" and forced_entry.reported_on is None
    assert not forced_entry.evidence.exists()
