"""The analysts' areas with no collaboration recorded: who may see them, and every count against a recount here."""

import datetime
from collections import defaultdict

import pytest
from django.urls import reverse

from bluelight.collaborations.models import Collaboration
from bluelight.insights.opportunity_gaps import gaps_page_data
from bluelight.insights.tests.opportunities_world import opportunities_world
from bluelight.organisations.models import Organisation, PoliceForceArea

pytestmark = pytest.mark.django_db

PAIRS = [("police", "fire"), ("police", "ambulance"), ("fire", "ambulance")]
BLUE = ("police", "fire", "ambulance")


@pytest.fixture
def world(theme):
    return opportunities_world(theme)


def recount() -> dict[str, dict]:
    """Per tri-service area code: collaborations per pair and in all, worked out from the rows one by one."""
    today = datetime.date.today()
    organisations = list(Organisation.objects.prefetch_related("police_force_areas"))
    areas_of = {o.pk: {a.code for a in o.police_force_areas.all()} for o in organisations}
    service_of = {o.pk: o.service for o in organisations}
    present = defaultdict(set)
    for o in organisations:
        if o.in_register and o.is_valid_on(today) and o.service in BLUE:
            for code in areas_of[o.pk]:
                present[code].add(o.service)
    published = [c for c in Collaboration.objects.prefetch_related("partners") if c.is_published]
    found = {}
    for area in PoliceForceArea.objects.all():
        if present[area.code] != set(BLUE):
            continue
        counts = {}
        for s1, s2 in PAIRS:
            counts[f"{s1}_{s2}"] = sum(
                1
                for c in published
                if any(
                    service_of[p.organisation_id] == s1 and area.code in areas_of[p.organisation_id]
                    for p in c.partners.all()
                )
                and any(
                    service_of[p.organisation_id] == s2 and area.code in areas_of[p.organisation_id]
                    for p in c.partners.all()
                )
            )
        between = sum(
            1
            for c in published
            if len(
                {
                    service_of[p.organisation_id]
                    for p in c.partners.all()
                    if area.code in areas_of[p.organisation_id] and service_of[p.organisation_id] in BLUE
                }
            )
            >= 2
        )
        found[area.code] = {"pairs": counts, "collaborations": between}
    return found


def test_every_count_agrees_with_a_recount(world):
    expected = recount()
    data = gaps_page_data(show="all")
    assert {
        r.area.code: {"pairs": {p.code: p.collaborations for p in r.pairs}, "collaborations": r.collaborations}
        for r in data.rows
    } == expected
    assert data.tri_service == len(expected)
    assert data.areas_total == PoliceForceArea.objects.count()
    with_gap = [code for code, row in expected.items() if 0 in row["pairs"].values()]
    assert data.with_gap == len(with_gap)
    assert {p.code: p.collaborations for p in data.missing_by_pair} == {
        f"{a}_{b}": sum(1 for row in expected.values() if not row["pairs"][f"{a}_{b}"]) for a, b in PAIRS
    }
    assert sorted(r.area.code for r in gaps_page_data().rows) == sorted(with_gap)  # the default: gaps only


def test_the_areas_worked_out_by_hand(world):
    rows = {r.area.name: r for r in gaps_page_data(show="all").rows}
    kent, surrey, sussex = rows["Kent"], rows["Surrey"], rows["Sussex"]
    assert {p.code: p.collaborations for p in kent.pairs} == {
        "police_fire": 2,
        "police_ambulance": 1,
        "fire_ambulance": 1,
    }
    assert kent.missing == []
    # Surrey's only published record is police-fire: its draft does not count.
    assert [p.code for p in surrey.missing] == ["police_ambulance", "fire_ambulance"]
    assert len(sussex.missing) == 3 and sussex.collaborations == 0
    # Essex: the drone searches count; the tri-service hub is a draft, so police-ambulance and fire-ambulance are gaps.
    assert rows["Essex"].pairs[0].collaborations == 1
    assert [p.code for p in rows["Essex"].missing] == ["police_ambulance", "fire_ambulance"]


@pytest.mark.parametrize("sort", ["gaps", "collaborations", "name", "region"])
def test_each_sort_orders_the_rows_as_it_says(world, sort):
    rows = gaps_page_data(sort=sort, show="all").rows
    keys = {
        "gaps": lambda r: (-len(r.missing), r.collaborations, r.area.name),
        "collaborations": lambda r: (r.collaborations, -len(r.missing), r.area.name),
        "name": lambda r: r.area.name,
        "region": lambda r: (r.area.region, r.area.name),
    }
    assert rows == sorted(rows, key=keys[sort])


def test_an_unknown_sort_or_show_falls_back_to_the_default(world):
    data = gaps_page_data(sort="nonsense", show="nonsense")
    assert (data.sort, data.show) == ("gaps", "gaps")


def test_an_anonymous_visitor_is_asked_to_sign_in(client, register):
    for name, args in [("opportunity_gaps", []), ("opportunity_gaps_data", ["csv"])]:
        response = client.get(reverse(f"insights:{name}", args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["editor_a", "editor_b"])
def test_an_editor_may_not_see_the_gaps(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("insights:opportunity_gaps")).status_code == 403
    assert client.get(reverse("insights:opportunity_gaps_data", args=["json"])).status_code == 403


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_an_analyst_sees_the_gaps_with_counts_that_say_what_they_count(client, world, cast, who):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("insights:opportunity_gaps"), {"sort": "name"})
    assert response.status_code == 200
    html = response.content.decode()
    expected = recount()
    with_gap = sum(1 for row in expected.values() if 0 in row["pairs"].values())
    assert f'data-testid="with-gap">{with_gap}<' in html
    assert "Covered by all three services" in html
    assert "Surrey" in html and "Police–Ambulance" in html
    assert "Kent" not in [r.area.name for r in response.context["data"].rows]  # no gap there
