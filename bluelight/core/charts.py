"""Charts: Vega-Lite specs built with Altair, rendered to SVG on the server (same in page and PDF).

Every chart is shown with a text alternative and the table behind it, so the SVG is never the
only way to read the figures.
"""

import altair as alt
import vl_convert as vlc

FONT = "Arial"


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """Render an Altair chart to an SVG string (no browser, no network)."""
    spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_dict()
    return vlc.vegalite_to_svg(vl_spec=spec)
