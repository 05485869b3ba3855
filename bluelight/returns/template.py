"""The returns template workbook: the Return sheet with drop-downs, guidance and lookup sheets."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from bluelight.collaborations.models import Basis, BenefitKind, Scope, Status
from bluelight.collaborations.partial_dates import format_partial_date
from bluelight.core.spreadsheets import xlsx_value
from bluelight.returns.sheet import COLUMNS, DOWNLOADED_AT_NAME, FIGURES, TEXT_LIMIT, VERSIONS_SHEET

KIND_COLUMNS = {
    BenefitKind.ANNUAL_SAVING: "annual_savings_gbp",
    BenefitKind.CUMULATIVE_SAVING: "one_off_savings_gbp",
    BenefitKind.INVESTMENT_COST: "one_off_cost_gbp",
    BenefitKind.EXTERNAL_FUNDING: "external_funding_gbp",
}
# When a record's savings have several bases, the template offers the weakest claim.
_BASIS_STRENGTH = [Basis.ESTIMATED, Basis.REALISED, Basis.INDEPENDENTLY_EVALUATED]
TEXT_COLUMNS = ("reference", "start_date", "end_date")  # formatted as text so Excel keeps "2016-05"
MONEY_FORMAT = "#,##0.00"
EMPTY_ROWS = 1000  # rows below the pre-filled ones that get the drop-downs
WIDTHS = {
    "reference": 12,
    "title": 40,
    "description": 60,
    "partners": 60,
    "lead_organisation": 32,
    "theme": 24,
    "status": 16,
    "benefits": 50,
    "evidence_url": 40,
    "contact_name": 24,
    "contact_email": 30,
    "outcomes": 50,
    "lessons": 50,
    "secondary_themes": 40,
    **{f"{figure}_recipient": 32 for figure in FIGURES},
}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")  # GOV.UK blue
MONEY_EXAMPLES = "12000, 12,000, £12,000.50, 12k or £1.2m"

GUIDANCE = [
    (
        "reference",
        "yes",
        "Your own short reference for the row, unique in the file (up to 60 characters). "
        "Rows we filled in carry C and our number for the record: keep it, so the row updates that record. "
        "Rows added on the web pages carry W and a number. "
        "Importing again with the same reference updates the row instead of adding another.",
        "C123; A1",
    ),
    ("title", "yes", "A short name for the collaboration (up to 250 characters).", "Joint station at Epsom"),
    (
        "description",
        "",
        f"What the collaboration does, who does what (up to {TEXT_LIMIT:,} characters).",
        "Police and fire share one station; ...",
    ),
    (
        "partners",
        "yes",
        "Every organisation taking part, separated by semicolons: full names, short names "
        "or official codes from the Organisations sheet. Your own organisation is included automatically; "
        "list at least one other. Councils, NHS bodies and charities not in the list: ask an analyst to add them.",
        "Surrey Fire and Rescue Service; SECAmb",
    ),
    (
        "lead_organisation",
        "",
        "The partner leading the work; it must be one of the partners. Blank means your organisation.",
        "Surrey Police",
    ),
    (
        "theme",
        "",
        "The area of collaboration: a code from the Themes sheet (or its name). Blank if unsure: "
        "an analyst will code it.",
        "es_shared_hq",
    ),
    (
        "status",
        "yes",
        "One of: " + ", ".join(Status.values) + ". Planned collaborations count: future plans are asked for too.",
        "operational",
    ),
    (
        "start_date",
        "",
        "When it started or will start: a year, or a year and month (YYYY or YYYY-MM).",
        "2016; 2016-05",
    ),
    ("end_date", "", "When it ended or will end (YYYY or YYYY-MM). Blank if it carries on.", "2019-03"),
    ("scope", "", "One of: " + ", ".join(Scope.values) + "; blank if unsure.", "regional"),
    (
        "one_off_cost_gbp",
        "",
        f"What it cost to set up, in pounds, one figure: {MONEY_EXAMPLES}. No ranges, formulas or minus signs.",
        "250k",
    ),
    (
        "one_off_savings_gbp",
        "",
        "One-off or cumulative savings to date, in pounds (one figure). "
        "A cost goes in one_off_cost_gbp, never as a negative saving.",
        "£40,000",
    ),
    ("annual_savings_gbp", "", "Savings recurring every year, in pounds (one figure).", "£1.2m"),
    ("savings_basis", "if savings", "How the savings are known: " + ", ".join(Basis.values) + ".", "estimated"),
    (
        "price_year",
        "",
        "The year the money figures are priced in (1990 to 2100). Blank means this round's year.",
        "2026",
    ),
    ("benefits", "", "Benefits in words, including those that are not money.", "Faster response in rural areas"),
    (
        "evidence_url",
        "",
        "One web link to an evaluation, report or case study (https://...).",
        "https://www.example.gov.uk/evaluation",
    ),
    ("contact_name", "", "Who we may ask about it. Contact details are never published.", "Pat Example"),
    ("contact_email", "", "The contact's email address.", "pat.example@surrey.police.uk"),
    (
        "external_funding_gbp",
        "optional column",
        "Grants received for the work, in pounds. External funding is "
        "never a saving: do not add it to the savings columns.",
        "£75,000",
    ),
    (
        "outcomes",
        "optional column",
        "Results that are not money: response minutes, hours released, lives saved.",
        "Response times down 2 minutes",
    ),
    (
        "lessons",
        "optional column",
        "Barriers met and what did not work: useful to others planning the same.",
        "Different rota patterns took a year to align",
    ),
    (
        "secondary_themes",
        "optional column",
        "Other areas the collaboration covers besides its theme: codes (or names) from the Themes sheet, "
        "separated by semicolons. The main theme, if listed here too, is left out.",
        "es_joint_facilities; fr_efr",
    ),
    *[
        row
        for figure, words in (
            ("annual_savings", "the annual savings"),
            ("one_off_savings", "the one-off savings"),
            ("one_off_cost", "the one-off cost"),
            ("external_funding", "the external funding"),
        )
        for row in (
            (
                f"{figure}_basis",
                "optional column",
                f"How {words} figure is known, if not as savings_basis says: " + ", ".join(Basis.values) + ". "
                "Blank means savings_basis.",
                "realised",
            ),
            (
                f"{figure}_price_year",
                "optional column",
                f"The year {words} figure is priced in, if not price_year (1990 to 2100). Blank means price_year.",
                "2024",
            ),
            (
                f"{figure}_recipient",
                "optional column",
                f"The partner {words} accrue to, if not your organisation: one of the names in partners. "
                "Blank means your organisation.",
                "Surrey Fire and Rescue Service",
            ),
        )
    ],
]
NOTES = [
    "One row per collaboration on the Return sheet. Keep the header row as it is: columns are read by name.",
    "Money: one figure in pounds, written as " + MONEY_EXAMPLES + ". No ranges (10-20k), formulas or "
    "negative numbers; a cost goes in one_off_cost_gbp.",
    "External funding (grants) is never a saving: put it in external_funding_gbp.",
    "savings_basis and price_year apply to every money figure; the optional columns such as annual_savings_basis, "
    "annual_savings_price_year and annual_savings_recipient give one figure its own basis, price year and the "
    "partner it accrues to.",
    "Dates: a year or a year and month, 2016 or 2016-05.",
    "Partners: names, short names or codes from the Organisations sheet, separated by semicolons. "
    "Your organisation is included automatically.",
    "Planned collaborations count: future plans are asked for, with status planned.",
    "Save the file as .xlsx (or as CSV UTF-8) and import it; every problem is listed at once, and nothing is "
    "imported until the whole file is right.",
]


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def row_from_collaboration(collaboration, organisation) -> dict:
    """A template row for a known collaboration, seen from `organisation` (its benefits, its contact)."""
    partners = list(collaboration.partners.all())
    lead = next((p.organisation for p in partners if p.is_lead), None)
    row = {
        "reference": f"C{collaboration.pk}",
        "title": collaboration.title,
        "description": collaboration.description,
        "partners": "; ".join(p.organisation.name for p in partners),
        "lead_organisation": lead.name if lead else "",
        "theme": collaboration.primary_theme.code if collaboration.primary_theme_id else "",
        "status": collaboration.status,
        "start_date": format_partial_date(collaboration.start_date, collaboration.start_precision),
        "end_date": format_partial_date(collaboration.end_date, collaboration.end_precision),
        "scope": collaboration.scope,
        "lessons": collaboration.lessons,
        "outcomes": "\n".join(o.description for o in collaboration.outcomes.all()),
    }
    # A saving is counted once, for the organisation it accrues to: offer this organisation's own.
    benefits = [b for b in collaboration.benefits.all() if b.accrues_to_id in (None, organisation.pk)]
    totals: dict[str, Decimal] = {}
    for benefit in benefits:
        column = KIND_COLUMNS.get(benefit.kind)
        if column:
            totals[column] = totals.get(column, Decimal(0)) + benefit.amount_gbp
    row.update({column: _number(amount) for column, amount in totals.items()})
    bases = [b.basis for b in benefits if b.is_saving]
    if bases:
        row["savings_basis"] = min(bases, key=_BASIS_STRENGTH.index)
    years = [b.price_year for b in benefits if b.kind in KIND_COLUMNS]
    if years:
        row["price_year"] = max(years)
    for kind, column in KIND_COLUMNS.items():  # a figure's own basis and price year, where not the defaults
        figure, own = column.removesuffix("_gbp"), [b for b in benefits if b.kind == kind]
        if own:
            basis = min((b.basis for b in own), key=_BASIS_STRENGTH.index)
            year = max(b.price_year for b in own)
            row[f"{figure}_basis"] = basis if basis != row.get("savings_basis") else ""
            row[f"{figure}_price_year"] = year if year != row.get("price_year") else None
    row["secondary_themes"] = "; ".join(t.code for t in collaboration.secondary_themes.all())
    words = [b.description for b in benefits if b.description]
    words += [f"{b.get_kind_display()}: £{b.amount_gbp:,.0f}" for b in benefits if b.kind == BenefitKind.NON_CASHABLE]
    row["benefits"] = "; ".join(words)
    evidence = next((e.url for e in collaboration.evidence.all() if e.url), "")
    row["evidence_url"] = evidence
    contacts = list(collaboration.contacts.all())
    contact = next((c for c in contacts if c.organisation_id == organisation.pk), contacts[0] if contacts else None)
    if contact:
        row["contact_name"], row["contact_email"] = contact.name, contact.email
    return row


def row_from_item(item, organisation) -> dict:
    """A template row for a return item as it stands, written so that the upload reads back the same values.

    Partners, the lead and the figures' recipients are written as they were typed (the text that
    resolved to them); the reporting organisation, when it was only implied, is left out as the
    upload adds it again. Expects partners prefetched with their organisations, in the order they
    were written, and the secondary themes and the recipients loaded.
    """
    partners = list(item.partners.all())
    typed = {p.organisation_id: p.typed_as or p.organisation.name for p in partners}
    lead = ""
    if item.lead_organisation_id is not None:
        lead = typed.get(item.lead_organisation_id) or item.lead_organisation.name
    figures = {}
    for figure in FIGURES:
        recipient = getattr(item, f"{figure}_recipient")
        figures[f"{figure}_basis"] = getattr(item, f"{figure}_basis")
        figures[f"{figure}_price_year"] = getattr(item, f"{figure}_price_year")
        figures[f"{figure}_recipient"] = (typed.get(recipient.pk) or recipient.name) if recipient else ""
    return {
        "reference": item.reference,
        "title": item.title,
        "description": item.description,
        "partners": "; ".join(
            typed[p.organisation_id] for p in partners if p.typed_as or p.organisation_id != organisation.pk
        ),
        "lead_organisation": lead,
        "theme": item.theme.code if item.theme_id else "",
        "status": item.status,
        "start_date": item.start_display,
        "end_date": item.end_display,
        "scope": item.scope,
        **{column: _number(getattr(item, column)) for column in KIND_COLUMNS.values()},
        "savings_basis": item.savings_basis,
        "price_year": item.price_year,
        "benefits": item.benefits,
        "evidence_url": item.evidence_url,
        "contact_name": item.contact_name,
        "contact_email": item.contact_email,
        "outcomes": item.outcomes,
        "lessons": item.lessons,
        "secondary_themes": "; ".join(theme.code for theme in item.secondary_themes.all()),
        **figures,
    }


def cell_value(value):
    """What a cell is given: None for blank, else `xlsx_value` (text a spreadsheet would run is kept as text)."""
    if value == "" or value is None:
        return None
    return xlsx_value(value)


def _append(sheet, values) -> None:
    """Every row of every sheet is written here, so no cell escapes `cell_value`."""
    sheet.append([cell_value(value) for value in values])


def _header(sheet, names, widths=None) -> None:
    _append(sheet, list(names))
    for index, name in enumerate(names, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        width = (widths or {}).get(name, max(14, len(name) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _list_validation(sheet, column: str, formula: str, last_row: int, *, strict: bool, prompt: str) -> None:
    letter = get_column_letter(COLUMNS.index(column) + 1)
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # (openpyxl's name is inverted: False shows the arrow)
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=f"Not a {column}",
        error=prompt,
        promptTitle=column,
        prompt=prompt,
        showInputMessage=True,
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(validation)


def workbook_build(
    *,
    rows: list[dict],
    themes,
    organisations,
    round,
    organisation,
    about: str = "",
    downloaded_at: datetime.datetime | None = None,
    versions: dict[str, str] | None = None,
) -> bytes:
    """The .xlsx bytes: Return (header, rows, drop-downs), Guidance, Themes and Organisations sheets.

    `about` is shown on the Guidance sheet under the title: what the rows are, as of when.
    `downloaded_at` (when the rows were read) and `versions` (reference -> digest of each row's
    item then) are what the upload reads back to keep changes made since (sheet.Download).
    """
    book = Workbook()
    if downloaded_at is not None:
        stamp = downloaded_at.astimezone(datetime.UTC).isoformat()
        book.defined_names[DOWNLOADED_AT_NAME] = DefinedName(DOWNLOADED_AT_NAME, attr_text=f'"{stamp}"')
    sheet = book.active
    sheet.title = "Return"
    _header(sheet, COLUMNS, WIDTHS)
    for values in rows:
        _append(sheet, [values.get(column) for column in COLUMNS])
    last_row = len(rows) + 1 + EMPTY_ROWS
    for column in TEXT_COLUMNS:
        letter = get_column_letter(COLUMNS.index(column) + 1)
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, len(rows) + 2):
            sheet[f"{letter}{row}"].number_format = "@"
    for column in ("one_off_cost_gbp", "one_off_savings_gbp", "annual_savings_gbp", "external_funding_gbp"):
        letter = get_column_letter(COLUMNS.index(column) + 1)
        for row in range(2, len(rows) + 2):
            sheet[f"{letter}{row}"].number_format = MONEY_FORMAT
    for column in ("description", "partners", "benefits", "outcomes", "lessons"):
        letter = get_column_letter(COLUMNS.index(column) + 1)
        for row in range(2, len(rows) + 2):
            sheet[f"{letter}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    _list_validation(
        sheet,
        "status",
        f'"{",".join(Status.values)}"',
        last_row,
        strict=True,
        prompt="Choose: " + ", ".join(Status.values),
    )
    _list_validation(
        sheet,
        "scope",
        f'"{",".join(Scope.values)}"',
        last_row,
        strict=True,
        prompt="Choose: " + ", ".join(Scope.values) + ", or leave blank",
    )
    _list_validation(
        sheet,
        "savings_basis",
        f'"{",".join(Basis.values)}"',
        last_row,
        strict=True,
        prompt="How the savings are known: " + ", ".join(Basis.values),
    )
    for figure in FIGURES:
        _list_validation(
            sheet,
            f"{figure}_basis",
            f'"{",".join(Basis.values)}"',
            last_row,
            strict=True,
            prompt="How this figure is known, if not as savings_basis: " + ", ".join(Basis.values),
        )
    _list_validation(
        sheet,
        "theme",
        f"Themes!$A$2:$A${len(themes) + 1}",
        last_row,
        strict=False,
        prompt="A theme code from the Themes sheet (a theme's name is accepted too)",
    )

    guidance = book.create_sheet("Guidance")
    _append(guidance, [f"Returns template for {organisation.name}: {round.name}"])
    guidance["A1"].font = Font(bold=True, size=14)
    if about:
        _append(guidance, [about])
    _append(guidance, [f"Organisation names are read as at {round.reference_date:%d %B %Y}."])
    for note in NOTES:
        _append(guidance, [note])
    _append(guidance, [])
    header_row = guidance.max_row + 1
    _append(guidance, ["column", "required", "what to enter", "examples"])
    for index in range(1, 5):
        cell = guidance.cell(row=header_row, column=index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column, required, text, example in GUIDANCE:
        _append(guidance, [column, required, text, example])
        for cell in guidance[guidance.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (22, 14, 90, 40), strict=True):
        guidance.column_dimensions[letter].width = width

    lookup = book.create_sheet("Themes")
    _header(lookup, ["code", "name", "part of", "description"], {"name": 45, "part of": 40, "description": 80})
    for theme in themes:
        _append(lookup, [theme.code, theme.name, theme.parent.name if theme.parent_id else "", theme.description])

    register = book.create_sheet("Organisations")
    _header(register, ["name", "type", "region", "code", "aliases"], {"name": 60, "type": 30, "aliases": 60})
    for org in organisations:
        _append(
            register,
            [
                org.name,
                org.get_type_display(),
                org.region,
                org.official_code,
                "; ".join(a.name for a in org.aliases.all()),
            ],
        )

    if versions:
        hidden = book.create_sheet(VERSIONS_SHEET)
        hidden.sheet_state = "veryHidden"  # for the upload, not for people: Excel's Unhide does not list it
        _append(hidden, ["reference", "version"])
        for reference, version in versions.items():
            _append(hidden, [reference, version])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
