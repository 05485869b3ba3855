"""Sections other apps add to the overview report, without editions importing them.

Dependencies point one way (explorer/api -> insights/editions -> collaborations): the report may not import
insights, yet the working group wants insights' research priorities in it. So an app registers a provider in
its AppConfig.ready(); `overview_build` asks every provider for a section once the figures are ready. A
section's tables join the report's own, so they reach the page, the PDF and the spreadsheet annex alike.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bluelight.core.charts import svg_titled

if TYPE_CHECKING:  # figures imports this module
    from bluelight.editions.report.figures import Overview, Table


@dataclass
class ReportSection:
    key: str  # the section's anchor in the document, and a prefix of its tables' sheet names
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list["Table"] = field(default_factory=list)
    figure_svg: str = ""  # inline SVG built from escaped text, drawn as it is
    figure_alt: str = ""  # the figure in words

    def __post_init__(self):
        # The words also as the SVG's <title>: the tagged PDF's /Alt for the figure, as for the report's charts.
        self.figure_svg = svg_titled(self.figure_svg, self.figure_alt)


Provider = Callable[["Overview"], ReportSection | None]
_providers: dict[str, Provider] = {}


def report_section_register(name: str, provider: Provider) -> None:
    """Add (or replace: ready() may run twice in tests) the provider called `name`."""
    _providers[name] = provider


def report_sections(overview: "Overview") -> list[ReportSection]:
    """Every registered provider's section for `overview`, in the order they were registered."""
    return [section for provider in _providers.values() if (section := provider(overview)) is not None]
