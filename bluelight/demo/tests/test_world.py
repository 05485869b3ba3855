"""The demo world generator: deterministic, valid, realistic, and spanning 2014 to today."""

import datetime
from collections import Counter

from bluelight.collaborations import rules
from bluelight.collaborations.models import Basis, BenefitKind, EvidenceKind, Scope, Status
from bluelight.demo.places import TOWNS
from bluelight.demo.services import collaboration_data_from_demo
from bluelight.demo.world import (
    DEMO_TODAY,
    collaboration_generate,
    collaborations_generate,
    register_entries,
    world_build,
)

WORLD = world_build()


def test_the_generator_is_deterministic_for_a_seed():
    assert world_build(seed=7, count=40) == world_build(seed=7, count=40)
    assert world_build(seed=7, count=40) != world_build(seed=8, count=40)


def test_a_record_is_the_same_however_many_are_generated():
    streamed = list(collaborations_generate(seed=3, count=6, stream="scale"))
    assert streamed[4] == collaboration_generate(seed=3, index=4, stream="scale")
    assert list(collaborations_generate(seed=3, count=2, start=4, stream="scale")) == streamed[4:6]


def test_the_demo_world_has_150_collaborations_with_unique_titles_and_about_15_evidence_items():
    assert len(WORLD.collaborations) == 150
    assert len({c.title for c in WORLD.collaborations}) == 150
    assert len(WORLD.evidence) == 15


def test_every_generated_demo_collaboration_passes_the_rules(org, theme):
    organisations = {slug: org(slug) for slug in register_entries()}
    themes = {
        code: theme(code)
        for code in {c.primary_theme for c in WORLD.collaborations}
        | {s for c in WORLD.collaborations for s in c.secondary_themes}
    }
    scale = list(collaborations_generate(seed=5, count=300, stream="scale"))
    for code in {c.primary_theme for c in scale} | {s for c in scale for s in c.secondary_themes}:
        themes.setdefault(code, theme(code))
    for item in WORLD.collaborations + scale:
        rules.check(collaboration_data_from_demo(item=item, organisations=organisations, themes=themes))


def test_values_are_ones_the_models_accept():
    for item in WORLD.collaborations:
        assert item.status in Status.values
        assert item.scope in Scope.values
        assert {b.kind for b in item.benefits} <= set(BenefitKind.values)
        assert {b.basis for b in item.benefits} <= set(Basis.values)
        assert all(b.amount_gbp >= 0 and 1990 <= b.price_year <= DEMO_TODAY.year for b in item.benefits)
        assert all(c.email.endswith("@example.org") for c in item.contacts)
    assert {e.kind for e in WORLD.evidence} <= set(EvidenceKind.values)
    assert all(0 <= e.strength <= 5 for e in WORLD.evidence)


def test_the_demo_spans_2014_to_today():
    items = WORLD.collaborations
    starts = [c.start_date for c in items if c.start_date]
    assert any(d.year < 2014 for d in starts) and any(2014 <= d.year < 2016 for d in starts)
    assert any(d.year >= 2020 for d in starts)
    statuses = Counter(c.status for c in items)
    assert set(statuses) == set(Status.values)
    assert 0.05 <= Counter(c.publication for c in items)["draft"] / len(items) <= 0.2


def test_a_2014_state_and_a_2026_state_differ():
    then = WORLD.state_at(datetime.date(2014, 12, 31))
    now = WORLD.state_at(DEMO_TODAY)
    assert 10 < len(then) < len(now) == 150
    assert any(now[key] != status for key, status in then.items())
    assert {"operational", "planned"} <= set(then.values())


def test_status_dates_and_timeline_agree():
    for item in WORLD.collaborations:
        days = [change.on for change in item.timeline]
        assert days == sorted(days) and len(set(days)) == len(days), item.key
        assert item.timeline[-1].status == item.status
        assert item.state_at(DEMO_TODAY).status == item.status
        assert item.state_at(item.first_known - datetime.timedelta(days=1)) is None
        if item.status in ("planned", "in_development"):
            assert item.end_date is None
            assert item.start_date is None or item.start_date > DEMO_TODAY
        if item.status in ("completed", "discontinued"):
            assert item.end_date and item.end_date <= DEMO_TODAY and item.status_reason
            assert item.timeline[-1].reason == item.status_reason
        if item.status == "discontinued":
            assert item.lessons, f"{item.key} is discontinued without saying what did not work"
        if item.start_date and item.end_date:
            assert item.end_date >= item.start_date


def test_partners_are_neighbours_that_existed_at_the_start():
    entries = register_entries()
    for item in WORLD.collaborations:
        slugs = [p.organisation for p in item.partners]
        assert len(slugs) == len(set(slugs)) >= 2
        assert sum(p.is_lead for p in item.partners) == 1
        year = (item.start_date or item.first_known).year
        assert all(entries[slug].valid_in(year) for slug in slugs), item.key
        if item.scope == "local":
            assert all(item.area in entries[slug].areas for slug in slugs), item.key
    assert all(area in {c.area for c in WORLD.collaborations} for area in ("E23000031", "E23000032"))
    assert len(TOWNS) == 43 and all(3 <= len(towns) <= 5 for towns in TOWNS.values())


def test_benefits_keep_their_kinds_apart():
    benefits = [b for c in WORLD.collaborations for b in c.benefits]
    assert {b.kind for b in benefits} == set(BenefitKind.values)
    assert {b.basis for b in benefits} == set(Basis.values)
    assert all(b.to_date for b in benefits if b.kind == "cumulative_saving")
    assert all("grant" in b.description or "funding" in b.description for b in benefits if b.kind == "external_funding")
    for item in WORLD.collaborations:
        if item.status in ("planned", "in_development"):
            assert all(b.basis == "estimated" for b in item.benefits)
    measures = {o.measure for c in WORLD.collaborations for o in c.outcomes}
    assert {"response_minutes", "hours_released", "lives_saved"} <= measures


def test_evidence_is_about_collaborations_that_ran_and_their_themes():
    keys = {c.key: c for c in WORLD.collaborations}
    assert {e.kind for e in WORLD.evidence} >= {"evaluation", "audit", "research"}
    for evidence in WORLD.evidence:
        assert evidence.themes
        for key in evidence.collaborations:
            assert keys[key].start_date.year <= evidence.year <= DEMO_TODAY.year
            assert keys[key].primary_theme in evidence.themes
