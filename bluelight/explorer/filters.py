"""Filters for published collaborations and organisations, shared by the explorer pages, the downloads and the REST API.

Parameter names are part of the public contract (DESIGN.md, "Public web and API"): `q`, `theme`, `main_theme`,
`service`, `combination`, `organisation`, `organisation_type`, `region`, `country`, `status`, `scope`,
`savings`, `basis`, `evidence`, `start_year`, `edition`, and `sort`. Every filter but `q` and `sort` takes several
values (`?status=operational&status=planned`): a record matches any of a facet's values and every facet chosen.

A value a filter does not know (a stale link's `?theme=old-code`, `?status=Operational`) is set aside with a
notice (`CollaborationFilter.notices`) instead of emptying the page, and an organisation named rather than
given by its identifier goes through the register's name resolution. Filters that match through partners,
themes, benefits, evidence or editions use `pk__in` subqueries rather than joins, so a record is never listed twice.
"""

import dataclasses
import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import (
    DecimalField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bluelight.collaborations.models import (
    SAVING_KINDS,
    Basis,
    Benefit,
    BenefitKind,
    Collaboration,
    EvidenceItem,
    MarylandScale,
    Partner,
    Scope,
    Status,
    Theme,
)
from bluelight.collaborations.search import collaboration_search, search_organisations
from bluelight.collaborations.selectors import figures_cached
from bluelight.core.forms import GovukMessages
from bluelight.editions.models import Edition, Entry
from bluelight.organisations.models import REGIONS, Country, Organisation, OrganisationType, Service
from bluelight.organisations.resolution import resolve

REGION_CHOICES = [(region, region) for region in REGIONS]


@dataclass(frozen=True)
class SavingsBand:
    code: str
    label: str
    low: int | None  # pounds, inclusive
    high: int | None  # pounds, exclusive


# What is banded: a record's annual recurring savings in cash as reported, added up on the strongest basis it
# reports (independently evaluated, else realised, else estimated), so an estimate is never added to the
# realised saving it forecast. One-off savings, costs and external funding are never in the band (as in the
# overview report). "None reported": no annual recurring saving at all.
SAVINGS_BANDS = [
    SavingsBand("none", _lazy("None reported"), None, None),
    SavingsBand("under_100k", _lazy("Under £100,000 a year"), 0, 100_000),
    SavingsBand("100k_to_1m", _lazy("£100,000 to £1 million a year"), 100_000, 1_000_000),
    SavingsBand("1m_to_10m", _lazy("£1 million to £10 million a year"), 1_000_000, 10_000_000),
    SavingsBand("over_10m", _lazy("£10 million or more a year"), 10_000_000, None),
]
BASIS_STRENGTH = [Basis.INDEPENDENTLY_EVALUATED, Basis.REALISED, Basis.ESTIMATED]  # strongest first
NO_EVIDENCE = "none"
EVIDENCE_CHOICES = [
    (NO_EVIDENCE, _lazy("No evidence recorded")),
    *[(str(v), label) for v, label in MarylandScale.choices],
]
SORT_CHOICES = [
    ("relevance", _lazy("Relevance")),
    ("newest", _lazy("Newest added")),
    ("start", _lazy("Start date, latest first")),
    ("savings", _lazy("Annual savings, largest first")),
    ("title", _lazy("Title")),
]


def annual_savings() -> QuerySet:
    """A row per record with annual recurring savings: `collaboration_id` and `amount`, as SAVINGS_BANDS bands it."""
    money = DecimalField(max_digits=16, decimal_places=2)
    sums = {basis.value: Sum("amount_gbp", filter=Q(basis=basis), output_field=money) for basis in BASIS_STRENGTH}
    return (
        Benefit.objects.filter(kind=BenefitKind.ANNUAL_SAVING)
        .order_by()
        .values("collaboration_id")
        .annotate(**{f"on_{basis}": total for basis, total in sums.items()})
        .annotate(amount=Coalesce(*[F(f"on_{basis.value}") for basis in BASIS_STRENGTH], output_field=money))
    )


def best_evidence() -> QuerySet:
    """One row per record with evidence: `collaboration_id` and `best`, the highest Maryland level of its items."""
    through = EvidenceItem.collaborations.through
    return through.objects.order_by().values("collaboration_id").annotate(best=Max("evidenceitem__strength"))


# Reading the values of a facet


@dataclass
class Reading:
    """What a filter made of the values it was given."""

    values: list  # the known values, as the filter applies them
    ignored: list[tuple[str, str]]  # (value as given, why it was set aside)
    read_as: list[tuple[str, str]]  # (value as given, what it was read as)
    given_as: dict = dataclasses.field(default_factory=dict)  # value as given -> the value applied, where they differ


def _choices_reader(choices, what):
    def read(values: list[str]) -> Reading:
        known = {str(code) for code, _label in choices()}
        return Reading(
            values=[v for v in values if v in known],
            ignored=[(v, _("no such %(what)s") % {"what": what}) for v in values if v not in known],
            read_as=[],
        )

    return read


def _lookup_reader(lookup, what):
    """A reader for values looked up in the database (one query for them all): `lookup(values)` gives the known ones."""

    def read(values: list[str]) -> Reading:
        known = lookup(values)
        return Reading(
            values=[v for v in values if v in known],
            ignored=[(v, _("no such %(what)s") % {"what": what}) for v in values if v not in known],
            read_as=[],
        )

    return read


def _read_organisations(values: list[str]) -> Reading:
    """Identifiers are taken as they are; anything else is a name, read as the register's name resolution reads it."""
    slugs = set(Organisation.objects.filter(slug__in=values).values_list("slug", flat=True))
    reading = Reading(values=[], ignored=[], read_as=[])
    for value in values:
        if value in slugs:
            reading.values.append(value)
            continue
        found = _organisations_named(value)
        if len(found) == 1:
            reading.values.append(found[0].slug)
            reading.read_as.append((value, found[0].name))
            reading.given_as[value] = found[0].slug
        elif found:
            names = "; ".join(o.name for o in found[:3])
            reading.ignored.append((value, _("it could be several organisations (%(names)s)") % {"names": names}))
        else:
            reading.ignored.append((value, _("no organisation of that name or identifier")))
    return reading


def _organisations_named(text: str) -> list[Organisation]:
    return list(search_organisations(text))


def _read_years(values: list[str]) -> Reading:
    this_year = datetime.date.today().year
    good = [v for v in values if v.isdigit() and 1900 <= int(v) <= this_year + 50]
    return Reading(
        values=[int(v) for v in good],
        ignored=[(v, _("not a year")) for v in values if v not in good],
        read_as=[],
    )


class FacetField(forms.MultipleChoiceField):
    """Several values of one facet. Values it does not know are set aside in `reading.ignored`, never an error."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, reader, single=False, **kwargs):
        self.reader = reader
        self.single = single
        self.reading = Reading([], [], [])
        super().__init__(**kwargs)

    def clean(self, value):
        given = list(dict.fromkeys(" ".join(str(v).split()) for v in self.to_python(value)))
        given = [v for v in given if v]
        self.reading = self.reader(given) if given else Reading([], [], [])
        if self.single and len(self.reading.values) > 1:
            self.reading.ignored += [(str(v), _("only one can apply")) for v in self.reading.values[1:]]
            self.reading.values = self.reading.values[:1]
        return list(dict.fromkeys(self.reading.values))


class FacetFilter(django_filters.MultipleChoiceFilter):
    """A multi-valued filter whose unknown values are ignored (see FacetField); `method` does the filtering."""

    field_class = FacetField

    def __init__(self, *args, what, reader=None, **kwargs):
        choices = kwargs.get("choices")
        kwargs.setdefault("reader", reader or _choices_reader(choices if callable(choices) else lambda: choices, what))
        self.what = what
        super().__init__(*args, **kwargs)


class GovukForm(GovukMessages, forms.Form):
    """A form whose widgets carry GOV.UK classes, point at their hint, and switch to error styles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            base = attrs.get("class", "").split(" ")[0]
            if base and f"{base}--error" not in attrs["class"]:
                attrs["class"] = f"{attrs['class']} {base}--error"
            described_by = attrs.get("aria-describedby", "").split()
            if f"{name}-error" not in described_by:
                attrs["aria-describedby"] = " ".join([*described_by, f"{name}-error"])


def _select(**attrs) -> forms.Select:
    return forms.Select(attrs={"class": "govuk-select", **attrs})


def _theme_choices():
    return [(t.code, str(t)) for t in Theme.objects.select_related("parent")]


def _known_themes(values):
    return set(Theme.objects.filter(code__in=values).values_list("code", flat=True))


def _known_editions(values):
    return set(Edition.objects.filter(slug__in=values).values_list("slug", flat=True))


def _combination_choices():
    """Every combination of services, as stored on records ("fire,police")."""
    codes = sorted(Service.values)
    combos = []
    for mask in range(1, 2 ** len(codes)):
        chosen = [code for i, code in enumerate(codes) if mask & (1 << i)]
        combos.append((",".join(chosen), " + ".join(str(Service(c).label) for c in chosen)))
    return combos


class CollaborationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_lazy("Search"),
        method="filter_q",
        max_length=200,
        help_text=_lazy("Words in the title, description or a partner's name"),
        error_messages={"max_length": _lazy("Search must be 200 characters or fewer")},
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search", "spellcheck": "false"}),
    )
    theme = FacetFilter(
        label=_lazy("Theme"),
        what=_lazy("theme"),
        choices=_theme_choices,
        reader=_lookup_reader(_known_themes, _lazy("theme")),
        method="filter_theme",
        help_text=_lazy("A theme also includes its sub-themes, as main or secondary theme"),
    )
    main_theme = FacetFilter(
        label=_lazy("Main theme"),
        what=_lazy("theme"),
        choices=_theme_choices,
        reader=_lookup_reader(_known_themes, _lazy("theme")),
        method="filter_main_theme",
        help_text=_lazy("The theme a collaboration is mainly about, with its sub-themes; as the overview counts"),
    )
    service = FacetFilter(
        label=_lazy("Service involved"), what=_lazy("service"), choices=Service.choices, method="filter_service"
    )
    combination = FacetFilter(
        label=_lazy("Services together"),
        what=_lazy("combination of services"),
        choices=_combination_choices,
        method="filter_combination",
        help_text=_lazy("Exactly these services, e.g. 'fire,police'"),
    )
    organisation = FacetFilter(
        label=_lazy("Organisation"),
        what=_lazy("organisation"),
        choices=lambda: list(Organisation.objects.values_list("slug", "name")),
        reader=_read_organisations,
        method="filter_organisation",
        help_text=_lazy("An organisation's identifier, or its name"),
    )
    organisation_type = FacetFilter(
        label=_lazy("Type of organisation"),
        what=_lazy("type of organisation"),
        choices=OrganisationType.choices,
        method="filter_organisation_type",
    )
    region = FacetFilter(
        label=_lazy("Region"),
        what=_lazy("region"),
        choices=REGION_CHOICES,
        method="filter_region",
        help_text=_lazy("Where one of the partners is based"),
    )
    country = FacetFilter(
        label=_lazy("Country"), what=_lazy("country"), choices=Country.choices, method="filter_country"
    )
    status = FacetFilter(label=_lazy("Status"), what=_lazy("status"), choices=Status.choices, method="filter_status")
    scope = FacetFilter(label=_lazy("Scope"), what=_lazy("scope"), choices=Scope.choices, method="filter_scope")
    savings = FacetFilter(
        label=_lazy("Annual savings"),
        what=_lazy("savings band"),
        choices=[(b.code, b.label) for b in SAVINGS_BANDS],
        method="filter_savings",
        help_text=_lazy("Annual recurring savings on the strongest basis reported"),
    )
    basis = FacetFilter(
        label=_lazy("Savings basis"),
        what=_lazy("basis"),
        choices=Basis.choices,
        method="filter_basis",
        help_text=_lazy("Records with a saving (annual or one-off) on this basis"),
    )
    evidence = FacetFilter(
        label=_lazy("Evidence strength"),
        what=_lazy("evidence strength"),
        choices=EVIDENCE_CHOICES,
        method="filter_evidence",
        help_text=_lazy("The Maryland Scientific Methods Scale level of the best evidence item"),
    )
    start_year = FacetFilter(
        label=_lazy("Start year"),
        what=_lazy("year"),
        choices=lambda: [(y, y) for y in range(1990, datetime.date.today().year + 6)],
        reader=_read_years,
        method="filter_start_year",
    )
    edition = FacetFilter(
        label=_lazy("Edition"),
        what=_lazy("edition"),
        choices=lambda: list(Edition.objects.values_list("slug", "name")),
        reader=_lookup_reader(_known_editions, _lazy("edition")),
        method="filter_edition",
        help_text=_lazy("Records in a published edition"),
    )
    sort = FacetFilter(
        label=_lazy("Sort by"),
        what=_lazy("sort order"),
        choices=SORT_CHOICES,
        single=True,
        method="filter_sort",
    )

    class Meta:
        model = Collaboration
        fields = [
            "q",
            "theme",
            "main_theme",
            "service",
            "combination",
            "organisation",
            "organisation_type",
            "region",
            "country",
            "status",
            "scope",
            "savings",
            "basis",
            "evidence",
            "start_year",
            "edition",
            "sort",  # last: it orders what the others chose, and relevance needs the search's rank
        ]
        form = GovukForm

    # Reading what was asked

    def readings(self) -> dict[str, Reading]:
        """Each facet's reading of its values (after validation), by parameter name."""
        self.is_valid()
        return {name: field.reading for name, field in self.form.fields.items() if isinstance(field, FacetField)}

    def chosen(self) -> dict[str, list]:
        """The values in force, by parameter: only known ones, only facets given (sort and q excluded)."""
        if not self.is_valid():
            return {}
        data = self.form.cleaned_data
        return {name: data[name] for name in self.filters if name not in ("q", "sort") and data.get(name)}

    def notices(self) -> list[str]:
        """What was set aside or read differently, in words: "We ignored theme 'old-code': no such theme"."""
        lines = []
        for name, reading in self.readings().items():
            what = self.filters[name].what
            for value, why in reading.ignored:
                lines.append(_("We ignored %(what)s '%(value)s': %(why)s") % {"what": what, "value": value, "why": why})
            for value, meant in reading.read_as:
                lines.append(
                    _("We read %(what)s '%(value)s' as %(meant)s") % {"what": what, "value": value, "meant": meant}
                )
        return lines

    def sort_order(self) -> str:
        chosen = self.form.cleaned_data.get("sort") if self.is_valid() else None
        if chosen:
            return chosen[0]
        return "relevance" if self._searching() else "title"

    def _searching(self) -> bool:
        return bool(self.is_valid() and (self.form.cleaned_data.get("q") or "").strip())

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = self.filter_sort(queryset, "sort", [self.sort_order()])
        return queryset

    def queryset_without(self, facet: str | None) -> QuerySet:
        """The records every current filter but `facet` chooses, unordered: what a facet's counts count."""
        queryset = self.queryset.all()
        if not self.is_valid():
            return queryset.none()
        for name, value in self.form.cleaned_data.items():
            if name not in (facet, "sort"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    # Filtering

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A search that is one organisation's name, alias or code (typos too: the register's name
        # resolution) also finds that organisation's collaborations, after the text matches. Any
        # other search is full text only: "fire" is not every fire service's record.
        # Resolution takes some 30 ms: a query's reading is kept a minute (0: no one organisation).
        named = figures_cached("named", (value[:200],), lambda: getattr(resolve(value[:200]).match, "pk", 0))
        if not named:
            return collaboration_search(queryset, value)
        by_partner = Partner.objects.filter(organisation_id=named).values("collaboration_id")
        return collaboration_search(queryset, value, also=Q(pk__in=by_partner))

    def filter_theme(self, queryset, name, codes):
        themes = Theme.objects.filter(Q(code__in=codes) | Q(parent__code__in=codes)).values("pk")
        as_secondary = Collaboration.secondary_themes.through.objects.filter(theme__in=themes).values(
            "collaboration_id"
        )
        return queryset.filter(Q(primary_theme__in=themes) | Q(pk__in=as_secondary))

    def filter_main_theme(self, queryset, name, codes):
        return queryset.filter(Q(primary_theme__code__in=codes) | Q(primary_theme__parent__code__in=codes))

    def filter_service(self, queryset, name, values):
        # `services` is a sorted comma-separated list such as "fire,police": match whole items only.
        match = Q()
        for value in values:
            match |= (
                Q(services=value)
                | Q(services__startswith=f"{value},")
                | Q(services__endswith=f",{value}")
                | Q(services__contains=f",{value},")
            )
        return queryset.filter(match)

    def filter_combination(self, queryset, name, values):
        return queryset.filter(services__in=values)

    def _with_partner(self, queryset, **lookup):
        return queryset.filter(pk__in=Partner.objects.filter(**lookup).values("collaboration_id"))

    def filter_organisation(self, queryset, name, slugs):
        return self._with_partner(queryset, organisation__slug__in=slugs)

    def filter_organisation_type(self, queryset, name, values):
        return self._with_partner(queryset, organisation__type__in=values)

    def filter_region(self, queryset, name, values):
        return self._with_partner(queryset, organisation__region__in=values)

    def filter_country(self, queryset, name, values):
        return self._with_partner(queryset, organisation__country__in=values)

    def filter_status(self, queryset, name, values):
        return queryset.filter(status__in=values)

    def filter_scope(self, queryset, name, values):
        return queryset.filter(scope__in=values)

    def filter_savings(self, queryset, name, codes):
        bands = [b for b in SAVINGS_BANDS if b.code in codes]
        in_band = Q(pk__in=[])
        amounts = Q()
        for band in bands:
            if band.code == "none":
                in_band |= ~Q(pk__in=annual_savings().values("collaboration_id"))
                continue
            within = Q(amount__gte=band.low) if band.low is not None else Q()
            if band.high is not None:
                within &= Q(amount__lt=band.high)
            amounts |= within
        if amounts:
            in_band |= Q(pk__in=annual_savings().filter(amounts).values("collaboration_id"))
        return queryset.filter(in_band)

    def filter_basis(self, queryset, name, values):
        saving = Benefit.objects.filter(kind__in=SAVING_KINDS, basis__in=values).values("collaboration_id")
        return queryset.filter(pk__in=saving)

    def filter_evidence(self, queryset, name, values):
        levels = [int(v) for v in values if v != NO_EVIDENCE]
        match = Q(pk__in=[])
        if NO_EVIDENCE in values:
            match |= ~Q(pk__in=EvidenceItem.collaborations.through.objects.values("collaboration_id"))
        if levels:
            match |= Q(pk__in=best_evidence().filter(best__in=levels).values("collaboration_id"))
        return queryset.filter(match)

    def filter_start_year(self, queryset, name, years):
        # A range per year rather than `start_date__year__in`, so the index on start_date serves it.
        match = Q(pk__in=[])
        for year in years:
            match |= Q(start_date__gte=datetime.date(year, 1, 1), start_date__lt=datetime.date(year + 1, 1, 1))
        return queryset.filter(match)

    def filter_edition(self, queryset, name, slugs):
        return queryset.filter(uid__in=Entry.objects.filter(edition__slug__in=slugs).values("uid"))

    def filter_sort(self, queryset, name, values):
        order = values[0] if values else "title"
        if order == "relevance":
            if "search_rank" in queryset.query.annotations:
                return queryset.order_by(F("search_rank").desc(nulls_last=True), "title", "pk")
            order = "title"
        if order == "newest":
            return queryset.order_by("-created_at", "-pk")
        if order == "start":
            return queryset.order_by(F("start_date").desc(nulls_last=True), "title", "pk")
        if order == "savings":
            amount = annual_savings().filter(collaboration_id=OuterRef("pk")).values("amount")[:1]
            return queryset.annotate(annual_saving=Subquery(amount)).order_by(
                F("annual_saving").desc(nulls_last=True), "title", "pk"
            )
        return queryset.order_by("title", "pk")


class OrganisationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        label=_lazy("Type"),
        choices=OrganisationType.choices,
        empty_label=_lazy("Any type"),
        error_messages={"invalid_choice": _lazy("Select a type from the list")},
        widget=_select(),
    )
    region = django_filters.ChoiceFilter(
        label=_lazy("Region"),
        choices=REGION_CHOICES,
        empty_label=_lazy("Any region"),
        error_messages={"invalid_choice": _lazy("Select a region from the list")},
        widget=_select(),
    )

    class Meta:
        model = Organisation
        fields = ["type", "region"]
        form = GovukForm
