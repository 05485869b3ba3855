"""Theme pages: counts now and in the baseline, growth, savings by basis, best-evidenced examples."""

import datetime
from collections import Counter
from decimal import Decimal

from django.urls import reverse

from bluelight.collaborations.models import Benefit, Collaboration
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.models import Entry
from bluelight.editions.services import edition_publish


def theme_page(client, code):
    return client.get(reverse("explorer:theme_detail", args=[code]))


def test_counts_and_growth_since_the_baseline(client, register, theme):
    make_collaboration(title="Station A", theme=theme("es_joint_facilities"))
    make_collaboration(title="Co-responding A", theme=theme("fr_coresponding"))
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    make_collaboration(title="Station B", theme=theme("es_joint_facilities"))
    make_collaboration(title="Station C", theme=theme("es_joint_facilities"))
    make_collaboration(title="Draft D", theme=theme("es_joint_facilities"), publication="draft")

    data = theme_page(client, "estates").context["data"]

    estates = theme("estates")
    family = {estates.code, *estates.children.values_list("code", flat=True)}
    now = sum(1 for c in Collaboration.objects.published() if c.primary_theme.code in family)
    then = sum(1 for e in Entry.objects.filter(edition=baseline) if e.data["primary_theme"] in family)
    assert (data.count, data.baseline_count, data.growth) == (now, then, now - then) == (3, 1, 2)
    assert data.growth_percent == 200.0
    html = theme_page(client, "estates").content.decode()
    assert "+2 (+200.0%)" in html
    assert "2014 overview" in html

    sub = theme_page(client, "es_joint_facilities").context["data"]
    assert (sub.count, sub.baseline_count) == (3, 1)


def test_the_theme_list_counts_each_record_once_under_its_main_theme(client, register, theme):
    make_collaboration(title="Station", theme=theme("es_joint_facilities"))
    make_collaboration(title="Co-responding", theme=theme("fr_coresponding"))
    make_collaboration(title="Another co-responding", theme=theme("fr_coresponding"))

    data = client.get(reverse("explorer:theme_list")).context["data"]

    expected = Counter(c.primary_theme.top_level.code for c in Collaboration.objects.published())
    assert {row.theme.code: row.count for row in data.rows if row.count} == dict(expected)
    assert data.total == Collaboration.objects.published().count()
    assert data.baseline is None


def test_savings_are_summed_by_basis_with_annual_and_cumulative_apart(client, register, theme):
    a = make_collaboration(
        title="A", theme=theme("es_joint_facilities"), benefits=[saving(1000), saving(300, basis="realised")]
    )
    make_collaboration(
        title="B",
        theme=theme("es_joint_facilities"),
        benefits=[saving(500), saving(2000, kind="cumulative_saving"), saving(9999, kind="external_funding")],
    )
    make_collaboration(title="Elsewhere", theme=theme("fr_coresponding"), benefits=[saving(7777)])
    make_collaboration(title="Draft", theme=theme("es_joint_facilities"), publication="draft", benefits=[saving(5555)])

    rows = {row.basis: row for row in theme_page(client, "estates").context["data"].savings}

    expected = {}
    for b in Benefit.objects.filter(
        collaboration__publication="published",
        collaboration__primary_theme__parent__code="estates",
        kind__in=["annual_saving", "cumulative_saving"],
    ):
        totals = expected.setdefault(b.basis, {"annual_saving": Decimal(0), "cumulative_saving": Decimal(0)})
        totals[b.kind] += b.amount_gbp
    assert {k: (r.annual, r.cumulative) for k, r in rows.items()} == {
        k: (v["annual_saving"], v["cumulative_saving"]) for k, v in expected.items()
    }
    assert rows["estimated"].annual == 1500 and rows["estimated"].cumulative == 2000
    assert rows["estimated"].collaborations == 2
    assert rows["realised"].collaborations == 1 and a.pk


def test_best_evidenced_examples_and_evidence_about_the_theme(client, register, theme):
    weak = make_collaboration(title="Weakly evidenced", theme=theme("es_joint_facilities"))
    strong = make_collaboration(title="Strongly evidenced", theme=theme("es_joint_facilities"))
    make_collaboration(title="No evidence", theme=theme("es_joint_facilities"))
    evidence_item_create(data=EvidenceItemData(title="Survey", strength=1, strength_reason="x", collaborations=[weak]))
    evidence_item_create(
        data=EvidenceItemData(
            title="Trial", strength=5, strength_reason="x", collaborations=[strong], themes=[theme("estates")]
        )
    )
    evidence_item_create(
        data=EvidenceItemData(
            title="Hidden",
            strength=5,
            strength_reason="x",
            collaborations=[weak],
            publication="draft",
            themes=[theme("es_joint_facilities")],
        )
    )

    data = theme_page(client, "estates").context["data"]

    assert [c.title for c in data.examples] == ["Strongly evidenced", "Weakly evidenced"]
    assert [line.item.title for line in data.evidence] == ["Trial"]
    assert data.evidence_count == 1


def test_an_unknown_theme_is_not_found(client, register):
    assert theme_page(client, "no-such-theme").status_code == 404
