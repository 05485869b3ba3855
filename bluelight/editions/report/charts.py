"""The overview's charts: Vega-Lite specs (Altair) drawn from the report's tables, rendered to SVG once
and used unchanged in the page and the PDF. Each has a text alternative (also the SVG's <title>, which
the tagged PDF carries as the figure's /Alt) and names the table behind it.

Colours are chosen for contrast (WCAG 1.4.3 and 1.4.11): marks at least 3:1 against the white
background, text on a tile at least 4.5:1; and series never differ by colour alone."""

import math
from dataclasses import dataclass, field

import altair as alt
from django.utils.translation import gettext as _

from bluelight.core.charts import INK, WHITE, chart_svg, ink_on
from bluelight.editions.report.figures import Overview, Table
from bluelight.editions.report.tables import number

BLUE = "#1d70b8"  # 5.2:1 on white
DARK_GREY = "#505a5f"  # 7.1:1 on white: the outline of the earlier edition's hollow bars
WIDTH = 460
TILE = 44  # px, each police force area's square: the map stays under half an A4 page
# The map's shades, lightest first: no collaboration, then up to four bands of counts. GOV.UK's light
# grey and blues, spaced so every shade takes near-black or white text at 4.5:1 or more (mid-blues
# near #2b79c2 take neither: they are left out).
NONE_FILL = "#f3f2f1"
BAND_FILLS = ["#d2e2f1", "#8eb8dc", "#1d70b8", "#003078"]

# A tile map of the 43 police force areas: one square each, placed roughly where the area lies
# (column west to east, row north to south), so no area is too small to see; with a short label.
TILES = {
    "E23000007": (4, 0, "NBR"),  # Northumbria
    "E23000002": (3, 1, "CUM"),  # Cumbria
    "E23000008": (4, 1, "DUR"),  # Durham
    "E23000013": (5, 1, "CLE"),  # Cleveland
    "E23000003": (3, 2, "LAN"),  # Lancashire
    "E23000009": (4, 2, "NYO"),  # North Yorkshire
    "E23000004": (2, 3, "MER"),  # Merseyside
    "E23000005": (3, 3, "GMP"),  # Greater Manchester
    "E23000010": (4, 3, "WYO"),  # West Yorkshire
    "E23000011": (5, 3, "SYO"),  # South Yorkshire
    "E23000012": (6, 3, "HUM"),  # Humberside
    "W15000001": (1, 4, "NWA"),  # North Wales
    "E23000006": (2, 4, "CHE"),  # Cheshire
    "E23000015": (3, 4, "STA"),  # Staffordshire
    "E23000018": (4, 4, "DER"),  # Derbyshire
    "E23000019": (5, 4, "NOT"),  # Nottinghamshire
    "E23000020": (6, 4, "LIN"),  # Lincolnshire
    "E23000024": (7, 4, "NFK"),  # Norfolk
    "W15000004": (1, 5, "DYP"),  # Dyfed-Powys
    "E23000016": (2, 5, "WMC"),  # West Mercia
    "E23000014": (3, 5, "WMD"),  # West Midlands
    "E23000017": (4, 5, "WAR"),  # Warwickshire
    "E23000021": (5, 5, "LEI"),  # Leicestershire
    "E23000023": (6, 5, "CAM"),  # Cambridgeshire
    "E23000025": (7, 5, "SUF"),  # Suffolk
    "W15000003": (1, 6, "SWA"),  # South Wales
    "W15000002": (2, 6, "GWE"),  # Gwent
    "E23000037": (3, 6, "GLO"),  # Gloucestershire
    "E23000022": (4, 6, "NTH"),  # Northamptonshire
    "E23000026": (5, 6, "BED"),  # Bedfordshire
    "E23000027": (6, 6, "HER"),  # Hertfordshire
    "E23000028": (7, 6, "ESS"),  # Essex
    "E23000036": (2, 7, "AVS"),  # Avon and Somerset
    "E23000038": (3, 7, "WIL"),  # Wiltshire
    "E23000029": (4, 7, "TVP"),  # Thames Valley
    "E23000001": (5, 7, "MET"),  # Metropolitan Police
    "E23000034": (6, 7, "COL"),  # City of London
    "E23000035": (1, 8, "DEV"),  # Devon and Cornwall
    "E23000039": (2, 8, "DOR"),  # Dorset
    "E23000030": (3, 8, "HAM"),  # Hampshire and Isle of Wight
    "E23000031": (4, 8, "SUR"),  # Surrey
    "E23000033": (5, 8, "SUS"),  # Sussex
    "E23000032": (6, 8, "KEN"),  # Kent
}


@dataclass
class Chart:
    key: str
    title: str
    svg: str
    alt: str
    table: Table
    legend: list[tuple[str, str]] = field(default_factory=list)  # (short label, what it stands for)


def _value_labels(base: alt.Chart) -> alt.Chart:
    """Each bar's value written at its end, so no one has to read it off the axis or tell shades apart."""
    return base.mark_text(align="left", baseline="middle", dx=3, fontSize=10, color=INK).encode(
        text=alt.Text("value:Q", format=",")
    )


def _value_axis(rows: list[dict]) -> alt.Axis:
    """Counts are ticked in whole numbers (no '2.5 collaborations'); shares as they come."""
    if all(isinstance(r["value"], int) for r in rows):
        return alt.Axis(tickMinStep=1, format=",d")
    return alt.Axis()


def _bars(table: Table, label_col: int, value_col: int, title: str) -> alt.LayerChart:
    rows = [{"label": str(r[label_col]), "value": r[value_col] or 0} for r in table.rows]
    base = alt.Chart(alt.Data(values=rows), width=WIDTH).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title=table.columns[value_col], axis=_value_axis(rows)),
    )
    bars = base.mark_bar(color=BLUE).encode(tooltip=["label:N", "value:Q"])
    return alt.layer(bars, _value_labels(base), title=title)


def _then_and_now(table: Table, title: str) -> alt.LayerChart:
    """Paired bars: the earlier edition hollow (dark grey outline), this edition solid blue, each with
    its value at its end, so the two differ in shape and words as well as colour."""
    then, now = table.columns[1], table.columns[2]
    rows = [{"label": str(r[0]), "edition": then, "value": r[1] or 0} for r in table.rows] + [
        {"label": str(r[0]), "edition": now, "value": r[2] or 0} for r in table.rows
    ]
    order = [then, now]
    legend = alt.Legend(title=None, orient="bottom", symbolType="square", symbolStrokeWidth=1.5)
    # Bars 12 px thick, a value label fitting beside each: ten themes stay well under half an A4 page.
    base = alt.Chart(alt.Data(values=rows), width=WIDTH, height=alt.Step(12, **{"for": "offset"})).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("edition:N", sort=order),
        x=alt.X("value:Q", title=_("Collaborations"), axis=_value_axis(rows)),
    )
    bars = base.mark_bar(strokeWidth=1.5).encode(
        fill=alt.Fill("edition:N", sort=order, scale=alt.Scale(domain=order, range=[WHITE, BLUE]), legend=legend),
        stroke=alt.Stroke(
            "edition:N", sort=order, scale=alt.Scale(domain=order, range=[DARK_GREY, BLUE]), legend=legend
        ),
        tooltip=["label:N", "edition:N", "value:Q"],
    )
    return alt.layer(bars, _value_labels(base), title=title)


def map_bands(largest: int) -> list[tuple[int, int, str]]:
    """The map's bands of counts, (lowest, highest, fill), up to four of equal and round width."""
    if largest <= 0:
        return []
    step = math.ceil(largest / len(BAND_FILLS))
    magnitude = 10 ** (len(str(step)) - 1)
    step = math.ceil(step / magnitude) * magnitude  # one significant figure: 1 to 9, 10, 20, ..., 400
    lows = range(1, largest + 1, step)
    # Fewer bands than shades: spread them over the scale, the highest always the darkest.
    picks = [round(i * (len(BAND_FILLS) - 1) / max(1, len(lows) - 1)) for i in range(len(lows))]
    if len(lows) == 1:
        picks = [len(BAND_FILLS) - 1]
    return [(low, low + step - 1, BAND_FILLS[pick]) for low, pick in zip(lows, picks, strict=True)]


def _band_label(low: int, high: int) -> str:
    return number(low) if low == high else _("%(low)s to %(high)s") % {"low": number(low), "high": number(high)}


def tile_map(table: Table) -> alt.LayerChart:
    """The areas table as squares shaded by band, each with its abbreviation and count in a readable ink."""
    bands = map_bands(max((r[3] for r in table.rows), default=0))
    domain, fills = [_("None")], [NONE_FILL]
    for low, high, fill in bands:
        domain.append(_band_label(low, high))
        fills.append(fill)
    rows = []
    for code, name, _country, count in table.rows:
        if code not in TILES:
            continue
        col, row, abbreviation = TILES[code]
        band = next((i + 1 for i, (low, high, _fill) in enumerate(bands) if low <= count <= high), 0)
        rows.append(
            {
                "col": col,
                "row": row,
                "name": name,
                "abbr": abbreviation,
                "count": count,
                "band": domain[band],
                "ink": ink_on(fills[band]),  # near-black on light tiles, white on dark ones
            }
        )
    cols = sorted({col for col, _row, _abbr in TILES.values()})
    lines = sorted({row for _col, row, _abbr in TILES.values()})
    base = alt.Chart(alt.Data(values=rows), width=len(cols) * TILE, height=len(lines) * TILE).encode(
        x=alt.X("col:O", axis=None, scale=alt.Scale(domain=cols, paddingInner=0, paddingOuter=0)),
        y=alt.Y("row:O", axis=None, scale=alt.Scale(domain=lines, paddingInner=0, paddingOuter=0)),
    )
    tiles = base.mark_rect(stroke=WHITE, strokeWidth=2).encode(
        color=alt.Color(
            "band:N",
            title=_("Collaborations"),
            scale=alt.Scale(domain=domain, range=fills),
            # Square swatches outlined in dark grey, so the palest shade shows on the white page.
            legend=alt.Legend(
                orient="right", symbolType="square", symbolSize=200, symbolStrokeColor=DARK_GREY, symbolStrokeWidth=1
            ),
        ),
        tooltip=["name:N", "count:Q"],
    )
    ink = alt.Color("ink:N", scale=None)
    text = base.mark_text(fontSize=10, dy=-7).encode(text="abbr:N", color=ink)
    numbers = base.mark_text(fontSize=12, dy=8, fontWeight="bold").encode(text="count:Q", color=ink)
    return alt.layer(tiles, text, numbers, title=_("Collaborations by police force area"))


def map_key(table: Table) -> list[tuple[str, str]]:
    """(abbreviation, police force area) for every square drawn, in the abbreviations' order."""
    return sorted((TILES[code][2], name) for code, name, _country, _count in table.rows if code in TILES)


def _top_and_bottom(table: Table, value_col: int) -> str:
    rows = sorted(table.rows, key=lambda r: -(r[value_col] or 0))
    if not rows:
        return _("There are no figures.")
    top = ", ".join(f"{r[0] if value_col != 3 else r[1]} ({number(r[value_col] or 0)})" for r in rows[:3])
    return _("Highest: %(top)s.") % {"top": top}


def _then_to_now(table: Table) -> str:
    return " ".join(
        _("%(label)s: %(then)s to %(now)s.") % {"label": r[0], "then": number(r[1] or 0), "now": number(r[2] or 0)}
        for r in table.rows
    )


def _chart(key: str, table: Table, spec: alt.TopLevelMixin, alt_text: str, **extra) -> Chart:
    return Chart(key, table.title, chart_svg(spec, title=alt_text), alt_text, table, **extra)


def overview_charts(overview: Overview) -> list[Chart]:
    """Every chart of the report, each with its text alternative and the table it draws."""
    charts = []
    t = overview.tables
    themes = t["themes"]
    charts.append(
        _chart(
            "themes",
            themes,
            _bars(themes, 0, 1, themes.title),
            _("Bar chart of collaborations by theme. ") + _top_and_bottom(themes, 1),
        )
    )
    combos = t["combinations"]
    charts.append(
        _chart(
            "combinations",
            combos,
            _bars(combos, 0, 1, combos.title),
            _("Bar chart of collaborations by the services working together. ") + _top_and_bottom(combos, 1),
        )
    )
    areas = t["areas"]
    total = sum(r[3] for r in areas.rows)
    untouched = [r[1] for r in areas.rows if not r[3]]
    charts.append(
        _chart(
            "map",
            areas,
            tile_map(areas),
            _(
                "Tile map of England and Wales, one square per police force area, shaded by the number of "
                "collaborations with a partner serving the area, which is also written in each square. "
            )
            + _top_and_bottom(areas, 3)
            + (" " + _("Areas with none: %(names)s.") % {"names": ", ".join(untouched)} if untouched else "")
            + (" " + _("Total area counts: %(n)s.") % {"n": number(total)}),
            legend=map_key(areas),
        )
    )
    engagement = t["engagement"]
    charts.append(
        _chart(
            "engagement",
            engagement,
            _bars(engagement, 0, 3, engagement.title),
            _("Bar chart of the share of each type of organisation taking part. ")
            + " ".join(
                _("%(type)s: %(share)s%%.") % {"type": r[0], "share": number(r[3])}
                for r in engagement.rows
                if r[3] is not None
            ),
        )
    )
    if "growth_theme" in t:
        growth = t["growth_theme"]
        charts.append(
            _chart(
                "growth_theme",
                growth,
                _then_and_now(growth, growth.title),
                _("Paired bar chart of collaborations by theme in %(then)s (hollow bars) and %(now)s (solid bars). ")
                % {"then": growth.columns[1], "now": growth.columns[2]}
                + _then_to_now(growth),
            )
        )
        combos = t["growth_combination"]
        charts.append(
            _chart(
                "growth_combination",
                combos,
                _then_and_now(combos, combos.title),
                _(
                    "Paired bar chart of collaborations by service combination in %(then)s (hollow bars) and "
                    "%(now)s (solid bars). "
                )
                % {"then": combos.columns[1], "now": combos.columns[2]}
                + _then_to_now(combos),
            )
        )
    return charts
