"""Charts: Vega-Lite specs built with Altair, rendered to SVG on the server (same in page and PDF).

Every chart is shown with a text alternative and the table behind it, so the SVG is never the
only way to read the figures.
"""

import re
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import altair as alt

FONT = "Arial"
INK = "#0b0c0c"  # GOV.UK text colour
WHITE = "#ffffff"


def chart_svg(chart: "alt.TopLevelMixin", *, title: str = "") -> str:
    """Render an Altair chart to an SVG string (no browser, no network), carrying `title` as its text
    alternative (see `svg_titled`)."""
    import vl_convert as vlc  # imported here: the report's sections use this module's helpers at start-up

    spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_dict()
    svg = vlc.vegalite_to_svg(vl_spec=spec)
    return svg_titled(svg, title) if title else svg


def svg_titled(svg: str, text: str) -> str:
    """`svg` with `text` as its first child <title>: WeasyPrint's tagged PDF takes an inline SVG's
    <title> as the /Alt of its /Figure (PDF/UA), and browsers read it too. Without one the figure is
    silent to a screen reader in the PDF."""
    if not text:
        return svg
    opening = re.search(r"<svg\b[^>]*>", svg)
    if opening is None:
        return svg
    head, tail = svg[: opening.end()], svg[opening.end() :]
    tail = re.sub(r"^\s*<title>.*?</title>", "", tail, count=1, flags=re.S)  # one title, ours
    return f"{head}<title>{escape(text, quote=False)}</title>{tail}"


def _luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(fill: str) -> str:
    """The text colour, near-black or white, that reads best on `fill`."""
    return INK if contrast_ratio(INK, fill) >= contrast_ratio(WHITE, fill) else WHITE
