"""Every list and record page is also data: .json and .csv (or ?format=), the page's records, safe in a spreadsheet."""

import csv
import io
import re

import pytest
from django.urls import reverse

from bluelight.collaborations.models import Publication
from bluelight.collaborations.tests.factories import make_collaboration

PAGE = reverse("explorer:collaboration_list")


@pytest.fixture
def records(register, theme):
    make_collaboration("surrey_police", "surrey_frs", title="Shared HQ in Surrey", theme=theme("es_shared_hq"))
    make_collaboration("kent_police", "kent_frs", title="Kent searches", theme=theme("dm_missing_people"))
    make_collaboration("devon_cornwall_police", "devon_somerset_frs", title="South West station", status="completed")
    make_collaboration("surrey_police", "surrey_frs", title="Draft in Surrey", publication=Publication.DRAFT)


def read_csv(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, so Excel reads the accents
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def page_ids(client, query: str) -> set[int]:
    html = client.get(f"{PAGE}?{query}").content.decode()
    return {int(pk) for pk in re.findall(r'href="/collaborations/(\d+)/"', html)}


@pytest.mark.parametrize("query", ["", "status=completed", "theme=estates", "region=South+West", "q=kent"])
def test_the_json_and_csv_hold_the_records_the_page_lists(client, records, query):
    listed = client.get(f"/collaborations.json?{query}").json()
    assert {r["id"] for r in listed["results"]} == page_ids(client, query)
    assert {int(r["id"]) for r in read_csv(client.get(f"/collaborations.csv?{query}"))} == page_ids(client, query)


def test_format_on_the_page_url_gives_the_same_data(client, records):
    assert (
        client.get(f"{PAGE}?format=json&status=completed").json()
        == client.get("/collaborations.json?status=completed").json()
    )
    rows = read_csv(client.get(f"{PAGE}?format=csv&status=completed"))
    assert [r["title"] for r in rows] == ["South West station"]


def test_signed_in_editors_download_published_records_only(client, cast, records):
    client.force_login(cast.editor_a)
    assert "Draft in Surrey" in client.get(PAGE).content.decode()  # the page shows them their draft ...
    assert "Draft in Surrey" not in client.get("/collaborations.json").content.decode()  # ... the data never
    assert "Draft in Surrey" not in b"".join(client.get("/collaborations.csv").streaming_content).decode()


def test_the_csv_has_a_clear_header_and_labels_beside_codes(client, records):
    rows = read_csv(client.get("/collaborations.csv?status=completed"))
    assert rows[0]["status"] == "completed" and rows[0]["status_label"] == "Completed"
    assert rows[0]["lead_organisation"] == "devon_cornwall_police"
    assert rows[0]["lead_organisation_name"] == "Devon and Cornwall Police"
    assert rows[0]["url"].endswith(reverse("explorer:collaboration_detail", args=[rows[0]["id"]]))


def test_a_title_a_spreadsheet_would_run_comes_out_as_text(client, register):
    make_collaboration("surrey_police", "surrey_frs", title='=HYPERLINK("http://evil.example","Click")')
    rows = read_csv(client.get("/collaborations.csv"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert client.get("/collaborations.json").json()["results"][0]["title"].startswith("=")  # JSON keeps it exact


def test_a_record_is_data_at_its_address_with_json_or_csv(client, records, register):
    record = make_collaboration("essex_police", "essex_frs", title="Essex hub")
    shown = client.get(f"/collaborations/{record.pk}.json")
    assert shown.status_code == 200 and shown.json()["title"] == "Essex hub"
    assert "contacts" not in shown.json() and "Pat Example" not in shown.content.decode()
    assert client.get(f"/collaborations/{record.pk}/?format=json").json() == shown.json()
    assert [r["title"] for r in read_csv(client.get(f"/collaborations/{record.pk}.csv"))] == ["Essex hub"]
    assert client.get(f"/collaborations/{record.pk}.xml").status_code == 404


def test_an_unpublished_record_is_not_data_even_for_its_editor(client, cast, register):
    draft = make_collaboration("surrey_police", "surrey_frs", title="Draft", publication=Publication.DRAFT)
    client.force_login(cast.editor_a)
    assert client.get(f"/collaborations/{draft.pk}.json").status_code == 404


def test_data_downloads_have_etags(client, records):
    response = client.get("/collaborations.json")
    assert client.get("/collaborations.json", headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_organisations_are_data_with_the_pages_filters(client, records):
    police = client.get("/organisations.json?type=police_force").json()
    assert police["count"] == 43 and all(o["type_label"] == "Police force" for o in police["results"])
    surrey = next(o for o in police["results"] if o["id"] == "surrey_police")
    assert surrey["collaboration_count"] == 1  # published ones only
    rows = read_csv(client.get("/organisations.csv?type=police_force"))
    assert len(rows) == 43 and rows[0]["type_label"] == "Police force"
    assert client.get("/organisations/?format=csv&type=police_force").status_code == 200


def test_a_page_past_the_end_is_not_found(client, records):
    assert client.get("/collaborations.json?page=99").status_code == 404
