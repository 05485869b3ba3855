"""Sign-in throttling with django-axes: the client's address, and the page a locked-out sign-in sees.

settings.py sets the limit, the lockout time and the username-and-address pairing; axes counts
the failures (on the site's and the admin's login alike) and calls these two functions.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def client_ip(request) -> str | None:
    """The address a lockout is tied to.

    Behind a trusted proxy (TRUSTED_PROXY) that is the right-most X-Forwarded-For entry: the one
    the proxy appended itself. Entries to its left come from the client, which could invent a new
    one for every guess; without a trusted proxy the header is ignored for the same reason.
    """
    if settings.TRUSTED_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def minutes_left(request, credentials) -> int:
    """Whole minutes, rounded up, until this username and address may try again."""
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    latest = (
        AccessAttempt.objects.filter(username=get_client_username(request, credentials), ip_address=client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    remaining = (latest + cool_off - timezone.now()) if latest else cool_off
    return max(1, math.ceil(remaining.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The GOV.UK page shown instead of the sign-in form (site or admin) while locked out: 429."""
    from axes.helpers import get_failure_limit

    context = {
        "minutes": minutes_left(request, credentials),
        "failure_limit": get_failure_limit(request, credentials),
        "sign_in_path": request.path,
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
