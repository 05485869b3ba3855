"""The review queue through the real client: analysts only."""

from django.urls import reverse

from bluelight.collaborations.models import Collaboration
from bluelight.consolidation import services
from bluelight.consolidation.tests.test_merge import three_reports


def test_analyst_reviews_a_cluster_side_by_side_and_merges_it(
    client, cast, round_, report, django_capture_on_commit_callbacks
):
    three_reports(report)
    client.force_login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=True):  # matching is queued when the request commits
        client.post(reverse("consolidation:queue", args=[round_.pk]), {"action": "propose"})
    cluster = round_.clusters.get()
    queue = client.get(reverse("consolidation:queue", args=[round_.pk])).content.decode()
    assert "Shared site, Epsom" in queue and "1 cluster to review" in queue
    page = client.get(reverse("consolidation:cluster", args=[cluster.pk])).content.decode()
    assert "differs" in page and "South East Coast Ambulance Service" in page
    client.post(reverse("consolidation:cluster", args=[cluster.pk]), {"action": "merge"})
    record = Collaboration.objects.get()
    assert record.partners.count() == 3
    page = client.get(reverse("consolidation:cluster", args=[cluster.pk])).content.decode()
    assert "Undo the merge" in page and record.title in page


def test_editors_cannot_use_the_review_queue(client, cast, round_, report):
    three_reports(report)
    cluster = services.consolidation_propose(round_=round_)[0]
    client.force_login(cast.editor_a)
    assert client.get(reverse("consolidation:queue", args=[round_.pk])).status_code == 403
    assert client.post(reverse("consolidation:cluster", args=[cluster.pk]), {"action": "merge"}).status_code == 403
    assert not Collaboration.objects.exists()
