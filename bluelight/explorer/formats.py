"""Every explorer list and record page as data too: `.json` or `.csv` at the same path, or `?format=json|csv`.

The records are the page's (the same CollaborationFilter on the same query string) but published ones
only, whoever asks, so a download can always be passed on; JSON has the API's shape (its serializers),
CSV one row a record with labels beside codes. CSV cells pass through `cell_safe`, so a spreadsheet
never runs a title such as "=HYPERLINK(...)", and start with a byte order mark so Excel reads UTF-8.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from bluelight.api.serializers import CollaborationDetailSerializer, CollaborationSerializer, OrganisationSerializer
from bluelight.api.views import Pagination, with_relations
from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.selectors import figures_cached
from bluelight.core.data_responses import FORMATS, csv_response, etag, json_response
from bluelight.explorer import selectors
from bluelight.explorer.filters import CollaborationFilter

CSV_CHUNK = 500


def _joined(values) -> str:
    return "; ".join(str(v) for v in values if v)


# Collaborations

COLLABORATION_COLUMNS = [
    "id",
    "uid",
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
    "primary_theme_label",
    "secondary_themes",
    "secondary_theme_labels",
    "lead_organisation",
    "lead_organisation_name",
    "partners",
    "partner_names",
    "regions",
    "url",
]


def collaboration_row(collaboration: Collaboration, request) -> dict:
    """One collaboration as a CSV row: codes with their labels, several values joined with "; "."""
    partners = list(collaboration.partners.all())
    lead = next((p.organisation for p in partners if p.is_lead), None)
    theme = collaboration.primary_theme
    secondary = list(collaboration.secondary_themes.all())
    return {
        "id": collaboration.pk,
        "uid": str(collaboration.uid),
        "title": collaboration.title,
        "description": collaboration.description,
        "status": collaboration.status,
        "status_label": collaboration.get_status_display(),
        "scope": collaboration.scope,
        "scope_label": collaboration.get_scope_display(),
        "start": collaboration.start_display,
        "end": collaboration.end_display,
        "services": _joined(collaboration.service_list),
        "service_labels": _joined(collaboration.service_labels),
        "primary_theme": theme.code if theme else "",
        "primary_theme_label": theme.name if theme else "",
        "secondary_themes": _joined(t.code for t in secondary),
        "secondary_theme_labels": _joined(t.name for t in secondary),
        "lead_organisation": lead.slug if lead else "",
        "lead_organisation_name": lead.name if lead else "",
        "partners": _joined(p.organisation.slug for p in partners),
        "partner_names": _joined(p.organisation.name for p in partners),
        "regions": _joined(sorted({p.organisation.region for p in partners if p.organisation.region})),
        "url": request.build_absolute_uri(collaboration.get_absolute_url()),
    }


def collaboration_results(*, user, params):
    """The records the list page shows for `params` (same filter set, same order), published ones only."""
    filterset = CollaborationFilter(params, queryset=with_relations(selectors.published_collaborations(user)))
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@etag
def collaboration_list(request, fmt: str):
    """/collaborations.json (a page of 25, with count/next/previous, as the API) or .csv (every match)."""
    if fmt not in FORMATS:
        raise Http404
    if fmt == "csv":
        results = collaboration_results(user=request.user, params=request.GET)
        rows = (collaboration_row(c, request) for c in results.iterator(chunk_size=CSV_CHUNK))
        return csv_response("collaborations.csv", COLLABORATION_COLUMNS, rows, stream=True)

    def page_data() -> dict:
        pagination = Pagination()
        results = collaboration_results(user=request.user, params=request.GET)
        page = pagination.paginate_queryset(results, Request(request))
        data = CollaborationSerializer(page, many=True, context={"request": request}).data
        # Plain JSON types, so the cache keeps data rather than DRF's serializer-bound lists.
        return json.loads(json.dumps(pagination.get_paginated_response(data).data, cls=DjangoJSONEncoder))

    # Published records only, the same for everyone asking the same question at the same address:
    # kept a minute, renewed at once when a service writes a record (figures_cached).
    question = (request.scheme, request.get_host(), *sorted((k, tuple(v)) for k, v in request.GET.lists()))
    try:
        return json_response(figures_cached("collaborations-json", question, page_data))
    except NotFound:
        raise Http404 from None


@etag
def collaboration_detail(request, fmt: str, pk: int):
    """/collaborations/<id>.json or .csv: a published record; a merged one sends you to its survivor's."""
    if fmt not in FORMATS:
        raise Http404
    collaboration = Collaboration.objects.filter(pk=pk).first()
    if collaboration is None:
        raise Http404
    if collaboration.merged_into_id:
        survivor = selectors.collaboration_survivor(collaboration)
        if not survivor.is_published:
            raise Http404
        return redirect(reverse("explorer:collaboration_data", args=[survivor.pk, fmt]))
    found = with_relations(selectors.published_collaborations(request.user).filter(pk=pk), detail=True).first()
    if found is None:
        raise Http404
    if fmt == "csv":
        row = collaboration_row(found, request)
        return csv_response(f"collaboration-{pk}.csv", COLLABORATION_COLUMNS, [row], stream=True)
    return json_response(CollaborationDetailSerializer(found, context={"request": request}).data)


# Organisations

ORGANISATION_COLUMNS = [
    "id",
    "name",
    "type",
    "type_label",
    "service",
    "service_label",
    "country",
    "region",
    "official_code",
    "valid_from",
    "valid_to",
    "successor",
    "collaboration_count",
    "url",
]


@etag
def organisation_list(request, fmt: str):
    """/organisations.json or .csv: the register as the page lists it, with published collaboration counts."""
    if fmt not in FORMATS:
        raise Http404
    data = selectors.organisation_list_data(user=request.user, params=request.GET)
    organisations = [o for group in data.groups for o in group.organisations]
    rows = OrganisationSerializer(organisations, many=True, context={"request": request}).data
    if fmt == "csv":
        return csv_response("organisations.csv", ORGANISATION_COLUMNS, rows, stream=True)
    return json_response({"count": len(rows), "results": rows})
