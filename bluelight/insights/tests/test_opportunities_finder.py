"""The opportunity finder for one organisation: the ranking and every count against a recount written here, natural
partners, the words of each reason, and drafts seen only by the organisation's own editors (and analysts)."""

import datetime
from collections import defaultdict

import pytest
from django.urls import reverse

from bluelight.collaborations.models import Collaboration
from bluelight.insights.opportunities import opportunity_page_data
from bluelight.insights.tests.opportunities_world import opportunities_world
from bluelight.organisations.models import Organisation

pytestmark = pytest.mark.django_db

BLUE = {"police", "fire", "ambulance"}
SUBJECTS = ["surrey_frs", "surrey_police", "south_east_coast_as", "kent_police", "kent_frs", "essex_frs"]


@pytest.fixture
def world(theme):
    return opportunities_world(theme)


def _register_today() -> list[Organisation]:
    today = datetime.date.today()
    return [o for o in Organisation.objects.filter(in_register=True) if o.is_valid_on(today)]


def recount(subject: Organisation, *, covered_by_drafts: bool = False) -> list[tuple]:
    """The documented rules, worked out again from the rows: (theme, tiers, collaborations, savings, evidence)."""
    register = _register_today()
    others = [o for o in register if o.pk != subject.pk and o.service in BLUE]
    same_type = {o.pk for o in register if o.pk != subject.pk and o.type == subject.type}
    region = {o.pk for o in others if subject.region and o.region == subject.region}
    everyone = {o.pk for o in others}
    by_theme = defaultdict(list)
    drafts = set()
    for c in Collaboration.objects.prefetch_related("partners", "benefits", "evidence").select_related("primary_theme"):
        if c.primary_theme is None or c.merged_into_id:
            continue
        if c.publication == "published":
            by_theme[c.primary_theme].append(c)
        elif c.publication == "draft" and any(p.organisation_id == subject.pk for p in c.partners.all()):
            drafts.add(c.primary_theme.code)
    rows = []
    for theme, records in by_theme.items():
        pursuers = {p.organisation_id for c in records for p in c.partners.all()}
        if subject.pk in pursuers or (covered_by_drafts and theme.code in drafts):
            continue
        savings = sum(any(b.kind == "annual_saving" for b in c.benefits.all()) for c in records)
        good = sum(any(e.strength >= 3 and e.publication == "published" for e in c.evidence.all()) for c in records)
        if not (savings or good) or not pursuers & everyone:
            continue
        tiers = [(len(pursuers & tier), len(tier)) for tier in (same_type, region, everyone)]
        rows.append((theme.code, *tiers, len(records), savings, good, theme.name))

    def share(tier):
        return tier[0] / tier[1] if tier[1] else 0

    rows.sort(key=lambda r: (-share(r[1]), -share(r[2]), -share(r[3]), -r[6], -r[5], r[7], r[0]))
    return [r[:7] for r in rows]


def shown(data) -> list[tuple]:
    return [
        (
            o.theme.code,
            (o.same_type.pursuing, o.same_type.total),
            (o.same_region.pursuing, o.same_region.total),
            (o.everyone.pursuing, o.everyone.total),
            o.collaborations,
            o.with_savings,
            o.well_evidenced,
        )
        for o in data.opportunities
    ]


@pytest.mark.parametrize("slug", SUBJECTS)
def test_the_ranking_and_every_count_agree_with_a_recount(world, org, slug):
    subject = org(slug)
    data = opportunity_page_data(organisation=subject)
    assert shown(data) == recount(subject)
    assert [o.rank for o in data.opportunities] == list(range(1, len(data.opportunities) + 1))


def test_a_fire_service_sees_the_themes_worked_out_by_hand_in_that_order(world, org):
    data = opportunity_page_data(organisation=org("surrey_frs"))
    assert [o.theme.code for o in data.opportunities] == [
        "fr_coresponding",
        "dm_missing_people",
        "dm_forced_entry",
        "dm_jru",
    ]
    coresponding, missing = data.opportunities[0], data.opportunities[1]
    assert (coresponding.same_type.pursuing, coresponding.same_region.pursuing, coresponding.everyone.pursuing) == (
        2,
        2,
        4,
    )
    assert (missing.with_savings, missing.well_evidenced) == (1, 0)  # the rating-5 evidence is a draft
    assert [c.code for c in data.covered] == ["es_shared_hq"]


def test_each_opportunity_gives_its_reasons_in_words(world, org):
    subject = org("surrey_frs")
    register = _register_today()
    fire = sum(1 for o in register if o.type == "fire_and_rescue" and o.pk != subject.pk)
    region = sum(1 for o in register if o.region == "South East" and o.service in BLUE and o.pk != subject.pk)
    everyone = sum(1 for o in register if o.service in BLUE and o.pk != subject.pk)
    coresponding = opportunity_page_data(organisation=subject).opportunities[0]
    assert coresponding.reasons == [
        f"pursued by 2 of the {fire} other fire and rescue services",
        f"2 of the {region} other blue-light organisations in its region (South East)",
        f"4 of the {everyone} other blue-light organisations in England and Wales",
        "0 of its 2 published collaborations report annual savings",
        "1 independently evaluated (evidence rated 3 or more on the Maryland scale)",
        "1 of its 3 natural partners already do it",
    ]


def test_examples_come_best_evidenced_first_then_with_savings(world, org):
    data = opportunity_page_data(organisation=org("surrey_frs"))
    by_code = {o.theme.code: o for o in data.opportunities}
    assert [e.title for e in by_code["fr_coresponding"].examples] == ["Kent co-responding", "Devon co-responding"]
    assert [e.best_strength for e in by_code["fr_coresponding"].examples] == [4, 2]
    assert [e.title for e in by_code["dm_missing_people"].examples] == [
        "Kent missing person searches",
        "Essex drone searches",
    ]


def natural_partner_slugs(subject: Organisation) -> set[str]:
    areas = set(subject.police_force_areas.values_list("pk", flat=True))
    return {
        o.slug
        for o in Organisation.objects.prefetch_related("police_force_areas")
        if o.is_valid_on(datetime.date.today())
        and o.service in BLUE
        and o.service != subject.service
        and areas & {a.pk for a in o.police_force_areas.all()}
    }


@pytest.mark.parametrize("slug", ["surrey_frs", "south_east_coast_as", "kent_police"])
def test_natural_partners_are_the_other_services_covering_the_same_police_force_areas(world, org, slug):
    subject = org(slug)
    data = opportunity_page_data(organisation=subject)
    assert {p.organisation.slug for p in data.natural_partners} == natural_partner_slugs(subject)


def test_natural_partners_of_surrey_fire_and_what_they_already_do(world, org):
    data = opportunity_page_data(organisation=org("surrey_frs"))
    assert {p.organisation.slug for p in data.natural_partners} == {
        "surrey_police",
        "pcc_surrey",
        "south_east_coast_as",
    }
    by_code = {o.theme.code: o for o in data.opportunities}
    doing = by_code["fr_coresponding"].partners_doing
    assert [(w.organisation.slug, [c.title for c in w.collaborations]) for w in doing] == [
        ("south_east_coast_as", ["Kent co-responding"])
    ]
    assert {p.slug for p in by_code["fr_coresponding"].partners_not_yet} == {"surrey_police", "pcc_surrey"}
    assert by_code["dm_forced_entry"].partners_doing == []


def test_the_organisation_page_links_to_its_opportunities(client, world, org):
    html = client.get(org("surrey_frs").get_absolute_url()).content.decode()
    assert reverse("insights:organisation_opportunities", args=["surrey_frs"]) in html


def test_the_public_page_shows_published_opportunities_with_their_reasons(client, world):
    response = client.get(reverse("insights:organisation_opportunities", args=["surrey_frs"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 opportunities" in html
    assert "pursued by 2 of the" in html
    assert "Kent co-responding" in html
    assert "Essex tri-service hub" not in html  # a draft of someone else
    assert "Record that you considered this" not in html


def test_an_unknown_organisation_is_not_found(client, register):
    assert client.get(reverse("insights:organisation_opportunities", args=["nowhere"])).status_code == 404


# Drafts: seen as covered by the organisation's own editors and analysts; nobody else sees them.


def codes(response) -> list[str]:
    return [o.theme.code for o in response.context["data"].opportunities]


def test_its_own_editor_sees_its_draft_as_covered_and_may_record_the_opportunity(client, world, cast, org):
    client.force_login(cast.editor_a)  # Surrey Police
    response = client.get(reverse("insights:organisation_opportunities", args=["surrey_police"]))
    assert codes(response) == [c[0] for c in recount(org("surrey_police"), covered_by_drafts=True)]
    assert "dm_missing_people" not in codes(response)
    html = response.content.decode()
    assert "Surrey missing people draft" in html
    assert "/organisations/surrey_police/duty/new/?theme=fr_coresponding&amp;source=finder" in html
    assert "Record that you considered this" in html


@pytest.mark.parametrize("who", ["anonymous", "editor_b"])
def test_others_see_the_published_picture_and_never_the_draft(client, world, cast, org, who):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = client.get(reverse("insights:organisation_opportunities", args=["surrey_police"]))
    assert codes(response) == [c[0] for c in recount(org("surrey_police"))]
    assert "dm_missing_people" in codes(response)
    html = response.content.decode()
    assert "Surrey missing people draft" not in html
    assert "Record that you considered this" not in html


def test_an_analyst_sees_the_draft_as_covered_but_does_not_write_the_services_record(client, world, cast):
    client.force_login(cast.analyst)
    response = client.get(reverse("insights:organisation_opportunities", args=["surrey_police"]))
    assert "dm_missing_people" not in codes(response)
    html = response.content.decode()
    assert "Surrey missing people draft" in html
    assert "Record that you considered this" not in html  # the duty record is the service's own account


def test_the_download_is_the_public_picture_even_for_its_editor(client, world, cast):
    client.force_login(cast.editor_a)
    data = client.get(reverse("insights:organisation_opportunities_data", args=["surrey_police", "json"])).json()
    assert "dm_missing_people" in [o["theme"] for o in data["opportunities"]]
    assert "Surrey missing people draft" not in str(data)


def test_a_partner_outside_the_register_has_a_page_without_peers_or_natural_partners(client, world):
    from bluelight.organisations.services import organisation_add

    council = organisation_add(name="Tandridge District Council", type="council")
    data = opportunity_page_data(organisation=council)
    assert data.natural_partners == [] and data.type_total == 0
    assert shown(data) == recount(council)
    assert data.opportunities[0].reasons[0] == "no other organisations of the same type in the register to compare with"
    assert client.get(reverse("insights:organisation_opportunities", args=[council.slug])).status_code == 200
