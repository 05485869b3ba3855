"""The cluster page: the existing record beside the reports, every difference marked, a compact view, and join."""

import datetime
import re

from django.urls import reverse

from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.consolidation import selectors
from bluelight.consolidation.tests.test_confidence import clustered
from bluelight.consolidation.tests.test_merge import EPSOM, three_reports


def cells(page: str, label: str) -> list[str]:
    """The text of each cell of the row headed `label`, tags stripped."""
    row = re.search(rf'<th scope="row" class="govuk-table__header">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert row, f"no row {label}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_the_existing_record_is_shown_first_with_its_money_and_each_report_is_compared_with_it(
    client, cast, round_, report
):
    three_reports(report)
    record = make_collaboration(
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
        title="Joint station at Epsom",
        status="operational",
        start_date=datetime.date(2016, 1, 1),
        benefits=[saving("100000"), saving("30000", basis="realised"), saving("5000", kind="external_funding")],
    )
    cluster = clustered(round_, "SP1", "F7", "AMB-3", score=0.8, existing=record)
    client.force_login(cast.analyst)
    page = client.get(reverse("consolidation:cluster", args=[cluster.pk])).content.decode()

    assert "values in a report that differ from the existing record are marked" in page
    assert "Existing record" in page.split("<tbody")[0].split("SP1")[0]  # the first column
    # The record's money, one total per kind with each sum listed; a report's figure that differs is marked.
    assert cells(page, "Annual savings (£)") == [
        "130,000(100,000 + 30,000)",
        "≠ 100,000 (differs)",
        "≠ 100,000 (differs)",
        "≠ 20,000 (differs)",
    ]
    assert cells(page, "External funding (£)") == ["5,000", "–", "–", "–"]
    # The first report's title equals the record's: not marked. The others differ from the record,
    # though one of them would not have been marked against the first report.
    assert cells(page, "Title") == [
        "Joint station at Epsom",
        "Joint station at Epsom",
        "≠ Shared station, Epsom (differs)",
        "≠ Shared site, Epsom (differs)",
    ]
    assert cells(page, "Start")[1] == "2016" and cells(page, "Start")[3] == "≠ 2017 (differs)"
    assert 'class="govuk-visually-hidden"> (differs)' in page
    # The record's bases, one per kind of sum it holds, by name as the reports give theirs.
    assert cells(page, "Savings basis")[0] == "Projected or estimated; Realised"


def test_without_an_existing_record_reports_are_compared_with_the_first(round_, report):
    three_reports(report)
    cluster = clustered(round_, "SP1", "F7", "AMB-3", score=0.8)
    rows = {str(r["label"]): r for r in selectors.comparison(cluster)["rows"]}
    assert [c["differs"] for c in rows["Title"]["cells"]] == [False, True, True]
    assert [c["differs"] for c in rows["Annual savings (£)"]["cells"]] == [False, False, True]
    # Each report's partners include the organisation that reported it, so partners naming each other agree.
    assert [c["differs"] for c in rows["Partners"]["cells"]] == [False, False, False]


def test_more_than_three_reports_show_only_the_rows_that_differ_with_a_link_to_all_rows(client, cast, round_, report):
    three_reports(report)
    report(
        "surrey_police",
        reference="SP2",
        partners="Surrey Fire and Rescue Service; SECAmb",
        lead_organisation="Surrey Police",
        annual_savings_gbp="100000",
        savings_basis="estimated",
        **EPSOM,
    )
    cluster = clustered(round_, "SP1", "F7", "AMB-3", "SP2", score=0.8)
    client.force_login(cast.analyst)
    url = reverse("consolidation:cluster", args=[cluster.pk])
    compact = client.get(url)
    labels = [str(r["label"]) for r in compact.context["rows"]]
    assert labels == ["Title", "Start", "Annual savings (£)", "Savings basis"]
    html = compact.content.decode()
    assert "Showing the 4 rows where they differ, of 15." in html and 'href="?rows=all"' in html
    whole = client.get(url, {"rows": "all"})
    assert len(whole.context["rows"]) == 15
    assert "Show only the rows where they differ" in whole.content.decode()


def test_three_reports_show_every_row(client, cast, round_, report):
    three_reports(report)
    cluster = clustered(round_, "SP1", "F7", "AMB-3", score=0.8)
    client.force_login(cast.analyst)
    response = client.get(reverse("consolidation:cluster", args=[cluster.pk]))
    assert len(response.context["rows"]) == 15 and "rows=all" not in response.content.decode()


def test_the_join_choice_starts_empty_and_offers_the_likeliest_cluster_first(client, cast, round_, report):
    three_reports(report)
    report("kent_police", reference="K1", partners="Kent FRS", **{**EPSOM, "title": "Kent control room"})
    report("surrey_frs", reference="F8", partners="Surrey Police", **{**EPSOM, "title": "Fleet workshop at Reigate"})
    report("surrey_police", reference="SP9", partners="Surrey FRS; SECAmb", **{**EPSOM, "title": "Epsom station"})
    this = clustered(round_, "SP1", "F7", score=0.8)
    unrelated = clustered(round_, "K1", score=1.0)
    two_shared = clustered(round_, "F8", score=1.0)  # Surrey Police and Surrey FRS, no title word
    three_shared = clustered(round_, "SP9", score=1.0)  # three organisations and "Epsom"
    amb = clustered(round_, "AMB-3", score=1.0)  # three organisations and "Epsom" too, but a later number

    candidates = selectors.join_candidates(this)
    assert [c.pk for c in candidates] == [three_shared.pk, amb.pk, two_shared.pk]
    assert unrelated.pk not in [c.pk for c in candidates]
    assert (candidates[0].shared_partners, candidates[0].shared_words) == (3, 1)

    client.force_login(cast.analyst)
    page = client.get(reverse("consolidation:cluster", args=[this.pk])).content.decode()
    select = page[page.index('<select class="govuk-select govuk-!-width-full" id="other"') :]
    options = re.findall(r'<option value="(\d*)"( selected)?>', select[: select.index("</select>")])
    assert options[0] == ("", " selected")
    assert [int(v) for v, _s in options[1:]] == [three_shared.pk, amb.pk, two_shared.pk]
    assert "Choose a cluster" in select
