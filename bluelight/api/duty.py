"""API for the duty to collaborate record: signed-in users only. Editors read their organisations' records and
add opportunities to them (POST, through `duty_opportunity_create` and its rules); analysts read every record.

A record is a service's own account of its decisions, never open data: anonymous requests are refused, and a
record the policy does not let a user read is not found. POST creates, so there is no earlier version to send
with If-Match (the collaborations' PATCH needs one); the notifications and decision are written with it at once.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.api.serializers import ThemeRefSerializer
from bluelight.api.views import Pagination, etag
from bluelight.collaborations.models import Collaboration, Theme
from bluelight.insights import duty
from bluelight.insights.models import DutyDecision, DutyOpportunity, DutySource, StatutoryAnswer
from bluelight.organisations.models import Organisation

ANSWERS = "yes, no or empty (not yet assessed)"


class DutyNotificationSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), help_text="The partner notified (its identifier)"
    )
    name = serializers.CharField(source="organisation.name", read_only=True)
    notified_on = serializers.DateField()
    response = serializers.CharField(required=False, allow_blank=True, default="", help_text="What it answered")


class DutyDocumentSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The link, or the uploaded PDF's address on the site")

    def get_url(self, document) -> str:
        return document.url or self.context["request"].build_absolute_uri(duty.duty_document_path(document))


class DutyOpportunitySerializer(serializers.ModelSerializer):
    """One opportunity considered: proposal, partners notified, joint consideration, decision and reasons."""

    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    theme = ThemeRefSerializer(read_only=True, allow_null=True)
    # Plain strings rather than enums: "source" and "status" enums of other choices are in the schema already.
    source = serializers.CharField(read_only=True, help_text="finder, proposal or own")
    decision = serializers.CharField(read_only=True, help_text="under_consideration, proceed or decline")
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    efficiency = serializers.CharField(read_only=True, help_text=f"In the interests of efficiency: {ANSWERS}")
    effectiveness = serializers.CharField(read_only=True, help_text=f"In the interests of effectiveness: {ANSWERS}")
    public_safety_harm = serializers.CharField(
        read_only=True, help_text=f"An adverse effect on public safety: {ANSWERS}"
    )
    notifications = DutyNotificationSerializer(many=True, read_only=True)
    documents = DutyDocumentSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The opportunity's page")

    class Meta:
        model = DutyOpportunity
        fields = [
            "id", "url", "organisation", "organisation_name", "title", "proposal", "theme", "source",
            "identified_on", "notifications", "considered_jointly_on", "joint_consideration", "decision",
            "decision_label", "decided_on", "efficiency", "effectiveness", "public_safety_harm", "reasons",
            "documents", "collaboration",
        ]

    def get_url(self, opportunity) -> str:
        return self.context["request"].build_absolute_uri(opportunity.get_absolute_url())


def _one_of(values, what: str):
    def check(value):
        if value not in values:
            raise serializers.ValidationError(f"{what} must be one of: {', '.join(v or '(empty)' for v in values)}.")
        return value

    return check


class DutyOpportunityCreateSerializer(serializers.Serializer):
    """A new opportunity in an organisation's record, with the partners already notified."""

    organisation = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    title = serializers.CharField(max_length=300)
    proposal = serializers.CharField(required=False, allow_blank=True, default="")
    theme = serializers.SlugRelatedField(slug_field="code", queryset=Theme.objects.all(), required=False,
                                         allow_null=True, default=None)
    source = serializers.CharField(required=False, default=DutySource.OWN,
                                   validators=[_one_of(DutySource.values, "source")])
    identified_on = serializers.DateField()
    notifications = DutyNotificationSerializer(many=True, required=False, default=list)
    considered_jointly_on = serializers.DateField(required=False, allow_null=True, default=None)
    joint_consideration = serializers.CharField(required=False, allow_blank=True, default="")
    decision = serializers.CharField(required=False, default=DutyDecision.UNDER_CONSIDERATION,
                                     validators=[_one_of(DutyDecision.values, "decision")])
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    efficiency = serializers.CharField(required=False, allow_blank=True, default="",
                                       validators=[_one_of(StatutoryAnswer.values, "efficiency")])
    effectiveness = serializers.CharField(required=False, allow_blank=True, default="",
                                          validators=[_one_of(StatutoryAnswer.values, "effectiveness")])
    public_safety_harm = serializers.CharField(required=False, allow_blank=True, default="",
                                               validators=[_one_of(StatutoryAnswer.values, "public_safety_harm")])
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    collaboration = serializers.PrimaryKeyRelatedField(queryset=Collaboration.objects.all(), required=False,
                                                       allow_null=True, default=None)

    def opportunity_data(self) -> duty.DutyOpportunityData:
        values = dict(self.validated_data)
        values.pop("organisation")
        values["notifications"] = [duty.DutyNotificationData(**n) for n in values["notifications"]]
        return duty.DutyOpportunityData(**values)


class DutyFilter(filters.FilterSet):
    organisation = filters.CharFilter(field_name="organisation__slug", help_text="An organisation's identifier")
    decision = filters.CharFilter(help_text="under_consideration, proceed or decline")

    class Meta:
        model = DutyOpportunity
        fields = ["organisation", "decision"]


@extend_schema(tags=["duty"])
@method_decorator(etag, name="dispatch")
class DutyOpportunityViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Opportunities considered under the duty to collaborate: your organisations' records (analysts: all)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = DutyOpportunitySerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DutyFilter

    def get_queryset(self):
        visible = duty.duty_visible(self.request.user).values("pk")
        return duty.duty_opportunities().filter(pk__in=visible).order_by("organisation__name", "-identified_on", "pk")

    @extend_schema(
        request=DutyOpportunityCreateSerializer,
        responses={
            201: DutyOpportunitySerializer,
            400: OpenApiResponse(description="A rule refused it; the errors name the fields and the rules' codes"),
            403: OpenApiResponse(description="You do not keep this organisation's record"),
        },
    )
    def create(self, request, *args, **kwargs):
        """Record an opportunity in an organisation's record, as the site's form would, with its rules."""
        incoming = DutyOpportunityCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organisation = incoming.validated_data["organisation"]
        if not policy.can(request.user, Action.EDIT_DUTY, organisation):
            raise PermissionDenied("You do not keep this organisation's duty record.")
        try:
            opportunity = duty.duty_opportunity_create(
                organisation=organisation, data=incoming.opportunity_data(), user=request.user
            )
        except DjangoValidationError as error:
            return Response(_errors(error), status=status.HTTP_400_BAD_REQUEST)
        opportunity = duty.duty_opportunities().get(pk=opportunity.pk)
        return Response(self.get_serializer(opportunity).data, status=status.HTTP_201_CREATED)


def _errors(error: DjangoValidationError) -> dict:
    """The rules' refusals by field, each message with its code, so a client can tell DUTY005 from DUTY006."""
    if not hasattr(error, "error_dict"):
        return {"detail": error.messages}
    return {
        field: [{"code": e.code, "message": " ".join(e.messages)} for e in errors]
        for field, errors in error.error_dict.items()
    }


# Included from bluelight/api/urls.py: /api/duty/ and /api/duty/<id>/.
router = SimpleRouter(trailing_slash=True)
router.register("duty", DutyOpportunityViewSet, basename="duty")
urlpatterns = router.urls
