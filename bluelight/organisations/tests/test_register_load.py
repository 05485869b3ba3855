"""Loading the reference register."""

import datetime

import pytest

from bluelight.organisations.models import Organisation, OrganisationType, PoliceForceArea
from bluelight.organisations.services import register_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_register(db):
    """These tests load the register themselves, so start from none."""
    from bluelight.organisations.models import Alias

    Alias.objects.all().delete()
    Organisation.objects.update(successor=None)
    Organisation.objects.all().delete()


def test_register_has_every_force_fire_service_and_ambulance_trust():
    register_load()
    counts = {t: Organisation.objects.filter(type=t).count() for t in OrganisationType}
    assert counts[OrganisationType.POLICE_FORCE] == 43
    assert counts[OrganisationType.AMBULANCE_TRUST] >= 11
    assert counts[OrganisationType.FIRE_AND_RESCUE] >= 45
    assert PoliceForceArea.objects.count() == 43


def test_loading_twice_duplicates_nothing_and_reports_unchanged():
    first = register_load()
    second = register_load()
    assert first.created == Organisation.objects.count()
    assert second.created == 0 and second.updated == 0
    assert second.unchanged == Organisation.objects.count()


def test_merged_services_keep_their_rows_and_point_at_their_successor():
    register_load()
    dorset = Organisation.objects.get(slug="dorset_frs")
    assert dorset.valid_to == 2016
    assert dorset.successor.slug == "dorset_wiltshire_frs"
    assert dorset.current_body(datetime.date(2015, 6, 1)) == dorset
    assert dorset.current_body(datetime.date(2020, 6, 1)).slug == "dorset_wiltshire_frs"


def test_organisations_are_placed_on_the_police_force_areas_they_cover():
    register_load()
    ambulance = Organisation.objects.get(slug="south_east_coast_as")
    assert {a.name for a in ambulance.police_force_areas.all()} == {"Kent", "Surrey", "Sussex"}


def test_an_analyst_edit_to_an_added_partner_survives_a_reload(db):
    from bluelight.organisations.services import organisation_add

    register_load()
    council = organisation_add(name="Epsom and Ewell Borough Council", type="council", region="South East")
    register_load()
    assert Organisation.objects.get(pk=council.pk).in_register is False


def test_valid_on_excludes_bodies_that_had_merged():
    register_load()
    slugs_2014 = set(Organisation.objects.valid_on(datetime.date(2014, 5, 1)).values_list("slug", flat=True))
    slugs_2022 = set(Organisation.objects.valid_on(datetime.date(2022, 5, 1)).values_list("slug", flat=True))
    assert "hampshire_frs" in slugs_2014 and "hampshire_frs" not in slugs_2022
    assert "hampshire_iow_frs" in slugs_2022 and "hampshire_iow_frs" not in slugs_2014
