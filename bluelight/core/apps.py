"""Project-wide pieces: set-up and serve commands, health check."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bluelight.core"
    verbose_name = "Core"
