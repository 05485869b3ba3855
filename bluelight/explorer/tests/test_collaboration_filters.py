"""Filtering the list by q, theme, service, organisation, region and status; bad values are explained."""
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration

LIST = reverse("explorer:collaboration_list")


def titles(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return sorted(c.title for c in response.context["data"].page.object_list)


def test_theme_filter_matches_the_theme_itself(client, register, theme):
    make_collaboration("surrey_police", "surrey_frs", title="Shared HQ", theme=theme("es_shared_hq"))
    make_collaboration("kent_police", "kent_frs", title="Searches", theme=theme("dm_missing_people"))

    assert titles(client, theme="es_shared_hq") == ["Shared HQ"]


def test_top_level_theme_also_matches_its_sub_themes(client, register, theme):
    make_collaboration("surrey_police", "surrey_frs", title="Shared HQ", theme=theme("es_shared_hq"))
    make_collaboration("kent_police", "kent_frs", title="Workshop", theme=theme("es_vehicle_workshop"))
    make_collaboration("essex_police", "essex_frs", title="Searches", theme=theme("dm_missing_people"))

    assert titles(client, theme="estates") == ["Shared HQ", "Workshop"]


def test_theme_filter_matches_secondary_themes_once(client, register, theme):
    make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Searches from the shared HQ",
        theme=theme("dm_missing_people"),
        secondary_themes=[theme("es_shared_hq"), theme("es_vehicle_workshop")],
    )

    assert titles(client, theme="estates") == ["Searches from the shared HQ"]


def test_service_filter_matches_records_involving_that_service(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="Police and fire")
    make_collaboration("kent_frs", "south_east_coast_as", title="Fire and ambulance")

    assert titles(client, service="police") == ["Police and fire"]
    assert titles(client, service="fire") == ["Fire and ambulance", "Police and fire"]
    assert titles(client, service="ambulance") == ["Fire and ambulance"]
    assert titles(client, service="wider") == []


def test_organisation_filter_matches_records_with_that_partner(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="Surrey")
    make_collaboration("kent_police", "kent_frs", title="Kent")
    make_collaboration("kent_frs", "surrey_frs", title="Kent and Surrey fire")

    assert titles(client, organisation="surrey_frs") == ["Kent and Surrey fire", "Surrey"]


def test_region_filter_matches_a_partners_region_once(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="South East pair")
    make_collaboration("essex_police", "london_fire_brigade", title="East and London")

    assert titles(client, region="South East") == ["South East pair"]
    assert titles(client, region="London") == ["East and London"]


def test_status_filter(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="Running", status="operational")
    make_collaboration("kent_police", "kent_frs", title="Stopped", status="discontinued", status_reason="Costs")

    assert titles(client, status="discontinued") == ["Stopped"]


def test_search_looks_in_title_description_and_partner_names_ignoring_case(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="Joint station")
    make_collaboration("kent_police", "kent_frs", title="Drones", description="Shared DRONE pilots")
    make_collaboration("essex_police", "essex_frs", title="Estates review")

    assert titles(client, q="drone") == ["Drones"]
    assert titles(client, q="STATION") == ["Joint station"]
    assert titles(client, q="essex fire") == ["Estates review"]


def test_search_finds_partners_by_alias(client, register):
    make_collaboration("avon_somerset_police", "avon_frs", title="Bristol hub")

    assert titles(client, q="Avon and Somerset Constabulary") == ["Bristol hub"]


def test_search_finds_a_partner_named_with_a_typo_but_a_word_is_not_every_partner_with_it(client, register):
    make_collaboration("avon_somerset_police", "avon_frs", title="Bristol hub")
    make_collaboration("kent_police", "kent_frs", title="Kent drones")

    assert titles(client, q="Avon and Somerst Constabulary") == ["Bristol hub"]  # the register's resolution
    assert titles(client, q="fire") == []  # no text says fire; naming several services is not naming one


def test_filters_combine(client, register, theme):
    make_collaboration("surrey_police", "surrey_frs", title="Surrey HQ", theme=theme("es_shared_hq"))
    make_collaboration("kent_police", "kent_frs", title="Kent HQ", theme=theme("es_shared_hq"), status="planned")

    assert titles(client, theme="estates", status="planned", region="South East") == ["Kent HQ"]


def test_a_bad_filter_value_is_ignored_with_a_notice_not_an_empty_page(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="Surrey")

    response = client.get(LIST, {"theme": "no-such-theme", "status": "sleeping", "organisation": "nobody"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" not in html
    assert "We ignored theme &#x27;no-such-theme&#x27;: no such theme" in html
    assert "We ignored status &#x27;sleeping&#x27;: no such status" in html
    assert "We ignored organisation &#x27;nobody&#x27;" in html
    assert [c.title for c in response.context["data"].page.object_list] == ["Surrey"]


def test_a_too_long_search_is_explained(client, register):
    response = client.get(LIST, {"q": "x" * 201})

    assert response.status_code == 200
    assert "Search must be 200 characters or fewer" in response.content.decode()


def test_filters_keep_their_values_in_the_form(client, register, theme):
    html = client.get(LIST, {"theme": "estates", "service": "fire", "q": "hub"}).content.decode()

    assert 'name="theme" type="checkbox" value="estates" checked>' in html
    assert 'name="service" type="checkbox" value="fire" checked>' in html
    assert 'value="hub"' in html
    assert 'href="/collaborations/">Clear filters</a>' in html


def test_search_results_mark_the_words_found_in_the_title_and_a_snippet_escaped(client, register):
    make_collaboration(
        "surrey_police", "surrey_frs", title="Joint <b>station</b> at Epsom", description="A shared stations estate."
    )

    html = client.get(reverse("explorer:collaboration_list"), {"q": "station"}).content.decode()

    assert "Joint &lt;b&gt;<mark>station</mark>&lt;/b&gt; at Epsom" in html  # the title's own markup stays text
    assert "A shared <mark>stations</mark> estate." in html
    plain = client.get(reverse("explorer:collaboration_list")).content.decode()
    assert "<mark>" not in plain
