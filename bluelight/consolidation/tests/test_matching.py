"""The matcher on small hand-built reports: what it joins, what it keeps apart, and why it says so.

No database: the matcher takes plain `MatchItem`s and the `Knowledge` the database would give it.
"""

import dataclasses

from bluelight.consolidation.matching import Knowledge, MatchItem, cluster_items, clustering

POLICE, FIRE, AMBULANCE, KENT_POLICE, KENT_FIRE, COMMISSIONER, COUNCIL = range(1, 8)
SURREY = frozenset({POLICE, FIRE, AMBULANCE})
KNOWLEDGE = Knowledge(
    organisation_names=[
        "Surrey Police",
        "Surrey Fire and Rescue Service",
        "Surrey FRS",
        "South East Coast Ambulance Service",
        "SECAmb",
        "Kent Police",
        "Kent Fire and Rescue Service",
        "Police and Crime Commissioner for Surrey",
        "Surrey County Council",
    ],
    sides={COMMISSIONER: POLICE},
    minor=frozenset({COUNCIL}),
)


def report(key, reporter, title, *, partners=SURREY, description="", **fields) -> MatchItem:
    return MatchItem(
        key=f"item:{key}",
        partners=frozenset(partners) | {reporter},
        title=title,
        description=description,
        reporter=reporter,
        return_id=fields.pop("return_id", reporter),
        **fields,
    )


def existing(pk, title, *, partners=SURREY, **fields) -> MatchItem:
    return MatchItem(key=f"collaboration:{pk}", partners=frozenset(partners), title=title, collaboration=pk, **fields)


def match(items, records=(), **options):
    return cluster_items(items, records, knowledge=KNOWLEDGE, **options)


def groups(clusters) -> list[list[str]]:
    return sorted(sorted(c.keys) for c in clusters)


def epsom_reports() -> list[MatchItem]:
    return [
        report(
            1,
            POLICE,
            "Joint station at Epsom",
            description="Surrey Police and Surrey Fire and Rescue Service share one station at Epsom.",
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


def test_three_partners_reports_of_one_collaboration_form_one_cluster():
    clusters = match(epsom_reports())

    assert groups(clusters) == [["item:1", "item:2", "item:3"]]
    assert clusters[0].score > 0.5
    assert len(clusters[0].pair_scores) == 2


def test_reports_sharing_no_title_word_join_on_partners_place_and_kind_of_work():
    """How partners really write: the fire service about its station, the police about its team."""
    items = [
        report(
            1,
            FIRE,
            "Station extension and refurbishment",
            partners={POLICE},
            description="Extension at Todmorden fire station so that the local police team can work from it.",
            start_year=2018,
            status="completed",
        ),
        report(
            2,
            POLICE,
            "NPT relocation",
            partners={FIRE},
            description="Our neighbourhood team left the old police station and moved into Todmorden fire station.",
            start_year=2019,
            status="operational",
        ),
    ]

    (cluster,) = match(items)

    assert sorted(cluster.keys) == ["item:1", "item:2"]
    assert "both name Todmorden" in cluster.explanation


def test_two_stations_of_the_same_partners_in_different_towns_stay_apart():
    woking = [
        report(4, POLICE, "Joint station at Woking", return_id=11),
        report(5, FIRE, "Shared site, Woking", return_id=12),
    ]
    epsom = [report(1, POLICE, "Joint station at Epsom"), report(2, FIRE, "Shared site, Epsom")]

    assert groups(match(epsom + woking)) == [["item:1", "item:2"], ["item:4", "item:5"]]


def test_the_same_two_partners_reports_are_paired_one_to_one_by_what_they_describe():
    items = [
        report(1, POLICE, "Drone sharing agreement", partners={FIRE}, description="Police use the fire drone."),
        report(2, POLICE, "Shared fleet workshop", partners={FIRE}, description="Vehicles serviced together."),
        report(3, FIRE, "Use of our drone by the police", partners={POLICE}, description="Drone for searches."),
        report(4, FIRE, "Joint vehicle workshop", partners={POLICE}, description="One workshop for both fleets."),
    ]

    assert groups(match(items)) == [["item:1", "item:3"], ["item:2", "item:4"]]


def test_a_commissioners_report_joins_its_forces_report_of_the_same_scheme():
    items = [
        report(1, POLICE, "Joint station at Epsom", partners={FIRE}),
        report(2, COMMISSIONER, "Epsom shared police and fire station", partners={FIRE}),
    ]

    (cluster,) = match(items)

    assert sorted(cluster.keys) == ["item:1", "item:2"]


def test_items_from_the_same_return_never_merge():
    items = [
        report(1, POLICE, "Joint station at Epsom", return_id=10),
        report(2, POLICE, "Joint station at Epsom", return_id=10),
    ]

    assert groups(match(items)) == [["item:1"], ["item:2"]]


def test_one_reporter_is_never_twice_in_one_cluster_even_from_two_returns():
    items = [
        report(1, POLICE, "Joint station at Epsom", return_id=10),
        report(2, POLICE, "Joint station at Epsom", return_id=99),
        report(3, FIRE, "Joint station at Epsom", return_id=20),
    ]

    clusters = match(items)

    assert all(len({i.reporter for i in items if i.key in c.keys}) == len(c.keys) for c in clusters)
    assert len(clusters) == 2
    (alone,) = [c for c in clusters if len(c.keys) == 1]
    assert "already has a report from the same organisation" in alone.explanation
    assert alone.score < 0.5  # the analyst should look: one organisation reported it twice


def test_a_prefilled_item_attaches_to_its_existing_collaboration_whatever_its_title():
    items = [report(1, POLICE, "Our estates work with the fire service", known_collaboration=42)]
    records = [existing(42, "Joint station at Epsom"), existing(43, "Our estates work with the fire service")]

    (cluster,) = match(items, records)

    assert cluster.existing == 42
    assert cluster.keys == ["item:1"]
    assert "pre-filled from collaboration 42" in cluster.explanation


def test_reports_matching_an_existing_collaboration_are_attached_to_it_and_it_is_not_returned_alone():
    records = [existing(42, "Joint station at Epsom"), existing(43, "Joint station at Woking")]

    clusters = match(epsom_reports(), records)

    assert [(sorted(c.keys), c.existing) for c in clusters] == [(["item:1", "item:2", "item:3"], 42)]
    assert "existing collaboration 42" in clusters[0].explanation


def test_every_item_is_in_exactly_one_cluster_with_a_probability():
    items = [
        *epsom_reports(),
        report(4, POLICE, "Joint station at Woking", return_id=11),
        report(5, FIRE, "Shared site, Woking", return_id=12),
        report(6, POLICE, "Drones for missing person searches", partners={POLICE, FIRE}, return_id=13),
        report(8, KENT_POLICE, "Joint station at Epsom", partners={KENT_POLICE, KENT_FIRE}),
    ]

    clusters = match(items, [existing(42, "Joint station at Epsom")])

    keys = [k for c in clusters for k in c.keys]
    assert sorted(keys) == sorted(i.key for i in items)
    assert all(k.startswith("item:") for k in keys)
    assert all(0 <= c.score <= 1 for c in clusters)


def test_the_explanation_names_the_partners_the_wording_and_the_place():
    clusters = match(epsom_reports()[:2])

    explanation = clusters[0].explanation
    assert "same 3 partners" in explanation
    assert "both name Epsom" in explanation


def test_a_report_alone_says_it_was_reported_by_one_partner_and_which_report_came_closest():
    items = [report(1, POLICE, "Joint station at Epsom"), report(5, FIRE, "Shared site, Woking")]

    clusters = match(items)

    alone = [c for c in clusters if c.keys == ["item:1"]][0]
    assert alone.explanation.startswith("reported by one partner only; closest is 'Shared site, Woking'")
    assert "different places (Epsom vs Woking)" in alone.explanation
    assert alone.score > 0.7  # likely that it stands alone


def test_reports_sharing_no_partner_are_never_compared():
    items = [
        report(1, POLICE, "Joint station at Epsom", partners={FIRE}),
        report(2, KENT_POLICE, "Joint station at Epsom", partners={KENT_FIRE}),
    ]
    stats: dict = {}

    clusters = match(items, stats=stats)

    assert stats["comparisons"] == 0
    assert len(clusters) == 2
    assert all(c.explanation.startswith("reported by one partner only") for c in clusters)


def test_a_huge_block_is_capped_to_each_reports_nearest_texts():
    towns = [f"Town{chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(clustering.LARGE_BLOCK + 30)]
    items = [
        report(n, POLICE if n % 2 else FIRE, f"Joint station at {town}", partners={POLICE, FIRE}, return_id=n)
        for n, town in enumerate(towns)
    ]
    stats: dict = {}

    clusters = match(items, stats=stats)

    assert stats["large_blocks"] >= 1
    assert stats["comparisons"] <= len(items) * clustering.NEIGHBOURS
    assert len(clusters) == len(items)  # every town is its own station


def test_a_prefilled_report_stays_certain_beside_a_look_alike_record_it_could_never_join():
    items = [report(1, POLICE, "Joint station at Epsom", known_collaboration=42)]
    records = [existing(42, "Joint station at Epsom"), existing(43, "Joint station at Epsom")]

    (cluster,) = match(items, records)

    assert cluster.existing == 42
    assert cluster.score >= 0.9


def test_an_existing_record_is_matched_on_what_it_says_not_on_its_partners_alone():
    """A record lists every partner, so sharing them is no evidence that a report is about it."""
    items = [report(1, POLICE, "Drones for missing person searches", partners={FIRE})]
    records = [existing(42, "Joint station at Epsom", partners={POLICE, FIRE})]

    (cluster,) = match(items, records)

    assert cluster.existing is None


def test_a_report_that_both_partners_reports_point_to_joins_them_though_neither_link_decides():
    """The commissioner records the decision years before the opening: alike enough to the force's
    and to the fire service's reports, decisively to neither; together they decide."""
    items = [
        report(
            1,
            POLICE,
            "Neighbourhood team moves to Thornbury",
            partners={FIRE},
            description="The Thornbury neighbourhood policing team now works from the fire station.",
            start_year=2019,
        ),
        report(
            2,
            FIRE,
            "Thornbury station: room for the police",
            partners={POLICE},
            description="We adapted Thornbury fire station so that the police team could move in.",
            start_year=2019,
        ),
        report(
            3,
            COMMISSIONER,
            "Decision 2018/07: estates funding",
            partners={POLICE, COUNCIL},
            description="Capital funding approved for police accommodation in the Thornbury fire station.",
            start_year=2016,
        ),
    ]
    scored = clustering.score_pairs(items, KNOWLEDGE, {})
    assert max(s for (i, j), s in scored.scores.items() if 2 in (i, j)) < 0.5  # no single link decides

    assert groups(match(items)) == [["item:1", "item:2", "item:3"]]


def test_a_huge_block_of_reports_without_words_is_still_capped():
    items = [
        report(n, POLICE if n % 2 else FIRE, "", partners={POLICE, FIRE}, return_id=n)
        for n in range(clustering.LARGE_BLOCK + 10)
    ]
    stats: dict = {}

    clusters = match(items, stats=stats)

    assert stats["comparisons"] <= len(items) * clustering.NEIGHBOURS
    assert sorted(k for c in clusters for k in c.keys) == sorted(i.key for i in items)


def _kind_of_work(texts):
    """A stand-in for the theme model: defibrillators are one kind of work, stations another."""
    return [[1.0, 0.0] if "defibrillator" in t.lower() else [0.0, 1.0] for t in texts]


def test_two_collaborations_of_the_same_partners_stay_two_though_every_pair_shares_the_partners():
    knowledge = dataclasses.replace(KNOWLEDGE, theme_model=_kind_of_work)
    items = [
        report(1, POLICE, "Joint station at Epsom", description="Police and fire share the Epsom station."),
        report(2, FIRE, "Shared site, Epsom", description="The fire station at Epsom houses the police team."),
        report(3, AMBULANCE, "Defibrillators in community venues", description="Public access defibrillators."),
        report(4, COMMISSIONER, "Public access defibrillator funding", description="Grant for defibrillators."),
    ]

    assert groups(cluster_items(items, knowledge=knowledge)) == [["item:1", "item:2"], ["item:3", "item:4"]]


def test_the_record_goes_to_the_cluster_that_holds_it_not_to_one_only_prefilled_from_it():
    items = [
        report(1, FIRE, "Shared site, Epsom", return_id=20),
        report(2, POLICE, "Our estates work with the fire service", return_id=10, known_collaboration=42),
        report(3, POLICE, "Joint station at Epsom", return_id=10, known_collaboration=42),
    ]

    clusters = match(items, [existing(42, "Epsom tri-service station")])

    assert sum(1 for c in clusters if c.existing == 42) == 1
    assert all("collaboration None" not in c.explanation for c in clusters)


def test_organisation_names_written_with_an_ampersand_are_not_taken_for_what_a_report_is_about():
    from bluelight.consolidation.matching.text import Analyser

    analyser = Analyser(["Hereford & Worcester Fire and Rescue Service"], [], [])
    text = analyser.analyse("Station shared with Hereford & Worcester Fire and Rescue Service")

    assert text.terms == ["station", "joint"]
    assert text.names == set()


def test_welsh_place_names_are_read_whole():
    items = [
        report(1, POLICE, "Gorsaf ar y cyd yn Ynys Môn", partners={FIRE}),
        report(2, FIRE, "Joint station, Ynys Môn", partners={POLICE}),
    ]

    (cluster,) = match(items)

    assert "both name Ynys Môn" in cluster.explanation
