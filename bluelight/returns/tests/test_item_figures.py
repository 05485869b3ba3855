"""A return's spreadsheet columns for each money figure's basis, price year and recipient, and for secondary themes:
checked by the row class, imported, written back by the template, and round-tripped unchanged."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.forms.models import model_to_dict

from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.returns import services
from bluelight.returns.imports import return_import
from bluelight.returns.models import ReturnItem
from bluelight.returns.services import template_build
from bluelight.returns.sheet import COLUMNS, FIGURE_COLUMNS, REQUIRED_COLUMNS
from bluelight.returns.tests.conftest import csv_bytes, good_row, south_east_round, xlsx_bytes


def figures(item: ReturnItem) -> dict:
    """Each figure's amount, basis, price year and recipient as they apply (defaults filled in)."""
    return {
        name: (f.amount, f.basis, f.price_year, f.recipient.slug)
        for name in ("annual_savings", "one_off_savings", "one_off_cost", "external_funding")
        if (f := item.figure(name)).amount is not None
    }


# The row class ---------------------------------------------------------------------------------------------------


def test_a_figures_own_basis_price_year_and_recipient_override_the_rows_defaults(import_file):
    row = good_row(
        partners="SFRS; SECAmb",
        annual_savings_gbp="12000",
        one_off_cost_gbp="250k",
        external_funding_gbp="75000",
        savings_basis="estimated",
        price_year="2025",
        one_off_cost_basis="realised",
        one_off_cost_price_year="2023/24",
        external_funding_recipient="SECAmb",
    )
    result = import_file(xlsx_bytes([row]))
    assert result.ok, [str(e) for e in result.errors]
    item = ReturnItem.objects.get()
    assert figures(item) == {
        "annual_savings": (Decimal("12000"), "estimated", 2025, "surrey_police"),
        "one_off_cost": (Decimal("250000"), "realised", 2023, "surrey_police"),
        "external_funding": (Decimal("75000"), "estimated", 2025, "south_east_coast_as"),
    }


def test_a_file_without_the_new_columns_imports_as_before_with_the_defaults_for_every_figure(import_file):
    row = good_row(annual_savings_gbp="£12k", one_off_cost_gbp="5000", savings_basis="realised", price_year="2024")
    result = import_file(csv_bytes([row], header=list(REQUIRED_COLUMNS)), "return.csv")
    assert result.ok, [str(e) for e in result.errors]
    item = ReturnItem.objects.get()
    assert figures(item) == {
        "annual_savings": (Decimal("12000"), "realised", 2024, "surrey_police"),
        "one_off_cost": (Decimal("5000"), "realised", 2024, "surrey_police"),
    }
    assert all(getattr(item, column) in ("", None) for column in FIGURE_COLUMNS)


def test_a_figures_own_value_that_repeats_the_default_is_kept_once_as_the_default(import_file):
    row = good_row(
        annual_savings_gbp="1000",
        savings_basis="estimated",
        annual_savings_basis="Projected",  # the same basis, by its other name
        annual_savings_price_year=str(datetime.date(2026, 6, 1).year),  # the round's year, as a blank is
        annual_savings_recipient="Surrey Police",  # the reporting organisation itself
    )
    assert import_file(xlsx_bytes([row])).ok
    item = ReturnItem.objects.get()
    assert (item.annual_savings_basis, item.annual_savings_price_year, item.annual_savings_recipient) == (
        "",
        None,
        None,
    )
    assert figures(item)["annual_savings"] == (Decimal("1000"), "estimated", 2026, "surrey_police")


NOT_A_PARTNER = "Kent Police is not one of the partners: add it to partners, or leave external_funding_recipient blank"
NOT_A_THEME = "Joint contol rooms is not a theme code or name: pick themes from the Themes sheet"


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"external_funding_recipient": "Kent Police"}, "external_funding_recipient", NOT_A_PARTNER),
        ({"annual_savings_recipient": "Glouster Police"}, "annual_savings_recipient", "must be one of the partners"),
        ({"one_off_cost_basis": "a guess"}, "one_off_cost_basis", "must be one of estimated, realised"),
        ({"one_off_savings_price_year": "1066"}, "one_off_savings_price_year", "a year from 1990 to 2100"),
        ({"secondary_themes": "fr_efr; Joint contol rooms"}, "secondary_themes", NOT_A_THEME),
    ],
)  # fmt: skip
def test_a_bad_cell_in_a_new_column_is_named_by_row_and_column_with_its_fix(parse, cells, column, words):
    parsed = parse(xlsx_bytes([good_row(reference="A1"), good_row(reference="A2", **cells)]))
    [error] = parsed.errors
    assert (error.row, error.column) == (3, column)
    assert words in error.message, error.message
    assert [item.reference for item in parsed.items] == ["A1"]


def test_an_unknown_theme_among_the_secondary_themes_suggests_the_closest(parse):
    [error] = parse(xlsx_bytes([good_row(secondary_themes="Joint contol rooms")])).errors
    assert "Did you mean: joint control rooms" in error.message


def test_secondary_themes_are_read_by_code_or_name_and_the_main_theme_is_left_out(parse, theme):
    row = good_row(theme="es_shared_hq", secondary_themes="fr_efr;Joint control rooms\nShared headquarters; fr_efr")
    [item] = parse(xlsx_bytes([row])).items
    assert item.secondary_themes == [theme("fr_efr"), theme("control")]


def test_a_savings_figure_needs_a_basis_its_own_or_the_rows(parse):
    parsed = parse(xlsx_bytes([good_row(one_off_savings_gbp="5000", annual_savings_gbp="100")]))
    assert [(e.column, e.code) for e in parsed.errors] == [("savings_basis", "RET003"), ("savings_basis", "RET004")]
    assert parsed.errors[1].message.startswith("say how the one-off savings are known")
    row = good_row(one_off_savings_gbp="5000", one_off_savings_basis="realised")
    assert parse(xlsx_bytes([row])).ok


# The template and the round trip ---------------------------------------------------------------------------------


@pytest.fixture
def round_(cast):
    return south_east_round("Figures round")


def snapshot(return_obj) -> dict:
    """Every stored value of every item (its secondary themes too), its partners and its history, by reference."""
    return {
        item.reference: {
            **model_to_dict(item),
            "secondary_themes": sorted(t.code for t in item.secondary_themes.all()),
            "updated_at": item.updated_at,
            "partners": sorted((p.organisation_id, p.typed_as) for p in item.partners.all()),
            "history": item.history.count(),
        }
        for item in return_obj.items.all()
    }


def test_the_template_writes_each_figure_and_the_secondary_themes_and_an_unchanged_upload_changes_nothing(
    round_, org, theme
):
    police = org("surrey_police")
    rows = [
        good_row(
            reference="U1",
            partners="SFRS; SECAmb",
            annual_savings_gbp="12000",
            savings_basis="estimated",
            annual_savings_recipient="SFRS",
            one_off_cost_gbp="1.2m",
            one_off_cost_basis="realised",
            one_off_cost_price_year="2023",
            secondary_themes="fr_efr; Joint control rooms",
        ),
        good_row(reference="U2", title="Fleet workshop", external_funding_gbp="75,000", price_year="2024"),
    ]
    result = return_import(round=round_, organisation=police, content=xlsx_bytes(rows), filename="first.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    return_obj = ReturnItem.objects.get(reference="U1").return_obj
    before = snapshot(return_obj)

    content = template_build(round=round_, organisation=police)

    sheet = openpyxl.load_workbook(io.BytesIO(content))["Return"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    written = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert written["U1"]["annual_savings_recipient"] == "SFRS"  # as typed
    assert (written["U1"]["one_off_cost_basis"], written["U1"]["one_off_cost_price_year"]) == ("realised", 2023)
    assert written["U1"]["annual_savings_basis"] is None  # the default applies: left blank
    assert written["U1"]["secondary_themes"] == "fr_efr; control"
    again = return_import(round=round_, organisation=police, content=content, filename="again.xlsx")
    assert again.ok and (again.to_update, sorted(again.unchanged)) == ([], ["U1", "U2"])
    assert snapshot(return_obj) == before


def test_changing_one_figures_recipient_in_the_download_updates_only_that(round_, org):
    police = org("surrey_police")
    row = good_row(reference="U1", partners="SFRS; SECAmb", annual_savings_gbp="12000", savings_basis="estimated")
    return_import(round=round_, organisation=police, content=xlsx_bytes([row]), filename="first.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(template_build(round=round_, organisation=police)))
    sheet = book["Return"]
    sheet.cell(row=2, column=COLUMNS.index("annual_savings_recipient") + 1).value = "SECAmb"
    out = io.BytesIO()
    book.save(out)
    result = return_import(round=round_, organisation=police, content=out.getvalue(), filename="second.xlsx")
    assert result.ok and result.changes == {"U1": ["annual_savings_recipient"]}
    assert ReturnItem.objects.get().annual_savings_recipient.slug == "south_east_coast_as"


def test_a_known_collaborations_figures_and_secondary_themes_pre_fill_the_return_and_its_template(round_, org, theme):
    police, frs = org("surrey_police"), org("surrey_frs")
    record = make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Joint station",
        benefits=[
            saving("50000", basis="estimated", price_year=2024, accrues_to=police),
            saving("20000", kind="cumulative_saving", basis="estimated", price_year=2024, accrues_to=police),
            saving("250000", kind="investment_cost", basis="realised", price_year=2022, accrues_to=police),
            saving("99999", basis="realised", price_year=2020, accrues_to=frs),  # another's: not offered
        ],
    )
    record.secondary_themes.set([theme("fr_efr"), theme("control")])

    item = services.return_start(round_=round_, organisation=police).items.get()

    assert figures(item) == {
        "annual_savings": (Decimal("50000"), "estimated", 2024, "surrey_police"),
        "one_off_savings": (Decimal("20000"), "estimated", 2024, "surrey_police"),
        "one_off_cost": (Decimal("250000"), "realised", 2022, "surrey_police"),
    }
    assert sorted(t.code for t in item.secondary_themes.all()) == ["control", "fr_efr"]
    ReturnItem.objects.filter(pk=item.pk).update(progress="completed")  # confirmed: an upload has nothing to add
    before = snapshot(item.return_obj)
    content = template_build(round=round_, organisation=police)
    result = return_import(round=round_, organisation=police, content=content, filename="prefilled.xlsx")
    assert result.ok and result.to_update == [] and result.unchanged == [item.reference]
    assert snapshot(item.return_obj) == before
