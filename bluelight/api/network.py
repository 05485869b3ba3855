"""API for the collaboration network: `/api/network/`, read-only, with the network page's filters (`main_theme`, which
may repeat, and `edition`). The body is `/network.json`'s, shaped by the serializers below so the schema tells
the truth about it; published records (or an edition's frozen entries) only, whoever asks."""

from django.urls import path
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bluelight.api.views import AnonThrottle, etag
from bluelight.insights import network


class NetworkFiltersSerializer(serializers.Serializer):
    main_theme = serializers.ListField(child=serializers.CharField(), help_text="Theme codes in force")
    edition = serializers.CharField(allow_null=True, help_text="The edition whose frozen entries were counted")


class NetworkCountsSerializer(serializers.Serializer):
    collaborations = serializers.IntegerField(help_text="Collaborations counted")
    organisations = serializers.IntegerField(help_text="Organisations that are partners in at least one of them")
    links = serializers.IntegerField(help_text="Pairs of organisations sharing at least one of them")
    isolated = serializers.IntegerField(
        help_text="Register police forces, fire and rescue services, ambulance trusts and commissioners in none"
    )


class NetworkNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The organisation's identifier")
    name = serializers.CharField(help_text="Its name (in an edition, as frozen)")
    type = serializers.CharField()
    type_label = serializers.CharField()
    service = serializers.CharField(help_text="police, fire, ambulance or wider")
    service_label = serializers.CharField()
    region = serializers.CharField()
    partners = serializers.IntegerField(help_text="Degree: distinct organisations it shares a collaboration with")
    collaborations = serializers.IntegerField(help_text="Collaborations counted that it is a partner in")
    link_weight = serializers.IntegerField(help_text="The sum of its links' weights")
    url = serializers.CharField(help_text="Its page on the site; empty if it has none today")


class NetworkLinkSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="One organisation's identifier (the first by name)")
    source_name = serializers.CharField()
    target = serializers.CharField(help_text="The other organisation's identifier")
    target_name = serializers.CharField()
    collaborations = serializers.IntegerField(help_text="The link's weight: collaborations counted both are in")


class NetworkSerializer(serializers.Serializer):
    filters = NetworkFiltersSerializer()
    notices = serializers.ListField(child=serializers.CharField(), help_text="Filter values ignored, and why")
    as_of = serializers.CharField(help_text="The day counted: the edition's date, or today (YYYY-MM-DD)")
    counts = NetworkCountsSerializer()
    nodes = NetworkNodeSerializer(many=True)
    links = NetworkLinkSerializer(many=True, help_text="Heaviest first")
    isolated = NetworkNodeSerializer(many=True)


@method_decorator(etag, name="dispatch")
class NetworkView(APIView):
    """Who collaborates with whom: organisations as nodes, and a link between two organisations for each pair
    that are partners together in at least one published collaboration (or an edition's frozen entry), its
    weight the number of them; with the figures the network page shows."""

    throttle_classes = [AnonThrottle]

    @extend_schema(
        tags=["network"],
        operation_id="network_retrieve",
        parameters=[
            OpenApiParameter(
                "main_theme",
                OpenApiTypes.STR,
                many=True,
                description="A theme code (may repeat); a top-level theme takes in its sub-themes",
            ),
            OpenApiParameter("edition", OpenApiTypes.STR, description="An edition's identifier: its frozen entries"),
        ],
        responses=NetworkSerializer,
    )
    def get(self, request):
        query = network.network_query(request.query_params)
        body = network.network_json(network.network_data(query), query, absolute=request.build_absolute_uri)
        return Response(NetworkSerializer(body).data)


urlpatterns = [path("network/", NetworkView.as_view(), name="network")]
