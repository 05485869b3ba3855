"""Editions: frozen snapshots, one baseline, comparison by stable identity (surviving merges)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.services import collaboration_data_from, collaboration_update
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.models import Edition
from bluelight.editions.selectors import combination, edition_compare
from bluelight.editions.services import edition_publish

DAY = datetime.date(2014, 9, 1)


def test_an_edition_freezes_published_records_and_later_edits_do_not_change_it(register):
    station = make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    make_collaboration("kent_police", "kent_frs", title="Draft plan", publication="draft")
    edition = edition_publish(name="2014 overview", as_of=DAY, baseline=True)
    assert edition.collaborations == 1
    data = collaboration_data_from(station)
    data.title = "Renamed later"
    collaboration_update(collaboration=station, data=data)
    entry = edition.entries.get()
    assert entry.data["title"] == "Joint station at Epsom" and entry.uid == station.uid
    assert {p["id"] for p in entry.data["partners"]} == {"surrey_police", "surrey_frs"}
    assert "contacts" not in entry.data and "pat@example.org" not in json.dumps(entry.data)


def test_an_edition_freezes_published_evidence_only(register):
    from bluelight.collaborations.models import EvidenceItem, Publication

    station = make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    for title, publication in (("Published audit", Publication.PUBLISHED), ("Draft evaluation", Publication.DRAFT)):
        EvidenceItem.objects.create(title=title, strength=3, publication=publication).collaborations.add(station)
    edition = edition_publish(name="2014 overview", as_of=DAY, baseline=True)
    assert edition.entries.get().data["evidence"] == [{"title": "Published audit", "strength": 3}]


def test_there_is_only_one_baseline_and_names_are_never_reused(register):
    edition_publish(name="2014 overview", as_of=DAY, baseline=True)
    with pytest.raises(ValidationError, match="already the baseline"):
        edition_publish(name="2016 overview", as_of=DAY, baseline=True)
    with pytest.raises(ValidationError, match="never replaced"):
        edition_publish(name="2014 overview", as_of=DAY)
    assert Edition.objects.count() == 1


def test_comparison_finds_new_ended_changed_and_new_partners_and_follows_merges(register, org):
    kept = make_collaboration(
        "surrey_police", "surrey_frs", title="Joint station at Epsom", status="planned", benefits=[saving("1000")]
    )
    ending = make_collaboration("kent_police", "kent_frs", title="Missing person searches")
    absorbed = make_collaboration("sussex_police", "east_sussex_frs", title="Shared workshop")
    survivor = make_collaboration("sussex_police", "east_sussex_frs", "south_east_coast_as", title="Workshop, Lewes")
    baseline = edition_publish(name="2014 overview", as_of=DAY, baseline=True)

    data = collaboration_data_from(kept)
    data.status = "operational"
    data.partners.append(type(data.partners[0])(org("south_east_coast_as")))
    collaboration_update(collaboration=kept, data=data)
    data = collaboration_data_from(ending)
    data.status, data.end_date, data.end_precision = "completed", datetime.date(2016, 12, 31), "year"
    collaboration_update(collaboration=ending, data=data)
    Collaboration.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    make_collaboration("essex_police", "essex_frs", title="Essex joint HQ")
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))

    result = edition_compare(edition=later, baseline=baseline)
    assert [d["title"] for d in result.new] == ["Essex joint HQ"]
    assert [d["title"] for d in result.ended] == ["Missing person searches"]
    assert {"title": "Joint station at Epsom", "from": "planned", "to": "operational"} in result.changed_status
    assert result.new_partners == [
        {"title": "Joint station at Epsom", "partners": ["South East Coast Ambulance Service NHS Foundation Trust"]}
    ]
    # The absorbed record of the baseline is the survivor now: neither new nor ended.
    assert len(result.continuing) == 2
    assert result.by_region["East of England"] == {"baseline": 0, "edition": 1, "change": 1}
    assert result.by_country["England"] == {"baseline": 3, "edition": 4, "change": 1}
    assert result.by_organisation["essex_police"] == {"baseline": 0, "edition": 1, "change": 1}
    # Priced in 2016, the edition's own financial year: constant prices equal cash.
    assert result.annual_savings["estimated"] == {
        "baseline": "1000.00",
        "edition": "1000.00",
        "baseline_constant": "1000",
        "edition_constant": "1000",
    }


def test_comparison_follows_organisation_mergers(register, org):
    """Dorset FRS became Dorset and Wiltshire FRS in 2016: a record that swaps one for the other has no
    new partner, and the organisation counts carry over to the body it became."""
    record = make_collaboration("dorset_police", "dorset_frs", title="Shared station at Weymouth")
    baseline = edition_publish(name="2014 overview", as_of=DAY, baseline=True)
    data = collaboration_data_from(record)
    data.partners[1] = type(data.partners[1])(org("dorset_wiltshire_frs"))
    collaboration_update(collaboration=record, data=data)
    later = edition_publish(name="2017 overview", as_of=datetime.date(2017, 9, 1))

    result = edition_compare(edition=later, baseline=baseline)
    assert result.new_partners == []
    assert result.by_organisation["dorset_wiltshire_frs"] == {"baseline": 1, "edition": 1, "change": 0}
    assert "dorset_frs" not in result.by_organisation


def test_service_combinations_are_named_as_the_overview_names_them():
    assert combination("fire,police") == "police-fire"
    assert combination("ambulance,fire,police") == "all three"
    assert combination("ambulance,fire,wider") == "fire-ambulance + wider public sector"


def test_command_publishes_and_compares(register):
    make_collaboration("surrey_police", "surrey_frs")
    out = StringIO()
    call_command("editions", "publish", "2014 overview", "--date", "2014-09-01", "--baseline", "--json", stdout=out)
    assert json.loads(out.getvalue())["collaborations"] == 1
    make_collaboration("kent_police", "kent_frs", title="Kent station")
    call_command("editions", "publish", "2016 overview", "--date", "2016-09-01", stdout=StringIO())
    out = StringIO()
    call_command("editions", "compare", "2016 overview", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["new"] == 1 and data["continuing"] == 1 and data["baseline"] == "2014 overview"
