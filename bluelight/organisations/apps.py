"""The organisation register: every body that can be a partner in a collaboration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "bluelight.organisations"
    verbose_name = _("Organisation register")
