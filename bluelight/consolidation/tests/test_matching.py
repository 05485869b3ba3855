"""The matcher on small hand-built reports: what it joins, what it keeps apart, and why it says so."""

from bluelight.consolidation import matching
from bluelight.consolidation.evaluation import organisation_ids
from bluelight.consolidation.matching import MatchItem, cluster_items, title_baseline_clusters

IDS = organisation_ids()
POLICE = IDS["surrey_police"]
FIRE = IDS["surrey_frs"]
AMBULANCE = IDS["south_east_coast_as"]
KENT_POLICE = IDS["kent_police"]
KENT_FIRE = IDS["kent_frs"]
SURREY = frozenset({POLICE, FIRE, AMBULANCE})


def report(key, reporter, title, *, partners=SURREY, description="", **fields) -> MatchItem:
    return MatchItem(
        key=f"item:{key}",
        partners=frozenset(partners),
        title=title,
        description=description,
        reporter=reporter,
        return_id=fields.pop("return_id", reporter),
        **fields,
    )


def existing(pk, title, *, partners=SURREY, **fields) -> MatchItem:
    return MatchItem(key=f"collaboration:{pk}", partners=frozenset(partners), title=title, collaboration=pk, **fields)


def epsom_reports() -> list[MatchItem]:
    return [
        report(
            1,
            POLICE,
            "Joint station at Epsom",
            description="Surrey Police and Surrey Fire and Rescue Service share one station at Epsom.",
            theme="es_tri_service_hub",
            start_year=2015,
            status="operational",
        ),
        report(2, FIRE, "Shared site, Epsom", start_year=2016, status="operational"),
        report(
            3,
            AMBULANCE,
            "Epsom joint police, fire and ambulance station",
            description="SECAmb crews are based at the shared station in Epsom with police and fire.",
        ),
    ]


def cluster_of(clusters, key):
    (found,) = [c for c in clusters if f"item:{key}" in c.keys]
    return found


def test_three_partners_reports_of_one_collaboration_form_one_cluster():
    clusters = cluster_items(epsom_reports())

    assert [sorted(c.keys) for c in clusters] == [["item:1", "item:2", "item:3"]]
    assert clusters[0].score > 0.5
    assert len(clusters[0].pair_scores) == 2


def test_two_stations_of_the_same_partners_in_different_towns_stay_apart():
    woking = [
        report(4, POLICE, "Joint station at Woking", return_id=11),
        report(5, FIRE, "Shared site, Woking", return_id=12),
    ]
    epsom = [report(1, POLICE, "Joint station at Epsom"), report(2, FIRE, "Shared site, Epsom")]

    clusters = cluster_items(epsom + woking)

    assert sorted(sorted(c.keys) for c in clusters) == [["item:1", "item:2"], ["item:4", "item:5"]]


def test_a_station_and_a_control_room_of_the_same_partners_in_one_town_stay_apart():
    items = [
        report(1, POLICE, "Joint station at Epsom", theme="es_joint_facilities"),
        report(2, FIRE, "Shared site, Epsom"),
        report(6, POLICE, "Joint control room at Epsom", return_id=21, theme="cr_colocated"),
        report(7, FIRE, "Epsom co-located control room", return_id=22),
    ]

    clusters = cluster_items(items)

    assert sorted(sorted(c.keys) for c in clusters) == [["item:1", "item:2"], ["item:6", "item:7"]]


def test_items_from_the_same_return_never_merge():
    items = [
        report(1, POLICE, "Joint station at Epsom", return_id=10),
        report(2, POLICE, "Joint station at Epsom", return_id=10),
    ]

    clusters = cluster_items(items)

    assert sorted(c.keys for c in clusters) == [["item:1"], ["item:2"]]


def test_one_reporter_is_never_twice_in_one_cluster_even_from_two_returns():
    items = [
        report(1, POLICE, "Joint station at Epsom", return_id=10),
        report(2, POLICE, "Joint station at Epsom", return_id=99),
        report(3, FIRE, "Joint station at Epsom", return_id=20),
    ]

    clusters = cluster_items(items)

    assert all(len({i.reporter for i in items if i.key in c.keys}) == len(c.keys) for c in clusters)
    assert len(clusters) == 2
    (alone,) = [c for c in clusters if len(c.keys) == 1]
    assert "already has a report from the same organisation" in alone.explanation
    assert alone.score < 0.1  # the analyst should look: one organisation reported it twice


def test_a_prefilled_item_attaches_to_its_existing_collaboration_whatever_its_title():
    items = [report(1, POLICE, "Our estates work with the fire service", known_collaboration=42)]
    records = [existing(42, "Joint station at Epsom"), existing(43, "Our estates work with the fire service")]

    (cluster,) = cluster_items(items, records)

    assert cluster.existing == 42
    assert cluster.keys == ["item:1"]
    assert "pre-filled from collaboration 42" in cluster.explanation


def test_reports_matching_an_existing_collaboration_are_attached_to_it_and_it_is_not_returned_alone():
    records = [existing(42, "Joint station at Epsom"), existing(43, "Joint station at Woking")]

    clusters = cluster_items(epsom_reports(), records)

    assert [(sorted(c.keys), c.existing) for c in clusters] == [(["item:1", "item:2", "item:3"], 42)]
    assert "existing collaboration 42" in clusters[0].explanation


def test_every_item_is_in_exactly_one_cluster():
    items = [
        *epsom_reports(),
        report(4, POLICE, "Joint station at Woking", return_id=11),
        report(5, FIRE, "Shared site, Woking", return_id=12),
        report(6, POLICE, "Drones for missing person searches", partners={POLICE, FIRE}, return_id=13),
        report(8, KENT_POLICE, "Joint station at Epsom", partners={KENT_POLICE, KENT_FIRE}),
    ]

    clusters = cluster_items(items, [existing(42, "Joint station at Epsom")])

    keys = [k for c in clusters for k in c.keys]
    assert sorted(keys) == sorted(i.key for i in items)
    assert all(k.startswith("item:") for k in keys)
    assert all(0 <= c.score <= 1 for c in clusters)


def test_the_explanation_names_the_partners_the_titles_and_the_place():
    clusters = cluster_items(epsom_reports()[:2])

    explanation = clusters[0].explanation
    assert "same 3 partners" in explanation
    assert "titles" in explanation and "similar" in explanation
    assert "both name Epsom" in explanation


def test_a_singleton_says_which_report_came_closest_and_why_it_was_not_joined():
    items = [report(1, POLICE, "Joint station at Epsom"), report(5, FIRE, "Shared site, Woking")]

    clusters = cluster_items(items)

    alone = cluster_of(clusters, 1)
    assert alone.explanation.startswith("alone: closest is 'Shared site, Woking'")
    assert "different place (Epsom vs Woking)" in alone.explanation
    assert alone.score > 0.9  # sure that it stands alone


def test_items_sharing_no_pair_of_partners_are_never_compared():
    items = [
        report(1, POLICE, "Joint station at Epsom", partners={POLICE, FIRE}),
        report(2, KENT_POLICE, "Joint station at Epsom", partners={KENT_POLICE, KENT_FIRE}),
        report(3, AMBULANCE, "Joint station at Epsom", partners={AMBULANCE, POLICE}),
    ]
    stats: dict = {}

    clusters = cluster_items(items, stats=stats)

    assert stats["comparisons"] == 0
    assert len(clusters) == 3
    assert all(
        c.explanation == "alone: no report from another organisation shares two of its partners" for c in clusters
    )


def test_a_huge_block_is_capped_to_each_items_nearest_titles():
    towns = [f"Town{n:03d}" for n in range(matching.LARGE_BLOCK + 30)]
    items = [
        report(n, POLICE if n % 2 else FIRE, f"Joint station at {town}", partners={POLICE, FIRE}, return_id=n)
        for n, town in enumerate(towns)
    ]
    stats: dict = {}

    clusters = cluster_items(items, stats=stats)

    assert stats["large_blocks"] == 1
    assert stats["comparisons"] <= len(items) * matching.NEIGHBOURS
    assert len(clusters) == len(items)  # every town is its own station


def test_the_title_baseline_groups_alike_titles_and_nothing_else():
    items = [
        report(1, POLICE, "Joint station at Epsom"),
        report(2, FIRE, "Joint station at Epsom"),
        report(3, KENT_POLICE, "Joint station at Epsom", partners={KENT_POLICE, KENT_FIRE}),
        report(4, AMBULANCE, "Falls response team"),
    ]

    clusters = title_baseline_clusters(items, threshold=0.8)

    assert sorted(sorted(c.keys) for c in clusters) == [["item:1", "item:2", "item:3"], ["item:4"]]
