"""Only submitted or accepted returns are consolidated: drafts and returns sent back stay out."""

import pytest
from django.core.exceptions import ValidationError

from bluelight.collaborations.models import Collaboration
from bluelight.consolidation import services
from bluelight.consolidation.models import ClusterItem, ClusterState
from bluelight.consolidation.tests.test_merge import EPSOM, three_reports
from bluelight.organisations.models import Organisation
from bluelight.returns import services as returns_services
from bluelight.returns.models import Return

DRAFT = dict(EPSOM, title="WORK IN PROGRESS Epsom station", description="Police and fire share the Epsom station.")


def return_of(round_, slug: str) -> Return:
    return Return.objects.get(round=round_, organisation=Organisation.objects.get(slug=slug))


def clustered_references(round_) -> set[str]:
    return set(ClusterItem.objects.filter(cluster__round=round_).values_list("item__reference", flat=True))


def test_items_of_a_draft_return_stay_out_of_matching_and_out_of_the_record(round_, report):
    three_reports(report)
    report("kent_police", submit=False, reference="K1", partners="Surrey Police; Surrey FRS", **DRAFT)
    clusters = services.consolidation_propose(round_=round_)
    assert clustered_references(round_) == {"SP1", "F7", "AMB-3"}
    assert "K1" not in {i["reference"] for c in services.clusters_json(round_=round_)["clusters"] for i in c["items"]}
    record = services.cluster_merge(cluster=clusters[0]).collaboration
    assert "WORK IN PROGRESS" not in record.title
    assert not Collaboration.objects.filter(title__contains="WORK IN PROGRESS").exists()
    assert "kent_police" not in {p.organisation.slug for p in record.partners.all()}


def test_items_of_a_return_sent_back_for_changes_stay_out_of_matching(round_, report):
    three_reports(report)
    returns_services.return_send_back(return_obj=return_of(round_, "south_east_coast_as"), comment="Check the savings.")
    services.consolidation_propose(round_=round_)
    assert clustered_references(round_) == {"SP1", "F7"}


def test_items_of_an_accepted_return_are_consolidated(round_, report):
    three_reports(report)
    returns_services.return_accept(return_obj=return_of(round_, "surrey_police"))
    services.consolidation_propose(round_=round_)
    assert clustered_references(round_) == {"SP1", "F7", "AMB-3"}


def test_a_merge_refuses_a_cluster_with_an_item_whose_return_was_sent_back_since_matching(round_, report):
    three_reports(report)
    cluster = services.consolidation_propose(round_=round_)[0]
    returns_services.return_send_back(return_obj=return_of(round_, "south_east_coast_as"), comment="Check the savings.")
    with pytest.raises(ValidationError) as refused:
        services.cluster_merge(cluster=cluster)
    message = " ".join(refused.value.messages)
    assert "AMB-3" in message and "South East Coast Ambulance Service" in message
    assert "Returned for changes" in message and "Match the round again" in message
    cluster.refresh_from_db()
    assert cluster.state == ClusterState.PROPOSED and not Collaboration.objects.exists()
    # Matching again leaves the item out until its return is submitted again; the rest then merges.
    (cluster,) = services.consolidation_propose(round_=round_)
    assert clustered_references(round_) == {"SP1", "F7"}
    services.cluster_merge(cluster=cluster)
    assert Collaboration.objects.count() == 1
