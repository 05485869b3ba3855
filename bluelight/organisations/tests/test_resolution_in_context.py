"""Resolution for bodies that cover several areas: the reporter's area with the row's partners, then kind."""

import datetime

import pytest

from bluelight.organisations.resolution import Resolver


@pytest.fixture
def resolver(register):
    return Resolver.from_db()


def test_the_area_shared_by_reporter_and_partners_comes_first(resolver, org):
    result = resolver.resolve("NFRS", reporter=org("east_midlands_as"), context=[org("northamptonshire_police")])
    assert result.match == org("northamptonshire_frs") and result.reason == "context"


def test_two_candidates_in_the_reporters_area_stay_ambiguous_with_only_those_named(resolver, org):
    result = resolver.resolve("NFRS", reporter=org("east_midlands_as"))
    assert result.status == "ambiguous"
    assert {c.organisation.slug for c in result.alternatives} == {"nottinghamshire_frs", "northamptonshire_frs"}


def test_the_reporters_own_area_settles_when_partners_share_none(resolver, org):
    result = resolver.resolve("SFRS", reporter=org("pcc_west_mercia"), context=[org("kent_police")])
    assert result.match == org("shropshire_frs")


def test_a_candidate_outside_every_area_of_the_row_is_not_guessed(resolver, org):
    assert resolver.resolve("SFRS", reporter=org("west_midlands_fs")).status == "ambiguous"


def test_kind_settles_a_bare_place_only_when_the_row_is_of_one_type(resolver, org):
    fire = resolver.resolve("Hants", day=datetime.date(2012, 1, 1), reporter=org("dorset_frs"))
    assert fire.match == org("hampshire_frs") and fire.reason == "kind"
    mixed = resolver.resolve("Gwent", reporter=org("pcc_dyfed_powys"), context=[org("dyfed_powys_police")])
    assert mixed.status == "ambiguous"


def test_a_kind_without_a_place_is_settled_only_by_context(resolver, org):
    assert resolver.resolve("PCC").status == "ambiguous"
    assert resolver.resolve("OPCC", reporter=org("essex_frs")).match == org("pcc_essex")


def test_the_register_knows_the_short_names_that_collide(resolver):
    for name, slugs in {
        "LFRS": {"lancashire_frs", "leicestershire_frs"},
        "NFRS": {"norfolk_frs", "northamptonshire_frs", "nottinghamshire_frs", "northumberland_frs"},
        "WMP": {"west_mercia_police", "west_midlands_police"},
    }.items():
        result = resolver.resolve(name)
        assert result.status == "ambiguous" and {c.organisation.slug for c in result.alternatives} == slugs
    assert resolver.resolve("IWFRS", day=datetime.date(2018, 1, 1)).match.slug == "isle_of_wight_frs"


def test_a_name_with_its_short_form_in_brackets_resolves_by_the_name(resolver):
    found = resolver.resolve("Metropolitan Police Service (MPS)")
    assert found.status == "matched" and found.match.slug == "metropolitan_police"


def test_nhs_ft_reads_as_nhs_foundation_trust(resolver):
    found = resolver.resolve("South Central Ambulance Service NHS FT")
    assert found.status == "matched" and found.match.slug == "south_central_as"


def test_the_initials_of_a_full_name_resolve_when_nothing_else_matches(resolver):
    found = resolver.resolve("CFB")
    assert found.status == "matched" and found.match.name == "Cleveland Fire Brigade"
    assert resolver.resolve("XQZ").status == "not_found"
