"""A small hand-built world for the priorities tests, and the register counted independently (raw SQL).

Baseline (published first): c0 on Joint control rooms (Kent Police, Kent FRS), c1 on Shared estates (Surrey
Police, Surrey FRS; £10,000 a year realised). Then: c2 on Shared estates (Kent Police, Kent FRS, SECAmb;
£2,000 realised, £4,000 estimated a year, and a £50,000 one-off saving that must not count), c3 on First
response (Kent FRS, SECAmb; an outcome), c4 on First response (Surrey FRS, SECAmb; £6,000 a year
independently evaluated), and a draft on Prevention (never counts). Evidence: rated 4 on c1, 3 on c0,
2 on c3, and 5 on c4 but unpublished (never counts). Joint control rooms has a strategic weight of 8.
"""

import datetime

from django.db import connection

from bluelight.collaborations import rules
from bluelight.collaborations.models import Publication, Theme
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.services import edition_publish
from bluelight.insights.priorities import strategic_weight_set

POLICE_TYPES = ("police_force", "police_and_crime_commissioner")


def register_counts() -> dict:
    """Police, fire and ambulance organisations in the register existing this year, by raw SQL."""
    year = datetime.date.today().year
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, COUNT(*) FROM organisations_organisation WHERE in_register "
            "AND (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to > %s) GROUP BY type",
            [year, year],
        )
        by_type = dict(cursor.fetchall())
    return {
        "police": sum(by_type.get(t, 0) for t in POLICE_TYPES),
        "fire": by_type.get("fire_and_rescue", 0),
        "ambulance": by_type.get("ambulance_trust", 0),
    }


def _evidence(title, strength, collaboration, publication=Publication.PUBLISHED):
    return evidence_item_create(
        data=EvidenceItemData(
            title=title,
            strength=strength,
            strength_reason="As rated by the test.",
            publication=publication,
            collaborations=[collaboration],
        )
    )


def build_world(*, user=None) -> dict:
    t = {c.code: c for c in Theme.objects.all()}
    c0 = make_collaboration("kent_police", "kent_frs", title="Kent joint control room", theme=t["cr_colocated"])
    c1 = make_collaboration(
        "surrey_police", "surrey_frs", title="Epsom shared station", theme=t["es_joint_facilities"],
        benefits=[saving(10000, basis="realised")],
    )  # fmt: skip
    baseline = edition_publish(name="Baseline overview", as_of=datetime.date.today(), baseline=True)
    c2 = make_collaboration(
        "kent_police", "kent_frs", "south_east_coast_as", title="Kent tri-service HQ", theme=t["es_shared_hq"],
        benefits=[saving(2000, basis="realised"), saving(4000, basis="estimated"),
                  saving(50000, kind="cumulative_saving", basis="realised")],
    )  # fmt: skip
    c3 = make_collaboration(
        "kent_frs", "south_east_coast_as", title="Kent co-responding", theme=t["fr_coresponding"],
        outcomes=[rules.OutcomeData("Patients reached three minutes sooner")],
    )  # fmt: skip
    c4 = make_collaboration(
        "surrey_frs", "south_east_coast_as", title="Surrey emergency first response", theme=t["fr_efr"],
        benefits=[saving(6000, basis="independently_evaluated")],
    )  # fmt: skip
    draft = make_collaboration(
        "surrey_police", "surrey_frs", title="Draft safe and well visits", theme=t["pv_safe_and_well"],
        publication=Publication.DRAFT, benefits=[saving(99999, basis="realised")],
    )  # fmt: skip
    _evidence("Epsom evaluation", 4, c1)
    _evidence("Kent control room review", 3, c0)
    _evidence("Co-responding before and after", 2, c3)
    _evidence("Unpublished trial", 5, c4, publication=Publication.DRAFT)
    strategic_weight_set(theme=t["control"], value=8, reason="National interoperability review", user=user)
    return {"c0": c0, "c1": c1, "c2": c2, "c3": c3, "c4": c4, "draft": draft, "baseline": baseline, "themes": t}
