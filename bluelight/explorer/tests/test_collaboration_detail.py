"""One collaboration's page: what everyone sees, what only partners and analysts see, drafts and merges."""
import datetime

from django.urls import reverse

from bluelight.collaborations import rules
from bluelight.collaborations.models import Collaboration, EvidenceItem, Publication
from bluelight.collaborations.tests.factories import make_collaboration, saving

PRIVATE_EMAIL = "pat.private@example.org"


def detail(collaboration) -> str:
    return reverse("explorer:collaboration_detail", args=[collaboration.pk])


def make_full_record(theme, org, **fields):
    collaboration = make_collaboration(
        "surrey_police",
        "surrey_frs",
        "south_east_coast_as",
        title="Tri-service station at Gatwick",
        description="Police, fire and ambulance share one station.",
        theme=theme("es_tri_service_hub"),
        secondary_themes=[theme("fr_coresponding")],
        scope="regional",
        start_date=datetime.date(2015, 4, 1),
        start_precision="month",
        end_date=datetime.date(2019, 12, 31),
        contacts=[rules.ContactData("Pat Example", PRIVATE_EMAIL)],
        benefits=[
            saving("1250000", accrues_to=org("surrey_police"), price_year=2016),
            saving("40000.50", kind="investment_cost", basis="realised", price_year=2015),
            saving("10000", kind="external_funding"),
        ],
        outcomes=[rules.OutcomeData("Ambulance response four minutes faster", "response_minutes", 4)],
        lessons="Agreeing who pays for maintenance took a year.",
        **fields,
    )
    evidence = EvidenceItem.objects.create(
        title="Evaluation of the Gatwick station", author="University of Surrey", year=2018, strength=3
    )
    evidence.collaborations.add(collaboration)
    return collaboration


def test_anyone_sees_the_published_record_in_full(client, register, theme, org):
    collaboration = make_full_record(theme, org)

    response = client.get(detail(collaboration))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Tri-service station at Gatwick</h1>' in html
    assert 'class="govuk-tag govuk-tag--green">Operational</strong>' in html
    assert 'href="/organisations/surrey_police/">Surrey Police</a> (lead)' in html
    assert 'href="/organisations/surrey_frs/">Surrey Fire and Rescue Service</a>' in html
    assert 'href="/organisations/south_east_coast_as/">' in html
    assert "Police, Fire and rescue, Ambulance" in html
    assert "Shared estates and assets &gt; Tri-service hub" in html
    assert "First response and co-responding &gt; Co-responding" in html
    assert "Regional" in html
    assert "April 2015" in html
    assert "2019" in html
    assert "Police, fire and ambulance share one station." in html
    assert "Agreeing who pays for maintenance took a year." in html
    assert "Ambulance response four minutes faster" in html
    assert "Entered by a user" in html


def test_benefits_are_grouped_by_kind_with_basis_price_year_and_who_gains(client, register, theme, org):
    collaboration = make_full_record(theme, org)

    response = client.get(detail(collaboration))

    groups = {g.kind: [b.amount_gbp for b in g.benefits] for g in response.context["data"].benefit_groups}
    assert list(groups) == ["annual_saving", "investment_cost", "external_funding"]
    html = response.content.decode()
    assert "Annual recurring saving" in html
    assert "External funding received (never a saving)" in html
    assert "£1,250,000" in html
    assert "£40,000.50" in html
    assert "Projected or estimated" in html
    assert "Realised" in html
    assert ">2015<" in html
    assert 'href="/organisations/surrey_police/">Surrey Police</a></td>' in html
    assert "The collaboration as a whole" in html


def test_evidence_shows_its_maryland_scale_rating(client, register, theme, org):
    collaboration = make_full_record(theme, org)

    html = client.get(detail(collaboration)).content.decode()

    assert "Evaluation of the Gatwick station" in html
    assert "University of Surrey, 2018" in html
    assert "3: before and after with a comparison group" in html


def test_anonymous_person_never_sees_contacts(client, register, theme, org):
    collaboration = make_full_record(theme, org)

    html = client.get(detail(collaboration)).content.decode()

    assert PRIVATE_EMAIL not in html
    assert "Pat Example" not in html
    assert 'id="contacts"' not in html


def test_editor_of_another_organisation_sees_the_published_record_without_contacts(client, cast, theme, org):
    collaboration = make_full_record(theme, org)
    client.force_login(cast.editor_b)

    response = client.get(detail(collaboration))

    assert response.status_code == 200
    assert PRIVATE_EMAIL not in response.content.decode()


def test_anonymous_person_gets_not_found_for_a_draft(client, register, theme, org):
    draft = make_full_record(theme, org, publication=Publication.DRAFT)

    response = client.get(detail(draft))

    assert response.status_code == 404
    assert "Tri-service station at Gatwick" not in response.content.decode()


def test_editor_of_a_partner_sees_their_own_draft_and_its_contacts(client, cast, theme, org):
    draft = make_full_record(theme, org, publication=Publication.DRAFT)
    client.force_login(cast.editor_a)

    response = client.get(detail(draft))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tri-service station at Gatwick" in html
    assert "Draft (not public)" in html
    assert f'href="mailto:{PRIVATE_EMAIL}"' in html
    assert "Pat Example" in html


def test_editor_of_another_organisation_gets_not_found_for_the_draft(client, cast, theme, org):
    draft = make_full_record(theme, org, publication=Publication.DRAFT)
    client.force_login(cast.editor_b)

    response = client.get(detail(draft))

    assert response.status_code == 404
    assert PRIVATE_EMAIL not in response.content.decode()


def test_analyst_sees_the_change_history(client, cast, theme, org):
    collaboration = make_full_record(theme, org)
    client.force_login(cast.analyst)

    response = client.get(detail(collaboration))

    html = response.content.decode()
    assert "Change history" in html
    assert 'data-testid="history"' in html
    assert PRIVATE_EMAIL in html
    history = response.context["data"].history
    assert {(e.action, e.part) for e in history} >= {
        ("added", "collaboration"),
        ("added", "partner"),
        ("added", "contact"),
    }
    assert "Added: partner" in html


def test_anonymous_person_and_editors_do_not_see_the_change_history(client, cast, theme, org):
    collaboration = make_full_record(theme, org)

    assert "Change history" not in client.get(detail(collaboration)).content.decode()
    client.force_login(cast.editor_a)
    assert "Change history" not in client.get(detail(collaboration)).content.decode()


def test_a_merged_record_redirects_to_the_record_that_absorbed_it(client, register):
    survivor = make_collaboration("surrey_police", "surrey_frs", title="Survivor")
    absorbed = make_collaboration("surrey_police", "surrey_frs", title="Duplicate")
    Collaboration.objects.filter(pk=absorbed.pk).update(merged_into=survivor)

    response = client.get(detail(absorbed))

    assert response.status_code == 302
    assert response["Location"] == detail(survivor)


def test_a_merged_record_whose_survivor_is_a_draft_is_not_found(client, register):
    survivor = make_collaboration("surrey_police", "surrey_frs", title="Survivor", publication=Publication.DRAFT)
    absorbed = make_collaboration("surrey_police", "surrey_frs", title="Duplicate")
    Collaboration.objects.filter(pk=absorbed.pk).update(merged_into=survivor)

    assert client.get(detail(absorbed)).status_code == 404


def test_unknown_collaboration_is_not_found(client, db):
    assert client.get(reverse("explorer:collaboration_detail", args=[999999])).status_code == 404


def test_html_in_a_title_is_escaped_on_the_record_page(client, register):
    collaboration = make_collaboration("surrey_police", "surrey_frs", title="<img src=x onerror=alert(1)> hub")

    html = client.get(detail(collaboration)).content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; hub" in html


def test_record_page_links_to_similar_collaborations(client, register, theme):
    collaboration = make_collaboration("surrey_police", "surrey_frs", theme=theme("es_joint_facilities"))

    html = client.get(detail(collaboration)).content.decode()

    assert 'href="/collaborations/?theme=es_joint_facilities"' in html
    assert 'href="/collaborations/?theme=estates"' in html
    assert 'href="/collaborations/?organisation=surrey_frs"' in html
    assert 'href="/collaborations/?region=South%20East"' in html
