"""The record as a dated PDF, CSV and JSON, and the national picture's counts against an independent recount."""

import csv
import io
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.insights.tests.duty_world import opportunity_make
from bluelight.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(register):
    """Surrey Police: one going ahead (with a collaboration), one declined for harm, one under consideration;
    Kent FRS two declined; a Welsh service one declined on efficiency and effectiveness."""
    station = make_collaboration("surrey_police", "surrey_frs", title="Reigate shared station")
    opportunity_make(title="Shared station", decision="proceed", efficiency="yes", effectiveness="yes",
                     public_safety_harm="no", collaboration=station)
    opportunity_make(title="Merged control room", decision="decline", efficiency="yes", effectiveness="no",
                     public_safety_harm="yes", partners=("surrey_frs", "south_east_coast_as"))
    opportunity_make(title="Joint drone unit")
    opportunity_make("kent_frs", title="Kent estates", decision="decline", efficiency="no", effectiveness="no",
                     public_safety_harm="yes", partners=("kent_police",))
    opportunity_make("kent_frs", title="Kent co-responding", decision="decline", partners=("kent_police",))
    opportunity_make("south_wales_police", title="Welsh fleet", decision="decline", efficiency="no",
                     effectiveness="no", public_safety_harm="no", partners=("south_wales_frs",))
    return station


def test_the_record_is_a_dated_pdf_with_each_opportunity(client, cast, records):
    client.force_login(cast.editor_a)
    response = client.get(reverse("insights:duty_record_pdf", args=["surrey_police"]))
    today = timezone.localdate()
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"duty-record-surrey_police-{today:%Y-%m-%d}.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Surrey Police: duty to collaborate record" in text
    assert f"Surrey Police, as at {today.day} {today:%B %Y}" in text
    for expected in ("Shared station", "Merged control room", "Joint drone unit", "Surrey Fire and Rescue Service",
                     "Reigate shared station", "An adverse effect on public safety: Yes"):
        assert expected in text, expected
    assert "Kent estates" not in text
    assert reader.metadata.title == f"Surrey Police: duty to collaborate record as at {today.day} {today:%B %Y}"


def test_the_pdf_is_refused_to_editor_b_and_given_to_the_analyst(client, cast, records):
    url = reverse("insights:duty_record_pdf", args=["surrey_police"])
    client.force_login(cast.editor_b)
    assert client.get(url).status_code == 404
    client.force_login(cast.analyst)
    assert client.get(url).status_code == 200


def test_the_record_as_csv_has_one_safe_row_per_opportunity(client, cast, records):
    opportunity_make(title="=HYPERLINK(\"http://evil\")")
    client.force_login(cast.editor_a)
    response = client.get(reverse("insights:duty_record_data", args=["surrey_police", "csv"]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["title"] for r in rows) == sorted(
        ["Shared station", "Merged control room", "Joint drone unit", "'=HYPERLINK(\"http://evil\")"]
    )
    declined = next(r for r in rows if r["title"] == "Merged control room")
    assert declined["decision"] == "decline" and declined["public_safety_harm"] == "yes"
    names = [Organisation.objects.get(slug=s).name for s in ("surrey_frs", "south_east_coast_as")]
    assert declined["partners_notified"] == f"{names[0]} (2024-03-04); {names[1]} (2024-03-04)"
    station = next(r for r in rows if r["title"] == "Shared station")
    assert station["collaboration"] == str(records.pk) and station["collaboration_title"] == "Reigate shared station"
    assert client.get(reverse("insights:duty_record", args=["surrey_police"]), {"format": "csv"}).content == (
        response.content
    )


def test_the_record_as_json_counts_what_it_lists(client, cast, records):
    client.force_login(cast.analyst)
    data = client.get(reverse("insights:duty_record_data", args=["surrey_police", "json"])).json()
    assert data["organisation"]["slug"] == "surrey_police" and data["voluntary"] is False
    assert data["as_at"] == timezone.localdate().isoformat()
    decisions = Counter(r["decision"] for r in data["results"])
    assert data["counts"] == {
        "considered": len(data["results"]), "proceeded": decisions["proceed"], "declined": decisions["decline"],
        "under_consideration": decisions["under_consideration"],
    } == {"considered": 3, "proceeded": 1, "declined": 1, "under_consideration": 1}
    assert client.get(reverse("insights:duty_record_data", args=["surrey_police", "xml"])).status_code == 404
    wales = client.get(reverse("insights:duty_record_data", args=["south_wales_police", "json"])).json()
    assert wales["voluntary"] is True


def recount() -> dict:
    """The national figures recounted in SQL, independently of insights/duty.py."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.type, o.region, d.decision, d.efficiency, d.effectiveness, d.public_safety_harm "
            "FROM insights_dutyopportunity d JOIN organisations_organisation o ON o.id = d.organisation_id"
        )
        rows = cursor.fetchall()
    service_of = {"police_force": "police", "police_and_crime_commissioner": "police", "fire_and_rescue": "fire",
                  "ambulance_trust": "ambulance"}
    totals = Counter(decision for *_, decision, _e, _f, _h in rows)
    by_service = Counter((service_of.get(t, "wider"), decision) for t, _r, decision, *_ in rows)
    by_region = Counter((r, decision) for _t, r, decision, *_ in rows)
    grounds = Counter()
    for *_, decision, efficiency, effectiveness, harm in rows:
        if decision != "decline":
            continue
        failed = (efficiency == "no" and effectiveness == "no", harm == "yes")
        grounds[{(True, True): "both", (True, False): "efficiency_and_effectiveness",
                 (False, True): "public_safety", (False, False): "neither"}[failed]] += 1
    return {"rows": len(rows), "totals": totals, "service": by_service, "region": by_region, "grounds": grounds}


def test_the_national_picture_matches_an_independent_recount(client, cast, records):
    expected = recount()
    client.force_login(cast.analyst)
    data = client.get(reverse("insights:duty_national_data", args=["json"])).json()
    assert data["counts"] == {
        "considered": expected["rows"], "proceeded": expected["totals"]["proceed"],
        "declined": expected["totals"]["decline"], "under_consideration": expected["totals"]["under_consideration"],
    }
    assert data["organisations_with_a_record"] == 3 and data["voluntary_welsh"] == 1
    for row in data["by_service"]:
        assert row["proceeded"] == expected["service"][(row["service"], "proceed")]
        assert row["declined"] == expected["service"][(row["service"], "decline")]
        assert row["considered"] == sum(n for (s, _d), n in expected["service"].items() if s == row["service"])
    for row in data["by_region"]:
        assert row["declined"] == expected["region"][(row["region"], "decline")]
        assert row["considered"] == sum(n for (r, _d), n in expected["region"].items() if r == row["region"])
    assert sum(r["considered"] for r in data["by_region"]) == expected["rows"]
    grounds = {g["ground"]: g["declined"] for g in data["declined_because"]}
    assert grounds == {key: expected["grounds"][key] for key in grounds}
    assert grounds == {"efficiency_and_effectiveness": 1, "public_safety": 1, "both": 1, "neither": 1}


def test_the_national_page_shows_the_recounted_figures_in_words(client, cast, records):
    expected = recount()
    client.force_login(cast.analyst)
    html = " ".join(client.get(reverse("insights:duty_national")).content.decode().split())
    totals = expected["totals"]
    assert (
        f"{expected['rows']} opportunities considered by 3 organisations: {totals['proceed']} going ahead, "
        f"{totals['decline']} not going ahead, {totals['under_consideration']} still under consideration."
    ) in html
    assert f"Why {totals['decline']} opportunities were not taken forward" in html
    assert f'data-ground="public_safety">{expected["grounds"]["public_safety"]}<' in html
    assert "1 of them was recorded voluntarily by a Welsh service" in html


def test_the_national_csv_has_a_row_per_group(client, cast, records):
    client.force_login(cast.analyst)
    response = client.get(reverse("insights:duty_national_data", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = next(r for r in rows if r["dimension"] == "total")
    assert total["considered"] == str(recount()["rows"])
    assert {r["group"] for r in rows if r["dimension"] == "service"} == {"police", "fire"}
    assert sum(int(r["declined"]) for r in rows if r["dimension"] == "declined_because") == int(total["declined"])
    client.force_login(cast.editor_a)
    assert client.get(reverse("insights:duty_national_data", args=["csv"])).status_code == 404
