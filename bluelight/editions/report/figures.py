"""The overview's numbers, computed from an edition's frozen entries and nothing typed by hand.

Everything the report shows is a `Table`; headlines, charts, the page, the PDF and the spreadsheet
are all read from the same tables, so a number cannot say one thing in the PDF and another in the
annex. One streaming pass over the entries keeps a 100,000-record edition within memory; the tables are
written from its counts in the active language, and again in another (`overview_in_language`) without a
second pass.
"""

import dataclasses
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Basis, BenefitKind, Status
from bluelight.editions import definitions
from bluelight.editions.models import Edition
from bluelight.editions.prices import deflators, financial_year_of, label, to_constant_prices
from bluelight.editions.report.extras import ReportSection, report_sections
from bluelight.editions.report.growth import growth_tables
from bluelight.editions.report.language import phrase, record, report_language
from bluelight.editions.report.tables import (  # noqa: F401 (whole_pounds: render and others import it from here)
    Table,
    country_key,
    country_label,
    long_date,
    number,
    region_key,
    rounded_pounds,
    rounding_note,
    status_label,
    whole_pounds,
)
from bluelight.editions.selectors import (
    Comparison,
    combination,
    combination_label,
    combination_sort_key,
    edition_compare,
    edition_context,
)
from bluelight.organisations.models import OrganisationType

Progress = Callable[[int, str], None]
BLUE_LIGHT_TYPES = (
    OrganisationType.POLICE_FORCE,
    OrganisationType.FIRE_AND_RESCUE,
    OrganisationType.AMBULANCE_TRUST,
    OrganisationType.POLICE_AND_CRIME_COMMISSIONER,
)
EXAMPLES_PER_THEME = 3
TOP_ORGANISATIONS = 20


def no_progress(percent: int, step: str) -> None:
    pass


@dataclass
class Example:
    title: str
    collaboration_id: int
    status: str
    partners: list[str]
    strength: int | None
    evidence: list[str]


@dataclass
class ThemeSection:
    code: str
    name: str
    description: str
    records: int = 0
    operational: int = 0
    planned: int = 0
    organisations: int = 0
    savings: dict = field(default_factory=dict)  # basis -> cash, annual recurring savings only
    examples: list[Example] = field(default_factory=list)


@dataclass
class Overview:
    edition: Edition
    compare_with: Edition | None
    price_year: int
    collaborations: int = 0
    organisations: int = 0
    realised_annual: int = 0
    estimated_annual: int = 0
    evaluated_annual: int = 0
    multi_reported: int = 0
    themes: list[ThemeSection] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    comparison: Comparison | None = None
    methodology: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)  # what the edition froze besides its entries
    deflator_source: str = ""
    charts: dict = field(default_factory=dict)  # filled by the renderer
    sections: list[ReportSection] = field(default_factory=list)  # added by other apps (extras.py)
    language: str = ""  # the language its headings, labels and notes are written in
    counts: "_Accumulator | None" = field(default=None, repr=False)  # the pass over the entries, for another language

    @property
    def price_label(self) -> str:
        return label(self.price_year)

    @property
    def collection_round(self) -> dict[str, str]:
        """The collection round as the methodology tells it: its days written out, and who it asked as a list
        that can end a sentence (the round's own text may end in a full stop)."""
        frozen = self.methodology
        if not frozen.get("round"):
            return {}
        return {
            "name": record(frozen["round"]),
            "opens": long_date(frozen["opens_on"]),
            "closes": long_date(frozen["closes_on"]),
            "scope": record((frozen.get("scope") or "").strip().rstrip(".")),
        }

    def add(self, table: Table) -> Table:
        self.tables[table.key] = table
        return table


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class _Accumulator:
    """Everything the report counts, filled in one pass over the entries."""

    def __init__(self, price_year: int, organisations: dict[str, dict]):
        self.price_year = price_year
        self.organisations_known = organisations  # the edition's frozen organisations and their bodies
        self.total = 0
        self.by_status = Counter()
        self.organisations: dict[str, int] = Counter()
        self.org_info: dict[str, tuple[str, str]] = {}
        self.theme_records = Counter()
        self.theme_status = defaultdict(Counter)
        self.theme_orgs = defaultdict(set)
        self.theme_savings = defaultdict(Counter)
        self.theme_examples = defaultdict(list)  # heaps of (key, counter, Example)
        self.combinations = Counter()
        self.areas = Counter()
        self.regions = Counter()
        self.countries = Counter()
        self.benefit_records = defaultdict(set)
        self.cash = Counter()
        self.constant = Counter()
        self.unconverted = Counter()
        self.multi_reported = 0
        self.reports = 0
        self._tiebreak = 0

    def add(self, collaboration_id: int, data: dict) -> None:
        self.total += 1
        status, theme = data["status"], data["top_theme"] or ""
        self.by_status[status] += 1
        self.theme_records[theme] += 1
        self.theme_status[theme][status] += 1
        self.combinations[combination(data["services"])] += 1
        for region in data["regions"]:
            self.regions[region] += 1
        for country in data["countries"]:
            self.countries[country] += 1
        areas, slugs = set(), set()
        for partner in data["partners"]:
            known = self.organisations_known.get(partner["id"])
            slug = known["body"] if known else partner["id"]
            if slug not in self.org_info:
                body = self.organisations_known.get(slug)
                self.org_info[slug] = (body["name"], body["type"]) if body else (partner["name"], partner["type"])
            slugs.add(slug)  # two services that merged into one body count once for the record
            areas.update(partner["areas"])
        for slug in slugs:
            self.organisations[slug] += 1
            self.theme_orgs[theme].add(slug)
        for area in areas:
            self.areas[area] += 1
        money = Counter()
        for benefit in data["benefits"]:
            key = (benefit["kind"], benefit["basis"])
            amount = Decimal(benefit["amount_gbp"])
            self.benefit_records[key].add(collaboration_id)
            self.cash[key] += amount
            year = benefit["price_year"]
            converted = to_constant_prices(amount, year, self.price_year) if year else None
            if converted is None:
                self.unconverted[key] += 1
            else:
                self.constant[key] += converted
            if benefit["kind"] == BenefitKind.ANNUAL_SAVING:
                self.theme_savings[theme][benefit["basis"]] += amount
                money[benefit["basis"]] += amount
        reporters = data.get("reported_by", [])
        self.multi_reported += len(reporters) > 1
        self.reports += data.get("reports", 0)
        self._example(theme, collaboration_id, data, money)

    def _example(self, theme: str, collaboration_id: int, data: dict, money: Counter) -> None:
        """Keep the best-evidenced records of each theme: strongest evaluation first, then the most
        evaluations, then realised savings, then operational ones."""
        strengths = [e["strength"] for e in data["evidence"] if e["strength"] is not None]
        key = (
            max(strengths, default=-1),
            len(data["evidence"]),
            money[Basis.INDEPENDENTLY_EVALUATED] + money[Basis.REALISED],
            data["status"] == Status.OPERATIONAL,
        )
        self._tiebreak += 1
        heap = self.theme_examples[theme]
        item = (key, -self._tiebreak, collaboration_id, data)
        if len(heap) < EXAMPLES_PER_THEME:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)


def overview_build(
    *, edition: Edition, compare_with: Edition | None = None, progress: Progress = no_progress
) -> Overview:
    """Compute every number of the overview of `edition`, compared with `compare_with` when given."""
    price_year = financial_year_of(edition.as_of)
    overview = Overview(edition=edition, compare_with=compare_with, price_year=price_year)
    overview.methodology = edition.methodology or {}
    overview.context = edition_context(edition)
    overview.deflator_source = deflators().source
    progress(2, _("Reading %(n)s collaborations") % {"n": number(edition.collaborations)})
    acc = _Accumulator(price_year, overview.context["organisations"])
    step = max(1, edition.collaborations // 20)
    for n, (collaboration_id, data) in enumerate(
        edition.entries.values_list("collaboration_id", "data").iterator(chunk_size=2000), start=1
    ):
        acc.add(collaboration_id, data)
        if n % step == 0:
            progress(2 + 38 * n // max(1, edition.collaborations), _("Counting collaborations"))
    overview.counts = acc
    if compare_with is not None:
        progress(40, _("Comparing with %(name)s") % {"name": compare_with.name})
        overview.comparison = edition_compare(edition=edition, baseline=compare_with)
    progress(45, _("Counting themes, places and savings"))
    _tables(overview)
    progress(55, _("Figures ready"))
    return overview


def overview_in_language(overview: Overview, language: str) -> Overview:
    """The same overview with its tables' titles, headings, labels and notes in `language`, from the counts of the
    one pass over the entries (not read again); its charts are drawn by the renderer, in that language too."""
    if overview.counts is None:
        raise ValueError("This overview kept no counts to write in another language: build it with overview_build.")
    with translation.override(language):
        other = dataclasses.replace(overview, themes=[], tables={}, charts={}, sections=[])
        _tables(other)
    return other


def _tables(overview: Overview) -> None:
    """Every table, theme and added section, written in the active language from the overview's counts."""
    acc = overview.counts
    overview.language = report_language()
    _headlines(overview, acc)
    _themes(overview, acc)
    _places(overview, acc)
    _savings(overview, acc)
    _methodology(overview, acc)
    if overview.comparison is not None:
        growth_tables(overview, overview.comparison)
    for section in report_sections(overview):
        overview.sections.append(section)
        for table in section.tables:
            overview.add(table)


def _headlines(overview: Overview, acc: _Accumulator) -> None:
    overview.collaborations = acc.total
    overview.organisations = len(acc.organisations)
    overview.multi_reported = acc.multi_reported
    annual = {basis: acc.cash[(BenefitKind.ANNUAL_SAVING, basis)] for basis in Basis.values}
    overview.realised_annual = rounded_pounds(annual[Basis.REALISED])
    overview.estimated_annual = rounded_pounds(annual[Basis.ESTIMATED])
    overview.evaluated_annual = rounded_pounds(annual[Basis.INDEPENDENTLY_EVALUATED])
    overview.add(
        Table(
            "status",
            _("Collaborations by status"),
            [_("Status"), _("Collaborations"), _("Share (%)")],
            [
                [str(label_), acc.by_status[code], _percent(acc.by_status[code], acc.total)]
                for code, label_ in Status.choices
            ],
            note=definitions.collaborations(),
        )
    )
    in_register = Counter(overview.context["register"])
    involved = Counter(org_type for _name, org_type in (acc.org_info[s] for s in acc.organisations))
    overview.add(
        Table(
            "engagement",
            _("Organisations engaged, by type"),
            [
                _("Type of organisation"),
                _("Taking part"),
                _("In the register on the edition's date"),
                _("Share engaged (%)"),
            ],
            [
                [str(OrganisationType(t).label), involved[t], in_register[t], _percent(involved[t], in_register[t])]
                for t in BLUE_LIGHT_TYPES
            ]
            + [
                [str(OrganisationType(t).label), involved[t], in_register[t] or None, None]
                for t in OrganisationType.values
                if t not in BLUE_LIGHT_TYPES and involved[t]
            ],
            note=definitions.organisations(overview.edition.as_of),
        )
    )


def _themes(overview: Overview, acc: _Accumulator) -> None:
    # Theme names and descriptions are the taxonomy's own words, as the edition froze them: record text.
    tops = [(code, record(name), record(description)) for code, name, description in overview.context["themes"]]
    known = {code for code, _n, _d in tops}
    if acc.theme_records.get(""):
        tops.append(("", _("No theme given"), _("Records not yet coded to a theme.")))
    tops += [(code, code, "") for code in acc.theme_records if code and code not in known]
    rows = []
    for code, name, description in tops:
        section = ThemeSection(code=code, name=name, description=description)
        section.records = acc.theme_records[code]
        section.operational = acc.theme_status[code][Status.OPERATIONAL]
        section.planned = acc.theme_status[code][Status.PLANNED] + acc.theme_status[code][Status.IN_DEVELOPMENT]
        section.organisations = len(acc.theme_orgs[code])
        section.savings = {basis: rounded_pounds(acc.theme_savings[code][basis]) for basis in Basis.values}
        for (strength, *_rest), _tie, collaboration_id, data in sorted(acc.theme_examples[code], reverse=True):
            section.examples.append(
                Example(
                    title=record(data["title"], data.get("language")),
                    collaboration_id=collaboration_id,
                    status=status_label(data["status"]),
                    partners=[record(p["name"]) for p in data["partners"]],
                    strength=strength if strength >= 0 else None,
                    evidence=[record(e["title"]) for e in data["evidence"]],
                )
            )
        if section.records or code in known:
            overview.themes.append(section)
            rows.append(
                [
                    name,
                    section.records,
                    section.operational,
                    section.planned,
                    section.organisations,
                    section.savings[Basis.REALISED],
                    section.savings[Basis.INDEPENDENTLY_EVALUATED],
                    section.savings[Basis.ESTIMATED],
                ]
            )
    overview.add(
        Table(
            "themes",
            _("Collaborations by main theme"),
            [
                _("Theme"),
                _("Collaborations"),
                _("Operational"),
                _("Planned or in development"),
                _("Organisations"),
                _("Annual savings, realised (£, cash)"),
                _("Annual savings, independently evaluated (£, cash)"),
                _("Annual savings, estimated (£, cash)"),
            ],
            rows,
            note=definitions.main_theme(),  # the definition alone: the annex quotes it as such
        )
    )


def _places(overview: Overview, acc: _Accumulator) -> None:
    overview.add(
        Table(
            "combinations",
            _("Collaborations by service combination"),
            [_("Services working together"), _("Collaborations"), _("Share (%)")],
            [
                [combination_label(k), v, _percent(v, acc.total)]
                for k, v in sorted(acc.combinations.items(), key=lambda kv: (-kv[1], combination_sort_key(kv[0])))
            ],
            note=_("'Wider public sector' marks collaborations that include councils, NHS bodies or others."),
        )
    )
    areas = overview.context["areas"]
    overview.add(
        Table(
            "areas",
            _("Collaborations by police force area"),
            [_("Area code"), _("Police force area"), _("Country"), _("Collaborations")],
            [
                [code, record(name), country_label(country), acc.areas[code]]
                for code, name, country in sorted(areas, key=lambda area: area[1])
            ],
            note=_(
                "A collaboration counts in every area that one of its partners serves, so the areas add up to "
                "more than the number of collaborations."
            ),
        )
    )
    overview.add(
        Table(
            "regions",
            _("Collaborations by region"),
            [_("Region"), _("Collaborations")],
            [[record(k), acc.regions[k]] for k in sorted(acc.regions, key=region_key)],
            note=_("A collaboration whose partners are in several regions counts in each."),
        )
    )
    overview.add(
        Table(
            "countries",
            _("Collaborations by country"),
            [_("Country"), _("Collaborations")],
            [[country_label(k), acc.countries[k]] for k in sorted(acc.countries, key=country_key)],
        )
    )
    top = sorted(acc.organisations.items(), key=lambda kv: (-kv[1], acc.org_info[kv[0]][0]))
    overview.add(
        Table(
            "organisations",
            _("Collaborations by organisation"),
            [_("Organisation"), _("Type of organisation"), _("Collaborations")],
            [
                [record(acc.org_info[slug][0]), str(OrganisationType(acc.org_info[slug][1]).label), n]
                if acc.org_info[slug][1] in OrganisationType.values
                else [record(acc.org_info[slug][0]), acc.org_info[slug][1], n]
                for slug, n in top
            ],
            note=definitions.organisations(overview.edition.as_of),
        )
    )


def _savings(overview: Overview, acc: _Accumulator) -> None:
    rows = []
    for kind, kind_label in BenefitKind.choices:
        for basis, basis_label in Basis.choices:
            key = (kind, basis)
            if not acc.benefit_records[key]:
                continue
            rows.append(
                [
                    str(kind_label),
                    str(basis_label),
                    len(acc.benefit_records[key]),
                    rounded_pounds(acc.cash[key]),
                    rounded_pounds(acc.constant[key]),
                    acc.unconverted[key],
                ]
            )
    overview.add(
        Table(
            "savings",
            _("Financial benefits by kind and basis"),
            [
                _("Kind"),
                _("Basis"),
                _("Collaborations"),
                _("Amount (£, cash)"),
                _("Amount (£, %(year)s prices)") % {"year": overview.price_label},
                _("Amounts not converted"),
            ],
            rows,
            note=_(
                "Kinds and bases are never added together: an annual saving, a one-off saving, a cost and external "
                "funding are different things, and an estimate is not a realised saving."
            )
            + " "
            + rounding_note(),
        )
    )
    series = deflators()
    years = sorted(y for y in series.years if overview.price_year - 15 <= y <= overview.price_year + 1)
    overview.add(
        Table(
            "deflators",
            _("GDP deflators used for constant prices"),
            [_("Financial year"), _("Index"), _("Outturn or forecast")],
            [[label(y), series.years[y], _("forecast") if y in series.forecast_years else _("outturn")] for y in years],
            note=record(series.source),  # the publisher's citation, as published (in English)
        )
    )


def _methodology(overview: Overview, acc: _Accumulator) -> None:
    by_type = overview.methodology.get("by_type", {})
    rows = []
    for org_type in OrganisationType.values:
        if org_type in by_type:
            asked, responded = by_type[org_type]["asked"], by_type[org_type]["responded"]
            rows.append([str(OrganisationType(org_type).label), asked, responded, _percent(responded, asked)])
    if rows:
        asked = sum(r[1] for r in rows)
        responded = sum(r[2] for r in rows)
        rows.append([_("All"), asked, responded, _percent(responded, asked)])
    overview.add(
        Table(
            "response",
            _("Who was asked and who answered"),
            [_("Type of organisation"), _("Asked"), _("Answered"), _("Response rate (%)")],
            rows,
            note=_response_note(overview.methodology),
        )
    )


def _response_note(methodology: dict) -> str:
    if not methodology.get("round"):
        return _("No collection round is linked to this edition, so response rates are not known.")
    note = phrase(_("From the collection round %(round)s."), round=record(methodology["round"]))
    if methodology.get("answered_by_basis") == "edition_date":
        answered = _(
            "Answered means submitted by %(date)s, the date this edition describes (the round was still open), "
            "and not since sent back for changes; frozen when the edition was published."
        ) % {"date": long_date(methodology["answered_by"])}
    elif methodology.get("answered_by"):
        answered = _(
            "Answered means submitted by %(date)s, when the round closed, and not since sent back for changes; "
            "frozen when the edition was published."
        ) % {"date": long_date(methodology["answered_by"])}
    else:
        return note
    return phrase("%(round)s %(answered)s", round=note, answered=answered)
