"""Test factories: collaborations built through the real service, so they obey every rule."""

from decimal import Decimal

from bluelight.collaborations import rules
from bluelight.collaborations.models import Publication
from bluelight.collaborations.services import collaboration_create
from bluelight.organisations.models import Organisation


def make_collaboration(
    *partner_slugs: str,
    title: str = "Joint station at Epsom",
    publication: str = Publication.PUBLISHED,
    theme=None,
    contacts=None,
    benefits=None,
    **fields,
):
    """A collaboration between the register organisations named; the first is the lead."""
    from bluelight.collaborations.models import Theme

    slugs = partner_slugs or ("surrey_police", "surrey_frs")
    partners = [
        rules.PartnerData(Organisation.objects.get(slug=slug), is_lead=(i == 0))
        for i, slug in enumerate(slugs)
    ]
    data = rules.CollaborationData(
        title=title,
        partners=partners,
        publication=publication,
        primary_theme=theme or Theme.objects.get(code="es_joint_facilities"),
        contacts=contacts if contacts is not None else [rules.ContactData("Pat Example", "pat@example.org")],
        benefits=benefits or [],
        **fields,
    )
    return collaboration_create(data=data)


def saving(amount, *, kind="annual_saving", basis="estimated", price_year=2016, accrues_to=None):
    return rules.BenefitData(
        kind=kind, amount_gbp=Decimal(amount), basis=basis, price_year=price_year, accrues_to=accrues_to
    )
