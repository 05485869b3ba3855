"""Insights: research priorities, the research register, opportunities, the duty to collaborate, the network."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "bluelight.insights"
    verbose_name = _("Insights")
