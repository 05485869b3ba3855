"""Insights: research priorities, the research register, opportunities, the duty to collaborate, the network."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "bluelight.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # The overview report gets its research priorities section from here: editions never imports insights.
        from bluelight.editions.report.extras import report_section_register
        from bluelight.insights.priorities_page import report_section

        report_section_register("priorities", report_section)
