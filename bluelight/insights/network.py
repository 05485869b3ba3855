"""The collaboration network: organisations as nodes, collaborations as links, and the simple figures read from them.

Two organisations are linked when both are partners in at least one collaboration counted; the link's
weight is how many they share. What is counted is either today's published, unmerged collaborations or
the entries an edition froze (records as they were published then), narrowed by main theme, where a
top-level theme takes in its sub-themes, as the overview counts. Plain Python, no graph library: a few
hundred organisations and, at 100,000 records, some 250,000 partner rows, read once per question and
kept a minute under the records' version (`figures_cached`). The picture is laid out here too, as
numbers the template draws as inline SVG (no JavaScript).
"""

import datetime
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bluelight.collaborations.models import Collaboration, Partner, Theme
from bluelight.collaborations.selectors import figures_cached
from bluelight.editions.models import Edition
from bluelight.organisations.models import SERVICE_OF_TYPE, Organisation, OrganisationType, Service

# "Isolated" looks only at the bodies the duty to collaborate is about: the register's police forces, fire
# and rescue services, ambulance trusts and police and crime commissioners. Councils, NHS bodies and
# charities enter the register only when a return names them, so one with no collaboration is rare and
# says nothing.
BLUE_LIGHT_TYPES = (
    OrganisationType.POLICE_FORCE,
    OrganisationType.FIRE_AND_RESCUE,
    OrganisationType.AMBULANCE_TRUST,
    OrganisationType.POLICE_AND_CRIME_COMMISSIONER,
)
SERVICE_ORDER = [Service.POLICE, Service.FIRE, Service.AMBULANCE, Service.WIDER]
# GOV.UK colours; each service is also one unbroken arc of the circle, named in the legend and the text
# alternative, so colour is never the only way to tell them apart.
SERVICE_COLOURS = {
    Service.POLICE: "#1d70b8",
    Service.FIRE: "#d4351c",
    Service.AMBULANCE: "#00703c",
    Service.WIDER: "#505a5f",
}
SORTS = {"weight": _lazy("Most collaborations first"), "name": _lazy("Organisation name")}
LINKS_DRAWN = 300  # more lines than this turn the middle of the circle solid; the table lists every link
LINKS_PAGE_SIZE = 50
MOST_CONNECTED_SHOWN = 10
LABELS_WHEN_CROWDED = 20  # names drawn when there is no room for all: the most connected
PICTURE_SIZE = 900
RADIUS = 290
FONT_SIZE = 10
LABEL_LENGTH = 24


# Reading the filters: unknown values are set aside with a notice, never an error or an empty page


@dataclass
class NetworkQuery:
    """What was asked, as far as it could be read: theme codes in force, one edition, the table's order."""

    themes: list[str] = field(default_factory=list)
    edition: Edition | None = None
    sort: str = "weight"
    notices: list[str] = field(default_factory=list)

    @property
    def parts(self) -> tuple:
        """What the figures depend on, for the cache key."""
        return (("main_theme", tuple(sorted(self.themes))), ("edition", self.edition.slug if self.edition else ""))

    @property
    def is_filtered(self) -> bool:
        return bool(self.themes or self.edition)


def _given(params, name: str) -> list[str]:
    values = [" ".join(str(v).split()) for v in params.getlist(name)] if hasattr(params, "getlist") else []
    return [v for v in dict.fromkeys(values) if v]


def _ignored(what, value: str, why) -> str:
    return _("We ignored %(what)s '%(value)s': %(why)s") % {"what": what, "value": value, "why": why}


def network_query(params) -> NetworkQuery:
    """Read `main_theme` (may repeat), `edition` (one) and `sort` from a query string, the explorer's way."""
    query = NetworkQuery()
    themes = _given(params, "main_theme")
    known = set(Theme.objects.filter(code__in=themes).values_list("code", flat=True))
    for code in themes:
        if code in known:
            query.themes.append(code)
        else:
            query.notices.append(_ignored(_("theme"), code, _("no such theme")))
    editions = _given(params, "edition")
    found = {e.slug: e for e in Edition.objects.filter(slug__in=editions)}
    for slug in editions:
        if slug not in found:
            query.notices.append(_ignored(_("edition"), slug, _("no such edition")))
        elif query.edition is None:
            query.edition = found[slug]
        else:
            query.notices.append(_ignored(_("edition"), slug, _("only one can apply")))
    for order in _given(params, "sort")[:1]:
        if order in SORTS:
            query.sort = order
        else:
            query.notices.append(_ignored(_("sort order"), order, _("no such sort order")))
    return query


# The network itself


@dataclass(frozen=True)
class NetworkNode:
    slug: str
    name: str
    type: str
    type_label: str
    service: str
    service_label: str
    region: str
    partners: int = 0  # degree: distinct organisations it shares at least one counted collaboration with
    collaborations: int = 0  # weighted degree as shown: counted collaborations it is a partner in
    link_weight: int = 0  # the sum of its links' weights: a collaboration with three others adds three
    in_register: bool = True  # it has a page today (an edition may name a body since renamed)

    def get_absolute_url(self) -> str:
        return reverse("explorer:organisation_detail", args=[self.slug]) if self.in_register else ""


@dataclass(frozen=True)
class NetworkLink:
    source: str  # the two slugs in name order
    target: str
    source_name: str
    target_name: str
    weight: int  # collaborations counted that both are partners in


@dataclass
class NetworkData:
    """The network for one question, the same for every reader (published records only)."""

    themes: list[tuple[str, str]]  # (code, name) in force
    edition_slug: str
    edition_name: str
    as_of: datetime.date  # the edition's date, or today: the day the register is read on for isolated bodies
    collaborations: int
    nodes: list[NetworkNode]  # by name
    links: list[NetworkLink]  # heaviest first, then by names
    isolated: list[NetworkNode]  # by name

    @property
    def theme_names(self) -> str:
        return "; ".join(name for _code, name in self.themes)


def network_links(memberships: Iterable[Iterable[str]]) -> Counter:
    """Link weights from each collaboration's partners: every pair in a collaboration adds one to its link."""
    weights = Counter()
    for partners in memberships:
        weights.update(combinations(sorted(set(partners)), 2))
    return weights


def _organisation_info(organisation: Organisation) -> dict:
    return {"name": organisation.name, "type": organisation.type, "region": organisation.region}


def _live_memberships(themes: list[str]) -> tuple[list[set[str]], dict[str, dict]]:
    """Each published, unmerged collaboration's partners (by slug), and what is known of each partner."""
    scope = Collaboration.objects.published()
    if themes:
        scope = scope.filter(Q(primary_theme__code__in=themes) | Q(primary_theme__parent__code__in=themes))
    partners: dict[int, set[int]] = defaultdict(set)
    rows = Partner.objects.filter(collaboration__in=scope.values("pk")).order_by()
    for collaboration_id, organisation_id in rows.values_list("collaboration_id", "organisation_id").iterator():
        partners[collaboration_id].add(organisation_id)
    organisations = Organisation.objects.in_bulk({pk for found in partners.values() for pk in found})
    slugs = {pk: o.slug for pk, o in organisations.items()}
    info = {o.slug: _organisation_info(o) for o in organisations.values()}
    return [{slugs[pk] for pk in found} for found in partners.values()], info


def _frozen_memberships(edition: Edition, themes: list[str]) -> tuple[list[set[str]], dict[str, dict]]:
    """Each entry's partners as the edition froze them (slug, name, type, region), so a body renamed or merged
    since is counted under the name it had then."""
    entries = edition.entries.all()
    if themes:
        # The frozen codes: `top_theme` is the entry's top-level theme then, so a sub-theme moved since stays put.
        entries = entries.filter(Q(data__primary_theme__in=themes) | Q(data__top_theme__in=themes))
    memberships, info = [], {}
    for partners in entries.order_by("pk").values_list("data__partners", flat=True).iterator():
        found = set()
        for partner in partners or []:
            slug = partner.get("id")
            if not slug:
                continue
            found.add(slug)
            info.setdefault(slug, {k: partner.get(k) or "" for k in ("name", "type", "region")})
        memberships.append(found)
    return memberships, info


def _node(slug: str, info: dict, present: set[str], **counts) -> NetworkNode:
    service = SERVICE_OF_TYPE.get(info["type"], Service.WIDER)
    type_label = str(OrganisationType(info["type"]).label) if info["type"] in OrganisationType.values else ""
    return NetworkNode(
        slug=slug,
        name=info["name"] or slug,
        type=info["type"],
        type_label=type_label,
        service=service.value,
        service_label=str(service.label),
        region=info["region"],
        in_register=slug in present,
        **counts,
    )


def network_build(*, themes: list[str], edition: Edition | None) -> NetworkData:
    """The network for these filters, counted afresh (`network_data` keeps it a minute)."""
    if edition is None:
        memberships, info = _live_memberships(themes)
        as_of = timezone.localdate()
    else:
        memberships, info = _frozen_memberships(edition, themes)
        as_of = edition.as_of
    weights = network_links(memberships)
    neighbours, link_weight, collaborations = defaultdict(set), Counter(), Counter()
    for (a, b), weight in weights.items():
        neighbours[a].add(b)
        neighbours[b].add(a)
        link_weight[a] += weight
        link_weight[b] += weight
    for partners in memberships:
        collaborations.update(partners)
    present = set(Organisation.objects.filter(slug__in=list(info)).values_list("slug", flat=True))
    nodes = [
        _node(
            slug,
            info[slug],
            present,
            partners=len(neighbours[slug]),
            collaborations=collaborations[slug],
            link_weight=link_weight[slug],
        )
        for slug in info
    ]
    names = {node.slug: node.name for node in nodes}
    links = []
    for pair, weight in weights.items():
        source, target = sorted(pair, key=lambda slug: (names[slug], slug))
        links.append(NetworkLink(source, target, names[source], names[target], weight))
    register = (
        Organisation.objects.filter(in_register=True, type__in=BLUE_LIGHT_TYPES)
        .valid_on(as_of)
        .exclude(slug__in=list(info))
    )
    isolated = [_node(o.slug, _organisation_info(o), {o.slug}) for o in register]
    theme_names = dict(Theme.objects.filter(code__in=themes).values_list("code", "name"))
    return NetworkData(
        themes=[(code, theme_names.get(code, code)) for code in themes],
        edition_slug=edition.slug if edition else "",
        edition_name=edition.name if edition else "",
        as_of=as_of,
        collaborations=len(memberships),
        nodes=sorted(nodes, key=lambda n: (n.name, n.slug)),
        links=sorted(links, key=lambda link: (-link.weight, link.source_name, link.target_name)),
        isolated=sorted(isolated, key=lambda n: (n.name, n.slug)),
    )


def network_data(query: NetworkQuery) -> NetworkData:
    """`network_build` for the query, kept a minute under the records' version (a new edition renews it too)."""
    return figures_cached("network", query.parts, lambda: network_build(themes=query.themes, edition=query.edition))


# The picture: organisations on a circle, grouped by service, links as curves through the middle


@dataclass
class PlacedNode:
    node: NetworkNode
    x: float
    y: float
    colour: str
    label: str = ""  # empty: not named in the picture
    label_x: float = 0
    label_y: float = 0
    rotate: float = 0
    anchor: str = "start"


@dataclass
class DrawnLink:
    path: str
    width: float


@dataclass
class ServiceArc:
    service: str
    label: str
    colour: str
    path: str
    count: int


@dataclass
class NetworkPicture:
    size: int
    nodes: list[PlacedNode]
    links: list[DrawnLink]
    arcs: list[ServiceArc]
    links_total: int
    all_named: bool

    @property
    def links_drawn(self) -> int:
        return len(self.links)


def _point(angle: float, radius: float, centre: float) -> tuple[float, float]:
    return round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1)


# Official names share long beginnings and endings, so cut to the room a label has they would read alike
# ("Police and Crime Commi…" 40 times): the picture uses the usual short forms; the tables give names in full.
SHORT_FORMS = [
    (re.compile(r"^Police and Crime Commissioner for (the )?"), "PCC "),
    (re.compile(r"^Police, Fire and Crime Commissioner for (the )?"), "PFCC "),
    (re.compile(r" Fire and Rescue( Service| Authority)?$"), " FRS"),
    (re.compile(r" Ambulance Services? (University )?NHS( Foundation)? Trust$"), " Ambulance"),
]


def _short(name: str) -> str:
    for pattern, short in SHORT_FORMS:
        name = pattern.sub(short, name)
    return name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1].rstrip() + "…"


def most_connected(nodes: list[NetworkNode], limit: int) -> list[NetworkNode]:
    """Most distinct partners first; then most collaborations; then by name."""
    return sorted(nodes, key=lambda n: (-n.partners, -n.collaborations, n.name, n.slug))[:limit]


def network_picture(data: NetworkData, *, size: int = PICTURE_SIZE) -> NetworkPicture:
    """Organisations on a circle, clockwise from the top: police, fire and rescue, ambulance, then the wider public
    sector, each by region and name, with a gap between services; the LINKS_DRAWN heaviest links as curves
    bowed towards the centre, thicker for more collaborations. Names are drawn outwards along the radius:
    all of them when the circle has room, otherwise only the most connected."""
    order = {service.value: i for i, service in enumerate(SERVICE_ORDER)}
    nodes = sorted(data.nodes, key=lambda n: (order[n.service], n.region, n.name))
    centre = size / 2
    groups = [[n for n in nodes if n.service == s.value] for s in SERVICE_ORDER]
    groups = [g for g in groups if g]
    slots = len(nodes) + 2 * len(groups)
    step = 2 * math.pi / slots if slots else 0
    all_named = bool(slots) and 2 * math.pi * RADIUS / slots >= FONT_SIZE
    named = {n.slug for n in (nodes if all_named else most_connected(nodes, LABELS_WHEN_CROWDED))}
    placed, arcs, position, slot = [], [], {}, 1
    for group in groups:
        first = slot
        for node in group:
            angle = step * slot - math.pi / 2
            x, y = _point(angle, RADIUS, centre)
            spot = PlacedNode(node, x, y, SERVICE_COLOURS[Service(node.service)])
            if node.slug in named:
                spot.label = _short(node.name)
                spot.label_x, spot.label_y = _point(angle, RADIUS + 10, centre)
                degrees = math.degrees(angle)
                right_side = math.cos(angle) >= 0
                spot.rotate = round(degrees if right_side else degrees + 180, 1)
                spot.anchor = "start" if right_side else "end"
            placed.append(spot)
            position[node.slug] = (x, y)
            slot += 1
        start, end = step * (first - 0.5) - math.pi / 2, step * (slot - 0.5) - math.pi / 2
        (x1, y1), (x2, y2) = _point(start, RADIUS - 14, centre), _point(end, RADIUS - 14, centre)
        large = 1 if end - start > math.pi else 0
        service = Service(group[0].service)
        arcs.append(
            ServiceArc(
                service.value,
                str(service.label),
                SERVICE_COLOURS[service],
                f"M {x1} {y1} A {RADIUS - 14} {RADIUS - 14} 0 {large} 1 {x2} {y2}",
                len(group),
            )
        )
        slot += 2
    drawn = data.links[:LINKS_DRAWN]
    most = max((link.weight for link in drawn), default=1)
    lines = []
    for link in drawn:
        (x1, y1), (x2, y2) = position[link.source], position[link.target]
        # Bowed a third of the way towards the centre, so links between neighbours stay visible near the rim.
        qx = round(centre + ((x1 + x2) / 2 - centre) / 3, 1)
        qy = round(centre + ((y1 + y2) / 2 - centre) / 3, 1)
        lines.append(DrawnLink(f"M {x1} {y1} Q {qx} {qy} {x2} {y2}", round(0.75 + 4.25 * link.weight / most, 2)))
    return NetworkPicture(size, placed, lines, arcs, len(data.links), all_named)


# The page


@dataclass
class SortLink:
    label: str
    href: str
    current: bool


@dataclass
class NetworkPageData:
    data: NetworkData
    query: NetworkQuery
    picture: NetworkPicture
    most_connected: list[NetworkNode]
    links_page: Page
    sort_links: list[SortLink]
    isolated_by_service: list[tuple[str, list[NetworkNode]]]
    theme_options: list[tuple[str, str]]
    editions: list[Edition]
    today: datetime.date


def _theme_options() -> list[tuple[str, str]]:
    """Every theme for the select: each top-level theme, then its sub-themes under it."""
    themes = list(Theme.objects.select_related("parent"))
    options = []
    for top in (t for t in themes if t.parent_id is None):
        options.append((top.code, _("%(name)s (with its sub-themes)") % {"name": top.name}))
        options += [(t.code, f"{top.name} > {t.name}") for t in themes if t.parent_id == top.pk]
    return options


def network_page_data(*, query: NetworkQuery, params, page_number=None) -> NetworkPageData:
    data = network_data(query)
    links = data.links
    if query.sort == "name":
        links = sorted(links, key=lambda link: (link.source_name, link.target_name))
    sort_links = []
    for code, label in SORTS.items():
        kept = params.copy()
        kept.pop("page", None)
        kept["sort"] = code
        sort_links.append(SortLink(str(label), f"?{kept.urlencode()}#links", code == query.sort))
    isolated = defaultdict(list)
    for node in data.isolated:
        isolated[node.service].append(node)
    return NetworkPageData(
        data=data,
        query=query,
        picture=network_picture(data),
        most_connected=most_connected(data.nodes, MOST_CONNECTED_SHOWN),
        links_page=Paginator(links, LINKS_PAGE_SIZE).get_page(page_number),
        sort_links=sort_links,
        isolated_by_service=[
            (str(service.label), isolated[service.value]) for service in SERVICE_ORDER if isolated[service.value]
        ],
        theme_options=_theme_options(),
        editions=list(Edition.objects.order_by("-as_of", "-pk")),
        today=timezone.localdate(),
    )


# As data: the same network as JSON (the API's shape) and as CSV tables

NODE_COLUMNS = [
    "id",
    "name",
    "type",
    "type_label",
    "service",
    "service_label",
    "region",
    "partners",
    "collaborations",
    "link_weight",
    "url",
]
LINK_COLUMNS = ["source", "source_name", "target", "target_name", "collaborations"]
CSV_TABLES = {"links": LINK_COLUMNS, "organisations": NODE_COLUMNS, "isolated": NODE_COLUMNS}


def node_row(node: NetworkNode, absolute) -> dict:
    url = node.get_absolute_url()
    return {
        "id": node.slug,
        "name": node.name,
        "type": node.type,
        "type_label": node.type_label,
        "service": node.service,
        "service_label": node.service_label,
        "region": node.region,
        "partners": node.partners,
        "collaborations": node.collaborations,
        "link_weight": node.link_weight,
        "url": absolute(url) if url else "",
    }


def link_row(link: NetworkLink) -> dict:
    return {
        "source": link.source,
        "source_name": link.source_name,
        "target": link.target,
        "target_name": link.target_name,
        "collaborations": link.weight,
    }


def network_json(data: NetworkData, query: NetworkQuery, *, absolute) -> dict:
    """The network as plain JSON: what was counted, the notices, the nodes, the links and the isolated bodies.

    `absolute` turns a path into the address to publish (request.build_absolute_uri)."""
    return {
        "filters": {"main_theme": [code for code, _name in data.themes], "edition": data.edition_slug or None},
        "notices": list(query.notices),
        "as_of": data.as_of.isoformat(),
        "counts": {
            "collaborations": data.collaborations,
            "organisations": len(data.nodes),
            "links": len(data.links),
            "isolated": len(data.isolated),
        },
        "nodes": [node_row(node, absolute) for node in data.nodes],
        "links": [link_row(link) for link in data.links],
        "isolated": [node_row(node, absolute) for node in data.isolated],
    }


def network_csv_rows(data: NetworkData, table: str, *, absolute) -> list[dict]:
    """One of CSV_TABLES as rows: links (heaviest first), organisations in the network, or isolated bodies."""
    if table == "links":
        return [link_row(link) for link in data.links]
    nodes = data.nodes if table == "organisations" else data.isolated
    return [node_row(node, absolute) for node in nodes]
