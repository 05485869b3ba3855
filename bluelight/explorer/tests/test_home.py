"""The home page: what the Observatory is for, headline numbers and ways in by theme and service."""
from django.urls import reverse

from bluelight.collaborations.models import Publication
from bluelight.collaborations.tests.factories import make_collaboration


def test_home_shows_counts_of_published_collaborations_and_organisations_involved(client, register, theme):
    make_collaboration("surrey_police", "surrey_frs", theme=theme("es_joint_facilities"))
    make_collaboration("kent_frs", "kent_police", "south_east_coast_as", title="Tri-service hub in Ashford")
    make_collaboration("essex_frs", "essex_police", title="Not yet public", publication=Publication.DRAFT)

    response = client.get(reverse("explorer:home"))

    assert response.status_code == 200
    assert response.context["data"].collaboration_count == 2
    assert response.context["data"].organisation_count == 5
    html = response.content.decode()
    assert 'data-testid="collaboration-count">2<' in html
    assert 'data-testid="organisation-count">5<' in html
    assert "Not yet public" not in html


def test_home_counts_each_combination_of_services(client, register):
    make_collaboration("surrey_police", "surrey_frs")
    make_collaboration("kent_frs", "kent_police", title="Kent joint station")
    make_collaboration("kent_frs", "kent_police", "south_east_coast_as", title="Kent tri-service hub")

    data = client.get(reverse("explorer:home")).context["data"]

    combinations = {tuple(row.labels): row.count for row in data.by_combination}
    assert combinations == {("Police", "Fire and rescue"): 2, ("Police", "Fire and rescue", "Ambulance"): 1}
    by_service = {row.code: row.count for row in data.by_service}
    assert by_service == {"police": 3, "fire": 3, "ambulance": 1, "wider": 0}


def test_home_counts_each_record_once_under_its_main_theme_as_the_main_theme_filter_does(client, register, theme):
    make_collaboration("surrey_police", "surrey_frs", theme=theme("es_joint_facilities"))
    make_collaboration(
        "kent_frs",
        "kent_police",
        title="Kent searches from a shared station",
        theme=theme("dm_missing_people"),
        secondary_themes=[theme("es_shared_hq")],
    )

    data = client.get(reverse("explorer:home")).context["data"]

    counts = {row.theme.code: row.count for row in data.by_theme}
    assert counts["estates"] == 1  # the secondary theme does not count: themes add up to the total
    assert counts["demand"] == 1
    assert counts["first_response"] == 0
    assert sum(counts.values()) == data.collaboration_count == 2
    listed = client.get(reverse("explorer:collaboration_list"), {"main_theme": "estates"}).context["data"]
    assert listed.page.paginator.count == counts["estates"]


def test_home_counts_services_that_have_merged_as_the_body_they_became(client, register):
    make_collaboration("dorset_police", "dorset_frs", title="Dorset workshop")
    make_collaboration("wiltshire_police", "wiltshire_frs", title="Wiltshire workshop")

    response = client.get(reverse("explorer:home"))

    # Dorset FRS and Wiltshire FRS are one body today: Dorset and Wiltshire FRS.
    assert response.context["data"].organisation_count == 3
    page = response.content.decode()
    assert "Organisations taking part: the bodies that are a partner" in page
    assert "By main theme: each collaboration counts once" in page


def test_home_links_to_the_list_by_main_theme_and_by_service(client, register):
    make_collaboration("surrey_police", "surrey_frs")

    html = client.get(reverse("explorer:home")).content.decode()

    assert 'href="/collaborations/?main_theme=estates"' in html
    assert 'href="/collaborations/?service=ambulance"' in html
    assert 'href="/collaborations/"' in html


def test_home_says_what_the_observatory_is_for(client, db):
    response = client.get(reverse("explorer:home"))

    assert response.status_code == 200
    assert "learn from each other" in response.content.decode()
