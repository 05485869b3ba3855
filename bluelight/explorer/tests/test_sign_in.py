"""The sign-in page: a GOV.UK form with an error summary and inline errors."""
from django.urls import reverse


def test_sign_in_page_shows_the_form_under_the_service_name(client, db, settings):
    settings.SITE_NAME = "Test Observatory"

    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert 'autocomplete="current-password"' in html
    # Django's LoginView puts the host name in `site_name`; the header must still name the service.
    assert ">Test Observatory</a>" in html
    assert "govuk-error-summary" not in html


def test_wrong_password_shows_an_error_summary_and_an_inline_error(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "analyst", "password": "wrong"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in" in html
    assert "There is a problem" in html
    assert '<a href="#id_username">Enter a correct username and password.' in html
    assert 'class="govuk-error-message"' in html
    assert 'value="analyst"' in html
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_and_goes_to_the_next_page(client, cast):
    response = client.post(
        reverse("accounts:login"), {"username": "analyst", "password": "pw", "next": "/organisations/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert client.session["_auth_user_id"] == str(cast.analyst.pk)
