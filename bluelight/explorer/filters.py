"""Filters for published collaborations and organisations, shared by the explorer pages and the REST API.

Parameter names are part of the public contract (DESIGN.md, "Public web and API"): `q`, `theme`, `main_theme`,
`service`, `organisation`, `region`, `status`. Filters that match through partners or secondary
themes use `pk__in` subqueries rather than joins, so a record is never listed twice.
"""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Collaboration, Partner, Status, Theme
from bluelight.organisations.models import REGIONS, Organisation, OrganisationType, Service

REGION_CHOICES = [(region, region) for region in REGIONS]


class GovukForm(forms.Form):
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


class CollaborationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=200,
        help_text=_("Words in the title, description or a partner's name"),
        error_messages={"max_length": _("Search must be 200 characters or fewer")},
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search", "spellcheck": "false"}),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.select_related("parent"),
        to_field_name="code",
        method="filter_theme",
        empty_label=_("Any theme"),
        error_messages={"invalid_choice": _("Select a theme from the list")},
        help_text=_("A theme also includes its sub-themes"),
        widget=_select(),
    )
    main_theme = django_filters.ModelChoiceFilter(
        label=_("Main theme"),
        queryset=Theme.objects.select_related("parent"),
        to_field_name="code",
        method="filter_main_theme",
        empty_label=_("Any main theme"),
        error_messages={"invalid_choice": _("Select a theme from the list")},
        help_text=_("The theme a collaboration is mainly about, with its sub-themes; as the overview counts"),
        widget=_select(),
    )
    service = django_filters.ChoiceFilter(
        label=_("Service involved"),
        choices=Service.choices,
        method="filter_service",
        empty_label=_("Any service"),
        error_messages={"invalid_choice": _("Select a service from the list")},
        widget=_select(),
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        field_name="partners__organisation",
        empty_label=_("Any organisation"),
        error_messages={"invalid_choice": _("Select an organisation from the list")},
        widget=_select(),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        choices=REGION_CHOICES,
        method="filter_region",
        empty_label=_("Any region"),
        error_messages={"invalid_choice": _("Select a region from the list")},
        help_text=_("Where one of the partners is based"),
        widget=_select(),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        empty_label=_("Any status"),
        error_messages={"invalid_choice": _("Select a status from the list")},
        widget=_select(),
    )

    class Meta:
        model = Collaboration
        fields = ["q", "theme", "main_theme", "service", "organisation", "region", "status"]
        form = GovukForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        by_partner = Partner.objects.filter(
            Q(organisation__name__icontains=value) | Q(organisation__aliases__name__icontains=value)
        ).values("collaboration_id")
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value) | Q(pk__in=by_partner))

    def filter_theme(self, queryset, name, theme):
        themes = Theme.objects.filter(Q(pk=theme.pk) | Q(parent=theme))
        as_secondary = Collaboration.secondary_themes.through.objects.filter(theme__in=themes).values(
            "collaboration_id"
        )
        return queryset.filter(Q(primary_theme__in=themes) | Q(pk__in=as_secondary))

    def filter_main_theme(self, queryset, name, theme):
        return queryset.filter(Q(primary_theme=theme) | Q(primary_theme__parent=theme))

    def filter_service(self, queryset, name, value):
        # `services` is a sorted comma-separated list such as "fire,police": match whole items only.
        return queryset.filter(
            Q(services=value)
            | Q(services__startswith=f"{value},")
            | Q(services__endswith=f",{value}")
            | Q(services__contains=f",{value},")
        )

    def filter_region(self, queryset, name, value):
        in_region = Partner.objects.filter(organisation__region=value).values("collaboration_id")
        return queryset.filter(pk__in=in_region)


class OrganisationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=OrganisationType.choices,
        empty_label=_("Any type"),
        error_messages={"invalid_choice": _("Select a type from the list")},
        widget=_select(),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        choices=REGION_CHOICES,
        empty_label=_("Any region"),
        error_messages={"invalid_choice": _("Select a region from the list")},
        widget=_select(),
    )

    class Meta:
        model = Organisation
        fields = ["type", "region"]
        form = GovukForm
