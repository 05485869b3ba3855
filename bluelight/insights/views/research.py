"""Research register pages: the public list and question pages (also .json and .csv), and the analysts' form.

Reads come from insights/research.py; writes go through its services. The downloads hold published questions
only, whoever asks, like the explorer's, so they can be passed on.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.core.data_responses import FORMATS, csv_response, etag, json_response, offers_data
from bluelight.core.forms import form_add_service_errors
from bluelight.insights import research
from bluelight.insights.forms.research import ResearchQuestionForm
from bluelight.insights.models import ResearchQuestion


@etag
def research_list_data(request, fmt: str):
    """/research.json or .csv: the published questions matching the page's filters."""
    if fmt not in FORMATS:
        raise Http404
    data = research.research_list_data(user=request.user, params=request.GET, published_only=True)
    if fmt == "csv":
        rows = (research.research_question_row(q, request) for q in data.questions)
        return csv_response("research.csv", research.CSV_COLUMNS, rows, stream=True)
    return json_response(
        {
            "count": data.count,
            "counts_by_status": {s.code: s.count for s in data.statuses},
            "results": [research.research_question_record(q, request) for q in data.questions],
        }
    )


@etag
def research_detail_data(request, fmt: str, pk: int):
    """/research/<id>.json or .csv: a published question."""
    if fmt not in FORMATS:
        raise Http404
    question = research.with_relations(research.published_questions()).filter(pk=pk).first()
    if question is None:
        raise Http404
    if fmt == "csv":
        return csv_response(
            f"research-{pk}.csv", research.CSV_COLUMNS, [research.research_question_row(question, request)], stream=True
        )
    return json_response(research.research_question_record(question, request))


@offers_data(research_list_data)
def research_list(request):
    data = research.research_list_data(user=request.user, params=request.GET)
    return render(request, "insights/research_list.html", {"data": data})


@offers_data(research_detail_data)
def research_detail(request, pk: int):
    question = research.research_question_get(user=request.user, pk=pk)
    if question is None:
        raise Http404  # a draft is not found by the public: its existence is not revealed
    data = research.research_detail_data(question=question)
    return render(request, "insights/research_detail.html", {"data": data, "question": question})


def _research_form_page(request, question: ResearchQuestion | None = None):
    policy.require(request.user, Action.MANAGE_RESEARCH)
    form = ResearchQuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                question = research.research_question_create(data=form.question_data(), user=request.user)
            else:
                question = research.research_question_update(
                    question=question, data=form.question_data(), user=request.user
                )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The research question was saved."))
            return redirect(question)
    return render(request, "insights/research_form.html", {"form": form, "question": question})


@login_required
def research_create(request):
    return _research_form_page(request)


@login_required
def research_edit(request, pk: int):
    policy.require(request.user, Action.MANAGE_RESEARCH)  # before the lookup: no one learns which numbers exist
    return _research_form_page(request, get_object_or_404(ResearchQuestion, pk=pk))
