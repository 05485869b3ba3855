"""API views: published collaborations, the register, themes, evidence and editions; a PATCH through the services.

Reads are the explorer's (same FilterSet, same policy) and return published records only, to everyone:
what the API says may be passed on. Writes go through `collaboration_update` for those the policy
lets edit the record, and refuse a change based on an older version.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import get_object_or_404
from django.utils.decorators import decorator_from_middleware, method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.api import serializers as s
from bluelight.collaborations.models import Collaboration, EvidenceItem, Partner, Theme
from bluelight.collaborations.services import collaboration_data_from, collaboration_update
from bluelight.core.versions import StaleVersion
from bluelight.editions.models import Edition
from bluelight.explorer.filters import CollaborationFilter, OrganisationFilter
from bluelight.organisations.models import Organisation

# An ETag (a hash of the body) on every GET, and 304 Not Modified when the client already has it.
etag = decorator_from_middleware(ConditionalGetMiddleware)


class AnonThrottle(AnonRateThrottle):
    """Anonymous clients get settings.API_ANON_RATE requests each; signed-in users are not limited."""

    def get_rate(self):
        return settings.API_ANON_RATE


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def published_collaborations():
    """The API's collaborations: published ones, whoever asks (the policy shows no one less)."""
    return Collaboration.objects.published()


def published_evidence():
    items = EvidenceItem.objects.all()
    # Evidence items may gain a publication state; then only published ones are open data.
    if hasattr(EvidenceItem, "publication"):
        items = items.filter(publication="published")
    return items


def with_relations(queryset, *, detail: bool = False):
    queryset = queryset.select_related("primary_theme").prefetch_related(
        Prefetch("partners", queryset=Partner.objects.select_related("organisation")),
        "secondary_themes",
    )
    if detail:
        queryset = queryset.prefetch_related(
            "benefits__accrues_to",
            "outcomes",
            Prefetch("evidence", queryset=published_evidence()),
        )
    return queryset


@method_decorator(etag, name="dispatch")
class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Every resource: paged, rate-limited for anonymous clients, with ETags."""

    pagination_class = Pagination
    throttle_classes = [AnonThrottle]


@extend_schema(tags=["collaborations"])
class CollaborationViewSet(mixins.UpdateModelMixin, ReadOnlyViewSet):
    """Published collaborations, filtered and sorted as on the explorer's list (a filter may repeat for several
    values); best match first when `q` is given, unless `sort` says otherwise."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = CollaborationFilter
    http_method_names = ["get", "head", "options", "patch"]

    def get_queryset(self):
        if self.action == "partial_update":
            return policy.editable_collaborations(self.request.user)
        return with_relations(published_collaborations(), detail=self.action == "retrieve")

    def get_serializer_class(self):
        if self.action == "list":
            return s.CollaborationSerializer
        return s.CollaborationDetailSerializer

    @extend_schema(
        request=s.CollaborationPatchSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The version the change is based on, e.g. "7" (or send `version` in the body)',
            )
        ],
        responses={
            200: s.CollaborationDetailSerializer,
            400: OpenApiResponse(description="A rule refused the change; the errors name the fields"),
            403: OpenApiResponse(description="You may not edit this record"),
            409: OpenApiResponse(description="The record was saved since the `version` sent; nothing was written"),
            412: OpenApiResponse(description="The record was saved since the If-Match version; nothing was written"),
            428: OpenApiResponse(description="No version was sent, so the change might undo someone else's"),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a record's title, description, status, scope, lessons or themes, as the site's form would."""
        if not request.user.is_authenticated:
            raise PermissionDenied
        collaboration = get_object_or_404(policy.editable_collaborations(request.user), pk=kwargs["pk"])
        if not policy.can(request.user, Action.EDIT, collaboration):
            raise PermissionDenied
        patch = s.CollaborationPatchSerializer(data=request.data, partial=True)
        patch.is_valid(raise_exception=True)
        changes = dict(patch.validated_data)
        if_match = _version_in(request.headers.get("If-Match", ""))
        expected = if_match if if_match is not None else changes.pop("version", None)
        changes.pop("version", None)
        if expected is None:
            return Response(
                {"detail": "Send the version your change is based on, as If-Match or `version`."},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        data = collaboration_data_from(collaboration)
        for name, value in changes.items():
            setattr(data, name, value)
        try:
            collaboration = collaboration_update(
                collaboration=collaboration, data=data, user=request.user, expected_version=expected
            )
        except StaleVersion as stale:
            return Response(
                {"detail": str(stale), "version": stale.current, "changes": stale.changes},
                status=status.HTTP_412_PRECONDITION_FAILED if if_match is not None else status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            return Response(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}, 400)
        collaboration = with_relations(Collaboration.objects.filter(pk=collaboration.pk), detail=True).get()
        return Response(s.CollaborationDetailSerializer(collaboration, context={"request": request}).data)


def _version_in(header: str) -> int | None:
    """The version an If-Match header names: "7", W/"7" or 7."""
    found = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', header)
    return int(found.group(1)) if found else None


@extend_schema(tags=["organisations"])
class OrganisationViewSet(ReadOnlyViewSet):
    """The organisation register, with how many published collaborations each is a partner in."""

    serializer_class = s.OrganisationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    lookup_url_kwarg = "slug"

    def get_queryset(self):
        published = published_collaborations().values("pk")
        return (
            Organisation.objects.select_related("successor")
            .annotate(
                collaboration_count=Count(
                    "partnerships", filter=Q(partnerships__collaboration__in=published), distinct=True
                )
            )
            .order_by("name")
        )


@extend_schema(tags=["themes"])
class ThemeViewSet(ReadOnlyViewSet):
    """The two-level theme taxonomy: top-level themes and their sub-themes (`parent`)."""

    serializer_class = s.ThemeSerializer
    queryset = Theme.objects.select_related("parent").order_by("parent__position", "position", "name")
    lookup_field = "code"
    lookup_url_kwarg = "code"


@extend_schema(tags=["evidence"])
class EvidenceViewSet(ReadOnlyViewSet):
    """Evaluations, audits and research, rated on the Maryland Scientific Methods Scale (0 to 5)."""

    serializer_class = s.EvidenceSerializer

    def get_queryset(self):
        return published_evidence().prefetch_related(
            Prefetch("collaborations", queryset=published_collaborations().only("pk")), "themes"
        )


@extend_schema(tags=["editions"])
class EditionViewSet(ReadOnlyViewSet):
    """Editions: the published collaborations frozen on a date; their entries never change."""

    serializer_class = s.EditionSerializer
    queryset = Edition.objects.order_by("-as_of", "-pk")
    lookup_field = "slug"
    lookup_url_kwarg = "slug"

    @extend_schema(responses=s.EntrySerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=s.EntrySerializer)
    def entries(self, request, slug=None):
        """The edition's entries, each a collaboration as it stood when the edition was published."""
        edition = Edition.objects.filter(slug=slug).first()
        if edition is None:
            raise NotFound
        page = self.paginate_queryset(edition.entries.order_by("pk"))
        return self.get_paginated_response(s.EntrySerializer(page, many=True).data)


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI at /api/docs/, its files served by us and its set-up script from a URL, as the CSP requires."""

    template_name = "api/swagger_ui.html"
