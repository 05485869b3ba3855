"""The opportunity finder as data: the page, its .json and .csv, ?format= and the API say the same; the gaps' API
is for analysts only."""

import csv
import io

import pytest
from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.insights.tests.opportunities_world import opportunities_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(theme):
    return opportunities_world(theme)


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_json_says_what_the_page_shows(client, world):
    page = client.get(reverse("insights:organisation_opportunities", args=["surrey_frs"])).context["data"]
    data = client.get(reverse("insights:organisation_opportunities_data", args=["surrey_frs", "json"])).json()
    assert data["count"] == len(page.opportunities) == 4
    assert [
        (
            o["rank"],
            o["theme"],
            o["same_type"]["pursuing"],
            o["same_type"]["total"],
            o["same_region"]["pursuing"],
            o["all"]["pursuing"],
            o["collaborations"],
            o["with_annual_savings"],
            o["well_evidenced"],
            o["reasons"],
        )
        for o in data["opportunities"]
    ] == [
        (
            o.rank,
            o.theme.code,
            o.same_type.pursuing,
            o.same_type.total,
            o.same_region.pursuing,
            o.everyone.pursuing,
            o.collaborations,
            o.with_savings,
            o.well_evidenced,
            o.reasons,
        )
        for o in page.opportunities
    ]
    first = data["opportunities"][0]
    assert [e["title"] for e in first["examples"]] == ["Kent co-responding", "Devon co-responding"]
    assert first["examples"][0]["url"] == f"http://testserver{world.kent_coresponding.get_absolute_url()}"
    assert [w["slug"] for w in first["natural_partners_doing"]] == ["south_east_coast_as"]
    assert {p["slug"] for p in data["natural_partners"]} == {"surrey_police", "pcc_surrey", "south_east_coast_as"}
    assert data["covered_themes"] == ["es_shared_hq"]


def test_the_csv_has_a_row_per_opportunity_with_the_jsons_numbers(client, world):
    data = client.get(reverse("insights:organisation_opportunities_data", args=["surrey_frs", "json"])).json()
    rows = csv_rows(client.get(reverse("insights:organisation_opportunities_data", args=["surrey_frs", "csv"])))
    assert [
        (
            int(r["rank"]),
            r["theme"],
            int(r["same_type_pursuing"]),
            int(r["same_region_pursuing"]),
            int(r["all_pursuing"]),
            int(r["all_total"]),
            int(r["with_annual_savings"]),
            int(r["well_evidenced"]),
        )
        for r in rows
    ] == [
        (
            o["rank"],
            o["theme"],
            o["same_type"]["pursuing"],
            o["same_region"]["pursuing"],
            o["all"]["pursuing"],
            o["all"]["total"],
            o["with_annual_savings"],
            o["well_evidenced"],
        )
        for o in data["opportunities"]
    ]
    assert rows[0]["reasons"] == "; ".join(data["opportunities"][0]["reasons"])
    assert rows[0]["natural_partners_doing"] == "South East Coast Ambulance Service NHS Foundation Trust"


def test_format_in_the_query_string_gives_the_same_data(client, world):
    path = reverse("insights:organisation_opportunities", args=["surrey_frs"])
    assert (
        client.get(path, {"format": "json"}).json()
        == client.get(reverse("insights:organisation_opportunities_data", args=["surrey_frs", "json"])).json()
    )
    assert (
        client.get(reverse("insights:organisation_opportunities_data", args=["surrey_frs", "xml"])).status_code == 404
    )


def test_a_title_a_spreadsheet_would_run_is_written_as_text(client, theme):
    make_collaboration(
        "kent_frs",
        "kent_police",
        title='=HYPERLINK("http://x")',
        theme=theme("dm_forced_entry"),
        benefits=[saving("1000")],
    )
    rows = csv_rows(client.get(reverse("insights:organisation_opportunities_data", args=["surrey_frs", "csv"])))
    assert rows[0]["examples"].startswith("'=HYPERLINK")


def test_the_api_gives_the_json_of_the_page(client, world):
    api = client.get(reverse("api:organisation_opportunities", args=["surrey_frs"]))
    assert api.status_code == 200
    assert (
        api.json()
        == client.get(reverse("insights:organisation_opportunities_data", args=["surrey_frs", "json"])).json()
    )
    assert client.get(reverse("api:organisation_opportunities", args=["nowhere"])).status_code == 404


def test_the_api_is_the_public_picture_for_its_editor_too(client, world, cast):
    client.force_login(cast.editor_a)
    data = client.get(reverse("api:organisation_opportunities", args=["surrey_police"])).json()
    assert "dm_missing_people" in [o["theme"] for o in data["opportunities"]]


@pytest.mark.parametrize("who", ["anonymous", "editor_a", "editor_b"])
def test_only_analysts_may_read_the_gaps_from_the_api(client, cast, who):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    assert client.get(reverse("api:opportunity_gaps")).status_code == 403


def test_the_gaps_json_csv_and_api_agree_with_the_page(client, world, cast):
    client.force_login(cast.analyst)
    query = {"sort": "region", "show": "all"}
    page = client.get(reverse("insights:opportunity_gaps"), query).context["data"]
    data = client.get(reverse("insights:opportunity_gaps_data", args=["json"]), query).json()
    assert client.get(reverse("api:opportunity_gaps"), query).json() == data
    assert data["covered_by_all_three_services"] == page.tri_service
    assert data["with_a_pair_never_collaborating"] == page.with_gap
    assert [(r["code"], r["collaborations_by_pair"], r["collaborations"]) for r in data["results"]] == [
        (r.area.code, {p.code: p.collaborations for p in r.pairs}, r.collaborations) for r in page.rows
    ]
    rows = csv_rows(client.get(reverse("insights:opportunity_gaps_data", args=["csv"]), query))
    assert [(r["code"], int(r["police_fire"]), int(r["police_ambulance"]), int(r["fire_ambulance"])) for r in rows] == [
        (r["code"], *r["collaborations_by_pair"].values()) for r in data["results"]
    ]
    surrey = next(r for r in rows if r["name"] == "Surrey")
    assert surrey["pairs_without_collaboration"] == "police_ambulance; fire_ambulance"
