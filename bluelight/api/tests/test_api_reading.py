"""Reading the API: the explorer's filters give the same records, pages, labels, ETags and the anonymous rate limit."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration

LIST = reverse("api:collaboration-list")
PAGE = reverse("explorer:collaboration_list")


@pytest.fixture
def records(register, theme):
    make_collaboration("surrey_police", "surrey_frs", title="Shared HQ in Surrey", theme=theme("es_shared_hq"))
    make_collaboration("kent_police", "kent_frs", title="Kent searches", theme=theme("dm_missing_people"))
    make_collaboration(
        "kent_frs",
        "south_east_coast_as",
        title="Kent co-responding",
        theme=theme("dm_missing_people"),
        status="planned",
    )
    make_collaboration("devon_cornwall_police", "devon_somerset_frs", title="South West station", status="completed")


def page_ids(client, query: str) -> set[int]:
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'href="/collaborations/(\d+)/"', response.content.decode())}


def api_ids(client, query: str) -> set[int]:
    response = client.get(f"{LIST}?{query}&page_size=100")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=operational",
        "theme=estates",
        "service=ambulance",
        "region=South+West",
        "organisation=kent_frs",
        "q=kent",
        "q=kent&service=police",
        "theme=dm_missing_people&status=planned",
    ],
)
def test_the_api_lists_the_records_the_explorer_page_lists_for_the_same_query(client, records, query):
    assert api_ids(client, query) == page_ids(client, query)


def test_codes_come_with_their_labels(client, records):
    row = client.get(f"{LIST}?status=planned").json()["results"][0]
    assert (row["status"], row["status_label"]) == ("planned", "Planned")
    assert (row["scope"], row["scope_label"]) == ("local", "Local")
    assert dict(zip(row["services"], row["service_labels"], strict=True)) == {
        "fire": "Fire and rescue",
        "ambulance": "Ambulance",
    }
    assert row["primary_theme"]["code"] == "dm_missing_people" and row["primary_theme"]["name"]


def test_lists_are_paged_with_count_next_and_previous(client, records):
    first = client.get(f"{LIST}?page_size=3").json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]
    assert {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]} == api_ids(client, "")


def test_a_conditional_get_with_the_etag_answers_304(client, records):
    response = client.get(LIST)
    tag = response.headers["ETag"]
    assert client.get(LIST, headers={"If-None-Match": tag}).status_code == 304
    make_collaboration("essex_police", "essex_frs", title="A new record")
    assert client.get(LIST, headers={"If-None-Match": tag}).status_code == 200


def test_anonymous_clients_are_rate_limited(client, records, settings):
    settings.API_ANON_RATE = "3/minute"
    cache.clear()
    try:
        statuses = [client.get(reverse("api:theme-list")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get(LIST)
        assert limited.status_code == 429 and "Retry-After" in limited.headers
    finally:
        cache.clear()


def test_signed_in_users_are_not_rate_limited(client, cast, settings):
    settings.API_ANON_RATE = "1/minute"
    cache.clear()
    client.force_login(cast.analyst)
    try:
        assert {client.get(reverse("api:theme-list")).status_code for _ in range(3)} == {200}
    finally:
        cache.clear()


def test_themes_organisations_and_editions_are_listed(client, register):
    themes = client.get(reverse("api:theme-list"), {"page_size": 100}).json()
    assert any(t["code"] == "es_shared_hq" and t["parent"] == "estates" for t in themes["results"])
    police = client.get(reverse("api:organisation-list"), {"type": "police_force"}).json()
    assert police["count"] == 43
    assert client.get(reverse("api:edition-list")).json()["count"] == 0
