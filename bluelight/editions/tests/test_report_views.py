"""Edition pages: the public reads editions and their report files; only analysts publish and produce reports.

Typesetting is swapped for a stand-in PDF here (the real one is tested in test_report_outputs.py).
"""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.core.worker import heartbeat_write
from bluelight.editions.models import Edition, Entry, ReportRun, ReportState
from bluelight.editions.report import render
from bluelight.editions.services import edition_publish

FAKE_PDF = b"%PDF-1.7\n% stand-in for a typeset report\n%%EOF\n"


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    monkeypatch.setattr(render, "pdf_write", lambda html, target: target.write_bytes(FAKE_PDF))


@pytest.fixture
def editions(register):
    make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom", status="planned")
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    make_collaboration("kent_police", "kent_frs", title="Kent joint control room", benefits=[saving("250000")])
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    return baseline, later


def _produce(client, edition, django_capture_on_commit_callbacks, compare_with=None):
    """Ask for a report as the logged-in user; the immediate backend produces it when the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("editions:report_request", args=[edition.slug]),
            {"compare_with": compare_with.pk if compare_with else ""},
        )
    return response


# The public -------------------------------------------------------------------------------------


def test_the_public_sees_the_list_and_an_edition_without_analyst_controls(client, editions):
    baseline, later = editions
    response = client.get(reverse("editions:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2014 overview" in page and "2016 overview" in page and "Baseline" in page
    assert reverse("editions:publish") not in page

    response = client.get(reverse("editions:detail", args=[later.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 published collaborations as they stood on 1 September 2016" in page
    assert "has not been produced yet" in page
    assert reverse("editions:report_request", args=[later.slug]) not in page
    assert client.get(reverse("editions:detail", args=["no-such-edition"])).status_code == 404


@pytest.mark.parametrize("kind", ["html", "pdf", "xlsx"])
def test_report_files_are_not_found_before_any_report_is_produced(client, editions, kind):
    _baseline, later = editions
    assert client.get(reverse("editions:report_file", args=[later.slug, kind])).status_code == 404


def test_the_public_downloads_the_newest_report_and_the_page_is_locked_down(
    client, cast, editions, django_capture_on_commit_callbacks
):
    baseline, later = editions
    client.force_login(cast.analyst)
    _produce(client, later, django_capture_on_commit_callbacks, compare_with=baseline)
    client.logout()

    pdf = client.get(reverse("editions:report_file", args=[later.slug, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == FAKE_PDF

    page = client.get(reverse("editions:report_file", args=[later.slug, "html"]))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    # In the service's layout, under its own policy: no inline style or script without the page's nonce.
    csp = page["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "unsafe-eval" not in csp and "nonce-" in csp
    assert "Growth since 2014 overview" in page.content.decode()

    sheet = client.get(reverse("editions:report_file", args=[later.slug, "xlsx"]))
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'attachment; filename="2016-overview-overview.xlsx"' in sheet["Content-Disposition"]

    assert client.get(reverse("editions:report_file", args=[later.slug, "docx"])).status_code == 404
    assert client.get(reverse("editions:report_file", args=[baseline.slug, "pdf"])).status_code == 404

    detail = client.get(reverse("editions:detail", args=[later.slug])).content.decode()
    assert reverse("editions:report_file", args=[later.slug, "pdf"]) in detail
    assert "Since 2014 overview" in detail  # the growth summary stored with the report


# Who may publish and produce --------------------------------------------------------------------


def _analyst_pages(editions):
    _baseline, later = editions
    run = ReportRun.objects.create(edition=later, state=ReportState.RUNNING, percent=37, step="Drawing the charts")
    return run, [
        ("get", reverse("editions:publish")),
        ("post", reverse("editions:publish")),
        ("post", reverse("editions:report_request", args=[later.slug])),
        ("get", reverse("editions:run", args=[run.pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, editions):
    run, pages = _analyst_pages(editions)
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
    response = client.get(reverse("editions:run_file", args=[run.pk, "html"]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert ReportRun.objects.count() == 1 and Edition.objects.count() == 2


@pytest.mark.parametrize("who", ["editor_a", "editor_b"])
def test_editors_may_not_publish_or_produce_reports(client, cast, editions, who):
    run, pages = _analyst_pages(editions)
    client.force_login(getattr(cast, who))
    for method, url in pages:
        data = {"name": "Sneaky", "as_of": "2016-01-01", "baseline": "no"} if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 403, url
    assert ReportRun.objects.count() == 1 and not Edition.objects.filter(name="Sneaky").exists()
    page = client.get(reverse("editions:detail", args=[editions[1].slug])).content.decode()
    assert "Produce the overview report" not in page


def test_an_analyst_publishes_an_edition_after_checking_what_will_be_frozen(
    client, cast, editions, django_capture_on_commit_callbacks
):
    baseline, _later = editions
    make_collaboration("essex_police", "essex_frs", title="Essex joint headquarters")
    client.force_login(cast.analyst)
    assert client.get(reverse("editions:publish")).status_code == 200
    fields = {"name": "2026 overview", "as_of": "2026-11-30", "round": "", "baseline": "no"}

    check = client.post(reverse("editions:publish"), fields)
    assert check.status_code == 200 and not Edition.objects.filter(name="2026 overview").exists()
    page = html.unescape(check.content.decode())
    assert "Check before you publish" in page
    assert "3 published collaborations, by status" in page
    counts = dict(check.context["preview"].rows)
    assert counts["Planned"] == 1 and counts["Operational"] == 2 and sum(counts.values()) == 3
    assert "2014 overview, the baseline (1 September 2014)" in page
    expected = check.context["preview"].fingerprint
    assert f'name="expected" value="{expected}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("editions:publish"), {**fields, "expected": expected, "confirm": "yes"})
    edition = Edition.objects.get(name="2026 overview")
    assert response.status_code == 302 and response["Location"] == reverse("editions:detail", args=[edition.slug])
    assert edition.collaborations == 3 == edition.entries.count()
    assert edition.published_by == cast.analyst and not edition.is_baseline
    assert edition.as_of == datetime.date(2026, 11, 30)
    run = edition.reports.get()  # its report was asked for, compared with the baseline
    assert run.compare_with == baseline and run.state == ReportState.DONE
    page = client.get(response["Location"]).content.decode()
    assert "Published 2026 overview: 3 collaborations frozen as they stand." in html.unescape(page)


def test_a_confirmation_made_on_counts_that_have_since_changed_is_asked_again(client, cast, editions):
    client.force_login(cast.analyst)
    fields = {"name": "2026 overview", "as_of": "2026-11-30", "round": "", "baseline": "no"}
    expected = client.post(reverse("editions:publish"), fields).context["preview"].fingerprint
    make_collaboration("essex_police", "essex_frs", title="Published by someone else meanwhile")

    response = client.post(reverse("editions:publish"), {**fields, "expected": expected, "confirm": "yes"})
    assert response.status_code == 200 and not Edition.objects.filter(name="2026 overview").exists()
    page = html.unescape(response.content.decode())
    assert "The published records changed while you were checking" in page
    assert "3 published collaborations, by status" in page

    response = client.post(reverse("editions:publish"), {**fields, "change": "yes"})
    assert response.status_code == 200 and 'value="2026 overview"' in response.content.decode()
    assert not Edition.objects.filter(name="2026 overview").exists()


def test_a_date_in_the_future_or_a_round_that_had_not_opened_is_refused_with_the_reason(client, cast, editions):
    from bluelight.returns import services as returns_services

    client.force_login(cast.analyst)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("editions:publish"), {"name": "2030 overview", "as_of": "2030-01-01", "round": "", "baseline": "no"}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "2030-01-01 is in the future" in page and "Error:" in page
    response = client.post(
        reverse("editions:publish"),
        {"name": "Tomorrow", "as_of": tomorrow.isoformat(), "round": "", "baseline": "no"},
    )
    assert "is in the future" in html.unescape(response.content.decode())

    round_ = returns_services.round_open(
        name="Autumn call", opens_on=datetime.date(2026, 11, 10), closes_on=datetime.date(2026, 12, 20), notify=False
    )
    response = client.post(
        reverse("editions:publish"),
        {"name": "1 November", "as_of": "2026-11-01", "round": round_.pk, "baseline": "no"},
    )
    page = html.unescape(response.content.decode())
    assert "The round Autumn call opened on 2026-11-10, after the date this edition describes (2026-11-01)" in page
    assert Edition.objects.count() == 2


def test_publishing_a_name_twice_or_a_second_baseline_says_why_and_creates_nothing(client, cast, editions):
    client.force_login(cast.analyst)
    editions_before, entries_before = Edition.objects.count(), Entry.objects.count()

    response = client.post(
        reverse("editions:publish"), {"name": "2016 overview", "as_of": "2017-01-01", "round": "", "baseline": "no"}
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "An edition called 2016 overview exists: editions are never replaced; choose another name." in page
    assert "Error:" in page  # the title says so, for screen readers

    response = client.post(
        reverse("editions:publish"), {"name": "2017 overview", "as_of": "2017-01-01", "round": "", "baseline": "yes"}
    )
    assert response.status_code == 200
    assert "2014 overview is already the baseline" in html.unescape(response.content.decode())

    response = client.post(reverse("editions:publish"), {"name": "", "as_of": "not a date", "baseline": "no"})
    assert response.status_code == 200
    assert (Edition.objects.count(), Entry.objects.count()) == (editions_before, entries_before)


def test_an_analyst_asks_for_a_report_and_is_taken_to_its_ready_page(
    client, cast, editions, django_capture_on_commit_callbacks
):
    baseline, later = editions
    client.force_login(cast.analyst)
    detail = client.get(reverse("editions:detail", args=[later.slug])).content.decode()
    assert "Produce the overview report" in detail
    assert f'<option value="{baseline.pk}" selected>' in detail  # growth since the baseline, by default

    response = _produce(client, later, django_capture_on_commit_callbacks, compare_with=baseline)
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("editions:run", args=[run.pk])
    assert run.state == ReportState.DONE and run.requested_by == cast.analyst and run.compare_with == baseline

    page = client.get(response["Location"]).content.decode()
    assert "The report is ready" in page and 'http-equiv="refresh"' not in page
    for kind in ("html", "pdf", "xlsx"):
        url = reverse("editions:run_file", args=[run.pk, kind])
        assert url in page
        assert client.get(url).status_code == 200
    detail = client.get(reverse("editions:detail", args=[later.slug])).content.decode()
    assert "Ready" in detail  # the list of runs


def test_a_bad_choice_of_comparison_goes_back_to_the_edition_with_a_message(client, cast, editions):
    _baseline, later = editions
    client.force_login(cast.analyst)
    response = client.post(reverse("editions:report_request", args=[later.slug]), {"compare_with": later.pk})
    assert response.status_code == 302 and response["Location"] == reverse("editions:detail", args=[later.slug])
    assert not ReportRun.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Choose an edition to compare with from the list." in page


def test_a_run_in_progress_updates_itself_politely_and_shows_how_far_it_has_got(client, cast, editions):
    run, _pages = _analyst_pages(editions)
    client.force_login(cast.analyst)
    page = client.get(reverse("editions:run", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page  # axe: a timed refresh is critical; the status updates itself
    assert '<div id="run-status" aria-live="polite" data-refresh-seconds="5">' in page
    assert '<script src="/static/js/run-progress.js" defer></script>' in page
    assert f'<a class="govuk-link" href="{reverse("editions:run", args=[run.pk])}">Refresh the page</a>' in page
    assert '<progress class="bl-progress" id="report-progress" max="100" value="37"' in page
    assert "37%" in page and "Drawing the charts" in page
    assert client.get(reverse("editions:run_file", args=[run.pk, "pdf"])).status_code == 404  # not done yet

    ReportRun.objects.filter(pk=run.pk).update(state=ReportState.FAILED, error="RuntimeError: out of memory")
    page = client.get(reverse("editions:run", args=[run.pk])).content.decode()
    assert "The report could not be produced" in page and "RuntimeError: out of memory" in page
    assert 'http-equiv="refresh"' not in page and "<progress" not in page
    assert "data-refresh-seconds" not in page and "run-progress.js" not in page


def test_a_run_nobody_picked_up_for_a_minute_says_the_worker_is_not_running(client, cast, editions, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    run, _pages = _analyst_pages(editions)
    client.force_login(cast.analyst)
    warning = "The background worker is not running: start it with <code>bluelight db_worker</code>."
    ReportRun.objects.filter(pk=run.pk).update(state=ReportState.QUEUED, requested_at=timezone.now())
    assert warning not in client.get(reverse("editions:run", args=[run.pk])).content.decode()  # give it a minute
    ReportRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=2))
    assert warning in client.get(reverse("editions:run", args=[run.pk])).content.decode()
    heartbeat_write(worker_id="w1", started_at=timezone.now())  # a worker is there, busy with other work
    assert warning not in client.get(reverse("editions:run", args=[run.pk])).content.decode()


def test_an_analysts_copy_of_the_html_is_locked_down_too(client, cast, editions, django_capture_on_commit_callbacks):
    _baseline, later = editions
    client.force_login(cast.analyst)
    _produce(client, later, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    response = client.get(reverse("editions:run_file", args=[run.pk, "html"]))
    assert response.status_code == 200
    csp = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp and "object-src 'none'" in csp


def test_the_home_page_and_the_list_point_at_the_newest_edition_whose_report_is_ready(
    client, cast, editions, django_capture_on_commit_callbacks
):
    baseline, later = editions
    assert 'data-testid="latest-overview"' not in client.get(reverse("explorer:home")).content.decode()

    client.force_login(cast.analyst)
    _produce(client, baseline, django_capture_on_commit_callbacks)
    ReportRun.objects.create(edition=later, state=ReportState.RUNNING, percent=40)  # the newer one is being made
    client.logout()

    home = client.get(reverse("explorer:home")).content.decode()
    assert f'href="{reverse("editions:detail", args=[baseline.slug])}">2014 overview</a>' in home
    assert reverse("editions:detail", args=[later.slug]) not in home
    listing = client.get(reverse("editions:list")).content.decode()
    assert reverse("editions:report_file", args=[baseline.slug, "pdf"]) in listing
    assert reverse("editions:report_file", args=[later.slug, "pdf"]) not in listing
    assert "Report being produced" in listing
    detail = client.get(reverse("editions:detail", args=[later.slug])).content.decode()
    assert "Report being produced" in detail and reverse("editions:report_file", args=[later.slug, "pdf"]) not in detail
