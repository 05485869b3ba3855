"""The REST API at /api/: published data for everyone, writes through the services for those the policy allows."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "bluelight.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from bluelight.api import schema  # noqa: F401  (registers the schema extension)
