"""Sign-in form with messages that say what to do."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from bluelight.core.forms import GovukMessages


class SignInForm(GovukMessages, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Enter a correct username and password. Both are case-sensitive."),
        "inactive": _("This account is inactive. Ask an administrator to reactivate it."),
    }
    error_names = {"username": _("your username"), "password": _("your password")}
