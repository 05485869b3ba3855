"""The collaboration services: create, update, derived services, the record as data, the taxonomy."""

import pytest
from django.core.exceptions import ValidationError

from bluelight.collaborations import rules
from bluelight.collaborations.models import Collaboration, Partner, Provenance, SourceKind, Theme
from bluelight.collaborations.services import (
    collaboration_create,
    collaboration_data_from,
    collaboration_sync_services,
    collaboration_update,
    services_of,
    taxonomy_load,
)
from bluelight.collaborations.tests.factories import make_collaboration, saving


def test_create_writes_the_record_its_partners_benefits_contacts_and_provenance(register, org):
    record = make_collaboration("surrey_police", "surrey_frs", benefits=[saving("12000", accrues_to=org("surrey_frs"))])
    assert record.lead == org("surrey_police")
    assert record.partners.count() == 2
    assert record.benefits.get().amount_gbp == 12000
    assert record.contacts.get().name == "Pat Example"
    provenance = record.provenance.get()
    assert (provenance.kind, provenance.fields) == (SourceKind.ENTRY, ["*"])


def test_create_derives_the_services_from_the_partners(register):
    assert make_collaboration("surrey_police", "surrey_frs").services == "fire,police"
    assert make_collaboration("pcc_surrey", "south_east_coast_as").services == "ambulance,police"


def test_a_council_partner_counts_as_the_wider_public_sector(register, org):
    assert services_of([org("surrey_police"), org("surrey_frs")]) == "fire,police"
    council = org("surrey_police").__class__(name="Surrey County Council", type="council")
    assert services_of([org("surrey_frs"), council]) == "fire,wider"


def test_sync_services_follows_partners_changed_outside_the_services(register, org):
    record = make_collaboration("surrey_police", "surrey_frs")
    Partner.objects.create(collaboration=record, organisation=org("south_east_coast_as"))
    collaboration_sync_services(collaboration=record)
    record.refresh_from_db()
    assert record.services == "ambulance,fire,police"


def test_update_replaces_the_content_and_history_keeps_the_old_version(register, org):
    record = make_collaboration("surrey_police", "surrey_frs", title="Before")
    data = collaboration_data_from(record)
    data.title = "After"
    data.partners = [
        rules.PartnerData(org("kent_police"), is_lead=True),
        rules.PartnerData(org("kent_frs")),
    ]
    collaboration_update(collaboration=record, data=data)
    record.refresh_from_db()
    assert record.title == "After"
    assert set(record.partners.values_list("organisation__slug", flat=True)) == {"kent_police", "kent_frs"}
    assert record.history.earliest().title == "Before"


def test_update_writes_nothing_when_a_rule_fails(register, org):
    record = make_collaboration("surrey_police", "surrey_frs", title="Before")
    data = collaboration_data_from(record)
    data.title = "After"
    data.partners = data.partners[:1]
    with pytest.raises(ValidationError) as caught:
        collaboration_update(collaboration=record, data=data)
    assert "partners" in caught.value.error_dict
    record.refresh_from_db()
    assert record.title == "Before"
    assert record.partners.count() == 2


def test_data_from_a_record_round_trips_through_the_rules(register, org):
    record = make_collaboration(
        "surrey_police", "surrey_frs", benefits=[saving("500", accrues_to=org("surrey_police"))]
    )
    data = collaboration_data_from(record)
    rules.check(data)
    assert [p.organisation.slug for p in data.partners if p.is_lead] == ["surrey_police"]
    assert data.benefits[0].amount_gbp == 500
    assert data.contacts[0].email == "pat@example.org"


def test_create_records_where_the_facts_came_from(register, org):
    data = collaboration_data_from(make_collaboration())
    record = collaboration_create(
        data=data, source_kind=SourceKind.RETURN, source_label="Summer 2014 return", reported_by=org("surrey_frs")
    )
    provenance = Provenance.objects.get(collaboration=record)
    assert (provenance.kind, provenance.label, provenance.reported_by) == (
        SourceKind.RETURN,
        "Summer 2014 return",
        org("surrey_frs"),
    )


def test_taxonomy_load_is_idempotent_and_keeps_edited_themes(register):
    theme = Theme.objects.get(code="es_joint_facilities")
    theme.name = "Co-located stations"
    theme.save()
    created, existing = taxonomy_load()
    assert created == 0 and existing == Theme.objects.count()
    assert Theme.objects.get(code="es_joint_facilities").name == "Co-located stations"
    assert not Theme.objects.filter(parent__parent__isnull=False).exists()  # two levels only


def test_publish_refuses_a_record_without_a_primary_theme_and_leaves_it_draft(register):
    from django.core.exceptions import ValidationError

    from bluelight.collaborations.services import collaboration_publish

    draft = make_collaboration("surrey_police", "surrey_frs", publication="draft")
    Collaboration.objects.filter(pk=draft.pk).update(primary_theme=None)
    with pytest.raises(ValidationError, match="primary theme"):
        collaboration_publish(collaboration=draft)
    draft.refresh_from_db()
    assert draft.publication == "draft"


def test_withdraw_takes_a_record_out_of_public_view_and_history_keeps_it(register):
    from bluelight.collaborations.services import collaboration_withdraw

    record = make_collaboration("surrey_police", "surrey_frs")
    collaboration_withdraw(collaboration=record)
    record.refresh_from_db()
    assert record.publication == "withdrawn"
    assert not Collaboration.objects.published().filter(pk=record.pk).exists()
    assert record.history.first().publication == "withdrawn" and record.history.count() >= 2
