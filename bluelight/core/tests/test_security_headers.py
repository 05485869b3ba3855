"""Security headers: a Content-Security-Policy on every page, and no caching of signed-in pages."""

import re

import pytest
from django.urls import reverse

HOME = reverse("explorer:home")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.parametrize(
    "url", [HOME, reverse("explorer:collaboration_list"), reverse("accounts:login"), reverse("admin:login")]
)
def test_every_page_has_a_strict_content_security_policy(client, db, url):
    response = client.get(url)

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    # The one inline style allowed is django-simple-history's style="border-top: 0", by its hash.
    assert policy["style-src"] == ["'self'", "'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_inline_scripts_carry_the_nonce_that_the_policy_allows(client, db):
    response = client.get(HOME)

    script_src = directives(response)["script-src"]
    nonces = [value for value in script_src if value.startswith("'nonce-")]
    assert script_src[0] == "'self'" and len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    assert len(inline_scripts) == 2  # the govuk-frontend-supported class and initAll()
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline_scripts)


def test_each_response_gets_a_fresh_nonce(client, db):
    first = directives(client.get(HOME))["script-src"]
    second = directives(client.get(HOME))["script-src"]

    assert first != second


def test_pages_have_no_inline_styles(client, cast):
    client.force_login(cast.analyst)
    for url in (HOME, reverse("explorer:collaboration_list"), reverse("returns:round_list")):
        html = client.get(url).content.decode()
        assert "<style" not in html and " style=" not in html, url


def test_signed_in_pages_are_never_stored(client, cast):
    client.force_login(cast.editor_a)

    for url in (HOME, reverse("returns:my_requests"), reverse("admin:index")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_the_response_to_signing_in_is_not_stored(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "analyst", "password": "pw"})

    assert "no-store" in response["Cache-Control"]


def test_public_pages_seen_anonymously_may_be_cached(client, db):
    response = client.get(HOME)

    assert "no-store" not in response.get("Cache-Control", "")
