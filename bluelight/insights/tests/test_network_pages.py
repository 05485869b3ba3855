"""The network page, its filters and notices, the picture and tables, and the same network as JSON, CSV and API."""

import csv
import io
import re

import pytest
from django.urls import reverse

from bluelight.collaborations.models import Publication
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.insights.network import LINKS_DRAWN, LINKS_PAGE_SIZE

PAIRS = [
    ("surrey_police", "surrey_frs", "south_east_coast_as"),
    ("surrey_frs", "surrey_police"),
    ("kent_police", "kent_frs"),
]


@pytest.fixture
def small(register, theme):
    for i, partners in enumerate(PAIRS):
        make_collaboration(*partners, title=f"Record {i}", theme=theme("es_joint_facilities"))
    make_collaboration("kent_frs", "essex_frs", title="Draft", publication=Publication.DRAFT)


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def number(html: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}">(\d+)<', html)
    assert found, testid
    return int(found.group(1))


def test_the_page_shows_each_figure_with_what_it_counts(client, small):
    response = client.get(reverse("insights:network"))
    assert response.status_code == 200
    html = response.content.decode()
    assert number(html, "collaboration-count") == 3
    assert number(html, "organisation-count") == 5  # surrey x3, kent x2; the draft's essex_frs is not one
    assert number(html, "link-count") == 4  # police-frs, police-as, frs-as in Surrey; police-frs in Kent
    assert "collaborations counted" in html
    assert "pairs of organisations sharing at least one" in html
    assert "Published collaborations today (merged duplicates counted once, drafts never)" in html


def test_the_picture_is_an_image_with_a_text_alternative_and_a_labelled_table_beside_it(client, small):
    html = client.get(reverse("insights:network")).content.decode()
    svg = re.search(r"<svg class=\"observatory-network\"[^>]*>", html).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="network-title network-desc"' in svg
    assert "5 organisations on a circle, grouped by service; 4 of 4 links drawn" in html
    assert html.count("<circle ") == 5
    assert 'role="region" aria-labelledby="links-caption"' in html
    assert 'id="links-caption"' in html
    links_table = html[html.index('data-testid="links"') :]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in links_table  # Surrey police-frs


def test_the_most_connected_come_first_by_partners_then_collaborations(client, small):
    html = client.get(reverse("insights:network")).content.decode()
    table = html[
        html.index('data-testid="most-connected"') : html.index("</table>", html.index('data-testid="most-connected"'))
    ]
    names = re.findall(r'<a class="govuk-link" href="/organisations/([a-z_]+)/">', table)
    # Surrey Police and Surrey FRS: 2 partners, 2 collaborations; the ambulance trust: 2 partners, 1.
    assert names[:3] in (
        ["surrey_frs", "surrey_police", "south_east_coast_as"],
        ["surrey_police", "surrey_frs", "south_east_coast_as"],
    )


def test_a_stale_theme_or_edition_is_ignored_with_a_notice_and_the_page_still_shows_the_network(client, small):
    response = client.get(reverse("insights:network"), {"main_theme": "old-code", "edition": "1999-overview"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "We ignored theme &#x27;old-code&#x27;: no such theme" in html
    assert "We ignored edition &#x27;1999-overview&#x27;: no such edition" in html
    assert number(html, "collaboration-count") == 3


def test_a_stale_filter_in_the_data_is_ignored_with_a_notice_too(client, small):
    body = client.get("/network.json", {"main_theme": "old-code", "sort": "sideways"}).json()
    assert body["notices"] == [
        "We ignored theme 'old-code': no such theme",
        "We ignored sort order 'sideways': no such sort order",
    ]
    assert body["counts"]["collaborations"] == 3


def test_a_theme_with_nothing_on_it_says_so_rather_than_drawing_an_empty_picture(client, small):
    html = client.get(reverse("insights:network"), {"main_theme": "control"}).content.decode()
    assert 'data-testid="empty"' in html
    assert "observatory-network" not in html
    assert number(html, "isolated-count") > 100  # every blue-light body in the register


def test_json_csv_and_api_agree(client, small):
    body = client.get("/network.json").json()
    assert client.get("/network/", {"format": "json"}).json() == body
    assert client.get("/api/network/").json() == body
    links = rows_of(client.get("/network.csv"))
    assert [(r["source"], r["target"], int(r["collaborations"])) for r in links] == [
        (r["source"], r["target"], r["collaborations"]) for r in body["links"]
    ]
    nodes = rows_of(client.get("/network.csv", {"table": "organisations"}))
    assert [(r["id"], int(r["partners"]), int(r["collaborations"])) for r in nodes] == [
        (n["id"], n["partners"], n["collaborations"]) for n in body["nodes"]
    ]
    isolated = rows_of(client.get("/network.csv", {"table": "isolated"}))
    assert [r["id"] for r in isolated] == [n["id"] for n in body["isolated"]]


def test_the_api_takes_the_same_filters(client, small):
    filtered = {"main_theme": ["estates", "old-code"]}
    assert client.get("/api/network/", filtered).json() == client.get("/network.json", filtered).json()


def test_an_unknown_table_or_format_is_not_found(client, small):
    assert client.get("/network.csv", {"table": "everything"}).status_code == 404
    assert client.get("/network.xml").status_code == 404


def test_the_links_table_sorts_by_name_and_pages_through_every_pair(client, register, theme, org):
    from bluelight.organisations.models import Organisation

    forces = list(Organisation.objects.filter(type="police_force").order_by("slug").values_list("slug", flat=True))
    make_collaboration(*forces[:12], title="Everyone", theme=theme("nat_interop"))  # 66 pairs
    first = client.get(reverse("insights:network")).content.decode()
    assert f"Showing pairs 1 to {LINKS_PAGE_SIZE} of 66" in first
    by_name = client.get(reverse("insights:network"), {"sort": "name", "page": 2}).content.decode()
    assert f"Showing pairs {LINKS_PAGE_SIZE + 1} to 66 of 66" in by_name
    assert 'aria-sort="ascending"' in by_name
    assert '<strong aria-current="true">Organisation name</strong>' in by_name


def test_only_the_heaviest_links_are_drawn_and_the_page_says_so(client, register, theme):
    from bluelight.organisations.models import Organisation

    bodies = list(Organisation.objects.filter(type="fire_and_rescue").order_by("slug").values_list("slug", flat=True))
    make_collaboration(*bodies[:30], title="Fire everyone", theme=theme("nat_interop"))  # 435 pairs
    html = client.get(reverse("insights:network")).content.decode()
    assert f"The picture draws the {LINKS_DRAWN} links with the most collaborations, of 435" in html
    assert html.count('<path d="M ') == LINKS_DRAWN + 1  # the lines, and one arc for the fire service
