"""Cleaning a return's rows: `ReturnRow`, one `clean_<column>` method per template column, turns
a row of cell text into `ItemData` or `RowError`s naming row, column and fix; the cross-column
rules are in `rules.py`. `sheet_parse` reads a file (`sheet.py`) and cleans every row, collecting
every error at once; it never writes to the database. The online form's values go through the
same `ReturnRow`, so both channels agree. Each error carries two messages, one for each channel: for a
spreadsheet, naming its cells and columns ("format the cell as text"); for the online form, naming its
fields by their labels in GOV.UK style ("Start must be a year, or a year and month, like 2016 or 2016-05").
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bluelight.collaborations.models import Scope, Status, Theme
from bluelight.collaborations.partial_dates import parse_partial_date
from bluelight.organisations.models import Organisation
from bluelight.organisations.resolution import Resolution, Resolver
from bluelight.returns import rules
from bluelight.returns.cells import WEB_NAMES, CellError
from bluelight.returns.figures import FigureColumns, _choices
from bluelight.returns.sheet import (
    COLUMNS,
    FIGURE_COLUMNS,
    TEXT_LIMIT,
    Download,
    RowError,
    SheetRefused,
    column_letter,
    header_map,
    normal,
    shorten,
    table_read,
)

# Field lengths match ReturnItem's max_length; free text is bounded so one cell cannot be a novel.
LIMITS = {
    "reference": 60,
    "title": 250,
    "description": TEXT_LIMIT,
    "benefits": TEXT_LIMIT,
    "outcomes": TEXT_LIMIT,
    "lessons": TEXT_LIMIT,
    "evidence_url": 500,
    "contact_name": 150,
    "contact_email": 254,
    "partner": 250,
}
# The online form's words, made once: every row's title uses them.
ENTER_A_TITLE = gettext_lazy("Enter a title")
# A collaboration of more organisations is a programme: its return names the main partners. The
# bound also keeps name resolution, whose context grows with every partner settled, small.
DEFAULT_MAX_PARTNERS = 100


def max_partners() -> int:
    return getattr(settings, "RETURNS_MAX_PARTNERS", DEFAULT_MAX_PARTNERS)


@dataclass
class ItemData:
    """One row, cleaned: the values a ReturnItem holds, with its partners and the original cells."""

    row_number: int
    reference: str
    title: str
    partners: list[tuple[Organisation, str]]  # (organisation, as typed; "" when implied)
    lead_organisation: Organisation | None = None
    description: str = ""
    theme: Theme | None = None
    status: str = Status.OPERATIONAL
    start_date: datetime.date | None = None
    start_precision: str = "year"
    end_date: datetime.date | None = None
    end_precision: str = "year"
    scope: str = ""
    one_off_cost_gbp: Decimal | None = None
    one_off_savings_gbp: Decimal | None = None
    annual_savings_gbp: Decimal | None = None
    external_funding_gbp: Decimal | None = None
    savings_basis: str = ""
    price_year: int | None = None
    benefits: str = ""
    outcomes: str = ""
    lessons: str = ""
    evidence_url: str = ""
    contact_name: str = ""
    contact_email: str = ""
    secondary_themes: list[Theme] = field(default_factory=list)
    # Each figure's own basis and price year ("" and None: the defaults above) and recipient (None: the reporter).
    annual_savings_basis: str = ""
    annual_savings_price_year: int | None = None
    annual_savings_recipient: Organisation | None = None
    one_off_savings_basis: str = ""
    one_off_savings_price_year: int | None = None
    one_off_savings_recipient: Organisation | None = None
    one_off_cost_basis: str = ""
    one_off_cost_price_year: int | None = None
    one_off_cost_recipient: Organisation | None = None
    external_funding_basis: str = ""
    external_funding_price_year: int | None = None
    external_funding_recipient: Organisation | None = None
    raw: dict = field(default_factory=dict)
    notices: list[RowError] = field(default_factory=list)

    # The ReturnItem fields this data sets (partners are written as ItemPartner rows, secondary themes as the
    # item's many-to-many).
    ITEM_FIELDS = (
        "row_number", "reference", "title", "description", "lead_organisation", "theme", "status",
        "start_date", "start_precision", "end_date", "end_precision", "scope", "one_off_cost_gbp",
        "one_off_savings_gbp", "annual_savings_gbp", "external_funding_gbp", "savings_basis",
        "price_year", "benefits", "outcomes", "lessons", "evidence_url", "contact_name",
        "contact_email", *FIGURE_COLUMNS, "raw",
    )  # fmt: skip

    def item_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.ITEM_FIELDS}


STATUS_LOOKUP = _choices(Status.choices)
SCOPE_LOOKUP = _choices(Scope.choices)
_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


class SheetContext:
    """What every row of one file needs: who reports, the date names are resolved at, lookups and caches.

    One resolver serves the whole file, and each name is resolved once for each date and set of
    other partners it appears with.
    """

    def __init__(self, *, organisation: Organisation, day: datetime.date, resolver: Resolver | None = None):
        self.organisation = organisation
        self.day = day
        self.resolver = resolver or Resolver.from_db()
        self._resolved: dict = {}
        self.themes: dict[str, list[Theme]] = {}
        for theme in Theme.objects.select_related("parent"):
            for key in {normal(theme.code), normal(theme.name), normal(str(theme))}:
                bucket = self.themes.setdefault(key, [])
                if theme not in bucket:
                    bucket.append(theme)

    def resolve(
        self, name: str, others: Iterable[Organisation] = (), *, day: datetime.date | None = None
    ) -> Resolution:
        """`name` as the reporting organisation means it, on `day` (the row's start; else the round's)."""
        query = " ".join(name.split())
        others = [o for o in others if o.pk != self.organisation.pk]
        key = (query, day or self.day, frozenset(o.pk for o in others))
        if key not in self._resolved:
            self._resolved[key] = self.resolver.resolve(
                query, day=day or self.day, context=others, reporter=self.organisation
            )
        return self._resolved[key]


class ReturnRow(FigureColumns):
    """One data row of a return. Each `clean_<column>` takes the cell's text and returns a clean value
    or raises CellError saying how to fix it. Columns are cleaned in template order, so later
    columns can use earlier values (`self.values`); `clean()` then applies the cross-column rules.
    """

    def __init__(self, number: int, cells: dict[str, str], context: SheetContext):
        self.number = number
        # Line breaks as LF whatever sent them: a browser's text box sends CR LF, a CSV may hold
        # either, a workbook gives LF back; stored as typed, a round trip would read as a change.
        self.cells = {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in cells.items()}
        self.context = context
        self.values: dict = {}
        self.errors: list[RowError] = []
        self.notices: list[RowError] = []  # changes made to the row that the user should know about

    def error(
        self, column: str, message: str, value: str | None = None, *, code: str = "", web: str = "", field: str = ""
    ) -> None:
        """Report a problem in `column`: `message` for a spreadsheet, `web` for the online form (on `field`, if
        given: the form's field where it is not the column)."""
        value = self.cells.get(column, "") if value is None else value
        self.errors.append(RowError(self.number, column, value, message, code, web, field))

    def run(self) -> ItemData | None:
        for column in COLUMNS:
            try:
                self.values[column] = getattr(self, f"clean_{column}")(self.cells.get(column, "").strip())
            except CellError as exc:
                for value, message, web in exc.problems:
                    self.error(column, message, value, web=web)
        self.clean()
        if self.errors:
            return None
        values = self.values
        start, start_precision = values["start_date"] or (None, "year")
        end, end_precision = values["end_date"] or (None, "year")
        return ItemData(
            row_number=self.number,
            **{c: values[c] for c in COLUMNS if c not in ("start_date", "end_date")},
            start_date=start,
            start_precision=start_precision,
            end_date=end,
            end_precision=end_precision,
            raw={c: self.cells[c] for c in COLUMNS if c in self.cells},
            notices=list(self.notices),
        )

    def clean(self) -> None:
        """The cross-column rules (`rules.py`), each run only where the columns it needs are clean;
        then the money figures' defaults are settled (`FigureColumns.figures_complete`)."""
        item = rules.ItemValues(
            self.values, reporter=self.context.organisation, day=self.day, typed_partners=getattr(self, "_found", [])
        )
        for failed, said in rules.check(item):
            self.error(failed.column, said.sheet, code=failed.code, web=said.web, field=failed.field)
        self.figures_complete()

    # One method per column, in template order ----------------------------------------------

    def _text(self, text: str, column: str, *, required=None) -> str:
        """A text cell within its column's limit; `required`, if given, is the online form's message for a blank."""
        if required and not text:
            raise CellError(f"{column} is required: fill it in", web=str(required))
        limit = LIMITS[column]
        if len(text) > limit:
            raise CellError(
                f"this is {len(text):,} characters long; keep it to {limit:,} (shorten it, or link to a document)",
                web=_(
                    "%(Name)s must be %(limit)s characters or fewer (it has %(n)s): shorten it, or link to a document"
                )
                % {"Name": WEB_NAMES[column], "limit": f"{limit:,}", "n": f"{len(text):,}"},
                value=shorten(text),
            )
        return text

    def clean_reference(self, text: str) -> str:
        if not text:
            raise CellError(
                "reference is required: give each collaboration a short reference of your own, like A1",
                web=_("Enter a reference of your own for the collaboration, like A1"),
            )
        return self._text(" ".join(text.split()), "reference")

    def clean_title(self, text: str) -> str:
        return self._text(text, "title", required=ENTER_A_TITLE)

    def clean_description(self, text: str) -> str:
        return self._text(text, "description")

    @property
    def day(self) -> datetime.date:
        """The date names are resolved at: the row's start (a merged service's predecessor before the
        merger), else the round's date. Partners come before start_date in the template, so the
        cell is read here; a bad date is reported by its own column."""
        if "_day" not in self.__dict__:
            try:
                start = self._partial_date(self.cells.get("start_date", "").strip(), end=False)
            except CellError:
                start = None
            self.__dict__["_day"] = start[0] if start else self.context.day
        return self.__dict__["_day"]

    def clean_partners(self, text: str) -> list[tuple[Organisation, str]]:
        reporter = self.context.organisation
        names = [" ".join(n.split()) for n in re.split(r"[;\n]", text) if n.strip()]
        limit = max_partners()
        if len(names) > limit:  # before any name is resolved
            raise CellError(
                f"this cell names {len(names):,} partners, more than the {limit:,} a collaboration may list: "
                "name each partner once, separated by semicolons; for a programme with more, list the main "
                "partners and describe the others in description",
                web=_(
                    "Enter at most %(limit)s partners; for a programme with more, enter the main partners and "
                    "describe the others under Description"
                )
                % {"limit": f"{limit:,}"},
                value=shorten(text),
            )
        problems: list[tuple[str, str]] = []
        found: list[tuple[Organisation, str]] = []
        unsettled: dict[str, Resolution] = {}
        for name in names:
            if len(name) > LIMITS["partner"]:
                problems.append(
                    (
                        shorten(name),
                        "this is too long for an organisation name: separate names with ;",
                        _("Partner is too long for an organisation's name: add one partner at a time"),
                    )
                )
                continue
            resolution = self.context.resolve(name, day=self.day)
            if resolution.match is not None:
                found.append((resolution.match, name))
            else:
                unsettled[name] = resolution
        # Names context may settle: each one settled is context for the rest, so go round until none is.
        progress = True
        while unsettled and progress:
            progress = False
            for name in list(unsettled):
                others = [org for org, _typed in found]
                resolution = self.context.resolve(name, others, day=self.day)
                if resolution.match is None and resolution.status == "ambiguous":
                    resolution = self._lead_among(resolution, others) or resolution
                unsettled[name] = resolution
                if resolution.match is not None:
                    found.append((resolution.match, name))
                    del unsettled[name]
                    progress = True
        problems.extend((name, resolution.message, resolution.message) for name, resolution in unsettled.items())
        if problems:
            raise CellError(problems=problems)
        partners: list[tuple[Organisation, str]] = []
        for org, typed in found:
            if all(org.pk != p.pk for p, _typed in partners):
                partners.append((org, typed))
        if all(reporter.pk != p.pk for p, _typed in partners):
            partners.insert(0, (reporter, ""))
        self._found = found  # for rule RET001's message if there are fewer than two partners
        return partners

    def _lead_among(self, resolution: Resolution, others: list[Organisation]) -> Resolution | None:
        """An ambiguous partner that the row's lead names settles as the lead (the lead is a partner)."""
        text = self.cells.get("lead_organisation", "").strip()
        if not text or len(text) > LIMITS["partner"]:  # too long to be a name: its own column says so
            return None
        lead = self.context.resolve(text, others, day=self.day)
        if lead.match is None:
            return None
        if any(c.organisation.pk == lead.match.pk for c in resolution.alternatives):
            return Resolution(resolution.query, lead.match, 100, [], "matched", "lead")
        return None

    def clean_lead_organisation(self, text: str) -> Organisation:
        partners = self.values.get("partners")
        if not text:
            return self.context.organisation
        if len(text) > LIMITS["partner"]:  # not a name: not worth resolving
            raise CellError(
                "this is too long for an organisation name: give the lead partner's name, short name or code",
                web=_("Lead organisation is too long for a name: enter the lead partner's name, short name or code"),
                value=shorten(text),
            )
        for org, typed in partners or []:
            if typed and normal(typed) == normal(text):
                return org
        others = [org for org, _typed in partners or []]
        # The lead is one of the partners: look for it among them before using them as context,
        # where a short name would be kept from meaning a partner already named.
        alone = self.context.resolve(text, day=self.day)
        if alone.match is not None and alone.match in others:
            return alone.match
        among = [c.organisation for c in alone.alternatives if c.organisation in others]
        if alone.status == "ambiguous" and len(among) == 1:
            return among[0]
        resolution = self.context.resolve(text, others, day=self.day)
        reporter = self.context.organisation
        if resolution.match is not None and resolution.match.current_body(self.context.day).pk == reporter.pk:
            return reporter  # the reporting organisation under the name it had before a merger
        if resolution.match is None:
            raise CellError(
                f"{resolution.message} The lead must be one of the partners: use the name, short name or code "
                "you gave in partners",
                web=_(
                    "%(message)s The lead organisation must be one of the partners: enter the name, short name "
                    "or code you gave for it as a partner"
                )
                % {"message": resolution.message},
            )
        if partners is not None and resolution.match not in others:
            # The lead of a collaboration is one of its partners by definition: one missing from the
            # list was left out by mistake, not named as a stranger.
            partners.append((resolution.match, text))
            self.notices.append(
                RowError(
                    self.number,
                    "partners",
                    text,
                    f"the lead, {resolution.match.name}, was not in partners, so it was added to them",
                )
            )
        return resolution.match

    def clean_theme(self, text: str) -> Theme | None:
        if not text:
            return None
        themes = self.context.themes.get(normal(text), [])
        if len(themes) == 1:
            return themes[0]
        from_list = _("Select the main theme from the list")
        if themes:
            codes = ", ".join(t.code for t in themes)
            raise CellError(f"several themes have this name ({codes}): use the theme code", web=from_list)
        close = difflib.get_close_matches(normal(text), list(self.context.themes), n=3, cutoff=0.6)
        hint = f" Did you mean: {'; '.join(close)}?" if close else ""
        raise CellError(
            f"this is not a theme code or name: pick one from the Themes sheet of the template.{hint}", web=from_list
        )

    def clean_status(self, text: str) -> str:
        if not text:
            raise CellError(f"status is required: one of {', '.join(Status.values)}", web=_("Select a status"))
        status = STATUS_LOOKUP.get(normal(text))
        if status is None:
            raise CellError(f"status must be one of {', '.join(Status.values)}", web=_("Select a status from the list"))
        return status

    def _partial_date(self, text: str, *, end: bool) -> tuple[datetime.date, str] | None:
        if not text:
            return None
        # A cell Excel turned into a date reads "2016-05-01": keep the year and month.
        full = re.fullmatch(r"(\d{4}-\d{1,2})-\d{1,2}", text)
        try:
            return parse_partial_date(full[1] if full else text, end=end)
        except ValidationError as exc:
            name = {"Name": WEB_NAMES["end_date" if end else "start_date"]}
            web = {
                "partial_date_year": _("%(Name)s must be a year between 1900 and 2100, like 2016"),
                "partial_date_month": _("%(Name)s must have a month from 01 to 12, like 2016-05"),
            }.get(exc.code, _("%(Name)s must be a year, or a year and month, like 2016 or 2016-05"))
            raise CellError(
                " ".join(exc.messages) + " (format the cell as text so Excel keeps it)", web=web % name
            ) from None

    def clean_start_date(self, text: str):
        return self._partial_date(text, end=False)

    def clean_end_date(self, text: str):
        return self._partial_date(text, end=True)

    def clean_scope(self, text: str) -> str:
        if not text:
            return ""
        scope = SCOPE_LOOKUP.get(normal(text))
        if scope is None:
            raise CellError(
                f"scope must be one of {', '.join(Scope.values)}, or blank", web=_("Select a scope from the list")
            )
        return scope

    def clean_benefits(self, text: str) -> str:
        return self._text(text, "benefits")

    def clean_evidence_url(self, text: str) -> str:
        if not text:
            return ""
        text = self._text(text, "evidence_url")
        if not re.match(r"https?://", text, re.I):
            raise CellError(
                "give a web link starting with https:// (one link; mention others in benefits)",
                web=_(
                    "Link to an evaluation or report must start with https:// (enter one link; mention others "
                    "under Benefits)"
                ),
            )
        try:
            _url(text)
        except ValidationError:
            raise CellError(
                "this is not a working web link: copy one address from the browser",
                web=_("Link to an evaluation or report must be a web address: copy one address from the browser"),
            ) from None
        return text

    def clean_contact_name(self, text: str) -> str:
        return self._text(text, "contact_name")

    def clean_contact_email(self, text: str) -> str:
        if not text:
            return ""
        text = self._text(text, "contact_email")
        try:
            _email(text)
        except ValidationError:
            raise CellError(
                "this is not an email address: give one address, like name@service.gov.uk",
                web=_("Enter the contact email in the correct format, like name@service.gov.uk"),
            ) from None
        return text

    def clean_outcomes(self, text: str) -> str:
        return self._text(text, "outcomes")

    def clean_lessons(self, text: str) -> str:
        return self._text(text, "lessons")

    def clean_secondary_themes(self, text: str) -> list[Theme]:
        """Theme codes or names separated by semicolons; the main theme, listed here too, is left out."""
        themes: list[Theme] = []
        problems = []
        for typed in (" ".join(name.split()) for name in re.split(r"[;\n]", text) if name.strip()):
            found = self.context.themes.get(normal(typed), [])
            if len(found) == 1:
                if found[0] not in themes and found[0] != self.values.get("theme"):
                    themes.append(found[0])
                continue
            if found:
                codes = ", ".join(t.code for t in found)
                sheet = f"several themes are named {typed} ({codes}): use the code of the one you mean"
            else:
                close = difflib.get_close_matches(normal(typed), list(self.context.themes), n=3, cutoff=0.6)
                hint = f" Did you mean: {'; '.join(close)}?" if close else ""
                sheet = (
                    f"{typed} is not a theme code or name: pick themes from the Themes sheet of the template, "
                    f"separated by semicolons.{hint}"
                )
            problems.append((shorten(typed), sheet, _("Select the other themes from the list")))
        if problems:
            raise CellError(problems=problems)
        return themes


# ---------------------------------------------------------------------------------------------
# A whole file


@dataclass
class ParsedSheet:
    items: list[ItemData]
    errors: list[RowError]
    rows: int = 0  # non-blank data rows read
    download: Download | None = None  # when the file was downloaded from the site, if it says

    @property
    def notices(self) -> list[RowError]:
        """What was changed in rows that were accepted (a lead added to its partners)."""
        return [notice for item in self.items for notice in item.notices]

    @property
    def ok(self) -> bool:
        return not self.errors


def sheet_parse(
    *,
    content: bytes,
    filename: str,
    organisation: Organisation,
    day: datetime.date,
    resolver: Resolver | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> ParsedSheet:
    """Read and clean a whole return file; every problem comes back at once, nothing is written.

    `progress(percent, step)`, if given, hears how far the rows have got (a background import's page).
    """
    try:
        table = table_read(content, filename)
    except SheetRefused as exc:
        return ParsedSheet(items=[], errors=[RowError(exc.row, exc.column, exc.value, exc.message)])
    positions, unknown, errors = header_map(table.header)
    if any(e.message.startswith("this required column") for e in errors) and not positions:
        errors.insert(0, RowError(1, "header", "", "the first row must be the template's header row"))
        return ParsedSheet(items=[], errors=errors, rows=len(table.rows), download=table.download)
    context = SheetContext(organisation=organisation, day=day, resolver=resolver)
    items: list[ItemData] = []
    seen: dict[str, int] = {}
    headless: set[int] = set()
    named = set(positions.values())
    for done, (number, cells) in enumerate(table.rows):
        if progress is not None and done % 100 == 0:
            progress(100 * done // len(table.rows), f"Checking row {number:,} of {table.rows[-1][0]:,}")
        row = {name: cells[i] if i < len(cells) else "" for name, i in positions.items()}
        for index in range(len(cells)):
            if index in unknown or index in named or index in headless or not cells[index].strip():
                continue
            headless.add(index)  # reported once, at the first row with a value there
            letter = column_letter(index + 1)
            errors.append(
                RowError(
                    number,
                    f"column {letter}",
                    cells[index],
                    f"column {letter} has values from this row down but no heading: "
                    "delete them or move them into a template column",
                )
            )
        if not any(v.strip() for v in row.values()):
            continue  # only unknown or headless cells: already reported
        parsed = ReturnRow(number, row, context)
        item = parsed.run()
        reference = parsed.values.get("reference")
        if reference:
            if reference in seen:
                parsed.error(
                    "reference",
                    f"duplicate reference {reference}, also on row {seen[reference]}: "
                    "give every collaboration its own reference",
                )
                item = None
            else:
                seen[reference] = number
        errors.extend(parsed.errors)
        if item is not None:
            items.append(item)
    order = {name: i for i, name in enumerate(COLUMNS)}
    errors.sort(key=lambda e: (e.row or 0, order.get(e.column, len(order))))
    return ParsedSheet(items=items, errors=errors, rows=len(table.rows), download=table.download)
