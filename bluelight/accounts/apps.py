"""Users, roles and the one access policy."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bluelight.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from bluelight.accounts.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="bluelight.accounts.session_start")
