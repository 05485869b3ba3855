"""Dates inside sentences are written in the sentence's language: a Welsh sentence never carries an English
month name made by strftime (Django's date_format names the month in the active language)."""

import datetime

from django.core import mail
from django.utils.formats import date_format
from django.utils.translation import override

from bluelight.insights.models import DutyNotification
from bluelight.insights.tests.duty_world import opportunity_make
from bluelight.returns import services
from bluelight.returns.models import Request


def test_a_reminder_sent_in_welsh_names_the_deadline_month_in_welsh(cast):
    closes = datetime.date(2026, 6, 30)
    round_ = services.round_open(
        name="Summer 2026", opens_on=datetime.date(2026, 6, 1), closes_on=closes, regions=["South East"]
    )
    Request.objects.filter(round=round_).update(last_reminded_on=None)
    mail.outbox.clear()
    with override("cy"):
        services.round_remind(round_=round_, today=datetime.date(2026, 6, 20))
        welsh_date = date_format(closes, "j F Y")

    assert welsh_date != "30 June 2026"  # Django's Welsh formats name the month in Welsh
    assert mail.outbox, "no reminder was sent"
    for message in mail.outbox:
        assert welsh_date in message.body and "June" not in message.body


def test_a_notification_names_its_month_in_the_pages_language(register):
    opportunity_make(partners=("surrey_frs",))
    notification = DutyNotification.objects.get()

    with override("cy"):
        welsh = str(notification)
        expected = date_format(datetime.date(2024, 3, 4), "j F Y")
    english = str(notification)

    assert welsh == f"Surrey Fire and Rescue Service ({expected})" and "March" not in welsh
    assert english == "Surrey Fire and Rescue Service (4 March 2024)"
