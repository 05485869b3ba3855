"""E-mail about rounds: whom to write to (an organisation's editors) and the request and reminder messages."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bluelight.returns.models import Request, Round


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def editor_emails(organisation_ids) -> dict[int, list[str]]:
    """Organisation id -> the e-mail addresses of its active editors (organisations without any are absent)."""
    from bluelight.accounts.models import Role, User

    emails: dict[int, list[str]] = defaultdict(list)
    rows = (
        User.objects.filter(is_active=True, role=Role.EDITOR, organisations__in=organisation_ids)
        .exclude(email="")
        .values_list("organisations", "email")
    )
    for org_id, email in rows:
        emails[org_id].append(email)
    return emails


def round_notify(*, round_: Round, requests: list[Request], reminder: bool) -> int:
    """E-mail every editor of the requested organisations (the request, or a reminder); returns how many
    messages were sent. The first e-mail marks each request notified."""
    emails = editor_emails([r.organisation_id for r in requests])
    messages = []
    for request in requests:
        to = emails.get(request.organisation_id)
        if not to:
            continue
        link = _site_url(reverse("returns:return_overview", args=[round_.pk, request.organisation.slug]))
        context = {
            "round": round_.name,
            "org": request.organisation.name,
            "closes": date_format(round_.closes_on, "j F Y"),  # the month in the e-mail's language
            "link": link,
        }
        if reminder:
            subject = _("Reminder: %(round)s closes on %(closes)s") % context
            body = (
                _(
                    "%(org)s has not yet submitted its return to %(round)s.\n\n"
                    "Please submit it by %(closes)s: %(link)s\n\n"
                    "Planned collaborations count too: the working group asks for future plans."
                )
                % context
            )
        else:
            subject = _("%(round)s: please tell us about your collaborations by %(closes)s") % context
            body = (
                _(
                    "The Emergency Services Collaboration Working Group asks %(org)s for its collaborations "
                    "and future plans.\n\nFill in the return online, or download the spreadsheet template, "
                    "at %(link)s\n\nThe round closes on %(closes)s."
                )
                % context
            )
            if round_.guidance:
                body += "\n\n" + round_.guidance
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, to))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    if not reminder:
        Request.objects.filter(pk__in=[r.pk for r in requests if r.organisation_id in emails]).update(
            notified_at=timezone.now()
        )
    return sent
