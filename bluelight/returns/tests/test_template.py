"""The returns template: pre-filled rows, drop-downs, guidance, lookups, and the round trip back in."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from bluelight.collaborations import rules
from bluelight.collaborations.models import Publication
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.returns.models import ReturnItem
from bluelight.returns.services import template_build
from bluelight.returns.sheet import COLUMNS
from bluelight.returns.template import GUIDANCE


@pytest.fixture
def known(org, theme):
    """Surrey Police's collaborations: one published with money, one draft; and one it is not in."""
    police = org("surrey_police")
    published = make_collaboration(
        "surrey_frs",
        "surrey_police",
        title="Joint fire and police station",
        description="One station for both services.",
        status="operational",
        scope="regional",
        theme=theme("es_shared_hq"),
        start_date=datetime.date(2016, 5, 1),
        start_precision="month",
        end_date=datetime.date(2030, 12, 31),
        end_precision="year",
        lessons="Agreeing the lease took a year.",
        benefits=[
            saving("50000", basis="realised", price_year=2024, accrues_to=police),
            saving("20000", kind="cumulative_saving", basis="realised", price_year=2024, accrues_to=police),
            saving("250000", kind="investment_cost", basis="realised", price_year=2024, accrues_to=police),
            saving("75000", kind="external_funding", basis="realised", price_year=2024, accrues_to=police),
            saving("99999", basis="estimated", price_year=2024, accrues_to=org("surrey_frs")),
        ],
        outcomes=[rules.OutcomeData("Response times down two minutes")],
        contacts=[rules.ContactData("Pat Example", "pat@example.org", police)],
    )
    draft = make_collaboration(
        "surrey_police",
        "south_east_coast_as",
        title="Planned joint response car",
        publication=Publication.DRAFT,
        status="planned",
    )
    make_collaboration("kent_police", "kent_frs", title="Not Surrey's")
    return published, draft


@pytest.fixture
def template(known, summer, surrey_police):
    return template_build(round=summer, organisation=surrey_police)


def rows_of(sheet):
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_the_template_has_the_return_sheet_and_its_lookups(template):
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert book.sheetnames == ["Return", "Guidance", "Themes", "Organisations"]
    sheet = book["Return"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40


def test_the_template_is_prefilled_with_the_organisations_known_collaborations(template, known):
    published, draft = known
    rows = {r["reference"]: r for r in rows_of(openpyxl.load_workbook(io.BytesIO(template))["Return"])}
    assert set(rows) == {f"C{published.pk}", f"C{draft.pk}"}
    row = rows[f"C{published.pk}"]
    assert row["title"] == "Joint fire and police station"
    assert row["partners"] == "Surrey Fire and Rescue Service; Surrey Police"
    assert row["lead_organisation"] == "Surrey Fire and Rescue Service"
    assert (row["theme"], row["status"], row["scope"]) == ("es_shared_hq", "operational", "regional")
    assert (row["start_date"], row["end_date"]) == ("2016-05", "2030")
    # Only benefits accruing to Surrey Police: the 99,999 saving is Surrey FRS's.
    assert row["annual_savings_gbp"] == 50000 and row["one_off_savings_gbp"] == 20000
    assert row["one_off_cost_gbp"] == 250000 and row["external_funding_gbp"] == 75000
    assert (row["savings_basis"], row["price_year"]) == ("realised", 2024)
    assert (row["contact_name"], row["contact_email"]) == ("Pat Example", "pat@example.org")
    assert row["outcomes"] == "Response times down two minutes"
    assert rows[f"C{draft.pk}"]["status"] == "planned"


def test_the_template_has_drop_downs_for_status_scope_basis_and_theme(template):
    sheet = openpyxl.load_workbook(io.BytesIO(template))["Return"]
    lists = {str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation}
    letter = {c: openpyxl.utils.get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}
    assert lists[letter["status"]] == '"planned,in_development,operational,completed,discontinued"'
    assert lists[letter["scope"]] == '"local,regional,national"'
    assert lists[letter["savings_basis"]] == '"estimated,realised,independently_evaluated"'
    assert lists[letter["theme"]].startswith("Themes!$A$2:$A$")


def test_the_guidance_explains_every_column_and_the_rules_people_trip_on(template):
    assert {g[0] for g in GUIDANCE} == set(COLUMNS)
    sheet = openpyxl.load_workbook(io.BytesIO(template))["Guidance"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for column in COLUMNS:
        assert column in text
    assert "£12,000.50" in text and "12k" in text
    assert "Planned collaborations count" in text
    assert "never a saving" in text
    assert "2016-05" in text and "semicolons" in text


def test_the_organisations_sheet_lists_the_register(template):
    sheet = openpyxl.load_workbook(io.BytesIO(template))["Organisations"]
    rows = {r["name"]: r for r in rows_of(sheet)}
    assert [c.value for c in sheet[1]] == ["name", "type", "region", "code", "aliases"]
    assert rows["Surrey Police"]["code"] == "E23000031"
    assert "SECAmb" in rows["South East Coast Ambulance Service NHS Foundation Trust"]["aliases"]
    assert rows["Surrey Police"]["type"] == "Police force"


def test_the_themes_sheet_lists_the_theme_codes(template, theme):
    rows = rows_of(openpyxl.load_workbook(io.BytesIO(template))["Themes"])
    assert {"code": "es_shared_hq", "name": "Shared headquarters"}.items() <= next(
        r for r in rows if r["code"] == "es_shared_hq"
    ).items()


def test_the_template_comes_back_in_as_the_same_data(template, known, import_file, org, theme):
    published, draft = known
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Return"]
    sheet.append(
        {
            COLUMNS.index(column) + 1: value
            for column, value in {
                "reference": "NEW-1",
                "title": "Shared drone unit",
                "partners": "Surrey FRS; Sussex Police",
                "lead_organisation": "Sussex Police",
                "theme": "Shared headquarters",
                "status": "In development",
                "start_date": "2026-09",
                "one_off_cost_gbp": "£120k",
                "annual_savings_gbp": "£12,000",
                "savings_basis": "estimated",
                "price_year": 2026,
                "contact_email": "drones@example.org",
            }.items()
        }
    )
    filled = io.BytesIO()
    book.save(filled)

    result = import_file(filled.getvalue(), "surrey-return.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert sorted(result.to_create) == sorted([f"C{published.pk}", f"C{draft.pk}", "NEW-1"])

    item = ReturnItem.objects.get(reference=f"C{published.pk}")
    assert item.known_collaboration == published
    assert item.title == published.title and item.description == published.description
    assert {p.organisation for p in item.partners.all()} == {p.organisation for p in published.partners.all()}
    assert item.lead_organisation == published.lead
    assert item.theme == published.primary_theme
    assert (item.status, item.scope) == (published.status, published.scope)
    assert (item.start_date, item.start_precision) == (published.start_date, published.start_precision)
    assert (item.end_date, item.end_precision) == (published.end_date, published.end_precision)
    assert item.annual_savings_gbp == Decimal("50000") and item.one_off_savings_gbp == Decimal("20000")
    assert item.one_off_cost_gbp == Decimal("250000") and item.external_funding_gbp == Decimal("75000")
    assert (item.savings_basis, item.price_year) == ("realised", 2024)
    assert item.lessons == published.lessons and item.outcomes == "Response times down two minutes"
    assert (item.contact_name, item.contact_email) == ("Pat Example", "pat@example.org")

    new = ReturnItem.objects.get(reference="NEW-1")
    assert new.known_collaboration is None
    assert new.lead_organisation == org("sussex_police") and new.theme == theme("es_shared_hq")
    assert new.status == "in_development" and new.start_date == datetime.date(2026, 9, 1)
    assert new.one_off_cost_gbp == Decimal("120000") and new.annual_savings_gbp == Decimal("12000")
    assert {p.organisation.slug for p in new.partners.all()} == {"surrey_police", "surrey_frs", "sussex_police"}

    again = import_file(filled.getvalue(), "surrey-return.xlsx")
    assert len(again.unchanged) == 3 and again.updated == 0
