"""Undo is a stack: a merge is undone only while no later merge has changed the same record."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bluelight.collaborations.models import Benefit, Collaboration, Provenance
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.consolidation import services
from bluelight.consolidation.models import Cluster, ClusterState, Merge
from bluelight.consolidation.tests.test_merge import three_reports


def partner_slugs(record: Collaboration) -> set[str]:
    return {p.organisation.slug for p in record.partners.all()}


def annual_savings(record: Collaboration) -> Decimal:
    return sum((b.amount_gbp for b in Benefit.objects.filter(collaboration=record, kind="annual_saving")), Decimal(0))


@pytest.fixture
def known_updated_twice(round_, report, cast):
    """A known record updated by a merge of Surrey Police's report, then by a later one of Surrey FRS's."""
    known = make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    report(
        "surrey_police",
        reference=f"C{known.pk}",
        title="Shared fleet workshop, Leatherhead",
        partners="Surrey FRS; SECAmb",
        theme="es_vehicle_workshop",
        start_date="2015",
    )
    first = services.cluster_merge(cluster=services.consolidation_propose(round_=round_)[0], user=cast.admin)
    report(
        "surrey_frs",
        reference=f"C{known.pk}",
        title="Shared fleet workshop, Leatherhead",
        partners="Surrey Police; Kent Police",
        theme="es_vehicle_workshop",
        start_date="2015",
        annual_savings_gbp="40000",
        savings_basis="realised",
    )
    (late,) = services.consolidation_propose(round_=round_)
    assert late.existing_collaboration == known
    second = services.cluster_merge(cluster=late, user=cast.analyst)
    known.refresh_from_db()
    return known, first, second


def test_undoing_an_earlier_merge_that_updated_a_record_is_refused_while_a_later_merge_changed_it(
    known_updated_twice,
):
    known, first, second = known_updated_twice
    assert "kent_police" in partner_slugs(known) and annual_savings(known) == Decimal("40000")
    with pytest.raises(ValidationError) as refused:
        services.merge_undo(merge=first)
    message = " ".join(refused.value.messages)
    assert f"cluster {second.cluster_id}" in message and "by analyst" in message and "Undo the newest" in message
    # Checked before anything was written: the later merge's partners and money are still there.
    known.refresh_from_db()
    assert known.title == "Shared fleet workshop, Leatherhead"
    assert partner_slugs(known) == {"surrey_police", "surrey_frs", "south_east_coast_as", "kent_police"}
    assert annual_savings(known) == Decimal("40000")
    assert Merge.objects.filter(pk=first.pk).exists()
    assert Provenance.objects.filter(batch=first.provenance_batch).exists()
    assert Cluster.objects.get(pk=first.cluster_id).state == ClusterState.MERGED


def test_an_earlier_merge_that_updated_a_record_can_be_undone_after_the_later_one(known_updated_twice):
    known, first, second = known_updated_twice
    services.merge_undo(merge=second)
    known.refresh_from_db()
    assert partner_slugs(known) == {"surrey_police", "surrey_frs", "south_east_coast_as"}
    assert annual_savings(known) == Decimal("0")
    services.merge_undo(merge=first)
    known.refresh_from_db()
    assert known.title == "Shared fleet workshop" and partner_slugs(known) == {"surrey_police", "surrey_frs"}
    assert not Merge.objects.exists() and not Provenance.objects.filter(source_id__isnull=False).exists()
    assert set(Cluster.objects.values_list("state", flat=True)) == {ClusterState.PROPOSED}


@pytest.fixture
def created_then_updated(round_, report, cast):
    """Three partners' reports merged into a new record, then a late report merged into that record."""
    three_reports(report)
    first = services.cluster_merge(cluster=services.consolidation_propose(round_=round_)[0], user=cast.admin)
    record = first.collaboration
    report(
        "kent_police",
        reference="K1",
        title="Joint station at Epsom",
        partners="Surrey Police; Surrey FRS",
        theme="es_joint_facilities",
        start_date="2016",
    )
    (late,) = services.consolidation_propose(round_=round_)
    late.existing_collaboration = record  # the analyst's call: the late report is the same station
    late.save(update_fields=["existing_collaboration"])
    second = services.cluster_merge(cluster=late, user=cast.analyst)
    return record, first, second


def test_undoing_a_merge_that_created_a_record_is_refused_while_a_later_merge_changed_it(created_then_updated):
    record, first, second = created_then_updated
    assert "kent_police" in partner_slugs(record)
    with pytest.raises(ValidationError) as refused:
        services.merge_undo(merge=first)
    assert f"cluster {second.cluster_id}" in " ".join(refused.value.messages)
    assert Collaboration.objects.filter(pk=record.pk).exists() and Merge.objects.count() == 2
    assert Provenance.objects.filter(batch=first.provenance_batch).exists()


def test_a_merge_that_created_a_record_can_be_undone_after_the_later_one(created_then_updated):
    record, first, second = created_then_updated
    services.merge_undo(merge=second)
    assert "kent_police" not in partner_slugs(record)
    services.merge_undo(merge=first)
    assert not Collaboration.objects.exists() and not Merge.objects.exists()


def test_a_merge_already_undone_cannot_be_undone_again(round_, report):
    three_reports(report)
    merge = services.cluster_merge(cluster=services.consolidation_propose(round_=round_)[0])
    services.merge_undo(merge=merge)
    with pytest.raises(ValidationError, match="already been undone"):
        services.merge_undo(merge=merge)
