"""Organisation pages: the register grouped by type, and each organisation with its collaborations."""
from django.urls import reverse

from bluelight.collaborations.models import Publication
from bluelight.collaborations.tests.factories import make_collaboration

LIST = reverse("explorer:organisation_list")


def organisation_page(slug: str) -> str:
    return reverse("explorer:organisation_detail", args=[slug])


def test_organisation_list_groups_by_type_with_counts_of_published_collaborations(client, register):
    make_collaboration("surrey_police", "surrey_frs")
    make_collaboration("surrey_police", "kent_frs", title="Second")
    make_collaboration("surrey_police", "kent_frs", title="Draft", publication=Publication.DRAFT)

    response = client.get(LIST)

    assert response.status_code == 200
    groups = {g.type: g for g in response.context["data"].groups}
    assert {"police_force", "fire_and_rescue", "ambulance_trust"} <= set(groups)
    counts = {o.slug: o.collaboration_count for g in groups.values() for o in g.organisations}
    assert counts["surrey_police"] == 2
    assert counts["kent_frs"] == 1
    assert counts["essex_police"] == 0
    html = response.content.decode()
    assert 'href="/collaborations/?organisation=surrey_police">2<' in html


def test_organisation_list_filters_by_type_and_region(client, register):
    response = client.get(LIST, {"type": "fire_and_rescue", "region": "South East"})

    organisations = [o.slug for g in response.context["data"].groups for o in g.organisations]
    assert "kent_frs" in organisations
    assert "surrey_frs" in organisations
    assert "surrey_police" not in organisations
    assert "essex_frs" not in organisations


def test_organisation_list_explains_a_bad_filter_value(client, register):
    response = client.get(LIST, {"type": "spaceship"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_type">Select a type from the list</a>' in html
    assert response.context["data"].groups == []


def test_organisation_page_shows_the_register_entry(client, register):
    response = client.get(organisation_page("dorset_frs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dorset Fire and Rescue Service</h1>" in html
    assert "Fire and rescue service" in html
    assert "South West" in html
    assert "England" in html
    assert "E31000012" in html
    assert "Dorset Fire" in html
    assert "Until 2016" in html
    assert 'href="/organisations/dorset_wiltshire_frs/">Dorset and Wiltshire Fire and Rescue Service</a>' in html


def test_organisation_page_links_to_its_predecessors(client, register):
    html = client.get(organisation_page("dorset_wiltshire_frs")).content.decode()

    assert 'href="/organisations/dorset_frs/">Dorset Fire and Rescue Service</a>' in html
    assert 'href="/organisations/wiltshire_frs/">Wiltshire Fire and Rescue Service</a>' in html


def test_organisation_page_lists_its_published_collaborations_only(client, register):
    make_collaboration("kent_frs", "kent_police", title="Kent searches")
    make_collaboration("kent_frs", "kent_police", title="Kent draft", publication=Publication.DRAFT)
    make_collaboration("surrey_police", "surrey_frs", title="Surrey station")

    response = client.get(organisation_page("kent_frs"))

    html = response.content.decode()
    assert "Kent searches" in html
    assert "Kent draft" not in html
    assert "Surrey station" not in html
    assert "1 collaboration" in html


def test_editor_sees_their_own_draft_on_their_organisation_page(client, cast):
    make_collaboration("kent_frs", "kent_police", title="Kent draft", publication=Publication.DRAFT)
    client.force_login(cast.editor_b)

    assert "Kent draft" in client.get(organisation_page("kent_frs")).content.decode()


def test_unknown_organisation_is_not_found(client, db):
    assert client.get(organisation_page("no_such_body")).status_code == 404
