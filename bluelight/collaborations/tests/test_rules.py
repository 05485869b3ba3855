"""Each named collaboration rule, tested under its own name; and the database's last line of defence."""

import datetime
import sys
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bluelight.collaborations import rules
from bluelight.collaborations.models import Benefit, Collaboration, Contact, Partner, Provenance
from bluelight.collaborations.services import collaboration_create
from bluelight.collaborations.tests.factories import make_collaboration, saving


@pytest.fixture
def valid(org, theme):
    """Returns a fresh, valid record's data on each call: two partners, one lead, a theme, a saving."""

    def build(**changes) -> rules.CollaborationData:
        data = rules.CollaborationData(
            title="Joint station at Epsom",
            partners=[
                rules.PartnerData(org("surrey_police"), is_lead=True),
                rules.PartnerData(org("surrey_frs")),
            ],
            primary_theme=theme("es_joint_facilities"),
            publication="published",
            start_date=datetime.date(2016, 1, 1),
            end_date=datetime.date(2018, 12, 31),
            benefits=[saving("1000", accrues_to=org("surrey_police"))],
        )
        for name, value in changes.items():
            setattr(data, name, value)
        return data

    return build


def failing(data: rules.CollaborationData) -> dict[str, list[str]]:
    """The codes of the rules that fail, by field."""
    try:
        rules.check(data)
    except ValidationError as exc:
        return {key: [e.code for e in errors] for key, errors in exc.error_dict.items()}
    return {}


def test_valid_data_passes_every_rule(valid):
    assert failing(valid()) == {}


def test_col001_at_least_two_partners(valid, org):
    assert failing(valid(partners=[rules.PartnerData(org("surrey_police"), is_lead=True)])) == {"partners": ["COL001"]}


def test_col002_exactly_one_lead(valid, org):
    no_lead = [rules.PartnerData(org("surrey_police")), rules.PartnerData(org("surrey_frs"))]
    two_leads = [rules.PartnerData(org("surrey_police"), True), rules.PartnerData(org("surrey_frs"), True)]
    assert failing(valid(partners=no_lead)) == {"partners": ["COL002"]}
    assert failing(valid(partners=two_leads)) == {"partners": ["COL002"]}


def test_col003_partners_listed_once(valid, org):
    partners = [
        rules.PartnerData(org("surrey_police"), is_lead=True),
        rules.PartnerData(org("surrey_frs")),
        rules.PartnerData(org("surrey_police")),
    ]
    assert failing(valid(partners=partners)) == {"partners": ["COL003"]}


def test_col004_end_not_before_start(valid):
    assert failing(valid(end_date=datetime.date(2015, 12, 31))) == {"end_date": ["COL004"]}
    assert failing(valid(end_date=None)) == {}
    assert failing(valid(start_date=datetime.date(2018, 12, 31))) == {}  # the same day is allowed


def test_col005_money_not_negative(valid):
    assert failing(valid(benefits=[saving("-1")])) == {"benefits": ["COL005"]}
    assert failing(valid(benefits=[saving("0")])) == {}


def test_col006_benefit_accrues_to_a_partner(valid, org):
    assert failing(valid(benefits=[saving("1000", accrues_to=org("kent_police"))])) == {"benefits": ["COL006"]}
    assert failing(valid(benefits=[saving("1000")])) == {}  # for the collaboration as a whole


def test_col007_published_has_primary_theme(valid):
    assert failing(valid(primary_theme=None)) == {"primary_theme": ["COL007"]}
    assert failing(valid(primary_theme=None, publication="draft")) == {}


def test_col008_secondary_differs_from_primary(valid, theme):
    assert failing(valid(secondary_themes=[theme("es_joint_facilities")])) == {"secondary_themes": ["COL008"]}
    assert failing(valid(secondary_themes=[theme("fr_efr")])) == {}


def test_col009_has_title(valid):
    assert failing(valid(title="   ")) == {"title": ["COL009"]}


def test_check_lists_every_failing_rule_at_once(valid):
    data = valid(title="", partners=[], primary_theme=None, benefits=[saving("-5")])
    assert failing(data) == {
        "partners": ["COL001", "COL002"],
        "benefits": ["COL005"],
        "primary_theme": ["COL007"],
        "title": ["COL009"],
    }


def test_every_rule_has_a_code_a_message_and_a_test_named_after_it():
    tests = {name for name in vars(sys.modules[__name__]) if name.startswith("test_col")}
    codes = [r.code for r in rules.RULES]
    assert len(codes) == len(set(codes))
    for rule in rules.RULES:
        assert rule.message.endswith("."), rule.code
        assert f"test_{rule.code.lower()}_{rule.check.__name__}" in tests, rule.code


# The database refuses impossible records even when the rules are bypassed -----------------


def test_database_refuses_an_end_before_the_start(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Collaboration.objects.create(
            title="Backwards", start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2016, 1, 1)
        )


def test_database_refuses_negative_money(cast):
    record = make_collaboration()
    with pytest.raises(IntegrityError), transaction.atomic():
        Benefit.objects.create(
            collaboration=record, kind="annual_saving", amount_gbp=Decimal("-1"), basis="estimated", price_year=2016
        )


def test_database_refuses_two_leads(cast, org):
    record = make_collaboration("surrey_police", "surrey_frs")
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(collaboration=record, organisation=org("kent_police"), is_lead=True)


def test_database_refuses_a_partner_twice(cast, org):
    record = make_collaboration("surrey_police", "surrey_frs")
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(collaboration=record, organisation=org("surrey_frs"))


# The service writes nothing when any rule fails --------------------------------------------


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Collaboration, Partner, Benefit, Contact, Provenance))


@pytest.mark.parametrize("code", [r.code for r in rules.RULES])
def test_collaboration_create_writes_nothing_when_a_rule_fails(valid, org, theme, code):
    breaking = {
        "COL001": {"partners": [rules.PartnerData(org("surrey_police"), is_lead=True)]},
        "COL002": {"partners": [rules.PartnerData(org("surrey_police")), rules.PartnerData(org("surrey_frs"))]},
        "COL003": {
            "partners": [
                rules.PartnerData(org("surrey_police"), is_lead=True),
                rules.PartnerData(org("surrey_frs")),
                rules.PartnerData(org("surrey_frs")),
            ]
        },
        "COL004": {"end_date": datetime.date(2010, 1, 1)},
        "COL005": {"benefits": [saving("-1")]},
        "COL006": {"benefits": [saving("1", accrues_to=org("kent_police"))]},
        "COL007": {"primary_theme": None},
        "COL008": {"secondary_themes": [theme("es_joint_facilities")]},
        "COL009": {"title": ""},
    }[code]
    data = valid(contacts=[rules.ContactData("Pat Example", "pat@example.org")], **breaking)
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        collaboration_create(data=data)
    assert code in [e.code for errors in caught.value.error_dict.values() for e in errors]
    assert _counts() == before
