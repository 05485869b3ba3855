"""The overview's three files, written by `report_produce`: the HTML page, the A4 PDF and the spreadsheet annex.

Only `test_the_pdf_is_a4_with_numbered_pages_contents_and_the_headline_figure` typesets a PDF (about a second);
the others write HTML and xlsx only.
"""

import datetime
import html
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bluelight.collaborations.models import Status
from bluelight.collaborations.services import collaboration_data_from, collaboration_update
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.report.render import ANNEX_COLUMNS, report_produce
from bluelight.editions.services import edition_publish

A4 = (595, 842)  # points, rounded


@pytest.fixture
def editions(register, theme):
    """A baseline of three records and a later edition of five, one of whose statuses changed."""
    station = make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Joint station at Epsom",
        status="planned",
        benefits=[saving("1000", price_year=2014), saving("2500", basis="realised", price_year=2015)],
    )
    make_collaboration("kent_police", "kent_frs", title="Missing person searches", theme=theme("dm_missing_people"))
    make_collaboration(
        "sussex_police",
        "east_sussex_frs",
        "south_east_coast_as",
        title="Tri-service hub at Newhaven",
        theme=theme("es_tri_service_hub"),
        benefits=[saving("4321", basis="independently_evaluated", price_year=2015)],
    )
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    data = collaboration_data_from(station)
    data.status = "operational"
    collaboration_update(collaboration=station, data=data)
    make_collaboration(
        "essex_police",
        "essex_frs",
        title="Essex joint headquarters",
        theme=theme("es_shared_hq"),
        benefits=[saving("250000", basis="realised", price_year=2016)],
    )
    make_collaboration("dorset_police", "dorset_wiltshire_frs", title="Shared workshop <Dorset & Wiltshire>")
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    return baseline, later


def _figure(page: str, key: str) -> str:
    match = re.search(rf'<figure class="ov-figure" id="chart-{key}">(.*?)</figure>', page, re.S)
    assert match, f"no figure for the chart {key}"
    return match.group(1)


def test_the_html_has_the_headlines_every_table_and_a_described_svg_per_chart(editions, tmp_path):
    baseline, later = editions
    target = tmp_path / "overview.html"
    overview = report_produce(edition=later, compare_with=baseline, targets={"html": target})
    page = target.read_text(encoding="utf-8")
    text = html.unescape(page)

    assert page.startswith("<!DOCTYPE html>") and "<script" not in page.lower()
    assert not re.search(r'(src|href)="(https?:)?//', page), "the document must not load anything from elsewhere"
    headlines = re.search(r'<section id="headlines".*?</section>', page, re.S).group(0)
    assert '<span class="ov-big">5</span> collaborations' in headlines  # 5 published records
    assert f'<span class="ov-big">{overview.organisations}</span> organisations' in headlines
    assert overview.organisations == 11
    assert "£253,000" in headlines  # realised: 2,500 + 250,000, to the nearest £1,000
    assert "£4,000" in headlines and "£1,000" in headlines  # evaluated (4,321), estimated
    assert "Growth since 2014 overview" in text
    assert "Shared workshop <Dorset & Wiltshire>" in text and "<Dorset &" not in page  # escaped

    assert overview.tables["growth_organisation"].rows  # once left out of the page: only in the spreadsheet
    for table in overview.tables.values():
        assert f'<caption class="ov-caption" id="caption-{table.key}">{html.escape(table.title)}</caption>' in page, (
            table.key
        )

    assert set(overview.charts) == {"themes", "combinations", "map", "engagement", "growth_theme", "growth_combination"}
    for key, chart in overview.charts.items():
        figure = _figure(page, key)
        assert "<svg" in figure
        label = re.search(r'role="img" aria-label="([^"]+)"', figure)
        assert label and html.unescape(label.group(1)) == chart.alt and len(chart.alt) > 40
        assert f'href="#table-{chart.table.key}"' in figure  # the table behind the chart
    # The map's text alternative says where there is most collaboration and where there is none.
    assert "Highest: Kent (2), Surrey (2)" in overview.charts["map"].alt  # the ambulance trust serves both; by name
    assert "Areas with none:" in overview.charts["map"].alt and "Cumbria" in overview.charts["map"].alt


def test_the_spreadsheet_has_a_sheet_per_table_and_one_row_per_collaboration(editions, tmp_path):
    baseline, later = editions
    target = tmp_path / "overview.xlsx"
    overview = report_produce(edition=later, compare_with=baseline, targets={"xlsx": target})
    book = load_workbook(target, read_only=True)

    assert set(overview.tables) | {"About", "collaborations"} == set(book.sheetnames)
    for key, table in overview.tables.items():
        rows = [list(r) for r in book[key].iter_rows(values_only=True)]
        assert rows[0] == table.columns
        body = rows[1 : 1 + len(table.rows)]
        # Decimals (deflator indices) come back from the spreadsheet as numbers of the same value.
        assert body == [
            [None if v == "" else float(v) if isinstance(v, Decimal) else v for v in row] for row in table.rows
        ], key
        if table.note:
            assert rows[-1][0] == table.note

    annex = [list(r) for r in book["collaborations"].iter_rows(values_only=True)]
    assert annex[0] == ANNEX_COLUMNS
    entries = {str(e.uid): e for e in later.entries.all()}
    assert len(annex) - 1 == later.collaborations == len(entries) == 5
    columns = {name: i for i, name in enumerate(ANNEX_COLUMNS)}
    for row in annex[1:]:
        entry = entries[row[columns["uid"]]]
        assert row[columns["record_id"]] == entry.collaboration_id
        assert row[columns["title"]] == entry.data["title"]
        assert row[columns["status_code"]] == entry.data["status"]
        assert row[columns["status"]] == str(Status(entry.data["status"]).label)
    essex = next(r for r in annex[1:] if r[columns["title"]] == "Essex joint headquarters")
    assert (
        essex[columns["annual_saving_realised_gbp"]] == 250000 and essex[columns["lead_organisation"]] == "Essex Police"
    )
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r and r[0]}
    assert about["Compared with"] == "2014 overview" and about["Collaborations"] == 5


def test_the_pdf_is_a4_with_numbered_pages_contents_and_the_headline_figure(editions, tmp_path):
    baseline, later = editions
    targets = {kind: tmp_path / f"overview.{kind}" for kind in ("html", "pdf", "xlsx")}
    steps = []
    overview = report_produce(
        edition=later, compare_with=baseline, targets=targets, progress=lambda p, s: steps.append((p, s))
    )
    assert all(path.stat().st_size > 1000 for path in targets.values())
    assert [p for p, _ in steps] == sorted(p for p, _ in steps) and steps[-1][0] == 100

    reader = PdfReader(targets["pdf"])
    assert len(reader.pages) > 3
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Page 2 of" in flat and f"Page {len(reader.pages)} of {len(reader.pages)}" in flat
    contents = flat[flat.index("Contents") :][:1500]
    for entry in ["Headlines", "Collaboration by theme", "Services working together", "Growth since 2014 overview"]:
        assert entry in contents
    assert re.search(r"Headlines\W+\d+", contents), "the contents give page numbers"
    assert f"{overview.collaborations} collaborations published in this edition" in flat
    assert "Emergency services collaboration: 2016 overview" in flat
    assert reader.outline, "the PDF has bookmarks"


def test_a_report_without_a_comparison_has_no_growth_section(editions, tmp_path):
    _baseline, later = editions
    target = tmp_path / "overview.html"
    overview = report_produce(edition=later, compare_with=None, targets={"html": target})
    page = target.read_text(encoding="utf-8")
    assert 'id="growth"' not in page and "Growth since" not in page
    assert set(overview.charts) == {"themes", "combinations", "map", "engagement"}


def test_an_unknown_kind_of_file_is_refused_before_anything_is_written(editions, tmp_path):
    _baseline, later = editions
    with pytest.raises(ValueError, match="docx"):
        report_produce(edition=later, compare_with=None, targets={"docx": tmp_path / "x.docx"})
    assert list(tmp_path.iterdir()) == []


def test_the_annex_gives_each_record_to_the_pound_and_the_report_its_sums_to_the_thousand(register, tmp_path):
    make_collaboration("surrey_police", "surrey_frs", benefits=[saving("1499.99", basis="realised", price_year=2014)])
    edition = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    target = tmp_path / "overview.xlsx"
    overview = report_produce(edition=edition, compare_with=None, targets={"xlsx": target})
    assert overview.realised_annual == 1000
    book = load_workbook(target, read_only=True)
    annex = list(book["collaborations"].iter_rows(values_only=True))
    assert annex[1][ANNEX_COLUMNS.index("annual_saving_realised_gbp")] == 1500  # as reported, half up
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r and r[0]}
    assert "nearest £1,000" in about["Money"] and "to the pound" in about["Money"]
