"""In a real browser: every page outside the explorer and insights fits a 320 px screen and passes axe-core,
for the public, an editor and an analyst; and the editor's and analyst's work can be done by keyboard alone.

The explorer's and insights' pages have their own browser tests (explorer/tests, insights/tests); admin pages
are Django's; the API's Swagger UI (/api/docs/) is a third-party tool whose own markup axe faults (nested
controls, contrast, target sizes), so it is left out. One small world serves every page, and each role has one
browser context.
"""

import datetime
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.consolidation import services as consolidation_services
from bluelight.consolidation.models import Cluster, ClusterState, Merge
from bluelight.consolidation.runs import matching_request
from bluelight.editions.report.runs import report_request
from bluelight.editions.services import edition_publish
from bluelight.explorer.tests.test_browser_explorer import axe_report
from bluelight.organisations.models import Organisation
from bluelight.returns import runs as return_runs
from bluelight.returns import services as returns_services
from bluelight.returns.imports import return_import
from bluelight.returns.models import Return, ReturnItem
from bluelight.returns.tests.conftest import csv_bytes, good_row, south_east_round

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 700}
EPSOM = dict(
    theme="es_joint_facilities",
    status="operational",
    start_date="2016",
    description="Police, fire and ambulance crews share the Epsom station, its training yard and its vehicle workshop.",
)


def _open_round():
    return south_east_round("Summer 2026 call for examples", days=21)


def _submitted_report(round_, slug: str, **row) -> Return:
    """One row imported through the real spreadsheet import as `slug`'s return, then submitted."""
    result = return_import(
        round=round_,
        organisation=Organisation.objects.get(slug=slug),
        content=csv_bytes([good_row(lead_organisation="", **row)]),
        filename="return.csv",
    )
    assert result.ok, [str(e) for e in result.errors]
    return returns_services.return_submit(return_obj=Return.objects.get(pk=result.return_id))


def _epsom_reports(round_) -> None:
    """Surrey Fire and Rescue and the ambulance trust each report the same shared station."""
    _submitted_report(
        round_,
        "surrey_frs",
        reference="F7",
        title="Shared station at Epsom",
        partners="Surrey Police; South East Coast Ambulance Service",
        annual_savings_gbp="100000",
        savings_basis="estimated",
        **EPSOM,
    )
    _submitted_report(
        round_,
        "south_east_coast_as",
        reference="AMB-3",
        title="Tri-service station at Epsom",
        partners="Surrey Police; Surrey Fire and Rescue Service",
        annual_savings_gbp="20000",
        savings_basis="realised",
        **EPSOM,
    )


@pytest.fixture
def world(cast, register):
    """A published record in an edition with its report, and an open round: Surrey Police's return is a draft,
    two partners' reports of one station wait in a cluster, Kent Police's report is merged, and a large file of
    Surrey Police's waits for its editor to confirm it."""
    make_collaboration(
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
        title="Shared fleet workshop for police, fire and ambulance vehicles",
        benefits=[saving("125000"), saving("40000", kind="investment_cost")],
        status="operational",
    )
    edition = edition_publish(name="2025 overview", as_of=datetime.date(2025, 9, 30), baseline=True)
    report_request(edition=edition)  # produced at once: tests run tasks immediately

    round_ = _open_round()
    surrey = Organisation.objects.get(slug="surrey_police")
    draft = returns_services.return_start(round_=round_, organisation=surrey)  # pre-filled with the workshop
    _epsom_reports(round_)
    _submitted_report(
        round_,
        "kent_police",
        reference="K1",
        title="Kent joint control room",
        partners="Kent Fire and Rescue Service",
        **EPSOM,
    )
    run = matching_request(round_=round_)  # matched at once
    clusters = list(Cluster.objects.filter(round=round_).prefetch_related("members__item__return_obj"))
    epsom = next(c for c in clusters if c.members.count() == 2)
    kent = next(c for c in clusters if c.members.get().item.reference == "K1")
    consolidation_services.cluster_merge(cluster=kent)
    import_run = return_runs.import_run_request(
        round=round_,
        organisation=surrey,
        content=csv_bytes([good_row(title="Joint training at Guildford")]),
        filename="summer-return.csv",
        rows=1,
        user=cast.editor_a,
    )
    return SimpleNamespace(
        edition=edition, round=round_, draft=draft, epsom=epsom, kent=kent, matching=run, import_run=import_run
    )


class Visits:
    """Pages seen at 320 px in one browser context; every failure is kept, so one run lists them all."""

    def __init__(self, page):
        self.page = page
        self.failures: dict[str, list[str]] = {}

    def check(self, where: str) -> None:
        """The page as it stands: no sideways scrolling, and nothing for axe-core."""
        wide = self.page.evaluate(WIDEST_ELEMENTS)
        if wide:
            self.failures.setdefault(where, []).append(f"  scrolls sideways at {PHONE['width']} px: {wide}")
        if report := axe_report(self.page):
            self.failures.setdefault(where, []).append(report)

    def visit(self, url: str, status: int = 200) -> None:
        response = self.page.goto(url)
        if response.status != status:
            self.failures.setdefault(url, []).append(f"  status {response.status}, expected {status}")
        self.check(url)

    def submit(self, where: str, button: str, expect_text: str) -> None:
        """Press a form's button as it stands (usually empty) and check the page that comes back."""
        self.page.get_by_role("button", name=button, exact=True).click()
        expect(self.page.locator("main")).to_contain_text(expect_text)
        self.check(where)


# The page's width, and the outermost elements that stick out past the window unless a scroll region holds them.
WIDEST_ELEMENTS = """() => {
  const limit = window.innerWidth;
  if (document.documentElement.scrollWidth <= limit) return '';
  const scrolls = el => el.closest('[tabindex="0"][role="region"]');
  const out = [...document.body.querySelectorAll('*')].filter(el =>
    el.getBoundingClientRect().right > limit + 1 && !scrolls(el) &&
    !(el.parentElement && el.parentElement.getBoundingClientRect().right > limit + 1 && !scrolls(el.parentElement)));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return `the page is ${document.documentElement.scrollWidth} px wide; ` +
    out.slice(0, 5).map(el => `${name(el)} (${Math.round(el.getBoundingClientRect().right)} px)`).join(', ');
}"""


def sign_in(page, username: str) -> None:
    """Through the site's own page; at 320 px the Sign out button is folded into the menu, so look for its form."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form[action='/accounts/logout/']")).to_be_attached()


@contextmanager
def phone_page(page, live_server):
    """A new browser context, a 320 px wide phone with its own cookies, sharing the test's browser."""
    context = page.context.browser.new_context(viewport=PHONE, base_url=live_server.url)
    try:
        yield context.new_page()
    finally:
        context.close()


def _public_pages(visits: Visits, world) -> None:
    page = visits.page
    for url in ["/editions/", f"/editions/{world.edition.slug}/", f"/editions/{world.edition.slug}/overview.html"]:
        visits.visit(url)
    for url in ["/accessibility/", "/privacy/", "/cookies/", "/contact/"]:
        visits.visit(url)
    visits.visit("/no-such-page/", status=404)
    visits.visit(f"/returns/rounds/{world.round.pk}/")  # signed out: the sign-in page, with where to go next
    visits.visit("/accounts/login/")
    visits.submit("/accounts/login/ posted empty", "Sign in", "There is a problem")
    for _ in range(2):  # the limit is two in this test: the second wrong password locks the username out
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    visits.check("/accounts/login/ locked out")
    page.goto("/")
    page.set_content(render_to_string("500.html"))  # as Django renders it, without a request, at the site's address
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, there is a problem with the service")
    visits.check("500.html")


def _editor_pages(visits: Visits, world, tmp_path) -> None:
    page, round_ = visits.page, world.round
    sign_in(page, "editor_a")
    here = f"/returns/rounds/{round_.pk}/surrey_police"
    visits.visit("/returns/")
    visits.visit(f"{here}/")
    visits.visit(f"{here}/items/new/")
    visits.submit(f"{here}/items/new/ posted empty", "Save", "There is a problem")
    item = world.draft.items.first()
    visits.visit(f"{here}/items/{item.pk}/")
    known = world.draft.items.filter(known_collaboration__isnull=False).first()
    visits.visit(f"{here}/items/{known.pk}/check/")
    visits.submit(f"{here}/items/{known.pk}/check/ posted empty", "Continue", "There is a problem")
    visits.visit(f"{here}/items/{known.pk}/ended/")
    visits.submit(f"{here}/items/{known.pk}/ended/ posted empty", "Save and mark as ended", "There is a problem")
    visits.visit(f"{here}/items/{known.pk}/remove/")
    visits.visit(f"{here}/submit/")  # check your answers
    visits.visit(f"{here}/upload/")
    visits.submit(f"{here}/upload/ posted empty", "Check the file", "There is a problem")
    for name, rows, shows in [
        ("bad.csv", [good_row(partners="Surrey Search and Rescue", annual_savings_gbp="-5")], "Problems found"),
        ("good.csv", [good_row(title="Joint station at Epsom")], "What the upload will do"),
    ]:
        (tmp_path / name).write_bytes(csv_bytes(rows))
        page.get_by_label("Upload your completed return").set_input_files(str(tmp_path / name))
        visits.submit(f"{here}/upload/ with {name}", "Check the file", shows)
    visits.visit(world.import_run.get_absolute_url())
    visits.visit(f"/returns/rounds/{round_.pk}/", status=403)


def _round_check_page(visits: Visits) -> None:
    """The round form filled in, its check page (nothing in scope, then the South East), and back to the form."""
    page = visits.page
    page.get_by_label("Name of the round").fill("Autumn 2026 call for examples")
    page.get_by_label("Opens on").fill(datetime.date.today().isoformat())
    page.get_by_label("Closes on").fill((datetime.date.today() + datetime.timedelta(days=30)).isoformat())
    regions = page.get_by_role("group", name="Regions")
    page.get_by_label("Other organisation").check()
    regions.get_by_label("Wales").check()
    visits.submit("/returns/rounds/new/ check: nobody in scope", "Continue", "No organisation is in scope")
    page.get_by_role("button", name="Change the round").click()
    page.get_by_label("Other organisation").uncheck()
    regions.get_by_label("Wales").uncheck()
    regions.get_by_label("South East").check()
    page.get_by_label("Also ask these organisations").fill(
        "Police and Crime Commissioner for Surrey\nPolice and Crime Commissioner for Kent"
    )
    visits.submit("/returns/rounds/new/ check", "Continue", "Who will be e-mailed")
    expect(page.get_by_test_id("round-details")).to_contain_text("Police and Crime Commissioner for Kent")
    page.get_by_role("button", name="Change the round").click()
    expect(page.get_by_label("Also ask these organisations")).to_have_value(
        "Police and Crime Commissioner for Surrey\nPolice and Crime Commissioner for Kent"
    )


def _analyst_pages(visits: Visits, world) -> None:
    page, round_ = visits.page, world.round
    sign_in(page, "analyst")
    visits.visit("/returns/rounds/")
    visits.visit("/returns/rounds/new/")
    visits.submit("/returns/rounds/new/ posted empty", "Continue", "There is a problem")
    _round_check_page(visits)
    visits.visit(f"/returns/rounds/{round_.pk}/")
    visits.visit(f"/returns/rounds/{round_.pk}/surrey_frs/")
    visits.submit(f"/returns/rounds/{round_.pk}/surrey_frs/review/ posted empty", "Record the decision", "problem")
    submitted_item = Return.objects.get(round=round_, organisation__slug="surrey_frs").items.first()
    visits.visit(f"/returns/rounds/{round_.pk}/surrey_frs/items/{submitted_item.pk}/comment/")
    visits.visit(f"/returns/rounds/{round_.pk}/surrey_police/")

    visits.visit(f"/consolidation/rounds/{round_.pk}/")
    visits.visit(f"/consolidation/rounds/{round_.pk}/?band=likely&state=merged")  # filtered to nothing
    visits.visit(f"/consolidation/matching/{world.matching.pk}/")
    visits.visit(f"/consolidation/clusters/{world.epsom.pk}/")
    visits.visit(f"/consolidation/clusters/{world.epsom.pk}/?rows=all")
    visits.visit(f"/consolidation/clusters/{world.kent.pk}/")
    visits.visit(f"/consolidation/rounds/{round_.pk}/merge-above/")
    page.get_by_label(re.compile("score", re.I)).fill("")
    visits.submit("merge-above/ posted empty", "See what would be merged", "There is a problem")
    page.get_by_label(re.compile("score", re.I)).fill("0.1")
    visits.submit("merge-above/ preview", "See what would be merged", "would")

    visits.visit("/editions/publish/")
    visits.submit("/editions/publish/ posted empty", "Continue", "There is a problem")
    page.get_by_label("Name").fill("2026 overview")
    page.get_by_label("The date it describes").fill("2026-01-31")
    visits.submit("/editions/publish/ to check", "Continue", "What will be frozen")
    visits.visit(f"/editions/{world.edition.slug}/")
    report = world.edition.reports.get()
    visits.visit(f"/editions/reports/{report.pk}/")


def test_every_page_fits_a_phone_and_axe_finds_nothing(page, live_server, world, settings, tmp_path):
    settings.AXES_FAILURE_LIMIT = 2
    failures: dict[str, list[str]] = {}
    with phone_page(page, live_server) as public:
        visits = Visits(public)
        _public_pages(visits, world)
        failures |= {f"public {k}": v for k, v in visits.failures.items()}
    with phone_page(page, live_server) as editor:
        visits = Visits(editor)
        _editor_pages(visits, world, tmp_path)
        failures |= {f"editor {k}": v for k, v in visits.failures.items()}
    with phone_page(page, live_server) as analyst:
        visits = Visits(analyst)
        _analyst_pages(visits, world)
        failures |= {f"analyst {k}": v for k, v in visits.failures.items()}
        analyst.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
        assert "image-alt" in axe_report(analyst), "axe-core did not run"

    assert not failures, f"{len(failures)} pages fail:\n" + "\n".join(
        f"{where}\n" + "\n".join(problems) for where, problems in failures.items()
    )


# Keyboard alone ------------------------------------------------------------------------------

# GOV.UK's focus state: the yellow (#fd0) outline, background or box shadow, on the element or, for radios and
# checkboxes (whose input is hidden), on its label's drawn circle or box.
FOCUS_VISIBLE = """el => {
  const yellow = 'rgb(255, 221, 0)';
  const shows = s => (s.outlineStyle !== 'none' && s.outlineColor === yellow) || s.backgroundColor === yellow ||
    s.boxShadow.includes(yellow) || s.borderColor === yellow;
  const label = el.labels && el.labels[0];
  return shows(getComputedStyle(el)) || (!!label && shows(getComputedStyle(label, '::before')));
}"""
FOCUSED = "el => el.outerHTML.slice(0, 120)"


def tab_to(page, description: str, is_target: str, *, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab until the focused element satisfies `is_target` (JavaScript about `el`); every element it
    passes on the way shows GOV.UK's focus state."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate_handle("document.activeElement")
        assert focused.evaluate(FOCUS_VISIBLE), f"no visible focus on {focused.evaluate(FOCUSED)}"
        if focused.evaluate(f"el => {is_target}"):
            return
    raise AssertionError(f"{description} not reached in {limit} presses of {key}")


def sign_in_by_keyboard(page, username: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, "The username box", "el.id === 'id_username'")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("pw")
    page.keyboard.press("Enter")
    expect(page.locator("form[action='/accounts/logout/']")).to_be_attached()


def named(tag: str, text: str) -> str:
    return f"el.tagName === '{tag}' && el.textContent.trim().startsWith({text!r})"


def test_editor_adds_a_collaboration_to_a_return_with_the_keyboard_alone(page, cast, register):
    round_ = _open_round()
    returns_services.return_start(round_=round_, organisation=Organisation.objects.get(slug="surrey_police"))
    sign_in_by_keyboard(page, "editor_a")
    page.goto(f"/returns/rounds/{round_.pk}/surrey_police/")

    tab_to(page, "The Add a collaboration link", named("A", "Add a collaboration"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a collaboration")
    tab_to(page, "The title", "el.id === 'id_title'")
    page.keyboard.type("Joint station at Epsom")
    tab_to(page, "The partner to add", "el.id === 'id_partner'")  # the type-ahead box over the register's list
    page.keyboard.type("Surrey Fire and Rescue")
    expect(page.get_by_role("option", name="Surrey Fire and Rescue Service")).to_be_visible()
    page.keyboard.press("Enter")  # the suggestion highlighted is chosen
    tab_to(page, "The Add partner button", named("BUTTON", "Add partner"))
    page.keyboard.press("Enter")
    expect(page.locator("#partners dl")).to_contain_text("Surrey Fire and Rescue Service")
    # The page comes back at the partners (#partners); the browser moves focus there once it has loaded, so wait
    # for that before the next Tab, which then starts from the list just changed.
    expect(page.locator("#partners")).to_be_focused()
    tab_to(page, "The main theme", "el.id === 'id_theme'")
    page.keyboard.press("ArrowDown")  # a closed list moves to the next choice
    theme = page.evaluate("document.activeElement.value")
    tab_to(page, "The status", "el.name === 'status'")
    page.keyboard.press("ArrowDown")  # the second status: the arrow keys choose within a group of radios
    status = page.evaluate("document.activeElement.value")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "The start's month", "el.id === 'id_start_date_month'")
    page.keyboard.type("4")
    tab_to(page, "The start's year", "el.id === 'id_start_date_year'")
    page.keyboard.type("2016")
    tab_to(page, "Have you finished?", "el.name === 'progress'")
    page.keyboard.press("Space")  # "Yes, I have finished"
    tab_to(page, "The Save button", named("BUTTON", "Save"))
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved Joint station at Epsom")
    item = ReturnItem.objects.get(title="Joint station at Epsom")
    assert (item.theme.code if item.theme else "", item.status, item.start_date) == (
        theme,
        status,
        datetime.date(2016, 4, 1),
    )
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs"}
    assert theme and item.return_obj.organisation.slug == "surrey_police"


def test_analyst_merges_a_cluster_with_the_keyboard_alone(page, cast, register):
    round_ = _open_round()
    _epsom_reports(round_)
    (cluster,) = consolidation_services.consolidation_propose(round_=round_)
    sign_in_by_keyboard(page, "analyst")
    page.goto(f"/consolidation/rounds/{round_.pk}/")

    tab_to(page, f"The link to cluster {cluster.pk}", named("A", f"Cluster {cluster.pk}"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cluster {cluster.pk}")
    tab_to(page, "The merge button", named("BUTTON", "Merge into"))
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Merged into")
    cluster.refresh_from_db()
    merge = Merge.objects.get(cluster=cluster)
    assert cluster.state == ClusterState.MERGED
    assert {p.organisation.slug for p in merge.collaboration.partners.all()} == {
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
    }
    assert Collaboration.objects.count() == 1
