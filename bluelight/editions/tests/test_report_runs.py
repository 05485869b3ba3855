"""Report runs: asked for on the web, produced as a background task, with progress, failure and the latest one.

`test_a_requested_report_is_produced_at_once_by_the_immediate_backend` typesets a real PDF; the other tests
swap the typesetting for a stand-in file so that they stay fast.
"""

import datetime
import signal

import pytest
from django.core.management import call_command
from django.db import transaction

from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.models import ReportRun, ReportState
from bluelight.editions.report import render, runs
from bluelight.editions.report.runs import latest_report, report_request, report_run_execute
from bluelight.editions.services import edition_publish

KINDS = ("html", "pdf", "xlsx")


@pytest.fixture
def editions(register):
    make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom", status="planned")
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    make_collaboration("kent_police", "kent_frs", title="Kent joint control room", benefits=[saving("250000")])
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    return baseline, later


@pytest.fixture
def quick_pdf(monkeypatch):
    """Typesetting stands in for WeasyPrint: the page and the spreadsheet are still the real ones."""

    def write(html, target):
        target.write_bytes(b"%PDF-1.7\n% stand-in for a typeset report\n%%EOF\n")

    monkeypatch.setattr(render, "pdf_write", write)


def _request(django_capture_on_commit_callbacks, **kwargs) -> ReportRun:
    """Ask for a report and let the transaction 'commit', which is when the task is queued."""
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(**kwargs)
    run.refresh_from_db()
    return run


def test_a_requested_report_is_produced_at_once_by_the_immediate_backend(
    editions, cast, django_capture_on_commit_callbacks
):
    baseline, later = editions
    assert latest_report(later) is None

    run = _request(django_capture_on_commit_callbacks, edition=later, compare_with=baseline, user=cast.analyst)

    assert run.state == ReportState.DONE and run.percent == 100 and run.error == ""
    assert run.finished_at is not None and run.task_id and run.requested_by == cast.analyst
    for kind in KINDS:
        assert run.path(kind).is_file() and run.path(kind).stat().st_size > 500
    assert run.path("pdf").read_bytes().startswith(b"%PDF-")
    assert "Growth since 2014 overview" in run.path("html").read_text(encoding="utf-8")
    assert not run.directory.with_name(run.directory.name + ".partial").exists()
    assert latest_report(later) == run
    assert latest_report(baseline) is None  # a report of one edition is not another's
    assert run.summary["collaborations"] == 2 and run.summary["estimated_annual"] == 250000
    assert run.summary["comparison"] == {
        "with": "2014 overview",
        "new": 1,
        "continuing": 1,
        "ended": 0,
        "ended_before": 0,
        "not_reported": 0,
        "edition_total": 2,
        "changed_status": 0,
        "new_partners": 0,
    }
    # Running a finished run again changes nothing.
    finished_at = run.finished_at
    assert report_run_execute(run_id=run.pk).finished_at == finished_at


def test_nothing_is_queued_until_the_request_is_committed(editions, quick_pdf):
    _baseline, later = editions
    run = report_request(edition=later)  # inside the test's transaction, never committed
    run.refresh_from_db()
    assert run.state == ReportState.QUEUED and run.task_id == "" and not run.directory.exists()


def test_an_edition_compared_with_itself_is_not_compared(editions, quick_pdf, django_capture_on_commit_callbacks):
    _baseline, later = editions
    run = _request(django_capture_on_commit_callbacks, edition=later, compare_with=later)
    assert run.compare_with is None and run.state == ReportState.DONE
    assert "comparison" not in run.summary


def test_a_failed_run_says_why_leaves_no_files_and_the_older_report_stays_the_latest(
    editions, quick_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    baseline, later = editions
    good = _request(django_capture_on_commit_callbacks, edition=later, compare_with=baseline)
    assert good.state == ReportState.DONE

    def broken(*, edition, compare_with, targets, progress, **_languages):
        progress(10, "Counting collaborations")
        targets["html"].write_text("half a report")  # something was written before it broke
        raise RuntimeError("the deflator file is unreadable")

    monkeypatch.setattr(runs, "report_produce", broken)
    bad = _request(django_capture_on_commit_callbacks, edition=later, compare_with=baseline)

    assert bad.state == ReportState.FAILED
    assert bad.error == "RuntimeError: the deflator file is unreadable"
    assert bad.finished_at is not None and bad.summary == {}
    assert not bad.directory.exists()
    assert not bad.directory.with_name(bad.directory.name + ".partial").exists()
    assert latest_report(later) == good
    assert all(good.path(kind).exists() for kind in KINDS)  # the good run's files were not touched


def test_a_finished_run_whose_files_are_gone_is_not_the_latest(editions, quick_pdf, django_capture_on_commit_callbacks):
    _baseline, later = editions
    older = _request(django_capture_on_commit_callbacks, edition=later)
    newer = _request(django_capture_on_commit_callbacks, edition=later)
    assert latest_report(later) == newer
    newer.path("xlsx").unlink()
    assert latest_report(later) == older


def test_progress_is_written_to_the_run_as_it_goes(
    editions, quick_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    baseline, later = editions
    real = runs.report_produce
    seen = []

    def watched(*, edition, compare_with, targets, progress, **languages):
        def spy(percent, step):
            progress(percent, step)
            row = ReportRun.objects.values("state", "percent", "step").get(edition=edition)
            seen.append((percent, step, row))

        return real(edition=edition, compare_with=compare_with, targets=targets, progress=spy, **languages)

    monkeypatch.setattr(runs, "report_produce", watched)
    run = _request(django_capture_on_commit_callbacks, edition=later, compare_with=baseline)

    assert run.state == ReportState.DONE
    percents = [p for p, _s, _row in seen]
    assert len(seen) >= 5 and percents == sorted(percents) and percents[0] < 10 and percents[-1] == 100
    previous = None
    for percent, step, row in seen:
        assert row["state"] == ReportState.RUNNING  # not done until the files are in place
        assert row["percent"] == percent
        if percent != previous:  # a new step at the same percent is not written (one write per percent)
            assert row["step"] == step[:200]
        previous = percent
    steps = [s for _p, s, _row in seen]
    assert any("Comparing with 2014 overview" in s for s in steps)
    assert any("Typesetting the PDF" in s for s in steps)
    assert run.step == "Ready"


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_a_report_waits_in_the_queue_until_the_worker_runs(
    register, settings, quick_pdf, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    edition = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)

    with transaction.atomic():
        run = report_request(edition=edition)
    run.refresh_from_db()
    assert run.state == ReportState.QUEUED and run.task_id  # queued on commit, not run
    assert latest_report(edition) is None

    # The worker sets its own signal handlers; put the test runner's back afterwards.
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)

    run.refresh_from_db()
    assert run.state == ReportState.DONE, run.error
    assert latest_report(edition) == run and run.path("html").is_file()

    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"
