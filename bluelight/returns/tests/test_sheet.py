"""Reading a return file: header, one rule per column, cross-column rules, every error at once."""

import datetime
from decimal import Decimal

import pytest

from bluelight.returns.cells import CellError, money_parse
from bluelight.returns.sheet import COLUMNS, REQUIRED_COLUMNS, column_letter
from bluelight.returns.tests.conftest import csv_bytes, good_row, xlsx_bytes


def errors_of(parsed):
    return [(e.row, e.column) for e in parsed.errors]


def only_item(parsed):
    assert parsed.errors == []
    assert len(parsed.items) == 1
    return parsed.items[0]


# Header ---------------------------------------------------------------------------------------


def test_a_valid_row_reads_into_clean_values(parse, org, theme):
    item = only_item(parse(xlsx_bytes([good_row()])))
    assert item.row_number == 2
    assert item.reference == "A1" and item.title == "Joint station at Epsom"
    assert [o.slug for o, _typed in item.partners] == ["surrey_police", "surrey_frs"]
    assert item.lead_organisation == org("surrey_police")
    assert item.theme == theme("es_shared_hq")
    assert item.status == "operational" and item.scope == "local"
    assert item.start_date == datetime.date(2016, 1, 1) and item.start_precision == "year"


def test_header_names_tolerate_surrounding_space_and_case(parse):
    header = [f"  {c.upper()} " for c in REQUIRED_COLUMNS]
    row = {h: good_row()[c] for h, c in zip(header, REQUIRED_COLUMNS, strict=True)}
    only_item(parse(xlsx_bytes([row], header=header)))


def test_a_missing_required_column_is_named(parse):
    header = [c for c in REQUIRED_COLUMNS if c != "status"]
    parsed = parse(xlsx_bytes([good_row()], header=header))
    assert (1, "status") in errors_of(parsed)
    assert "missing" in parsed.errors[0].message


def test_optional_columns_may_be_left_out(parse):
    item = only_item(parse(xlsx_bytes([good_row()], header=list(REQUIRED_COLUMNS))))
    assert item.outcomes == "" and item.external_funding_gbp is None


def test_an_unknown_column_is_reported_not_dropped(parse):
    header = [*COLUMNS, "colour"]
    parsed = parse(xlsx_bytes([good_row(colour="blue")], header=header))
    assert not parsed.ok
    [error] = parsed.errors
    assert error.row == 1 and error.column == "colour"
    after = column_letter(len(COLUMNS) + 1)  # the first column after the template's
    assert "not a template column" in error.message and f"column {after} " in error.message


def test_a_misspelt_column_gets_a_suggestion(parse):
    header = [("start date" if c == "start_date" else c) for c in COLUMNS]
    parsed = parse(xlsx_bytes([good_row()], header=header))
    messages = {e.column: e.message for e in parsed.errors}
    assert "rename it start_date" in messages["start date"]
    assert "missing" in messages["start_date"]


def test_a_suggestion_never_names_a_column_the_file_already_has(parse):
    # A header typed by hand: "Status" is the status column, so "Start" must mean start_date, not status.
    header = [("Start" if c == "start_date" else "Status" if c == "status" else c) for c in COLUMNS]
    parsed = parse(xlsx_bytes([good_row()], header=header))
    messages = {e.column: e.message for e in parsed.errors}
    assert "rename it start_date" in messages["Start"]
    assert "status" not in {e.column for e in parsed.errors}


def test_a_repeated_column_is_reported(parse):
    parsed = parse(xlsx_bytes([good_row()], header=[*COLUMNS, "title"]))
    assert (1, "title") in errors_of(parsed)
    assert "repeats" in parsed.errors[0].message


def test_values_under_a_column_without_heading_are_reported(parse):
    header = [*COLUMNS, ""]
    parsed = parse(xlsx_bytes([good_row(**{"": "stray"})], header=header))
    assert [e.column for e in parsed.errors] == [f"column {column_letter(len(COLUMNS) + 1)}"]


def test_blank_rows_are_skipped_and_row_numbers_stay_as_the_user_sees_them(parse):
    parsed = parse(xlsx_bytes([good_row(), {}, {}, good_row(reference="A2", title="")]))
    assert errors_of(parsed) == [(5, "title")]


# Every error at once, nothing kept from bad rows ---------------------------------------------


def test_every_error_in_the_file_is_reported_at_once_with_row_and_column(parse):
    rows = [
        good_row(title=""),
        good_row(reference="A2", status="live", annual_savings_gbp="twelve thousand"),
        good_row(reference="A3", start_date="2018", end_date="2016", contact_email="not-an-email"),
    ]
    parsed = parse(xlsx_bytes(rows))
    assert errors_of(parsed) == [
        (2, "title"),
        (3, "status"),
        (3, "annual_savings_gbp"),
        (4, "end_date"),
        (4, "contact_email"),
    ]
    assert parsed.items == []
    assert str(parsed.errors[1]).startswith("row 3, column status: status must be one of")
    assert str(parsed.errors[1]).endswith("(value: live)")


def test_reference_is_required(parse):
    assert errors_of(parse(xlsx_bytes([good_row(reference="")]))) == [(2, "reference")]


def test_a_duplicate_reference_names_the_other_row(parse):
    parsed = parse(xlsx_bytes([good_row(), good_row(title="Another")]))
    [error] = parsed.errors
    assert (error.row, error.column) == (3, "reference")
    assert "duplicate reference A1, also on row 2" in error.message


def test_title_is_required(parse):
    assert errors_of(parse(xlsx_bytes([good_row(title="  ")]))) == [(2, "title")]


# Partners and lead ----------------------------------------------------------------------------


def test_partners_are_resolved_from_names_aliases_and_codes(parse):
    item = only_item(parse(xlsx_bytes([good_row(partners="Surrey FRS; SECAmb; E31000022")])))
    typed = {o.slug: t for o, t in item.partners}
    assert typed["surrey_frs"] == "Surrey FRS" and typed["kent_frs"] == "E31000022"
    assert len(item.partners) == 4


def test_the_reporting_organisation_is_implied(parse):
    item = only_item(parse(xlsx_bytes([good_row(partners="Surrey FRS")])))
    assert item.partners[0][0].slug == "surrey_police" and item.partners[0][1] == ""


def test_a_collaboration_needs_two_partners_after_the_implied_one(parse):
    parsed = parse(xlsx_bytes([good_row(partners="Surrey Police")]))
    assert errors_of(parsed) == [(2, "partners")]
    assert "at least two organisations" in parsed.errors[0].message


def test_an_unknown_partner_gets_did_you_mean(parse):
    parsed = parse(xlsx_bytes([good_row(partners="Surrey Fire and Rescue Servce; Glouster Police")]))
    assert errors_of(parsed) == [(2, "partners")]
    assert parsed.errors[0].value == "Glouster Police"
    assert "Did you mean" in parsed.errors[0].message and "Gloucestershire Constabulary" in parsed.errors[0].message


def test_each_bad_partner_is_its_own_error(parse):
    parsed = parse(xlsx_bytes([good_row(partners="Nowhere Fire Brigade X; Atlantis Police")]))
    assert [e.value for e in parsed.errors] == ["Nowhere Fire Brigade X", "Atlantis Police"]


def test_an_ambiguous_partner_lists_the_candidates(parse):
    parsed = parse(xlsx_bytes([good_row(partners="HFRS")]))
    [error] = parsed.errors
    assert "could be several organisations" in error.message
    assert "Hertfordshire Fire and Rescue Service" in error.message


def test_an_ambiguous_partner_is_settled_by_the_other_partners(parse, org):
    # HFRS beside Hertfordshire Constabulary is Hertfordshire's fire service.
    item = only_item(parse(xlsx_bytes([good_row(partners="Hertfordshire Constabulary; HFRS")])))
    assert {o.slug for o, _t in item.partners} >= {"hertfordshire_constabulary", "hertfordshire_frs"}


def test_the_lead_defaults_to_the_reporting_organisation(parse, org):
    item = only_item(parse(xlsx_bytes([good_row(lead_organisation="")])))
    assert item.lead_organisation == org("surrey_police")


def test_the_lead_may_be_written_as_typed_in_partners(parse, org):
    item = only_item(parse(xlsx_bytes([good_row(partners="Surrey FRS", lead_organisation="surrey frs")])))
    assert item.lead_organisation == org("surrey_frs")


def test_a_lead_missing_from_the_partners_is_added_to_them_with_a_notice(parse, org):
    item = only_item(parse(xlsx_bytes([good_row(lead_organisation="Kent Police")])))
    assert item.lead_organisation == org("kent_police")
    assert (org("kent_police"), "Kent Police") in item.partners
    [notice] = item.notices
    assert (notice.row, notice.column) == (2, "partners") and "was not in partners" in notice.message


def test_a_lead_that_cannot_be_resolved_is_refused_naming_the_fix(parse):
    parsed = parse(xlsx_bytes([good_row(lead_organisation="North West Fire Control Limited")]))
    assert errors_of(parsed) == [(2, "lead_organisation")]
    assert "not in the register" in parsed.errors[0].message
    assert "must be one of the partners" in parsed.errors[0].message


# Theme, status, dates, scope -----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["es_shared_hq", "ES_SHARED_HQ", "Shared headquarters", "shared HEADQUARTERS"])
def test_theme_is_a_code_or_a_name_in_any_case(parse, theme, typed):
    assert only_item(parse(xlsx_bytes([good_row(theme=typed)]))).theme == theme("es_shared_hq")


def test_theme_is_optional(parse):
    assert only_item(parse(xlsx_bytes([good_row(theme="")]))).theme is None


def test_an_unknown_theme_is_an_error(parse):
    parsed = parse(xlsx_bytes([good_row(theme="underwater basket weaving")]))
    assert errors_of(parsed) == [(2, "theme")]


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("planned", "planned"),
        ("In development", "in_development"),
        ("IN_DEVELOPMENT", "in_development"),
        ("Completed", "completed"),
    ],
)
def test_status_accepts_values_and_labels_in_any_case(parse, typed, status):
    assert only_item(parse(xlsx_bytes([good_row(status=typed)]))).status == status


def test_status_is_required(parse):
    assert errors_of(parse(xlsx_bytes([good_row(status="")]))) == [(2, "status")]


def test_dates_take_a_year_or_a_month_and_an_end_runs_to_the_period_end(parse):
    item = only_item(parse(xlsx_bytes([good_row(start_date="2016-05", end_date="2019")])))
    assert item.start_date == datetime.date(2016, 5, 1) and item.start_precision == "month"
    assert item.end_date == datetime.date(2019, 12, 31) and item.end_precision == "year"


def test_a_date_excel_turned_into_a_date_cell_keeps_year_and_month(parse):
    item = only_item(parse(xlsx_bytes([good_row(start_date=datetime.datetime(2016, 5, 1))])))
    assert item.start_date == datetime.date(2016, 5, 1) and item.start_precision == "month"


def test_a_year_typed_as_a_number_reads_as_a_year(parse):
    item = only_item(parse(xlsx_bytes([good_row(start_date=2016)])))
    assert item.start_date == datetime.date(2016, 1, 1)


def test_a_date_in_another_format_is_an_error_with_the_format(parse):
    parsed = parse(xlsx_bytes([good_row(start_date="May 2016")]))
    assert errors_of(parsed) == [(2, "start_date")]
    assert "like 2016 or 2016-05" in parsed.errors[0].message


def test_the_end_may_not_be_before_the_start(parse):
    parsed = parse(xlsx_bytes([good_row(start_date="2016-05", end_date="2016-04")]))
    assert errors_of(parsed) == [(2, "end_date")]


def test_an_end_in_the_start_year_given_as_a_year_is_fine(parse):
    only_item(parse(xlsx_bytes([good_row(start_date="2016-05", end_date="2016")])))


@pytest.mark.parametrize(("typed", "scope"), [("Regional", "regional"), ("", ""), ("NATIONAL", "national")])
def test_scope_is_local_regional_national_or_blank(parse, typed, scope):
    assert only_item(parse(xlsx_bytes([good_row(scope=typed)]))).scope == scope


def test_an_unknown_scope_is_an_error(parse):
    assert errors_of(parse(xlsx_bytes([good_row(scope="county")]))) == [(2, "scope")]


# Money ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12000", "12000"),
        ("12,000", "12000"),
        ("£12,000", "12000"),
        ("£12,000.50", "12000.50"),
        ("12k", "12000"),
        ("12K", "12000"),
        ("£1.2m", "1200000"),
        ("1,200,000", "1200000"),
        (" £ 12 000 ", "12000"),
        ("GBP 500", "500"),
        ("0", "0"),
    ],
)
def test_money_reads_common_ways_of_writing_pounds(typed, amount):
    assert money_parse(typed, negative_hint="") == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "n/a", "-", "None"])
def test_money_left_blank_or_marked_not_applicable_is_no_figure(typed):
    assert money_parse(typed, negative_hint="") is None


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("twelve thousand", "as figures"),
        ("10-20k", "give one figure"),
        ("£10k to £20k", "give one figure"),
        ("12,00", "commas only between thousands"),
        ("=SUM(A1:A3)", "not a formula"),
        ("£12,000 a year", "as figures"),
        ("2000000000000", "too large"),
    ],
)
def test_money_that_is_not_one_figure_is_refused_with_the_fix(typed, fragment):
    with pytest.raises(CellError) as caught:
        money_parse(typed, negative_hint="")
    assert fragment in caught.value.problems[0][1]


def test_a_negative_saving_says_where_a_cost_goes(parse):
    parsed = parse(xlsx_bytes([good_row(annual_savings_gbp="-5000", savings_basis="estimated")]))
    assert errors_of(parsed) == [(2, "annual_savings_gbp")]
    assert "a cost goes in one_off_cost_gbp, not as a negative saving" in parsed.errors[0].message


def test_a_negative_number_cell_is_refused_too(parse):
    parsed = parse(xlsx_bytes([good_row(one_off_savings_gbp=-5000, savings_basis="estimated")]))
    assert errors_of(parsed) == [(2, "one_off_savings_gbp")]


def test_a_money_number_cell_reads_as_its_value(parse):
    item = only_item(parse(xlsx_bytes([good_row(annual_savings_gbp=12000.5, savings_basis="realised")])))
    assert item.annual_savings_gbp == Decimal("12000.50")
    assert item.raw["annual_savings_gbp"] == "12000.5"


def test_a_formula_in_a_money_column_is_an_error(parse):
    parsed = parse(xlsx_bytes([good_row(one_off_cost_gbp="=1000*12")]))
    assert errors_of(parsed) == [(2, "one_off_cost_gbp")]
    assert "type the number, not a formula" in parsed.errors[0].message


def test_savings_need_a_basis(parse):
    parsed = parse(xlsx_bytes([good_row(annual_savings_gbp="12k")]))
    assert errors_of(parsed) == [(2, "savings_basis")]


def test_a_cost_alone_needs_no_savings_basis(parse):
    only_item(parse(xlsx_bytes([good_row(one_off_cost_gbp="50k")])))


@pytest.mark.parametrize(
    ("typed", "basis"),
    [("estimated", "estimated"), ("Realised", "realised"), ("independently evaluated", "independently_evaluated")],
)
def test_savings_basis_accepts_its_three_values(parse, typed, basis):
    item = only_item(parse(xlsx_bytes([good_row(annual_savings_gbp="1k", savings_basis=typed)])))
    assert item.savings_basis == basis


def test_an_unknown_savings_basis_is_an_error(parse):
    parsed = parse(xlsx_bytes([good_row(annual_savings_gbp="1k", savings_basis="guess")]))
    assert errors_of(parsed) == [(2, "savings_basis")]


def test_price_year_defaults_to_the_rounds_year_when_money_is_given(parse, summer):
    item = only_item(parse(xlsx_bytes([good_row(annual_savings_gbp="1k", savings_basis="estimated")])))
    assert item.price_year == summer.opens_on.year == 2026
    assert item.raw["price_year"] == ""


def test_price_year_stays_blank_without_money(parse):
    assert only_item(parse(xlsx_bytes([good_row()]))).price_year is None


@pytest.mark.parametrize(("typed", "year"), [("2016", 2016), (2016, 2016), ("2016/17", 2016)])
def test_price_year_takes_a_year_or_a_financial_year(parse, typed, year):
    assert only_item(parse(xlsx_bytes([good_row(price_year=typed)]))).price_year == year


@pytest.mark.parametrize("typed", ["1989", "2101", "last year"])
def test_price_year_outside_1990_to_2100_is_an_error(parse, typed):
    assert errors_of(parse(xlsx_bytes([good_row(price_year=typed)]))) == [(2, "price_year")]


# Links, email, lengths, text kept as typed ----------------------------------------------------


def test_evidence_url_must_be_a_web_link(parse):
    assert errors_of(parse(xlsx_bytes([good_row(evidence_url="ftp://example.org/x")]))) == [(2, "evidence_url")]
    assert errors_of(parse(xlsx_bytes([good_row(evidence_url="javascript:alert(1)")]))) == [(2, "evidence_url")]
    item = only_item(parse(xlsx_bytes([good_row(evidence_url="https://example.org/report.pdf")])))
    assert item.evidence_url == "https://example.org/report.pdf"


def test_contact_email_must_be_valid_when_given(parse):
    assert errors_of(parse(xlsx_bytes([good_row(contact_email="pat at example")]))) == [(2, "contact_email")]
    assert only_item(parse(xlsx_bytes([good_row(contact_email="")]))).contact_email == ""


@pytest.mark.parametrize(
    ("column", "limit"),
    [("title", 250), ("description", 10_000), ("benefits", 10_000), ("reference", 60), ("contact_name", 150)],
)
def test_text_longer_than_its_field_is_an_error_naming_row_and_column(parse, column, limit):
    parsed = parse(xlsx_bytes([good_row(**{column: "x" * (limit + 1)})]))
    assert errors_of(parsed) == [(2, column)]
    assert f"{limit:,}" in parsed.errors[0].message


def test_a_formula_in_a_text_cell_is_kept_as_its_text(parse):
    item = only_item(parse(xlsx_bytes([good_row(description='=HYPERLINK("http://evil","x")')])))
    assert item.description == '=HYPERLINK("http://evil","x")'
    assert item.raw["description"] == '=HYPERLINK("http://evil","x")'


def test_html_in_text_is_stored_as_typed(parse):
    item = only_item(parse(xlsx_bytes([good_row(title="<script>alert('x')</script>")])))
    assert item.title == "<script>alert('x')</script>"


def test_raw_keeps_the_original_text_of_every_column(parse):
    item = only_item(parse(xlsx_bytes([good_row(one_off_cost_gbp="£12k", partners="Surrey FRS")])))
    assert item.raw["one_off_cost_gbp"] == "£12k" and item.one_off_cost_gbp == Decimal("12000")
    assert item.raw["partners"] == "Surrey FRS"
    assert set(item.raw) == set(COLUMNS)


# CSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False])
def test_a_utf8_csv_reads_with_or_without_bom(parse, bom):
    content = csv_bytes(
        [good_row(title="Café de la Fire Station", annual_savings_gbp="£12,000", savings_basis="estimated")], bom=bom
    )
    item = only_item(parse(content, "return.csv"))
    assert item.title == "Café de la Fire Station"
    assert item.annual_savings_gbp == Decimal("12000")
    assert item.raw["reference"] == "A1"


def test_csv_rows_are_numbered_by_record_even_with_line_breaks_in_cells(parse):
    content = csv_bytes([good_row(description="line one\nline two"), good_row(reference="A2", title="")])
    parsed = parse(content, "return.csv")
    assert errors_of(parsed) == [(3, "title")]


def test_a_csv_saved_with_semicolons_between_columns_reads_too(parse):
    content = csv_bytes([good_row(partners="Surrey FRS; SECAmb")], delimiter=";")
    item = only_item(parse(content, "return.csv"))
    assert len(item.partners) == 3
