"""A theme's page says what is known (evidence rated 3 or more), what is being studied (research commissioned or
in progress) and what is still a gap, each checked against a count made here from the rows."""

from django.urls import reverse

from bluelight.collaborations.models import Collaboration, EvidenceItem
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.insights.models import ResearchQuestion
from bluelight.insights.tests.research_helpers import make_evidence, make_question


def theme_page(client, code):
    return client.get(reverse("explorer:theme_detail", args=[code]))


def test_a_theme_with_nothing_known_or_studied_says_so(client, register):
    html = theme_page(client, "dm_missing_people").content.decode()
    assert "What is known, what is being studied, what is still a gap" in html
    assert "No evidence rated 3 or more on the Maryland scale and no research under way." in html


def test_known_studied_and_the_gap_are_counted_from_published_rows(client, register, theme):
    a = make_collaboration(title="Station A", theme=theme("es_joint_facilities"))
    b = make_collaboration(title="Station B", theme=theme("es_joint_facilities"))
    make_collaboration(title="Hub C", theme=theme("es_tri_service_hub"))
    make_collaboration(title="Draft D", theme=theme("es_joint_facilities"), publication="draft")
    make_collaboration(title="Elsewhere", theme=theme("fr_coresponding"))
    strong = make_evidence("Strong study", strength=4, themes=("es_joint_facilities",), collaborations=[a])
    make_evidence("Weak study", strength=2, themes=("estates",), collaborations=[b])
    make_evidence("Strong draft", strength=5, themes=("estates",), collaborations=[b], publication="draft")
    studied = make_question("in_progress", question="Do stations save money?", themes=("es_joint_facilities",))
    make_question("commissioned", question="Are hubs faster?", themes=("es_tri_service_hub",))
    make_question("commissioned", question="A draft study?", publication="draft")
    make_question("reported", question="Did HQs merge well?", themes=("es_shared_hq",))
    make_question("proposed", question="Should fleets be shared?", themes=("es_fleet_procurement",))

    response = theme_page(client, "estates")

    research, html = response.context["research"], response.content.decode()

    def in_family(themes) -> bool:  # the estates theme or one of its sub-themes (their codes start "es_")
        return any(t.code == "estates" or t.code.startswith("es_") for t in themes)

    known = [
        e
        for e in EvidenceItem.objects.all()
        if e.publication == "published" and e.strength >= 3 and in_family(e.themes.all())
    ]
    under_way = [
        q
        for q in ResearchQuestion.objects.all()
        if q.publication == "published" and q.status in ("commissioned", "in_progress") and in_family(q.themes.all())
    ]
    on_theme = [c for c in Collaboration.objects.published() if c.primary_theme.top_level.code == "estates"]
    evidenced = {
        c.pk
        for e in EvidenceItem.objects.filter(publication="published", strength__gte=3)
        for c in e.collaborations.all()
    }
    without = [c for c in on_theme if c.pk not in evidenced]

    assert research.known == known == [strong]
    assert sorted(q.pk for q in research.studied) == sorted(q.pk for q in under_way)
    assert len(under_way) == 2 and studied in research.studied
    assert (research.without_strong, research.collaborations) == (len(without), len(on_theme)) == (2, 3)
    assert "1 evidence item rated 3 or more on the Maryland scale; 2 research questions under way." in html
    assert "2 of 3 published collaborations on this theme have no evidence rated 3 or more about them." in html
    assert f'href="{strong.get_absolute_url()}"' in html and f'href="{studied.get_absolute_url()}"' in html
    assert "A draft study?" not in html and "Strong draft" not in html
    assert "1 research question on this theme has reported:" in html and "Did HQs merge well?" in html
    assert "1 research question on this theme is proposed but not yet commissioned:" in html


def test_a_sub_theme_counts_only_itself(client, register, theme):
    make_collaboration(title="Hub", theme=theme("es_tri_service_hub"))
    make_question("in_progress", question="Do stations save money?", themes=("es_joint_facilities",))

    research = theme_page(client, "es_tri_service_hub").context["research"]

    assert research.studied == [] and research.collaborations == 1 and research.without_strong == 1
    assert research.gap == "No evidence rated 3 or more on the Maryland scale and no research under way."
