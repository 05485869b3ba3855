"""Two analysts acting on one cluster at the same moment, in real threads: one consistent outcome.

Each thread has its own database connection, as two web requests would. On PostgreSQL the second
waits for the first's row lock and then finds the cluster changed; on SQLite one writer holds the
whole database and the other is told to try again. Either way each attempt ends done or refused
with a message, never crashed, and the clusters stay consistent.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bluelight.collaborations.models import Collaboration, Provenance
from bluelight.consolidation import services
from bluelight.consolidation.models import Cluster, ClusterItem, ClusterState, Merge
from bluelight.consolidation.tests.test_merge import three_reports
from bluelight.returns.models import ReturnItem

pytestmark = pytest.mark.django_db(transaction=True)

# Seconds each of the two actions waits after both are released: together, and each just after the other
# (which then acts on the cluster as its page showed it, before the other's change).
STAGGER = [(0, 0), (0, 0), (0, 0.01), (0.01, 0), (0, 0.05), (0.05, 0), (0, 0.2), (0.2, 0)]


def at_once(*actions, delays=(0, 0)) -> list[tuple[str, object]]:
    """Run the actions in threads released together; each ends ("done", result) or ("refused", message)."""
    start = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            time.sleep(delays[index])
            outcomes[index] = ("done", action())
        except ValidationError as exc:
            outcomes[index] = ("refused", " ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 - the test reports any crash as a failure below
            outcomes[index] = ("crashed", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "an action hung"
    assert all(o is not None and o[0] != "crashed" for o in outcomes), outcomes
    return outcomes


def assert_consistent(round_) -> None:
    """Every staged item in exactly one cluster; each merge's cluster holds exactly the items it merged."""
    items = set(ReturnItem.objects.values_list("pk", flat=True))
    placed = list(ClusterItem.objects.filter(cluster__round=round_).values_list("item_id", flat=True))
    assert sorted(placed) == sorted(items)
    merges = list(Merge.objects.select_related("cluster"))
    assert Collaboration.objects.count() == len(merges) <= 1
    for merge in merges:
        assert merge.cluster.state == ClusterState.MERGED
        members = set(merge.cluster.members.values_list("item_id", flat=True))
        merged = set(
            Provenance.objects.filter(batch=merge.provenance_batch, source_id__isnull=False).values_list(
                "source_id", flat=True
            )
        )
        assert members == merged, "an item left the cluster after it was merged"
    assert not Cluster.objects.filter(state=ClusterState.MERGED, merge__isnull=True).exists()


def test_a_merge_and_a_split_of_one_cluster_at_the_same_moment_leave_one_consistent_outcome(round_, report, cast):
    three_reports(report)
    cluster = services.consolidation_propose(round_=round_)[0]
    ambulance = ReturnItem.objects.get(reference="AMB-3")
    for delays in STAGGER:
        merged, split = at_once(
            lambda: services.cluster_merge(cluster=cluster, user=cast.analyst),
            lambda: services.cluster_split(cluster=cluster, item=ambulance),
            delays=delays,
        )
        assert "done" in (merged[0], split[0]), (merged, split)
        for outcome in (merged, split):
            if outcome[0] == "refused":
                assert outcome[1] in (
                    "Undo the merge before changing the cluster.",
                    "This cluster has already been merged.",
                    "Another change was being saved at the same moment, so nothing was changed: try again.",
                ), outcome[1]
        assert_consistent(round_)
        if merged[0] == "done":  # and merging it again makes no second record
            with pytest.raises(ValidationError, match="already been merged"):
                services.cluster_merge(cluster=cluster)
            assert Collaboration.objects.count() == 1
        # Back to the start for the next attempt.
        if merged[0] == "done":
            services.merge_undo(merge=merged[1])
        if split[0] == "done":
            services.cluster_join(cluster=cluster, other=split[1])
        assert Cluster.objects.get(pk=cluster.pk).members.count() == 3 and not Collaboration.objects.exists()


def test_two_merges_of_one_cluster_at_the_same_moment_make_one_record(round_, report, cast):
    three_reports(report)
    cluster = services.consolidation_propose(round_=round_)[0]
    for delays in STAGGER:
        outcomes = at_once(
            lambda: services.cluster_merge(cluster=cluster, user=cast.analyst),
            lambda: services.cluster_merge(cluster=cluster, user=cast.admin),
            delays=delays,
        )
        assert sorted(o[0] for o in outcomes) == ["done", "refused"], outcomes
        assert Collaboration.objects.count() == 1 and Merge.objects.count() == 1
        assert_consistent(round_)
        services.merge_undo(merge=next(o[1] for o in outcomes if o[0] == "done"))


def test_matching_holds_no_lock_while_it_thinks_and_matches_again_if_a_cluster_was_merged_meanwhile(
    round_, report, cast
):
    """Matching reads, thinks (minutes on a large round) and only then writes, in one short transaction;
    a merge made while it thought (here, from inside its progress callback, in another thread with its own
    connection, as a web request would be) is not undone: the round is matched again around it."""
    three_reports(report)
    cluster = services.consolidation_propose(round_=round_)[0]
    steps = []

    def progress(percent, step):
        steps.append(step)
        if percent == 70 and not Merge.objects.exists():
            # Another writer gets in at once: proof that matching holds no transaction here.
            (outcome,) = at_once(lambda: services.cluster_merge(cluster=cluster, user=cast.analyst))
            assert outcome[0] == "done", outcome

    proposed = services.consolidation_propose(round_=round_, progress=progress)

    assert "The round changed while it was being matched; matching it again" in steps
    assert proposed == []  # all three reports are in the merged cluster: nothing left to propose
    assert Cluster.objects.get(pk=cluster.pk).state == ClusterState.MERGED
    assert Collaboration.objects.count() == 1
    assert_consistent(round_)
