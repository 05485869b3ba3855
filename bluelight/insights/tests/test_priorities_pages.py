"""The priorities page, its JSON and CSV, the API, the strategic weight form and its permissions, and the report."""

import csv
import io
import re

import pytest
from django.urls import reverse

from bluelight.editions.report.figures import overview_build
from bluelight.editions.report.render import html_render
from bluelight.insights.models import StrategicWeight
from bluelight.insights.tests.priorities_world import build_world


@pytest.fixture
def world(register):
    return build_world()


def ranked_codes(html: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" id="theme-([a-z_]+)"', html)


def test_anyone_reads_the_ranking_with_its_reasons_chart_and_method(client, world):
    response = client.get(reverse("insights:priorities"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ranked_codes(html)[:3] == ["first_response", "estates", "control"]
    assert "growing: +2 since the baseline" in html
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    assert 'data-testid="sensitivity"' in html and 'data-testid="defaults"' in html
    assert "Set the strategic weight" not in html  # the public has no form


def test_an_analyst_adjusts_the_weights_and_sees_the_ranking_and_reasons_change(client, world, cast):
    client.force_login(cast.analyst)
    weights = {"prevalence": 0, "growth": 0, "benefits": 0, "evidence_gap": 0, "room": 0, "strategic": 10}
    html = client.get(reverse("insights:priorities"), weights).content.decode()
    assert ranked_codes(html)[0] == "control"
    first_row = html[html.index('id="theme-control"') :]
    assert first_row.index("strategic weight 8 of 10: National interoperability review") < first_row.index("</tr>")
    assert "Set the strategic weight" in html
    assert "?prevalence=0&amp;growth=0&amp;benefits=0&amp;evidence_gap=0&amp;room=0&amp;strategic=10" in html


def test_a_wrong_weight_is_reported_and_its_default_used(client, world):
    response = client.get(reverse("insights:priorities"), {"benefits": "lots", "edition": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert '<a href="#id_benefits">Enter the weight of reported benefits as a number from 0 to 10' in html
    assert "There is no edition ‘nope’, so the live records were used." in html
    body = client.get(reverse("insights:priorities_data", args=["json"]), {"benefits": "lots"}).json()
    assert body["weights"]["benefits"] == 2
    assert body["notices"] == ["Enter the weight of reported benefits as a number from 0 to 10, like 1 or 1.5."]


def test_every_weight_zero_is_refused(client, world):
    zero = dict.fromkeys(["prevalence", "growth", "benefits", "evidence_gap", "room", "strategic"], 0)
    html = client.get(reverse("insights:priorities"), zero).content.decode()
    assert "Give at least one weight above 0" in html


def test_json_csv_and_the_api_agree_with_the_page(client, world):
    params = {"evidence_gap": "5", "room": "0.5"}
    html = client.get(reverse("insights:priorities"), params).content.decode()
    page = client.get(reverse("insights:priorities_data", args=["json"]), params).json()
    same = client.get(reverse("insights:priorities"), {**params, "format": "json"}).json()
    api = client.get("/api/priorities/", params).json()
    assert page == same == api
    assert [t["code"] for t in page["themes"]] == ranked_codes(html)
    assert page["weights"]["evidence_gap"] == 5 and page["weights"]["room"] == 0.5
    for theme in page["themes"]:
        assert f"{theme['score']:.3f}" in html
        assert sum(c["contribution"] for c in theme["components"].values()) == pytest.approx(theme["score"], abs=1e-5)
    response = client.get(reverse("insights:priorities_data", args=["csv"]), params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == ranked_codes(html)
    for row, theme in zip(rows, page["themes"], strict=True):
        assert float(row["score"]) == pytest.approx(theme["score"])
        assert row["reasons"] == "; ".join(theme["reasons"])
        assert int(row["collaborations"]) == theme["components"]["prevalence"]["raw"]["collaborations"]


def test_an_edition_can_be_ranked_and_linked(client, world):
    slug = world["baseline"].slug
    body = client.get(reverse("insights:priorities_data", args=["json"]), {"edition": slug}).json()
    assert body["source"]["edition"] == slug
    counts = {t["code"]: t["components"]["prevalence"]["raw"]["collaborations"] for t in body["themes"]}
    assert counts["estates"] == 1 and counts["control"] == 1 and counts["first_response"] == 0


def test_a_draft_collaboration_never_counts_for_anyone(client, world, cast):
    for user in (None, cast.editor_a, cast.analyst):
        if user:
            client.force_login(user)
        body = client.get(reverse("insights:priorities_data", args=["json"])).json()
        prevention = next(t for t in body["themes"] if t["code"] == "prevention")
        assert prevention["components"]["prevalence"]["raw"]["collaborations"] == 0


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("editor_a", 403), ("editor_b", 403), ("analyst", 200)])
def test_only_analysts_open_the_strategic_weight_form(client, cast, who, status):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    url = reverse("insights:strategic_weight_edit", args=["estates"])
    assert client.get(url).status_code == status
    response = client.post(url, {"value": "9", "reason": "Because"})
    assert response.status_code == (302 if who in ("anonymous", "analyst") else 403)
    assert StrategicWeight.objects.filter(theme__code="estates").exists() == (who == "analyst")


def test_an_analyst_sets_a_weight_with_a_reason_and_history_is_kept(client, cast):
    client.force_login(cast.analyst)
    url = reverse("insights:strategic_weight_edit", args=["estates"])
    response = client.post(url, {"value": "9", "reason": "Estates reviews due in 2026"})
    assert response.status_code == 302 and response["Location"].endswith("/priorities/#theme-estates")
    client.post(url, {"value": "3", "reason": "Reviews done"})
    weight = StrategicWeight.objects.get(theme__code="estates")
    assert (weight.value, weight.reason, weight.set_by) == (3, "Reviews done", cast.analyst)
    assert [h.value for h in weight.history.order_by("history_date")] == [9, 3]
    html = client.get(url).content.decode()
    assert "Estates reviews due in 2026" in html and "Reviews done" in html


def test_a_weight_without_a_reason_or_out_of_range_is_refused(client, cast):
    client.force_login(cast.analyst)
    url = reverse("insights:strategic_weight_edit", args=["estates"])
    html = client.post(url, {"value": "11", "reason": ""}).content.decode()
    assert "<title>Error:" in html
    assert "Say why the theme gets this weight." in html
    assert not StrategicWeight.objects.exists()


def test_a_sub_theme_has_no_strategic_weight(client, cast):
    client.force_login(cast.analyst)
    assert client.get(reverse("insights:strategic_weight_edit", args=["es_shared_hq"])).status_code == 404


def test_the_overview_report_has_the_priorities_section_and_sheet(world):
    overview = overview_build(edition=world["baseline"])
    assert {"priorities", "priorities_reasons", "priorities_sensitivity"} <= set(overview.tables)
    table = overview.tables["priorities"]
    assert [row[0] for row in table.rows][:2] == ["Shared estates and assets", "Joint control rooms"]
    html = html_render(overview)
    assert '<section id="priorities" class="ov-section">' in html
    assert 'href="#priorities"' in html


def test_the_report_gives_scores_to_two_places_and_a_reason_without_doubled_stops(world):
    from decimal import Decimal

    from bluelight.collaborations.models import Theme
    from bluelight.insights.priorities import facts_of_edition, priorities_rank, strategic_weight_set

    strategic_weight_set(theme=Theme.objects.get(code="estates"), value=7, reason="Reviews due in 2026.")
    table = overview_build(edition=world["baseline"]).tables["priorities"]
    ranking = priorities_rank(facts_of_edition(world["baseline"]))
    for shown, row in zip(table.rows, ranking.rows, strict=True):
        assert shown[2] == Decimal(str(round(row.score, 2))).quantize(Decimal("0.01"))
        assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in shown[3:])
    reasons = overview_build(edition=world["baseline"]).tables["priorities_reasons"]
    assert [(r[0], r[1]) for r in reasons.rows] == [(row.facts.name, row.rank) for row in ranking.rows]
    estates = next(r for r in reasons.rows if r[0] == "Shared estates and assets")
    assert "strategic weight 7 of 10: Reviews due in 2026;" in estates[-1] or estates[-1].endswith(
        "strategic weight 7 of 10: Reviews due in 2026"
    )
    assert ".;" not in estates[-1]
