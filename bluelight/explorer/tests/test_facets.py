"""Facets on the collaboration list: every count against a plain-Python count of the records, several values,
stale values, sort orders, tags that remove one filter, and the count and filters in the heading and title."""

import datetime
import itertools
from collections import Counter
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from bluelight.collaborations.models import Collaboration, EvidenceItem, Publication
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.models import Edition, Entry

LIST = reverse("explorer:collaboration_list")


@pytest.fixture
def world(register, theme):
    """Eight records that differ on every facet, a draft, one edition holding three of them."""
    made = [
        make_collaboration(
            "surrey_police",
            "surrey_frs",
            title="Alpha",
            theme=theme("es_shared_hq"),
            status="operational",
            start_date=datetime.date(2016, 4, 1),
            benefits=[saving("50000", basis="estimated")],
        ),
        make_collaboration(
            "kent_police",
            "kent_frs",
            "south_east_coast_as",
            title="Bravo",
            theme=theme("es_vehicle_workshop"),
            secondary_themes=[theme("es_shared_hq"), theme("dm_missing_people")],
            status="planned",
            scope="regional",
            start_date=datetime.date(2017, 1, 1),
            benefits=[saving("2000000", basis="estimated"), saving("300000", basis="realised")],
        ),
        make_collaboration(
            "avon_somerset_police",
            "avon_frs",
            title="Charlie",
            theme=theme("dm_missing_people"),
            status="operational",
            benefits=[saving("20000000", basis="independently_evaluated")],
        ),
        make_collaboration(
            "essex_police",
            "essex_frs",
            title="Delta",
            theme=theme("dm_forced_entry"),
            status="completed",
            start_date=datetime.date(2016, 9, 1),
            scope="national",
            benefits=[saving("70000", kind="cumulative_saving", basis="realised")],
        ),
        make_collaboration(
            "london_fire_brigade",
            "surrey_frs",
            title="Echo",
            status="discontinued",
            status_reason="Costs",
            theme=theme("es_joint_facilities"),
        ),
        make_collaboration(
            "surrey_police",
            "kent_police",
            title="Foxtrot",
            theme=theme("es_shared_hq"),
            start_date=datetime.date(2017, 6, 1),
            benefits=[saving("150000", basis="realised")],
        ),
        make_collaboration(
            "kent_frs",
            "south_east_coast_as",
            title="Golf",
            theme=theme("dm_missing_people"),
            secondary_themes=[theme("dm_forced_entry")],
            status="planned",
        ),
        make_collaboration("avon_frs", "surrey_frs", title="Hotel", theme=theme("es_vehicle_workshop")),
    ]
    make_collaboration("surrey_police", "surrey_frs", title="Secret draft", publication=Publication.DRAFT)
    strong = EvidenceItem.objects.create(title="Trial", strength=4)
    weak = EvidenceItem.objects.create(title="Claim", strength=0)
    before_after = EvidenceItem.objects.create(title="Before and after", strength=2)
    strong.collaborations.add(made[2], made[1])
    weak.collaborations.add(made[1], made[0])
    before_after.collaborations.add(made[3])
    edition = Edition.objects.create(name="2014 overview", slug="2014-overview", as_of=datetime.date(2014, 3, 31))
    for record in made[:3]:
        Entry.objects.create(edition=edition, uid=record.uid, collaboration_id=record.pk, data={"title": record.title})
    Edition.objects.create(name="Empty edition", slug="empty", as_of=datetime.date(2015, 3, 31))
    return made


# The independent computation: each record's values for each facet, read from the objects in Python.

BANDS = [
    ("under_100k", 0, 100_000),
    ("100k_to_1m", 100_000, 1_000_000),
    ("1m_to_10m", 1_000_000, 10_000_000),
    ("over_10m", 10_000_000, None),
]


def savings_band(record) -> str:
    annual = [b for b in record.benefits.all() if b.kind == "annual_saving"]
    for basis in ("independently_evaluated", "realised", "estimated"):
        amounts = [b.amount_gbp for b in annual if b.basis == basis]
        if amounts:
            total = sum(amounts, Decimal(0))
            return next(code for code, low, high in BANDS if total >= low and (high is None or total < high))
    return "none"


def facet_values(record) -> dict[str, set[str]]:
    themes = [record.primary_theme, *record.secondary_themes.all()]
    orgs = [p.organisation for p in record.partners.all()]
    strengths = [e.strength for e in record.evidence.all()]
    uids = {str(u) for u in Entry.objects.values_list("uid", flat=True)}
    editions = {e.edition.slug for e in Entry.objects.select_related("edition") if str(e.uid) == str(record.uid)}
    assert uids  # the edition is there
    return {
        "theme": {t.code for t in themes if t} | {t.parent.code for t in themes if t and t.parent_id},
        "service": set(record.services.split(",")),
        "combination": {record.services},
        "organisation": {o.slug for o in orgs},
        "organisation_type": {o.type for o in orgs},
        "region": {o.region for o in orgs if o.region},
        "country": {o.country for o in orgs},
        "status": {record.status},
        "scope": {record.scope},
        "savings": {savings_band(record)},
        "basis": {b.basis for b in record.benefits.all() if b.kind in ("annual_saving", "cumulative_saving")},
        "evidence": {str(max(strengths))} if strengths else {"none"},
        "start_year": {str(record.start_date.year)} if record.start_date else set(),
        "edition": editions,
    }


def expected_counts(params: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Each facet counted over the published records every other chosen facet admits, in plain Python."""
    records = [facet_values(r) for r in Collaboration.objects.all() if r.is_published]
    counts = {}
    for facet in records[0]:
        admitted = [
            r for r in records if all(r[other] & set(values) for other, values in params.items() if other != facet)
        ]
        counts[facet] = dict(Counter(itertools.chain.from_iterable(r[facet] for r in admitted)))
    return counts


def shown_counts(response) -> dict[str, dict[str, int]]:
    return {f.name: {v.value: v.count for v in f.values if v.count} for f in response.context["data"].facets}


PARAMS = [
    {},
    {"status": ["operational"]},
    {"status": ["operational", "planned"]},
    {"theme": ["estates"], "region": ["South East"]},
    {"theme": ["dm_missing_people", "es_shared_hq"], "service": ["ambulance"]},
    {"savings": ["none", "over_10m"], "basis": ["realised", "independently_evaluated"]},
    {"evidence": ["4", "none"], "start_year": ["2016", "2017"], "scope": ["local"]},
    {"edition": ["2014-overview"], "organisation": ["surrey_police", "avon_frs"], "country": ["England"]},
    {"combination": ["fire,police"], "organisation_type": ["police_force"], "savings": ["100k_to_1m"]},
]


@pytest.mark.parametrize("params", PARAMS, ids=[repr(p) for p in PARAMS])
def test_every_facets_counts_match_a_count_of_the_records_in_python(client, world, params):
    response = client.get(LIST, params)

    assert response.status_code == 200
    assert shown_counts(response) == {
        facet: {value: n for value, n in counts.items() if n} for facet, counts in expected_counts(params).items()
    }


def test_the_list_holds_the_records_every_filter_admits(client, world):
    params = {"theme": ["estates"], "status": ["operational", "planned"]}

    response = client.get(LIST, params)

    titles = [c.title for c in response.context["data"].page.object_list]
    assert titles == ["Alpha", "Bravo", "Foxtrot", "Hotel"]


def test_a_top_level_themes_count_covers_its_sub_themes_once(client, world):
    counts = shown_counts(client.get(LIST))["theme"]

    # Bravo is in estates twice over (workshop and shared HQ): it counts once.
    assert counts["estates"] == 5
    assert counts["es_shared_hq"] == 3


def test_savings_bands_use_the_strongest_basis_reported(client, world):
    counts = shown_counts(client.get(LIST))["savings"]

    # Bravo: £2m estimated and £300,000 realised counts as £300,000 (realised beats an estimate).
    assert counts == {"under_100k": 1, "100k_to_1m": 2, "over_10m": 1, "none": 4}


def test_drafts_are_in_no_count(client, world):
    response = client.get(LIST)

    assert sum(shown_counts(response)["status"].values()) == 8
    assert response.context["data"].page.paginator.count == 8


def test_several_values_of_one_facet_are_checked_and_widen_the_list(client, world):
    response = client.get(f"{LIST}?status=operational&status=planned")

    html = response.content.decode()
    assert 'name="status" type="checkbox" value="operational" checked>' in html
    assert 'name="status" type="checkbox" value="planned" checked>' in html
    assert response.context["data"].page.paginator.count == 6


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("theme=old-code", "We ignored theme &#x27;old-code&#x27;: no such theme"),
        ("status=Operational", "We ignored status &#x27;Operational&#x27;: no such status"),
        ("organisation=nonsense", "We ignored organisation &#x27;nonsense&#x27;"),
        ("savings=lots", "We ignored savings band &#x27;lots&#x27;: no such savings band"),
        ("start_year=soon", "We ignored year &#x27;soon&#x27;: not a year"),
        ("edition=1999", "We ignored edition &#x27;1999&#x27;: no such edition"),
        ("sort=random", "We ignored sort order &#x27;random&#x27;: no such sort order"),
    ],
)
def test_an_unknown_value_is_ignored_with_a_notice_naming_it(client, world, query, notice):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    html = response.content.decode()
    assert notice in html
    assert "There is a problem" not in html
    assert response.context["data"].page.paginator.count == 8


def test_a_stale_value_beside_a_good_one_keeps_the_good_one(client, world):
    response = client.get(f"{LIST}?status=Operational&status=planned")

    assert sorted(c.title for c in response.context["data"].page.object_list) == ["Bravo", "Golf"]
    assert response.context["data"].notices == ["We ignored status 'Operational': no such status"]


def test_an_organisation_given_by_name_is_read_through_name_resolution(client, world):
    response = client.get(LIST, {"organisation": "Avon and Somerset Constabulary"})

    data = response.context["data"]
    assert [c.title for c in data.page.object_list] == ["Charlie"]
    assert data.notices == ["We read organisation 'Avon and Somerset Constabulary' as Avon and Somerset Police"]
    assert data.tags[0].remove_href == LIST


@pytest.mark.parametrize(
    ("sort", "titles"),
    [
        ("title", ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"]),
        ("newest", ["Hotel", "Golf", "Foxtrot", "Echo", "Delta", "Charlie", "Bravo", "Alpha"]),
        ("start", ["Foxtrot", "Bravo", "Delta", "Alpha", "Charlie", "Echo", "Golf", "Hotel"]),
        ("savings", ["Charlie", "Bravo", "Foxtrot", "Alpha", "Delta", "Echo", "Golf", "Hotel"]),
    ],
)
def test_sort_orders(client, world, sort, titles):
    response = client.get(LIST, {"sort": sort})

    assert [c.title for c in response.context["data"].page.object_list] == titles


def test_without_a_search_the_list_is_by_title_and_relevance_is_not_offered(client, world):
    data = client.get(LIST).context["data"]

    assert data.sort == "title"
    assert [link["code"] for link in data.sort_links] == ["newest", "start", "savings", "title"]


def test_each_tag_removes_one_filter_value_and_keeps_the_rest(client, world):
    response = client.get(f"{LIST}?status=operational&status=planned&region=South+East&page=2")

    tags = {(t.facet, t.label): t.remove_href for t in response.context["data"].tags}
    assert set(tags) == {("status", "Operational"), ("status", "Planned"), ("region", "South East")}
    query = parse_qsl(urlsplit(tags[("status", "Operational")]).query)
    assert query == [("status", "planned"), ("region", "South East")]
    assert urlsplit(tags[("region", "South East")]).path == LIST
    assert parse_qsl(urlsplit(tags[("region", "South East")]).query) == [
        ("status", "operational"),
        ("status", "planned"),
    ]
    html = response.content.decode()
    assert "Selected filters" in html
    assert 'href="/collaborations/?status=planned&amp;region=South+East"' in html


def test_the_heading_and_title_give_the_count_and_the_filters(client, world):
    response = client.get(LIST, {"theme": "dm_missing_people", "region": "South West"})

    html = response.content.decode()
    description = "1 collaboration about Missing people searches in South West"
    assert response.context["data"].description == description
    assert f"<title>{description} – " in html
    assert f'<h1 class="govuk-heading-xl" id="result-count">{description}</h1>' in html


def test_the_heading_without_filters_counts_every_record(client, world):
    html = client.get(LIST).content.decode()

    assert "<title>8 collaborations – " in html


def test_the_filter_panel_uses_fieldsets_legends_and_labelled_checkboxes(client, world):
    html = client.get(LIST).content.decode()

    assert '<details class="observatory-filter-panel" id="filter-panel" open>' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Status</legend>' in html
    assert '<label class="govuk-label govuk-checkboxes__label" for="facet-status-3">Operational' in html
