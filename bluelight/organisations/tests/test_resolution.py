"""Organisation name resolution: code, name, alias, fuzzy; dates and context settle collisions."""

import datetime

import pytest

from bluelight.organisations.resolution import Resolver, resolve


@pytest.fixture
def resolver(register):
    return Resolver.from_db()


def test_exact_name_matches_with_full_score(resolver):
    result = resolver.resolve("Kent Police")
    assert result.status == "matched" and result.match.slug == "kent_police" and result.score == 100


def test_official_code_matches(resolver):
    assert resolver.resolve("RYD").match.slug == "south_east_coast_as"
    assert resolver.resolve("e31000022").match.slug == "kent_frs"


def test_police_force_area_code_means_the_force_not_its_commissioner(resolver):
    assert resolver.resolve("E23000036").match.slug == "avon_somerset_police"


def test_alias_matches(resolver):
    assert resolver.resolve("SECAmb").match.slug == "south_east_coast_as"
    assert resolver.resolve("Devon & Cornwall Police").match.slug == "devon_cornwall_police"


def test_fuzzy_name_matches_with_a_score_below_100(resolver):
    result = resolver.resolve("Greater Manchester Fire")
    assert result.match.slug == "greater_manchester_frs"
    result = resolver.resolve("Devon and Cornwall Constabulary")
    assert result.match.slug == "devon_cornwall_police"


def test_kind_of_service_named_decides_between_bodies_of_one_place(resolver):
    assert resolver.resolve("Surrey Fire & Rescue").match.slug == "surrey_frs"
    assert resolver.resolve("Essex Police, Fire and Crime Commissioner").match.slug == "pcc_essex"


def test_merged_service_resolves_to_the_body_valid_at_the_date(resolver):
    assert resolver.resolve("Hants Fire", day=datetime.date(2019, 4, 1)).match.slug == "hampshire_frs"
    assert resolver.resolve("Hants Fire", day=datetime.date(2022, 4, 1)).match.slug == "hampshire_iow_frs"
    assert resolver.resolve("Dorset Fire", day=datetime.date(2014, 4, 1)).match.slug == "dorset_frs"
    assert resolver.resolve("Dorset Fire", day=datetime.date(2020, 4, 1)).match.slug == "dorset_wiltshire_frs"


def test_colliding_short_alias_without_context_is_ambiguous_not_guessed(resolver):
    result = resolver.resolve("HFRS")
    assert result.match is None and result.status == "ambiguous"
    assert {c.organisation.slug for c in result.alternatives} >= {"hertfordshire_frs", "humberside_frs"}
    assert "could be several organisations" in result.message


def test_colliding_short_alias_is_settled_by_the_reporting_organisations_area(resolver, org):
    assert resolver.resolve("SFRS", context=[org("surrey_police")]).match.slug == "surrey_frs"
    assert resolver.resolve("SFRS", context=[org("suffolk_constabulary")]).match.slug == "suffolk_frs"
    assert resolver.resolve("HFRS", context=[org("humberside_police")]).match.slug == "humberside_frs"


def test_context_that_fits_none_of_the_candidates_stays_ambiguous(resolver, org):
    assert resolver.resolve("HFRS", context=[org("kent_police")]).status == "ambiguous"


def test_place_alone_is_ambiguous_between_its_services(resolver):
    result = resolver.resolve("Surrey")
    assert result.status == "ambiguous"
    assert {c.organisation.slug for c in result.alternatives} == {"surrey_police", "surrey_frs", "pcc_surrey"}


def test_unknown_name_gets_did_you_mean(resolver):
    result = resolver.resolve("Srey Polce")
    assert result.match is None
    assert "Did you mean" in result.message and "Surrey Police" in result.message


def test_small_misspellings_of_place_and_kind_still_match(resolver):
    assert resolver.resolve("Surey Polise").match.slug == "surrey_police"
    assert resolver.resolve("Surrey Fire and Rescue Servce").match.slug == "surrey_frs"


def test_unrelated_name_is_not_found_without_suggestions(resolver):
    result = resolver.resolve("Epsom and Ewell Borough Council")
    assert result.match is None and result.status == "not_found" and result.alternatives == []


def test_json_shape_follows_the_contract(register):
    data = resolve("Hants Fire", day=datetime.date(2019, 1, 1)).as_json()
    assert data["query"] == "Hants Fire"
    assert set(data["match"]) == {"id", "name", "code", "type"}
    assert data["match"]["id"] == "hampshire_frs" and data["match"]["code"] == "E31000017"
    assert 0 <= data["score"] <= 100
    assert isinstance(data["alternatives"], list)


def test_a_name_with_a_place_word_the_candidate_lacks_is_not_matched(resolver, org):
    result = resolver.resolve("Surrey Search and Rescue", context=[org("surrey_police")])
    assert result.match is None
    assert result.alternatives[0].organisation.slug == "surrey_frs"


def test_a_name_may_leave_out_words_of_the_full_name(resolver):
    assert resolver.resolve("Manchester Police").match.slug == "greater_manchester_police"
    assert resolver.resolve("Essex Fire and Rescue").match.slug == "essex_frs"
