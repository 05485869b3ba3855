"""The home page's figures are cached, and a record written through the services shows at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bluelight.collaborations.models import Publication
from bluelight.collaborations.selectors import figures_cached
from bluelight.collaborations.services import collaboration_publish, collaboration_withdraw, collaborations_changed
from bluelight.collaborations.tests.factories import make_collaboration


def home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("explorer:home"))
    assert response.status_code == 200
    return response, len(queries)


def test_the_home_page_figures_are_computed_once_for_several_requests(client, register):
    make_collaboration("surrey_police", "surrey_frs")

    first, first_queries = home(client)
    second, second_queries = home(client)

    assert second.context["data"].collaboration_count == first.context["data"].collaboration_count == 1
    assert second_queries < first_queries


def test_a_record_published_after_the_figures_were_cached_is_counted_at_once(client, register):
    make_collaboration("surrey_police", "surrey_frs")
    draft = make_collaboration("kent_frs", "kent_police", "south_east_coast_as", publication=Publication.DRAFT)
    before, _queries = home(client)
    assert before.context["data"].collaboration_count == 1

    collaboration_publish(collaboration=draft)
    after, _queries = home(client)

    data = after.context["data"]
    assert data.collaboration_count == 2
    assert data.organisation_count == 5
    assert {row.code: row.count for row in data.by_service}["ambulance"] == 1
    assert 'data-testid="collaboration-count">2<' in after.content.decode()


def test_a_withdrawn_record_leaves_the_cached_figures_at_once(client, register):
    kept = make_collaboration("surrey_police", "surrey_frs")
    withdrawn = make_collaboration("kent_frs", "kent_police", title="Kent joint station")
    assert home(client)[0].context["data"].collaboration_count == 2

    collaboration_withdraw(collaboration=withdrawn)

    data = home(client)[0].context["data"]
    assert data.collaboration_count == 1
    assert data.organisation_count == 2
    assert kept.title != withdrawn.title


def test_cached_figures_are_kept_apart_by_language_and_by_what_they_depend_on():
    with translation.override("en"):
        assert figures_cached("figures", ("status=operational",), lambda: "Operational") == "Operational"
    with translation.override("cy"):
        assert figures_cached("figures", ("status=operational",), lambda: "Gweithredol") == "Gweithredol"
    with translation.override("en"):
        assert figures_cached("figures", ("status=operational",), lambda: "again") == "Operational"
        assert figures_cached("figures", ("status=planned",), lambda: "Planned") == "Planned"


def test_a_write_through_the_services_makes_cached_figures_computed_again(db):
    assert figures_cached("figures", (), lambda: 1) == 1
    assert figures_cached("figures", (), lambda: 2) == 1

    collaborations_changed()

    assert figures_cached("figures", (), lambda: 3) == 3


def test_the_lists_count_and_facets_are_cached_for_the_public_and_follow_a_publication_at_once(client, register):
    make_collaboration("surrey_police", "surrey_frs", status="operational")
    draft = make_collaboration("kent_frs", "kent_police", status="planned", publication=Publication.DRAFT)
    url = reverse("explorer:collaboration_list") + "?status=operational&status=planned"

    def status_counts():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        data = response.context["data"]
        facet = next(f for f in data.facets if f.name == "status")
        return data.page.paginator.count, {v.value: v.count for v in facet.values if v.count}, len(queries)

    count, statuses, first_queries = status_counts()
    assert (count, statuses) == (1, {"operational": 1})
    assert status_counts()[2] < first_queries  # counted once

    collaboration_publish(collaboration=draft)

    count, statuses, _queries = status_counts()
    assert (count, statuses) == (2, {"operational": 1, "planned": 1})


def test_the_public_filter_panel_is_rendered_once_and_again_after_a_publication(client, register):
    make_collaboration("surrey_police", "surrey_frs", status="operational")
    draft = make_collaboration("kent_frs", "kent_police", status="planned", publication=Publication.DRAFT)
    url = reverse("explorer:collaboration_list")

    def panel():
        html = client.get(url).content.decode().split('id="filter-panel"', 1)[1]
        return html.split('<div class="govuk-grid-column-two-thirds">', 1)[0]

    def planned(html):
        if 'value="planned"' not in html:
            return "absent"
        return html.split('value="planned"', 1)[1].split('observatory-facet__count">(', 1)[1].split("<", 1)[0]

    first = panel()
    assert planned(first) in ("absent", "0")
    assert panel() == first
    collaboration_publish(collaboration=draft)
    assert planned(panel()) == "1"


def test_the_public_json_list_and_a_searched_page_follow_a_write_at_once(client, register):
    import dataclasses

    from bluelight.collaborations.services import collaboration_data_from, collaboration_update

    make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    other = make_collaboration("kent_police", "kent_frs", title="Kent drones")

    def listed():
        data = client.get(reverse("explorer:collaboration_list_data", args=["json"])).json()
        page = client.get(reverse("explorer:collaboration_list"), {"q": "station"}).context["data"].page
        return data["count"], sorted(r["title"] for r in data["results"]), sorted(c.title for c in page.object_list)

    assert listed() == (2, ["Joint station at Epsom", "Kent drones"], ["Joint station at Epsom"])
    assert listed() == (2, ["Joint station at Epsom", "Kent drones"], ["Joint station at Epsom"])  # from the cache
    assert "Kent drone" not in client.get(reverse("explorer:collaboration_list"), {"q": "station"}).content.decode()

    data = dataclasses.replace(collaboration_data_from(other), title="Kent drone station")
    collaboration_update(collaboration=other, data=data)

    after = (2, ["Joint station at Epsom", "Kent drone station"], ["Joint station at Epsom", "Kent drone station"])
    assert listed() == after
    html = client.get(reverse("explorer:collaboration_list"), {"q": "station"}).content.decode()
    assert "Kent drone <mark>station</mark>" in html  # the rendered results, kept for the public, renewed too


def test_a_public_record_page_shows_a_change_and_a_new_edition_at_once(client, register):
    import dataclasses
    import datetime

    from bluelight.collaborations.services import collaboration_data_from, collaboration_update
    from bluelight.editions.services import edition_publish

    record = make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    url = record.get_absolute_url()
    assert "Joint station at Epsom" in client.get(url).content.decode()
    assert "Overview 2026" not in client.get(url).content.decode()

    collaboration_update(
        collaboration=record,
        data=dataclasses.replace(collaboration_data_from(record), title="Tri-service station at Epsom"),
    )
    assert "Tri-service station at Epsom" in client.get(url).content.decode()

    edition_publish(name="Overview 2026", as_of=datetime.date.today())
    assert "Overview 2026" in client.get(url).content.decode()
