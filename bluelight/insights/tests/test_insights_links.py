"""The insights pages are reached from the rest of the service: navigation, home page, organisation pages."""

from django.urls import reverse


def nav_labels(html: str) -> list[str]:
    import re

    return re.findall(r'class="govuk-service-navigation__link" href="[^"]*"[^>]*>\s*(?:<strong[^>]*>)?([^<]+)', html)


def test_everyone_finds_research_in_the_navigation_and_on_the_home_page(client, register):
    html = client.get("/").content.decode()
    assert "Research" in [label.strip() for label in nav_labels(html)]
    for name in ("insights:priorities", "insights:research_list", "insights:network"):
        assert f'href="{reverse(name)}"' in html


def test_research_is_the_current_section_on_the_priorities_page(client, register):
    html = client.get(reverse("insights:priorities")).content.decode()
    assert f'href="{reverse("insights:priorities")}" aria-current="page"' in html


def test_only_analysts_see_the_national_duty_record_in_the_navigation(client, cast):
    assert "Duty to collaborate" not in client.get("/").content.decode()
    client.force_login(cast.editor_a)
    assert "Duty to collaborate" not in client.get("/").content.decode()
    client.force_login(cast.analyst)
    assert f'href="{reverse("insights:duty_national")}"' in client.get("/").content.decode()


def test_an_organisation_page_links_its_duty_record_for_its_editors_and_analysts_only(client, cast):
    url, record = reverse("explorer:organisation_detail", args=["surrey_police"]), 'data-testid="duty-link"'
    assert record not in client.get(url).content.decode()
    client.force_login(cast.editor_b)
    assert record not in client.get(url).content.decode()
    for user in (cast.editor_a, cast.analyst):
        client.force_login(user)
        assert record in client.get(url).content.decode()
