"""The list of collaborations: what it shows, to whom, and its pages."""
from django.urls import reverse

from bluelight.collaborations import rules
from bluelight.collaborations.models import Publication
from bluelight.collaborations.tests.factories import make_collaboration

LIST = reverse("explorer:collaboration_list")


def titles(response) -> list[str]:
    return [c.title for c in response.context["data"].page.object_list]


def test_list_shows_title_lead_partners_themes_status_and_start(client, register, theme):
    import datetime

    collaboration = make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Joint station at Epsom",
        theme=theme("es_joint_facilities"),
        secondary_themes=[theme("dm_forced_entry")],
        status="completed",
        start_date=datetime.date(2016, 5, 1),
        start_precision="month",
    )

    response = client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/collaborations/{collaboration.pk}/">Joint station at Epsom</a>' in html
    assert "<dt>Lead</dt><dd>Surrey Police</dd>" in html
    assert "Surrey Fire and Rescue Service" in html
    assert "Shared estates and assets &gt; Joint facilities (co-located stations)" in html
    assert "Demand management and rationalisation &gt; Forced entry" in html
    assert 'class="govuk-tag govuk-tag--teal">Completed</strong>' in html
    assert "<dd>May 2016</dd>" in html
    assert "1 collaboration" in html


def test_anonymous_person_never_sees_drafts_in_the_list(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="Published station")
    make_collaboration("surrey_police", "surrey_frs", title="Secret draft", publication=Publication.DRAFT)
    make_collaboration("kent_police", "kent_frs", title="Withdrawn record", publication=Publication.WITHDRAWN)

    response = client.get(LIST)

    assert titles(response) == ["Published station"]
    assert "Secret draft" not in response.content.decode()
    assert "Withdrawn record" not in response.content.decode()


def test_anonymous_person_never_sees_contact_emails_in_the_list(client, register):
    make_collaboration(
        "surrey_police", "surrey_frs", contacts=[rules.ContactData("Pat Example", "pat.private@example.org")]
    )

    html = client.get(LIST).content.decode()

    assert "pat.private@example.org" not in html
    assert "Pat Example" not in html


def test_editor_sees_their_own_draft_in_the_list_marked_as_draft(client, cast):
    make_collaboration("surrey_police", "surrey_frs", title="Surrey draft", publication=Publication.DRAFT)
    client.force_login(cast.editor_a)

    response = client.get(LIST)

    assert titles(response) == ["Surrey draft"]
    assert "Draft (not public)" in response.content.decode()


def test_editor_of_another_organisation_does_not_see_the_draft_in_the_list(client, cast):
    make_collaboration("surrey_police", "surrey_frs", title="Surrey draft", publication=Publication.DRAFT)
    client.force_login(cast.editor_b)

    response = client.get(LIST)

    assert titles(response) == []
    assert "Surrey draft" not in response.content.decode()


def test_list_is_paginated_25_a_page_keeping_the_filters_in_the_links(client, register):
    for number in range(30):
        make_collaboration("surrey_police", "surrey_frs", title=f"Surrey example {number:02d}")
    make_collaboration("kent_police", "kent_frs", title="Kent example")

    first = client.get(LIST, {"organisation": "surrey_police"})
    second = client.get(LIST, {"organisation": "surrey_police", "page": 2})

    assert len(titles(first)) == 25
    assert titles(second) == [f"Surrey example {n}" for n in range(25, 30)]
    html = first.content.decode()
    assert "30 collaborations" in html
    assert 'class="govuk-pagination' in html
    assert 'href="?organisation=surrey_police&amp;page=2"' in html
    assert "Showing 1 to 25 of 30" in html


def test_a_page_number_past_the_end_shows_the_last_page(client, register):
    make_collaboration("surrey_police", "surrey_frs")

    response = client.get(LIST, {"page": "99"})

    assert response.status_code == 200
    assert titles(response) == ["Joint station at Epsom"]


def test_html_in_a_title_is_escaped(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="<script>alert('x')</script> station")

    html = client.get(LIST).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; station" in html


def test_list_takes_the_same_number_of_queries_for_one_result_or_a_full_page(client, register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_collaboration("surrey_police", "surrey_frs", "south_east_coast_as", title="Example first")
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for number in range(30):
        make_collaboration("kent_police", "kent_frs", "south_east_coast_as", title=f"Example {number:02d}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)

    assert len(titles(response)) == 25
    assert len(many) == len(one)
