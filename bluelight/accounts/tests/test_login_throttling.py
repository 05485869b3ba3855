"""Sign-in throttling: repeated wrong passwords lock a username out, from that address, for a while."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from bluelight.accounts.throttling import client_ip

SITE_LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def sign_in(client, login_url, username, password, address="203.0.113.7"):
    return client.post(login_url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, login_url, username, times, address="203.0.113.7"):
    return [sign_in(client, login_url, username, "wrong", address) for _ in range(times)][-1]


@pytest.mark.parametrize("login_url", [SITE_LOGIN, ADMIN_LOGIN])
def test_five_wrong_passwords_then_the_right_one_is_refused_with_the_lockout_page(client, cast, login_url):
    fail(client, login_url, "analyst", 4)
    assert sign_in(client, login_url, "analyst", "wrong").status_code == 429

    response = sign_in(client, login_url, "analyst", "pw")

    assert response.status_code == 429
    html = response.content.decode()
    assert f"<h1 class=\"govuk-heading-l\">{LOCKED}</h1>" in html
    assert "Try again in 15 minutes, or ask an administrator to unlock your account." in html
    assert "govuk-template" in html  # the service's own page, not a bare line of text
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_still_let_the_right_one_in_and_reset_the_count(client, cast):
    fail(client, SITE_LOGIN, "analyst", 4)

    assert sign_in(client, SITE_LOGIN, "analyst", "pw").status_code == 302
    assert not AccessAttempt.objects.filter(username="analyst").exists()

    client.logout()
    fail(client, SITE_LOGIN, "analyst", 4)
    assert sign_in(client, SITE_LOGIN, "analyst", "pw").status_code == 302


def test_a_locked_out_username_does_not_lock_out_another_user_from_the_same_address(client, cast):
    fail(client, SITE_LOGIN, "analyst", 5)

    assert sign_in(client, SITE_LOGIN, "editor_a", "pw").status_code == 302


def test_a_locked_out_username_can_still_sign_in_from_another_address(client, cast):
    fail(client, SITE_LOGIN, "analyst", 5, address="203.0.113.7")

    assert sign_in(client, SITE_LOGIN, "analyst", "pw", address="198.51.100.20").status_code == 302


def test_the_lockout_ends_when_the_cool_off_has_passed(client, cast):
    fail(client, SITE_LOGIN, "analyst", 5)
    assert sign_in(client, SITE_LOGIN, "analyst", "pw").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert sign_in(client, SITE_LOGIN, "analyst", "pw").status_code == 302


def test_trying_again_while_locked_out_does_not_restart_the_wait(client, cast):
    fail(client, SITE_LOGIN, "analyst", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=10))

    response = sign_in(client, SITE_LOGIN, "analyst", "wrong")

    assert "Try again in 5 minutes" in response.content.decode()


def test_the_limit_and_the_wait_follow_the_settings(client, cast, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)

    response = fail(client, SITE_LOGIN, "analyst", 2)

    assert response.status_code == 429
    assert "Try again in 1 minute, or ask" in response.content.decode()


def test_an_administrator_unlocks_a_username_by_deleting_its_attempts(client, cast):
    fail(client, SITE_LOGIN, "analyst", 5)
    attempt = AccessAttempt.objects.get(username="analyst")
    client.force_login(cast.admin)
    changelist = reverse("admin:axes_accessattempt_changelist")

    assert client.get(changelist).status_code == 200
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert sign_in(client, SITE_LOGIN, "analyst", "pw").status_code == 302


def test_analysts_and_editors_cannot_see_failed_sign_ins(client, cast):
    for user in (cast.analyst, cast.editor_a):
        client.force_login(user)
        assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}

    settings.TRUSTED_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY = True
    # The right-most entry is the one the proxy added; the client could have written the others.
    assert client_ip(request) == "203.0.113.7"


def test_behind_a_trusted_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(client, cast, settings):
    settings.TRUSTED_PROXY = True
    for n in range(5):
        client.post(
            SITE_LOGIN,
            {"username": "analyst", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )

    response = client.post(
        SITE_LOGIN,
        {"username": "analyst", "password": "pw"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7",
    )

    assert response.status_code == 429


def test_a_successful_sign_in_leaves_no_record_of_the_person_or_their_address(client, cast):
    from axes.models import AccessLog

    assert sign_in(client, SITE_LOGIN, "analyst", "pw").status_code == 302
    client.logout()
    assert not AccessLog.objects.exists()  # the privacy notice says successful sign-ins are not recorded
