"""Who may do what in the research register: the public and editors read published questions only and cannot add
or change any; analysts manage the register; a draft question is never public, on any page, download or API."""

import csv
import io

import pytest
from django.urls import reverse

from bluelight.insights.models import ResearchQuestion
from bluelight.insights.tests.research_helpers import make_question

CREATE = reverse("insights:research_create")


@pytest.fixture
def questions(register):
    published = make_question("commissioned", question="A published question?")
    draft = make_question("commissioned", question="A draft question?", publication="draft")
    return published, draft


def edit_url(question):
    return reverse("insights:research_edit", args=[question.pk])


def test_anonymous_readers_are_sent_to_sign_in_to_add_or_change(client, questions):
    published, _draft = questions
    for url in (CREATE, edit_url(published)):
        assert client.get(url).status_code == 302 and "/accounts/login/" in client.get(url)["Location"]
        response = client.post(url, {"question": "Hacked?"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ResearchQuestion.objects.filter(question="Hacked?").exists()


@pytest.mark.parametrize("who", ["editor_a", "editor_b"])
def test_an_editor_cannot_add_or_change_a_question(client, cast, questions, who):
    published, _draft = questions
    client.force_login(getattr(cast, who))
    for url in (CREATE, edit_url(published), reverse("insights:research_edit", args=[999_999])):
        assert client.get(url).status_code == 403
        assert client.post(url, {"question": "Hacked?"}).status_code == 403
    published.refresh_from_db()
    assert published.question == "A published question?"
    assert "Add a research question" not in client.get(reverse("insights:research_list")).content.decode()


def test_an_editor_cannot_use_the_register_in_the_admin(client, cast, questions):
    client.force_login(cast.editor_a)
    assert client.get("/admin/insights/researchquestion/").status_code == 403
    assert client.get("/admin/insights/researchquestion/add/").status_code == 403


@pytest.mark.parametrize("who", [None, "editor_a"])
def test_a_draft_question_is_never_public(client, cast, questions, who):
    published, draft = questions
    if who:
        client.force_login(getattr(cast, who))

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url(), {"format": "json"}).status_code == 404
    assert client.get(reverse("insights:research_data", args=[draft.pk, "csv"])).status_code == 404
    assert client.get(f"/api/research/{draft.pk}/").status_code == 404
    html = client.get(reverse("insights:research_list")).content.decode()
    assert "A published question?" in html and "A draft question?" not in html
    listed = client.get(reverse("insights:research_list_data", args=["json"])).json()
    assert [r["id"] for r in listed["results"]] == [published.pk] and listed["count"] == 1
    body = client.get(reverse("insights:research_list_data", args=["csv"])).getvalue().decode("utf-8-sig")
    assert [row["id"] for row in csv.DictReader(io.StringIO(body))] == [str(published.pk)]
    assert [r["id"] for r in client.get("/api/research/").json()["results"]] == [published.pk]


def test_an_analyst_sees_drafts_on_the_pages_but_downloads_hold_published_only(client, cast, questions):
    published, draft = questions
    client.force_login(cast.analyst)

    assert client.get(draft.get_absolute_url()).status_code == 200
    html = client.get(reverse("insights:research_list")).content.decode()
    assert "A draft question?" in html and "You also see drafts" in html
    assert reverse("insights:research_create") in html
    listed = client.get(reverse("insights:research_list_data", args=["json"])).json()
    assert [r["id"] for r in listed["results"]] == [published.pk]
    assert client.get(reverse("insights:research_data", args=[draft.pk, "json"])).status_code == 404


def test_the_api_is_read_only(client, cast, questions):
    published, _draft = questions
    client.force_login(cast.analyst)
    assert client.post("/api/research/", {"question": "Via the API?"}).status_code == 405
    assert (
        client.patch(
            f"/api/research/{published.pk}/", {"question": "Changed?"}, content_type="application/json"
        ).status_code
        == 405
    )
    assert client.delete(f"/api/research/{published.pk}/").status_code == 405


def test_an_analyst_adds_a_question_in_the_admin_through_the_rules(client, cast, theme):
    client.force_login(cast.analyst)
    url = "/admin/insights/researchquestion/add/"
    base = {
        "question": "Does it work?",
        "themes": [theme("estates").pk],
        "status": "commissioned",
        "publication": "published",
    }

    refused = client.post(url, base)
    assert refused.status_code == 200 and ResearchQuestion.objects.count() == 0
    assert "Research that has been commissioned needs the date it was commissioned." in refused.content.decode()

    accepted = client.post(url, base | {"commissioned_on": "2025-01-02", "commissioned_by": "Working group"})
    assert accepted.status_code == 302
    question = ResearchQuestion.objects.get()
    assert [t.code for t in question.themes.all()] == ["estates"]
    assert question.history.latest().history_user == cast.analyst
