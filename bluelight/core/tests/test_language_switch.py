"""English and Welsh: the language switch on every page (GOV.UK's language navigation), the language cookie,
and the page's `lang` following the language it is in."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, override

WELSH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "cy-GB,cy;q=0.9"}


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def language_navigation(html: str) -> str:
    start = html.index('<nav class="govuk-language-navigation"')
    return html[start : html.index("</nav>", start)]


def in_welsh(text: str) -> str:
    with override("cy"):
        return gettext(text)


def test_a_welsh_browser_that_has_not_chosen_gets_the_page_in_welsh(client, db):
    html = client.get(reverse("explorer:home"), **WELSH_BROWSER).content.decode()

    assert html_lang(html) == "cy"
    navigation = html[html.index('<ul class="govuk-service-navigation__list"') :]
    assert escape(in_welsh("Collaborations")) in navigation[: navigation.index("</ul>")]
    switch = language_navigation(html)
    assert '<span class="govuk-language-navigation__text" aria-current="true" lang="cy">Cymraeg</span>' in switch
    english = re.search(r'<a class="govuk-language-navigation__link" href="([^"]+)"[^>]*>English', switch)
    assert english, switch
    assert english.group(1) == f"{reverse('core:language', args=['en'])}?next=%2F"
    assert 'rel="alternate" lang="en" hreflang="en"' in switch
    assert "Change the language to English" in switch  # said in the language it offers


def test_an_english_browser_gets_english_with_a_link_to_welsh(client, db):
    html = client.get(reverse("explorer:collaboration_list"), {"status": "operational"}).content.decode()

    assert html_lang(html) == "en"
    switch = language_navigation(html)
    assert 'aria-current="true" lang="en">English</span>' in switch
    welsh_href = f"{reverse('core:language', args=['cy'])}?next=%2Fcollaborations%2F%3Fstatus%3Doperational"
    assert f'href="{escape(welsh_href)}" rel="alternate" lang="cy" hreflang="cy">Cymraeg' in switch
    assert escape(in_welsh("Change the language to Welsh")) in switch


def test_choosing_english_on_a_welsh_browser_sticks_from_page_to_page(client, db):
    assert html_lang(client.get("/", **WELSH_BROWSER).content.decode()) == "cy"

    response = client.get(reverse("core:language", args=["en"]), {"next": "/collaborations/?page=2"}, **WELSH_BROWSER)

    assert response.status_code == 302
    assert response["Location"] == "/collaborations/?page=2"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    for url in ["/", reverse("explorer:organisation_list"), reverse("core:cookies")]:
        assert html_lang(client.get(url, **WELSH_BROWSER).content.decode()) == "en", url


def test_choosing_welsh_on_an_english_browser_gives_welsh(client, db):
    client.get(reverse("core:language", args=["cy"]), {"next": "/"})

    html = client.get(reverse("core:privacy")).content.decode()

    assert html_lang(html) == "cy"
    assert 'aria-current="true" lang="cy">Cymraeg</span>' in language_navigation(html)


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/path", "javascript:alert(1)", "", "http:/\\x"]
)
def test_the_switch_never_sends_people_to_another_site(client, db, next_url):
    response = client.get(reverse("core:language", args=["cy"]), {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("explorer:home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"


def test_an_unknown_language_is_not_found_and_sets_nothing(client, db):
    response = client.get("/language/fr/", {"next": "/"})

    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert html_lang(client.get("/").content.decode()) == "en"


def test_the_switch_is_on_error_pages_and_signed_in_pages_too(client, cast):
    missing = client.get("/no-such-page/", **WELSH_BROWSER)
    assert missing.status_code == 404
    assert html_lang(missing.content.decode()) == "cy"
    assert "Cymraeg" in language_navigation(missing.content.decode())

    with override("cy"):  # the 500 page has no request: it links back to the home page
        server_error = render_to_string("500.html")
    assert html_lang(server_error) == "cy"
    assert "?next=%2F" in language_navigation(server_error)

    client.force_login(cast.editor_a)
    signed_in = client.get(reverse("returns:my_requests"), **WELSH_BROWSER).content.decode()
    assert html_lang(signed_in) == "cy"
    assert "%2Freturns%2F" in language_navigation(signed_in)


def test_the_cookies_page_names_the_language_cookie_in_both_languages(client, db):
    purpose = (
        "Remembers the language you chose for the service, English or Welsh. Set only when you choose one "
        "with the language links at the top of the page."
    )
    english = client.get(reverse("core:cookies")).content.decode()
    welsh = client.get(reverse("core:cookies"), **WELSH_BROWSER).content.decode()

    for html, language in [(english, "en"), (welsh, "cy")]:
        with override(language):
            expected_purpose = gettext(purpose)
            one_year = gettext("after %(duration)s") % {
                "duration": ngettext("%(count)d year", "%(count)d years", 1) % {"count": 1}
            }
        assert f'<code class="govuk-!-text-break-word">{settings.LANGUAGE_COOKIE_NAME}</code>' in html, language
        assert escape(expected_purpose) in html, language
        assert escape(one_year) in html, language
