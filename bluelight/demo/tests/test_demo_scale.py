"""`demo_scale_load`: many synthetic collaborations, fast, valid, with their history."""

import pytest
from django.apps import apps
from django.db.models import Count, Q

from bluelight.collaborations import rules
from bluelight.collaborations.models import Benefit, Collaboration, Outcome, Partner, Provenance
from bluelight.collaborations.services import collaboration_data_from, services_of
from bluelight.demo.services import DemoError, demo_scale_load


def test_scale_load_of_500_creates_500_records_with_valid_partners_lead_and_services(register):
    summary = demo_scale_load(n=500, seed=1, batch_size=150)

    assert (summary.created, summary.existing) == (500, 0)
    records = Collaboration.objects.annotate(
        partner_count=Count("partners"), lead_count=Count("partners", filter=Q(partners__is_lead=True))
    )
    assert records.count() == 500 and not records.filter(is_demo=False).exists()
    assert not records.filter(Q(partner_count__lt=2) | ~Q(lead_count=1)).exists()
    for record in Collaboration.objects.prefetch_related("partners__organisation"):
        assert record.services == services_of(p.organisation for p in record.partners.all())
    for record in Collaboration.objects.all()[:60]:
        record.full_clean()
        rules.check(collaboration_data_from(record))
    assert not Benefit.objects.filter(amount_gbp__lt=0).exists()
    assert Provenance.objects.filter(kind="demo").count() == 500


def test_scale_load_writes_the_created_version_of_every_row(register):
    demo_scale_load(n=120, seed=2)

    for model in (Collaboration, Partner, Benefit, Outcome):
        assert model.history.filter(history_type="+").count() == model.objects.count() > 0
    secondary_history = apps.get_model("collaborations", "HistoricalCollaboration_secondary_themes")
    assert secondary_history.objects.count() == Collaboration.secondary_themes.through.objects.count() > 0
    record = Collaboration.objects.filter(secondary_themes__isnull=False).first()
    created = record.history.get()
    assert (created.title, created.uid, created.services) == (record.title, record.uid, record.services)
    assert list(created.secondary_themes.values_list("theme", flat=True)) == list(
        record.secondary_themes.values_list("pk", flat=True)
    )


def test_scale_load_without_history_writes_no_history(register):
    demo_scale_load(n=30, seed=3, history=False)

    assert Collaboration.objects.count() == 30
    assert not Collaboration.history.exists() and not Partner.history.exists()


def test_scale_load_tops_up_to_n_instead_of_duplicating(register):
    demo_scale_load(n=40, seed=4)
    first = list(Collaboration.objects.order_by("pk").values_list("title", flat=True))

    summary = demo_scale_load(n=70, seed=4)

    assert (summary.created, summary.existing) == (30, 40)
    assert demo_scale_load(n=70, seed=4).created == 0
    assert Collaboration.objects.count() == 70
    assert list(Collaboration.objects.order_by("pk").values_list("title", flat=True))[:40] == first


def test_scale_load_refuses_a_negative_number(register):
    with pytest.raises(DemoError, match="0 or more"):
        demo_scale_load(n=-1)
