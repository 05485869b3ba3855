"""/api/duty/: signed-in users only; editors read and add to their own organisations' records, analysts read all."""

import pytest

from bluelight.insights.models import DutyOpportunity
from bluelight.insights.tests.duty_world import opportunity_make

pytestmark = pytest.mark.django_db

URL = "/api/duty/"


@pytest.fixture
def two_records(register):
    return opportunity_make(), opportunity_make("kent_frs", title="Kent estates", partners=("kent_police",))


def new(**changes) -> dict:
    body = {
        "organisation": "surrey_police", "title": "Joint drone unit", "identified_on": "2024-03-01",
        "theme": "es_joint_facilities",
        "notifications": [{"organisation": "surrey_frs", "notified_on": "2024-03-02", "response": "Keen"}],
        "considered_jointly_on": "2024-04-01", "decision": "decline", "decided_on": "2024-05-01",
        "efficiency": "no", "effectiveness": "no", "public_safety_harm": "no", "reasons": "No saving, no gain.",
    }
    return {**body, **changes}


def test_anonymous_clients_are_refused(client, two_records):
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{two_records[0].pk}/").status_code == 403
    assert client.post(URL, new(), content_type="application/json").status_code == 403
    assert DutyOpportunity.objects.count() == 2


def test_an_editor_reads_only_their_organisations_records(client, cast, two_records):
    surrey, kent = two_records
    client.force_login(cast.editor_a)
    data = client.get(URL).json()
    assert [r["id"] for r in data["results"]] == [surrey.pk] and data["count"] == 1
    result = data["results"][0]
    assert result["organisation"] == "surrey_police" and result["notifications"][0]["organisation"] == "surrey_frs"
    assert client.get(f"{URL}{kent.pk}/").status_code == 404
    assert client.get(URL, {"organisation": "kent_frs"}).json()["count"] == 0


def test_the_analyst_reads_every_record_and_filters_them(client, cast, two_records):
    client.force_login(cast.analyst)
    assert client.get(URL).json()["count"] == DutyOpportunity.objects.count() == 2
    assert [r["title"] for r in client.get(URL, {"organisation": "kent_frs"}).json()["results"]] == ["Kent estates"]
    assert client.get(URL, {"decision": "proceed"}).json()["count"] == 0


def test_reads_carry_an_etag_and_answer_304_when_unchanged(client, cast, two_records):
    client.force_login(cast.editor_a)
    first = client.get(URL)
    assert first.has_header("ETag")
    assert client.get(URL, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_an_editor_adds_an_opportunity_through_the_rules(client, cast, two_records):
    client.force_login(cast.editor_a)
    response = client.post(URL, new(), content_type="application/json")
    assert response.status_code == 201, response.json()
    created = DutyOpportunity.objects.get(pk=response.json()["id"])
    assert created.organisation.slug == "surrey_police" and created.decision == "decline"
    assert created.created_by == cast.editor_a and created.theme.code == "es_joint_facilities"
    assert list(created.notifications.values_list("organisation__slug", "response")) == [("surrey_frs", "Keen")]


def test_a_refused_opportunity_names_the_rules_and_writes_nothing(client, cast, two_records):
    client.force_login(cast.editor_a)
    response = client.post(URL, new(decision="proceed", public_safety_harm="yes"), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert {e["code"] for e in body["efficiency"]} == {"DUTY005"}
    assert {e["code"] for e in body["public_safety_harm"]} == {"DUTY006"}
    assert client.post(URL, new(decision="maybe"), content_type="application/json").status_code == 400
    assert DutyOpportunity.objects.count() == 2


def test_editor_b_and_the_analyst_cannot_add_to_surreys_record(client, cast, two_records):
    for user in (cast.editor_b, cast.analyst):
        client.force_login(user)
        assert client.post(URL, new(), content_type="application/json").status_code == 403
    assert DutyOpportunity.objects.count() == 2
