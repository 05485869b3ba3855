"""Merging every proposed cluster scored at or above a threshold: a preview first, nothing merged until confirmed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.consolidation import services
from bluelight.consolidation.models import Cluster, ClusterState, MatchingRun, MatchingState, Merge
from bluelight.consolidation.tests.test_confidence import clustered, many_reports


@pytest.fixture
def scored(round_):
    many_reports(round_, "surrey_police", [f"P{n}" for n in range(1, 6)])
    many_reports(round_, "surrey_frs", [f"F{n}" for n in range(1, 6)], partners="Surrey Police")
    record = make_collaboration("surrey_police", "surrey_frs", title="Collaboration P3")
    return {
        "sure": clustered(round_, "P1", "F1", score=0.96),
        "likely": clustered(round_, "P2", "F2", "F5", score=0.8),
        "matched": clustered(round_, "P3", "F3", score=0.92, existing=record),
        "alone": clustered(round_, "P4", score=1.0),
        "doubtful": clustered(round_, "F4", "P5", score=0.3),
    }


def url(round_):
    return reverse("consolidation:merge_above", args=[round_.pk])


def test_the_preview_counts_clusters_reports_and_records_and_merges_nothing(client, cast, round_, scored):
    client.force_login(cast.analyst)
    response = client.post(url(round_), {"threshold": "0.9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd class="govuk-summary-list__value" id="preview-clusters">3</dd>' in html  # sure, matched, alone
    assert '<dd class="govuk-summary-list__value" id="preview-reports">5</dd>' in html
    assert '<dd class="govuk-summary-list__value" id="preview-existing">1</dd>' in html
    assert '<dd class="govuk-summary-list__value" id="preview-new">2</dd>' in html
    assert "1 of these clusters was reported by one partner only" in html
    assert "Merge 3 clusters" in html and 'name="confirm" value="yes"' in html
    assert not Merge.objects.exists() and Collaboration.objects.count() == 1
    assert set(Cluster.objects.values_list("state", flat=True)) == {ClusterState.PROPOSED}


def test_confirming_merges_every_cluster_at_or_above_the_threshold(client, cast, round_, scored):
    client.force_login(cast.analyst)
    response = client.post(url(round_), {"threshold": "0.8", "confirm": "yes"}, follow=True)
    assert "Merged 4 clusters scored at or above 0.8." in response.content.decode()
    for name in ("sure", "likely", "matched", "alone"):
        scored[name].refresh_from_db()
        assert scored[name].state == ClusterState.MERGED and scored[name].merge.merged_by == cast.analyst
    scored["doubtful"].refresh_from_db()
    assert scored["doubtful"].state == ClusterState.PROPOSED
    assert Collaboration.objects.count() == 4  # the existing record plus three new ones


@pytest.mark.parametrize("threshold", ["", "high", "1.5", "-0.1", "2"])
def test_a_threshold_outside_0_to_1_is_refused_with_a_message(client, cast, round_, scored, threshold):
    client.force_login(cast.analyst)
    response = client.post(url(round_), {"threshold": threshold, "confirm": "yes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a score from 0 to 1, like 0.9" in html
    assert 'class="govuk-error-message"' in html and "govuk-input--error" in html
    assert not Merge.objects.exists()


def test_the_form_page_is_there_for_a_get_and_merges_nothing(client, cast, round_, scored):
    client.force_login(cast.analyst)
    html = client.get(url(round_), {"threshold": "0"}).content.decode()
    assert 'name="threshold"' in html and "There is a problem" not in html
    assert not Merge.objects.exists()


def test_nothing_is_merged_while_the_round_is_being_matched(client, cast, round_, scored):
    MatchingRun.objects.create(round=round_, state=MatchingState.RUNNING)
    client.force_login(cast.analyst)
    html = client.post(url(round_), {"threshold": "0.5", "confirm": "yes"}).content.decode()
    assert "The round is being matched" in html
    assert not Merge.objects.exists()


def test_editors_cannot_merge_in_bulk(client, cast, round_, scored):
    client.force_login(cast.editor_a)
    assert client.post(url(round_), {"threshold": "0", "confirm": "yes"}).status_code == 403
    assert not Merge.objects.exists()


def test_the_service_reports_a_cluster_it_cannot_merge_and_merges_the_others(round_, scored, monkeypatch):
    real = services.cluster_merge

    def picky(*, cluster, user=None):
        if cluster.pk == scored["sure"].pk:
            raise ValidationError("The records disagree on the lead organisation.")
        return real(cluster=cluster, user=user)

    monkeypatch.setattr(services, "cluster_merge", picky)
    merged, problems = services.clusters_merge_above(round_=round_, threshold=0.9)
    assert merged == 2, problems
    assert problems == [f"cluster {scored['sure'].pk} (scored 0.96): The records disagree on the lead organisation."]


def test_the_service_refuses_a_threshold_that_is_not_a_score(round_):
    with pytest.raises(ValidationError):
        services.clusters_merge_above(round_=round_, threshold=1.2)
