"""Each named return-item rule, tested under its own name; then through a file and the online form."""

import datetime
import html
import re
import sys
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import override

from bluelight.returns import items, rules, services
from bluelight.returns.cells import WEB_NAMES
from bluelight.returns.forms_item import ItemForm
from bluelight.returns.models import Return
from bluelight.returns.tests.conftest import good_row, xlsx_bytes

START_2016 = (datetime.date(2016, 1, 1), "year")
END_2015 = (datetime.date(2015, 12, 31), "year")
END_2018 = (datetime.date(2018, 12, 31), "year")


@pytest.fixture
def valid(org):
    """Returns a fresh, valid row's values on each call (Surrey Police reporting), with any changes."""

    def build(**changes) -> rules.ItemValues:
        police, fire = org("surrey_police"), org("surrey_frs")
        values = {
            "partners": [(police, ""), (fire, "Surrey FRS")],
            "start_date": START_2016,
            "end_date": END_2018,
            "one_off_savings_gbp": None,
            "annual_savings_gbp": Decimal("12000.00"),
            "savings_basis": "estimated",
            "annual_savings_basis": "",
            "one_off_savings_basis": "",
        }
        values.update(changes)
        return rules.ItemValues(
            {k: v for k, v in values.items() if v is not ...},
            reporter=police,
            day=datetime.date(2026, 6, 1),
            typed_partners=[(fire, "Surrey FRS")],
        )

    return build


def failing(item: rules.ItemValues) -> list[str]:
    return [rule.code for rule, _said in rules.check(item)]


def test_valid_values_pass_every_rule(valid):
    assert failing(valid()) == []


def test_ret001_at_least_two_partners(valid, org):
    police = org("surrey_police")
    assert failing(valid(partners=[(police, "")])) == ["RET001"]
    [(_rule, said)] = rules.check(valid(partners=[(police, "")]))
    assert said.sheet.startswith("a collaboration needs at least two organisations")
    assert "list the partners of Surrey Police" in said.sheet
    assert failing(valid(partners=...)) == []  # a partners cell with an error is reported by its own column


def test_ret001_explains_a_partner_that_is_the_reporter_itself(valid, org):
    police = org("surrey_police")
    item = valid(partners=[(police, "")])
    item.typed_partners = [(police, "Surrey Constabulary")]
    [(_rule, said)] = rules.check(item)
    assert "Surrey Constabulary is Surrey Police itself on 2026-06-01" in said.sheet
    assert said.web.startswith("Surrey Constabulary is Surrey Police itself on 1 June 2026: enter the other")
    with override("cy"):  # the day in the message's language, never an English month in a Welsh sentence
        [(_rule, said)] = rules.check(item)
        assert date_format(datetime.date(2026, 6, 1), "j F Y") in said.web and "June" not in said.web


def test_ret002_end_not_before_start(valid):
    assert failing(valid(end_date=END_2015)) == ["RET002"]
    assert failing(valid(end_date=None)) == []
    assert failing(valid(start_date=None)) == []
    assert failing(valid(end_date=(datetime.date(2016, 1, 1), "month"))) == []  # the same day is allowed
    assert failing(valid(end_date=..., start_date=START_2016)) == []  # a bad end date is its own column's error


def test_ret003_annual_savings_have_a_basis(valid):
    assert failing(valid(savings_basis="")) == ["RET003"]
    assert failing(valid(savings_basis="", annual_savings_gbp=None)) == []  # no savings figure, no basis needed
    assert failing(valid(savings_basis="", annual_savings_basis="realised")) == []  # the figure's own basis
    assert failing(valid(savings_basis=...)) == []  # an unreadable basis is its own column's error
    assert failing(valid(savings_basis="", annual_savings_gbp=...)) == []  # an unreadable amount: its own column


def test_ret004_one_off_savings_have_a_basis(valid):
    one_off = {"annual_savings_gbp": None, "one_off_savings_gbp": Decimal("5")}
    assert failing(valid(savings_basis="", **one_off)) == ["RET004"]
    assert failing(valid(savings_basis="", one_off_savings_basis="estimated", **one_off)) == []
    assert failing(valid(savings_basis="realised", **one_off)) == []
    both = valid(savings_basis="", one_off_savings_gbp=Decimal("5"))
    assert failing(both) == ["RET003", "RET004"]
    assert [said.web for _rule, said in rules.check(both)] == [
        "Select the basis of the annual recurring savings",
        "Select the basis of the one-off or cumulative savings",
    ]


def test_every_rule_has_a_code_a_message_and_a_test_named_after_it():
    tests = {name for name in vars(sys.modules[__name__]) if name.startswith("test_ret")}
    codes = [r.code for r in rules.RULES]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    for rule in rules.RULES:
        assert ": " in rule.message, f"{rule.code}'s message should say what to do"
        assert rule.web and rule.web != rule.message, f"{rule.code} needs its own message for the online form"
        assert f"test_{rule.code.lower()}_{rule.name}" in tests, rule.code


# The rules reach people through both channels, with their codes ---------------------------


BREAKING = {
    "RET001": {"partners": "Surrey Police"},
    "RET002": {"start_date": "2016", "end_date": "2015"},
    "RET003": {"annual_savings_gbp": "12000", "savings_basis": ""},
    "RET004": {"one_off_savings_gbp": "5000", "savings_basis": ""},
}


def test_every_rule_has_a_breaking_row_here():
    assert set(BREAKING) == {r.code for r in rules.RULES}


@pytest.mark.parametrize("code", sorted(BREAKING))
def test_a_file_row_breaking_a_rule_is_refused_with_its_code(parse, code):
    parsed = parse(xlsx_bytes([good_row(**BREAKING[code])]))
    rule = next(r for r in rules.RULES if r.code == code)
    [error] = parsed.errors
    assert (error.row, error.column, error.code) == (2, rule.column, code)
    assert error.message.startswith(rule.message.split(":")[0])  # the spreadsheet's words: cells and columns
    assert parsed.items == []


@pytest.mark.parametrize("code", sorted(BREAKING))
def test_an_online_item_breaking_a_rule_is_refused_with_its_code(surrey_police, summer, code):
    return_obj = Return.objects.create(round=summer, organisation=surrey_police)
    cells = {k: v for k, v in good_row(**BREAKING[code]).items() if k != "reference"}
    data, errors = items.return_item_check(return_obj=return_obj, item=None, cells=cells)
    assert data is None
    assert [e.code for e in errors] == [code]


# Each rule's message for the online form --------------------------------------------------


def form_fields(cells: dict) -> dict:
    """A spreadsheet row's cells as the online form posts them: partners listed one by one, dates in a year box
    (these rows give years only), the savings basis on each savings figure, and the editor's answer to "Have you
    finished?"."""
    fields = {k: v for k, v in cells.items() if k not in ("reference", "partners", "start_date", "end_date")}
    fields["partners"] = [name.strip() for name in cells["partners"].split(";") if name.strip()]
    fields |= {"start_date_year": cells["start_date"], "end_date_year": cells["end_date"], "progress": "completed"}
    basis = fields.pop("savings_basis")
    fields |= {"annual_savings_basis": basis, "one_off_savings_basis": basis}
    return fields


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.code)
def test_the_online_form_shows_a_rules_web_message_on_its_field(client, cast, rule):
    today = datetime.date.today()
    round_ = services.round_open(name="Summer", opens_on=today, closes_on=today, regions=["South East"], notify=False)
    services.return_start(round_=round_, organisation=cast.editor_a.organisations.get())
    client.force_login(cast.editor_a)
    url = reverse("returns:item_create", args=[round_.pk, "surrey_police"])
    page = client.post(url, form_fields(good_row(**BREAKING[rule.code]))).content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    # Partners' problems on the list to add one from; a whole date's on its first box given (here the year).
    field = {"partners": "partner", "end_date": "end_date_year"}.get(rule.column, rule.field or rule.column)
    target = f"id_{field}_0" if field.endswith("_basis") else f"id_{field}"
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [(target, html.escape(str(rule.web)))]
    assert f'id="{target}"' in page
    assert rule.message not in page  # the spreadsheet's words stay with spreadsheets


def test_the_online_forms_messages_name_each_column_as_the_form_labels_it():
    form = ItemForm()
    labels = {name: str(field.label) for name, field in form.fields.items()} | {"partners": str(form["partner"].label)}
    labels |= {date["name"]: str(date["legend"]) for date in form.date_inputs()}  # a date's boxes share its legend
    # Never on the form: the service gives each new item its reference; the defaults of every figure's basis and
    # price year are the item's, each figure has its own on the form.
    for column, name in WEB_NAMES.items():
        if column not in ("reference", "savings_basis", "price_year"):
            assert labels[column].startswith(str(name)), column
