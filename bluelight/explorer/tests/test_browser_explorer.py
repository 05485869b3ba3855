"""In a real browser: every explorer page passes axe-core's WCAG 2.2 AA rules, fits a phone and works by keyboard."""
import datetime
import re
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bluelight.collaborations import rules
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.services import edition_publish

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (headings, landmarks, regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONES = [{"width": 375, "height": 800}, {"width": 320, "height": 700}]


@pytest.fixture
def explorer(register, theme, org):
    """A small published data set: four collaborations in three regions, one evaluated, and an edition of them."""
    station = make_collaboration(
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
        title="Tri-service station at Gatwick",
        description="Police, fire and ambulance crews share one station near the airport.",
        theme=theme("es_tri_service_hub"),
        benefits=[
            saving("125000", accrues_to=org("surrey_police")),
            saving("40000", kind="investment_cost", accrues_to=org("south_east_coast_as")),
        ],
        outcomes=[rules.OutcomeData("Ambulance response in the area four minutes faster", "response_minutes", 4)],
        lessons="Agreeing who pays for building maintenance took a year.",
        status="operational",
        start_date=datetime.date(2015, 4, 1),
        start_precision="month",
    )
    make_collaboration(
        "kent_frs", "kent_police", title="Kent missing person searches", theme=theme("dm_missing_people"),
        status="completed",
    )
    make_collaboration(
        "essex_frs", "essex_police", title="Essex co-located control room", theme=theme("es_joint_facilities"),
        status="planned",
    )
    make_collaboration(
        "south_wales_frs", "east_midlands_as", title="Co-responding pilot", theme=theme("fr_coresponding"),
        status="operational",
    )
    evidence = evidence_item_create(
        data=EvidenceItemData(
            title="Evaluation of the Gatwick tri-service station",
            strength=3,
            strength_reason="Response times compared with a similar area before and after.",
            author="University of Surrey",
            year=2018,
            collaborations=[station],
            evaluated=station,
            themes=[theme("es_tri_service_hub")],
        )
    )
    edition = edition_publish(name="2024 overview", as_of=datetime.date(2024, 9, 1), baseline=True)
    return SimpleNamespace(station=station, evidence=evidence, edition=edition, surrey=org("surrey_police"))


def axe_report(page) -> str:
    """axe-core's violations on the page with every <details> opened, one paragraph each; empty when there are none."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def sign_in(page, username: str, failures: dict) -> None:
    """Sign in through the site's own page, checking that page with axe on the way."""
    page.goto("/accounts/login/")
    if report := axe_report(page):
        failures["/accounts/login/"] = report
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_attached()


def test_every_explorer_page_has_no_axe_violations(page, explorer, cast):
    station, surrey = explorer.station, explorer.surrey
    urls = [
        "/",
        "/collaborations/",
        "/collaborations/?status=operational&region=South+East",
        "/collaborations/?theme=old-code",  # a stale link: the notice says the filter was ignored
        "/collaborations/?q=station+gatwick",
        station.get_absolute_url(),
        "/organisations/",
        surrey.get_absolute_url(),
        "/themes/",
        "/themes/es_tri_service_hub/",
        "/evidence/",
        explorer.evidence.get_absolute_url(),
        f"/editions/{explorer.edition.slug}/collaborations/",
    ]
    failures = {}
    for url in urls:
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        if report := axe_report(page):
            failures[url] = report
        if "old-code" in url:
            expect(page.get_by_role("region", name="Important")).to_contain_text("We ignored theme 'old-code'")

    sign_in(page, cast.analyst.username, failures)
    page.goto("/evidence/new/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if report := axe_report(page):
        failures["/evidence/new/"] = report
    page.get_by_role("button", name="Save the evidence item").click()  # empty: the error summary and inline errors
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    if report := axe_report(page):
        failures["/evidence/new/ with errors"] = report

    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert "image-alt" in axe_report(page), "axe-core did not run"  # not silently blocked, say by the page's CSP

    assert not failures, "axe-core found violations:\n" + "\n".join(f"{url}\n{r}" for url, r in failures.items())


def assert_no_horizontal_scroll(page, where: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways at {widths[1]} px: the page is {widths[0]} px wide"


def test_on_a_phone_the_filters_fold_away_and_nothing_scrolls_sideways(page, explorer):
    for viewport in PHONES:  # one test for both widths: the data set is built once
        page.set_viewport_size(viewport)
        where = f"/collaborations/ at {viewport['width']} px"
        page.goto("/collaborations/")
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("4 collaborations")
        toggle = page.get_by_text("Show or hide filters")
        operational = page.get_by_role("checkbox", name=re.compile(r"^Operational"))
        expect(toggle).to_be_visible()
        expect(operational).to_be_hidden()
        assert_no_horizontal_scroll(page, where)

        toggle.click()
        expect(operational).to_be_visible()
        assert_no_horizontal_scroll(page, f"{where}, filters shown")
        operational.check()
        page.get_by_role("button", name="Apply filters").last.click()

        expect(heading).to_have_text(re.compile(r"^2 collaborations"))
        tag = page.get_by_role("link", name=re.compile(r"Remove this filter: .*Operational"))
        expect(tag).to_be_visible()
        assert_no_horizontal_scroll(page, f"{where}, filtered")
        tag.click()
        expect(heading).to_have_text("4 collaborations")
        expect(page.get_by_role("link", name=re.compile("Remove this filter"))).to_have_count(0)

        for url in [
            explorer.station.get_absolute_url(),  # benefit tables
            explorer.surrey.get_absolute_url(),
            "/organisations/",
            "/themes/es_tri_service_hub/",
            explorer.evidence.get_absolute_url(),
            f"/editions/{explorer.edition.slug}/collaborations/",
        ]:
            page.goto(url)
            assert_no_horizontal_scroll(page, f"{url} at {viewport['width']} px")


def tab_to(page, description: str, is_target: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the JavaScript test `is_target`, about `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {is_target})(document.activeElement)"):
            return
    raise AssertionError(f"{description} not reached in {limit} presses of Tab")


def test_filtering_the_list_with_the_keyboard_alone(page, explorer):
    page.goto("/collaborations/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("4 collaborations")

    operational = "el.type === 'checkbox' && el.labels[0].textContent.trim().startsWith('Operational')"
    tab_to(page, "The Operational checkbox", operational)
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Operational"))).to_be_checked()
    tab_to(page, "An Apply filters button", "el.tagName === 'BUTTON' && el.textContent.trim() === 'Apply filters'")
    page.keyboard.press("Enter")

    expect(heading).to_have_text(re.compile(r"^2 collaborations"))
    results = page.locator(".observatory-result")
    expect(results).to_have_count(2)
    expect(results.get_by_role("link", name="Tri-service station at Gatwick")).to_be_visible()
    expect(results.get_by_role("link", name="Co-responding pilot")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(r"^Operational"))).to_be_checked()
