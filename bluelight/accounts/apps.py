"""Users, roles and the one access policy."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bluelight.accounts"
    verbose_name = _("Accounts")
