"""The opportunity finder: themes an organisation's peers pursue with results but it does not, with examples to
read and its natural partners (opportunity_gaps.py has the analysts' inverse: areas with no collaboration recorded).

Words used here, and on the pages:

- a *theme* is a collaboration's main theme as recorded (mostly a sub-theme such as Co-responding, which is
  what a service can act on); an organisation *pursues* it when it is a partner in a published collaboration
  with that main theme;
- a theme *shows results* when at least one of its published collaborations reports an annual saving or has
  published evidence rated 3 or more on the Maryland scale (a comparison group or better);
- an *opportunity* for an organisation is a theme that shows results and that at least one other
  organisation in the register pursues, but it does not (for its own editors and analysts, a draft record of
  its own on the theme counts as pursuing it too, so they are not told to do what they are already doing);
- its *natural partners* are organisations of the other blue-light services that exist today and cover at
  least one of its police force areas.

How the three tiers of comparable organisations make one ranking: opportunities are ordered by the share of
the other organisations of its type (in the register, existing today) that pursue the theme; ties go to the
share of the other blue-light organisations in its region, then to the share of all other blue-light
organisations in England and Wales; then to the number of its collaborations with evidence rated 3 or more,
then with annual savings; then by name. Shares rather than counts, so a tier with few members is not drowned
by a large one. A police force therefore sees first what other police forces do, and themes that only fire
and ambulance services pursue come after every theme some police force pursues.

Every number counts published records only, except the drafts an organisation's own editors see as covered.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import (
    BenefitKind,
    Collaboration,
    EvidenceItem,
    MarylandScale,
    Partner,
    Publication,
    Theme,
)
from bluelight.collaborations.selectors import figures_cached
from bluelight.organisations.models import (
    SERVICE_OF_TYPE,
    Organisation,
    OrganisationType,
    Service,
)

GOOD_EVIDENCE = MarylandScale.COMPARISON  # 3: before and after, with a comparison group
EXAMPLES_SHOWN = 3
EXAMPLES_KEPT = 20  # per theme, best evidenced first: enough to choose an organisation's closest three from
DETAILED = 10  # opportunities shown in full on the page; the rest are in the ranked table (and every download)
BLUE_LIGHT = (Service.POLICE, Service.FIRE, Service.AMBULANCE)

TYPE_PLURALS = {
    OrganisationType.POLICE_FORCE: gettext_lazy("police forces"),
    OrganisationType.FIRE_AND_RESCUE: gettext_lazy("fire and rescue services"),
    OrganisationType.AMBULANCE_TRUST: gettext_lazy("ambulance trusts"),
    OrganisationType.POLICE_AND_CRIME_COMMISSIONER: gettext_lazy("police and crime commissioners"),
}


def service_of_type(organisation_type: str) -> str:
    return SERVICE_OF_TYPE.get(organisation_type, Service.WIDER).value


def type_plural(organisation_type: str) -> str:
    return str(TYPE_PLURALS.get(organisation_type, gettext_lazy("organisations of the same type")))


# National facts per theme: the same for everyone, kept a minute under the records' version.


@dataclass(frozen=True)
class Example:
    """A published collaboration worth reading: its best published evidence rating and whether it reports savings."""

    pk: int
    title: str
    best_strength: int | None
    has_saving: bool
    organisation_ids: tuple[int, ...]

    def get_absolute_url(self) -> str:
        return reverse("explorer:collaboration_detail", args=[self.pk])


@dataclass(frozen=True)
class ThemeFacts:
    theme_id: int
    pursuers: frozenset[int]  # organisations that are partners in its published collaborations
    collaborations: int
    with_savings: int  # of them, reporting an annual saving
    well_evidenced: int  # of them, with published evidence rated GOOD_EVIDENCE or more
    examples: tuple[Example, ...]  # up to EXAMPLES_KEPT, best evidenced first

    @property
    def shows_results(self) -> bool:
        return bool(self.with_savings or self.well_evidenced)


def _example_order(example: Example) -> tuple:
    return (
        -(example.best_strength if example.best_strength is not None else -1),
        not example.has_saving,
        example.title,
        example.pk,
    )


def theme_facts_compute() -> dict[int, ThemeFacts]:
    published = Collaboration.objects.published().filter(primary_theme__isnull=False)
    records = {pk: (theme_id, title) for pk, theme_id, title in published.values_list("pk", "primary_theme", "title")}
    partners = defaultdict(list)
    for collaboration_id, organisation_id in Partner.objects.filter(
        collaboration__in=published.values("pk")
    ).values_list("collaboration_id", "organisation_id"):
        partners[collaboration_id].append(organisation_id)
    savings = set(published.filter(benefits__kind=BenefitKind.ANNUAL_SAVING).values_list("pk", flat=True).distinct())
    best = dict(
        EvidenceItem.collaborations.through.objects.filter(
            collaboration__in=published.values("pk"), evidenceitem__publication=Publication.PUBLISHED
        )
        .values("collaboration_id")
        .annotate(best=Max("evidenceitem__strength"))
        .values_list("collaboration_id", "best")
    )
    by_theme = defaultdict(list)
    for pk, (theme_id, title) in records.items():
        by_theme[theme_id].append(Example(pk, title, best.get(pk), pk in savings, tuple(sorted(partners[pk]))))
    facts = {}
    for theme_id, examples in by_theme.items():
        examples.sort(key=_example_order)
        facts[theme_id] = ThemeFacts(
            theme_id=theme_id,
            pursuers=frozenset(o for e in examples for o in e.organisation_ids),
            collaborations=len(examples),
            with_savings=sum(e.has_saving for e in examples),
            well_evidenced=sum((e.best_strength or 0) >= GOOD_EVIDENCE for e in examples),
            examples=tuple(examples[:EXAMPLES_KEPT]),
        )
    return facts


def theme_facts() -> dict[int, ThemeFacts]:
    """Per main theme, over every published record (a few hundred thousand partner rows at national scale)."""
    return figures_cached("opportunity-themes", (), theme_facts_compute)


# One organisation's opportunities


@dataclass
class Tier:
    pursuing: int
    total: int

    @property
    def share(self) -> float:
        return self.pursuing / self.total if self.total else 0.0


@dataclass
class CollaborationRef:
    pk: int
    title: str

    def get_absolute_url(self) -> str:
        return reverse("explorer:collaboration_detail", args=[self.pk])


@dataclass
class NaturalPartner:
    organisation: Organisation
    shared_areas: list[str]


@dataclass
class PartnerWork:
    """A natural partner and its published collaborations on one theme (none: it does not pursue it yet)."""

    organisation: Organisation
    collaborations: list[CollaborationRef]


@dataclass
class Opportunity:
    rank: int
    theme: Theme
    same_type: Tier
    same_region: Tier
    everyone: Tier
    collaborations: int
    with_savings: int
    well_evidenced: int
    examples: list[Example]
    partners_doing: list[PartnerWork]
    partners_not_yet: list[Organisation]
    reasons: list[str]
    record_url: str = ""  # the duty record's new-opportunity form, for those who may write the record

    @property
    def reasons_text(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class DraftCover:
    theme: Theme
    collaborations: list[CollaborationRef]


@dataclass
class OpportunityPage:
    organisation: Organisation
    opportunities: list[Opportunity]
    natural_partners: list[NaturalPartner]
    covered: list[Theme]  # themes it pursues in published records
    covered_by_drafts: list[DraftCover]  # only for those who may see its drafts
    type_plural: str
    type_total: int
    region_total: int
    everyone_total: int
    themes_with_results: int
    includes_drafts: bool
    may_record: bool

    @property
    def detailed(self) -> list[Opportunity]:
        return self.opportunities[:DETAILED]

    @property
    def others(self) -> list[Opportunity]:
        return self.opportunities[DETAILED:]


def sees_own_drafts(user, organisation: Organisation) -> bool:
    """Its editors, and analysts, see its draft records as already covered: the policy's duty-record readers."""
    return user is not None and policy.can(user, Action.VIEW_DUTY, organisation)


def duty_record_url(organisation: Organisation, theme: Theme) -> str:
    """The duty record's new-opportunity form with the theme filled in (the duty record's own URL contract)."""
    query = urlencode({"theme": theme.code, "source": "finder"})
    return f"/organisations/{organisation.slug}/duty/new/?{query}"


@dataclass(frozen=True)
class _Org:
    pk: int
    type: str
    region: str
    service: str


def _register_today() -> dict[int, _Org]:
    rows = Organisation.objects.filter(in_register=True).valid_on(timezone.localdate())
    return {pk: _Org(pk, t, r, service_of_type(t)) for pk, t, r in rows.values_list("pk", "type", "region")}


def natural_partners(organisation: Organisation) -> list[NaturalPartner]:
    """Organisations of the other blue-light services, existing today, covering one of its police force areas."""
    areas = set(organisation.police_force_areas.values_list("pk", flat=True))
    if not areas:
        return []
    own = organisation.service
    found = (
        Organisation.objects.valid_on(timezone.localdate())
        .filter(police_force_areas__in=areas)
        .exclude(pk=organisation.pk)
        .distinct()
        .prefetch_related("police_force_areas")
        .order_by("name")
    )
    return [
        NaturalPartner(o, [a.name for a in o.police_force_areas.all() if a.pk in areas])
        for o in found
        if o.service in BLUE_LIGHT and o.service != own
    ]


def _themes_of(organisation: Organisation, queryset) -> dict[int, list[CollaborationRef]]:
    found = defaultdict(list)
    rows = queryset.filter(partners__organisation=organisation, primary_theme__isnull=False).order_by("title", "pk")
    for pk, title, theme_id in rows.values_list("pk", "title", "primary_theme"):
        found[theme_id].append(CollaborationRef(pk, title))
    return found


def _partner_work(partners: list[NaturalPartner]) -> dict[int, dict[int, list[CollaborationRef]]]:
    """theme id -> natural partner id -> its published collaborations on that main theme."""
    work = defaultdict(lambda: defaultdict(list))
    rows = (
        Partner.objects.filter(
            organisation__in=[p.organisation.pk for p in partners],
            collaboration__in=Collaboration.objects.published().filter(primary_theme__isnull=False).values("pk"),
        )
        .order_by("collaboration__title", "collaboration_id")
        .values_list("organisation_id", "collaboration_id", "collaboration__title", "collaboration__primary_theme")
    )
    for organisation_id, pk, title, theme_id in rows:
        work[theme_id][organisation_id].append(CollaborationRef(pk, title))
    return work


def _reasons(organisation: Organisation, opportunity: Opportunity, partner_total: int) -> list[str]:
    o = opportunity
    words = {"n": o.same_type.pursuing, "total": o.same_type.total, "type": type_plural(organisation.type)}
    if o.same_type.total:
        reasons = [_("pursued by %(n)s of the %(total)s other %(type)s") % words]
    else:
        reasons = [_("no other %(type)s in the register to compare with") % words]
    if organisation.region:
        reasons.append(
            _("%(n)s of the %(total)s other blue-light organisations in its region (%(region)s)")
            % {"n": o.same_region.pursuing, "total": o.same_region.total, "region": organisation.region}
        )
    reasons.append(
        _("%(n)s of the %(total)s other blue-light organisations in England and Wales")
        % {"n": o.everyone.pursuing, "total": o.everyone.total}
    )
    reasons.append(
        _("%(n)s of its %(total)s published collaborations report annual savings")
        % {"n": o.with_savings, "total": o.collaborations}
    )
    reasons.append(
        _("%(n)s independently evaluated (evidence rated 3 or more on the Maryland scale)") % {"n": o.well_evidenced}
    )
    if partner_total:
        reasons.append(
            _("%(n)s of its %(total)s natural partners already do it")
            % {"n": len(o.partners_doing), "total": partner_total}
        )
    return reasons


def _closest_examples(facts: ThemeFacts, organisation: Organisation, orgs: dict[int, _Org]) -> list[Example]:
    """Best evidenced first; then with savings; then those with a partner of its type, then of its region."""

    def key(example: Example) -> tuple:
        partners = [orgs[i] for i in example.organisation_ids if i in orgs]
        same_type = any(p.type == organisation.type for p in partners)
        same_region = bool(organisation.region) and any(p.region == organisation.region for p in partners)
        return (_example_order(example)[:2], not same_type, not same_region, example.title, example.pk)

    return sorted(facts.examples, key=key)[:EXAMPLES_SHOWN]


def opportunity_page_data(*, organisation: Organisation, user=None) -> OpportunityPage:
    """The ranked opportunities of one organisation (see the module's docstring for the rules)."""
    facts = theme_facts()
    orgs = _register_today()
    others = {pk: o for pk, o in orgs.items() if pk != organisation.pk and o.service in BLUE_LIGHT}
    same_type = {pk for pk, o in orgs.items() if pk != organisation.pk and o.type == organisation.type}
    same_region = {pk for pk, o in others.items() if organisation.region and o.region == organisation.region}
    everyone = set(others)

    published = _themes_of(organisation, Collaboration.objects.published())
    includes_drafts = sees_own_drafts(user, organisation)
    drafts = {}
    if includes_drafts:
        draft_records = Collaboration.objects.filter(publication=Publication.DRAFT, merged_into__isnull=True)
        drafts = {t: refs for t, refs in _themes_of(organisation, draft_records).items() if t not in published}
    may_record = user is not None and policy.can(user, Action.EDIT_DUTY, organisation)

    partners = natural_partners(organisation)
    work = _partner_work(partners)
    themes = Theme.objects.in_bulk(set(facts) | set(published) | set(drafts))
    opportunities = []
    for theme_id, theme_facts_ in facts.items():
        if theme_id in published or theme_id in drafts or not theme_facts_.shows_results:
            continue
        pursuers = theme_facts_.pursuers
        if not pursuers & everyone:
            continue
        doing = work.get(theme_id, {})
        theme = themes[theme_id]
        opportunity = Opportunity(
            rank=0,
            theme=theme,
            same_type=Tier(len(pursuers & same_type), len(same_type)),
            same_region=Tier(len(pursuers & same_region), len(same_region)),
            everyone=Tier(len(pursuers & everyone), len(everyone)),
            collaborations=theme_facts_.collaborations,
            with_savings=theme_facts_.with_savings,
            well_evidenced=theme_facts_.well_evidenced,
            examples=_closest_examples(theme_facts_, organisation, orgs),
            partners_doing=[
                PartnerWork(p.organisation, doing[p.organisation.pk]) for p in partners if p.organisation.pk in doing
            ],
            partners_not_yet=[p.organisation for p in partners if p.organisation.pk not in doing],
            reasons=[],
            record_url=duty_record_url(organisation, theme) if may_record else "",
        )
        opportunity.reasons = _reasons(organisation, opportunity, len(partners))
        opportunities.append(opportunity)
    opportunities.sort(key=ranking_key)
    for rank, opportunity in enumerate(opportunities, start=1):
        opportunity.rank = rank
    return OpportunityPage(
        organisation=organisation,
        opportunities=opportunities,
        natural_partners=partners,
        covered=sorted((themes[t] for t in published), key=lambda t: t.name),
        covered_by_drafts=sorted(
            (DraftCover(themes[t], refs) for t, refs in drafts.items()), key=lambda d: d.theme.name
        ),
        type_plural=type_plural(organisation.type),
        type_total=len(same_type),
        region_total=len(same_region),
        everyone_total=len(everyone),
        themes_with_results=sum(f.shows_results for f in facts.values()),
        includes_drafts=includes_drafts,
        may_record=may_record,
    )


def ranking_key(opportunity: Opportunity) -> tuple:
    """Same-type share, then region share, then national share; then evidence, savings and the theme's name."""
    o = opportunity
    return (
        -o.same_type.share,
        -o.same_region.share,
        -o.everyone.share,
        -o.well_evidenced,
        -o.with_savings,
        o.theme.name,
        o.theme.code,
    )


def opportunity_page_json(page: OpportunityPage, absolute) -> dict:
    """The page as plain data, for the .json download and the API alike. `absolute(path)` makes a full URL."""
    organisation = page.organisation
    return {
        "organisation": {
            "slug": organisation.slug,
            "name": organisation.name,
            "type": organisation.type,
            "region": organisation.region,
        },
        "ranking": _(
            "Ranked by the share of the other %(type)s pursuing the theme, then the share of the other "
            "blue-light organisations in its region, then in England and Wales; then by collaborations "
            "with evidence rated 3 or more, then with annual savings."
        )
        % {"type": page.type_plural},
        "count": len(page.opportunities),
        "opportunities": [opportunity_json(o, absolute) for o in page.opportunities],
        "natural_partners": [
            {
                "slug": p.organisation.slug,
                "name": p.organisation.name,
                "type": p.organisation.type,
                "shared_police_force_areas": p.shared_areas,
            }
            for p in page.natural_partners
        ],
        "covered_themes": [t.code for t in page.covered],
    }


def opportunity_json(o: Opportunity, absolute) -> dict:
    def tier(t: Tier) -> dict:
        return {"pursuing": t.pursuing, "total": t.total}

    return {
        "rank": o.rank,
        "theme": o.theme.code,
        "theme_name": o.theme.name,
        "theme_url": absolute(reverse("explorer:theme_detail", args=[o.theme.code])),
        "same_type": tier(o.same_type),
        "same_region": tier(o.same_region),
        "all": tier(o.everyone),
        "collaborations": o.collaborations,
        "with_annual_savings": o.with_savings,
        "well_evidenced": o.well_evidenced,
        "reasons": o.reasons,
        "examples": [
            {
                "id": e.pk,
                "title": e.title,
                "best_evidence": e.best_strength,
                "annual_savings_reported": e.has_saving,
                "url": absolute(e.get_absolute_url()),
            }
            for e in o.examples
        ],
        "natural_partners_doing": [
            {
                "slug": w.organisation.slug,
                "name": w.organisation.name,
                "collaborations": [
                    {"id": c.pk, "title": c.title, "url": absolute(c.get_absolute_url())} for c in w.collaborations
                ],
            }
            for w in o.partners_doing
        ],
        "natural_partners_not_yet": [{"slug": p.slug, "name": p.name} for p in o.partners_not_yet],
    }


OPPORTUNITY_COLUMNS = [
    "rank",
    "theme",
    "theme_name",
    "same_type_pursuing",
    "same_type_total",
    "same_region_pursuing",
    "same_region_total",
    "all_pursuing",
    "all_total",
    "collaborations",
    "with_annual_savings",
    "well_evidenced",
    "reasons",
    "examples",
    "example_urls",
    "natural_partners_doing",
    "natural_partners_not_yet",
    "theme_url",
]


def opportunity_rows(page: OpportunityPage, absolute) -> list[dict]:
    """One CSV row per opportunity: the JSON's numbers, several values joined with "; "."""
    rows = []
    for o in page.opportunities:
        data = opportunity_json(o, absolute)
        rows.append(
            {
                "rank": o.rank,
                "theme": o.theme.code,
                "theme_name": o.theme.name,
                "same_type_pursuing": o.same_type.pursuing,
                "same_type_total": o.same_type.total,
                "same_region_pursuing": o.same_region.pursuing,
                "same_region_total": o.same_region.total,
                "all_pursuing": o.everyone.pursuing,
                "all_total": o.everyone.total,
                "collaborations": o.collaborations,
                "with_annual_savings": o.with_savings,
                "well_evidenced": o.well_evidenced,
                "reasons": o.reasons_text,
                "examples": "; ".join(e["title"] for e in data["examples"]),
                "example_urls": "; ".join(e["url"] for e in data["examples"]),
                "natural_partners_doing": "; ".join(w["name"] for w in data["natural_partners_doing"]),
                "natural_partners_not_yet": "; ".join(p["name"] for p in data["natural_partners_not_yet"]),
                "theme_url": data["theme_url"],
            }
        )
    return rows
