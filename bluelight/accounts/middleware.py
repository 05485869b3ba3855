"""Signed-in sessions end after SESSION_IDLE_TIMEOUT without a request and SESSION_ABSOLUTE_TIMEOUT in all."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SIGNED_IN_AT = "bluelight_signed_in_at"
LAST_SEEN_AT = "bluelight_last_seen_at"
# The last request's time is written at most this often: a signed-in page view then costs no
# session write (one write a minute, not one a request), at the price of idling up to a minute longer.
LAST_SEEN_RESOLUTION = 60


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def session_start(sender, request, user, **kwargs) -> None:
    """On every sign-in (site or admin), start both clocks afresh.

    Connected to `user_logged_in` in apps.py: Django's `login()` keeps the session's data when the
    same user signs in again, so without this an old start time would outlive the new sign-in.
    """
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class SessionLifetimeMiddleware:
    """Sign out a session idle too long, or signed in too long ago, with a message saying why.

    The user then meets the page as anyone would: public pages show, others ask to sign in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        now = int(time.time())
        session = request.session
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen_at = session.get(LAST_SEEN_AT, now)
        if now - last_seen_at > settings.SESSION_IDLE_TIMEOUT:
            reason = _("You were signed out because you had not used the service for %(duration)s.") % {
                "duration": _duration(settings.SESSION_IDLE_TIMEOUT)
            }
        elif now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = _("You were signed out because you signed in more than %(duration)s ago.") % {
                "duration": _duration(settings.SESSION_ABSOLUTE_TIMEOUT)
            }
        else:
            if now - session.get(LAST_SEEN_AT, 0) >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
            return
        logout(request)
        messages.info(request, reason + " " + _("Sign in again to carry on."))
