"""Collaboration records: partners, themes, benefits, outcomes, evidence and provenance."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationsConfig(AppConfig):
    name = "bluelight.collaborations"
    verbose_name = _("Collaborations")
