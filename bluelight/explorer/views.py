"""Explorer pages: the overview, collaborations, organisations, themes, evidence (and its form for analysts) and an
edition's frozen list. Reads come from selectors.py and pages.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.forms import EvidenceItemForm
from bluelight.collaborations.models import EvidenceItem
from bluelight.collaborations.selectors import figures_cached
from bluelight.collaborations.services import evidence_item_create, evidence_item_update
from bluelight.core.data_responses import offers_data
from bluelight.core.forms import form_add_service_errors
from bluelight.editions import definitions
from bluelight.editions.models import Edition
from bluelight.editions.report.runs import edition_latest_with_report
from bluelight.explorer import formats, pages, selectors
from bluelight.insights.research import theme_research_data


def home(request):
    # Five aggregations over every published record (1.4 s of CPU at 100,000 records), the same for
    # everyone: kept a minute, and recomputed at once after a service writes a record.
    data = figures_cached("home", (), lambda: selectors.home_data(user=request.user))
    latest_edition, _report = edition_latest_with_report()
    return render(
        request,
        "explorer/home.html",
        {"data": data, "latest_edition": latest_edition, "definitions": definitions.headlines(data.today)},
    )


@offers_data(formats.collaboration_list)
def collaboration_list(request):
    data = selectors.collaboration_list_data(
        user=request.user, params=request.GET, page_number=request.GET.get("page"), base_url=request.path
    )
    return render(request, "explorer/collaboration_list.html", {"data": data, "form": data.filterset.form})


@offers_data(formats.collaboration_detail)
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

    def context() -> dict:
        data = selectors.collaboration_detail_data(user=request.user, collaboration=collaboration)
        more = pages.collaboration_page_data(
            user=request.user, collaboration=collaboration, partners=data.partners, benefits=data.benefits
        )
        return {"data": data, "more": more, "collaboration": collaboration}

    if request.user.is_authenticated:  # what they may see differs (contacts, history, drafts)
        return render(request, "explorer/collaboration_detail.html", context())
    # The same for every member of the public: the rendered content is kept a minute under the
    # records' version (renewed at once by any write through the services).
    content = figures_cached(
        "collaboration-page",
        (pk,),
        lambda: render_to_string("explorer/includes/collaboration_detail_content.html", context(), request=request),
    )
    return render(request, "explorer/collaboration_detail.html", {"collaboration": collaboration, "content": content})


@offers_data(formats.organisation_list)
def organisation_list(request):
    data = selectors.organisation_list_data(user=request.user, params=request.GET)
    return render(request, "explorer/organisation_list.html", {"data": data, "form": data.filterset.form})


def organisation_detail(request, slug):
    organisation = selectors.organisation_get(slug)
    if organisation is None:
        raise Http404
    policy.require(request.user, "view", organisation)
    data = selectors.organisation_detail_data(user=request.user, organisation=organisation)
    more = pages.organisation_page_data(organisation=organisation)
    context = {"data": data, "more": more, "organisation": organisation}
    context["can_view_duty"] = policy.can(request.user, Action.VIEW_DUTY, organisation)  # its editors, analysts
    return render(request, "explorer/organisation_detail.html", context)


# Theme pages, evidence items and an edition's frozen list: reads come from pages.py.


def theme_list(request):
    return render(request, "explorer/theme_list.html", {"data": pages.theme_list_data()})


def theme_detail(request, code: str):
    theme = pages.theme_get(code)
    if theme is None:
        raise Http404
    data = pages.theme_detail_data(user=request.user, theme=theme)
    research = theme_research_data(theme=theme)  # what is known, being studied, still a gap (the research register)
    return render(request, "explorer/theme_detail.html", {"data": data, "theme": theme, "research": research})


def evidence_list(request):
    data = pages.evidence_list_data(user=request.user, params=request.GET, page_number=request.GET.get("page"))
    return render(request, "explorer/evidence_list.html", {"data": data})


def evidence_detail(request, pk: int):
    item = pages.evidence_get(user=request.user, pk=pk)
    if item is None:
        raise Http404
    data = pages.evidence_detail_data(user=request.user, item=item)
    return render(request, "explorer/evidence_detail.html", {"data": data, "item": item})


def edition_collaborations(request, slug: str):
    edition = get_object_or_404(Edition, slug=slug)
    data = pages.frozen_list_data(edition=edition, params=request.GET, page_number=request.GET.get("page"))
    return render(request, "explorer/edition_collaborations.html", {"data": data, "edition": edition})


# Recording evidence items: analysts only (policy: manage_evidence); writes go through the services.


def _evidence_form_page(request, item=None):
    policy.require(request.user, Action.MANAGE_EVIDENCE, item)
    initial = None
    if item is None and request.method == "GET" and request.GET.get("collaboration", "").isdigit():
        initial = {"collaborations": request.GET["collaboration"], "publication": "published", "kind": "evaluation"}
    form = EvidenceItemForm(request.POST or None, request.FILES or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                item = evidence_item_create(data=form.evidence_data(), user=request.user)
            else:
                item = evidence_item_update(item=item, data=form.evidence_data(), user=request.user)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The evidence item was saved."))
            return redirect(item)
    return render(request, "explorer/evidence_form.html", {"form": form, "item": item})


@login_required
def evidence_create(request):
    return _evidence_form_page(request)


@login_required
def evidence_edit(request, pk: int):
    return _evidence_form_page(request, get_object_or_404(EvidenceItem, pk=pk))


def evidence_document(request, pk: int):
    """An evidence item's uploaded PDF, to whoever may see the item (the public only while it is published)."""
    item = pages.evidence_get(user=request.user, pk=pk)
    if item is None or not item.document:
        raise Http404
    return FileResponse(
        item.document.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"evidence-{pk}.pdf"
    )
