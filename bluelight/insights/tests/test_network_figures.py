"""The network's links, weights, degrees and isolated bodies, against a recount written here from the world as built.

The world is a list of partner sets; the recount pairs each set's members with itertools.combinations,
never calling the code under test. Drafts, withdrawn records and merged duplicates are built too, and
must never count.
"""

import datetime
import itertools
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from bluelight.collaborations.models import Collaboration, Publication
from bluelight.collaborations.services import collaborations_changed
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.editions.services import edition_publish

BLUE_LIGHT = ("police_force", "fire_and_rescue", "ambulance_trust", "police_and_crime_commissioner")

# (partners, main theme code), all published; the first partner leads.
BEFORE_EDITION = [
    (("surrey_police", "surrey_frs", "south_east_coast_as"), "es_tri_service_hub"),  # estates
    (("surrey_frs", "surrey_police"), "es_joint_facilities"),  # estates
    (("kent_police", "kent_frs"), "dm_missing_people"),  # demand
    (("kent_frs", "south_east_coast_as", "surrey_frs"), "fr_coresponding"),  # first response
    (("essex_frs", "essex_police"), "first_response"),  # the top-level theme itself
]
AFTER_EDITION = [
    (("kent_police", "essex_police", "surrey_police"), "dm_missing_people"),  # demand
]
NEVER_COUNTED = [
    (("surrey_police", "kent_police"), "es_joint_facilities", Publication.DRAFT),
    (("essex_frs", "kent_frs"), "es_joint_facilities", Publication.WITHDRAWN),
]


@pytest.fixture
def world(register, theme):
    def build(specs, **fields):
        return [
            make_collaboration(*partners, title=f"Record {i}", theme=theme(code), **fields)
            for i, (partners, code) in enumerate(specs)
        ]

    made = build(BEFORE_EDITION)
    for partners, code, publication in NEVER_COUNTED:
        make_collaboration(*partners, title="Not public", theme=theme(code), publication=publication)
    duplicate = make_collaboration("surrey_police", "essex_police", title="Duplicate", theme=theme("es_shared_hq"))
    Collaboration.objects.filter(pk=duplicate.pk).update(merged_into=made[0])
    collaborations_changed()
    edition = edition_publish(name="2024 overview", as_of=datetime.date(2024, 9, 1))
    build(AFTER_EDITION)
    return SimpleNamespace(edition=edition)


def recount(specs, *, day: datetime.date) -> dict:
    """Links, degrees and isolated bodies from the partner sets, with a raw SQL read of the register."""
    weights = Counter()
    for partners, _code in specs:
        for pair in itertools.combinations(sorted(set(partners)), 2):
            weights[pair] += 1
    partners_of, collaborations = {}, Counter()
    for a, b in weights:
        partners_of.setdefault(a, set()).add(b)
        partners_of.setdefault(b, set()).add(a)
    for partners, _code in specs:
        collaborations.update(set(partners))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slug FROM organisations_organisation WHERE in_register AND type IN (%s, %s, %s, %s)"
            " AND (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to > %s)",
            [*BLUE_LIGHT, day.year, day.year],
        )
        register = {row[0] for row in cursor.fetchall()}
    return {
        "links": {pair: n for pair, n in weights.items()},
        "partners": {slug: len(others) for slug, others in partners_of.items()},
        "collaborations": dict(collaborations),
        "isolated": register - set(collaborations),
    }


def as_found(body: dict) -> dict:
    return {
        "links": {tuple(sorted((r["source"], r["target"]))): r["collaborations"] for r in body["links"]},
        "partners": {n["id"]: n["partners"] for n in body["nodes"]},
        "collaborations": {n["id"]: n["collaborations"] for n in body["nodes"]},
        "isolated": {n["id"] for n in body["isolated"]},
    }


def test_links_weights_degrees_and_isolated_bodies_match_a_recount(client, world):
    body = client.get("/network.json").json()
    expected = recount(BEFORE_EDITION + AFTER_EDITION, day=timezone.localdate())
    assert as_found(body) == expected
    assert body["counts"] == {
        "collaborations": len(BEFORE_EDITION + AFTER_EDITION),
        "organisations": len(expected["collaborations"]),
        "links": len(expected["links"]),
        "isolated": len(expected["isolated"]),
    }
    # The sum of a node's links is the weighted degree in the graph sense: a collaboration of three adds two.
    for node in body["nodes"]:
        assert node["link_weight"] == sum(n for pair, n in expected["links"].items() if node["id"] in pair)


def test_drafts_withdrawn_records_and_merged_duplicates_are_never_counted(client, world):
    links = as_found(client.get("/network.json").json())["links"]
    assert ("kent_police", "surrey_police") in links  # only through the record added after the edition
    assert links[("kent_police", "surrey_police")] == 1  # not 2: the draft between them does not count
    assert ("essex_frs", "kent_frs") not in links  # withdrawn
    assert links[("essex_police", "surrey_police")] == 1  # the merged duplicate does not add one


@pytest.mark.parametrize(
    "themes, counted",
    [
        (["estates"], [0, 1]),  # a top-level theme takes in its sub-themes
        (["es_joint_facilities"], [1]),
        (["first_response"], [3, 4]),  # sub-theme records and the record on the top-level theme itself
        (["estates", "demand"], [0, 1, 2, 5]),  # several themes: any of them
    ],
)
def test_the_main_theme_filter_counts_the_theme_and_its_sub_themes(client, world, themes, counted):
    specs = [(BEFORE_EDITION + AFTER_EDITION)[i] for i in counted]
    body = client.get("/network.json", {"main_theme": themes}).json()
    assert body["filters"]["main_theme"] == themes
    assert body["notices"] == []
    assert body["counts"]["collaborations"] == len(specs)
    assert as_found(body) == recount(specs, day=timezone.localdate())


def test_an_edition_counts_its_frozen_entries_and_not_later_records(client, world):
    body = client.get("/network.json", {"edition": world.edition.slug}).json()
    assert body["as_of"] == "2024-09-01"
    assert as_found(body) == recount(BEFORE_EDITION, day=datetime.date(2024, 9, 1))


def test_an_edition_with_a_theme_counts_the_frozen_entries_on_it(client, world):
    body = client.get("/network.json", {"edition": world.edition.slug, "main_theme": "demand"}).json()
    assert as_found(body) == recount([BEFORE_EDITION[2]], day=datetime.date(2024, 9, 1))


def test_an_edition_names_partners_as_it_froze_them(client, world, org):
    surrey = org("surrey_frs")
    frozen_name = surrey.name
    surrey.name = "Surrey Fire and Rescue (renamed)"
    surrey.save()
    collaborations_changed()
    frozen = client.get("/network.json", {"edition": world.edition.slug}).json()
    today = client.get("/network.json").json()
    assert {n["name"] for n in frozen["nodes"] if n["id"] == "surrey_frs"} == {frozen_name}
    assert {n["name"] for n in today["nodes"] if n["id"] == "surrey_frs"} == {"Surrey Fire and Rescue (renamed)"}


def test_a_new_record_shows_at_once_despite_the_cache(client, world, theme):
    before = client.get("/network.json").json()["counts"]["collaborations"]
    make_collaboration("dorset_police", "kent_frs", title="New", theme=theme("dm_missing_people"))
    assert client.get("/network.json").json()["counts"]["collaborations"] == before + 1
