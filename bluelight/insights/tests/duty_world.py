"""A small duty-to-collaborate world for the duty tests: opportunities written through the services."""

import datetime

from bluelight.insights.duty import (
    DutyNotificationData,
    DutyOpportunityData,
    duty_data_from,
    duty_opportunity_create,
    duty_opportunity_update,
)
from bluelight.organisations.models import Organisation

D = datetime.date


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def opportunity_make(
    slug: str = "surrey_police",
    *,
    title: str = "Shared station at Reigate",
    decision: str = "under_consideration",
    efficiency: str = "",
    effectiveness: str = "",
    public_safety_harm: str = "",
    partners: tuple[str, ...] = ("surrey_frs",),
    collaboration=None,
    user=None,
):
    """An opportunity identified on 1 March 2024, its partners notified on 4 March; when decided, considered jointly
    on 1 May and decided on 1 June with reasons."""
    data = DutyOpportunityData(
        title=title,
        identified_on=D(2024, 3, 1),
        proposal="Police and fire crews share one station.",
        notifications=[DutyNotificationData(org(p), D(2024, 3, 4), "Interested") for p in partners],
    )
    opportunity = duty_opportunity_create(organisation=org(slug), data=data, user=user)
    if decision != "under_consideration":
        data = duty_data_from(opportunity)
        data.decision = decision
        data.considered_jointly_on = D(2024, 5, 1)
        data.decided_on = D(2024, 6, 1)
        data.reasons = "Considered against each statutory test."
        data.efficiency, data.effectiveness, data.public_safety_harm = efficiency, effectiveness, public_safety_harm
        data.collaboration = collaboration
        opportunity = duty_opportunity_update(opportunity=opportunity, data=data, user=user)
    return opportunity
