"""Error pages in the service's own style: 403, 404 and 500."""
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import defaults


def test_unknown_address_gives_the_page_not_found_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "govuk-template" in html


def test_permission_denied_page_offers_sign_in_to_anonymous_people(rf, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have permission to see this page" in html
    assert "/accounts/login/?next=/somewhere/" in html


def test_server_error_page_renders_without_a_request_or_context(db, settings):
    settings.SITE_NAME = "Test Observatory"
    request = RequestFactory().get("/")

    response = defaults.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "Test Observatory" in html
    assert "Sign in" not in html
