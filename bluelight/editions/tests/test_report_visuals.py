"""The overview's figures read without good eyesight or colour vision: text on every map tile at 4.5:1 or more,
chart marks at 3:1 against the page, the two editions apart without colour, a key to the map's abbreviations,
the map's legend in the PDF and alternative text on every figure of the tagged PDF.

Contrast is computed here with WCAG 2.2's formula, apart from the code that chooses the colours, on the colours
the SVG actually draws.
"""

import csv
import datetime
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.core.charts import chart_svg
from bluelight.editions.report.charts import tile_map
from bluelight.editions.report.figures import Table
from bluelight.editions.report.render import pdf_write, report_produce
from bluelight.editions.services import edition_publish

SVG = "{http://www.w3.org/2000/svg}"
AREAS = Path(__file__).resolve().parents[2] / "organisations" / "data" / "police_force_areas.csv"
NAMED = {"white": (255, 255, 255), "black": (0, 0, 0)}


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.strip().lower()
    if colour in NAMED:
        return NAMED[colour]
    if match := re.fullmatch(r"rgb\((\d+),\s*(\d+),\s*(\d+)\)", colour):
        return tuple(int(c) for c in match.groups())
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))


def _ratio(first: str, second: str) -> float:
    """WCAG 2.2 contrast ratio, from the definitions of relative luminance and contrast ratio."""

    def luminance(colour):
        linear = []
        for channel in _rgb(colour):
            c = channel / 255
            linear.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    a, b = luminance(first), luminance(second)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _marks(svg: ET.Element, kind: str, role: str = "role-mark") -> list[ET.Element]:
    """Every drawn item of the groups whose class names the mark kind (rect, text, symbol) and role."""
    found = []
    for group in svg.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if kind in classes and role in classes:
            found.extend(child for child in group if child.tag in (f"{SVG}path", f"{SVG}text"))
    return found


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - SVG this code base just drew, not input from anyone


def _background(svg: ET.Element) -> str:
    rect = svg.find(f"{SVG}rect")
    return rect.get("fill")


def _tiles_and_labels(svg_text: str) -> list[tuple[str, str, str]]:
    """(label, its colour, the fill of the tile it sits on) for every text drawn on the tile map."""
    svg = _parse(svg_text)
    tiles = []
    for path in _marks(svg, "mark-rect"):
        x, y, w, h = (float(v) for v in re.match(r"M([-\d.]+),([-\d.]+)h([-\d.]+)v([-\d.]+)", path.get("d")).groups())
        tiles.append((x, y, w, h, path.get("fill")))
    labels = []
    for text in _marks(svg, "mark-text"):
        tx, ty = (float(v) for v in re.search(r"translate\(([-\d.]+),([-\d.]+)\)", text.get("transform")).groups())
        under = [fill for x, y, w, h, fill in tiles if x <= tx <= x + w and y <= ty <= y + h]
        assert len(under) == 1, f"{text.text} is not on exactly one tile"
        labels.append((text.text, text.get("fill"), under[0]))
    return labels


def _areas(counts) -> Table:
    with AREAS.open(encoding="utf-8") as f:
        rows = [[r["code"], r["name"], r["country"], next(counts)] for r in csv.DictReader(f)]
    return Table("areas", "Collaborations by police force area", ["Code", "Area", "Country", "Collaborations"], rows)


@pytest.mark.parametrize("largest", [1, 2, 3, 7, 37, 1234])
def test_every_label_on_the_tile_map_reads_at_4_5_to_1_on_its_tile(largest):
    # Counts from none to `largest` spread over the 43 areas, so every shade of the scale is drawn.
    table = _areas(iter([round(i * largest / 42) for i in range(43)]))
    labels = _tiles_and_labels(chart_svg(tile_map(table)))

    assert len(labels) == 2 * 43  # an abbreviation and a count on every tile
    assert len({fill for _text, _ink, fill in labels}) == min(largest, 4) + 1  # 'none' and up to four bands
    for text, ink, fill in labels:
        assert _ratio(ink, fill) >= 4.5, f"{text} in {ink} on {fill}: {_ratio(ink, fill):.2f}:1"


@pytest.fixture
def report(register, theme, tmp_path):
    """A baseline and a later edition (Surrey's area in five collaborations, Kent's in two) and its report's
    HTML: (overview, the HTML)."""
    make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    make_collaboration("kent_police", "kent_frs", title="Missing person searches", theme=theme("dm_missing_people"))
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    for n in range(4):
        make_collaboration("surrey_police", "surrey_frs", title=f"Shared estate {n}", theme=theme("es_shared_hq"))
    make_collaboration("kent_police", "kent_frs", title="Kent joint control room")
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    target = tmp_path / "overview.html"
    overview = report_produce(edition=later, compare_with=baseline, targets={"html": target})
    return overview, target.read_text(encoding="utf-8")


def _figure_svgs(page: str) -> dict[str, ET.Element]:
    figures = re.findall(r'<figure class="ov-figure" id="chart-([\w-]+)">(.*?)</figure>', page, re.S)
    return {key: _parse(re.search(r"<svg\b.*</svg>", body, re.S).group(0)) for key, body in figures}


def test_chart_marks_stand_out_at_3_to_1_and_the_editions_differ_without_colour(report):
    overview, page = report
    svgs = _figure_svgs(page)
    assert {"themes", "combinations", "engagement", "growth_theme", "growth_combination"} <= set(svgs)
    for key in set(overview.charts) - {"map"}:  # the map's tiles carry their counts in words, tested above
        svg = svgs[key]
        background = _background(svg)
        assert _ratio(background, "#ffffff") == 1  # the page's white
        bars = _marks(svg, "mark-rect")
        assert bars, key
        for mark in bars + _marks(svg, "mark-symbol", "role-legend-symbol"):
            fill, stroke = mark.get("fill"), mark.get("stroke")
            # A hollow bar is seen by its outline, a solid one by its fill.
            seen = stroke if _ratio(fill, background) == 1 else fill
            assert seen and _ratio(seen, background) >= 3, f"{key}: {fill}/{stroke} at {_ratio(seen, background):.2f}"
        values = _marks(svg, "mark-text")
        assert len(values) == len(bars), f"{key}: every bar has its value written beside it"
        for text in values:
            assert _ratio(text.get("fill"), background) >= 4.5
    for key in ("growth_theme", "growth_combination"):
        bars = _marks(svgs[key], "mark-rect")
        looks = {(_ratio(b.get("fill"), "#ffffff") == 1) for b in bars}
        assert looks == {True, False}, f"{key}: one edition hollow, the other solid"
        table = overview.tables[key]
        drawn = sorted(int(t.text) for t in _marks(svgs[key], "mark-text"))
        assert drawn == sorted([r[1] or 0 for r in table.rows] + [r[2] or 0 for r in table.rows])


def test_every_abbreviation_on_the_map_has_an_entry_in_its_key(report):
    overview, page = report
    svg = _figure_svgs(page)["map"]
    drawn = {t.text for t in _marks(svg, "mark-text") if not t.text.replace(",", "").isdigit()}
    key_list = re.search(r'<div class="ov-key" id="key-map">(.*?)</ul>', page, re.S).group(1)
    key = {
        short: html.unescape(name) for short, name in re.findall(r"<li><strong>(\w+)</strong>: ([^<]+)</li>", key_list)
    }

    assert len(drawn) == 43 and set(key) == drawn
    with AREAS.open(encoding="utf-8") as f:
        names = {r["name"] for r in csv.DictReader(f)}
    assert set(key.values()) == names
    assert key["AVS"] == "Avon and Somerset" and key["DYP"] == "Dyfed-Powys"
    surrey = next(r for r in overview.tables["areas"].rows if r[1] == "Surrey")
    assert surrey[3] == 5


def _figures(node, found: list) -> list:
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for kid in node:
            _figures(kid, found)
    elif isinstance(node, DictionaryObject):
        if node.get("/S") == "/Figure":
            found.append(node)
        if "/K" in node:
            _figures(node["/K"], found)
    return found


def test_every_figure_in_the_pdf_has_alternative_text_and_the_map_its_legend(report, tmp_path):
    overview, page = report
    pdf = tmp_path / "overview.pdf"
    pdf_write(page, pdf)  # as report_produce makes the PDF: from the same HTML
    reader = PdfReader(pdf)
    figures = _figures(reader.trailer["/Root"]["/StructTreeRoot"], [])
    alts = [str(f.get("/Alt", "")).strip() for f in figures]

    assert len(figures) >= len(overview.charts) == 6
    assert all(alts), f"{alts.count('')} of {len(figures)} figures have no /Alt"
    assert {chart.alt for chart in overview.charts.values()} <= set(alts)

    # The map's colour legend (drawn in the SVG) is text on the map's page; the key to its abbreviations follows.
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    map_page = next(text for text in pages if "NBR" in text and "KEN" in text)  # the tiles' labels
    for band in ("Collaborations", "None", "1 to 2", "3 to 4", "5 to 6"):  # Surrey's 5 is the largest: bands of 2
        assert band in map_page
    text = " ".join(pages)
    assert "Key to the abbreviations" in text and "AVS: Avon and Somerset" in text and "SUR: Surrey" in text


def _filled(page) -> float:
    """How far down the page's text area its lowest line of text reaches, 0 to 1 (the footer left out)."""
    top, bottom = 20 / 25.4 * 72, 22 / 25.4 * 72  # the report's page margins, in points
    height = float(page.mediabox.height)
    lines = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            lines.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    lowest = min((y for y in lines if y > bottom), default=height - top)
    return (height - top - lowest) / (height - top - bottom)


def test_no_page_is_left_mostly_empty_by_a_page_break(report, tmp_path):
    _overview, page = report
    pdf = tmp_path / "overview.pdf"
    pdf_write(page, pdf)
    filled = [round(_filled(p), 2) for p in PdfReader(pdf).pages]
    # The cover page and the contents end where the contents end; the last page ends where the report does.
    assert all(f >= 0.5 for f in filled[1:-1]), filled
