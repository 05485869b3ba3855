"""Edition pages: public (list, edition, report files) and analysts' (publish, produce a report, progress)."""

import hashlib
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import etag, require_POST

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.core.forms import form_add_service_errors
from bluelight.core.runs import run_waiting_for_worker
from bluelight.editions import datapackage, definitions
from bluelight.editions.forms import EditionPublishForm, ReportRequestForm
from bluelight.editions.models import Edition, ReportRun, ReportState
from bluelight.editions.report.language import DEFAULT_LANGUAGE, record, report_language
from bluelight.editions.report.runs import (
    latest_report,
    report_downloads,
    report_kind_parse,
    report_page_body,
    report_request,
    report_states,
)
from bluelight.editions.selectors import edition_preview
from bluelight.editions.services import edition_check, edition_publish

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def edition_list(request):
    editions = list(Edition.objects.order_by("-as_of", "-pk"))
    states = report_states(editions)
    for edition in editions:
        edition.report_state = states[edition.pk]
        if edition.report_state == "ready":  # the PDF in the page's language if the report is written in it
            edition.report_pdf = report_downloads(latest_report(edition), _file_url(edition.slug))[0]
    return render(
        request,
        "editions/edition_list.html",
        {"editions": editions, "can_publish": policy.can(request.user, Action.PUBLISH)},
    )


def edition_detail(request, slug: str):
    edition = get_object_or_404(Edition, slug=slug)
    can_publish = policy.can(request.user, Action.PUBLISH)
    report = latest_report(edition)
    comparison = report.summary.get("comparison") if report else None
    context = {
        "edition": edition,
        "report": report,
        "definitions": definitions.headlines(edition.as_of),
        "growth_definition": definitions.growth(record(comparison["with"])) if comparison else "",
        "producing": edition.reports.filter(state__in=[ReportState.QUEUED, ReportState.RUNNING]).exists(),
        "can_publish": can_publish,
    }
    if report:
        context.update(_downloads(report, _file_url(slug)))
    if can_publish:
        context["form"] = ReportRequestForm(edition=edition)
        context["runs"] = edition.reports.select_related("compare_with")[:10]
    return render(request, "editions/edition_detail.html", context)


def report_file(request, slug: str, kind: str):
    """The newest finished report of an edition, at a stable address: /editions/<slug>/overview.pdf (English),
    overview.cy.pdf (Welsh), overview.xlsx; overview.html is the web page, in the language the browser asks for."""
    edition = get_object_or_404(Edition, slug=slug)
    run = latest_report(edition)
    parsed = report_kind_parse(kind)
    if run is None or parsed is None or parsed[0] not in CONTENT_TYPES:
        raise Http404(_("The overview report of this edition has not been produced yet."))
    if parsed[0] == "html":
        return _report_page(request, run, _file_url(edition.slug))
    return _report_response(run, *parsed, filename=f"{edition.slug}-overview.{kind}")


def _file_url(slug: str) -> Callable[[str], str]:
    """The address of a file of an edition's newest report, from its kind ("pdf", "cy.pdf", "xlsx", "html")."""
    return lambda kind: reverse("editions:report_file", args=[slug, kind])


def _run_file_url(run_id: int) -> Callable[[str], str]:
    """The address of a file of one run (analysts'), from its kind."""
    return lambda kind: reverse("editions:run_file", args=[run_id, kind])


def _report_page(request, run: ReportRun, url: Callable[[str], str]):
    """The report in the service's layout (header, breadcrumbs, `<main>`), styled by its own stylesheet, in the
    request's language if the run has the report in it (else in the default language, marked as such)."""
    body, body_language = report_page_body(run, report_language())
    context = {"edition": run.edition, "run": run, "body": body, "body_language": body_language}
    return render(request, "editions/report_page.html", context | _downloads(run, url))


def _downloads(run: ReportRun, url: Callable[[str], str]) -> dict:
    """What editions/includes/report_downloads.html lists: the PDFs by language, and the spreadsheet annex."""
    return {
        "pdf_links": report_downloads(run, url),
        "annex": url("xlsx"),
        "annex_language": DEFAULT_LANGUAGE,
        "page_language": report_language(),
    }


@cache_control(public=True, max_age=3600)
def report_stylesheet(request):
    """The report's stylesheets for its web page, from the files the standalone document inlines (the service's
    Content-Security-Policy admits no inline styles). Every rule is scoped to the report's own classes."""
    css = "\n".join(render_to_string(f"editions/report/{name}.css") for name in ("report", "screen"))
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def _report_response(run: ReportRun, kind: str, language: str, *, filename: str) -> FileResponse:
    """A report file: the spreadsheet as a download, the PDF shown in the browser."""
    path = run.path(kind, language)
    if not path.exists():  # a run produced before reports were written in this language
        raise Http404(_("This report has no such file."))
    response = FileResponse(
        path.open("rb"), content_type=CONTENT_TYPES[kind], as_attachment=kind == "xlsx", filename=filename
    )
    response["Content-Language"] = language
    return response


@login_required
def edition_publish_view(request):
    """Publish in two steps: the form, then a confirmation page saying what will be frozen; nothing is
    written until the analyst confirms, and a confirmation made on counts that have since changed is asked again."""
    policy.require(request.user, Action.PUBLISH)
    form = EditionPublishForm(request.POST or None)
    if request.method != "POST" or "change" in request.POST or not form.is_valid():
        return render(request, "editions/publish.html", {"form": form})
    fields = form.cleaned_data
    try:
        edition_check(name=fields["name"], as_of=fields["as_of"], baseline=fields["baseline"], round_=fields["round"])
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return render(request, "editions/publish.html", {"form": form})
    preview = edition_preview(as_of=fields["as_of"], baseline=fields["baseline"], round_=fields["round"])
    stale = "confirm" in request.POST and request.POST.get("expected") != preview.fingerprint
    if "confirm" not in request.POST or stale:
        return render(request, "editions/publish_confirm.html", {"form": form, "preview": preview, "stale": stale})
    try:
        edition = edition_publish(
            name=fields["name"],
            as_of=fields["as_of"],
            baseline=fields["baseline"],
            round_=fields["round"],
            user=request.user,
        )
    except ValidationError as exc:  # another analyst published under this name a moment ago
        form_add_service_errors(form, exc)
        return render(request, "editions/publish.html", {"form": form})
    report_request(edition=edition, compare_with=preview.compared_with, user=request.user)
    messages.success(
        request,
        _("Published %(name)s: %(n)d collaborations frozen as they stand. Its overview report is being produced.")
        % {"name": edition.name, "n": edition.collaborations},
    )
    return redirect("editions:detail", edition.slug)


@login_required
@require_POST
def report_request_view(request, slug: str):
    policy.require(request.user, Action.PUBLISH)
    edition = get_object_or_404(Edition, slug=slug)
    form = ReportRequestForm(request.POST, edition=edition)
    if not form.is_valid():
        messages.error(request, _("Choose an edition to compare with from the list."))
        return redirect("editions:detail", edition.slug)
    run = report_request(edition=edition, compare_with=form.cleaned_data["compare_with"], user=request.user)
    return redirect("editions:run", run.pk)


@login_required
def report_run_view(request, run_id: int):
    policy.require(request.user, Action.PUBLISH)
    run = get_object_or_404(ReportRun.objects.select_related("edition", "compare_with"), pk=run_id)
    working = run.state in (ReportState.QUEUED, ReportState.RUNNING)
    context = {"run": run, "working": working, "waiting_for_worker": run_waiting_for_worker(run)}
    if run.state == ReportState.DONE:
        context.update(_downloads(run, _run_file_url(run.pk)))
    return render(request, "editions/run.html", context)


@login_required
def report_run_file(request, run_id: int, kind: str):
    """A finished run's own file, for analysts checking a report before it is the newest one."""
    policy.require(request.user, Action.PUBLISH)
    run = get_object_or_404(ReportRun, pk=run_id, state=ReportState.DONE)
    parsed = report_kind_parse(kind)
    if parsed is None or parsed[0] not in CONTENT_TYPES or not run.path(*parsed).exists():
        raise Http404(_("This report has no such file."))
    if parsed[0] == "html":
        return _report_page(request, run, _run_file_url(run.pk))
    return _report_response(run, *parsed, filename=f"{run.edition.slug}-overview-{run.pk}.{kind}")


# Open data: the edition as a Frictionless data package (datapackage.py). An edition never changes, so its
# ETag names the edition and the licence, and a client that has the package gets a 304 without it being built.


def _datapackage_etag(request, slug: str, **_kwargs) -> str:
    licence = settings.OPEN_DATA_LICENCE
    named = f"{slug} {datapackage.VERSION} {licence['name']} {licence['path']}"
    return hashlib.sha256(named.encode()).hexdigest()[:32]


@etag(_datapackage_etag)
def datapackage_file(request, slug: str, kind: str):
    """/editions/<slug>/datapackage.json (tables at data/<table>.csv beside it) or datapackage.zip (all of it)."""
    edition = get_object_or_404(Edition, slug=slug)
    homepage = request.build_absolute_uri(reverse("editions:detail", args=[slug]))
    if kind == "json":
        return JsonResponse(datapackage.descriptor(edition, homepage=homepage), json_dumps_params={"indent": 2})
    if kind != "zip":
        raise Http404
    stream = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    datapackage.write_zip(edition, stream, homepage=homepage)
    stream.seek(0)
    return FileResponse(stream, content_type="application/zip", as_attachment=True, filename=f"{slug}-datapackage.zip")


@etag(_datapackage_etag)
def datapackage_table(request, slug: str, table: str):
    """One table of an edition's data package as CSV, where its datapackage.json says it is."""
    edition = get_object_or_404(Edition, slug=slug)
    if table not in datapackage.TABLES_BY_NAME:
        raise Http404
    response = StreamingHttpResponse(datapackage.table_csv(edition, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{table}.csv"'
    return response
