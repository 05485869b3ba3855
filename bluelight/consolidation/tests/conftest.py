"""Consolidation fixtures: a round whose returns come in through the real spreadsheet import."""

import datetime

import pytest

from bluelight.organisations.models import Organisation
from bluelight.returns import rounds
from bluelight.returns.services import return_import
from bluelight.returns.tests.conftest import csv_bytes, good_row


@pytest.fixture
def round_(register):
    today = datetime.date.today()
    return rounds.round_open(
        name="Consolidation round",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        regions=["South East"],
        notify=False,
    )


@pytest.fixture
def report(round_):
    """report("surrey_police", reference=..., title=..., partners=..., ...) stages one row for that organisation."""

    def stage(slug: str, **row):
        row.setdefault("lead_organisation", "")  # blank: the reporting organisation leads
        organisation = Organisation.objects.get(slug=slug)
        result = return_import(
            round=round_,
            organisation=organisation,
            content=csv_bytes([good_row(**row)], header=None),
            filename="return.csv",
        )
        assert result.ok, [str(e) for e in result.errors]
        return result

    return stage
