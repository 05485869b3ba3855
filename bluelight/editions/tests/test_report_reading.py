"""The overview reads well: words where the records keep codes, tables in the taxonomy's order or by value, dates
written out, sums of money rounded alike and said so, each header set over its column as its cells are, and the
web page inside the service's layout. Orders and labels are worked out here from the models, not the report."""

import datetime
import html
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bluelight.collaborations.models import Basis, Scope, Status, Theme
from bluelight.collaborations.services import collaboration_data_from, collaboration_update
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.report import render
from bluelight.editions.report.render import ANNEX_COLUMNS, PAGE_FILE, report_produce
from bluelight.editions.services import edition_publish
from bluelight.editions.tests.test_report_figures import deflator_index
from bluelight.organisations.models import REGIONS
from bluelight.returns import services as returns_services

COMBINATION_CODES = {"police-fire", "police-ambulance", "fire-ambulance", "all three", "wider public sector only"}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def editions(register, theme, org):
    """A baseline (with a collection round) and a later edition whose themes' codes sort unlike the taxonomy."""
    round_ = returns_services.round_open(
        name="Summer 2014 call for examples",
        opens_on=datetime.date(2014, 6, 1),
        closes_on=datetime.date(2014, 8, 31),
        types=["ambulance_trust", "fire_and_rescue"],
        notify=False,
    )
    epsom = make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Joint station at Epsom",
        theme=theme("es_joint_facilities"),
        status="planned",
        benefits=[saving("1499.60", basis="realised", price_year=2012), saving("250000", basis="realised")],
    )
    make_collaboration("kent_frs", "south_east_coast_as", title="Co-responding in Kent", theme=theme("fr_coresponding"))
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True, round_=round_)
    data = collaboration_data_from(epsom)
    data.partners.append(type(data.partners[0])(org("pcc_surrey")))
    collaboration_update(collaboration=epsom, data=data)
    make_collaboration(
        "sussex_police",
        "east_sussex_frs",
        "south_east_coast_as",
        title="Tri-service hub at Newhaven",
        theme=theme("es_tri_service_hub"),
        status="operational",
        benefits=[saving("4321", basis="independently_evaluated", price_year=2015)],
    )
    make_collaboration(
        "dorset_police",
        "dorset_frs",
        title="PCSOs on call in Dorset",
        theme=theme("dm_pcso_oncall"),
        scope="regional",
        start_date=datetime.date(2015, 5, 1),
        start_precision="month",
        end_date=datetime.date(2019, 12, 31),
        end_precision="year",
    )
    make_collaboration("south_wales_police", "welsh_as", title="Joint response car in Cardiff", theme=theme("control"))
    make_collaboration(
        "essex_police", "essex_frs", title="Alliance in Essex", theme=theme("alliances"), status="in_development"
    )
    make_collaboration("surrey_frs", "south_east_coast_as", title="Standby posts in Surrey", theme=theme("es_daps"))
    make_collaboration("cumbria_constabulary", "cumbria_frs", title="Shared headquarters at Penrith")
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    return baseline, later


@pytest.fixture
def produced(editions, tmp_path):
    """The later edition's report, compared with the baseline: its page, its annex and its figures."""
    baseline, later = editions
    targets = {"html": tmp_path / "overview.html", "xlsx": tmp_path / "overview.xlsx"}
    overview = report_produce(edition=later, compare_with=baseline, targets=targets)
    return overview, targets["html"].read_text(encoding="utf-8"), load_workbook(targets["xlsx"])


class _Tables(HTMLParser):
    """Every <table> of a page: its caption, its header cells and its body rows, each cell as (classes, text)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._part = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"id": attrs.get("id"), "caption": "", "head": [], "rows": []})
        elif tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr" and self._part == "tbody":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = [set((attrs.get("class") or "").split()), "", attrs.get("colspan")]
        elif tag == "caption":
            self._cell = "caption"

    def handle_data(self, data):
        if self._cell == "caption":
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self._cell = None
        elif tag in ("th", "td") and self._cell is not None:
            classes, text, colspan = self._cell
            cell = (classes, text.strip())
            if colspan is None:
                target = self.tables[-1]["head"] if self._part == "thead" else self.tables[-1]["rows"][-1]
                target.append(cell)
            self._cell = None


def tables_of(page: str) -> list[dict]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def words(page: str) -> str:
    """What a reader reads: the text of the body, without tags, styles or the SVGs' own labels."""
    body = page[page.index("<body") :] if "<body" in page else page
    body = re.sub(r"<svg.*?</svg>|<style.*?</style>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def codes() -> set[str]:
    return (
        COMBINATION_CODES
        | set(Status.values)
        | set(Scope.values)
        | set(Basis.values)
        | set(Theme.objects.values_list("code", flat=True))
    )


def first_column(table) -> list:
    return [row[0] for row in table.rows]


# Words, not codes -------------------------------------------------------------------------------------------------


def test_readers_meet_labels_not_codes_in_the_page_and_in_the_annex(produced):
    overview, page, book = produced
    known = codes()
    for table in tables_of(page):
        for row in table["rows"]:
            for _classes, text in row:
                assert text not in known, (table["id"], text)
                assert not any(f"{code} +" in text or f"+ {code}" in text for code in COMBINATION_CODES), text
    combinations = first_column(overview.tables["combinations"])
    assert "Police + Fire and rescue" in combinations and "Fire and rescue + Ambulance" in combinations
    assert "Police + Fire and rescue + Ambulance" in first_column(overview.tables["growth_combination"])
    annex_table = next(t for t in tables_of(page) if t["id"] == "table-collaborations")
    services = {row[0][1]: row[2][1] for row in annex_table["rows"]}
    assert services["Tri-service hub at Newhaven"] == "Police + Fire and rescue + Ambulance"
    assert services["PCSOs on call in Dorset"] == "Police + Fire and rescue"

    # Every table sheet: no cell is a bare code.
    for key in overview.tables:
        for row in book[key].iter_rows(values_only=True):
            assert not set(row) & known, (key, row)
    # The list of collaborations: each coded value in words, its code in the next column for machines.
    rows = list(book["collaborations"].iter_rows(values_only=True))
    assert list(rows[0]) == ANNEX_COLUMNS
    records = {row[ANNEX_COLUMNS.index("title")]: dict(zip(ANNEX_COLUMNS, row, strict=True)) for row in rows[1:]}
    dorset = records["PCSOs on call in Dorset"]
    assert (
        dorset["sub_theme"] == Theme.objects.get(code="dm_pcso_oncall").name == "PCSOs employed as on-call firefighters"
    )
    assert dorset["sub_theme_code"] == "dm_pcso_oncall"
    assert (dorset["theme"], dorset["theme_code"]) == (Theme.objects.get(code="demand").name, "demand")
    assert (dorset["scope"], dorset["scope_code"]) == (str(Scope.REGIONAL.label), "regional")
    assert (dorset["services_working_together"], dorset["services_working_together_code"]) == (
        "Police + Fire and rescue",
        "police-fire",
    )
    alliance = records["Alliance in Essex"]
    assert (alliance["status"], alliance["status_code"]) == (str(Status.IN_DEVELOPMENT.label), "in_development")
    for record in records.values():
        for column in ("status", "theme", "sub_theme", "services_working_together", "scope"):
            assert record[column] not in known, (column, record[column])


# Order ------------------------------------------------------------------------------------------------------------


def test_tables_follow_the_taxonomy_or_their_values_never_the_codes(produced):
    overview, _page, _book = produced
    taxonomy = list(Theme.objects.filter(parent__isnull=True).order_by("position", "name").values_list("code", "name"))
    growth = overview.comparison.by_theme
    expected = [name for code, name in taxonomy if code in growth]
    assert first_column(overview.tables["growth_theme"]) == expected
    by_code = [name for code, name in sorted(taxonomy) if code in growth]
    assert expected != by_code  # the codes sort otherwise: this test can tell the two orders apart
    assert first_column(overview.tables["themes"]) == [name for _code, name in taxonomy]

    # Growth by services: the pairs first (police and fire, police and ambulance, fire and ambulance), then all
    # three; the combinations of this edition by how many, a tie in that same order.
    assert first_column(overview.tables["growth_combination"]) == [
        "Police + Fire and rescue",
        "Police + Ambulance",
        "Fire and rescue + Ambulance",
        "Police + Fire and rescue + Ambulance",
    ]
    assert [row[:2] for row in overview.tables["combinations"].rows] == [
        ["Police + Fire and rescue", 4],
        ["Fire and rescue + Ambulance", 2],
        ["Police + Ambulance", 1],
        ["Police + Fire and rescue + Ambulance", 1],
    ]

    regions = first_column(overview.tables["regions"])
    assert regions == [r for r in REGIONS if r in regions] and regions != sorted(regions)
    assert first_column(overview.tables["growth_region"]) == [r for r in REGIONS if r in overview.comparison.by_region]
    assert first_column(overview.tables["countries"]) == ["England", "Wales"]
    assert first_column(overview.tables["growth_country"]) == ["England", "Wales"]
    areas = [row[1] for row in overview.tables["areas"].rows]
    assert areas == sorted(areas) and len(areas) == 43
    bases = [str(label) for _code, label in Basis.choices]
    savings = first_column(overview.tables["growth_savings"])
    assert savings == [b for b in bases if b in savings] and len(savings) == 2  # realised, then evaluated


# Dates ------------------------------------------------------------------------------------------------------------


def test_the_annex_keeps_real_date_cells_written_as_precisely_as_they_are_known(produced):
    _overview, _page, book = produced
    sheet = book["collaborations"]
    columns = {cell.value: cell.column - 1 for cell in sheet[1]}
    row = next(r for r in sheet.iter_rows(min_row=2) if r[columns["title"]].value == "PCSOs on call in Dorset")
    start, end = row[columns["start"]], row[columns["end"]]
    assert (start.value, start.number_format) == (datetime.datetime(2015, 5, 1), "mmmm yyyy")  # May 2015
    assert (end.value, end.number_format) == (datetime.datetime(2019, 12, 31), "yyyy")  # 2019, its last day
    undated = next(r for r in sheet.iter_rows(min_row=2) if r[columns["title"]].value == "Alliance in Essex")
    assert undated[columns["start"]].value is None


def test_dates_are_written_out_and_the_methodology_reads_in_sentences(editions, tmp_path):
    baseline, _later = editions
    targets = {"html": tmp_path / "overview.html", "xlsx": tmp_path / "overview.xlsx"}
    report_produce(edition=baseline, compare_with=None, targets=targets)
    text = words(targets["html"].read_text(encoding="utf-8"))

    assert not ISO_DATE.search(text), ISO_DATE.search(text)
    assert (
        "in the collection round Summer 2014 call for examples, open from 1 June 2014 to 31 August 2014. "
        "Organisations asked: ambulance trusts, fire and rescue services. " in text
    )
    assert "Answered means submitted by 31 August 2014, when the round closed" in text
    assert "as it stood on 1 September 2014" in text
    about = {row[0]: row[1] for row in load_workbook(targets["xlsx"])["About"].iter_rows(values_only=True) if row}
    assert about["As of"] == datetime.datetime(2014, 9, 1)  # a real date cell, not text
    sheet = load_workbook(targets["xlsx"])["About"]
    assert next(c for c in sheet["B"] if c.value == datetime.datetime(2014, 9, 1)).number_format == "d mmmm yyyy"


# Money ------------------------------------------------------------------------------------------------------------


def test_sums_of_money_are_rounded_alike_to_the_nearest_thousand_and_say_so(produced):
    overview, page, _book = produced
    index = deflator_index()
    target = overview.price_year
    realised_cash = Decimal("1499.60") + Decimal("250000")  # the Epsom savings, at 2012-13 and 2016-17 prices
    realised = {
        tuple(row[:2]): row[2:] for row in overview.tables["savings"].rows if row[1] == str(Basis.REALISED.label)
    }
    ((count, cash, real, unconverted),) = realised.values()
    assert (count, cash, unconverted) == (1, 251000, 0)  # 251,499.60 to the nearest thousand
    assert real == thousands(Decimal("1499.60") * index[target] / index[2012] + 250000) == 252000
    for key in ("savings", "growth_savings", "themes"):
        table = overview.tables[key]
        money = [i for i, column in enumerate(table.columns) if "£" in column]
        assert money, key
        assert all(row[i] % 1000 == 0 for row in table.rows for i in money), key
        assert key == "themes" or "rounded to the nearest £1,000" in table.note, key
    assert overview.realised_annual == 251000 and round(realised_cash, -3) == 251000
    headlines = words(re.search(r'<section id="headlines".*?</section>', page, re.S).group(0))
    assert "£251,000 a year in realised recurring savings" in headlines
    assert "£4,000 a year in recurring savings confirmed by an independent evaluation" in headlines  # £4,321
    assert "every sum of money is rounded to the nearest £1,000" in headlines


# Alignment --------------------------------------------------------------------------------------------------------


def thousands(value) -> int:
    return int((Decimal(value) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 1000


FIGURE = re.compile(r"^(–|-?£?\d[\d,]*(\.\d+)?)$")


def test_each_header_is_set_as_its_columns_cells_are(produced):
    _overview, page, _book = produced
    checked = {}
    for table in tables_of(page):
        rows = [row for row in table["rows"] if len(row) == len(table["head"])]
        if not rows:
            continue
        for i, (classes, title) in enumerate(table["head"]):
            cells = [row[i] for row in rows]
            # Independently of the report: a column of figures (or dashes for 'not known') is set right.
            figures = all(FIGURE.match(text) for _c, text in cells) and any(text != "–" for _c, text in cells)
            assert all(("ov-num" in c) == figures for c, _text in cells), (table["id"], title)
            assert ("ov-num" in classes) == figures, (table["id"], title)
            checked[(table["id"], title)] = figures
    # The headers the issue found misplaced, now over their words.
    assert checked[("table-deflators", "Outturn or forecast")] is False
    assert checked[("table-deflators", "Index")] is True
    assert checked[("table-new_partners", "New partners")] is False
    assert checked[("table-collaborations", "Partners")] is False
    assert checked[("table-status", "Share (%)")] is True
    assert checked[("table-priorities_reasons", "Why, the largest part of the score first")] is False
    assert checked[("table-engagement", "In the register on the edition's date")] is True


# The page in the service --------------------------------------------------------------------------------------------


@pytest.fixture
def quick_pdf(monkeypatch):
    monkeypatch.setattr(render, "pdf_write", lambda html, target: target.write_bytes(b"%PDF-1.7\n%%EOF\n"))


def test_the_web_report_sits_in_the_service_layout_with_one_main_and_a_way_back(
    client, cast, editions, quick_pdf, django_capture_on_commit_callbacks
):
    baseline, later = editions
    client.force_login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("editions:report_request", args=[later.slug]), {"compare_with": baseline.pk})
    run = later.reports.get()
    client.logout()

    response = client.get(reverse("editions:report_file", args=[later.slug, "html"]))
    assert response.status_code == 200
    page = response.content.decode()
    edition_url = reverse("editions:detail", args=[later.slug])
    assert page.count("<main") == 1 and page.count("<h1") == 1 and re.search(r'<html lang="en[^"]*"', page)
    assert "govuk-template__header" in page and "govuk-breadcrumbs" in page  # the service's header and crumbs
    breadcrumbs = re.search(r'<nav class="govuk-breadcrumbs.*?</nav>', page, re.S).group(0)
    assert f'href="{edition_url}"' in breadcrumbs
    assert re.search(rf'<a class="govuk-link" href="{edition_url}">Back to the edition 2016 overview</a>', page)
    assert reverse("editions:report_file", args=[later.slug, "pdf"]) in page
    assert f'<link rel="stylesheet" href="{reverse("editions:report_css")}">' in page
    assert "<style" not in page and "'unsafe-inline'" not in response["Content-Security-Policy"]
    main = page[page.index("<main") : page.index("</main>")]
    assert 'class="ov-report"' in main and "Growth since 2014 overview" in main
    # On the web, the collaborations link to their pages in the explorer.
    hub = later.entries.get(data__title="Tri-service hub at Newhaven").collaboration_id
    assert reverse("explorer:collaboration_detail", args=[hub]) in main

    css = client.get(reverse("editions:report_css"))
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert ".ov-num" in css.content.decode() and "max-age" in css["Cache-Control"]

    # An analyst's view of a run's own page is laid out the same, its downloads that run's files.
    client.force_login(cast.analyst)
    own = client.get(reverse("editions:run_file", args=[run.pk, "html"])).content.decode()
    assert own.count("<main") == 1 and reverse("editions:run_file", args=[run.pk, "pdf"]) in own

    # A report produced before runs wrote the page's body is shown from its standalone document.
    (run.directory / PAGE_FILE).unlink()
    older = client.get(reverse("editions:report_file", args=[later.slug, "html"])).content.decode()
    assert older.count("<main") == 1 and older.count("<h1") == 1 and "Growth since 2014 overview" in older

    # A standalone file cut short or edited by hand (no <body>) is shown as it is, never a server error.
    run.path("html").write_text("<h2>Headlines</h2><p>Cut short", encoding="utf-8")
    cut = client.get(reverse("editions:report_file", args=[later.slug, "html"]))
    assert cut.status_code == 200 and "Cut short" in cut.content.decode()


def test_the_standalone_document_has_its_language_and_a_main_landmark(editions, tmp_path):
    _baseline, later = editions
    report_produce(edition=later, compare_with=None, targets={"html": tmp_path / "x.html"})
    document = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="en[^"]*">', document)
    assert document.count("<main>") == 1 and document.count("</main>") == 1
    assert document.index("<main>") < document.index('<div class="ov-report" lang="en">') < document.index("</main>")
