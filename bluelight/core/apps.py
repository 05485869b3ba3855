"""Project-wide pieces: set-up and serve commands, health check."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bluelight.core"
    verbose_name = "Core"

    def ready(self) -> None:
        # govuk-frontend-django builds a Jinja2 environment per component render (60-90 ms a record
        # page); share one instead. See core/govuk_components.py.
        from bluelight.core import govuk_components

        govuk_components.patch()
