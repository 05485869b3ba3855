"""Page data for the explorer, built as plain Python from what the user may see (STYLE.md 11).

Every read starts from `policy.visible_collaborations`, so no list, count or link can show a
record that the detail page would refuse. Headline numbers count published records only, so
they are the same for everyone.
"""

import datetime
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bluelight.accounts import policy
from bluelight.accounts.models import Role
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import (
    Benefit,
    BenefitKind,
    Collaboration,
    Partner,
    SourceKind,
    Theme,
)
from bluelight.collaborations.search import search_highlight
from bluelight.collaborations.selectors import collaboration_history, collaborations_version, figures_cached
from bluelight.core.languages import text_in_language
from bluelight.explorer.facets import collaboration_facets
from bluelight.explorer.filters import SORT_CHOICES, CollaborationFilter, OrganisationFilter
from bluelight.organisations.models import Organisation, OrganisationType, Service
from bluelight.organisations.selectors import bodies_on

PAGE_SIZE = 25
HISTORY_SHOWN = 100  # newest changes on the page; the admin's history page pages through them all
SERVICE_ORDER = list(Service.values)


def published_collaborations(user) -> QuerySet:
    """Published records, through the policy: the base of every public number."""
    return policy.visible_collaborations(user, Collaboration.objects.published())


def with_list_relations(queryset: QuerySet) -> QuerySet:
    """What a results list shows (lead, partners, themes), fetched in a fixed number of queries."""
    return queryset.select_related("primary_theme__parent").prefetch_related(
        Prefetch("partners", queryset=Partner.objects.select_related("organisation")),
        Prefetch("secondary_themes", queryset=Theme.objects.select_related("parent")),
    )


def service_labels(services: str) -> list[str]:
    codes = sorted((s for s in services.split(",") if s), key=SERVICE_ORDER.index)
    return [str(Service(code).label) for code in codes]


# Home page


@dataclass
class ServiceCount:
    code: str
    label: str
    count: int


@dataclass
class CombinationCount:
    services: str
    labels: list[str]
    count: int


@dataclass
class ThemeCount:
    theme: Theme | None  # None: published records without a main theme
    count: int


@dataclass
class HomeData:
    collaboration_count: int
    organisation_count: int
    by_service: list[ServiceCount]
    by_combination: list[CombinationCount]
    by_theme: list[ThemeCount]
    today: datetime.date


def home_data(*, user) -> HomeData:
    """Today's published records, counted by the same definitions as an edition's report (editions.definitions)."""
    ids = published_collaborations(user).values("pk")
    published = Collaboration.objects.filter(pk__in=ids)
    combinations = [
        CombinationCount(row["services"], service_labels(row["services"]), row["count"])
        for row in published.values("services").annotate(count=Count("pk")).order_by("-count", "services")
    ]
    by_service = [
        ServiceCount(
            code,
            str(label),
            sum(c.count for c in combinations if code in c.services.split(",")),
        )
        for code, label in Service.choices
    ]
    today = timezone.localdate()
    bodies = bodies_on(today)
    partners = Organisation.objects.filter(partnerships__collaboration__in=ids).values_list("slug", flat=True)
    return HomeData(
        collaboration_count=published.count(),
        organisation_count=len({bodies[slug].slug for slug in partners.distinct()}),
        by_service=by_service,
        by_combination=combinations,
        by_theme=_count_by_main_theme(published),
        today=today,
    )


def _count_by_main_theme(published: QuerySet) -> list[ThemeCount]:
    """Count each record once, under the top-level theme of its main theme, as the overview report does;
    the `main_theme` filter applies the same rule, so each number matches the list it links to."""
    themes = list(Theme.objects.all())
    top_of = {t.pk: (t.parent_id or t.pk) for t in themes}
    counts = Counter(top_of.get(theme_id) for theme_id in published.values_list("primary_theme_id", flat=True))
    rows = [ThemeCount(t, counts.get(t.pk, 0)) for t in themes if t.parent_id is None]
    if counts.get(None):
        rows.append(ThemeCount(None, counts[None]))
    return rows


# Collaboration list


@dataclass
class CollaborationListData:
    filterset: CollaborationFilter
    page: Page
    is_filtered: bool
    facets: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    sort: str = "title"
    description: str = ""  # "42 collaborations about Co-responding in South West", for the page's title
    description_html: str = ""  # the same for its heading, names from records marked with their language
    sort_links: list[dict] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # values the form keeps without a checkbox for them
    # For the public: the key under which the rendered filter panel is kept (275 checkboxes take
    # most of the page's rendering time); empty for signed-in users, who may see more.
    panel_key: str = ""


class RecordsById(Sequence):
    """A page's records, read (with what a result shows) only when a template asks for them: a
    public page's results may come whole from the template cache, and then nothing is read."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self.then = None  # applied to each record once read

    @cached_property
    def records(self) -> list[Collaboration]:
        found = {c.pk: c for c in with_list_relations(Collaboration.objects.filter(pk__in=self.ids))}
        records = [found[pk] for pk in self.ids if pk in found]
        for record in records if self.then else ():
            self.then(record)
        return records

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        return self.records[index]

    def __iter__(self):
        return iter(self.records)


def _marked_with(query: str):
    def mark(collaboration: Collaboration) -> None:
        collaboration.title_marked = search_highlight(collaboration.title, query, length=300)
        collaboration.snippet_marked = search_highlight(collaboration.description, query)

    return mark


def collaboration_list_data(*, user, params, page_number=None, base_url="") -> CollaborationListData:
    """The list page: one page of records, every facet's counts, the chosen filters as tags, and what was ignored."""
    params = params if params is not None else QueryDict()
    filterset = CollaborationFilter(params, queryset=with_list_relations(policy.visible_collaborations(user)))
    # Only a search too long to run is an error; unknown filter values are ignored with a notice (filters.py).
    results = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    paginator = Paginator(results, PAGE_SIZE)
    # The count and the facets are the same for every member of the public asking the same question:
    # kept (figures_cached: a minute, and renewed at once after a service writes a record), since
    # counting every facet over 100,000 records takes seconds. Signed-in users may see more.
    public = filterset.is_valid() and not getattr(user, "is_authenticated", False)
    question = (base_url, *sorted((k, tuple(params.getlist(k))) for k in params if k != "page"))
    if public:
        paginator.__dict__["count"] = figures_cached("list-count", question, lambda: results.count())
    page = paginator.get_page(page_number)
    if public:  # which records are on this page (a ranked search sorts every match): kept too
        ids = figures_cached("list-page", (*question, page.number), lambda: [c.pk for c in page.object_list])
        page.object_list = RecordsById(ids)
    data = CollaborationListData(filterset=filterset, page=page, is_filtered=False, sort=filterset.sort_order())
    if not filterset.is_valid():
        return data

    def facets():
        return collaboration_facets(filterset, total=paginator.count, base_url=base_url, params=params)

    counts = figures_cached("list-facets", question, facets) if public else facets()
    if public:
        described = repr((question, collaborations_version(), get_language(), timezone.localdate().isoformat()))
        data.panel_key = hashlib.sha256(described.encode()).hexdigest()
    data.facets, data.tags, data.notices = counts.facets, counts.tags, filterset.notices()
    query = (filterset.form.cleaned_data.get("q") or "").strip()
    if query:  # the words searched for, marked in each result's title and in a snippet of its text
        marked = _marked_with(query)
        if isinstance(page.object_list, RecordsById):
            page.object_list.then = marked  # when (if) the page's records are read
        else:
            for collaboration in page.object_list:
                marked(collaboration)
    data.is_filtered = bool(data.tags or query)
    data.description = list_description(page.paginator.count, counts.tags, query)
    data.description_html = list_description(page.paginator.count, counts.tags, query, marked=True)
    data.sort_links = _sort_links(params, base_url, data.sort, searching=bool(query))
    chosen = filterset.chosen()
    data.kept = [("main_theme", value) for value in chosen.get("main_theme", [])]
    if params.get("sort") and data.sort != ("relevance" if query else "title"):
        data.kept.append(("sort", data.sort))
    return data


def _sort_links(params, base_url: str, current: str, *, searching: bool) -> list[dict]:
    links = []
    for code, label in SORT_CHOICES:
        if code == "relevance" and not searching:
            continue
        query = params.copy() if hasattr(params, "copy") else QueryDict(mutable=True)
        if not hasattr(query, "setlist"):
            query = QueryDict(mutable=True)
            query.update(params)
        query.pop("page", None)
        query["sort"] = code
        href = f"{base_url}?{query.urlencode()}"
        links.append({"code": code, "label": str(label), "href": href, "current": code == current})
    return links


# How the heading names each chosen filter: "about" themes, "in" places...
DESCRIPTION_WORDS = {
    "theme": _lazy("about %(values)s"),
    "main_theme": _lazy("mainly about %(values)s"),
    "service": _lazy("involving %(values)s"),
    "combination": _lazy("between %(values)s"),
    "organisation": _lazy("with %(values)s"),
    "organisation_type": _lazy("with a partner of type %(values)s"),
    "region": _lazy("in %(values)s"),
    "country": _lazy("in %(values)s"),
    "status": _lazy("with status %(values)s"),
    "scope": _lazy("of %(values)s scope"),
    "savings": _lazy("with annual savings %(values)s"),
    "basis": _lazy("with %(values)s savings"),
    "evidence": _lazy("whose best evidence is rated %(values)s"),
    "start_year": _lazy("started in %(values)s"),
    "edition": _lazy("in the edition %(values)s"),
}


def list_description(count: int, tags: list, query: str, *, marked: bool = False) -> str:
    """The count and the filters in words: '42 collaborations about Co-responding in South West'.

    `marked`: as HTML for the page's heading, the names taken from records (themes, organisations, regions,
    editions) marked with their own language where it is not the page's (`<span lang="en">` on a Welsh page).
    """
    text = conditional_escape if marked else str
    words = [text(ngettext("%(count)s collaboration", "%(count)s collaborations", count) % {"count": f"{count:,}"})]
    if query:
        words.append(text(_("matching ‘%(query)s’") % {"query": query}))
    by_facet: dict[str, list[str]] = {}
    for tag in tags:
        label = text_in_language(tag.label) if marked and tag.record_text else text(tag.label)
        by_facet.setdefault(tag.facet, []).append(label)
    for facet, labels in by_facet.items():
        either = text(_(" or "))
        joined = either.join(labels) if len(labels) < 3 else text(", ").join(labels[:-1]) + either + labels[-1]
        words.append(text(str(DESCRIPTION_WORDS[facet])) % {"values": joined})
    return mark_safe(" ".join(words)) if marked else " ".join(words)  # noqa: S308 - every part is escaped above


# Collaboration detail


def collaboration_get(pk: int) -> Collaboration | None:
    return Collaboration.objects.select_related("primary_theme__parent", "merged_into").filter(pk=pk).first()


def collaboration_survivor(collaboration: Collaboration) -> Collaboration:
    """The record that absorbed this one, following merges of merges."""
    seen = {collaboration.pk}
    while collaboration.merged_into_id and collaboration.merged_into_id not in seen:
        seen.add(collaboration.merged_into_id)
        collaboration = Collaboration.objects.get(pk=collaboration.merged_into_id)
    return collaboration


@dataclass
class BenefitGroup:
    kind: str
    label: str
    benefits: list[Benefit]


@dataclass
class CollaborationDetailData:
    collaboration: Collaboration
    partners: list[Partner]
    lead: Organisation | None
    service_labels: list[str]
    secondary_themes: list[Theme]
    benefits: list[Benefit]
    benefit_groups: list[BenefitGroup]
    outcomes: list
    provenance: list
    contacts: list | None = None
    history: list | None = None


@dataclass
class ProvenanceLine:
    label: str
    reported_by: Organisation | None
    reported_on: datetime.date | None


def provenance_lines(*, user, collaboration: Collaboration, partners: list[Partner]) -> list[ProvenanceLine]:
    """Where a record comes from, naming no person except to those who read its history.

    A record entered in the admin was once labelled with the username of whoever typed it
    ("Entered in the admin by editor.surrey"), and such rows stay in databases: so everyone else
    sees that label rebuilt from the record's author, as the admin now writes it.
    """
    sources = list(collaboration.provenance.select_related("reported_by"))
    if policy.can(user, Action.VIEW_HISTORY, collaboration):
        return [ProvenanceLine(s.label, s.reported_by, s.reported_on) for s in sources]
    return [
        ProvenanceLine(
            _entry_label(collaboration, partners) if s.kind == SourceKind.ENTRY else s.label,
            s.reported_by,
            s.reported_on,
        )
        for s in sources
    ]


def _entry_label(collaboration: Collaboration, partners: list[Partner]) -> str:
    """The wording of `entered_in_the_admin_by` (collaborations/admin.py), from the author of the first version."""
    first = collaboration.history.order_by("history_date", "history_id").select_related("history_user").first()
    author = first.history_user if first is not None else None
    if author is None:
        return str(SourceKind.ENTRY.label)
    if author.role == Role.EDITOR:
        own = set(author.organisations.values_list("pk", flat=True))
        names = sorted({p.organisation.name for p in partners if p.organisation_id in own})
        who = " and ".join(names) or _("an organisation editor")
    else:
        who = _("an administrator") if author.role == Role.ADMIN or author.is_superuser else _("an analyst")
    return _("Entered in the admin by %(who)s") % {"who": who}


def collaboration_detail_data(*, user, collaboration: Collaboration) -> CollaborationDetailData:
    partners = list(collaboration.partners.select_related("organisation"))
    benefits = list(collaboration.benefits.select_related("accrues_to"))
    groups = [
        BenefitGroup(kind, str(label), [b for b in benefits if b.kind == kind]) for kind, label in BenefitKind.choices
    ]
    data = CollaborationDetailData(
        collaboration=collaboration,
        partners=partners,
        lead=next((p.organisation for p in partners if p.is_lead), None),
        service_labels=service_labels(collaboration.services),
        secondary_themes=list(collaboration.secondary_themes.select_related("parent")),
        benefits=benefits,
        benefit_groups=[g for g in groups if g.benefits],
        outcomes=list(collaboration.outcomes.all()),
        provenance=provenance_lines(user=user, collaboration=collaboration, partners=partners),
    )
    if policy.can(user, "view_contacts", collaboration):
        data.contacts = list(collaboration.contacts.select_related("organisation"))
    if policy.can(user, "view_history", collaboration):
        # The record's changes with its partners', benefits', outcomes' and (if allowed) contacts'.
        data.history = collaboration_history(collaboration, user=user)[:HISTORY_SHOWN]
    return data


# Organisations


@dataclass
class OrganisationGroup:
    type: str
    label: str
    organisations: list[Organisation]


@dataclass
class OrganisationListData:
    filterset: OrganisationFilter
    groups: list[OrganisationGroup]
    count: int


def organisation_list_data(*, user, params) -> OrganisationListData:
    params = params if params is not None else {}
    published_ids = published_collaborations(user).values("pk")
    organisations = Organisation.objects.annotate(
        collaboration_count=Count(
            "partnerships", filter=Q(partnerships__collaboration__in=published_ids), distinct=True
        )
    ).order_by("name")
    filterset = OrganisationFilter(params, queryset=organisations)
    found = list(filterset.qs) if filterset.is_valid() else []
    groups = [
        OrganisationGroup(kind, str(label), [o for o in found if o.type == kind])
        for kind, label in OrganisationType.choices
    ]
    return OrganisationListData(filterset=filterset, groups=[g for g in groups if g.organisations], count=len(found))


@dataclass
class OrganisationDetailData:
    organisation: Organisation
    aliases: list
    police_force_areas: list
    predecessors: list[Organisation]
    collaborations: list[Collaboration]
    collaboration_count: int
    shown_limit: int = PAGE_SIZE


def organisation_get(slug: str) -> Organisation | None:
    return Organisation.objects.select_related("successor").filter(slug=slug).first()


def organisation_detail_data(*, user, organisation: Organisation) -> OrganisationDetailData:
    involving = Collaboration.objects.filter(partners__organisation=organisation)
    visible = with_list_relations(policy.visible_collaborations(user, involving))
    return OrganisationDetailData(
        organisation=organisation,
        aliases=list(organisation.aliases.all()),
        police_force_areas=list(organisation.police_force_areas.all()),
        predecessors=list(organisation.predecessors.all()),
        collaborations=list(visible[:PAGE_SIZE]),
        collaboration_count=visible.count(),
    )
