"""An edition is self-contained: what happens to the register, the taxonomy or the records after it was
published never changes its report or its comparison with another edition."""

import datetime

import pytest
from openpyxl import load_workbook

from bluelight.collaborations.models import Collaboration, Theme
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.report.figures import overview_build
from bluelight.editions.report.render import xlsx_write
from bluelight.editions.selectors import edition_compare
from bluelight.editions.services import edition_publish
from bluelight.organisations.models import Organisation, OrganisationType, PoliceForceArea

BASELINE_DAY = datetime.date(2014, 9, 1)
LATER_DAY = datetime.date(2017, 9, 1)


def workbook_values(path) -> dict[str, list[tuple]]:
    """Every cell of every sheet, except the day the report was produced (the one thing that should differ)."""
    book = load_workbook(path, read_only=True)
    values = {}
    for sheet in book.worksheets:
        rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        if sheet.title == "About":
            rows = [row for row in rows if row[:1] != ("Produced on",)]
        values[sheet.title] = rows
    return values


def annex(edition, compare_with, path):
    xlsx_write(overview_build(edition=edition, compare_with=compare_with), path)
    return workbook_values(path)


@pytest.fixture
def editions(register, theme):
    make_collaboration(
        "surrey_police", "surrey_frs", title="Joint station at Epsom", benefits=[saving("1000", price_year=2014)]
    )
    make_collaboration("dorset_police", "dorset_frs", title="Shared workshop at Dorchester", status="planned")
    absorbed = make_collaboration("kent_police", "kent_frs", title="Missing person searches")
    make_collaboration(
        "sussex_police", "east_sussex_frs", title="Co-responding in Sussex", theme=theme("fr_coresponding")
    )
    baseline = edition_publish(name="2014 overview", as_of=BASELINE_DAY, baseline=True)
    survivor = make_collaboration("kent_police", "kent_frs", "pcc_kent", title="Searches for missing people, Kent")
    Collaboration.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    later = edition_publish(name="2017 overview", as_of=LATER_DAY)
    return baseline, later


def change_everything_an_edition_reads(org) -> None:
    """After publication: rename organisations, areas and themes; merge two services; add an organisation;
    merge two records."""
    Organisation.objects.filter(slug="surrey_police").update(name="Surrey Constabulary")
    Organisation.objects.filter(slug="dorset_wiltshire_frs").update(name="Dorset & Wiltshire Fire")
    merged = Organisation.objects.create(
        slug="sussex_fire_and_rescue",
        name="Sussex Fire and Rescue Service",
        type=OrganisationType.FIRE_AND_RESCUE,
        region="South East",
        valid_from=2010,
    )
    Organisation.objects.filter(slug__in=["east_sussex_frs", "west_sussex_frs"]).update(valid_to=2010, successor=merged)
    Organisation.objects.create(
        slug="new_ambulance_trust",
        name="New Ambulance Service NHS Trust",
        type=OrganisationType.AMBULANCE_TRUST,
        region="South East",
    )
    PoliceForceArea.objects.filter(code=PoliceForceArea.objects.order_by("code").first().code).update(name="Renamed")
    Theme.objects.filter(parent__isnull=True).update(name="Renamed theme")
    epsom = Collaboration.objects.get(title="Joint station at Epsom")
    dorset = Collaboration.objects.get(title="Shared workshop at Dorchester")
    Collaboration.objects.filter(pk=dorset.pk).update(merged_into=epsom)


def test_the_report_of_an_old_edition_is_the_same_cell_by_cell_after_the_register_changes(editions, org, tmp_path):
    baseline, later = editions
    before = {
        "baseline": annex(baseline, None, tmp_path / "baseline-before.xlsx"),
        "later": annex(later, baseline, tmp_path / "later-before.xlsx"),
    }
    assert "Surrey Police" in str(before["baseline"]["organisations"])
    engagement = {row[0]: row for row in before["baseline"]["engagement"][1:] if row}
    assert engagement["Fire and rescue service"][2] > 0  # the register's count on the edition's date

    change_everything_an_edition_reads(org)

    after = {
        "baseline": annex(baseline, None, tmp_path / "baseline-after.xlsx"),
        "later": annex(later, baseline, tmp_path / "later-after.xlsx"),
    }
    for name in before:
        assert after[name].keys() == before[name].keys()
        for sheet, rows in before[name].items():
            assert after[name][sheet] == rows, f"{name}: sheet {sheet} changed"


def test_a_comparison_reads_the_later_editions_knowledge_not_todays(editions, org):
    baseline, later = editions
    before = edition_compare(edition=later, baseline=baseline).as_json()
    change_everything_an_edition_reads(org)
    after = edition_compare(edition=later, baseline=baseline).as_json()
    assert after == before
    # The record merged before the later edition was published is one record, continuing.
    assert before["new"] == 0 and before["continuing"] == 4
    assert before["edition_total"] == later.collaborations == 4


def test_an_edition_without_a_frozen_context_says_its_names_are_read_today(editions):
    baseline, _later = editions
    type(baseline).objects.filter(pk=baseline.pk).update(context={})
    baseline.refresh_from_db()
    overview = overview_build(edition=baseline)
    assert overview.context["live"] is True
    assert overview.collaborations == 4
