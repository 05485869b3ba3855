"""Collection rounds, requests to organisations, returns and their staged items."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "bluelight.returns"
    verbose_name = _("Collection rounds and returns")
