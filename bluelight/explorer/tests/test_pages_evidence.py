"""Evidence pages: published items only, strongest first, saying which collaboration each evaluated."""

from django.urls import reverse

from bluelight.collaborations.models import EvidenceItem
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.collaborations.tests.factories import make_collaboration

LIST = reverse("explorer:evidence_list")


def make(title, strength=2, **kwargs):
    return evidence_item_create(data=EvidenceItemData(title=title, strength=strength, strength_reason="Why", **kwargs))


def test_the_list_shows_published_items_strongest_first_with_a_count(client, register, theme):
    make("Weak", 1)
    make("Strong", 4, themes=[theme("es_joint_facilities")])
    make("Draft", 5, publication="draft")

    data = client.get(LIST).context["data"]

    assert [line.item.title for line in data.page.object_list] == ["Strong", "Weak"]
    assert data.count == EvidenceItem.objects.filter(publication="published").count() == 2
    assert [line.item.title for line in client.get(LIST, {"theme": "estates"}).context["data"].page] == ["Strong"]
    assert client.get(LIST, {"strength": "3"}).context["data"].count == 1
    assert client.get(LIST, {"strength": "nine", "theme": "old-code"}).context["data"].count == 2


def test_an_analyst_sees_drafts_and_the_link_to_record(client, cast):
    make("Draft", 5, publication="draft")
    client.force_login(cast.analyst)

    html = client.get(LIST).content.decode()

    assert "Draft" in html
    assert reverse("explorer:evidence_create") in html


def test_the_item_page_says_which_collaboration_it_evaluated(client, register):
    epsom = make_collaboration(title="Epsom station")
    woking = make_collaboration(title="Woking station")
    hidden = make_collaboration(title="Secret draft", publication="draft")
    item = make("Two stations", 3, collaborations=[epsom, woking, hidden], evaluated=woking, month=4, year=2018)

    response = client.get(item.get_absolute_url())

    html = response.content.decode()
    assert response.context["data"].evaluated == woking
    assert f'evaluated <a class="govuk-link" href="{woking.get_absolute_url()}">Woking station</a>' in html
    assert "Epsom station" in html
    assert "Secret draft" not in html
    assert "April 2018" in html
    assert "compared with a similar group that did not have it" in html
    assert "Why this rating: Why" in html


def test_a_draft_item_is_not_found_by_the_public(client, register):
    item = make("Draft", publication="draft")

    assert client.get(item.get_absolute_url()).status_code == 404
