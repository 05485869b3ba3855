"""Shared set-up for returns tests: a round, a reporting organisation, and return files built in memory."""

import csv
import datetime
import io
from html.parser import HTMLParser

import openpyxl
import pytest

from bluelight.returns.sheet import COLUMNS, REQUIRED_COLUMNS


def good_row(**overrides) -> dict:
    """A valid row as Surrey Police would report it; override any column."""
    row = {
        "reference": "A1",
        "title": "Joint station at Epsom",
        "description": "Police and fire share one station.",
        "partners": "Surrey Fire and Rescue Service",
        "lead_organisation": "Surrey Police",
        "theme": "es_shared_hq",
        "status": "operational",
        "start_date": "2016",
        "end_date": "",
        "scope": "local",
        "one_off_cost_gbp": "",
        "one_off_savings_gbp": "",
        "annual_savings_gbp": "",
        "savings_basis": "",
        "price_year": "",
        "benefits": "",
        "evidence_url": "",
        "contact_name": "Pat Example",
        "contact_email": "pat@example.org",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict], header: list[str] | None = None) -> bytes:
    """An .xlsx with `header` (default: every template column) and one line per row dict."""
    header = header or list(COLUMNS)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append(header)
    for row in rows:
        values = [row.get(column, row.get(column.strip().lower())) for column in header]
        sheet.append([None if value == "" else value for value in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(
    rows: list[dict], header: list[str] | None = None, *, bom: bool = False, encoding="utf-8", delimiter=","
) -> bytes:
    header = header or list(REQUIRED_COLUMNS)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def south_east_round(name: str, *, days: int = 30):
    """A round opened today through the service, asking the South East's organisations, closing in `days` days,
    e-mailing no one: the round most tests of returns, consolidation and the pages need."""
    from bluelight.returns import services

    today = datetime.date.today()
    return services.round_open(
        name=name, opens_on=today, closes_on=today + datetime.timedelta(days=days), regions=["South East"], notify=False
    )


class _CheckPageForm(HTMLParser):
    """The hidden fields of the round check page's form, as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name") != "csrfmiddlewaretoken":
            self.fields.append((attrs["name"], attrs.get("value") or ""))


def check_page_fields(response) -> dict[str, list[str]]:
    """The round check page's hidden fields (the form's values and the fingerprint), name -> values."""
    parser = _CheckPageForm()
    parser.feed(response.content.decode())
    fields: dict[str, list[str]] = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value)
    return fields


def round_open_through_the_pages(client, data: dict):
    """Fill in the round form, then press "Open the round" on the check page as a browser would (sending its
    hidden fields); returns (the check page, the answer to opening)."""
    from django.urls import reverse

    url = reverse("returns:round_create")
    check = client.post(url, data)
    assert check.status_code == 200 and 'name="confirm"' in check.content.decode(), "no check page to confirm"
    return check, client.post(url, {**check_page_fields(check), "confirm": "yes"})


@pytest.fixture
def summer(register):
    from bluelight.returns.models import Round

    return Round.objects.create(
        name="Summer 2026", opens_on=datetime.date(2026, 6, 1), closes_on=datetime.date(2026, 8, 31)
    )


@pytest.fixture
def surrey_police(org):
    return org("surrey_police")


@pytest.fixture
def parse(surrey_police, summer):
    """Parse file bytes as Surrey Police's return for the summer round (no writes)."""
    from bluelight.returns.rows import sheet_parse

    def run(content: bytes, filename: str = "return.xlsx"):
        return sheet_parse(content=content, filename=filename, organisation=surrey_police, day=summer.reference_date)

    return run


@pytest.fixture
def import_file(surrey_police, summer):
    """Import file bytes as Surrey Police's return for the summer round."""
    from bluelight.returns.imports import return_import

    def run(content: bytes, filename: str = "return.xlsx", **kwargs):
        return return_import(round=summer, organisation=surrey_police, content=content, filename=filename, **kwargs)

    return run


def items_complete(return_obj):
    """Confirm every collaboration of a started return as its editor would on the task list; the return, fresh."""
    from bluelight.returns import items as item_services

    for item in return_obj.items.all():
        item_services.return_item_confirm(item=item, expected_version=item.version)
    return type(return_obj).objects.get(pk=return_obj.pk)
