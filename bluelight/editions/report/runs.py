"""Report runs: asking for an overview report, producing it in the background, and finding the latest.

The web asks (`report_request`), a worker produces (`report_run_execute`), and the run keeps its
progress, so the page can show how far it has got and the public can download the newest finished one.
A run writes the report in every language of `REPORT_LANGUAGES` (the spreadsheet annex in the default
language only); pages serve the one the reader's browser asks for.
"""

import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bluelight.core.runs import progress_recorder
from bluelight.editions.models import Edition, ReportRun, ReportState, report_file_name
from bluelight.editions.report.language import DEFAULT_LANGUAGE, REPORT_LANGUAGES, report_language
from bluelight.editions.report.render import KINDS, PAGE, report_produce

# A link to the PDF in a language other than the page's is written in the PDF's language (marked with lang).
PDF_IN = {
    "en": gettext_noop("Download the report in English"),
    "cy": gettext_noop("Download the report in Welsh"),
}

logger = logging.getLogger(__name__)


def report_request(*, edition: Edition, compare_with: Edition | None = None, user=None) -> ReportRun:
    """Queue an overview report of `edition`; it is produced by the worker after this transaction commits."""
    from bluelight.editions.tasks import report_generate

    if compare_with is not None and compare_with.pk == edition.pk:
        compare_with = None
    run = ReportRun.objects.create(edition=edition, compare_with=compare_with, requested_by=user, step=_("Queued"))

    def enqueue():
        result = report_generate.enqueue(run.pk)
        ReportRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return run


def report_run_execute(*, run_id: int) -> ReportRun:
    """Produce the files of a run, recording progress; on failure the run says what went wrong."""
    run = ReportRun.objects.select_related("edition", "compare_with").get(pk=run_id)
    if run.state == ReportState.DONE:
        return run
    ReportRun.objects.filter(pk=run.pk).update(state=ReportState.RUNNING, percent=0, step=_("Starting"), error="")
    progress = progress_recorder(ReportRun.objects.filter(pk=run.pk))
    directory = run.directory
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    targets, translations = report_targets(partial)
    try:
        # The default language explicitly: a worker's own language is whatever its settings say.
        with translation.override(DEFAULT_LANGUAGE):
            overview = report_produce(
                edition=run.edition,
                compare_with=run.compare_with,
                targets=targets,
                translations=translations,
                progress=progress,
            )
        shutil.rmtree(directory, ignore_errors=True)
        partial.rename(directory)  # all the files appear together, or none
    except Exception as exc:
        logger.exception("Overview report run %s failed", run.pk)
        shutil.rmtree(partial, ignore_errors=True)
        ReportRun.objects.filter(pk=run.pk).update(
            state=ReportState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportState.DONE, percent=100, step=_("Ready"), finished_at=timezone.now(), summary=_summary(overview)
    )
    run.refresh_from_db()
    return run


def report_targets(directory: Path) -> tuple[dict[str, Path], dict[str, dict[str, Path]]]:
    """Where a run writes its files (`report_produce`'s targets and translations): every kind in the default
    language; the document, its PDF and the web page's body in each other language."""
    targets = {kind: directory / report_file_name(kind) for kind in (*KINDS, PAGE)}
    translations = {
        language: {kind: directory / report_file_name(kind, language) for kind in ("html", "pdf", PAGE)}
        for language in REPORT_LANGUAGES
        if language != DEFAULT_LANGUAGE
    }
    return targets, translations


def _summary(overview) -> dict:
    summary = {
        "collaborations": overview.collaborations,
        "organisations": overview.organisations,
        "realised_annual": overview.realised_annual,
        "estimated_annual": overview.estimated_annual,
        "evaluated_annual": overview.evaluated_annual,
    }
    comparison = overview.comparison
    if comparison is not None:
        summary["comparison"] = {
            "with": comparison.baseline.name,
            "new": len(comparison.new),
            "continuing": len(comparison.continuing),
            "ended": len(comparison.ended),
            "ended_before": len(comparison.ended_before),
            "not_reported": len(comparison.not_reported),
            "edition_total": comparison.edition_total,
            "changed_status": len(comparison.changed_status),
            "new_partners": len(comparison.new_partners),
        }
    return summary


def latest_report(edition: Edition) -> ReportRun | None:
    """The newest finished report of an edition whose files are on disk: what the public downloads."""
    for run in edition.reports.filter(state=ReportState.DONE).order_by("-finished_at", "-pk")[:5]:
        if all(run.path(kind).exists() for kind in KINDS):
            return run
    return None


def report_page_body(run: ReportRun, language: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    """The report's body for the web page in `language`, and the language it is in: as written with the run, in
    the default language if the run has none in `language` (it was produced before reports were translated); for
    a run produced before runs wrote bodies, the body of its standalone document (the same report, without links
    to the explorer)."""
    for written in dict.fromkeys([report_language(language), DEFAULT_LANGUAGE]):
        page = run.path(PAGE, written)
        if page.exists():
            return page.read_text(encoding="utf-8"), written
    document = run.path("html").read_text(encoding="utf-8", errors="replace")
    # A file edited or cut short by hand may lack its <body>: show what there is rather than fail.
    found = re.search(r"<body[^>]*>(.*?)(?:</body>|\Z)", document, flags=re.DOTALL | re.IGNORECASE)
    body = found.group(1) if found else document
    return body.replace("<main>", "").replace("</main>", ""), DEFAULT_LANGUAGE  # the layout has its own <main>


@dataclass(frozen=True)
class ReportDownload:
    href: str
    language: str  # the PDF's
    text: str  # in the page's language if the PDF is in it, else in the PDF's own
    current: bool  # whether the PDF is in the page's language


def report_downloads(run: ReportRun, url: Callable[[str], str]) -> list[ReportDownload]:
    """The run's PDF in each language it has one, the page's (the active) language first. `url` gives the
    address of a file from its kind as the URLs name it: "pdf" in the default language, "cy.pdf" in Welsh."""
    page = report_language()
    found = [language for language in REPORT_LANGUAGES if run.path("pdf", language).exists()]
    links = []
    for language in sorted(found, key=lambda language: language != page):
        kind = "pdf" if language == DEFAULT_LANGUAGE else f"{language}.pdf"
        if language == page:
            text = _("Download the report")
        else:
            with translation.override(language):
                text = _(PDF_IN[language])
        links.append(ReportDownload(url(kind), language, text, language == page))
    return links


def report_kind_parse(kind: str) -> tuple[str, str] | None:
    """("pdf", "cy") for the kind "cy.pdf" of an address, ("pdf", "en") for "pdf"; None for a kind that names no
    report file (a language the report is not written in, or the default language named)."""
    language, _dot, kind = kind.rpartition(".")
    if not language:
        return kind, DEFAULT_LANGUAGE
    if language in REPORT_LANGUAGES and language != DEFAULT_LANGUAGE and kind == "pdf":
        return kind, language
    return None


def edition_latest_with_report() -> tuple[Edition, ReportRun] | tuple[None, None]:
    """The newest edition (by the date it describes) whose overview report is ready, and that report:
    what the home page offers as "the national overview", so it never links to a report still being made."""
    candidates = Edition.objects.filter(reports__state=ReportState.DONE).distinct().order_by("-as_of", "-pk")
    for edition in candidates[:10]:
        run = latest_report(edition)
        if run is not None:
            return edition, run
    return None, None


def report_states(editions) -> dict[int, str]:
    """Edition id -> "ready", "producing" or "none": what a list of editions says about each one's report."""
    ids = [e.pk for e in editions]
    working = set(
        ReportRun.objects.filter(edition_id__in=ids, state__in=[ReportState.QUEUED, ReportState.RUNNING]).values_list(
            "edition_id", flat=True
        )
    )
    return {e.pk: "ready" if latest_report(e) else "producing" if e.pk in working else "none" for e in editions}
