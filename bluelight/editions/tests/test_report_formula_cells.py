"""The public spreadsheet annex never holds a live formula: hostile titles and names are written as text."""

import datetime

import pytest
from openpyxl import load_workbook

from bluelight.collaborations import rules
from bluelight.collaborations.models import Theme
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.core.tests.test_spreadsheets import HOSTILE
from bluelight.editions.report.render import ANNEX_COLUMNS, report_produce
from bluelight.editions.services import edition_publish


def written(text: str) -> str:
    """Our apostrophe, then the text (an .xlsx is XML, which reads a carriage return back as a line feed)."""
    return "'" + text.replace("\r", "\n")


@pytest.fixture
def editions(register):
    """A baseline and an edition named like formulas, holding a record per hostile payload, one of them
    under a theme whose name is a formula."""
    make_collaboration("kent_police", "kent_frs", title="Missing person searches")
    baseline = edition_publish(name="+1+1", as_of=datetime.date(2014, 9, 1), baseline=True)
    theme = Theme.objects.create(code="hostile", name='=HYPERLINK("http://evil","theme")')
    for n, text in enumerate(HOSTILE):
        make_collaboration(
            "surrey_police",
            "surrey_frs",
            title=text,
            description=text,
            theme=theme if n == 0 else None,
            benefits=[rules.BenefitData("annual_saving", 1000, "realised", 2015, description=text)],
            contacts=[rules.ContactData(text, "pat@example.org")],
        )
    later = edition_publish(name='=HYPERLINK("http://evil","edition")', as_of=datetime.date(2016, 9, 1))
    return baseline, later


def test_the_annex_of_a_published_edition_writes_hostile_text_as_text_and_numbers_as_numbers(editions, tmp_path):
    baseline, later = editions
    target = tmp_path / "overview.xlsx"
    report_produce(edition=later, compare_with=baseline, targets={"xlsx": target})
    book = load_workbook(target)

    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"] == []
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]

    annex = [[c.value for c in row] for row in book["collaborations"].iter_rows()]
    title, saving = ANNEX_COLUMNS.index("title"), ANNEX_COLUMNS.index("annual_saving_realised_gbp")
    hostile = [row for row in annex[1:] if row[title] != "Missing person searches"]
    assert sorted(row[title] for row in hostile) == sorted(written(t) for t in HOSTILE)
    assert {row[saving] for row in hostile} == {1000}  # numbers stay numbers

    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row and row[0]}
    assert about["Edition"] == written(later.name) and about["Compared with"] == "'+1+1"
    assert about["Collaborations"] == 7
    themes = [row[0] for row in book["themes"].iter_rows(values_only=True)]
    assert written(Theme.objects.get(code="hostile").name) in themes
    growth = [c.value for c in book["growth_organisation"][1]]
    assert growth[1:3] == ["'+1+1", written(later.name)]  # editions' names in the header row
