"""Page data for the explorer's record pages: a collaboration's timeline, evidence and look-alikes, an
organisation's partners and themes, theme pages, evidence items, and an edition's frozen list.

Built as plain Python (STYLE.md 11). Numbers count published records only, so they are the same
for everyone; each says what it counts where it is shown.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import (
    SAVING_KINDS,
    Basis,
    Benefit,
    BenefitKind,
    Collaboration,
    EvidenceItem,
    MarylandScale,
    Partner,
    Publication,
    Status,
    Theme,
)
from bluelight.collaborations.selectors import figures_cached
from bluelight.editions.models import Edition, Entry
from bluelight.explorer.selectors import PAGE_SIZE, published_collaborations, with_list_relations
from bluelight.organisations.models import Organisation, OrganisationType

# The Maryland Scientific Methods Scale in plain words: what a rating says about how the result was found.
MARYLAND_PLAIN = {
    MarylandScale.CLAIM: gettext_lazy("A claim only: nobody has tested whether it worked."),
    MarylandScale.CORRELATION: gettext_lazy(
        "Compared at one moment with places that did not have it: a link, which could have other causes."
    ),
    MarylandScale.BEFORE_AFTER: gettext_lazy(
        "Measured before and after it started, with nothing to compare with: other changes at the same time "
        "could explain the difference."
    ),
    MarylandScale.COMPARISON: gettext_lazy(
        "Measured before and after, and compared with a similar group that did not have it."
    ),
    MarylandScale.CONTROLLED: gettext_lazy(
        "Compared with groups that did not have it, taking account of other differences between them."
    ),
    MarylandScale.RANDOMISED: gettext_lazy(
        "A randomised controlled trial: who had it was decided at random, so the groups differ only by chance."
    ),
}

SIMILAR_SHOWN = 5
SIMILAR_CANDIDATES = 200  # the latest same-theme records looked at, most shared partners first; keeps the page cheap
NETWORK_SHOWN = 12  # partners drawn in the picture; the table beside it lists them all
EXAMPLES_SHOWN = 5


def maryland_levels() -> list[tuple[int, str, str]]:
    """Every level: (number, short label, plain words), for the scale's explanation on a page."""
    return [(level.value, str(level.label), str(MARYLAND_PLAIN[level])) for level in MarylandScale]


def published_evidence(user) -> QuerySet:
    """Evidence items the user may see: published ones, and all of them for analysts."""
    items = EvidenceItem.objects.all()
    if not policy.can(user, Action.MANAGE_EVIDENCE):
        items = items.filter(publication=Publication.PUBLISHED)
    return items


@dataclass
class EvidenceLine:
    item: EvidenceItem
    plain: str  # the rating in plain words
    evaluated_here: bool | None  # None: it covers only this collaboration, or does not say which it evaluated
    covers: int  # how many collaborations it is about


def evidence_lines(items, collaboration: Collaboration | None = None) -> list[EvidenceLine]:
    """Each item with its rating in plain words and how many collaborations it is about (one query for all:
    counted apart, because a queryset filtered on one collaboration would count only that one)."""
    items = list(items)
    if not items:
        return []  # most records: no second query
    through = EvidenceItem.collaborations.through
    covers = dict(
        through.objects.filter(evidenceitem_id__in=[i.pk for i in items])
        .values("evidenceitem_id")
        .annotate(n=Count("pk"))
        .values_list("evidenceitem_id", "n")
    )
    lines = []
    for item in items:
        n = covers.get(item.pk, 0)
        here = None
        if collaboration is not None and n > 1 and item.evaluated_id:
            here = item.evaluated_id == collaboration.pk
        lines.append(EvidenceLine(item, str(MARYLAND_PLAIN[MarylandScale(item.strength)]), here, n))
    return lines


# Collaboration page


@dataclass
class TimelineRow:
    edition: Edition
    listed: bool
    status: str = ""
    status_label: str = ""
    title: str = ""  # the title it had then, shown when it differed


@dataclass
class CollaborationPageData:
    timeline: list[TimelineRow]
    evidence: list[EvidenceLine]
    similar: list["SimilarLine"]
    maryland: list[tuple[int, str, str]]
    savings_by_basis: list[tuple[str, Decimal]] = field(default_factory=list)
    savings_total_shown: bool = False


def collaboration_timeline(collaboration: Collaboration) -> list[TimelineRow]:
    """Its status in every edition, from what each froze: followed by stable identifier, and through the
    records merged into it (a merged record was frozen under its own identifier)."""
    uids = {collaboration.uid, *collaboration.absorbed.values_list("uid", flat=True)}
    entries = {}
    for entry in Entry.objects.filter(uid__in=uids).order_by("pk"):
        # Its own entry wins over one of an absorbed record in the same edition.
        if entry.edition_id not in entries or entry.uid == collaboration.uid:
            entries[entry.edition_id] = entry
    rows = []
    for edition in Edition.objects.order_by("as_of", "pk"):
        entry = entries.get(edition.pk)
        if entry is None:
            rows.append(TimelineRow(edition, listed=False))
            continue
        status = entry.data.get("status", "")
        label = str(Status(status).label) if status in Status.values else status
        title = entry.data.get("title", "")
        rows.append(TimelineRow(edition, True, status, label, title if title != collaboration.title else ""))
    return rows


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3}


@dataclass(frozen=True)
class SimilarLine:
    pk: int
    title: str
    lead: str  # the lead partner's name, "" if none is marked

    def get_absolute_url(self) -> str:
        return reverse("explorer:collaboration_detail", args=[self.pk])


@dataclass(frozen=True)
class _Candidate:
    pk: int
    title: str
    lead: str
    partners: frozenset[int]
    words: frozenset[str]


def similar_collaborations(collaboration: Collaboration, partner_ids: list[int]) -> list[SimilarLine]:
    """Published records on the same main theme (the latest SIMILAR_CANDIDATES), those sharing most partners
    first, then those whose titles share most words; without a main theme, records sharing a partner."""
    if collaboration.primary_theme_id:
        candidates = [c for c in _theme_candidates(collaboration.primary_theme_id) if c.pk != collaboration.pk]
    else:
        published = Collaboration.objects.published().exclude(pk=collaboration.pk)
        rows = (
            published.filter(partners__organisation__in=partner_ids)
            .annotate(shared=Count("partners", filter=Q(partners__organisation__in=partner_ids), distinct=True))
            .order_by("-shared", "-start_date", "pk")
            .values_list("pk", "title")[:SIMILAR_CANDIDATES]
        )
        candidates = _candidates(list(rows))
    mine, words = set(partner_ids), _words(collaboration.title + " " + collaboration.description[:500])

    def score(candidate: _Candidate):
        overlap = len(words & candidate.words) / math.sqrt(len(candidate.words) or 1)
        return (-len(candidate.partners & mine), -overlap, candidate.pk)

    chosen = sorted(candidates[:SIMILAR_CANDIDATES], key=score)[:SIMILAR_SHOWN]
    return [SimilarLine(c.pk, c.title, c.lead) for c in chosen]


def _theme_candidates(theme_id: int) -> list[_Candidate]:
    """The latest published records on a theme (one more than SIMILAR_CANDIDATES, for the record itself),
    read in order from collab_theme_recent_idx, with their partners. The same for every record on the
    theme, so kept once per theme a minute under the records' version: at 100,000 records a theme holds
    about 2,000, and counting shared partners over all of them cost 20 ms a page."""

    def compute() -> list[_Candidate]:
        rows = (
            Collaboration.objects.published()
            .filter(primary_theme_id=theme_id)
            .order_by("-start_date", "-pk")
            .values_list("pk", "title")[: SIMILAR_CANDIDATES + 1]
        )
        return _candidates(list(rows))

    return figures_cached("theme-recent", (theme_id,), compute)


def _candidates(rows: list[tuple[int, str]]) -> list[_Candidate]:
    partners, leads = defaultdict(set), {}
    found = (
        Partner.objects.filter(collaboration_id__in=[pk for pk, _ in rows])
        .order_by()
        .values_list("collaboration_id", "organisation_id", "is_lead", "organisation__name")
    )
    for collaboration_id, organisation_id, is_lead, name in found:
        partners[collaboration_id].add(organisation_id)
        if is_lead:
            leads[collaboration_id] = name
    return [
        _Candidate(pk, title, leads.get(pk, ""), frozenset(partners[pk]), frozenset(_words(title)))
        for pk, title in rows
    ]


def collaboration_page_data(
    *, user, collaboration: Collaboration, partners: list[Partner], benefits: list[Benefit]
) -> CollaborationPageData:
    items = published_evidence(user).filter(collaborations=collaboration).order_by("-strength", "title")
    savings, annual = Counter(), 0
    for benefit in benefits:
        if benefit.kind == BenefitKind.ANNUAL_SAVING:
            savings[benefit.basis] += benefit.amount_gbp
            annual += 1
    return CollaborationPageData(
        timeline=collaboration_timeline(collaboration),
        evidence=evidence_lines(items, collaboration),
        similar=similar_collaborations(collaboration, [p.organisation_id for p in partners]),
        maryland=maryland_levels(),
        savings_by_basis=[(str(label), savings[code]) for code, label in Basis.choices if code in savings],
        # A total says something only where there are several savings; one is already in the table.
        savings_total_shown=annual > 1,
    )


# Organisation page


@dataclass
class NetworkPartner:
    organisation: Organisation
    shared: int  # published collaborations both are partners in
    x: float = 0
    y: float = 0
    width: float = 1  # of the line in the picture
    label: str = ""


@dataclass
class ThemeShare:
    theme: Theme
    covered: bool  # this organisation is a partner in a published collaboration on it
    peers: int  # organisations of its type covering it
    share: float | None  # peers / peer_total, None if there are no peers


@dataclass
class OrganisationPageData:
    partners: list[NetworkPartner]
    drawn: list[NetworkPartner]
    theme_shares: list[ThemeShare]
    peer_total: int
    type_label: str
    size: int = 400


def organisation_partners(organisation: Organisation) -> list[NetworkPartner]:
    """The organisations it works with: partners in the same published collaborations, most shared first."""
    involving = Collaboration.objects.published().filter(partners__organisation=organisation).values("pk")
    rows = (
        Partner.objects.filter(collaboration__in=involving)
        .exclude(organisation=organisation)
        .values("organisation")
        .annotate(shared=Count("collaboration", distinct=True))
        .order_by("-shared", "organisation__name")
    )
    counts = {row["organisation"]: row["shared"] for row in rows}
    organisations = Organisation.objects.in_bulk(list(counts))
    found = [NetworkPartner(organisations[pk], shared) for pk, shared in counts.items()]
    return sorted(found, key=lambda p: (-p.shared, p.organisation.name))


def _place(partners: list[NetworkPartner], size: int) -> list[NetworkPartner]:
    """Lay the first partners on a circle round the organisation, line width by collaborations shared."""
    drawn = partners[:NETWORK_SHOWN]
    most = max((p.shared for p in drawn), default=1)
    centre, radius = size / 2, size / 2 - 70
    for i, partner in enumerate(drawn):
        angle = 2 * math.pi * i / len(drawn) - math.pi / 2
        partner.x = round(centre + radius * math.cos(angle), 1)
        partner.y = round(centre + radius * math.sin(angle), 1)
        partner.width = round(1 + 5 * partner.shared / most, 1)
        name = partner.organisation.name
        partner.label = name if len(name) <= 22 else name[:20].rstrip() + "…"
    return drawn


def _top_theme_of() -> tuple[dict[int, int], list[Theme]]:
    themes = list(Theme.objects.all())
    return {t.pk: (t.parent_id or t.pk) for t in themes}, [t for t in themes if t.parent_id is None]


def organisation_theme_shares(organisation: Organisation) -> tuple[list[ThemeShare], int]:
    """For each top-level theme: whether it covers it, and the share of organisations of its type that do.

    An organisation covers a theme when it is a partner in a published collaboration whose main theme is that
    theme or one of its sub-themes. Its type's organisations are those in the register existing today.
    """
    top_of, tops = _top_theme_of()
    peers = set(
        Organisation.objects.filter(type=organisation.type, in_register=True)
        .valid_on(timezone.localdate())
        .values_list("pk", flat=True)
    )
    pairs = (
        Partner.objects.filter(
            collaboration__in=Collaboration.objects.published().filter(primary_theme__isnull=False).values("pk"),
            organisation__in=peers | {organisation.pk},
        )
        .values_list("organisation_id", "collaboration__primary_theme_id")
        .distinct()
    )
    covering = defaultdict(set)
    for organisation_id, theme_id in pairs:
        covering[top_of[theme_id]].add(organisation_id)
    shares = [
        ThemeShare(
            theme,
            organisation.pk in covering[theme.pk],
            len(covering[theme.pk] & peers),
            len(covering[theme.pk] & peers) / len(peers) if peers else None,
        )
        for theme in tops
    ]
    return shares, len(peers)


def organisation_page_data(*, organisation: Organisation) -> OrganisationPageData:
    partners = organisation_partners(organisation)
    size = 400
    shares, peer_total = organisation_theme_shares(organisation)
    return OrganisationPageData(
        partners=partners,
        drawn=_place(partners, size),
        theme_shares=shares,
        peer_total=peer_total,
        type_label=str(OrganisationType(organisation.type).label) if organisation.type else "",
        size=size,
    )


# Theme pages


def theme_family(theme: Theme) -> list[int]:
    """The theme and, for a top-level theme, its sub-themes."""
    return [theme.pk, *theme.children.values_list("pk", flat=True)]


def baseline_edition() -> Edition | None:
    return Edition.objects.filter(is_baseline=True).first()


def baseline_counts(baseline: Edition | None) -> Counter:
    """Collaborations frozen in the baseline, by the code of their main theme and of its top-level theme."""
    counts = Counter()
    if baseline is None:
        return counts
    for primary, top in baseline.entries.values_list("data__primary_theme", "data__top_theme"):
        if primary:
            counts[primary] += 1
        if top and top != primary:
            counts[top] += 1
    return counts


@dataclass
class ThemeRow:
    theme: Theme
    count: int
    baseline: int | None
    children: list["ThemeRow"] = field(default_factory=list)


@dataclass
class ThemeListData:
    rows: list[ThemeRow]
    baseline: Edition | None
    total: int


def theme_list_data() -> ThemeListData:
    """Every theme with its published collaborations (main theme under it) today and in the baseline."""
    baseline = baseline_edition()
    before = baseline_counts(baseline)
    themes = list(Theme.objects.select_related("parent"))
    direct = Counter(
        Collaboration.objects.published().filter(primary_theme__isnull=False).values_list("primary_theme", flat=True)
    )
    rows = {}
    for theme in themes:
        if theme.parent_id is None:
            rows[theme.pk] = ThemeRow(theme, direct[theme.pk], before[theme.code] if baseline else None)
    for theme in themes:
        if theme.parent_id is not None and theme.parent_id in rows:
            parent = rows[theme.parent_id]
            parent.children.append(ThemeRow(theme, direct[theme.pk], before[theme.code] if baseline else None))
            parent.count += direct[theme.pk]
    return ThemeListData(list(rows.values()), baseline, sum(direct.values()))


@dataclass
class SavingRow:
    basis: str
    label: str
    annual: Decimal
    cumulative: Decimal
    collaborations: int


@dataclass
class ThemeDetailData:
    theme: Theme
    children: list[Theme]
    count: int
    secondary_count: int
    baseline: Edition | None
    baseline_count: int | None
    growth: int | None
    growth_percent: float | None
    savings: list[SavingRow]
    examples: list[Collaboration]
    evidence: list[EvidenceLine]
    evidence_count: int


def theme_get(code: str) -> Theme | None:
    return Theme.objects.select_related("parent").filter(code=code).first()


def theme_savings(collaborations: QuerySet) -> list[SavingRow]:
    """Savings reported for these collaborations by basis, annual and cumulative kept apart, as reported (each in
    the prices of its own year)."""
    sums = defaultdict(lambda: {"annual": Decimal(0), "cumulative": Decimal(0), "ids": set()})
    for basis, kind, amount, collaboration_id in Benefit.objects.filter(
        collaboration__in=collaborations.values("pk"), kind__in=SAVING_KINDS
    ).values_list("basis", "kind", "amount_gbp", "collaboration_id"):
        key = "annual" if kind == BenefitKind.ANNUAL_SAVING else "cumulative"
        sums[basis][key] += amount
        sums[basis]["ids"].add(collaboration_id)
    return [
        SavingRow(code, str(label), sums[code]["annual"], sums[code]["cumulative"], len(sums[code]["ids"]))
        for code, label in Basis.choices
        if code in sums
    ]


def theme_detail_data(*, user, theme: Theme) -> ThemeDetailData:
    family = theme_family(theme)
    on_theme = Collaboration.objects.published().filter(primary_theme__in=family)
    count = on_theme.count()
    secondary = (
        Collaboration.objects.published()
        .filter(secondary_themes__in=family)
        .exclude(primary_theme__in=family)
        .distinct()
        .count()
    )
    baseline = baseline_edition()
    baseline_count = growth = growth_percent = None
    if baseline is not None:
        key = "data__top_theme" if theme.parent_id is None else "data__primary_theme"
        baseline_count = baseline.entries.filter(**{key: theme.code}).count()
        growth = count - baseline_count
        growth_percent = round(100 * growth / baseline_count, 1) if baseline_count else None
    visible_evidence = published_evidence(user)
    best = Max("evidence__strength", filter=Q(evidence__in=visible_evidence.values("pk")))
    examples = list(
        with_list_relations(on_theme.annotate(best=best).filter(best__isnull=False)).order_by("-best", "title")[
            :EXAMPLES_SHOWN
        ]
    )
    items = visible_evidence.filter(themes__in=family).distinct().order_by("-strength", "title")
    return ThemeDetailData(
        theme=theme,
        children=list(theme.children.all()),
        count=count,
        secondary_count=secondary,
        baseline=baseline,
        baseline_count=baseline_count,
        growth=growth,
        growth_percent=growth_percent,
        savings=theme_savings(on_theme),
        examples=examples,
        evidence=evidence_lines(items[:PAGE_SIZE]),
        evidence_count=items.count(),
    )


# Evidence items


@dataclass
class EvidenceListData:
    page: Page
    count: int
    themes: list[Theme]
    theme: Theme | None
    strength: int | None
    maryland: list[tuple[int, str, str]]


def evidence_list_data(*, user, params, page_number=None) -> EvidenceListData:
    """Evidence items, strongest first, optionally about one theme (or its sub-themes) or of a least strength;
    a value that is not a theme or a level is ignored."""
    items = published_evidence(user)
    theme = theme_get(params.get("theme", "")) if params.get("theme") else None
    if theme is not None:
        items = items.filter(themes__in=theme_family(theme)).distinct()
    strength = params.get("strength", "")
    strength = int(strength) if strength.isdigit() and int(strength) in MarylandScale.values else None
    if strength is not None:
        items = items.filter(strength__gte=strength)
    items = items.order_by("-strength", "title", "pk")
    page = Paginator(items, PAGE_SIZE).get_page(page_number)
    page.object_list = evidence_lines(page.object_list)
    return EvidenceListData(
        page=page,
        count=page.paginator.count,
        themes=list(Theme.objects.filter(parent__isnull=True)),
        theme=theme,
        strength=strength,
        maryland=maryland_levels(),
    )


@dataclass
class EvidenceDetailData:
    item: EvidenceItem
    plain: str
    collaborations: list[Collaboration]
    hidden: int  # linked collaborations this reader may not see (drafts)
    evaluated: Collaboration | None
    themes: list[Theme]
    maryland: list[tuple[int, str, str]]


def evidence_get(*, user, pk: int) -> EvidenceItem | None:
    return published_evidence(user).filter(pk=pk).first()


def evidence_detail_data(*, user, item: EvidenceItem) -> EvidenceDetailData:
    linked = item.collaborations.all()
    visible = list(with_list_relations(published_collaborations(user).filter(pk__in=linked.values("pk"))))
    evaluated_id = getattr(item, "evaluated_id", None)
    return EvidenceDetailData(
        item=item,
        plain=str(MARYLAND_PLAIN[MarylandScale(item.strength)]),
        collaborations=visible,
        hidden=linked.count() - len(visible),
        evaluated=next((c for c in visible if c.pk == evaluated_id), None),
        themes=list(item.themes.select_related("parent")),
        maryland=maryland_levels(),
    )


# An edition's frozen list


@dataclass
class FrozenEntry:
    entry: Entry
    status_label: str
    theme_label: str
    lead: str
    current_pk: int | None  # the record's page today, if published


@dataclass
class FrozenListData:
    edition: Edition
    page: Page
    count: int
    themes: list[Theme]
    statuses: list[tuple[str, str]]
    theme: str
    status: str
    q: str
    notices: list[str]


def frozen_list_data(*, edition: Edition, params, page_number=None) -> FrozenListData:
    """The entries an edition froze, filtered by main theme (a top-level code takes in its sub-themes), status
    and words in the frozen title. An unknown theme or status is ignored, with a notice."""
    entries = edition.entries.order_by("data__title", "pk")
    themes = list(Theme.objects.select_related("parent"))
    names = {t.code: str(t) for t in themes}
    notices = []
    theme = params.get("theme", "")
    if theme:
        known = {t.code: t for t in themes}
        if theme in known:
            key = "data__top_theme" if known[theme].parent_id is None else "data__primary_theme"
            entries = entries.filter(**{key: theme})
        else:
            # The wording of the explorer's list (CollaborationFilter.notices), so a reader meets one.
            notices.append(
                _("We ignored %(what)s '%(value)s': %(why)s")
                % {"what": _("theme"), "value": theme, "why": _("no such theme")}
            )
            theme = ""
    status = params.get("status", "")
    if status:
        if status in Status.values:
            entries = entries.filter(data__status=status)
        else:
            notices.append(_("There is no status ‘%(code)s’, so it was not used to filter.") % {"code": status})
            status = ""
    q = params.get("q", "").strip()[:200]
    for word in q.split()[:10]:
        entries = entries.filter(data__title__icontains=word)
    page = Paginator(entries, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    published = set(
        Collaboration.objects.published().filter(pk__in=[e.collaboration_id for e in rows]).values_list("pk", flat=True)
    )
    page.object_list = [
        FrozenEntry(
            entry=e,
            status_label=str(Status(e.data["status"]).label) if e.data.get("status") in Status.values else "",
            theme_label=names.get(e.data.get("primary_theme") or "", ""),
            lead=next((p["name"] for p in e.data.get("partners", []) if p.get("lead")), ""),
            current_pk=e.collaboration_id if e.collaboration_id in published else None,
        )
        for e in rows
    ]
    return FrozenListData(
        edition=edition,
        page=page,
        count=page.paginator.count,
        themes=[t for t in themes if t.parent_id is None],
        statuses=list(Status.choices),
        theme=theme,
        status=status,
        q=q,
        notices=notices,
    )
