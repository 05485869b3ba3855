"""The analysts' inverse of the opportunity finder: police force areas where police, fire and ambulance all cover
the same ground, and the pairs of those services with no published collaboration between organisations that cover
the area.

An area is covered by a service when an organisation of that service in the register, existing today, covers it
(a police and crime commissioner counts with the police). A published collaboration counts for an area and a pair
when it has a partner of each of the two services covering the area (predecessors included: their work was done
there); a collaboration of all three counts for every pair.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy

from bluelight.collaborations.models import Collaboration, Partner
from bluelight.collaborations.selectors import figures_cached
from bluelight.insights.opportunities import BLUE_LIGHT, service_of_type
from bluelight.organisations.models import Organisation, PoliceForceArea, Service

PAIRS = (
    (Service.POLICE, Service.FIRE),
    (Service.POLICE, Service.AMBULANCE),
    (Service.FIRE, Service.AMBULANCE),
)
GAP_SORTS = {
    "gaps": gettext_lazy("Most pairs without a collaboration"),
    "collaborations": gettext_lazy("Fewest collaborations"),
    "name": gettext_lazy("Area name"),
    "region": gettext_lazy("Region"),
}
GAP_SHOWS = {"gaps": gettext_lazy("Areas with a gap"), "all": gettext_lazy("Every area the three services cover")}


def pair_code(pair: tuple[str, str]) -> str:
    return f"{pair[0]}_{pair[1]}"


def pair_label(pair: tuple[str, str]) -> str:
    return f"{Service(pair[0]).label}–{Service(pair[1]).label}"


@dataclass
class PairCount:
    code: str
    label: str
    collaborations: int  # published, with a partner of each service covering the area


@dataclass
class GapRow:
    area: PoliceForceArea
    organisations: dict[str, list[str]]  # service -> names of the register organisations covering it today
    pairs: list[PairCount]
    collaborations: int  # published, with partners of at least two of the three services covering the area

    @property
    def missing(self) -> list[PairCount]:
        return [p for p in self.pairs if not p.collaborations]


@dataclass
class GapsPage:
    rows: list[GapRow]  # shown, in the order chosen
    areas_total: int  # police force areas
    tri_service: int  # covered by all three services
    with_gap: int  # of those, with at least one pair never collaborating there
    missing_by_pair: list[PairCount]  # per pair: tri-service areas where it has no collaboration
    sort: str
    show: str
    sort_links: list[dict] = field(default_factory=list)


def _gap_rows_compute() -> list[GapRow]:
    today = timezone.localdate()
    through = Organisation.police_force_areas.through.objects
    areas_of = defaultdict(set)
    for organisation_id, area_id in through.values_list("organisation_id", "policeforcearea_id"):
        areas_of[organisation_id].add(area_id)
    service_of = {pk: service_of_type(t) for pk, t in Organisation.objects.values_list("pk", "type")}
    covering = defaultdict(lambda: defaultdict(list))
    for o in Organisation.objects.filter(in_register=True).valid_on(today).order_by("name"):
        if o.service in BLUE_LIGHT:
            for area_id in areas_of[o.pk]:
                covering[area_id][o.service].append(o.name)
    partners = defaultdict(set)
    for collaboration_id, organisation_id in Partner.objects.filter(
        collaboration__in=Collaboration.objects.published().values("pk")
    ).values_list("collaboration_id", "organisation_id"):
        if service_of[organisation_id] in BLUE_LIGHT:
            partners[collaboration_id].add(organisation_id)
    counts = defaultdict(lambda: defaultdict(int))  # area -> pair code (or "any") -> collaborations
    for organisation_ids in partners.values():
        services_in = defaultdict(set)  # area -> services of partners covering it
        for organisation_id in organisation_ids:
            for area_id in areas_of[organisation_id]:
                services_in[area_id].add(service_of[organisation_id])
        for area_id, services in services_in.items():
            if len(services) >= 2:
                counts[area_id]["any"] += 1
            for pair in PAIRS:
                if set(pair) <= services:
                    counts[area_id][pair_code(pair)] += 1
    rows = []
    for area in PoliceForceArea.objects.order_by("name"):
        if all(covering[area.pk][s] for s in BLUE_LIGHT):
            pairs = [PairCount(pair_code(p), pair_label(p), counts[area.pk][pair_code(p)]) for p in PAIRS]
            rows.append(
                GapRow(area, {s.value: covering[area.pk][s] for s in BLUE_LIGHT}, pairs, counts[area.pk]["any"])
            )
    return rows


GAP_ORDER = {
    "gaps": lambda r: (-len(r.missing), r.collaborations, r.area.name),
    "collaborations": lambda r: (r.collaborations, -len(r.missing), r.area.name),
    "name": lambda r: (r.area.name,),
    "region": lambda r: (r.area.region, r.area.name),
}


def gaps_page_data(*, sort: str = "gaps", show: str = "gaps", base_url: str = "") -> GapsPage:
    """Police force areas covered by all three services, and which pairs of them never collaborate there.

    Published records only, so the same for every analyst: kept a minute under the records' version.
    """
    sort = sort if sort in GAP_ORDER else "gaps"
    show = show if show in GAP_SHOWS else "gaps"
    every = figures_cached("opportunity-gaps", (), _gap_rows_compute)
    shown = [r for r in every if show == "all" or r.missing]
    shown.sort(key=GAP_ORDER[sort])
    missing_by_pair = [
        PairCount(pair_code(p), pair_label(p), sum(1 for r in every if not r.pairs[i].collaborations))
        for i, p in enumerate(PAIRS)
    ]
    links = [
        {
            "code": code,
            "label": str(label),
            "current": code == sort,
            "href": f"{base_url}?{urlencode({'sort': code, 'show': show})}",
        }
        for code, label in GAP_SORTS.items()
    ]
    return GapsPage(
        rows=shown,
        areas_total=PoliceForceArea.objects.count(),
        tri_service=len(every),
        with_gap=sum(1 for r in every if r.missing),
        missing_by_pair=missing_by_pair,
        sort=sort,
        show=show,
        sort_links=links,
    )


def gaps_page_json(page: GapsPage) -> dict:
    return {
        "police_force_areas": page.areas_total,
        "covered_by_all_three_services": page.tri_service,
        "with_a_pair_never_collaborating": page.with_gap,
        "areas_without_collaboration_by_pair": {p.code: p.collaborations for p in page.missing_by_pair},
        "sort": page.sort,
        "show": page.show,
        "count": len(page.rows),
        "results": [gap_row_json(r) for r in page.rows],
    }


def gap_row_json(row: GapRow) -> dict:
    return {
        "code": row.area.code,
        "name": row.area.name,
        "region": row.area.region,
        "country": row.area.country,
        "organisations": row.organisations,
        "collaborations": row.collaborations,
        "collaborations_by_pair": {p.code: p.collaborations for p in row.pairs},
        "pairs_without_collaboration": [p.code for p in row.missing],
    }


GAP_COLUMNS = [
    "code",
    "name",
    "region",
    "country",
    "police",
    "fire",
    "ambulance",
    "collaborations",
    *[pair_code(p) for p in PAIRS],
    "pairs_without_collaboration",
]


def gap_csv_rows(page: GapsPage) -> list[dict]:
    rows = []
    for row in page.rows:
        data = gap_row_json(row)
        rows.append(
            {
                **{k: data[k] for k in ("code", "name", "region", "country", "collaborations")},
                **{s: "; ".join(names) for s, names in row.organisations.items()},
                **data["collaborations_by_pair"],
                "pairs_without_collaboration": "; ".join(data["pairs_without_collaboration"]),
            }
        )
    return rows
