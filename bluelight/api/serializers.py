"""How the API and the explorer's .json pages write records: codes with their labels beside them, nothing personal.

No serializer here has a field for contacts, provenance, history or users, so no response built from them
can hold contact details or usernames, whoever asks.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bluelight.collaborations.models import (
    Benefit,
    Collaboration,
    EvidenceItem,
    Outcome,
    Partner,
    Scope,
    Status,
    Theme,
)
from bluelight.editions.models import Edition, Entry
from bluelight.organisations.models import Organisation, Service


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ThemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["code", "name"]


class ThemeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The top-level theme's code")
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Theme
        fields = ["code", "name", "parent", "parent_name", "description", "source"]


class PartnerSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    type = serializers.CharField(source="organisation.type", read_only=True)
    type_label = serializers.CharField(source="organisation.get_type_display", read_only=True)
    region = serializers.CharField(source="organisation.region", read_only=True)

    class Meta:
        model = Partner
        fields = ["organisation", "name", "type", "type_label", "region", "is_lead", "role"]


class BenefitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    basis_label = serializers.CharField(source="get_basis_display", read_only=True)
    accrues_to = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Benefit
        fields = [
            "kind",
            "kind_label",
            "amount_gbp",
            "basis",
            "basis_label",
            "price_year",
            "to_date",
            "accrues_to",
            "description",
        ]


class OutcomeSerializer(serializers.ModelSerializer):
    measure_label = serializers.CharField(source="get_measure_display", read_only=True)

    class Meta:
        model = Outcome
        fields = ["description", "measure", "measure_label", "value"]


class EvidenceRefSerializer(serializers.ModelSerializer):
    strength_label = serializers.CharField(source="get_strength_display", read_only=True)

    class Meta:
        model = EvidenceItem
        fields = ["id", "title", "strength", "strength_label"]


class CollaborationSerializer(serializers.ModelSerializer):
    """A collaboration as the list shows it: what it is, who, which themes, how far it has got."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    start = serializers.CharField(source="start_display", read_only=True, help_text="As precise as reported")
    end = serializers.CharField(source="end_display", read_only=True, help_text="As precise as reported")
    services = serializers.ListField(source="service_list", child=serializers.CharField(), read_only=True)
    service_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    primary_theme = ThemeRefSerializer(read_only=True)
    secondary_themes = ThemeRefSerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The record's page on the site")
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Collaboration
        fields = [
            "id",
            "uid",
            "url",
            "api_url",
            "title",
            "description",
            "status",
            "status_label",
            "scope",
            "scope_label",
            "start",
            "end",
            "services",
            "service_labels",
            "primary_theme",
            "secondary_themes",
            "partners",
            "version",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context, obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return _absolute(self.context, reverse("api:collaboration-detail", args=[obj.pk]))


class CollaborationDetailSerializer(CollaborationSerializer):
    """A collaboration with its reason for status, lessons, benefits, outcomes and published evidence."""

    benefits = BenefitSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    evidence = EvidenceRefSerializer(many=True, read_only=True)

    class Meta(CollaborationSerializer.Meta):
        fields = [*CollaborationSerializer.Meta.fields, "status_reason", "lessons", "benefits", "outcomes", "evidence"]


class CollaborationPatchSerializer(serializers.Serializer):
    """The fields a PATCH may change; anything else about a record is changed on the site."""

    title = serializers.CharField(max_length=250, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    status_reason = serializers.CharField(allow_blank=True, required=False)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    lessons = serializers.CharField(allow_blank=True, required=False)
    primary_theme = serializers.SlugRelatedField(
        slug_field="code", queryset=Theme.objects.all(), allow_null=True, required=False
    )
    secondary_themes = serializers.SlugRelatedField(
        slug_field="code", queryset=Theme.objects.all(), many=True, required=False
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        write_only=True,
        help_text="The version the change is based on (or send it as If-Match); a record saved since is refused.",
    )


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="slug", read_only=True)
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    service = serializers.CharField(read_only=True)
    service_label = serializers.SerializerMethodField()
    country_label = serializers.CharField(source="get_country_display", read_only=True)
    successor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    collaboration_count = serializers.IntegerField(
        read_only=True, help_text="Published collaborations it is a partner in"
    )
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "api_url",
            "name",
            "type",
            "type_label",
            "service",
            "service_label",
            "country",
            "country_label",
            "region",
            "official_code",
            "valid_from",
            "valid_to",
            "successor",
            "collaboration_count",
        ]

    def get_service_label(self, obj) -> str:
        return str(Service(obj.service).label)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context, obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return _absolute(self.context, reverse("api:organisation-detail", args=[obj.slug]))


class EvidenceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    strength_label = serializers.CharField(source="get_strength_display", read_only=True)
    link = serializers.URLField(source="url", read_only=True)
    collaborations = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="The published collaborations it is about"
    )
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = EvidenceItem
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "link",
            "author",
            "year",
            "summary",
            "strength",
            "strength_label",
            "collaborations",
            "themes",
        ]


class EditionSerializer(serializers.ModelSerializer):
    entries_url = serializers.SerializerMethodField()
    datapackage_url = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = [
            "slug",
            "name",
            "as_of",
            "is_baseline",
            "published_at",
            "collaborations",
            "entries_url",
            "datapackage_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_entries_url(self, obj) -> str:
        return _absolute(self.context, reverse("api:edition-entries", args=[obj.slug]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_datapackage_url(self, obj) -> str:
        return _absolute(self.context, reverse("editions:datapackage", args=[obj.slug, "json"]))


class EntrySerializer(serializers.ModelSerializer):
    """One collaboration as the edition froze it; `data` holds codes, the labels sit beside the main ones."""

    status_label = serializers.SerializerMethodField()
    scope_label = serializers.SerializerMethodField()
    data = serializers.JSONField(read_only=True, help_text="The record as frozen: title, partners, themes, benefits")

    class Meta:
        model = Entry
        fields = ["uid", "collaboration_id", "status_label", "scope_label", "data"]

    def get_status_label(self, obj) -> str:
        code = obj.data.get("status", "")
        return str(Status(code).label) if code in Status.values else code

    def get_scope_label(self, obj) -> str:
        code = obj.data.get("scope", "")
        return str(Scope(code).label) if code in Scope.values else code
