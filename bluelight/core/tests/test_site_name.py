"""The service's name is in the page's language: SITE_NAME_CY on Welsh pages, SITE_NAME on English ones."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def home(client, language: str) -> str:
    return client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


@override_settings(SITE_NAME="Blue Light Collaboration Observatory", SITE_NAME_CY="Arsyllfa Cydweithio")
def test_a_welsh_page_names_the_service_in_welsh_and_an_english_page_in_english(client):
    welsh = home(client, "cy")
    assert '<html lang="cy"' in welsh
    assert "<title>Arsyllfa Cydweithio</title>" in welsh and "Blue Light Collaboration Observatory" not in welsh
    english = home(client, "en")
    assert "<title>Blue Light Collaboration Observatory</title>" in english and "Arsyllfa" not in english


@override_settings(SITE_NAME="Blue Light Collaboration Observatory", SITE_NAME_CY="")
def test_without_a_welsh_name_both_languages_use_the_one_name(client):
    assert "<title>Blue Light Collaboration Observatory</title>" in home(client, "cy")
