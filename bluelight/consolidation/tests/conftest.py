"""Consolidation fixtures: a round whose returns come in through the real spreadsheet import."""


import pytest

from bluelight.organisations.models import Organisation
from bluelight.returns import services as returns_services
from bluelight.returns.imports import return_import
from bluelight.returns.models import Return, ReturnState
from bluelight.returns.tests.conftest import csv_bytes, good_row, south_east_round


@pytest.fixture
def round_(register):
    return south_east_round("Consolidation round")


@pytest.fixture
def report(round_):
    """report("surrey_police", reference=..., title=..., partners=..., ...) adds one row to that organisation's return.

    The return is then submitted, as only submitted and accepted returns are consolidated; a return
    already submitted is first sent back for the row, as an analyst would. `submit=False` leaves it a draft.
    """

    def stage(slug: str, *, submit: bool = True, **row):
        row.setdefault("lead_organisation", "")  # blank: the reporting organisation leads
        organisation = Organisation.objects.get(slug=slug)
        current = Return.objects.filter(round=round_, organisation=organisation).first()
        if current is not None and current.state == ReturnState.SUBMITTED:
            returns_services.return_send_back(return_obj=current, comment="Add another collaboration.")
        result = return_import(
            round=round_,
            organisation=organisation,
            content=csv_bytes([good_row(**row)], header=None),
            filename="return.csv",
        )
        assert result.ok, [str(e) for e in result.errors]
        if submit:
            returns_services.return_submit(return_obj=Return.objects.get(pk=result.return_id))
        return result

    return stage
