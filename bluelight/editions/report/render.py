"""Writing the overview: one HTML document (the page), the same document through WeasyPrint (the A4
PDF), and every table in a spreadsheet (the data annex), all from one `Overview`; in the active language,
and in any other asked for from the same figures (`report_produce`'s `translations`)."""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Basis, BenefitKind, Theme
from bluelight.collaborations.partial_dates import Precision, parse_partial_date
from bluelight.core.spreadsheets import xlsx_value
from bluelight.editions import definitions
from bluelight.editions.models import Edition
from bluelight.editions.report.charts import overview_charts
from bluelight.editions.report.figures import Overview, Progress, no_progress, overview_build, overview_in_language
from bluelight.editions.report.language import joined, record, report_language
from bluelight.editions.report.tables import scope_label, status_label, whole_pounds
from bluelight.editions.selectors import combination, combination_label

KINDS = ("html", "pdf", "xlsx")
PAGE = "page"  # the report's body for the service's own layout (views.report_page), written beside the files
PAGE_FILE = "page.html"
ANNEX_IN_DOCUMENT = 1000  # above this, the list of collaborations is in the spreadsheet only


def live_context_note() -> str:
    return _(
        "This edition was published before editions froze their organisations, register counts and themes: "
        "those are as they stood when this report was produced."
    )


def page_numbers_css() -> SafeString:
    """The PDF's page numbers ("Page 2 of 30") as the CSS `content` of its footer, in the active language: the
    translated words as CSS strings (each character outside letters, digits and spaces escaped, so no translation
    can end the string or the <style>), the numbers as counters."""
    words = _("Page %(page)s of %(pages)s")
    parts = []
    for part in re.split(r"(%\(pages?\)s)", words):
        if part in ("%(page)s", "%(pages)s"):
            parts.append(f"counter({part[2:-2]})")
        elif part:
            parts.append('"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in part) + '"')
    return mark_safe(" ".join(parts))  # noqa: S308 (built from counters and escaped CSS strings only)


def report_context(overview: Overview, *, standalone: bool) -> dict:
    edition = overview.edition
    return {
        "overview": overview,
        "edition": edition,
        "language": report_language(),  # the document's and the body's lang
        "page_numbers": page_numbers_css(),
        # Typed by analysts: record text, marked with its language in a report written in another.
        "edition_name": record(edition.name),
        "compare_name": record(overview.compare_with.name) if overview.compare_with else "",
        "tables": overview.tables,
        "charts": overview.charts,
        "standalone": standalone,
        "generated_on": timezone.localdate(),
        "definitions": definitions.headlines(edition.as_of),
        "live_context_note": live_context_note() if overview.context.get("live") else "",
        "annex": list(_document_annex(edition)) if edition.collaborations <= ANNEX_IN_DOCUMENT else None,
        "annex_limit": ANNEX_IN_DOCUMENT,
    }


def _document_annex(edition: Edition) -> Iterator[dict]:
    for collaboration_id, data in edition.entries.values_list("collaboration_id", "data").order_by("data__title"):
        yield {
            "id": collaboration_id,
            "title": record(data["title"], data.get("language")),
            "status": status_label(data["status"]),
            "theme": data["top_theme"],
            "partners": joined(p["name"] for p in data["partners"]),
            "combination": combination_label(combination(data["services"])),
        }


def html_render(overview: Overview, *, standalone: bool = True) -> str:
    """The report as one self-contained HTML document (styles and charts inline, no external files)."""
    return render_to_string("editions/report/document.html", report_context(overview, standalone=standalone))


def page_render(overview: Overview) -> str:
    """The report's body alone, its collaborations linked to the explorer: what the web page shows inside the
    service's layout, which brings the header, the `<main>` landmark, the breadcrumbs and the stylesheet."""
    return render_to_string("editions/report/body.html", report_context(overview, standalone=False))


def pdf_write(html: str, target: Path) -> None:
    """A4 PDF with page numbers, a contents page, bookmarks and tags for assistive technology."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s that pages without PDFs never need

    HTML(string=html).write_pdf(target, pdf_tags=True, custom_metadata=True)


def theme_names(overview: Overview) -> dict[str, str]:
    """Theme code -> name: the top-level themes as the edition froze them, sub-themes as the taxonomy names them
    today (editions do not freeze them; the data package says the same)."""
    names = dict(Theme.objects.values_list("code", "name"))
    names.update({code: name for code, name, _description in overview.context["themes"]})
    return names


@dataclass(frozen=True)
class _Day:
    """A date cell of the annex and how it is written: a start or end known to a month or a year is stored as the
    first (start) or last (end) day of that period, as the records store it, and shown as "May 2016" or "2016"."""

    value: datetime.date
    number_format: str


def _partial_day(text: str | None, *, end: bool) -> "_Day | str":
    if not text:
        return ""
    try:
        day, precision = parse_partial_date(text, end=end)
    except ValidationError:
        return text  # never expected from a frozen entry; kept as it is rather than lost
    return _Day(day, "yyyy" if precision == Precision.YEAR else "mmmm yyyy")


def _annex_rows(overview: Overview) -> Iterator[list]:
    """One row per collaboration: each coded value in words, with its code in the next column for machines."""
    names = theme_names(overview)
    rows = overview.edition.entries.order_by("collaboration_id").values_list("uid", "collaboration_id", "data")
    for uid, collaboration_id, data in rows.iterator(chunk_size=2000):
        annual = {basis: Decimal(0) for basis in Basis.values}
        for b in data["benefits"]:
            if b["kind"] == BenefitKind.ANNUAL_SAVING:
                annual[b["basis"]] += Decimal(b["amount_gbp"])
        lead = next((p["name"] for p in data["partners"] if p["lead"]), "")
        top, primary, services = data["top_theme"] or "", data["primary_theme"] or "", combination(data["services"])
        yield [
            str(uid),
            collaboration_id,
            data["title"],
            status_label(data["status"]),
            data["status"],
            names.get(top, top),
            top,
            names.get(primary, primary),
            primary,
            combination_label(services),
            services,
            _partial_day(data["start"], end=False),
            _partial_day(data["end"], end=True),
            scope_label(data["scope"]),
            data["scope"],
            lead,
            "; ".join(p["name"] for p in data["partners"]),
            "; ".join(data["regions"]),
            "; ".join(data["countries"]),
            whole_pounds(annual[Basis.REALISED]),
            whole_pounds(annual[Basis.INDEPENDENTLY_EVALUATED]),
            whole_pounds(annual[Basis.ESTIMATED]),
            max((e["strength"] for e in data["evidence"] if e["strength"] is not None), default=None),
            len(data.get("reported_by", [])),
        ]


ANNEX_COLUMNS = [
    "uid",
    "record_id",
    "title",
    "status",
    "status_code",
    "theme",
    "theme_code",
    "sub_theme",
    "sub_theme_code",
    "services_working_together",
    "services_working_together_code",
    "start",
    "end",
    "scope",
    "scope_code",
    "lead_organisation",
    "partners",
    "regions",
    "countries",
    "annual_saving_realised_gbp",
    "annual_saving_independently_evaluated_gbp",
    "annual_saving_estimated_gbp",
    "strongest_evidence_maryland",
    "reporting_organisations",
]


def _is_date(value) -> bool:
    return isinstance(value, _Day) or isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def xlsx_write(overview: Overview, target: Path, progress: Progress = no_progress) -> None:
    """Every table of the report on its own sheet, plus the list of collaborations, streamed to disk."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet, values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=xlsx_value(str(value)))
            cell.font = bold
            cells.append(cell)
        return cells

    def append(sheet, values) -> None:
        # Every cell through xlsx_value: titles, names and notes come from users and must never run.
        # Plain text: record text's language mark is for the page and the PDF.
        sheet.append(
            [
                date_cell(sheet, value)
                if _is_date(value)
                else xlsx_value(str(value) if isinstance(value, str) else value)
                for value in values
            ]
        )

    def date_cell(sheet, value):
        """A real date cell, written out as the report writes dates ("1 November 2026", "May 2016")."""
        day = value if isinstance(value, _Day) else _Day(value, "d mmmm yyyy")
        cell = WriteOnlyCell(sheet, value=day.value)
        cell.number_format = day.number_format
        return cell

    edition = overview.edition
    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    about.append(header(about, [_("Overview report"), edition.name]))
    for key, value in [
        (_("Edition"), edition.name),
        (_("As of"), edition.as_of),
        (_("Compared with"), overview.compare_with.name if overview.compare_with else _("(none)")),
        (_("Collaborations"), edition.collaborations),
        (_("Constant prices"), _("%(year)s prices, HM Treasury GDP deflators") % {"year": overview.price_label}),
        (_("Deflator source"), overview.deflator_source),
        (_("Produced on"), timezone.localdate()),
        (
            _("Money"),
            _(
                "Sums of money in the tables are rounded to the nearest £1,000, in cash and at constant prices "
                "alike; the sheet collaborations gives each record's amounts to the pound, as reported."
            ),
        ),
    ]:
        append(about, [key, value])
    append(about, [])
    about.append(header(about, [_("What the counts count"), ""]))
    for text in definitions.headlines(edition.as_of).values():
        append(about, [_("Definition"), text])
    if overview.context.get("live"):
        append(about, [_("Context"), live_context_note()])
    append(about, [])
    about.append(header(about, [_("Sheet"), _("Table")]))
    for table in overview.tables.values():
        append(about, [table.key, table.title])
    append(about, ["collaborations", _("Every collaboration in the edition")])
    for table in overview.tables.values():
        sheet = workbook.create_sheet(table.key[:31])
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 45
        sheet.append(header(sheet, table.columns))
        for row in table.rows:
            append(sheet, row)
        if table.note:
            append(sheet, [])
            append(sheet, [table.note])
    sheet = workbook.create_sheet("collaborations")
    sheet.freeze_panes = "A2"
    sheet.append(header(sheet, ANNEX_COLUMNS))
    step = max(1, edition.collaborations // 10)
    for n, row in enumerate(_annex_rows(overview), start=1):
        append(sheet, row)
        if n % step == 0:
            progress(88 + 10 * n // max(1, edition.collaborations), _("Writing the spreadsheet annex"))
    workbook.save(target)


def report_produce(
    *,
    edition: Edition,
    compare_with: Edition | None,
    targets: dict[str, Path],
    progress: Progress = no_progress,
    translations: dict[str, dict[str, Path]] | None = None,
) -> Overview:
    """Compute the overview once and write it to each of `targets` (kind -> path: html, pdf, xlsx, and the
    web page's body) in the active language, and to each of `translations` (language -> kind -> path) in that
    language: the pass over the entries is made once, only the words and what is drawn from them again."""
    translations = translations or {}
    for kinds in [targets, *translations.values()]:
        unknown = set(kinds) - {*KINDS, PAGE}
        if unknown:
            raise ValueError(f"Unknown report kinds: {sorted(unknown)}")
    started = datetime.datetime.now()
    overview = overview_build(edition=edition, compare_with=compare_with, progress=progress)
    languages = [(overview, targets)] + [
        (overview_in_language(overview, language), paths) for language, paths in translations.items()
    ]
    for n, (written, paths) in enumerate(languages):
        _documents_write(written, paths, progress, _marks(n, len(languages)), named=n > 0)
    for written, paths in languages:
        if "xlsx" in paths:
            progress(88, _("Writing the spreadsheet annex"))
            with translation.override(written.language):
                xlsx_write(written, paths["xlsx"], progress)
    progress(100, _("Done in %(s).1f s") % {"s": (datetime.datetime.now() - started).total_seconds()})
    return overview


def _marks(n: int, count: int) -> tuple[int, int, int]:
    """The progress (%) at which the `n`th of `count` languages draws its charts, lays out and typesets. The first
    keeps the marks it always had (58, 65, 70), which the benchmark times its parts by; the others share 72-87."""
    if n == 0:
        return 58, 65, 70
    width = 16 // (count - 1)
    start = 72 + (n - 1) * width
    return start, start + width // 4, start + width // 2


def _documents_write(
    overview: Overview, targets: dict[str, Path], progress: Progress, marks: tuple[int, int, int], *, named: bool
) -> None:
    """The HTML document, the web page's body and the PDF of `overview`, in its language. The steps are told in
    the language of whoever follows the run (the active one), naming the report's language if `named`."""
    if not {"html", "pdf", PAGE} & set(targets):
        return
    in_language = translation.get_language_info(overview.language)["name_translated"] if named else ""

    def step(text: str, text_in: str) -> str:
        return text_in % {"language": in_language} if named else text

    charts, layout, pdf = marks
    progress(charts, step(_("Drawing the charts"), _("Drawing the charts in %(language)s")))
    with translation.override(overview.language):
        overview.charts = {chart.key: chart for chart in overview_charts(overview)}
    progress(layout, step(_("Laying out the report"), _("Laying out the report in %(language)s")))
    with translation.override(overview.language):
        html = html_render(overview)
        page = page_render(overview) if PAGE in targets else ""
    if "html" in targets:
        targets["html"].write_text(html, encoding="utf-8")
    if PAGE in targets:
        targets[PAGE].write_text(page, encoding="utf-8")
    if "pdf" in targets:
        progress(pdf, step(_("Typesetting the PDF"), _("Typesetting the PDF in %(language)s")))
        with translation.override(overview.language):
            pdf_write(html, targets["pdf"])
