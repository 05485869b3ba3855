"""The accessibility statement, privacy notice, cookies and contact pages, the phase banner and the footer links."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from bluelight.accounts.middleware import LAST_SEEN_AT
from bluelight.core.views import duration_text

SERVICE_PAGES = ["core:accessibility", "core:privacy", "core:cookies", "core:contact"]


@pytest.mark.parametrize("name", SERVICE_PAGES)
def test_each_service_page_is_open_to_anyone(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert re.search(r'<h1 class="govuk-heading-l">[^<]+</h1>', response.content.decode())


def _footer(html: str) -> str:
    return html[html.index("<footer") : html.index("</footer>")]


def _header(html: str) -> str:
    return html[html.index("<header") : html.index("</header>")]


def assert_service_furniture(html: str, where: str) -> None:
    footer = _footer(html)
    for name, text in [
        ("core:accessibility", "Accessibility statement"),
        ("core:privacy", "Privacy"),
        ("core:cookies", "Cookies"),
        ("core:contact", "Contact"),
    ]:
        assert f'<a class="govuk-footer__link" href="{reverse(name)}">{text}</a>' in footer, f"{where}: no {text} link"
    header = _header(html)
    assert 'class="govuk-language-navigation"' in header, f"{where}: no language switch"
    assert '<strong class="govuk-tag govuk-phase-banner__content__tag">Beta</strong>' in header, f"{where}: no banner"
    assert f'href="{reverse("core:contact")}#feedback">give your feedback</a>' in header, f"{where}: no feedback link"


def test_footer_links_and_phase_banner_are_on_public_signed_in_and_error_pages(client, cast):
    assert_service_furniture(client.get(reverse("explorer:home")).content.decode(), "the home page")

    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_service_furniture(missing.content.decode(), "the 404 page")
    # The 500 page is rendered with no request and no context processors.
    assert_service_furniture(render_to_string("500.html"), "the 500 page")

    client.force_login(cast.editor_a)
    signed_in = client.get(reverse("returns:my_requests"))
    assert signed_in.status_code == 200
    assert "Sign out" in signed_in.content.decode()
    assert_service_furniture(signed_in.content.decode(), "a signed-in page")


def test_the_feedback_link_lands_on_the_feedback_heading(client, db):
    html = client.get(reverse("core:contact")).content.decode()

    assert '<h2 class="govuk-heading-m" id="feedback">Give feedback</h2>' in html


def cookies_listed(client) -> set[str]:
    html = client.get(reverse("core:cookies")).content.decode()
    listing = html[html.index('data-testid="cookies"') : html.index("</dl>")]
    return set(re.findall(r"<code[^>]*>([^<]+)</code>", listing))


def cookies_set_by_using_the_service(username: str) -> set[str]:
    """Every cookie name a browser is sent as it signs in, reads a page and is signed out for idling."""
    client = Client()
    seen: set[str] = set()

    def visit(response):
        seen.update(response.cookies.keys())
        return response

    visit(client.get(reverse("explorer:home")))
    visit(client.get(reverse("accounts:login")))
    signed_in = visit(client.post(reverse("accounts:login"), {"username": username, "password": "pw"}))
    assert signed_in.status_code == 302, "the sign-in failed"
    visit(client.get(reverse("returns:my_requests")))
    session = client.session
    session[LAST_SEEN_AT] = 0  # idle since 1970: the next request signs out, with a message for the next page
    session.save()
    signed_out = visit(client.get(reverse("returns:my_requests")))
    assert signed_out.status_code == 302
    assert "signed out because you had not used the service" in visit(client.get(signed_out.url)).content.decode()
    visit(client.get(reverse("core:language", args=["cy"]), {"next": "/"}))  # the language switch
    return seen


def test_the_cookies_page_lists_exactly_the_cookies_the_service_sets(client, cast):
    seen = cookies_set_by_using_the_service(cast.editor_a.username)

    assert {"sessionid", "csrftoken", "messages", "django_language"} <= seen
    assert cookies_listed(client) == seen


def test_the_cookies_page_follows_the_settings(client, cast, settings):
    settings.SESSION_COOKIE_NAME = "observatory_session"
    settings.CSRF_USE_SESSIONS = True  # the CSRF token then lives in the session: no cookie of its own

    seen = cookies_set_by_using_the_service(cast.editor_a.username)

    assert "observatory_session" in seen and "csrftoken" not in seen
    assert cookies_listed(client) == seen


def test_reading_the_public_pages_sets_no_cookies(client, db):
    for name in [
        "explorer:home", "explorer:collaboration_list", "explorer:organisation_list", "explorer:theme_list",
        "explorer:evidence_list", "insights:priorities", "insights:research_list", "editions:list", *SERVICE_PAGES,
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert not response.cookies, f"{name} sets {sorted(response.cookies)}"


def test_cookie_lifetimes_come_from_the_settings(client, db, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    settings.CSRF_COOKIE_AGE = 2 * 7 * 24 * 60 * 60
    settings.LANGUAGE_COOKIE_AGE = 2 * 365 * 24 * 60 * 60

    html = client.get(reverse("core:cookies")).content.decode()

    assert "when you sign out, after 30 minutes without using the service, or 8 hours after you signed in" in html
    assert "Expires: after 2 weeks" in html
    assert "Expires: after 2 years" in html


def test_contact_address_and_operator_come_from_the_settings(client, db, settings):
    settings.SERVICE_CONTACT_EMAIL = "help@observatory.example.org"
    settings.SERVICE_OPERATOR = "the Test Collaboration Board"

    for name in ["core:contact", "core:accessibility", "core:privacy"]:
        html = client.get(reverse(name)).content.decode()
        assert '<a class="govuk-link" href="mailto:help@observatory.example.org">' in html, name
        assert "run by the Test Collaboration Board" in html, name


def test_privacy_notice_states_the_sign_in_and_upload_limits_in_force(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    settings.RETURNS_PREVIEW_HOURS = 48
    settings.API_ANON_RATE = "1000/day"

    html = " ".join(client.get(reverse("core:privacy")).content.decode().split())

    assert "After 3 wrong passwords, that user name is locked out from that address for 30 minutes." in html
    assert "or 2 days after uploading if the import is not confirmed" in html
    assert "to limit how many one person can make in a day" in html
    assert '<a class="govuk-link" href="https://ico.org.uk/make-a-complaint/">' in html


def test_accessibility_statement_follows_the_model_statement(client, db):
    html = " ".join(client.get(reverse("core:accessibility")).content.decode().split())

    for heading in [
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ]:
        assert f">{heading}</h" in html, heading
    assert "Equality and Human Rights Commission (EHRC)" in html
    assert '<a class="govuk-link" href="https://www.equalityadvisoryservice.com/">' in html
    assert "This statement was prepared on 2 December 2026. It was last reviewed on 2 December 2026." in html
    known_issues = html[html.index('id="non-accessible-content"') : html.index("Disproportionate burden")]
    assert known_issues.count("<li>") >= 1


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(60, "1 minute"), (90, "2 minutes"), (900, "15 minutes"), (3600, "1 hour"), (5400, "90 minutes"),
     (7200, "2 hours"), (86400, "1 day"), (172800, "2 days"), (604800, "1 week"), (31449600, "52 weeks"),
     (31536000, "1 year"), (2 * 31536000, "2 years")],
)
def test_durations_are_written_in_their_largest_whole_unit(seconds, words):
    assert duration_text(seconds) == words


# In a real browser ----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_service_pages_have_no_axe_violations_and_fit_a_phone(page, register):
    from bluelight.explorer.tests.test_browser_explorer import assert_no_horizontal_scroll, axe_report

    page.set_viewport_size({"width": 320, "height": 700})
    failures = {}
    for name in SERVICE_PAGES:
        url = reverse(name)
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        assert_no_horizontal_scroll(page, f"{url} at 320 px")
        if report := axe_report(page):
            failures[url] = report

    page.goto(reverse("explorer:home"))
    page.get_by_role("link", name="give your feedback").click()
    assert page.url.endswith(reverse("core:contact") + "#feedback")
    assert not failures, "axe-core found violations:\n" + "\n".join(f"{url}\n{r}" for url, r in failures.items())
