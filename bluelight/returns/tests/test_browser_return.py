"""In a real browser: an editor fills in a return online, and uploads a bad file."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.returns import services
from bluelight.returns.models import Return, ReturnItem, ReturnState
from bluelight.returns.tests.conftest import csv_bytes, good_row

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_round(cast):
    make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    today = datetime.date.today()
    return services.round_open(
        name="Summer call", opens_on=today, closes_on=today + datetime.timedelta(days=21), regions=["South East"]
    )


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()


def test_editor_fills_in_a_return_online_and_submits_it(page, open_round, screenshot):
    sign_in(page, "editor_a")
    page.get_by_role("link", name="Your returns").click()
    page.get_by_role("link", name="Summer call").click()
    page.get_by_role("button", name="Start the return online").click()
    expect(page.locator(".govuk-task-list").first).to_contain_text("Shared fleet workshop")

    page.get_by_role("link", name="Add a collaboration").click()
    page.get_by_label("Title").fill("Joint station at Epsom")
    page.get_by_label("Partner to add").fill("Surrey Fire")  # the type-ahead box: chosen, not yet added
    page.get_by_role("option", name="Surrey Fire and Rescue Service").click()
    page.get_by_role("radio", name="Operational").check()
    page.locator("#id_start_date_month").fill("4")
    page.locator("#id_start_date_year").fill("2016")
    page.get_by_label("Annual recurring savings (£)").fill("twelve thousand")
    page.get_by_label("Yes, I have finished").check()
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Annual recurring savings")
    screenshot(page, "return-item-errors.png")
    page.get_by_label("Annual recurring savings (£)").fill("£12k")
    page.locator("#id_annual_savings_basis_0").check()
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved Joint station at Epsom")
    added = page.locator(".govuk-task-list__item", has_text="Joint station at Epsom")
    expect(added).to_contain_text("Surrey Fire and Rescue Service")
    expect(added.locator(".govuk-task-list__status")).to_have_text("Completed")
    screenshot(page, "return-overview.png")
    page.get_by_role("link", name="Shared fleet workshop").click()  # the pre-filled one: still right
    page.get_by_label("Yes, it is still right").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Check your answers and submit").click()
    page.get_by_role("button", name="Accept and submit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    expect(page.get_by_role("link", name="Add a collaboration")).to_have_count(0)

    return_obj = Return.objects.get(organisation__slug="surrey_police")
    assert return_obj.state == ReturnState.SUBMITTED
    item = return_obj.items.get(title="Joint station at Epsom")
    assert item.annual_savings_gbp == 12000 and item.figure("annual_savings").basis == "estimated"


def test_editor_uploads_a_bad_file_and_sees_each_problem_with_nothing_imported(page, open_round, tmp_path):
    bad = tmp_path / "return.csv"
    bad.write_bytes(
        csv_bytes([good_row(), good_row(reference="A2", partners="Surrey Search and Rescue", annual_savings_gbp="-5")])
    )
    sign_in(page, "editor_a")
    page.goto(f"/returns/rounds/{open_round.pk}/surrey_police/upload/")
    page.get_by_label("Upload your completed return").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("nothing was imported")
    problems = page.locator("table", has_text="Problems found")
    expect(problems).to_contain_text("partners")
    expect(problems).to_contain_text("Surrey Fire and Rescue Service")  # did you mean
    expect(problems.locator("tbody tr", has_text="annual_savings_gbp")).to_contain_text(re.compile("cost|negative"))
    assert not ReturnItem.objects.exists()
