"""Split, join and undo with bad or stale identifiers: a clear message in the error summary, never a 500."""

import datetime

import pytest
from django.urls import reverse

from bluelight.consolidation import services
from bluelight.consolidation.models import Cluster, ClusterItem
from bluelight.consolidation.tests.test_merge import EPSOM, three_reports
from bluelight.core.tests.error_pattern import Entry, assert_error_pattern
from bluelight.returns import services as returns_services


@pytest.fixture
def cluster(round_, report):
    three_reports(report)
    report("kent_police", reference="K1", partners="Kent FRS", **{**EPSOM, "title": "Control room at Maidstone"})
    services.consolidation_propose(round_=round_)
    return Cluster.objects.get(members__item__reference="SP1")


@pytest.fixture
def analyst(client, cast):
    client.force_login(cast.analyst)
    return client


def post(client, cluster, **data) -> str:
    """POST a refused action to the cluster page: the page comes back in the GOV.UK error pattern, the refusal in
    its error summary, whose text is returned."""
    response = client.post(reverse("consolidation:cluster", args=[cluster.pk]), data)
    assert response.status_code == 400
    return " ".join(entry.text for entry in assert_error_pattern(response))


def memberships() -> list[tuple[int, int]]:
    return sorted(ClusterItem.objects.values_list("cluster_id", "item_id"))


@pytest.mark.parametrize("value", ["abc", "", "1.5", "99999999999999999999999999"])
def test_split_with_an_item_id_that_is_not_a_number_or_too_big_says_so(analyst, cluster, value):
    before = memberships()
    page = post(analyst, cluster, action="split", item=value)
    assert "Choose one of this cluster's items to split out." in page
    assert memberships() == before


def test_split_with_an_item_that_does_not_exist_says_so(analyst, cluster):
    before = memberships()
    assert "Choose one of this cluster's items to split out." in post(analyst, cluster, action="split", item="999999")
    assert memberships() == before


def test_split_with_an_item_of_another_cluster_says_it_is_not_in_this_cluster(analyst, cluster, round_):
    elsewhere = ClusterItem.objects.exclude(cluster=cluster).get().item
    before = memberships()
    page = post(analyst, cluster, action="split", item=str(elsewhere.pk))
    assert "K1 is not in this cluster (any more)." in page
    assert memberships() == before


def test_join_with_a_cluster_that_does_not_exist_says_so(analyst, cluster):
    before = memberships()
    page = post(analyst, cluster, action="join", other="999999")
    assert "There is no cluster “999999”: choose one from the list." in page
    assert memberships() == before


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999999"])
def test_join_with_a_cluster_id_that_is_not_a_number_says_so(analyst, cluster, value):
    before = memberships()
    assert "choose one from the list" in post(analyst, cluster, action="join", other=value)
    assert memberships() == before


def test_a_refused_join_is_linked_to_the_list_of_clusters_to_join(analyst, cluster, report, round_):
    search = {"title": "Missing people search in the Surrey Hills", "theme": "dm_missing_people"}
    report("surrey_frs", reference="F9", partners="Surrey Police", **search)
    services.consolidation_propose(round_=round_)
    cluster = Cluster.objects.get(members__item__reference="SP1")
    response = analyst.post(reverse("consolidation:cluster", args=[cluster.pk]), {"action": "join", "other": "abc"})
    assert assert_error_pattern(response) == [Entry("There is no cluster “abc”: choose one from the list.", "#other")]


def test_join_with_a_cluster_of_another_round_is_refused(analyst, cluster, round_):
    today = datetime.date.today()
    other_round = returns_services.round_open(
        name="Another round", opens_on=today, closes_on=today, regions=["South East"], notify=False
    )
    elsewhere = Cluster.objects.create(round=other_round)
    before = memberships()
    assert "Choose another cluster of the same round." in post(analyst, cluster, action="join", other=elsewhere.pk)
    assert memberships() == before and Cluster.objects.filter(pk=elsewhere.pk).exists()


def test_join_with_the_cluster_itself_is_refused(analyst, cluster):
    assert "Choose another cluster of the same round." in post(analyst, cluster, action="join", other=cluster.pk)
    assert cluster.members.count() == 3


def test_undo_of_a_cluster_that_is_not_merged_says_there_is_nothing_to_undo(analyst, cluster):
    assert "This cluster is not merged: there is nothing to undo." in post(analyst, cluster, action="undo")


def test_split_of_a_merged_cluster_asks_to_undo_the_merge_first(analyst, cluster):
    services.cluster_merge(cluster=cluster)
    member = cluster.members.first()
    assert "Undo the merge before changing the cluster." in post(analyst, cluster, action="split", item=member.item_id)
    assert cluster.members.count() == 3
