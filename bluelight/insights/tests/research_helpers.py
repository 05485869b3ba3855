"""Small makers for the research register's tests (not a test module)."""

import datetime

from bluelight.collaborations.models import Theme
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.insights.research import ResearchQuestionData, research_question_create

D = datetime.date


def make_evidence(title="Evaluation of shared stations", strength=3, themes=(), collaborations=(), **kwargs):
    return evidence_item_create(
        data=EvidenceItemData(
            title=title,
            strength=strength,
            strength_reason="Compared with similar areas.",
            themes=[Theme.objects.get(code=c) for c in themes],
            collaborations=list(collaborations),
            **kwargs,
        )
    )


def question_data(status="proposed", themes=("es_joint_facilities",), evidence=(), **kwargs) -> ResearchQuestionData:
    """Valid data for a question with `status`: the dates and names each status needs, unless given."""
    values = {"question": "Do shared stations save money?", "proposed_on": D(2020, 1, 6)}
    if status in ("commissioned", "in_progress", "reported"):
        values |= {"commissioned_by": "Working group", "commissioned_on": D(2020, 6, 1)}
    if status in ("in_progress", "reported"):
        values["carried_out_by"] = "A university"
    if status == "reported":
        values["reported_on"] = D(2022, 3, 3)
    values |= kwargs
    return ResearchQuestionData(
        status=status, themes=[Theme.objects.get(code=c) for c in themes], evidence=list(evidence), **values
    )


def make_question(status="proposed", **kwargs):
    if status == "reported" and "evidence" not in kwargs:
        kwargs["evidence"] = [make_evidence(f"Report: {kwargs.get('question', 'shared stations')}")]
    return research_question_create(data=question_data(status, **kwargs))
