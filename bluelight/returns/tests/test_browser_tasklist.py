"""In a real browser at phone width: an editor works through the return's task list, checks the answers and
submits; an analyst comments on one collaboration and sends the return back; the editor sees the comment there."""

import datetime

import pytest
from playwright.sync_api import expect

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.explorer.tests.test_browser_explorer import axe_report
from bluelight.returns.models import ItemAction, Return, ReturnState
from bluelight.returns.tests.conftest import south_east_round
from bluelight.returns.tests.test_browser_return import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def known_two(cast):
    make_collaboration("surrey_police", "surrey_frs", title="Shared fleet workshop")
    make_collaboration("surrey_police", "surrey_frs", title="Joint control room", start_date=datetime.date(2015, 1, 1))
    return south_east_round("Summer call", days=21)


def task_status(page, title: str):
    return page.locator(".govuk-task-list__item", has_text=title).locator(".govuk-task-list__status")


def test_editor_confirms_each_collaboration_on_the_task_list_checks_answers_and_submits(
    page, known_two, cast, screenshot
):
    page.set_viewport_size({"width": 320, "height": 700})
    sign_in(page, "editor_a")
    page.goto("/returns/")  # at 320 px the navigation hides behind "Menu"
    page.get_by_role("link", name="Summer call").click()
    page.get_by_role("button", name="Start the return online").click()
    expect(task_status(page, "Shared fleet workshop")).to_have_text("Not yet started")
    expect(page.get_by_text("Cannot start yet")).to_be_visible()
    assert axe_report(page) == ""
    screenshot(page, "return-task-list.png")

    page.get_by_role("link", name="Shared fleet workshop").click()
    page.get_by_role("button", name="Continue").click()  # no answer: the error pattern
    expect(page.locator(".govuk-error-summary")).to_contain_text("Is this collaboration still right?")
    page.get_by_label("Yes, it is still right").check()
    page.get_by_role("button", name="Continue").click()
    expect(task_status(page, "Shared fleet workshop")).to_have_text("Completed")

    page.get_by_role("link", name="Joint control room").click()
    page.get_by_label("No, it has ended").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("It was stopped early").check()
    assert axe_report(page) == ""
    page.get_by_role("button", name="Save and mark as ended").click()
    expect(task_status(page, "Joint control room")).to_have_text("Completed")
    expect(page.get_by_text("You have completed 2 of 2 collaborations.")).to_be_visible()

    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting your return")
    assert axe_report(page) == ""
    screenshot(page, "return-check-answers.png")
    page.get_by_role("button", name="Accept and submit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")

    return_obj = Return.objects.get(organisation__slug="surrey_police")
    assert return_obj.state == ReturnState.SUBMITTED
    ended = return_obj.items.get(title="Joint control room")
    assert (ended.action, ended.status, ended.end_date) == (
        ItemAction.ENDED,
        "discontinued",
        datetime.date(2024, 3, 31),
    )


def test_analyst_comments_on_one_collaboration_and_the_editor_finds_it_there(page, known_two, cast):
    from bluelight.organisations.models import Organisation
    from bluelight.returns import services
    from bluelight.returns.tests.conftest import items_complete

    return_obj = items_complete(
        services.return_start(round_=known_two, organisation=Organisation.objects.get(slug="surrey_police"))
    )
    services.return_submit(return_obj=return_obj)
    sign_in(page, "analyst")
    page.goto(f"/returns/rounds/{known_two.pk}/surrey_police/")
    page.get_by_role("link", name="Joint control room").click()
    page.get_by_label("What should the organisation change in this collaboration?").fill("Give the annual savings.")
    page.get_by_role("button", name="Save the comment").click()
    page.get_by_label("Return it for changes").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent back")

    page.context.clear_cookies()
    sign_in(page, "editor_a")
    page.goto(f"/returns/rounds/{known_two.pk}/surrey_police/")
    item = page.locator(".govuk-task-list__item", has_text="Joint control room")
    expect(item).to_contain_text("Give the annual savings.")
    expect(item.locator(".govuk-task-list__status")).to_have_text("In progress")
    expect(task_status(page, "Shared fleet workshop")).to_have_text("Completed")
