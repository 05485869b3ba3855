"""API for research priorities: `/api/priorities/`, read-only, with the page's parameters (each component's weight,
and `edition`). The body is `/priorities.json`'s, shaped by the serializers below so the schema tells the truth
about it; computed from published records (or an edition's frozen entries) only, whoever asks."""

from django.urls import path
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelight.api.views import AnonThrottle, etag
from bluelight.insights.priorities import COMPONENTS, DEFAULT_WEIGHTS, LABELS
from bluelight.insights.priorities_page import priorities_json, priorities_page_data


class PrioritySourceSerializer(serializers.Serializer):
    edition = serializers.CharField(allow_null=True, help_text="The edition whose frozen entries were counted")
    edition_name = serializers.CharField(allow_null=True)
    baseline = serializers.CharField(allow_null=True, help_text="The baseline edition growth is measured from")
    counts = serializers.CharField(help_text="What the counts count, in words")


class PriorityComponentSerializer(serializers.Serializer):
    label = serializers.CharField()
    raw = serializers.JSONField(help_text="The values the component is computed from, by name")
    normalised = serializers.FloatField(help_text="0 (lowest theme) to 1 (highest theme)")
    weight = serializers.FloatField(help_text="Its weight in this ranking; 0 if it could not be computed")
    contribution = serializers.FloatField(help_text="weight * normalised / sum of the weights: its part of the score")


class PriorityThemeSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    code = serializers.CharField(help_text="The top-level theme's code")
    name = serializers.CharField()
    score = serializers.FloatField(help_text="0 to 1: the sum of the components' contributions")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="The components in words, largest first")
    components = serializers.DictField(child=PriorityComponentSerializer(), help_text=", ".join(COMPONENTS))


class PrioritySensitivitySerializer(serializers.Serializer):
    component = serializers.CharField()
    factor = serializers.FloatField(help_text="0.5 (down by half) or 1.5 (up by half)")
    weight = serializers.FloatField(help_text="The component's weight so moved")
    entered = serializers.ListField(child=serializers.CharField(), help_text="Themes that would enter the top five")
    left = serializers.ListField(child=serializers.CharField(), help_text="Themes that would leave it")
    reordered = serializers.BooleanField(help_text="The same five, in another order")
    text = serializers.CharField()


class PrioritiesSerializer(serializers.Serializer):
    source = PrioritySourceSerializer()
    weights = serializers.DictField(child=serializers.FloatField(), help_text="The weights used, by component")
    default_weights = serializers.DictField(child=serializers.FloatField())
    basis_credit = serializers.DictField(
        child=serializers.FloatField(), help_text="How much a pound of annual saving counts, by basis"
    )
    unavailable = serializers.ListField(child=serializers.CharField(), help_text="Components left out, and so why")
    notices = serializers.ListField(child=serializers.CharField(), help_text="Parameters ignored, and why")
    register = serializers.DictField(child=serializers.IntegerField(), help_text="Register organisations by service")
    themes = PriorityThemeSerializer(many=True, help_text="Highest score first")
    sensitivity = PrioritySensitivitySerializer(many=True)


@method_decorator(etag, name="dispatch")
class PrioritiesView(APIView):
    """Research priorities by top-level theme: each component's raw and 0..1 value, the combined score with the
    weights given, the ranking, the reasons in words and how the top five moves when a weight moves by half."""

    throttle_classes = [AnonThrottle]

    @extend_schema(
        tags=["priorities"],
        operation_id="priorities_retrieve",
        parameters=[
            *[
                OpenApiParameter(
                    key,
                    OpenApiTypes.NUMBER,
                    description=f"Weight of {str(LABELS[key]).lower()}, 0 to 10 (default {DEFAULT_WEIGHTS[key]})",
                )
                for key in COMPONENTS
            ],
            OpenApiParameter("edition", OpenApiTypes.STR, description="An edition's identifier: its frozen entries"),
        ],
        responses=PrioritiesSerializer,
    )
    def get(self, request):
        data = priorities_page_data(params=request.query_params)
        errors = [str(e) for errors in data.form.errors.values() for e in errors] if data.form.is_bound else []
        return Response(PrioritiesSerializer(priorities_json(data.ranking, notices=data.notices + errors)).data)


urlpatterns = [path("priorities/", PrioritiesView.as_view(), name="priorities")]
