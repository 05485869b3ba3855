"""A small hand-built world for the opportunity finder's tests, on the real register (South East and beyond).

What Surrey Fire and Rescue should be told, worked out by hand (it covers Surrey, as do Surrey Police, the Surrey
commissioner and South East Coast Ambulance, its natural partners):
1. Co-responding: two fire services pursue it (Kent, Devon and Somerset), one record has evidence rated 4;
2. Missing people searches: two fire services (Kent, Essex), one record with savings; the evidence rated 5 on
   Essex's record is a draft, so it does not count;
3. Forced entry: one fire service (Devon and Somerset), savings;
4. Joint response unit: no fire service, but two organisations in its region (Kent Police, the ambulance trust).
Not opportunities: shared headquarters (it does it), telecare (no savings, no good evidence), a tri-service hub
(recorded only in a draft).
"""

from types import SimpleNamespace

from bluelight.collaborations.models import Publication
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.collaborations.tests.factories import make_collaboration, saving


def evidence(collaboration, strength: int, *, publication: str = Publication.PUBLISHED):
    return evidence_item_create(
        data=EvidenceItemData(
            title=f"Evaluation of {collaboration.title}",
            strength=strength,
            strength_reason="Compared with similar areas.",
            collaborations=[collaboration],
            evaluated=collaboration,
            publication=publication,
        )
    )


def opportunities_world(theme) -> SimpleNamespace:
    w = SimpleNamespace()
    w.kent_missing = make_collaboration(
        "kent_frs",
        "kent_police",
        title="Kent missing person searches",
        theme=theme("dm_missing_people"),
        benefits=[saving("50000")],
    )
    w.essex_missing = make_collaboration(
        "essex_frs", "essex_police", title="Essex drone searches", theme=theme("dm_missing_people")
    )
    evidence(w.essex_missing, 5, publication=Publication.DRAFT)
    w.kent_coresponding = make_collaboration(
        "kent_frs", "south_east_coast_as", title="Kent co-responding", theme=theme("fr_coresponding")
    )
    evidence(w.kent_coresponding, 4)
    w.devon_coresponding = make_collaboration(
        "devon_somerset_frs", "south_western_as", title="Devon co-responding", theme=theme("fr_coresponding")
    )
    evidence(w.devon_coresponding, 2)
    w.surrey_hq = make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Surrey shared headquarters",
        theme=theme("es_shared_hq"),
        benefits=[saving("300000")],
    )
    w.devon_entry = make_collaboration(
        "devon_somerset_frs",
        "devon_cornwall_police",
        title="Devon forced entry",
        theme=theme("dm_forced_entry"),
        benefits=[saving("20000")],
    )
    w.kent_jru = make_collaboration(
        "kent_police",
        "south_east_coast_as",
        title="Kent joint response unit",
        theme=theme("dm_jru"),
        benefits=[saving("80000")],
    )
    w.kent_telecare = make_collaboration(
        "kent_frs", "kent_police", title="Kent falls response", theme=theme("fr_telecare")
    )
    w.essex_hub_draft = make_collaboration(
        "essex_frs",
        "essex_police",
        title="Essex tri-service hub",
        theme=theme("es_tri_service_hub"),
        benefits=[saving("10000")],
        publication=Publication.DRAFT,
    )
    # Surrey Police's own draft on a theme that is an opportunity for it in published records.
    w.surrey_missing_draft = make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Surrey missing people draft",
        theme=theme("dm_missing_people"),
        publication=Publication.DRAFT,
    )
    return w
