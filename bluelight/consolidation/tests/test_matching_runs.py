"""Matching a round runs as a background task with progress, never inside a web request.

Tests use the immediate backend (the task runs when the request's transaction commits); the last
one queues the task in the real database backend and runs it with `bluelight db_worker --batch`.
"""

import datetime
import signal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from bluelight.consolidation import runs, services
from bluelight.consolidation.models import Cluster, MatchingRun, MatchingState
from bluelight.consolidation.runs import matching_request
from bluelight.consolidation.tests.test_merge import three_reports
from bluelight.returns.models import Round


def _propose(client, round_):
    return client.post(reverse("consolidation:queue", args=[round_.pk]), {"action": "propose"})


def test_an_analyst_asks_for_matching_and_the_task_matches_the_round_when_the_request_commits(
    client, cast, round_, report, django_capture_on_commit_callbacks
):
    three_reports(report)
    client.force_login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, round_)
    run = MatchingRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("consolidation:run", args=[run.pk])
    assert run.state == MatchingState.DONE and run.percent == 100 and run.error == ""
    assert run.clusters == 1 and run.task_id and run.requested_by == cast.analyst
    assert run.started_at and run.finished_at
    assert Cluster.objects.get(round=round_).members.count() == 3
    page = client.get(response.url).content.decode()
    assert "Matching finished" in page and "1 cluster proposed" in page and 'http-equiv="refresh"' not in page


def test_nothing_is_matched_inside_the_request(client, cast, round_, report):
    three_reports(report)
    client.force_login(cast.analyst)
    response = _propose(client, round_)  # the test's transaction never commits, so the task never starts
    run = MatchingRun.objects.get()
    assert run.state == MatchingState.QUEUED and run.task_id == ""
    assert not Cluster.objects.exists()
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' not in page  # axe: a timed refresh is critical; the status updates itself
    assert '<div id="run-status" aria-live="polite" data-refresh-seconds="5">' in page
    assert '<script src="/static/js/run-progress.js" defer></script>' in page
    assert '<progress class="bl-progress" id="matching-progress" max="100" value="0"' in page


def test_while_a_round_is_being_matched_the_queue_shows_it_and_refuses_a_second_matching(client, cast, round_, report):
    three_reports(report)
    client.force_login(cast.analyst)
    _propose(client, round_)
    run = MatchingRun.objects.get()
    MatchingRun.objects.filter(pk=run.pk).update(state=MatchingState.RUNNING, percent=40, step="Comparing titles")
    queue = client.get(reverse("consolidation:queue", args=[round_.pk])).content.decode()
    assert "The round is being matched." in queue and "Comparing titles (40%)" in queue
    assert "Match the round's items again" not in queue
    assert reverse("consolidation:run", args=[run.pk]) in queue

    response = _propose(client, round_)
    assert response.url == reverse("consolidation:queue", args=[round_.pk])
    queue = client.get(response.url).content.decode()
    assert "This round is already being matched. Wait for it to finish." in queue
    assert MatchingRun.objects.count() == 1


def test_another_round_can_be_matched_at_the_same_time(round_, report):
    three_reports(report)
    summer = Round.objects.create(
        name="Summer 2026", opens_on=datetime.date(2026, 6, 1), closes_on=datetime.date(2026, 8, 31)
    )
    matching_request(round_=round_)
    matching_request(round_=summer)
    assert MatchingRun.objects.filter(state=MatchingState.QUEUED).count() == 2


def test_progress_is_written_to_the_run_as_it_goes(round_, report, monkeypatch, django_capture_on_commit_callbacks):
    three_reports(report)
    real = services.consolidation_propose
    seen = []

    def watched(*, round_, progress):
        def spy(percent, step):
            progress(percent, step)
            seen.append((percent, step, MatchingRun.objects.values("state", "percent", "step").get()))

        spy(35, "Comparing titles")
        spy(35, "Comparing titles")  # told twice: written once
        spy(70, "Comparing partners")
        return real(round_=round_, progress=spy)

    monkeypatch.setattr(runs.services, "consolidation_propose", watched)
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_request(round_=round_)
    run.refresh_from_db()
    assert run.state == MatchingState.DONE and run.clusters == 1
    for percent, step, row in seen:
        assert row == {"state": MatchingState.RUNNING, "percent": percent, "step": step}
    assert [p for p, _s, _r in seen][:3] == [35, 35, 70] and seen[-1][0] == 100


def test_a_failed_matching_says_why_and_the_next_one_may_start(
    client, cast, round_, report, monkeypatch, django_capture_on_commit_callbacks
):
    three_reports(report)

    def broken(*, round_, progress):
        progress(10, "Reading the round's reports")
        raise RuntimeError("the matcher's model file is unreadable")

    monkeypatch.setattr(runs.services, "consolidation_propose", broken)
    client.force_login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, round_)
    run = MatchingRun.objects.get()
    assert run.state == MatchingState.FAILED and run.finished_at
    assert run.error == "RuntimeError: the matcher's model file is unreadable"
    assert "The round could not be matched" in client.get(response.url).content.decode()
    queue = client.get(reverse("consolidation:queue", args=[round_.pk])).content.decode()
    assert "The last matching failed" in queue and "Match the round's items again" in queue

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        _propose(client, round_)
    assert MatchingRun.objects.latest("pk").state == MatchingState.DONE


def test_editors_cannot_ask_for_matching_or_see_a_run(client, cast, round_, report):
    three_reports(report)
    run = matching_request(round_=round_)
    client.force_login(cast.editor_a)
    assert _propose(client, round_).status_code == 403
    assert client.get(reverse("consolidation:run", args=[run.pk])).status_code == 403
    assert MatchingRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_matching_waits_in_the_queue_until_the_worker_runs(round_, report, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    three_reports(report)

    with transaction.atomic():
        run = matching_request(round_=round_)
    run.refresh_from_db()
    assert run.state == MatchingState.QUEUED and run.task_id  # queued on commit, not run
    assert not Cluster.objects.exists()

    # The worker sets its own signal handlers; put the test runner's back afterwards.
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)

    run.refresh_from_db()
    assert run.state == MatchingState.DONE, run.error
    assert run.clusters == 1 and Cluster.objects.get().members.count() == 3

    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"
