"""The review queue filtered by band and state, sorted, and paginated, with the filters in the URL."""

import pytest
from django.urls import reverse

from bluelight.consolidation.models import ClusterState
from bluelight.consolidation.selectors import QUEUE_PAGE_SIZE
from bluelight.consolidation.tests.test_confidence import clustered, many_reports


@pytest.fixture
def mixed(round_):
    """One cluster per band, and one merged."""
    many_reports(round_, "surrey_police", [f"P{n}" for n in range(1, 7)])
    many_reports(round_, "surrey_frs", [f"F{n}" for n in range(1, 7)], partners="Surrey Police")
    return {
        "almost_certain": clustered(round_, "P1", "F1", score=0.95),
        "likely": clustered(round_, "P2", "F2", "F6", score=0.8),
        "doubtful": clustered(round_, "P3", "F3", score=0.4),
        "one_partner": clustered(round_, "P4", score=1.0),
        "merged": clustered(round_, "P5", "F5", score=0.85, state=ClusterState.MERGED),
    }


def shown(client, round_, **params) -> list[int]:
    response = client.get(reverse("consolidation:queue", args=[round_.pk]), params)
    assert response.status_code == 200
    return [c.pk for c in response.context["page"].object_list]


@pytest.mark.parametrize("band", ["almost_certain", "likely", "doubtful", "one_partner"])
def test_the_queue_shows_only_the_band_asked_for(client, cast, round_, mixed, band):
    client.force_login(cast.analyst)
    assert shown(client, round_, band=band) == [mixed[band].pk]


def test_the_queue_shows_clusters_to_review_unless_asked_for_merged_ones(client, cast, round_, mixed):
    client.force_login(cast.analyst)
    assert mixed["merged"].pk not in shown(client, round_)
    assert shown(client, round_, state="merged") == [mixed["merged"].pk]
    assert len(shown(client, round_, state="all")) == 5
    assert shown(client, round_, state="merged", band="likely") == [mixed["merged"].pk]
    assert shown(client, round_, state="merged", band="doubtful") == []


def test_the_queue_sorts_by_score_or_by_size(client, cast, round_, mixed):
    client.force_login(cast.analyst)
    ids = {c.pk: name for name, c in mixed.items()}
    assert [ids[pk] for pk in shown(client, round_)] == ["doubtful", "likely", "almost_certain", "one_partner"]
    assert [ids[pk] for pk in shown(client, round_, sort="score")] == [
        "almost_certain",
        "likely",
        "doubtful",
        "one_partner",
    ]
    assert [ids[pk] for pk in shown(client, round_, sort="size")][0] == "likely"  # three reports


def test_unknown_filter_values_are_ignored(client, cast, round_, mixed):
    client.force_login(cast.analyst)
    default = shown(client, round_)
    assert shown(client, round_, band="sure-ish", state="deleted", sort="random", page="many") == default
    assert shown(client, round_, band="", page="-3") == default


def test_the_filter_form_works_without_javascript_and_keeps_its_choices(client, cast, round_, mixed):
    client.force_login(cast.analyst)
    page = client.get(reverse("consolidation:queue", args=[round_.pk]), {"band": "likely", "sort": "size"})
    html = page.content.decode()
    assert '<form method="get"' in html
    assert '<option value="likely" selected>Likely (1)</option>' in html
    assert '<option value="size" selected>Most reports first</option>' in html
    assert "Clear the filters" in html


def test_the_queue_is_paginated_and_page_links_keep_the_filters(client, cast, round_):
    many_reports(round_, "surrey_police", [f"P{n}" for n in range(1, QUEUE_PAGE_SIZE + 11)])
    for n in range(1, QUEUE_PAGE_SIZE + 11):
        clustered(round_, f"P{n}", score=1.0)
    client.force_login(cast.analyst)
    first = shown(client, round_, band="one_partner")
    second = shown(client, round_, band="one_partner", page=2)
    assert len(first) == QUEUE_PAGE_SIZE and len(second) == 10 and not set(first) & set(second)
    html = client.get(reverse("consolidation:queue", args=[round_.pk]), {"band": "one_partner"}).content.decode()
    assert 'class="govuk-pagination"' in html and "?band=one_partner&amp;page=2" in html
    assert f"Clusters 1 to {QUEUE_PAGE_SIZE} of {QUEUE_PAGE_SIZE + 10}" in html
