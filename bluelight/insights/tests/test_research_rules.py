"""The research register's services: every named rule refuses what it should, with its code and message; the
services write the question, its themes and evidence items, with history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bluelight.insights.models import ResearchQuestion
from bluelight.insights.research import (
    RULES,
    research_question_create,
    research_question_data_from,
    research_question_update,
)
from bluelight.insights.tests.research_helpers import D, make_evidence, make_question, question_data

# (rule code, the field it names, data that breaks only that rule)
BREAKING = {
    "RES001": lambda: question_data(question="   "),
    "RES002": lambda: question_data(themes=()),
    "RES003": lambda: question_data("commissioned", commissioned_on=None),
    "RES004": lambda: question_data("commissioned", commissioned_by=""),
    "RES005": lambda: question_data("in_progress", carried_out_by=" "),
    "RES006": lambda: question_data("reported", reported_on=None, evidence=[make_evidence()]),
    "RES007": lambda: question_data("reported", evidence=[]),
    "RES008": lambda: question_data("commissioned", proposed_on=D(2021, 1, 1), commissioned_on=D(2020, 12, 31)),
    "RES009": lambda: question_data("reported", reported_on=D(2020, 5, 31), evidence=[make_evidence()]),
    "RES010": lambda: question_data("commissioned", due_on=D(2020, 5, 1)),
    "RES011": lambda: question_data("proposed", commissioned_on=D(2020, 6, 1)),
    "RES012": lambda: question_data("in_progress", reported_on=D(2021, 1, 1)),
    "RES013": lambda: question_data(
        "reported", reported_on=datetime.date.today() + datetime.timedelta(days=2), evidence=[make_evidence()]
    ),
}


def test_every_rule_has_a_breaking_case_here():
    assert sorted(r.code for r in RULES) == sorted(BREAKING)


@pytest.mark.parametrize("code", sorted(BREAKING))
def test_each_rule_refuses_with_its_code_and_message_and_nothing_is_written(register, code):
    rule = next(r for r in RULES if r.code == code)
    data = BREAKING[code]()

    with pytest.raises(ValidationError) as refused:
        research_question_create(data=data)

    errors = refused.value.error_dict
    assert [e.code for e in errors[rule.field]] == [code]
    assert [e.message for e in errors[rule.field]] == [rule.message]
    assert sum(len(found) for found in errors.values()) == 1, errors  # only this rule failed
    assert ResearchQuestion.objects.count() == 0


@pytest.mark.parametrize("status", ["proposed", "commissioned", "in_progress", "reported"])
def test_a_question_with_what_its_status_needs_is_accepted(register, status):
    evidence = [make_evidence()] if status == "reported" else []
    question = research_question_create(data=question_data(status, evidence=evidence))
    assert ResearchQuestion.objects.get().status == status
    assert list(question.evidence.all()) == evidence


def test_every_message_is_a_sentence_for_the_user():
    for r in RULES:
        assert r.message[0].isupper() and r.message.endswith("."), r.code


def test_a_question_too_long_for_the_register_is_refused_on_its_field(register):
    with pytest.raises(ValidationError) as refused:
        research_question_create(data=question_data(question="x" * 301))
    assert "question" in refused.value.error_dict


def test_update_changes_themes_and_evidence_and_keeps_history(register, cast, theme):
    question = make_question("in_progress")
    report = make_evidence("The final report", strength=4)
    data = research_question_data_from(question)
    data.status, data.reported_on, data.evidence = "reported", D(2022, 3, 3), [report]
    data.themes = [theme("fr_coresponding")]

    research_question_update(question=question, data=data, user=cast.analyst)

    question.refresh_from_db()
    assert question.status == "reported" and question.reported_on == D(2022, 3, 3)
    assert [t.code for t in question.themes.all()] == ["fr_coresponding"]
    assert list(question.evidence.all()) == [report]
    assert question.history.latest().history_user == cast.analyst
    assert question.history.filter(status="in_progress").exists()  # the earlier state is kept
