"""Opportunity finder pages: one organisation's opportunities (public), and the areas with no collaboration recorded
between services that cover them (analysts). Each is also `.json` and `.csv`, or `?format=json|csv`.

Downloads of an organisation's opportunities are the public view (published records only) whoever asks, as the
explorer's are, so a file can always be passed on; its editors' drafts show on the page only.
"""


from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.core.data_responses import FORMATS, csv_response, json_response, offers_data
from bluelight.insights import opportunities
from bluelight.insights import opportunity_gaps as gaps
from bluelight.organisations.models import Organisation


def organisation_opportunities_data(request, fmt: str, slug: str):
    if fmt not in FORMATS:
        raise Http404
    organisation = get_object_or_404(Organisation, slug=slug)
    policy.require(request.user, Action.VIEW, organisation)
    data = opportunities.opportunity_page_data(organisation=organisation, user=None)
    if fmt == "csv":
        rows = opportunities.opportunity_rows(data, request.build_absolute_uri)
        return csv_response(f"opportunities-{slug}.csv", opportunities.OPPORTUNITY_COLUMNS, rows, stream=True)
    return json_response(opportunities.opportunity_page_json(data, request.build_absolute_uri))


@offers_data(organisation_opportunities_data)
def organisation_opportunities(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    policy.require(request.user, Action.VIEW, organisation)
    data = opportunities.opportunity_page_data(organisation=organisation, user=request.user)
    return render(request, "insights/opportunities_organisation.html", {"data": data, "organisation": organisation})


@login_required
def opportunity_gaps_data(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    policy.require(request.user, Action.MANAGE_RESEARCH)
    data = gaps.gaps_page_data(sort=request.GET.get("sort", "gaps"), show=request.GET.get("show", "gaps"))
    if fmt == "csv":
        return csv_response("opportunity-gaps.csv", gaps.GAP_COLUMNS, gaps.gap_csv_rows(data), stream=True)
    return json_response(gaps.gaps_page_json(data))


@login_required
@offers_data(opportunity_gaps_data)
def opportunity_gaps(request):
    policy.require(request.user, Action.MANAGE_RESEARCH)
    data = gaps.gaps_page_data(
        sort=request.GET.get("sort", "gaps"), show=request.GET.get("show", "gaps"), base_url=request.path
    )
    return render(request, "insights/opportunities_gaps.html", {"data": data, "shows": gaps.GAP_SHOWS})
