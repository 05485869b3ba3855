"""Signed-in sessions end after two idle hours, and twelve hours after signing in however busy."""

import time

from django.urls import reverse

from bluelight.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

PRIVATE_PAGE = reverse("returns:round_list")


def shift_clocks(client, *, signed_in_ago: int, last_seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN_AT] = now - last_seen_ago
    session.save()


def test_defaults_are_two_hours_idle_and_twelve_hours_in_all(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 2 * 60 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_TIMEOUT


def test_signing_in_starts_both_clocks(client, cast):
    before = int(time.time())
    client.post(reverse("accounts:login"), {"username": "analyst", "password": "pw"})

    assert client.session[SIGNED_IN_AT] >= before
    assert client.session[LAST_SEEN_AT] >= before


def test_a_session_used_within_the_idle_timeout_stays_signed_in(client, cast):
    client.force_login(cast.analyst)
    shift_clocks(client, signed_in_ago=3 * 60 * 60, last_seen_ago=2 * 60 * 60 - 60)

    response = client.get(PRIVATE_PAGE)

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(cast.analyst.pk)
    assert int(time.time()) - client.session[LAST_SEEN_AT] < 5  # the request counts as activity


def test_an_idle_session_is_signed_out_with_a_message_saying_why(client, cast):
    client.force_login(cast.analyst)
    shift_clocks(client, signed_in_ago=3 * 60 * 60, last_seen_ago=2 * 60 * 60 + 1)

    response = client.get(PRIVATE_PAGE, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "You were signed out because you had not used the service for 2 hours." in html
    assert "Sign in again to carry on." in html


def test_an_active_session_still_ends_after_the_absolute_lifetime(client, cast):
    client.force_login(cast.analyst)
    shift_clocks(client, signed_in_ago=12 * 60 * 60 + 1, last_seen_ago=30)

    response = client.get(PRIVATE_PAGE, follow=True)

    assert "_auth_user_id" not in client.session
    assert "You were signed out because you signed in more than 12 hours ago." in response.content.decode()


def test_the_timeouts_follow_the_settings(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    client.force_login(cast.analyst)
    shift_clocks(client, signed_in_ago=20 * 60, last_seen_ago=16 * 60)

    response = client.get(PRIVATE_PAGE, follow=True)

    assert "_auth_user_id" not in client.session
    assert "had not used the service for 15 minutes" in response.content.decode()


def test_signing_in_again_after_a_timeout_works(client, cast):
    client.force_login(cast.analyst)
    shift_clocks(client, signed_in_ago=13 * 60 * 60, last_seen_ago=3 * 60 * 60)
    client.get(PRIVATE_PAGE)

    response = client.post(reverse("accounts:login"), {"username": "analyst", "password": "pw"})

    assert response.status_code == 302
    assert client.get(PRIVATE_PAGE).status_code == 200


def test_public_pages_write_no_session_for_anonymous_visitors(client, db):
    response = client.get(reverse("explorer:home"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
