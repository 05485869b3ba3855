"""Deterministic demo world: one seeded generator feeds `bluelight demo`, benchmarks and tests."""
from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bluelight.demo"
    verbose_name = "Demo data"
