"""Facet counts for the collaboration list, the MOJ way: each facet counts what every other current filter chooses.

Each facet is one grouped query over the chosen records' ids (`values().annotate(Count)`, or conditional counts
over a grouped subquery for savings and evidence), never a query per value. Facets whose own filter is not in
use share one set of records, and the size of that set is the list's own count, so the table is counted once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import CharField, Count, F, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _

from bluelight.collaborations.models import SAVING_KINDS, Basis, Benefit, Collaboration, Partner, Scope, Status, Theme
from bluelight.editions.models import Edition, Entry
from bluelight.explorer.filters import (
    EVIDENCE_CHOICES,
    NO_EVIDENCE,
    REGION_CHOICES,
    SAVINGS_BANDS,
    CollaborationFilter,
    annual_savings,
    best_evidence,
)
from bluelight.organisations.models import Country, Organisation, OrganisationType, Service


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    is_child: bool = False  # a sub-theme, shown under its theme


@dataclass
class Facet:
    name: str  # the URL parameter
    label: str
    values: list[FacetValue]
    hint: str = ""
    open: bool = False  # shown unfolded: it has a value chosen, or few values
    record_text: bool = False  # its values' labels are records' text (names), in English, not translated labels

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class Tag:
    """One chosen value, with the link that removes it ("Selected filters")."""

    facet: str  # the URL parameter
    facet_label: str
    label: str
    remove_href: str
    record_text: bool = False  # the label is a record's text (a name), in English


@dataclass
class FacetCounts:
    facets: list[Facet] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)


# What each facet counts, over the records `ids` (a Collaboration queryset without ordering)


def _plain(records: QuerySet) -> QuerySet:
    """Records to group directly; a DISTINCT set (an editor's own drafts) is grouped through its ids instead."""
    if records.query.distinct:
        return Collaboration.objects.filter(pk__in=records.values("pk")).order_by()
    return records.order_by()


def _grouped(records: QuerySet, column) -> dict:
    key = F(column) if isinstance(column, str) else column
    rows = _plain(records).values(key=key).annotate(n=Count("pk")).order_by()
    return {row["key"]: row["n"] for row in rows}


def count_status(records) -> dict:
    return _grouped(records, "status")


def count_scope(records) -> dict:
    return _grouped(records, "scope")


def count_combination(records) -> dict:
    return _grouped(records, "services")


def count_service(records) -> dict:
    counts = defaultdict(int)
    for services, n in count_combination(records).items():
        for code in (services or "").split(","):
            if code:
                counts[code] += n
    return dict(counts)


def count_start_year(records) -> dict:
    # The year as the first four characters of the ISO date: no per-row function call on SQLite.
    year = Substr(Cast("start_date", CharField()), 1, 4)
    counts = _grouped(records.filter(start_date__isnull=False), year)
    return {str(int(y)): n for y, n in counts.items() if y}


def _partner_counts(records, column: str, *, distinct: bool = True) -> dict:
    rows = (
        Partner.objects.filter(collaboration__in=records.values("pk"))
        .order_by()
        .values(key=F("organisation__slug" if column == "organisation" else column))
        .annotate(n=Count("collaboration_id", distinct=distinct))
    )
    return {row["key"]: row["n"] for row in rows}


def count_organisation(records) -> dict:
    return _partner_counts(records, "organisation", distinct=False)  # a partner is there once per record


def count_organisation_type(records) -> dict:
    return _partner_counts(records, "organisation__type")


def count_region(records) -> dict:
    return _partner_counts(records, "organisation__region")


def count_country(records) -> dict:
    return _partner_counts(records, "organisation__country")


def count_theme(records) -> dict:
    """Records by theme, main or secondary; a top-level theme counts each record under it or its sub-themes once."""
    through = Collaboration.secondary_themes.through
    ids = records.values("pk")
    pairs = [
        Collaboration.objects.filter(pk__in=ids, primary_theme__isnull=False).values(
            cid=F("pk"), tid=F("primary_theme_id")
        ),
        Collaboration.objects.filter(pk__in=ids, primary_theme__parent__isnull=False).values(
            cid=F("pk"), tid=F("primary_theme__parent_id")
        ),
        through.objects.filter(collaboration_id__in=ids).values(cid=F("collaboration_id"), tid=F("theme_id")),
        through.objects.filter(collaboration_id__in=ids, theme__parent__isnull=False).values(
            cid=F("collaboration_id"), tid=F("theme__parent_id")
        ),
    ]
    union = pairs[0].order_by().union(*[p.order_by() for p in pairs[1:]])  # UNION, not UNION ALL: each pair once
    sql, params = union.query.sql_with_params()
    codes = dict(Theme.objects.values_list("pk", "code"))
    with connection.cursor() as cursor:
        # `sql` is Django's own compiled query with its parameters kept apart: nothing from the request is pasted in.
        cursor.execute(f"SELECT pairs.tid, COUNT(*) FROM ({sql}) pairs GROUP BY pairs.tid", params)  # noqa: S608
        return {codes[tid]: n for tid, n in cursor.fetchall() if tid in codes}


def count_savings(records, total: int) -> dict:
    bands = [b for b in SAVINGS_BANDS if b.code != "none"]
    conditions = {}
    for band in bands:
        within = Q(amount__gte=band.low) if band.low is not None else Q()
        if band.high is not None:
            within &= Q(amount__lt=band.high)
        conditions[band.code] = Count("collaboration_id", filter=within)
    counts = annual_savings().filter(collaboration_id__in=records.values("pk")).aggregate(**conditions)
    counts["none"] = total - sum(counts.values())
    return counts


def count_basis(records) -> dict:
    rows = (
        Benefit.objects.filter(kind__in=SAVING_KINDS, collaboration_id__in=records.values("pk"))
        .order_by()
        .values("basis")
        .annotate(n=Count("collaboration_id", distinct=True))
    )
    return {row["basis"]: row["n"] for row in rows}


def count_evidence(records, total: int) -> dict:
    levels = [int(v) for v, _label in EVIDENCE_CHOICES if v != NO_EVIDENCE]
    conditions = {str(level): Count("collaboration_id", filter=Q(best=level)) for level in levels}
    counts = best_evidence().filter(collaboration_id__in=records.values("pk")).aggregate(**conditions)
    counts[NO_EVIDENCE] = total - sum(counts.values())
    return counts


def count_edition(records) -> dict:
    rows = (
        Entry.objects.filter(uid__in=records.values("uid")).order_by().values("edition__slug").annotate(n=Count("pk"))
    )
    return {row["edition__slug"]: row["n"] for row in rows}


# Building the panel


def _theme_values(counts, chosen) -> list[FacetValue]:
    themes = list(Theme.objects.all())
    values = []
    for parent in (t for t in themes if t.parent_id is None):
        values.append(FacetValue(parent.code, parent.name, counts.get(parent.code, 0), parent.code in chosen))
        for child in (t for t in themes if t.parent_id == parent.pk):
            values.append(
                FacetValue(child.code, child.name, counts.get(child.code, 0), child.code in chosen, is_child=True)
            )
    return values


def _values(choices, counts, chosen, *, keep_empty=True) -> list[FacetValue]:
    values = [
        FacetValue(str(code), str(label), counts.get(str(code), 0), str(code) in chosen) for code, label in choices
    ]
    return [v for v in values if keep_empty or v.count or v.selected]


def collaboration_facets(filterset: CollaborationFilter, *, total: int, base_url: str, params) -> FacetCounts:
    """Every facet's values and counts for the current filters, and a tag for each chosen value.

    `total` is the number of records all current filters choose (the list's count), `params` the query
    string (a QueryDict) the tags' links remove one value from.
    """
    chosen = filterset.chosen()
    selected = {name: {str(v) for v in values} for name, values in chosen.items()}
    bases: dict[str | None, QuerySet] = {}
    totals: dict[str | None, int] = {None: total}

    def records(name):
        key = name if name in chosen else None
        if key not in bases:
            bases[key] = filterset.queryset_without(key)
        return bases[key]

    def size(name):
        key = name if name in chosen else None
        if key not in totals:
            totals[key] = records(name).count()
        return totals[key]

    def mine(name):
        return selected.get(name, set())

    organisations = count_organisation(records("organisation"))
    names = dict(
        Organisation.objects.filter(slug__in=set(organisations) | mine("organisation")).values_list("slug", "name")
    )
    combinations = count_combination(records("combination"))
    years = count_start_year(records("start_year"))
    editions = list(Edition.objects.order_by("-as_of").values_list("slug", "name"))

    facets = [
        Facet(
            "theme",
            _("Theme"),
            _theme_values(count_theme(records("theme")), mine("theme")),
            hint=_("A theme counts its sub-themes, as main or secondary theme"),
            record_text=True,
        ),
        Facet(
            "service",
            _("Service involved"),
            _values(Service.choices, count_service(records("service")), mine("service")),
        ),
        Facet(
            "combination",
            _("Services together"),
            _values(
                [
                    (c, " + ".join(str(Service(s).label) for s in c.split(",") if s))
                    for c in sorted(combinations, key=lambda c: (-combinations[c], c))
                    if c
                ]
                + [(c, c) for c in mine("combination") if c not in combinations],
                combinations,
                mine("combination"),
                keep_empty=False,
            ),
        ),
        Facet(
            "organisation",
            _("Organisation"),
            _values(
                sorted(names.items(), key=lambda item: item[1].lower()),
                organisations,
                mine("organisation"),
                keep_empty=False,
            ),
            record_text=True,
        ),
        Facet(
            "organisation_type",
            _("Type of organisation"),
            _values(
                OrganisationType.choices,
                count_organisation_type(records("organisation_type")),
                mine("organisation_type"),
            ),
        ),
        Facet(
            "region",
            _("Region"),
            _values(REGION_CHOICES, count_region(records("region")), mine("region")),
            hint=_("Where one of the partners is based"),
            record_text=True,
        ),
        Facet("country", _("Country"), _values(Country.choices, count_country(records("country")), mine("country"))),
        Facet("status", _("Status"), _values(Status.choices, count_status(records("status")), mine("status"))),
        Facet("scope", _("Scope"), _values(Scope.choices, count_scope(records("scope")), mine("scope"))),
        Facet(
            "savings",
            _("Annual savings"),
            _values(
                [(b.code, b.label) for b in SAVINGS_BANDS],
                count_savings(records("savings"), size("savings")),
                mine("savings"),
            ),
            hint=_("Annual recurring savings as reported, added up on the strongest basis the record reports"),
        ),
        Facet(
            "basis",
            _("Savings basis"),
            _values(Basis.choices, count_basis(records("basis")), mine("basis")),
            hint=_("Records with a saving, annual or one-off, on this basis"),
        ),
        Facet(
            "evidence",
            _("Evidence strength"),
            _values(EVIDENCE_CHOICES, count_evidence(records("evidence"), size("evidence")), mine("evidence")),
            hint=_("The Maryland Scientific Methods Scale level of the best evidence item"),
        ),
        Facet(
            "start_year",
            _("Start year"),
            _values(
                sorted(((y, y) for y in set(years) | mine("start_year")), reverse=True),
                years,
                mine("start_year"),
                keep_empty=False,
            ),
        ),
        Facet(
            "edition",
            _("Edition"),
            _values(editions, count_edition(records("edition")), mine("edition")),
            hint=_("Records in a published edition"),
            record_text=True,
        ),
    ]
    for facet in facets:
        facet.open = bool(facet.selected) or len(facet.values) <= 6

    labels = {f.name: {v.value: v.label for v in f.values} for f in facets}
    labels["main_theme"] = {t.code: t.name for t in Theme.objects.filter(code__in=mine("main_theme"))}
    facet_labels = {f.name: f.label for f in facets} | {"main_theme": _("Main theme")}
    record_text = {f.name for f in facets if f.record_text} | {"main_theme"}
    readings = filterset.readings()
    tags = []
    for name, values in chosen.items():
        for value in values:
            href = base_url + _without(params, name, value, readings)
            label = labels[name].get(str(value), str(value))
            tags.append(Tag(name, facet_labels[name], label, href, record_text=name in record_text))
    return FacetCounts(facets=facets, tags=tags)


def _without(params, name: str, value, readings) -> str:
    """The query string of the current page less one value of one filter, its page number and values set aside."""
    pairs = []
    for key in params:
        if key == "page":
            continue
        reading = readings.get(key)
        ignored = {given for given, _why in reading.ignored} if reading else set()
        for given in params.getlist(key) if hasattr(params, "getlist") else [params[key]]:
            tidy = " ".join(str(given).split())
            if tidy in ignored:
                continue
            if key == name and (tidy == str(value) or (reading and reading.given_as.get(tidy) == value)):
                continue
            pairs.append((key, given))
    return f"?{urlencode(pairs)}" if pairs else ""
