"""Merging reports of one collaboration: one record, partners united, savings once, provenance kept."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bluelight.collaborations.models import Benefit, Collaboration, Provenance
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.consolidation import services
from bluelight.consolidation.models import Cluster, ClusterState
from bluelight.returns.models import ReturnItem

EPSOM = dict(
    title="Joint station at Epsom",
    theme="es_joint_facilities",
    status="operational",
    start_date="2016",
    description="Police and fire share the Epsom station.",
)


def three_reports(report, **money):
    report(
        "surrey_police",
        reference="SP1",
        partners="Surrey Fire and Rescue Service; SECAmb",
        lead_organisation="Surrey Police",
        annual_savings_gbp="100000",
        savings_basis="estimated",
        **EPSOM,
    )
    report(
        "surrey_frs",
        reference="F7",
        partners="Surrey Police; South East Coast Ambulance Service",
        lead_organisation="Surrey Police",
        annual_savings_gbp="100000",
        savings_basis="estimated",
        **{**EPSOM, "title": "Shared station, Epsom"},
    )
    report(
        "south_east_coast_as",
        reference="AMB-3",
        partners="Surrey Police; Surrey FRS",
        lead_organisation="Surrey Police",
        annual_savings_gbp="20000",
        savings_basis="realised",
        **{**EPSOM, "title": "Shared site, Epsom", "start_date": "2017"},
    )


def only_multi(clusters):
    return [c for c in clusters if c.members.count() > 1]


def test_three_partners_reports_become_one_collaboration_with_savings_counted_once(round_, report):
    three_reports(report)
    clusters = services.consolidation_propose(round_=round_)
    assert len(clusters) == 1 and clusters[0].members.count() == 3
    assert "partners" in clusters[0].explanation and "wording" in clusters[0].explanation
    merge = services.cluster_merge(cluster=clusters[0])
    record = merge.collaboration
    assert Collaboration.objects.count() == 1
    assert {p.organisation.slug for p in record.partners.all()} == {
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
    }
    assert record.lead.slug == "surrey_police"
    annual = Benefit.objects.filter(collaboration=record, kind="annual_saving")
    assert sum(b.amount_gbp for b in annual) == Decimal("120000")  # 100k reported twice counts once
    shared = annual.get(amount_gbp=100000)
    assert shared.accrues_to is None and "counted once" in shared.description
    assert annual.get(amount_gbp=20000).accrues_to.slug == "south_east_coast_as"
    sources = Provenance.objects.filter(collaboration=record, source_id__isnull=False)
    assert {p.source.reference for p in sources} == {"SP1", "F7", "AMB-3"}
    assert "title" in sources.get(source_id=ReturnItem.objects.get(reference="SP1").pk).fields
    assert {c["field"] for c in merge.conflicts} >= {"title", "start_date"}


def test_the_leads_report_wins_where_reports_differ(round_, report):
    three_reports(report)
    merge = services.cluster_merge(cluster=services.consolidation_propose(round_=round_)[0])
    assert merge.collaboration.title == "Joint station at Epsom"
    assert merge.collaboration.start_display == "2016"


def test_two_stations_between_the_same_partners_in_different_towns_stay_apart(round_, report):
    report("surrey_police", reference="SP1", partners="Surrey FRS", **EPSOM)
    report(
        "surrey_police",
        reference="SP2",
        partners="Surrey FRS",
        **{**EPSOM, "title": "Joint station at Woking", "description": "Police and fire share the Woking station."},
    )
    report("surrey_frs", reference="F1", partners="Surrey Police", **{**EPSOM, "title": "Shared station, Epsom"})
    report(
        "surrey_frs",
        reference="F2",
        partners="Surrey Police",
        **{**EPSOM, "title": "Shared station, Woking", "description": "Woking fire station hosts police."},
    )
    clusters = services.consolidation_propose(round_=round_)
    groups = sorted(sorted(m.item.reference for m in c.members.all()) for c in clusters)
    assert groups == [["F1", "SP1"], ["F2", "SP2"]]


def test_undo_puts_everything_back_and_proposes_the_cluster_again(round_, report):
    three_reports(report)
    cluster = services.consolidation_propose(round_=round_)[0]
    merge = services.cluster_merge(cluster=cluster)
    services.merge_undo(merge=merge)
    cluster.refresh_from_db()
    assert cluster.state == ClusterState.PROPOSED
    assert not Collaboration.objects.exists() and not Provenance.objects.exists()
    services.cluster_merge(cluster=cluster)  # and it can be merged again
    assert Collaboration.objects.count() == 1


def test_a_report_of_a_known_collaboration_updates_it_and_undo_restores_it(round_, report, org):
    known = make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    report(
        "surrey_police",
        reference=f"C{known.pk}",
        title="Shared fleet workshop, Leatherhead",
        partners="Surrey FRS; SECAmb",
        theme="es_vehicle_workshop",
        status="operational",
        start_date="2015",
    )
    cluster = services.consolidation_propose(round_=round_)[0]
    assert cluster.existing_collaboration == known
    merge = services.cluster_merge(cluster=cluster)
    known.refresh_from_db()
    assert known.title == "Shared fleet workshop, Leatherhead"
    assert known.partners.count() == 3 and Collaboration.objects.count() == 1
    services.merge_undo(merge=merge)
    known.refresh_from_db()
    assert known.title == "Shared fleet workshop" and known.partners.count() == 2


def test_split_and_join_move_items_between_clusters(round_, report):
    three_reports(report)
    cluster = services.consolidation_propose(round_=round_)[0]
    ambulance = ReturnItem.objects.get(reference="AMB-3")
    alone = services.cluster_split(cluster=cluster, item=ambulance)
    assert cluster.members.count() == 2 and list(alone.members.values_list("item", flat=True)) == [ambulance.pk]
    services.cluster_join(cluster=cluster, other=alone)
    assert cluster.members.count() == 3 and not Cluster.objects.filter(pk=alone.pk).exists()


def test_two_items_of_one_return_cannot_be_joined(round_, report):
    report("surrey_police", reference="SP1", partners="Surrey FRS", **EPSOM)
    report("surrey_police", reference="SP2", partners="Surrey FRS", **{**EPSOM, "title": "Control room at Guildford"})
    first, second = services.consolidation_propose(round_=round_)
    with pytest.raises(ValidationError, match="one return lists each collaboration once"):
        services.cluster_join(cluster=first, other=second)


def test_merged_clusters_are_kept_when_the_round_is_matched_again(round_, report):
    three_reports(report)
    merged = services.cluster_merge(cluster=services.consolidation_propose(round_=round_)[0]).cluster
    report("kent_police", reference="K1", partners="Kent FRS", **{**EPSOM, "title": "Joint station at Ashford"})
    clusters = services.consolidation_propose(round_=round_)
    assert Cluster.objects.filter(pk=merged.pk, state="merged").exists()
    assert [sorted(m.item.reference for m in c.members.all()) for c in clusters] == [["K1"]]
