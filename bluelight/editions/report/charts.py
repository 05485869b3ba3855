"""The overview's charts: Vega-Lite specs (Altair) drawn from the report's tables, rendered to SVG once
and used unchanged in the page and the PDF. Each has a text alternative and names the table behind it."""

from dataclasses import dataclass

import altair as alt
from django.utils.translation import gettext as _

from bluelight.core.charts import chart_svg
from bluelight.editions.report.figures import Overview, Table

BLUE = "#1d70b8"
GREY = "#b1b4b6"
WIDTH = 460

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


def _bars(table: Table, label_col: int, value_col: int, title: str) -> alt.Chart:
    rows = [{"label": str(r[label_col]), "value": r[value_col] or 0} for r in table.rows]
    return (
        alt.Chart(alt.Data(values=rows), title=title, width=WIDTH)
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("value:Q", title=table.columns[value_col]),
            tooltip=["label:N", "value:Q"],
        )
    )


def _then_and_now(table: Table, title: str) -> alt.Chart:
    """Grouped bars: the baseline (grey) and the edition (blue) for each row."""
    then, now = table.columns[1], table.columns[2]
    rows = [{"label": str(r[0]), "edition": then, "value": r[1]} for r in table.rows] + [
        {"label": str(r[0]), "edition": now, "value": r[2]} for r in table.rows
    ]
    return (
        alt.Chart(alt.Data(values=rows), title=title, width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("edition:N", sort=[then, now]),
            x=alt.X("value:Q", title=_("Collaborations")),
            color=alt.Color(
                "edition:N",
                sort=[then, now],
                scale=alt.Scale(range=[GREY, BLUE]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
    )


def _tile_map(table: Table) -> alt.Chart:
    rows = []
    for code, name, _country, count in table.rows:
        if code not in TILES:
            continue
        col, row, abbreviation = TILES[code]
        rows.append({"col": col, "row": row, "name": name, "abbr": abbreviation, "count": count})
    base = alt.Chart(alt.Data(values=rows), width=8 * 46, height=9 * 46).encode(
        x=alt.X("col:O", axis=None),
        y=alt.Y("row:O", axis=None),
    )
    tiles = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "count:Q",
            title=_("Collaborations"),
            scale=alt.Scale(scheme="blues", zero=True),
            legend=alt.Legend(orient="right"),
        ),
        tooltip=["name:N", "count:Q"],
    )
    text = base.mark_text(fontSize=10, dy=-6).encode(
        text="abbr:N", color=alt.condition("datum.count > 0", alt.value("#0b0c0c"), alt.value("#505a5f"))
    )
    numbers = base.mark_text(fontSize=11, dy=7, fontWeight="bold").encode(text="count:Q")
    return alt.layer(tiles, text, numbers, title=_("Collaborations by police force area"))


def _top_and_bottom(table: Table, value_col: int) -> str:
    rows = sorted(table.rows, key=lambda r: -(r[value_col] or 0))
    if not rows:
        return _("There are no figures.")
    top = ", ".join(f"{r[0] if value_col != 3 else r[1]} ({r[value_col]})" for r in rows[:3])
    return _("Highest: %(top)s.") % {"top": top}


def overview_charts(overview: Overview) -> list[Chart]:
    """Every chart of the report, each with its text alternative and the table it draws."""
    charts = []
    t = overview.tables
    charts.append(
        Chart(
            "themes",
            t["themes"].title,
            chart_svg(_bars(t["themes"], 0, 1, t["themes"].title)),
            _("Bar chart of collaborations by theme. ") + _top_and_bottom(t["themes"], 1),
            t["themes"],
        )
    )
    combos = t["combinations"]
    charts.append(
        Chart(
            "combinations",
            combos.title,
            chart_svg(_bars(combos, 0, 1, combos.title)),
            _("Bar chart of collaborations by the services working together. ") + _top_and_bottom(combos, 1),
            combos,
        )
    )
    areas = t["areas"]
    total = sum(r[3] for r in areas.rows)
    untouched = [r[1] for r in areas.rows if not r[3]]
    charts.append(
        Chart(
            "map",
            areas.title,
            chart_svg(_tile_map(areas)),
            _(
                "Tile map of England and Wales, one square per police force area, shaded by the number of "
                "collaborations with a partner serving the area. "
            )
            + _top_and_bottom(areas, 3)
            + (" " + _("Areas with none: %(names)s.") % {"names": ", ".join(untouched)} if untouched else "")
            + (" " + _("Total area counts: %(n)s.") % {"n": total}),
            areas,
        )
    )
    engagement = t["engagement"]
    charts.append(
        Chart(
            "engagement",
            engagement.title,
            chart_svg(_bars(engagement, 0, 3, engagement.title)),
            _("Bar chart of the share of each type of organisation taking part. ")
            + " ".join(f"{r[0]}: {r[3]}%." for r in engagement.rows if r[3] is not None),
            engagement,
        )
    )
    if "growth_theme" in t:
        growth = t["growth_theme"]
        charts.append(
            Chart(
                "growth_theme",
                growth.title,
                chart_svg(_then_and_now(growth, growth.title)),
                _("Paired bar chart of collaborations by theme in %(then)s and %(now)s. ")
                % {"then": growth.columns[1], "now": growth.columns[2]}
                + " ".join(f"{r[0]}: {r[1]} to {r[2]}." for r in growth.rows),
                growth,
            )
        )
        combos = t["growth_combination"]
        charts.append(
            Chart(
                "growth_combination",
                combos.title,
                chart_svg(_then_and_now(combos, combos.title)),
                _("Paired bar chart of collaborations by service combination, then and now. ")
                + " ".join(f"{r[0]}: {r[1]} to {r[2]}." for r in combos.rows),
                combos,
            )
        )
    return charts
