"""Each edition as a Frictionless data package: valid, licensed as settings say, and holding exactly its entries."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from frictionless import validate

from bluelight.collaborations.models import Theme
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.services import edition_publish


@pytest.fixture
def edition(register, theme, org):
    make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="=Shared HQ",  # a spreadsheet would run this: it must come out as text
        theme=theme("es_shared_hq"),
        secondary_themes=[theme("dm_missing_people")],
        benefits=[saving("125000.50", accrues_to=org("surrey_police")), saving("9000", basis="realised")],
    )
    make_collaboration("kent_police", "kent_frs", "south_east_coast_as", title="Kent co-responding")
    make_collaboration("gwent_police", "south_wales_frs", title="Gwasanaeth Tân a’r heddlu", status="planned")
    return edition_publish(name="2026 overview", as_of=timezone.localdate())


def unzip(client, edition, tmp_path):
    response = client.get(reverse("editions:datapackage", args=[edition.slug, "zip"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    archive.extractall(tmp_path)
    return tmp_path


def table(folder, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / "data" / f"{name}.csv").read_text("utf-8-sig"))))


def test_the_zip_is_a_valid_data_package(client, edition, tmp_path):
    folder = unzip(client, edition, tmp_path)
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [task.name for task in report.tasks] == ["collaborations", "partners", "themes", "organisations", "benefits"]
    assert all(task.stats["rows"] > 0 for task in report.tasks)


def test_the_package_describes_every_table_with_keys_and_the_licence(client, edition, settings):
    package = client.get(reverse("editions:datapackage", args=[edition.slug, "json"])).json()
    assert package["licenses"] == [
        {
            "name": "OGL-UK-3.0",
            "title": "Open Government Licence v3.0",
            "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        }
    ]
    assert package["name"] == f"bluelight-{edition.slug}"
    assert [r["name"] for r in package["resources"]] == [
        "collaborations",
        "partners",
        "themes",
        "organisations",
        "benefits",
    ]
    for resource in package["resources"]:
        assert resource["schema"]["primaryKey"]
        assert all(f["name"] and f["type"] and f["description"] for f in resource["schema"]["fields"])
    partners = package["resources"][1]["schema"]
    assert {"fields": "organisation", "reference": {"resource": "organisations", "fields": "id"}} in partners[
        "foreignKeys"
    ]


def test_the_tables_hold_the_editions_entries(client, edition, tmp_path):
    folder = unzip(client, edition, tmp_path)
    entries = {str(e.uid): e.data for e in edition.entries.all()}
    collaborations = table(folder, "collaborations")
    assert {row["uid"] for row in collaborations} == set(entries)
    assert sorted(row["title"] for row in collaborations) == sorted(
        ("'" + d["title"]) if d["title"].startswith("=") else d["title"] for d in entries.values()
    )
    planned = next(row for row in collaborations if row["status"] == "planned")
    assert planned["status_label"] == "Planned" and planned["title"] == "Gwasanaeth Tân a’r heddlu"
    assert len(table(folder, "partners")) == sum(len(d["partners"]) for d in entries.values())
    benefits = table(folder, "benefits")
    assert sorted(b["amount_gbp"] for b in benefits) == ["125000.50", "9000.00"]
    assert {b["basis_label"] for b in benefits} == {"Projected or estimated", "Realised"}
    themes = {row["code"]: row for row in table(folder, "themes")}
    assert themes["es_shared_hq"]["parent"] == "estates"
    assert themes["es_shared_hq"]["name"] == Theme.objects.get(code="es_shared_hq").name
    assert "dm_missing_people" in themes


def test_later_changes_do_not_change_the_package(client, edition):
    url = reverse("editions:datapackage_table", args=[edition.slug, "collaborations"])
    before = b"".join(client.get(url).streaming_content)
    make_collaboration("essex_police", "essex_frs", title="Published after the edition")
    assert b"".join(client.get(url).streaming_content) == before


def test_the_licence_comes_from_settings(client, edition, settings):
    settings.OPEN_DATA_LICENCE = {"name": "CC-BY-4.0", "title": "CC BY 4.0", "path": "https://example.org/by/4.0/"}
    package = client.get(reverse("editions:datapackage", args=[edition.slug, "json"])).json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_a_client_that_has_the_package_gets_304(client, edition):
    url = reverse("editions:datapackage", args=[edition.slug, "json"])
    tag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304


def test_unknown_editions_tables_and_kinds_are_not_found(client, edition):
    assert client.get(reverse("editions:datapackage", args=["no-such-edition", "json"])).status_code == 404
    assert client.get(reverse("editions:datapackage", args=[edition.slug, "xml"])).status_code == 404
    assert client.get(reverse("editions:datapackage_table", args=[edition.slug, "contacts"])).status_code == 404


def test_the_api_lists_the_edition_with_its_entries_and_package(client, edition):
    listed = client.get(reverse("api:edition-list")).json()["results"][0]
    assert listed["slug"] == edition.slug and listed["datapackage_url"].endswith("/datapackage.json")
    entries = client.get(listed["entries_url"]).json()
    assert entries["count"] == 3
    assert {e["uid"] for e in entries["results"]} == {str(e.uid) for e in edition.entries.all()}
    assert all("status_label" in e for e in entries["results"])
