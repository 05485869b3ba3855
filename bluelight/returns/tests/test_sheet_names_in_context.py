"""Partner and lead names in a return settled by the reporter, the row's other partners and its start date."""

import pytest

from bluelight.returns.rows import sheet_parse
from bluelight.returns.tests.conftest import csv_bytes, good_row


@pytest.fixture
def parse_as(org, summer):
    """Parse rows as the named register organisation's return for the summer round."""

    def run(slug: str, **row):
        content = csv_bytes([good_row(**{"lead_organisation": "", **row})])
        return sheet_parse(content=content, filename="r.csv", organisation=org(slug), day=summer.reference_date)

    return run


def slugs(parsed) -> list[str]:
    assert parsed.errors == [], [str(e) for e in parsed.errors]
    [item] = parsed.items
    return [o.slug for o, _typed in item.partners]


def test_an_ambulance_trust_settles_a_short_name_by_the_area_it_shares_with_the_other_partners(parse_as):
    # EMAS covers Nottinghamshire and Northamptonshire: Nottinghamshire Police says which NFRS.
    partners = slugs(parse_as("east_midlands_as", partners="NFRS; Nottinghamshire Police"))
    assert sorted(partners) == ["east_midlands_as", "nottinghamshire_frs", "nottinghamshire_police"]


def test_a_short_name_that_fits_two_services_in_the_reporters_area_stays_ambiguous(parse_as):
    parsed = parse_as("east_midlands_as", partners="NFRS")
    [error] = parsed.errors
    assert error.column == "partners" and "could be several organisations" in error.message
    assert "Nottinghamshire" in error.message and "Northamptonshire" in error.message
    assert "Norfolk" not in error.message  # outside the reporter's area: not offered


def test_a_commissioner_settles_a_short_name_by_its_own_area(parse_as):
    assert "leicestershire_frs" in slugs(parse_as("pcc_leicestershire", partners="LFRS; Leicestershire Police"))


def test_a_short_name_is_settled_anywhere_in_the_rows_areas_when_the_reporter_has_no_candidate(parse_as):
    # West Yorkshire FRS with Yorkshire partners: HFRS is Humberside's.
    assert "humberside_frs" in slugs(parse_as("west_yorkshire_frs", partners="YAS; NYFRS; SYFR; HFRS"))


def test_a_short_name_does_not_stand_for_a_partner_the_row_names_in_full(parse_as):
    # CFRS beside Cumbria FRS is not Cumbria again; Cambridgeshire and Cheshire remain, so it is ambiguous.
    parsed = parse_as("lancashire_frs", partners="GMFRS; CFRS; Cumbria FRS")
    [error] = parsed.errors
    assert "Cheshire" in error.message and "Cambridgeshire" in error.message and "Cumbria" not in error.message


def test_a_bare_place_means_the_body_of_the_kind_every_other_organisation_in_the_row_is(parse_as):
    assert "gwent_police" in slugs(parse_as("dyfed_powys_police", partners="South Wales Police; Gwent"))
    assert "wiltshire_frs" in slugs(parse_as("devon_somerset_frs", partners="Wilts", start_date="2012"))


def test_a_commissioner_named_only_as_pcc_is_the_one_for_the_reporters_area(parse_as):
    assert "pcc_bedfordshire" in slugs(parse_as("bedfordshire_frs", partners="Bedfordshire Police; PCC"))
    assert "pcc_northumbria" in slugs(parse_as("northumbria_police", partners="TWFRS; OPCC"))


def test_names_are_resolved_at_the_rows_start_date(parse_as):
    # Hampshire FRS before its 2021 merger; the merged service after it.
    assert "hampshire_frs" in slugs(parse_as("isle_of_wight_frs", partners="HFRS", start_date="2016"))
    assert "hampshire_iow_frs" in slugs(parse_as("surrey_frs", partners="Hants Fire", start_date="2022"))


def test_a_partner_that_is_the_reporter_itself_at_the_date_gets_a_clear_message(parse_as):
    parsed = parse_as("hampshire_iow_frs", partners="Hants Fire", start_date="2022")
    [error] = parsed.errors
    assert error.column == "partners" and "at least two organisations" in error.message
    assert "Hants Fire is Hampshire and Isle of Wight Fire and Rescue Service itself" in error.message


def test_the_lead_settles_an_ambiguous_partner_it_names(parse_as, org):
    parsed = parse_as("suffolk_frs", partners="CFRS", lead_organisation="Cambridgeshire FRS", start_date="2011")
    assert slugs(parsed) == ["suffolk_frs", "cambridgeshire_frs"]
    assert parsed.items[0].lead_organisation == org("cambridgeshire_frs")
    assert parsed.items[0].notices == []


def test_a_lead_under_the_reporters_name_before_a_merger_is_the_reporter(parse_as, org):
    parsed = parse_as(
        "hampshire_iow_frs",
        partners="IWFRS",
        lead_organisation="Hampshire Fire and Rescue Service",
        start_date="2015",
    )
    assert slugs(parsed) == ["hampshire_iow_frs", "isle_of_wight_frs"]
    assert parsed.items[0].lead_organisation == org("hampshire_iow_frs")


def test_a_short_lead_is_found_among_the_partners_before_they_are_used_as_context(parse_as, org):
    parsed = parse_as("north_west_as", partners="Lancs Fire; Lancashire Police", lead_organisation="LFRS")
    assert parsed.items[0].lead_organisation == org("lancashire_frs")
    assert parsed.items[0].notices == []


def test_an_alias_learned_for_the_reporter_settles_its_short_name(parse_as, org):
    from bluelight.organisations.services import alias_learn

    alias_learn(organisation=org("hampshire_frs"), name="HFRS", reporter=org("wiltshire_frs"))
    assert "hampshire_frs" in slugs(parse_as("wiltshire_frs", partners="HFRS", start_date="2013"))
    assert parse_as("kent_police", partners="HFRS").errors  # still ambiguous for everyone else


def test_an_import_reports_the_lead_it_added_as_a_notice(import_file):
    result = import_file(csv_bytes([good_row(lead_organisation="Kent Police")]), filename="r.csv")
    assert result.ok and result.created == 1
    assert "was not in partners" in result.summary()
    assert result.as_json()["notices"][0]["column"] == "partners"
