"""One write path with full history: the services change rows in place, and the history page reads them back."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry

from bluelight.collaborations import admin as collaborations_admin
from bluelight.collaborations import rules
from bluelight.collaborations.models import Benefit, Collaboration, Contact, Outcome, Partner
from bluelight.collaborations.selectors import collaboration_history
from bluelight.collaborations.services import collaboration_create, collaboration_data_from, collaboration_update
from bluelight.collaborations.tests.factories import saving
from bluelight.collaborations.tests.test_admin import ADD, COLLABORATIONS, add_payload, benefit, form_data, form_errors

HISTORIES = (Collaboration, Partner, Benefit, Outcome, Contact)


def history_rows() -> int:
    """Every historical row of a record or its parts, secondary themes included."""
    themes = Collaboration.history.model._meta.get_field("historicalcollaboration_secondary_themes")
    return sum(m.history.count() for m in HISTORIES) + themes.related_model.objects.count()


@pytest.fixture
def record(cast, org, theme):
    """Surrey Police (lead), Surrey FRS and SECAmb, two savings, an outcome, a contact; by the analyst."""
    data = rules.CollaborationData(
        title="Surrey joint estates",
        partners=[
            rules.PartnerData(org("surrey_police"), is_lead=True),
            rules.PartnerData(org("surrey_frs")),
            rules.PartnerData(org("south_east_coast_as")),
        ],
        primary_theme=theme("es_joint_facilities"),
        secondary_themes=[theme("es_shared_hq")],
        benefits=[saving("25000", accrues_to=org("surrey_frs")), saving("4000", kind="cumulative_saving")],
        outcomes=[rules.OutcomeData("Fewer empty buildings")],
        contacts=[rules.ContactData("Pat Example", "pat@example.org")],
    )
    return collaboration_create(data=data, user=cast.analyst)


def edit_benefit_then_remove_partner(record, cast):
    """The editor raises the £25,000 saving to £30,000; the analyst then drops SECAmb."""
    data = collaboration_data_from(record)
    (big,) = [b for b in data.benefits if b.amount_gbp == 25000]
    big.amount_gbp = Decimal("30000")
    collaboration_update(collaboration=record, data=data, user=cast.editor_a)
    data = collaboration_data_from(record)
    data.partners = [p for p in data.partners if p.organisation.slug != "south_east_coast_as"]
    collaboration_update(collaboration=record, data=data, user=cast.analyst)


# The services ---------------------------------------------------------------------------------


def test_create_writes_a_created_version_of_every_part_by_the_user(record, cast):
    for model, count in ((Partner, 3), (Benefit, 2), (Outcome, 1), (Contact, 1)):
        versions = model.history.filter(collaboration_id=record.pk)
        assert versions.filter(history_type="+").count() == count, model
        assert {v.history_user for v in versions} == {cast.analyst}, model
    assert record.history.filter(history_type="+").get().history_user == cast.analyst


def test_an_unchanged_update_writes_no_history_at_all(record):
    before, partner_ids = history_rows(), set(record.partners.values_list("pk", flat=True))
    collaboration_update(collaboration=record, data=collaboration_data_from(record))
    assert history_rows() == before
    assert set(record.partners.values_list("pk", flat=True)) == partner_ids


def test_editing_one_benefit_changes_that_row_in_place_and_nothing_else(record, cast):
    benefit_ids = set(record.benefits.values_list("pk", flat=True))
    before = history_rows()
    data = collaboration_data_from(record)
    next(b for b in data.benefits if b.amount_gbp == 25000).amount_gbp = Decimal("30000")
    collaboration_update(collaboration=record, data=data, user=cast.editor_a)
    assert set(record.benefits.values_list("pk", flat=True)) == benefit_ids
    # The benefit's new version, and the record's next version (its row and its one secondary theme's).
    assert history_rows() == before + 3
    changed = Benefit.history.filter(collaboration_id=record.pk, history_type="~").get()
    assert (changed.amount_gbp, changed.history_user) == (Decimal("30000"), cast.editor_a)
    assert (record.history.latest().version, record.history.latest().history_user) == (2, cast.editor_a)


def test_removing_a_partner_records_its_deletion_by_the_user(record, cast):
    data = collaboration_data_from(record)
    data.partners = [p for p in data.partners if p.organisation.slug != "south_east_coast_as"]
    collaboration_update(collaboration=record, data=data, user=cast.editor_a)
    removed = Partner.history.get(collaboration_id=record.pk, history_type="-")
    assert (removed.organisation.slug, removed.history_user) == ("south_east_coast_as", cast.editor_a)
    record.refresh_from_db()
    assert record.services == "fire,police"
    assert record.history.latest().services == "fire,police"


def test_moving_the_lead_updates_both_partners_in_place(record, org):
    partner_ids = set(record.partners.values_list("pk", flat=True))
    data = collaboration_data_from(record)
    for partner in data.partners:
        partner.is_lead = partner.organisation.slug == "surrey_frs"
    collaboration_update(collaboration=record, data=data)
    assert record.lead == org("surrey_frs")
    assert set(record.partners.values_list("pk", flat=True)) == partner_ids
    changed = Partner.history.filter(collaboration_id=record.pk, history_type="~")
    assert sorted((v.organisation.slug, v.is_lead) for v in changed) == [("surrey_frs", True), ("surrey_police", False)]


def test_changing_only_the_secondary_themes_writes_one_version_of_the_record(record, theme):
    before = record.history.count()
    data = collaboration_data_from(record)
    data.secondary_themes = [theme("es_shared_hq"), theme("es_training_centre")]
    collaboration_update(collaboration=record, data=data)
    assert record.history.count() == before + 1
    latest = record.history.latest()
    assert {t.theme.code for t in latest.secondary_themes.all()} == {"es_shared_hq", "es_training_centre"}


# The selector ---------------------------------------------------------------------------------


def test_history_says_who_changed_which_part_how_and_when_newest_first(record, cast):
    edit_benefit_then_remove_partner(record, cast)
    entries = collaboration_history(record, user=cast.analyst)
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    (removed,) = [e for e in entries if e.part == "partner" and e.action == "removed"]
    (edited,) = [e for e in entries if e.part == "financial benefit" and e.action == "changed"]
    assert entries.index(removed) < entries.index(edited)
    assert (removed.item, removed.who) == ("South East Coast Ambulance Service NHS Foundation Trust", cast.analyst)
    services = next(e for e in entries if e.part == "collaboration" and e.action == "changed")  # the newest
    assert [(c.field, c.old, c.new) for c in services.changes] == [
        ("services involved", "ambulance,fire,police", "fire,police")
    ]
    assert edited.who == cast.editor_a
    assert [(c.field, c.old, c.new) for c in edited.changes] == [("amount (£)", "25000.00", "30000.00")]
    created = {(e.part, e.item) for e in entries if e.action == "added"}
    assert ("partner", "Surrey Fire and Rescue Service") in created
    assert ("contact", "Pat Example") in created
    assert ("collaboration", "Surrey joint estates") in created
    assert all(e.who == cast.analyst for e in entries if e.action == "added")


def test_history_leaves_out_contacts_for_a_user_who_may_not_see_them(record, cast):
    assert "contact" not in {e.part for e in collaboration_history(record, user=cast.editor_b)}
    assert "contact" in {e.part for e in collaboration_history(record, user=cast.analyst)}


def test_history_lists_the_secondary_themes_the_record_was_given(record, cast):
    themes = [e for e in collaboration_history(record, user=cast.analyst) if e.part == "collaboration"]
    changes = {c.field: c.new for e in themes for c in e.changes}
    assert "Shared headquarters" in changes["secondary themes"]


# The admin ------------------------------------------------------------------------------------


def test_analyst_reads_the_parts_history_on_the_admin_history_page(client, record, cast):
    edit_benefit_then_remove_partner(record, cast)
    client.force_login(cast.analyst)
    response = client.get(f"{COLLABORATIONS}{record.pk}/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Partner removed" in page and "South East Coast Ambulance Service" in page
    assert "Financial benefit changed" in page and "25000.00&nbsp;&rarr;&nbsp;30000.00" in page
    assert "editor_a" in page and "Pat Example" in page
    assert f"{COLLABORATIONS}{record.pk}/history/{record.history.latest().history_id}/" in page


def test_a_mistyped_history_address_is_not_found_rather_than_an_error(client, record, cast):
    client.force_login(cast.analyst)
    assert client.get(f"{COLLABORATIONS}{record.pk}/change/history/").status_code == 404
    assert client.get(f"{COLLABORATIONS}abc/history/").status_code == 404


def test_the_admin_creates_a_record_through_the_service(client, cast, org, monkeypatch):
    calls = []
    real = collaborations_admin.collaboration_create
    monkeypatch.setattr(collaborations_admin, "collaboration_create", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(cast.analyst)
    payload = add_payload(
        client,
        [(org("surrey_police"), True), (org("surrey_frs"), False)],
        benefits=[benefit("25000", accrues_to=org("surrey_frs"))],
    )
    response = client.post(ADD, payload)
    assert response.status_code == 302, form_errors(response)
    assert len(calls) == 1 and calls[0]["user"] == cast.analyst
    created = Collaboration.objects.get(title="Joint station at Epsom")
    assert LogEntry.objects.get(object_id=str(created.pk)).action_flag == ADDITION  # the admin's object got its pk
    assert created.provenance.get().label == "Entered in the admin by an analyst"  # no username (issue 18)
    partners = Partner.history.filter(collaboration_id=created.pk, history_type="+")
    assert {(v.organisation.slug, v.history_user) for v in partners} == {
        ("surrey_police", cast.analyst),
        ("surrey_frs", cast.analyst),
    }
    assert created.history.get().history_user == cast.analyst  # one version: services set before saving


def test_an_unchanged_save_in_the_admin_writes_no_history(client, record, cast):
    client.force_login(cast.analyst)
    url = f"{COLLABORATIONS}{record.pk}/change/"
    before = history_rows()
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302, form_errors(response)
    assert history_rows() == before


def test_an_admin_edit_of_one_benefit_goes_through_the_service(client, record, cast, monkeypatch):
    calls = []
    real = collaborations_admin.collaboration_update
    monkeypatch.setattr(collaborations_admin, "collaboration_update", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(cast.editor_a)
    url = f"{COLLABORATIONS}{record.pk}/change/"
    data = form_data(client.get(url))
    (row,) = [k for k, v in data.items() if k.startswith("benefits-") and k.endswith("-amount_gbp") and v == "25000.00"]
    data[row] = "30000"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert len(calls) == 1
    changed = Benefit.history.filter(collaboration_id=record.pk, history_type="~").get()
    assert (changed.amount_gbp, changed.history_user) == (Decimal("30000"), cast.editor_a)
    assert not Benefit.history.filter(collaboration_id=record.pk, history_type="-").exists()
