"""Consolidation: one true record per collaboration, however many partners reported it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsolidationConfig(AppConfig):
    name = "bluelight.consolidation"
    verbose_name = _("Consolidation")
