"""Public pages: home, collaborations, organisations."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExplorerConfig(AppConfig):
    name = "bluelight.explorer"
    verbose_name = _("Explorer")
