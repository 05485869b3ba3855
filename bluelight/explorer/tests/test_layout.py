"""The page frame: a non-GOV.UK service built with GOV.UK Frontend, navigation, sign in and sign out."""
from django.urls import reverse


def test_pages_carry_no_govuk_branding(client, db):
    html = client.get(reverse("explorer:home")).content.decode()

    assert "GOV.UK" not in html
    assert "govuk-header__logo" not in html
    assert "govuk-footer__crown" not in html
    assert "Crown copyright" not in html
    assert "css/observatory.css" in html


def test_pages_have_a_language_a_skip_link_and_the_service_name(client, db, settings):
    settings.SITE_NAME = "Test Observatory"

    html = client.get(reverse("explorer:home")).content.decode()

    assert '<html lang="en"' in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert 'class="govuk-generic-header__homepage-link observatory-wordmark">Test Observatory</a>' in html


def test_page_language_follows_the_language_chosen(client, db):
    html = client.get(reverse("explorer:home"), headers={"accept-language": "cy"}).content.decode()

    assert '<html lang="cy"' in html


def test_pages_load_govuk_frontend_javascript_as_a_module(client, db):
    html = client.get(reverse("explorer:home")).content.decode()

    assert '<script type="module" nonce="' in html  # the nonce lets it past the CSP
    assert "govuk-frontend/govuk-frontend.min.js" in html
    assert "initAll()" in html


def test_anonymous_person_sees_sign_in_and_no_manage_link(client, db):
    html = client.get(reverse("explorer:collaboration_list")).content.decode()

    assert 'href="/accounts/login/?next=/collaborations/"' in html
    assert "Manage records" not in html
    assert "Sign out" not in html


def test_current_section_is_marked_in_the_navigation(client, db):
    html = client.get(reverse("explorer:organisation_list")).content.decode()

    assert 'href="/organisations/" aria-current="page"' in html


def test_signed_in_editor_sees_manage_records_and_a_sign_out_form(client, cast):
    client.force_login(cast.editor_a)

    html = client.get(reverse("explorer:home")).content.decode()

    assert 'href="/admin/"' in html
    assert "Manage records" in html
    assert '<form method="post" action="/accounts/logout/"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Sign in" not in html


def test_sign_out_by_post_ends_the_session(client, cast):
    client.force_login(cast.analyst)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
