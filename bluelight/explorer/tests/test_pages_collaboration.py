"""A collaboration's page: its status in each edition, evidence explained in plain words, similar records."""

import datetime

from bluelight.collaborations.models import Collaboration, Status
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.services import edition_publish


def page(client, collaboration):
    return client.get(collaboration.get_absolute_url())


def test_the_timeline_shows_the_status_each_edition_froze(client, register):
    station = make_collaboration(title="Joint station at Epsom", status=Status.PLANNED)
    edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    Collaboration.objects.filter(pk=station.pk).update(status=Status.OPERATIONAL, title="Epsom station")
    edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    later = make_collaboration(title="Late starter")

    response = page(client, station)
    timeline = response.context["more"].timeline
    assert [(row.edition.name, row.listed, row.status) for row in timeline] == [
        ("2014 overview", True, "planned"),
        ("2016 overview", True, "operational"),
    ]
    assert timeline[0].title == "Joint station at Epsom"  # it was called something else then
    html = response.content.decode()
    assert "Planned" in html and "then called ‘Joint station at Epsom’" in html
    assert [row.listed for row in page(client, later).context["more"].timeline] == [False, False]


def test_evidence_is_explained_in_plain_words_with_the_one_it_evaluated(client, register):
    epsom = make_collaboration(title="Epsom station")
    woking = make_collaboration(title="Woking station")
    evidence_item_create(
        data=EvidenceItemData(
            title="Two stations compared",
            strength=3,
            strength_reason="Comparison group",
            collaborations=[epsom, woking],
            evaluated=woking,
        )
    )
    evidence_item_create(
        data=EvidenceItemData(
            title="Unpublished audit", strength=4, strength_reason="x", publication="draft", collaborations=[epsom]
        )
    )

    epsom_html = page(client, epsom).content.decode()
    woking_html = page(client, woking).content.decode()

    assert "compared with a similar group that did not have it" in epsom_html
    assert "Level 5" in epsom_html  # the scale is explained
    assert "but evaluated another one" in epsom_html
    assert "and evaluated this one" in woking_html
    assert "Unpublished audit" not in epsom_html


def test_annual_savings_are_summed_by_basis(client, register):
    station = make_collaboration(
        benefits=[saving(1000), saving(500), saving(2000, basis="realised"), saving(700, kind="cumulative_saving")]
    )

    rows = dict(page(client, station).context["more"].savings_by_basis)

    expected = {}
    for benefit in station.benefits.filter(kind="annual_saving"):
        label = benefit.get_basis_display()
        expected[label] = expected.get(label, 0) + benefit.amount_gbp
    assert rows == expected
    assert rows["Projected or estimated"] == 1500


def test_similar_collaborations_share_the_main_theme_and_most_partners_first(client, register, theme):
    mine = make_collaboration("surrey_police", "surrey_frs", title="Shared station at Epsom")
    same_partners = make_collaboration("surrey_police", "surrey_frs", title="Another building")
    one_partner = make_collaboration("surrey_police", "kent_frs", title="Shared station elsewhere")
    make_collaboration("surrey_police", "surrey_frs", title="Other theme", theme=theme("fr_coresponding"))
    make_collaboration("surrey_police", "surrey_frs", title="Draft one", publication="draft")

    similar = page(client, mine).context["more"].similar

    assert [c.title for c in similar][:2] == [same_partners.title, one_partner.title]
    assert {c.title for c in similar} <= {same_partners.title, one_partner.title}


def test_similar_collaborations_link_to_each_with_its_lead_partner(client, register):
    mine = make_collaboration("surrey_police", "surrey_frs", title="Shared station at Epsom")
    other = make_collaboration("kent_frs", "surrey_police", title="Shared station at Dover")

    html = page(client, mine).content.decode()

    assert f'href="{other.get_absolute_url()}">Shared station at Dover</a><br>Kent Fire and Rescue Service' in html


def test_similar_collaborations_come_from_the_latest_on_the_theme(client, register, monkeypatch):
    from bluelight.explorer import pages

    monkeypatch.setattr(pages, "SIMILAR_CANDIDATES", 2)
    mine = make_collaboration("surrey_police", "surrey_frs", title="Shared station at Epsom")
    oldest = make_collaboration("surrey_police", "surrey_frs", title="Oldest", start_date=datetime.date(2001, 1, 1))
    for year in (2020, 2021):
        make_collaboration("kent_frs", "kent_police", title=f"Started {year}", start_date=datetime.date(year, 1, 1))

    titles = [c.title for c in page(client, mine).context["more"].similar]

    # The oldest shares both partners, but only the latest two on the theme are looked at.
    assert oldest.title not in titles
    assert sorted(titles) == ["Started 2020", "Started 2021"]
