"""In a real browser: from the home page to a collaboration, seeing what a member of the public sees."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from bluelight.collaborations import rules
from bluelight.collaborations.models import EvidenceItem, Publication
from bluelight.collaborations.tests.factories import make_collaboration, saving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_records(register, theme, org):
    station = make_collaboration(
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
        title="Tri-service station at Gatwick",
        description="Police, fire and ambulance crews share one station near the airport.",
        theme=theme("es_tri_service_hub"),
        contacts=[rules.ContactData("Pat Example", "pat.private@example.org")],
        benefits=[saving("125000", accrues_to=org("surrey_police")), saving("40000", kind="investment_cost")],
        outcomes=[rules.OutcomeData("Ambulance response in the area four minutes faster", "response_minutes", 4)],
        lessons="Agreeing who pays for building maintenance took a year.",
        status="operational",
        start_date=datetime.date(2015, 4, 1),
        start_precision="month",
    )
    evidence = EvidenceItem.objects.create(
        title="Evaluation of the Gatwick tri-service station", author="University of Surrey", year=2018, strength=3
    )
    evidence.collaborations.add(station)
    make_collaboration(
        "kent_frs", "kent_police", title="Kent missing person searches", theme=theme("dm_missing_people"),
        status="completed",
    )
    make_collaboration("kent_frs", "kent_police", title="Unpublished plan", publication=Publication.DRAFT)
    return station


def test_person_goes_from_home_to_a_collaboration_and_sees_no_contact_details(page, published_records, screenshot):
    page.goto("/")
    expect(page.get_by_test_id("collaboration-count")).to_have_text("2")
    expect(page.locator("body")).not_to_contain_text("GOV.UK")
    screenshot(page, "home.png")

    page.get_by_role("link", name="Browse all collaborations").click()
    expect(page).to_have_url(re.compile(r"/collaborations/$"))
    expect(page.get_by_role("heading", name="2 collaborations")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Unpublished plan")

    page.get_by_role("link", name="Tri-service station at Gatwick").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tri-service station at Gatwick")
    expect(page.get_by_test_id("status")).to_contain_text("Operational")
    partners = page.locator(".govuk-summary-list__row", has_text="Partners")
    for name in ("Surrey Police", "Surrey Fire and Rescue Service", "South East Coast Ambulance Service"):
        expect(partners.get_by_role("link", name=re.compile(name))).to_be_visible()
    expect(page.get_by_text("£125,000")).to_be_visible()
    assert "pat.private@example.org" not in page.content()
    assert "Pat Example" not in page.content()
    screenshot(page, "collaboration.png")
