"""Project-wide views: the health check, the language switch, and the accessibility, privacy, cookies and contact
pages every service has.

Their facts (cookie names and lifetimes, how long sign-in records are kept, who to write to) come from the
settings, so they stay true to the installation."""

import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

# Change these when the accessibility statement is reviewed or the service is tested again; its known
# issues are listed in core/templates/core/includes/accessibility_known_issues.html.
ACCESSIBILITY_STATEMENT_PREPARED = datetime.date(2026, 12, 2)
ACCESSIBILITY_STATEMENT_REVIEWED = datetime.date(2026, 12, 2)
ACCESSIBILITY_LAST_TESTED = datetime.date(2026, 12, 2)
PRIVACY_NOTICE_UPDATED = datetime.date(2026, 12, 2)
REPLY_WORKING_DAYS = 10  # how soon a request for another format is answered


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise: for load balancers and uptime checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def duration_text(seconds: int) -> str:
    """A setting's length of time in words, in the largest whole unit: "12 hours", "52 weeks", "15 minutes"."""
    for unit_seconds, singular, plural in (
        (365 * 86400, "%(count)d year", "%(count)d years"),
        (7 * 86400, "%(count)d week", "%(count)d weeks"),
        (86400, "%(count)d day", "%(count)d days"),
        (3600, "%(count)d hour", "%(count)d hours"),
    ):
        if seconds >= unit_seconds and seconds % unit_seconds == 0:
            count = seconds // unit_seconds
            return ngettext(singular, plural, count) % {"count": count}
    count = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}


def _lifetime(max_age: int | None) -> str:
    """A cookie's expiry from its max-age setting; None makes it a browser-session cookie."""
    if not max_age:
        return _("when you close your browser")
    return _("after %(duration)s") % {"duration": duration_text(max_age)}


def essential_cookies() -> list[dict]:
    """The cookies this installation sets, read from its settings: each is needed for the service to work."""
    cookies = []
    if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE:
        session_expiry = _("when you sign out or close your browser")
    else:
        session_expiry = _(
            "when you sign out, after %(idle)s without using the service, or %(absolute)s after you signed in"
        ) % {
            "idle": duration_text(settings.SESSION_IDLE_TIMEOUT),
            "absolute": duration_text(settings.SESSION_COOKIE_AGE),
        }
    cookies.append(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": _(
                "Keeps you signed in as you move from page to page, and stops another website sending a form to "
                "this service in your name. Set when you sign in or open a page with a form."
            )
            if settings.CSRF_USE_SESSIONS
            else _("Keeps you signed in as you move from page to page. Set only when you sign in."),
            "expires": session_expiry,
        }
    )
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(
            {
                "name": settings.CSRF_COOKIE_NAME,
                "purpose": _(
                    "Stops another website sending a form to this service in your name. Set when you open a page "
                    "with a form that changes something, such as the sign-in page."
                ),
                "expires": _lifetime(settings.CSRF_COOKIE_AGE),
            }
        )
    if issubclass(import_string(settings.MESSAGE_STORAGE), CookieStorage | FallbackStorage):
        cookies.append(
            {
                "name": CookieStorage.cookie_name,
                "purpose": _(
                    "Carries a short message, such as “Saved” or why you were signed out, to the next page you see."
                ),
                "expires": _("when the next page has shown the message, or when you close your browser"),
            }
        )
    cookies.append(
        {
            "name": settings.LANGUAGE_COOKIE_NAME,
            "purpose": _(
                "Remembers the language you chose for the service, English or Welsh. Set only when you choose one "
                "with the language links at the top of the page."
            ),
            "expires": _lifetime(settings.LANGUAGE_COOKIE_AGE),
        }
    )
    return cookies


@never_cache
def language_choose(request, code: str):
    """The language switch: keep `code` in the language cookie and go back to the page the link was on.

    A link rather than Django's `set_language` (a POST form): a form on every page would set the CSRF
    cookie for every reader, and the public pages set no cookies until someone signs in or chooses.
    `next` is followed only to this site, so the link cannot send people elsewhere.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = HttpResponseRedirect(target if safe else reverse("explorer:home"))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _service(**context) -> dict:
    return {
        "operator": settings.SERVICE_OPERATOR,
        "contact_email": settings.SERVICE_CONTACT_EMAIL,
        "site_url": settings.SITE_URL,
        **context,
    }


def accessibility_statement(request):
    return render(
        request,
        "core/accessibility.html",
        _service(
            prepared=ACCESSIBILITY_STATEMENT_PREPARED,
            reviewed=ACCESSIBILITY_STATEMENT_REVIEWED,
            tested=ACCESSIBILITY_LAST_TESTED,
            reply_working_days=REPLY_WORKING_DAYS,
        ),
    )


def _rate_period(rate: str) -> str:
    """API_ANON_RATE's period ("120/minute" -> "a minute"), as Django REST framework reads it: by its first letter."""
    periods = {"s": _("a second"), "m": _("a minute"), "h": _("an hour"), "d": _("a day")}
    return periods.get(rate.partition("/")[2][:1].lower(), _("a minute"))


def privacy_notice(request):
    return render(
        request,
        "core/privacy.html",
        _service(
            updated=PRIVACY_NOTICE_UPDATED,
            lockout=duration_text(int(settings.AXES_COOLOFF_TIME.total_seconds())),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            upload_hours=duration_text(settings.RETURNS_PREVIEW_HOURS * 3600),
            rate_period=_rate_period(settings.API_ANON_RATE),
        ),
    )


def cookies(request):
    return render(request, "core/cookies.html", _service(cookies=essential_cookies()))


def contact(request):
    return render(request, "core/contact.html", _service(reply_working_days=REPLY_WORKING_DAYS))
