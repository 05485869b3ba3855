"""Scores people can act on: a cluster's score in words, the same everywhere, and the most doubtful reviewed first."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.consolidation.models import Cluster, ClusterItem, ClusterState, ConfidenceBand
from bluelight.consolidation.tests.test_merge import three_reports
from bluelight.returns.imports import return_import
from bluelight.returns.models import ReturnItem
from bluelight.returns.tests.conftest import csv_bytes, good_row


def clustered(round_, *references, score: float, existing=None, state=ClusterState.PROPOSED) -> Cluster:
    """A cluster of the round's items with these references, scored as the matcher would have scored it."""
    cluster = Cluster.objects.create(
        round=round_, score=score, existing_collaboration=existing, state=state, explanation=f"scored {score}"
    )
    ClusterItem.objects.bulk_create(
        [ClusterItem(cluster=cluster, item=ReturnItem.objects.get(reference=r)) for r in references]
    )
    return cluster


def many_reports(round_, slug: str, references: list[str], partners: str = "Surrey Fire and Rescue Service") -> None:
    """One organisation's submitted return with a row for each reference (quicker than one import each)."""
    from bluelight.organisations.models import Organisation
    from bluelight.returns import services as returns_services
    from bluelight.returns.models import Return

    rows = [
        good_row(reference=r, title=f"Collaboration {r}", lead_organisation="", partners=partners) for r in references
    ]
    result = return_import(
        round=round_, organisation=Organisation.objects.get(slug=slug), content=csv_bytes(rows), filename="r.csv"
    )
    assert result.ok, [str(e) for e in result.errors]
    returns_services.return_submit(return_obj=Return.objects.get(pk=result.return_id))


@pytest.fixture
def six(round_):
    many_reports(round_, "surrey_police", [f"P{n}" for n in range(1, 7)])
    many_reports(round_, "surrey_frs", [f"F{n}" for n in range(1, 7)], partners="Surrey Police")


@pytest.mark.parametrize(
    "score, band, words",
    [
        (0.97, ConfidenceBand.ALMOST_CERTAIN, "almost certain"),
        (0.9, ConfidenceBand.ALMOST_CERTAIN, "almost certain"),
        (0.89, ConfidenceBand.LIKELY, "likely"),
        (0.7, ConfidenceBand.LIKELY, "likely"),
        (0.69, ConfidenceBand.DOUBTFUL, "doubtful"),
        (0.1, ConfidenceBand.DOUBTFUL, "doubtful"),
    ],
)
def test_a_cluster_of_several_reports_says_its_score_in_words(round_, six, score, band, words):
    cluster = clustered(round_, "P1", "F1", score=score)
    assert cluster.confidence_band == band and cluster.confidence_label == words


def test_a_cluster_of_one_report_says_it_was_reported_by_one_partner_only_whatever_its_score(round_, six):
    for score in (1.0, 0.5):
        cluster = clustered(round_, f"P{int(score * 2)}", score=score)
        assert cluster.confidence_band == ConfidenceBand.ONE_PARTNER
        assert cluster.confidence_label == "reported by one partner only"


def test_one_report_matched_to_an_existing_collaboration_has_its_score_in_words(round_, six):
    record = make_collaboration("surrey_police", "surrey_frs", title="Collaboration P1")
    assert clustered(round_, "P1", score=0.95, existing=record).confidence_label == "almost certain"
    assert clustered(round_, "P2", score=0.75, existing=record).confidence_label == "likely"
    assert clustered(round_, "P3", score=0.4, existing=record).confidence_label == "doubtful"


def test_the_queue_and_the_cluster_page_show_the_words(client, cast, round_, six):
    doubtful = clustered(round_, "P1", "F1", score=0.55)
    clustered(round_, "P2", score=1.0)
    client.force_login(cast.analyst)
    queue = client.get(reverse("consolidation:queue", args=[round_.pk])).content.decode()
    assert "doubtful" in queue and "reported by one partner only" in queue and "0.55" in queue
    page = client.get(reverse("consolidation:cluster", args=[doubtful.pk])).content.decode()
    assert "doubtful" in page and "(score 0.55)" in page


def test_the_queue_puts_the_most_doubtful_first_and_reports_standing_alone_last(client, cast, round_, six):
    record = make_collaboration("surrey_police", "surrey_frs", title="Collaboration P6")
    sure = clustered(round_, "P1", "F1", score=0.98)
    alone = clustered(round_, "P2", score=0.2)  # a low score on one report says nothing to review
    coin_toss = clustered(round_, "P3", "F3", score=0.5)
    matched = clustered(round_, "P6", score=0.8, existing=record)
    shaky = clustered(round_, "P4", "F4", score=0.3)
    client.force_login(cast.analyst)
    page = client.get(reverse("consolidation:queue", args=[round_.pk]))
    assert [c.pk for c in page.context["page"].object_list] == [shaky.pk, coin_toss.pk, matched.pk, sure.pk, alone.pk]


def test_consolidate_json_keeps_its_shape_and_adds_the_words(round_, report):
    three_reports(report)
    report("kent_police", reference="K1", partners="Kent FRS", title="Kent joint control room")
    out = StringIO()
    call_command("consolidate", "--round", round_.name, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"round", "clusters"}
    by_size = {len(c["items"]): c for c in data["clusters"]}
    for cluster in data["clusters"]:
        assert set(cluster) == {"score", "explanation", "existing_collaboration", "state", "items", "confidence"}
    assert by_size[1]["confidence"] == "reported by one partner only"
    three = Cluster.objects.get(members__item__reference="SP1")
    assert by_size[3]["confidence"] == three.confidence_label != "reported by one partner only"
