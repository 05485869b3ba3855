"""Duty to collaborate pages: an organisation's record (also .json, .csv and a dated PDF), an opportunity, its
forms, its documents, and the analysts' national picture. Reads and writes are in insights/duty.py.

Every page needs a signed-in user the policy lets read the record; to anyone else the record does not exist (404).
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.core.data_responses import FORMATS, csv_response, json_response
from bluelight.insights import duty
from bluelight.insights.forms.duty import DutyDocumentForm, DutyNotificationForm, DutyOpportunityForm
from bluelight.insights.models import DutyDocument, DutyOpportunity
from bluelight.organisations.models import Organisation


def _organisation(request, slug: str, action: str = Action.VIEW_DUTY) -> Organisation:
    """The organisation whose record `request.user` may read (404 otherwise); 403 if they may read but not `action`."""
    organisation = get_object_or_404(Organisation, slug=slug)
    policy.require(request.user, Action.VIEW_DUTY, organisation, hide=True)
    policy.require(request.user, action, organisation)
    return organisation


def _opportunity(organisation: Organisation, pk: int) -> DutyOpportunity:
    return get_object_or_404(duty.duty_opportunities([organisation]), pk=pk)


def _counts(counts: duty.DutyCounts) -> dict:
    return {
        "considered": counts.considered,
        "proceeded": counts.proceeded,
        "declined": counts.declined,
        "under_consideration": counts.under_consideration,
    }


# The organisation's record -----------------------------------------------------------------


@login_required
def duty_record(request, slug: str, fmt: str | None = None):
    organisation = _organisation(request, slug)
    fmt = fmt or request.GET.get("format")
    record = duty.duty_record_data(organisation=organisation)
    if fmt is not None:
        if fmt not in FORMATS:
            raise Http404
        rows = [duty.duty_row(o, absolute=request.build_absolute_uri) for o in record.opportunities]
        if fmt == "csv":
            return csv_response(f"duty-record-{organisation.slug}.csv", duty.DUTY_COLUMNS, map(duty.duty_csv_row, rows))
        return json_response({
            "organisation": {"slug": organisation.slug, "name": organisation.name, "country": organisation.country},
            "as_at": record.as_at,
            "voluntary": record.is_voluntary,
            "counts": _counts(record.counts),
            "results": rows,
        })
    may_edit = policy.can(request.user, Action.EDIT_DUTY, organisation)
    return render(request, "insights/duty_record.html", {"record": record, "organisation": organisation,
                                                          "may_edit": may_edit})


@login_required
def duty_record_pdf(request, slug: str):
    """The record as a dated A4 document an organisation can show an inspector."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s that other pages never need

    organisation = _organisation(request, slug)
    record = duty.duty_record_data(organisation=organisation)
    html = render_to_string("insights/duty_record_pdf.html", {"record": record, "organisation": organisation},
                            request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"duty-record-{organisation.slug}-{record.as_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# One opportunity and its forms -------------------------------------------------------------


@login_required
def duty_detail(request, slug: str, pk: int):
    organisation = _organisation(request, slug)
    opportunity = _opportunity(organisation, pk)
    may_edit = policy.can(request.user, Action.EDIT_DUTY, organisation)
    return render(request, "insights/duty_detail.html", {
        "organisation": organisation, "opportunity": opportunity, "may_edit": may_edit,
        "is_voluntary": duty.duty_is_voluntary(organisation), "decline_ground": duty.decline_ground_label(opportunity),
    })


def _opportunity_form_page(request, organisation: Organisation, opportunity: DutyOpportunity | None):
    if request.method == "POST":
        form = DutyOpportunityForm(request.POST, organisation=organisation)
    elif opportunity is None:
        form = DutyOpportunityForm(initial=DutyOpportunityForm.initial_new(request.GET), organisation=organisation)
    else:
        form = DutyOpportunityForm(initial=DutyOpportunityForm.initial_from(opportunity), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            if opportunity is None:
                opportunity = duty.duty_opportunity_create(
                    organisation=organisation, data=form.opportunity_data(), user=request.user
                )
            else:
                opportunity = duty.duty_opportunity_update(
                    opportunity=opportunity, data=form.opportunity_data(), user=request.user
                )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The opportunity was saved."))
            return redirect(opportunity)
    return render(request, "insights/duty_form.html", {
        "form": form, "organisation": organisation, "opportunity": opportunity,
        "is_voluntary": duty.duty_is_voluntary(organisation),
    })


@login_required
def duty_create(request, slug: str):
    return _opportunity_form_page(request, _organisation(request, slug, Action.EDIT_DUTY), None)


@login_required
def duty_edit(request, slug: str, pk: int):
    organisation = _organisation(request, slug, Action.EDIT_DUTY)
    return _opportunity_form_page(request, organisation, _opportunity(organisation, pk))


@login_required
def duty_notification_create(request, slug: str, pk: int):
    organisation = _organisation(request, slug, Action.EDIT_DUTY)
    opportunity = _opportunity(organisation, pk)
    form = DutyNotificationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            duty.duty_notification_add(opportunity=opportunity, notification=form.notification_data(),
                                       user=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The partner notified was recorded."))
            return redirect(opportunity)
    return render(request, "insights/duty_notification_form.html",
                  {"form": form, "organisation": organisation, "opportunity": opportunity})


@login_required
def duty_document_create(request, slug: str, pk: int):
    organisation = _organisation(request, slug, Action.EDIT_DUTY)
    opportunity = _opportunity(organisation, pk)
    form = DutyDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            duty.duty_document_add(opportunity=opportunity, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The document was added."))
            return redirect(opportunity)
    return render(request, "insights/duty_document_form.html",
                  {"form": form, "organisation": organisation, "opportunity": opportunity})


@login_required
def duty_document(request, slug: str, pk: int):
    """An uploaded paper behind the record, only to those who may read the record."""
    organisation = _organisation(request, slug)
    document = get_object_or_404(DutyDocument, pk=pk, opportunity__organisation=organisation)
    if not document.document:
        raise Http404
    return FileResponse(document.document.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"duty-document-{pk}.pdf")


# The national picture, for analysts ---------------------------------------------------------

NATIONAL_COLUMNS = ["dimension", "group", "label", "considered", "proceeded", "declined", "under_consideration"]


def _national_rows(data: duty.DutyNational) -> list[dict]:
    rows = [{"dimension": "total", "group": "", "label": _("All opportunities"), **_counts(data.total)}]
    for dimension, groups in (("service", data.by_service), ("region", data.by_region)):
        rows += [{"dimension": dimension, "group": g.key, "label": str(g.label), **_counts(g.counts)} for g in groups]
    rows += [{"dimension": "declined_because", "group": key, "label": str(label), "declined": count}
             for key, label, count in data.decline_grounds]
    return rows


@login_required
def duty_national(request, fmt: str | None = None):
    policy.require(request.user, Action.VIEW_DUTY, None, hide=True)
    data = duty.duty_national_data()
    fmt = fmt or request.GET.get("format")
    if fmt is not None:
        if fmt not in FORMATS:
            raise Http404
        if fmt == "csv":
            return csv_response("duty-national.csv", NATIONAL_COLUMNS, _national_rows(data))
        return json_response({
            "organisations_with_a_record": data.organisations,
            "voluntary_welsh": data.voluntary,
            "counts": _counts(data.total),
            "by_service": [{"service": g.key, "label": str(g.label), **_counts(g.counts)} for g in data.by_service],
            "by_region": [{"region": g.key, "label": str(g.label), **_counts(g.counts)} for g in data.by_region],
            "declined_because": [{"ground": k, "label": str(label), "declined": n}
                                 for k, label, n in data.decline_grounds],
        })
    return render(request, "insights/duty_national.html", {"data": data})
