"""API for the research commissioning register: published research questions, read-only, filtered as on the
register's page (`theme`, `status`, each may repeat). Writes go through the register's pages and services."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from bluelight.api.serializers import ThemeRefSerializer
from bluelight.api.views import ReadOnlyViewSet
from bluelight.collaborations.models import EvidenceItem
from bluelight.insights.models import ResearchQuestion
from bluelight.insights.research import ResearchQuestionFilter, published_questions, with_relations


class ResearchEvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The evidence item's page")

    class Meta:
        model = EvidenceItem
        fields = ["id", "title", "strength", "url"]

    def get_url(self, item: EvidenceItem) -> str:
        return self.context["request"].build_absolute_uri(item.get_absolute_url())


class ResearchQuestionSerializer(serializers.ModelSerializer):
    # A plain string, not an enum: the schema already has a "status" enum (the collaborations'), and two
    # enums of one name would need a settings override to tell apart.
    status = serializers.CharField(read_only=True, help_text="proposed, commissioned, in_progress or reported")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    themes = ThemeRefSerializer(many=True, read_only=True)
    evidence = ResearchEvidenceSerializer(
        many=True, read_only=True, help_text="The published evidence items the research produced"
    )
    url = serializers.SerializerMethodField(help_text="The question's page")

    class Meta:
        model = ResearchQuestion
        fields = [
            "id",
            "question",
            "description",
            "status",
            "status_label",
            "themes",
            "commissioned_by",
            "carried_out_by",
            "proposed_on",
            "commissioned_on",
            "due_on",
            "reported_on",
            "evidence",
            "url",
        ]

    def get_url(self, question: ResearchQuestion) -> str:
        return self.context["request"].build_absolute_uri(question.get_absolute_url())


@extend_schema(tags=["research"])
class ResearchQuestionViewSet(ReadOnlyViewSet):
    """Published research questions in the commissioning register: what each asks, on which themes, who
    commissioned and carried it out, when, and the evidence items it produced."""

    serializer_class = ResearchQuestionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResearchQuestionFilter

    def get_queryset(self):
        return with_relations(published_questions()).order_by("status", "question", "pk")
