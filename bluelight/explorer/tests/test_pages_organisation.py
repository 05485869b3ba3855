"""An organisation's profile: its partners as a picture with a table, and its themes against its type's."""

from django.urls import reverse

from bluelight.collaborations.models import Partner, Publication
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.organisations.models import Organisation


def profile(client, slug):
    return client.get(reverse("explorer:organisation_detail", args=[slug]))


def test_partners_are_counted_by_published_collaborations_shared(client, register):
    make_collaboration("surrey_police", "surrey_frs", title="One")
    make_collaboration("surrey_police", "surrey_frs", "kent_frs", title="Two")
    make_collaboration("kent_frs", "surrey_police", title="Three")
    make_collaboration("surrey_police", "essex_police", title="Draft", publication=Publication.DRAFT)

    response = profile(client, "surrey_police")

    shown = {p.organisation.slug: p.shared for p in response.context["more"].partners}
    # Independently: for each other partner, the published collaborations it shares with Surrey Police.
    expected = {}
    for partner in Partner.objects.filter(collaboration__publication=Publication.PUBLISHED).select_related(
        "organisation", "collaboration"
    ):
        if (
            partner.organisation.slug != "surrey_police"
            and partner.collaboration.partners.filter(organisation__slug="surrey_police").exists()
        ):
            expected[partner.organisation.slug] = expected.get(partner.organisation.slug, 0) + 1
    assert shown == expected == {"surrey_frs": 2, "kent_frs": 2}
    html = response.content.decode()
    assert '<svg class="observatory-network"' in html
    assert '<title id="network-title">' in html and '<desc id="network-desc">' in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert "Essex" not in html.split('id="partners"')[1].split('id="themes"')[0]


def test_themes_covered_are_compared_with_organisations_of_its_type(client, register, theme):
    make_collaboration("surrey_police", "surrey_frs", title="Estate", theme=theme("es_joint_facilities"))
    make_collaboration("kent_police", "kent_frs", title="Kent estate", theme=theme("es_joint_facilities"))
    make_collaboration("essex_police", "essex_frs", title="Co-responding", theme=theme("fr_coresponding"))

    data = profile(client, "surrey_police").context["more"]

    peers = set(
        Organisation.objects.filter(type="police_force", in_register=True, valid_to__isnull=True).values_list(
            "pk", flat=True
        )
    )
    rows = {row.theme.code: row for row in data.theme_shares}
    assert data.peer_total == len(peers)
    assert rows["estates"].covered and not rows["first_response"].covered
    assert rows["estates"].peers == 2
    assert rows["estates"].share == 2 / len(peers)
    assert rows["first_response"].peers == 1
