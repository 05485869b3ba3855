"""Editions: immutable, dated snapshots of the published collaborations; one is the baseline."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditionsConfig(AppConfig):
    name = "bluelight.editions"
    verbose_name = _("Editions")
