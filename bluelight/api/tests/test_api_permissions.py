"""Who sees and changes what through the API: published records only, never contacts; writes as the policy says."""

import json

import pytest
from django.urls import reverse

from bluelight.collaborations.models import Collaboration, EvidenceItem, Publication
from bluelight.collaborations.tests.factories import make_collaboration

LIST = reverse("api:collaboration-list")


def detail(pk: int) -> str:
    return reverse("api:collaboration-detail", args=[pk])


@pytest.fixture
def world(register):
    """A published Surrey record with a contact, a draft Surrey record, and evidence about both."""
    published = make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    draft = make_collaboration("surrey_police", "surrey_frs", title="Secret draft", publication=Publication.DRAFT)
    evidence = EvidenceItem.objects.create(title="An evaluation", strength=3)
    evidence.collaborations.set([published, draft])
    return published, draft, evidence


def body(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("who", [None, "editor_a", "editor_b"])
def test_anonymous_and_editors_never_see_unpublished_records_or_contacts(client, cast, world, who):
    published, draft, evidence = world
    if who:
        client.force_login(getattr(cast, who))

    listed = client.get(LIST)
    assert [c["id"] for c in listed.json()["results"]] == [published.pk]
    assert client.get(detail(draft.pk)).status_code == 404
    shown = client.get(detail(published.pk))
    assert shown.status_code == 200
    assert client.get(reverse("api:evidence-detail", args=[evidence.pk])).json()["collaborations"] == [published.pk]
    for response in (listed, shown, client.get(reverse("api:evidence-list"))):
        text = body(response)
        assert "Secret draft" not in text
        assert "Pat Example" not in text and "pat@example.org" not in text
        assert "editor_a" not in text and "analyst" not in text


def test_the_organisation_count_counts_published_records_only(client, world):
    surrey = client.get(reverse("api:organisation-detail", args=["surrey_police"])).json()
    assert surrey["collaboration_count"] == 1
    assert surrey["type_label"] == "Police force" and surrey["service_label"] == "Police"


def patch(client, pk, data, **headers):
    return client.patch(detail(pk), json.dumps(data), content_type="application/json", headers=headers)


def test_anonymous_cannot_patch(client, world):
    published, _draft, _evidence = world
    response = patch(client, published.pk, {"title": "Changed", "version": 1})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Joint station at Epsom"


def test_editor_cannot_patch_another_organisations_record(client, cast, world):
    published, _draft, _evidence = world
    client.force_login(cast.editor_b)
    response = patch(client, published.pk, {"title": "Changed", "version": 1})
    assert response.status_code == 404
    published.refresh_from_db()
    assert published.title == "Joint station at Epsom"


def test_editor_may_patch_their_organisations_record_as_the_policy_allows(client, cast, world):
    _published, draft, _evidence = world
    client.force_login(cast.editor_a)
    response = patch(client, draft.pk, {"lessons": "Agree the lease first"}, **{"If-Match": '"1"'})
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.lessons == "Agree the lease first"


def test_analyst_patch_changes_the_record_through_the_service(client, cast, world):
    published, _draft, _evidence = world
    client.force_login(cast.analyst)
    response = patch(
        client,
        published.pk,
        {"title": "Joint station at Epsom and Ewell", "status": "completed", "version": 1},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status_label"] == "Completed"
    assert response.json()["version"] == 2
    published.refresh_from_db()
    assert (published.title, published.status, published.version) == (
        "Joint station at Epsom and Ewell",
        "completed",
        2,
    )
    assert published.contacts.count() == 1  # a PATCH leaves what it does not name as it was
    assert published.history.first().history_user == cast.analyst


def test_a_stale_if_match_is_refused_with_412_and_nothing_written(client, cast, world):
    published, _draft, _evidence = world
    client.force_login(cast.analyst)
    assert patch(client, published.pk, {"title": "First change"}, **{"If-Match": '"1"'}).status_code == 200

    response = patch(client, published.pk, {"title": "Second change"}, **{"If-Match": '"1"'})

    assert response.status_code == 412
    assert response.json()["version"] == 2
    published.refresh_from_db()
    assert published.title == "First change"


def test_a_stale_version_field_is_refused_with_409(client, cast, world):
    published, _draft, _evidence = world
    client.force_login(cast.analyst)
    Collaboration.objects.filter(pk=published.pk).update(version=5)

    response = patch(client, published.pk, {"title": "Based on an old copy", "version": 4})

    assert response.status_code == 409
    published.refresh_from_db()
    assert published.title == "Joint station at Epsom"


def test_a_patch_without_a_version_is_refused_with_428(client, cast, world):
    published, _draft, _evidence = world
    client.force_login(cast.analyst)
    assert patch(client, published.pk, {"title": "No version"}).status_code == 428


def test_a_patch_a_rule_refuses_names_the_field(client, cast, world):
    published, _draft, _evidence = world
    client.force_login(cast.analyst)
    response = patch(client, published.pk, {"title": "", "version": 1})
    assert response.status_code == 400
    assert "title" in response.json()


def test_the_api_refuses_other_writes(client, cast, world):
    published, _draft, _evidence = world
    client.force_login(cast.analyst)
    assert client.delete(detail(published.pk)).status_code == 405
    assert client.post(LIST, "{}", content_type="application/json").status_code == 405
    assert client.post(reverse("api:organisation-list"), "{}", content_type="application/json").status_code == 405
