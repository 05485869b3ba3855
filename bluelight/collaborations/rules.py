"""Named validation rules for a collaboration. Each rule's docstring is the message a user sees.

Rules take plain data (see `CollaborationData`), so forms, admin, imports and services share them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from bluelight.core.rules import RuleBook


@dataclass
class PartnerData:
    organisation: object
    is_lead: bool = False
    role: str = ""


@dataclass
class BenefitData:
    kind: str
    amount_gbp: Decimal
    basis: str
    price_year: int
    accrues_to: object | None = None
    to_date: object | None = None
    description: str = ""


@dataclass
class OutcomeData:
    description: str
    measure: str = ""
    value: Decimal | None = None


@dataclass
class ContactData:
    name: str
    email: str = ""
    organisation: object | None = None
    role: str = ""


@dataclass
class CollaborationData:
    """Everything a collaboration record holds, before it is written."""

    title: str
    partners: list[PartnerData]
    description: str = ""
    status: str = "operational"
    status_reason: str = ""
    scope: str = "local"
    primary_theme: object | None = None
    secondary_themes: list = field(default_factory=list)
    start_date: object | None = None
    start_precision: str = "year"
    end_date: object | None = None
    end_precision: str = "year"
    lessons: str = ""
    publication: str = "draft"
    language: str = "en"
    benefits: list[BenefitData] = field(default_factory=list)
    outcomes: list[OutcomeData] = field(default_factory=list)
    contacts: list[ContactData] = field(default_factory=list)


RULES = RuleBook()
rule = RULES.rule


@rule("COL001", "partners")
def at_least_two_partners(data: CollaborationData) -> bool:
    """A collaboration needs at least two partner organisations: add the other partners."""
    return (
        len({id(p.organisation) if p.organisation is None else p.organisation.pk for p in data.partners}) >= 2
    )


@rule("COL002", "partners")
def exactly_one_lead(data: CollaborationData) -> bool:
    """Choose exactly one lead partner."""
    return sum(1 for p in data.partners if p.is_lead) == 1


@rule("COL003", "partners")
def partners_listed_once(data: CollaborationData) -> bool:
    """Each organisation can be a partner only once: remove the repeated partner."""
    keys = [p.organisation.pk for p in data.partners if p.organisation is not None]
    return len(keys) == len(set(keys))


@rule("COL004", "end_date")
def end_not_before_start(data: CollaborationData) -> bool:
    """The end must not be before the start: correct one of the dates."""
    return data.start_date is None or data.end_date is None or data.end_date >= data.start_date


@rule("COL005", "benefits")
def money_not_negative(data: CollaborationData) -> bool:
    """Amounts of money must not be negative: record a cost as an investment cost."""
    return all(b.amount_gbp is not None and b.amount_gbp >= 0 for b in data.benefits)


@rule("COL006", "benefits")
def benefit_accrues_to_a_partner(data: CollaborationData) -> bool:
    """A benefit must accrue to one of the partners: choose a partner, or leave it blank for all of them."""
    partner_ids = {p.organisation.pk for p in data.partners if p.organisation is not None}
    return all(b.accrues_to is None or b.accrues_to.pk in partner_ids for b in data.benefits)


@rule("COL007", "primary_theme")
def published_has_primary_theme(data: CollaborationData) -> bool:
    """A published collaboration needs a primary theme: choose one before publishing."""
    return data.publication != "published" or data.primary_theme is not None


@rule("COL008", "secondary_themes")
def secondary_differs_from_primary(data: CollaborationData) -> bool:
    """A secondary theme must differ from the primary theme."""
    return data.primary_theme is None or all(t.pk != data.primary_theme.pk for t in data.secondary_themes)


@rule("COL009", "title")
def has_title(data: CollaborationData) -> bool:
    """Enter a title that says what the collaboration is."""
    return bool(data.title and data.title.strip())


def check(data: CollaborationData) -> None:
    """Run every rule; raise one ValidationError listing all that fail, keyed by field."""
    RULES.check(data)
