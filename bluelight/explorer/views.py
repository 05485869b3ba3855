"""Public explorer pages: the overview, collaborations and organisations. Reads come from selectors.py."""

from django.http import Http404
from django.shortcuts import redirect, render

from bluelight.accounts import policy
from bluelight.editions import definitions
from bluelight.editions.report.runs import edition_latest_with_report
from bluelight.explorer import selectors


def home(request):
    data = selectors.home_data(user=request.user)
    latest_edition, _report = edition_latest_with_report()
    return render(
        request,
        "explorer/home.html",
        {"data": data, "latest_edition": latest_edition, "definitions": definitions.headlines(data.today)},
    )


def collaboration_list(request):
    data = selectors.collaboration_list_data(user=request.user, params=request.GET, page_number=request.GET.get("page"))
    return render(request, "explorer/collaboration_list.html", {"data": data, "form": data.filterset.form})


def collaboration_detail(request, pk):
    collaboration = selectors.collaboration_get(pk)
    if collaboration is None:
        raise Http404
    if collaboration.merged_into_id:
        # Old links keep working: send people to the record that absorbed this one, if they may see it.
        survivor = selectors.collaboration_survivor(collaboration)
        policy.require(request.user, "view", survivor, hide=True)
        return redirect(survivor)
    policy.require(request.user, "view", collaboration, hide=True)
    data = selectors.collaboration_detail_data(user=request.user, collaboration=collaboration)
    return render(request, "explorer/collaboration_detail.html", {"data": data, "collaboration": collaboration})


def organisation_list(request):
    data = selectors.organisation_list_data(user=request.user, params=request.GET)
    return render(request, "explorer/organisation_list.html", {"data": data, "form": data.filterset.form})


def organisation_detail(request, slug):
    organisation = selectors.organisation_get(slug)
    if organisation is None:
        raise Http404
    policy.require(request.user, "view", organisation)
    data = selectors.organisation_detail_data(user=request.user, organisation=organisation)
    return render(request, "explorer/organisation_detail.html", {"data": data, "organisation": organisation})
