"""API for the opportunity finder: an organisation's opportunities (public, published records only) and the areas
with no collaboration recorded between services that cover them (analysts only).

The bodies are built by bluelight.insights.opportunities, the same functions as the pages' `.json`, so the two
cannot drift; the serializers here describe that shape for the OpenAPI schema. Mounted by one line in urls.py.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.api.views import AnonThrottle, etag
from bluelight.insights import opportunities, opportunity_gaps
from bluelight.organisations.models import Organisation


class TierSerializer(serializers.Serializer):
    pursuing = serializers.IntegerField(help_text="Of them, partners in a published collaboration on the theme")
    total = serializers.IntegerField(help_text="In the tier: in the register, existing today, not this one")


class ExampleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    best_evidence = serializers.IntegerField(allow_null=True, help_text="Best published evidence, Maryland scale 0-5")
    annual_savings_reported = serializers.BooleanField()
    url = serializers.URLField()


class CollaborationLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()


class PartnerWorkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    collaborations = CollaborationLinkSerializer(many=True)


class OrganisationRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class OpportunitySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    theme = serializers.CharField(help_text="The theme's code")
    theme_name = serializers.CharField()
    theme_url = serializers.URLField()
    same_type = TierSerializer(help_text="Other organisations of its type")
    same_region = TierSerializer(help_text="Other police, fire and ambulance organisations in its region")
    all = TierSerializer(help_text="Other police, fire and ambulance organisations in England and Wales")
    collaborations = serializers.IntegerField(help_text="Published collaborations with the theme as main theme")
    with_annual_savings = serializers.IntegerField()
    well_evidenced = serializers.IntegerField(help_text="With published evidence rated 3 or more")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="The counts in words")
    examples = ExampleSerializer(many=True)
    natural_partners_doing = PartnerWorkSerializer(many=True)
    natural_partners_not_yet = OrganisationRefSerializer(many=True)


class NaturalPartnerSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    shared_police_force_areas = serializers.ListField(child=serializers.CharField())


class OrganisationSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    region = serializers.CharField()


class OpportunitiesSerializer(serializers.Serializer):
    organisation = OrganisationSummarySerializer()
    ranking = serializers.CharField(help_text="How the opportunities are ordered, in words")
    count = serializers.IntegerField()
    opportunities = OpportunitySerializer(many=True)
    natural_partners = NaturalPartnerSerializer(many=True)
    covered_themes = serializers.ListField(child=serializers.CharField(), help_text="Themes it already pursues")


class GapAreaSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ONS police force area code")
    name = serializers.CharField()
    region = serializers.CharField()
    country = serializers.CharField()
    organisations = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Service: organisations covering it"
    )
    collaborations = serializers.IntegerField(help_text="Published, between at least two services covering it")
    collaborations_by_pair = serializers.DictField(child=serializers.IntegerField())
    pairs_without_collaboration = serializers.ListField(child=serializers.CharField())


class GapsSerializer(serializers.Serializer):
    police_force_areas = serializers.IntegerField()
    covered_by_all_three_services = serializers.IntegerField()
    with_a_pair_never_collaborating = serializers.IntegerField()
    areas_without_collaboration_by_pair = serializers.DictField(child=serializers.IntegerField())
    sort = serializers.CharField()
    show = serializers.CharField()
    count = serializers.IntegerField()
    results = GapAreaSerializer(many=True)


@method_decorator(etag, name="dispatch")
class OrganisationOpportunitiesView(APIView):
    """Themes other organisations pursue with annual savings or evidence rated 3 or more, but this one does not,
    ranked, with examples and its natural partners. Published records only, whoever asks."""

    throttle_classes = [AnonThrottle]

    @extend_schema(tags=["opportunities"], responses=OpportunitiesSerializer)
    def get(self, request, slug: str):
        organisation = get_object_or_404(Organisation, slug=slug)
        data = opportunities.opportunity_page_data(organisation=organisation, user=None)
        return Response(opportunities.opportunity_page_json(data, request.build_absolute_uri))


@method_decorator(etag, name="dispatch")
class OpportunityGapsView(APIView):
    """Police force areas covered by police, fire and ambulance with a pair of them never collaborating there.
    For analysts."""

    @extend_schema(
        tags=["opportunities"],
        parameters=[
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(opportunity_gaps.GAP_SORTS)),
            OpenApiParameter("show", OpenApiTypes.STR, enum=list(opportunity_gaps.GAP_SHOWS)),
        ],
        responses={200: GapsSerializer, 403: OpenApiResponse(description="For analysts only")},
    )
    def get(self, request):
        if not policy.can(request.user, Action.MANAGE_RESEARCH):
            raise PermissionDenied
        data = opportunity_gaps.gaps_page_data(
            sort=request.query_params.get("sort", "gaps"), show=request.query_params.get("show", "gaps")
        )
        return Response(opportunity_gaps.gaps_page_json(data))


urlpatterns = [
    path(
        "organisations/<slug:slug>/opportunities/",
        OrganisationOpportunitiesView.as_view(),
        name="organisation_opportunities",
    ),
    path("opportunity-gaps/", OpportunityGapsView.as_view(), name="opportunity_gaps"),
]
