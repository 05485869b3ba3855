"""Research register pages: the public list (filters, counts that say what they count), a question's page, its
data as JSON and CSV agreeing with the API, and the analysts' form with the error summary."""

import csv
import io
from collections import Counter

from django.urls import reverse

from bluelight.insights.models import ResearchQuestion
from bluelight.insights.tests.research_helpers import D, make_evidence, make_question

LIST = reverse("insights:research_list")


def world():
    """Five published questions on three themes in every status, and a draft."""
    make_question("proposed", question="Can control rooms share one mobilising system?", themes=("cr_shared_system",))
    make_question("commissioned", question="Do shared stations save what they forecast?")
    make_question(
        "in_progress", question="Does co-responding improve survival?", themes=("fr_coresponding", "fr_cardiac_arrest")
    )
    make_question("reported", question="Does forced entry by fire crews save time?", themes=("dm_forced_entry",))
    make_question("in_progress", question="Do tri-service hubs cut response times?", themes=("es_tri_service_hub",))
    make_question("commissioned", question="A draft question", publication="draft")


def recount(status=None, family=None):
    """An independent count: published questions, by walking every row in Python."""
    found = []
    for q in ResearchQuestion.objects.all():
        codes = {t.code for t in q.themes.all()} | {t.parent.code for t in q.themes.all() if t.parent}
        if q.publication != "published" or (family and family not in codes) or (status and q.status != status):
            continue
        found.append(q)
    return found


def test_the_list_counts_published_questions_and_says_what_it_counts(client, register):
    world()

    response = client.get(LIST)

    data, html = response.context["data"], response.content.decode()
    assert data.count == len(recount()) == 5
    assert {s.code: s.count for s in data.statuses} == dict(Counter(q.status for q in recount()))
    assert "5 research questions" in html
    assert "Counted: research questions in the register that match the filters" in html
    assert "A draft question" not in html


def test_filtering_by_theme_takes_in_sub_themes_and_status_counts_follow_the_theme(client, register):
    world()

    data = client.get(LIST, {"theme": "estates"}).context["data"]

    assert sorted(q.question for q in data.questions) == sorted(q.question for q in recount(family="estates"))
    assert data.count == 2
    by_status = Counter(q.status for q in recount(family="estates"))
    assert {s.code: s.count for s in data.statuses} == {
        c: by_status[c] for c in ["proposed", "commissioned", "in_progress", "reported"]
    }

    both = client.get(LIST, {"theme": "estates", "status": ["in_progress"]}).context["data"]
    assert [q.question for q in both.questions] == ["Do tri-service hubs cut response times?"]
    # The counts beside each status stay those of the theme, whatever statuses are ticked.
    assert {s.code: s.count for s in both.statuses} == {s.code: s.count for s in data.statuses}


def test_an_unknown_theme_or_status_is_set_aside_with_a_notice(client, register):
    world()

    response = client.get(LIST, {"theme": "old-code", "status": "Finished"})

    assert response.context["data"].count == 5
    html = response.content.decode()
    assert "There is no theme ‘old-code’" in html and "There is no status ‘Finished’" in html


def test_a_question_page_shows_who_when_and_what_it_found(client, register):
    report = make_evidence("Forced entry: the final report", strength=4)
    question = make_question(
        "reported",
        question="Does forced entry by fire crews save time?",
        themes=("dm_forced_entry",),
        commissioned_by="National Fire Chiefs Council",
        carried_out_by="University of Greenwich",
        proposed_on=D(2026, 3, 3),
        commissioned_on=D(2026, 3, 4),
        reported_on=D(2026, 5, 1),
        evidence=[report, make_evidence("A draft report", publication="draft")],
    )

    html = client.get(question.get_absolute_url()).content.decode()

    assert "National Fire Chiefs Council" in html and "University of Greenwich" in html
    assert "3 March 2026" in html and "4 March 2026" in html and "1 May 2026" in html
    assert f'href="/evidence/{report.pk}/"' in html
    assert "A draft report" not in html
    assert reverse("explorer:theme_detail", args=["dm_forced_entry"]) in html


def test_the_data_downloads_agree_with_the_page_and_the_api(client, register):
    world()
    params = {"theme": "estates"}

    page = client.get(LIST, params).context["data"]
    as_json = client.get(reverse("insights:research_list_data", args=["json"]), params).json()
    same_json = client.get(LIST, params | {"format": "json"}).json()
    as_csv = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("insights:research_list_data", args=["csv"]), params).getvalue().decode("utf-8-sig")
            )
        )
    )
    api = client.get("/api/research/", params).json()

    ids = [q.pk for q in page.questions]
    assert as_json == same_json
    assert (
        [r["id"] for r in as_json["results"]]
        == ids
        == [int(r["id"]) for r in as_csv]
        == [r["id"] for r in api["results"]]
    )
    assert as_json["count"] == api["count"] == len(ids) == 2
    assert as_json["results"] == api["results"]
    assert as_json["counts_by_status"] == {s.code: s.count for s in page.statuses}
    first = next(q for q in page.questions if q.pk == ids[0])
    assert as_csv[0]["question"] == first.question and as_csv[0]["themes"] == "; ".join(
        t.code for t in first.themes.all()
    )

    one = client.get(reverse("insights:research_data", args=[ids[0], "json"])).json()
    assert one == api["results"][0] == client.get(f"/api/research/{ids[0]}/").json()
    row = next(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("insights:research_data", args=[ids[0], "csv"])).getvalue().decode("utf-8-sig")
            )
        )
    )
    assert row["id"] == str(ids[0]) and row["status"] == one["status"]


def test_the_api_filters_as_the_page_does(client, register):
    world()
    api = client.get("/api/research/", {"status": ["in_progress", "reported"]}).json()
    expected = {q.pk for q in recount() if q.status in ("in_progress", "reported")}
    assert {r["id"] for r in api["results"]} == expected
    assert client.get("/api/research/", {"status": "finished"}).status_code == 400


def test_a_csv_cell_cannot_run_as_a_formula(client, register):
    make_question(question='=HYPERLINK("http://evil")')
    body = client.get(reverse("insights:research_list_data", args=["csv"])).getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK" in body


# The analysts' form


def test_an_analyst_adds_a_question_through_the_form(client, cast, theme):
    client.force_login(cast.analyst)
    report = make_evidence("Shared stations: the report")

    response = client.post(
        reverse("insights:research_create"),
        {
            "question": "Do shared stations save what they forecast?",
            "themes": [theme("es_joint_facilities").pk, theme("es_tri_service_hub").pk],
            "status": "reported",
            "commissioned_by": "Working group",
            "carried_out_by": "A university",
            "commissioned_on": "2024-01-10",
            "reported_on": "2025-02-03",
            "evidence": [report.pk],
            "publication": "published",
        },
    )

    question = ResearchQuestion.objects.get()
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert question.reported_on == D(2025, 2, 3) and list(question.evidence.all()) == [report]
    assert sorted(t.code for t in question.themes.all()) == ["es_joint_facilities", "es_tri_service_hub"]
    assert question.history.latest().history_user == cast.analyst


def test_the_form_shows_every_broken_rule_in_the_error_summary(client, cast, theme):
    client.force_login(cast.analyst)
    make_evidence("An evaluation nobody chose")

    response = client.post(
        reverse("insights:research_create"),
        {
            "question": "Q?",
            "themes": [theme("estates").pk],
            "status": "reported",
            "publication": "published",
            "proposed_on": "2026-02-30",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200 and ResearchQuestion.objects.count() == 0
    assert "<title>Error: " in html and "There is a problem" in html
    assert 'href="#id_commissioned_on"' in html and 'href="#id_evidence_0"' in html and 'id="id_evidence_0"' in html
    assert "Research that has been commissioned needs the date it was commissioned." in html
    assert "Reported research needs at least one resulting evidence item" in html
    assert "The date proposed must be a real date, for example 27 3 2024" in html


def test_an_analyst_changes_a_question_and_the_form_starts_from_it(client, cast):
    question = make_question("commissioned", question="Old wording?")
    client.force_login(cast.analyst)
    url = reverse("insights:research_edit", args=[question.pk])

    form = client.get(url).context["form"]
    assert form.initial["question"] == "Old wording?"

    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data |= {
        "question": "New wording?",
        "themes": [t.pk for t in data["themes"]],
        "evidence": [],
        "commissioned_on": "2020-06-01",
        "proposed_on": "2020-01-06",
        "status": "in_progress",
        "carried_out_by": "A university",
    }
    response = client.post(url, data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.question, question.status) == ("New wording?", "in_progress")
