"""Demo research questions: four realistic entries in the commissioning register, in different statuses, on the
demo's themes, written through the register's services (so every rule is checked) and only once."""

import datetime
from dataclasses import dataclass

from bluelight.collaborations.models import EvidenceItem, Theme
from bluelight.insights.models import ResearchQuestion, ResearchStatus
from bluelight.insights.research import ResearchQuestionData, research_question_create

WORKING_GROUP = "Emergency Services Collaboration Working Group"


@dataclass(frozen=True)
class DemoQuestion:
    question: str
    description: str
    themes: tuple[str, ...]
    status: str
    commissioned_by: str = ""
    carried_out_by: str = ""
    proposed_on: datetime.date | None = None
    commissioned_on: datetime.date | None = None
    due_on: datetime.date | None = None
    reported_on: datetime.date | None = None
    evidence_title_starts: str = ""  # the demo evidence item it produced, found by the start of its title


QUESTIONS = [
    DemoQuestion(
        question="Does a joint police and ambulance protocol for forced entry reach people who cannot open the "
        "door sooner, and at what cost to each service?",
        description="Police forces attend many calls where a patient cannot reach the door. Some areas let fire "
        "crews force entry instead. This research compares the times and costs of each arrangement. Demo data.",
        themes=("dm_forced_entry",),
        status=ResearchStatus.REPORTED,
        commissioned_by=WORKING_GROUP,
        carried_out_by="University of Greenwich (demo)",
        proposed_on=datetime.date(2016, 3, 3),
        commissioned_on=datetime.date(2016, 9, 1),
        due_on=datetime.date(2018, 3, 31),
        reported_on=datetime.date(2018, 6, 14),
        evidence_title_starts="Evaluation of forced entry",
    ),
    DemoQuestion(
        question="Does fire service co-responding to cardiac arrests improve survival to hospital discharge?",
        description="Co-responding is widespread but its effect on survival has not been measured against areas "
        "without it. A comparison of matched areas over three years. Demo data.",
        themes=("fr_coresponding", "fr_cardiac_arrest"),
        status=ResearchStatus.IN_PROGRESS,
        commissioned_by="National Fire Chiefs Council",
        carried_out_by="University of Warwick clinical trials unit (demo)",
        proposed_on=datetime.date(2023, 1, 16),
        commissioned_on=datetime.date(2023, 7, 3),
        due_on=datetime.date(2027, 3, 31),
    ),
    DemoQuestion(
        question="Do co-located police, fire and ambulance stations realise the running-cost savings their "
        "business cases forecast?",
        description="Many shared stations report projected savings; few report realised ones. The research "
        "follows ten co-located stations from business case to five years of running costs. Demo data.",
        themes=("es_joint_facilities", "es_tri_service_hub"),
        status=ResearchStatus.COMMISSIONED,
        commissioned_by=WORKING_GROUP,
        proposed_on=datetime.date(2025, 2, 10),
        commissioned_on=datetime.date(2025, 10, 1),
        due_on=datetime.date(2027, 9, 30),
    ),
    DemoQuestion(
        question="What would a shared search protocol for missing people need to work across police force and "
        "fire service boundaries?",
        description="Proposed by members of the working group after several searches crossed force boundaries. "
        "Not yet commissioned. Demo data.",
        themes=("dm_missing_people",),
        status=ResearchStatus.PROPOSED,
        proposed_on=datetime.date(2026, 2, 2),
    ),
]


def demo_research_load() -> list[ResearchQuestion]:
    """Add the demo's research questions that are not there yet (looked up by question); returns those added."""
    themes = {t.code: t for t in Theme.objects.filter(code__in={c for q in QUESTIONS for c in q.themes})}
    created = []
    for item in QUESTIONS:
        if ResearchQuestion.objects.filter(question=item.question).exists():
            continue
        chosen = [themes[code] for code in item.themes if code in themes]
        if not chosen:
            continue  # a taxonomy without these themes: nothing sensible to link to
        evidence = []
        if item.evidence_title_starts:
            found = (
                EvidenceItem.objects.filter(title__startswith=item.evidence_title_starts, publication="published")
                .order_by("pk")
                .first()
            )
            evidence = [found] if found else []
        values = {
            "status": item.status,
            "reported_on": item.reported_on,
            "evidence": evidence,
        }
        if item.status == ResearchStatus.REPORTED and not evidence:
            # Its report is not in this world's evidence: the question is shown as still in progress instead.
            values = {"status": ResearchStatus.IN_PROGRESS, "reported_on": None, "evidence": []}
        created.append(
            research_question_create(
                data=ResearchQuestionData(
                    question=item.question,
                    description=item.description,
                    themes=chosen,
                    commissioned_by=item.commissioned_by,
                    carried_out_by=item.carried_out_by,
                    proposed_on=item.proposed_on,
                    commissioned_on=item.commissioned_on,
                    due_on=item.due_on,
                    **values,
                )
            )
        )
    return created
