"""Merging reports whose money figures each have their own basis, price year and recipient, and whose items name
secondary themes: each figure becomes a benefit of its own, and the record's secondary themes are the reports'."""

from decimal import Decimal

import pytest

from bluelight.collaborations.models import Benefit, Collaboration
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.consolidation import services
from bluelight.consolidation.selectors import comparison
from bluelight.organisations.models import Organisation
from bluelight.returns import services as returns_services
from bluelight.returns.imports import return_import
from bluelight.returns.models import Return
from bluelight.returns.tests.conftest import good_row, xlsx_bytes

EPSOM = dict(title="Joint station at Epsom", theme="es_joint_facilities", status="operational", start_date="2016")


@pytest.fixture
def report_row(round_):
    """report_row("surrey_police", reference=..., ...) imports one row, with every template column, as that
    organisation's return, and submits it."""

    def stage(slug: str, **row):
        result = return_import(
            round=round_,
            organisation=Organisation.objects.get(slug=slug),
            content=xlsx_bytes([good_row(**{"lead_organisation": "", **row})]),
            filename="return.xlsx",
        )
        assert result.ok, [str(e) for e in result.errors]
        returns_services.return_submit(return_obj=Return.objects.get(pk=result.return_id))

    return stage


def benefits_of(record) -> set[tuple]:
    return {
        (b.kind, b.amount_gbp, b.basis, b.price_year, b.accrues_to.slug if b.accrues_to else None)
        for b in Benefit.objects.filter(collaboration=record)
    }


def test_each_figure_becomes_a_benefit_with_its_own_basis_price_year_and_recipient(round_, report_row):
    report_row(
        "surrey_police",
        reference="SP1",
        partners="Surrey FRS; SECAmb",
        lead_organisation="Surrey Police",
        savings_basis="estimated",
        price_year="2025",
        annual_savings_gbp="100000",
        annual_savings_recipient="Surrey FRS",  # the fire service's saving, reported by the police
        one_off_cost_gbp="50000",
        one_off_cost_basis="realised",
        one_off_cost_price_year="2023",
        external_funding_gbp="75000",
        secondary_themes="fr_efr",
        **EPSOM,
    )
    report_row(
        "surrey_frs",
        reference="F7",
        partners="Surrey Police; SECAmb",
        lead_organisation="Surrey Police",
        annual_savings_gbp="100000",  # the same saving, reported by the service it accrues to
        savings_basis="realised",
        price_year="2024",
        secondary_themes="control; es_joint_facilities",
        **EPSOM,
    )
    [cluster] = [c for c in services.consolidation_propose(round_=round_) if c.members.count() == 2]

    record = services.cluster_merge(cluster=cluster).collaboration

    # Worked out by hand: the lead's (Surrey Police's) report comes first, so the saving both report, counted
    # once, takes its basis and price year; both say it accrues to Surrey FRS. The cost has its own basis and
    # price year; the funding takes the row's defaults and accrues to the reporter.
    assert benefits_of(record) == {
        ("annual_saving", Decimal("100000.00"), "estimated", 2025, "surrey_frs"),
        ("investment_cost", Decimal("50000.00"), "realised", 2023, "surrey_police"),
        ("external_funding", Decimal("75000.00"), "estimated", 2025, "surrey_police"),
    }
    assert sorted(t.code for t in record.secondary_themes.all()) == ["control", "fr_efr"]  # less the primary
    assert record.primary_theme.code == "es_joint_facilities"


def test_a_figure_reported_for_another_partner_replaces_that_partners_figure_of_the_kind(round_, report_row, org):
    secamb = org("south_east_coast_as")
    known = make_collaboration(
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
        title="Shared fleet workshop",
        benefits=[
            saving("30000", basis="estimated", price_year=2020, accrues_to=secamb),
            saving("8000", kind="investment_cost", basis="realised", price_year=2020, accrues_to=secamb),
            saving("12000", basis="realised", price_year=2021, accrues_to=org("surrey_frs")),
        ],
    )
    report_row(
        "surrey_police",
        reference=f"C{known.pk}",
        title="Shared fleet workshop",
        partners="Surrey FRS; SECAmb",
        theme="es_vehicle_workshop",
        status="operational",
        annual_savings_gbp="40000",
        annual_savings_basis="realised",
        annual_savings_price_year="2025",
        annual_savings_recipient="SECAmb",
    )
    [cluster] = services.consolidation_propose(round_=round_)
    assert cluster.existing_collaboration == known

    services.cluster_merge(cluster=cluster)

    assert Collaboration.objects.count() == 1
    assert benefits_of(known) == {
        ("annual_saving", Decimal("40000.00"), "realised", 2025, "south_east_coast_as"),  # replaces the 30,000
        ("investment_cost", Decimal("8000.00"), "realised", 2020, "south_east_coast_as"),  # another kind: kept
        ("annual_saving", Decimal("12000.00"), "realised", 2021, "surrey_frs"),  # another partner's: kept
    }


def test_the_cluster_page_compares_each_figures_basis_and_the_other_themes(round_, report_row):
    report_row(
        "surrey_police",
        reference="SP1",
        partners="Surrey FRS",
        annual_savings_gbp="100000",
        savings_basis="estimated",
        one_off_cost_gbp="5000",
        one_off_cost_basis="realised",
        secondary_themes="fr_efr",
        **EPSOM,
    )
    report_row(
        "surrey_frs",
        reference="F7",
        partners="Surrey Police",
        annual_savings_gbp="100000",
        savings_basis="estimated",
        **EPSOM,
    )
    [cluster] = [c for c in services.consolidation_propose(round_=round_) if c.members.count() == 2]

    shown = comparison(cluster)
    headings = [column["heading"] for column in shown["columns"]]
    rows = {
        str(row["label"]): dict(zip(headings, (c["value"] for c in row["cells"]), strict=True)) for row in shown["rows"]
    }

    assert rows["Savings basis"] == {
        "Surrey Police · SP1": "Annual recurring saving: Projected or estimated; Investment cost: Realised",
        "Surrey Fire and Rescue Service · F7": "Projected or estimated",
    }
    assert rows["Other themes"] == {
        "Surrey Police · SP1": "First response and co-responding > Emergency First Response",
        "Surrey Fire and Rescue Service · F7": "",
    }
