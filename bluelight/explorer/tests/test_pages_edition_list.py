"""An edition's frozen list, browsable by theme, status and words in the title it had then."""

import datetime

from django.urls import reverse

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.editions.services import edition_publish


def test_the_frozen_list_shows_what_the_edition_froze_with_simple_filters(client, register, theme):
    station = make_collaboration(title="Joint station at Epsom", theme=theme("es_joint_facilities"))
    make_collaboration(title="Co-responding in Kent", theme=theme("fr_coresponding"), status="planned")
    edition = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    Collaboration.objects.filter(pk=station.pk).update(title="Renamed since")
    make_collaboration(title="Too late", theme=theme("es_joint_facilities"))
    url = reverse("explorer:edition_collaborations", args=[edition.slug])

    def titles(**params):
        return [row.entry.data["title"] for row in client.get(url, params).context["data"].page.object_list]

    assert titles() == ["Co-responding in Kent", "Joint station at Epsom"]
    assert titles(theme="estates") == ["Joint station at Epsom"]
    assert titles(theme="fr_coresponding") == ["Co-responding in Kent"]
    assert titles(status="planned") == ["Co-responding in Kent"]
    assert titles(q="epsom station") == ["Joint station at Epsom"]
    response = client.get(url, {"theme": "old-code"})
    assert response.context["data"].count == 2
    assert "We ignored theme &#x27;old-code&#x27;: no such theme" in response.content.decode()
    assert f'href="{station.get_absolute_url()}"' in client.get(url).content.decode()


def test_the_edition_page_links_to_its_frozen_list(client, register):
    edition = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1))

    html = client.get(reverse("editions:detail", args=[edition.slug])).content.decode()

    assert reverse("explorer:edition_collaborations", args=[edition.slug]) in html
