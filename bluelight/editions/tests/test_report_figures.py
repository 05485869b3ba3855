"""The overview's numbers, checked against counts made here, independently, from the live records
(before they are frozen) and from the deflator file read as plain text. Never through the report's helpers."""

import csv
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pytest

from bluelight.collaborations.models import (
    Basis,
    BenefitKind,
    Collaboration,
    EvidenceItem,
    Provenance,
    SourceKind,
    Status,
)
from bluelight.collaborations.services import collaboration_data_from, collaboration_update
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.prices import DATA_FILE
from bluelight.editions.report.figures import overview_build
from bluelight.editions.services import edition_create, edition_publish, entry_data
from bluelight.organisations.models import Organisation, OrganisationType

BASELINE_DAY = datetime.date(2014, 9, 1)  # financial year 2014-15
LATER_DAY = datetime.date(2017, 9, 1)  # financial year 2017-18: Dorset FRS has become Dorset and Wiltshire FRS
BLUE_LIGHT = [
    OrganisationType.POLICE_FORCE,
    OrganisationType.FIRE_AND_RESCUE,
    OrganisationType.AMBULANCE_TRUST,
    OrganisationType.POLICE_AND_CRIME_COMMISSIONER,
]


# Independent arithmetic -------------------------------------------------------------------------


def deflator_index() -> dict[int, Decimal]:
    """The GDP deflator file read as plain CSV: first calendar year of the financial year -> index."""
    lines = [line for line in DATA_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return {int(row["financial_year"][:4]): Decimal(row["index"]) for row in csv.DictReader(lines)}


def fiscal_year(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def pounds(value) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def thousands(value) -> int:
    """A sum of money as the report gives it: to the nearest £1,000, half up."""
    return int((Decimal(value) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 1000


def constant(amount: Decimal, price_year, target: int) -> int | None:
    """`amount` at `target` prices to the nearest pound, or None when either year is outside the series."""
    index = deflator_index()
    if price_year not in index or target not in index:
        return None
    return pounds(amount * index[target] / index[price_year])


def share(part: int, whole: int):
    return round(100 * part / whole, 1) if whole else None


def body_on(organisation: Organisation, day: datetime.date) -> Organisation:
    """The register body standing for `organisation` on `day`: its successor once it has merged away."""
    while organisation.valid_to is not None and organisation.valid_to <= day.year and organisation.successor_id:
        organisation = Organisation.objects.get(pk=organisation.successor_id)
    return organisation


def final_successor(organisation: Organisation) -> Organisation:
    while organisation.successor_id:
        organisation = Organisation.objects.get(pk=organisation.successor_id)
    return organisation


@dataclass
class Census:
    """What the live published records say on a day, counted here from the ORM."""

    day: datetime.date
    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    bodies: dict = field(default_factory=dict)  # slug -> type
    theme_records: Counter = field(default_factory=Counter)
    theme_operational: Counter = field(default_factory=Counter)
    theme_planned: Counter = field(default_factory=Counter)
    theme_orgs: dict = field(default_factory=lambda: defaultdict(set))
    theme_annual: dict = field(default_factory=lambda: defaultdict(Counter))
    areas: Counter = field(default_factory=Counter)
    regions: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    money_records: dict = field(default_factory=lambda: defaultdict(set))  # (kind, basis) -> record ids
    cash: Counter = field(default_factory=Counter)
    real: Counter = field(default_factory=Counter)
    unconverted: Counter = field(default_factory=Counter)
    multi_reported: int = 0
    records: dict = field(default_factory=dict)  # uid -> what a comparison needs


def census(day: datetime.date) -> Census:
    result = Census(day=day)
    target = fiscal_year(day)
    live = Collaboration.objects.filter(publication="published", merged_into__isnull=True)
    for record in live:
        result.total += 1
        result.by_status[record.status] += 1
        top = record.primary_theme.parent or record.primary_theme
        result.theme_records[top.code] += 1
        result.theme_operational[top.code] += record.status == Status.OPERATIONAL
        result.theme_planned[top.code] += record.status in (Status.PLANNED, Status.IN_DEVELOPMENT)
        areas, regions, countries = set(), set(), set()
        for partner in record.partners.select_related("organisation"):
            body = body_on(partner.organisation, day)
            result.bodies[body.slug] = body.type
            result.theme_orgs[top.code].add(body.slug)
            areas.update(partner.organisation.police_force_areas.values_list("code", flat=True))
            if partner.organisation.region:
                regions.add(partner.organisation.region)
            countries.add(partner.organisation.country)
        for counter, values in ((result.areas, areas), (result.regions, regions), (result.countries, countries)):
            counter.update(values)
        annual = []
        for benefit in record.benefits.all():
            key = (benefit.kind, benefit.basis)
            result.money_records[key].add(record.pk)
            result.cash[key] += benefit.amount_gbp
            converted = constant(benefit.amount_gbp, benefit.price_year, target)
            if converted is None:
                result.unconverted[key] += 1
            else:
                result.real[key] += converted
            if benefit.kind == BenefitKind.ANNUAL_SAVING:
                result.theme_annual[top.code][benefit.basis] += benefit.amount_gbp
                annual.append((benefit.basis, benefit.amount_gbp, benefit.price_year))
        reporters = set(
            Provenance.objects.filter(collaboration=record, reported_by__isnull=False).values_list(
                "reported_by__slug", flat=True
            )
        )
        result.multi_reported += len(reporters) > 1
        result.records[str(record.uid)] = {
            "title": record.title,
            "status": record.status,
            "top": top.code,
            "partners": {final_successor(p.organisation).slug for p in record.partners.select_related("organisation")},
            "annual": annual,
        }
    return result


# The world --------------------------------------------------------------------------------------


@dataclass
class World:
    baseline: object
    later: object
    before: Census
    after: Census
    records: dict


def _update(record, **changes):
    data = collaboration_data_from(record)
    for name, value in changes.items():
        setattr(data, name, value)
    return collaboration_update(collaboration=record, data=data)


@pytest.fixture
def world(register, org, theme) -> World:
    council = Organisation.objects.create(
        slug="essex_county_council",
        name="Essex County Council",
        type=OrganisationType.COUNCIL,
        region="East of England",
        in_register=False,
    )
    r = {}
    r["epsom"] = make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Joint station at Epsom",
        theme=theme("es_joint_facilities"),
        status="operational",
        benefits=[
            saving("1000.40", price_year=2014),
            saving("500.30", basis="realised", price_year=2012),
            saving("20000", kind="investment_cost", basis="realised", price_year=2013),
        ],
    )
    r["dorset"] = make_collaboration(
        "dorset_police",
        "dorset_frs",
        title="Shared workshop at Dorchester",
        theme=theme("es_vehicle_workshop"),
        status="planned",
        benefits=[saving("2000", price_year=2016)],
    )
    # Reported by both partners, and merged into one record: counted once, said to be multi-reported.
    for slug in ("dorset_police", "dorset_frs"):
        Provenance.objects.create(
            collaboration=r["dorset"], kind=SourceKind.RETURN, label=f"Return of {slug}", reported_by=org(slug)
        )
    r["kent_coresponding"] = make_collaboration(
        "kent_frs",
        "south_east_coast_as",
        title="Co-responding in Kent",
        theme=theme("fr_coresponding"),
        status="operational",
        benefits=[
            saving("3000", basis="realised", price_year=1995),  # before the deflator series: not converted
            saving("10000", kind="external_funding", price_year=2014),
        ],
    )
    r["hub"] = make_collaboration(
        "sussex_police",
        "east_sussex_frs",
        "south_east_coast_as",
        title="Tri-service hub at Newhaven",
        theme=theme("es_tri_service_hub"),
        status="in_development",
    )
    r["searches"] = make_collaboration(
        "kent_police",
        "kent_frs",
        title="Missing person searches",
        theme=theme("dm_missing_people"),
        status="operational",
        benefits=[saving("7000", kind="cumulative_saving", basis="independently_evaluated", price_year=2013)],
    )
    make_collaboration("surrey_police", "kent_frs", title="Draft idea", publication="draft", benefits=[saving("99999")])
    r["essex"] = _make_with(  # the council is not in the register
        ["essex_police", "essex_frs", council],
        title="Safe and well visits in Essex",
        theme=theme("pv_safe_and_well"),
        status="completed",
    )
    r["wales"] = make_collaboration(
        "south_wales_police",
        "south_wales_frs",
        "british_transport_police",
        title="Shared control room in Bridgend",
        theme=theme("cr_colocated"),
        status="discontinued",
        benefits=[saving("800", kind="annual_saving", basis="independently_evaluated", price_year=2010)],
    )
    EvidenceItem.objects.create(title="Hub evaluation", strength=4).collaborations.add(r["hub"])
    EvidenceItem.objects.create(title="Workshop audit", strength=2).collaborations.add(r["dorset"])

    before = census(BASELINE_DAY)
    baseline = edition_publish(name="2014 overview", as_of=BASELINE_DAY, baseline=True)

    # Three years on: one goes live, one ends, one gains a partner, one is withdrawn, one is new.
    _update(r["dorset"], status="operational")  # still with Dorset FRS, now part of Dorset and Wiltshire FRS
    _update(r["kent_coresponding"], status="completed", end_date=datetime.date(2016, 12, 31), end_precision="year")
    data = collaboration_data_from(r["hub"])
    data.partners.append(type(data.partners[0])(org("pcc_sussex")))
    collaboration_update(collaboration=r["hub"], data=data)
    _update(r["searches"], publication="withdrawn")
    r["dwfrs"] = make_collaboration(
        "dorset_wiltshire_frs",
        "wiltshire_police",
        title="Shared headquarters at Potterne",
        theme=theme("es_shared_hq"),
        status="operational",
        benefits=[
            saving("4000", basis="realised", price_year=2017),
            saving("50000", kind="investment_cost", price_year=2017),
        ],
    )
    after = census(LATER_DAY)
    later = edition_publish(name="2017 overview", as_of=LATER_DAY)
    return World(baseline=baseline, later=later, before=before, after=after, records=r)


def _make_with(partners, **fields):
    """A collaboration whose partners may include organisations outside the register."""
    from bluelight.collaborations import rules
    from bluelight.collaborations.services import collaboration_create

    organisations = [p if isinstance(p, Organisation) else Organisation.objects.get(slug=p) for p in partners]
    data = rules.CollaborationData(
        title=fields.pop("title"),
        partners=[rules.PartnerData(o, is_lead=i == 0) for i, o in enumerate(organisations)],
        publication="published",
        primary_theme=fields.pop("theme"),
        **fields,
    )
    return collaboration_create(data=data)


def rows_by_first(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


# Headlines, status, organisations ---------------------------------------------------------------


def test_headlines_and_status_match_the_records_as_they_stood(world):
    overview = overview_build(edition=world.baseline)
    census_ = world.before
    assert census_.total == 7  # eight records, one a draft
    assert overview.collaborations == census_.total == world.baseline.collaborations
    annual = {b: census_.cash[(BenefitKind.ANNUAL_SAVING, b)] for b in Basis.values}
    # To the nearest £1,000: 1000.40 + 2000 (no draft); 500.30 + 3000; 800 (not the one-off 7000).
    assert overview.estimated_annual == thousands(annual[Basis.ESTIMATED]) == 3000
    assert overview.realised_annual == thousands(annual[Basis.REALISED]) == 4000
    assert overview.evaluated_annual == thousands(annual[Basis.INDEPENDENTLY_EVALUATED]) == 1000
    assert overview.multi_reported == census_.multi_reported == 1

    status = overview.tables["status"]
    assert [row[0] for row in status.rows] == [str(label) for _code, label in Status.choices]
    assert status.rows == [
        [str(label), census_.by_status[code], share(census_.by_status[code], census_.total)]
        for code, label in Status.choices
    ]
    assert rows_by_first(status)["Operational"] == [3, 42.9]
    assert sum(row[1] for row in status.rows) == census_.total


@pytest.mark.parametrize("which", ["baseline", "later"])
def test_organisations_engaged_count_each_body_once_against_the_register_of_the_day(world, which):
    edition, census_ = (world.baseline, world.before) if which == "baseline" else (world.later, world.after)
    overview = overview_build(edition=edition)
    day = edition.as_of
    register = Counter(Organisation.objects.filter(in_register=True).valid_on(day).values_list("type", flat=True))
    involved = Counter(census_.bodies.values())

    assert overview.organisations == len(census_.bodies) == (15 if which == "baseline" else 16)
    rows = rows_by_first(overview.tables["engagement"])
    for org_type in BLUE_LIGHT:
        label = str(OrganisationType(org_type).label)
        assert rows[label] == [involved[org_type], register[org_type], share(involved[org_type], register[org_type])]
    # Outside the blue-light types: a council (not in the register) and British Transport Police ("other").
    assert rows[str(OrganisationType.COUNCIL.label)][:2] == [1, None]
    assert rows[str(OrganisationType.OTHER.label)][:2] == [1, register[OrganisationType.OTHER]]
    fire = rows[str(OrganisationType.FIRE_AND_RESCUE.label)]
    if which == "later":
        # Dorset FRS had merged away by 2017: it counts as Dorset and Wiltshire FRS, once with that body's own record.
        assert "dorset_frs" not in census_.bodies and census_.bodies["dorset_wiltshire_frs"] == "fire_and_rescue"
        assert not Organisation.objects.filter(slug="dorset_frs").valid_on(day).exists()
        assert fire[0] == 6  # surrey, dorset-and-wiltshire, kent, east sussex, essex, south wales
    else:
        assert fire[0] == 6  # surrey, dorset, kent, east sussex, essex, south wales
    assert fire[2] <= 100
    organisations = rows_by_first(overview.tables["organisations"])
    assert sum(row[1] for row in organisations.values()) == sum(len(r["partners"]) for r in census_.records.values())
    if which == "later":
        assert "Dorset Fire and Rescue Service" not in organisations
        assert organisations["Dorset and Wiltshire Fire and Rescue Service"] == ["Fire and rescue service", 2]


# Themes, combinations, places -------------------------------------------------------------------


def test_theme_table_and_sections_match_counts_from_the_records(world):
    overview = overview_build(edition=world.baseline)
    census_ = world.before
    sections = {s.code: s for s in overview.themes}
    for code, records in census_.theme_records.items():
        section = sections[code]
        assert (section.records, section.operational, section.planned, section.organisations) == (
            records,
            census_.theme_operational[code],
            census_.theme_planned[code],
            len(census_.theme_orgs[code]),
        )
        assert section.savings == {b: thousands(census_.theme_annual[code][b]) for b in Basis.values}
    assert sum(s.records for s in overview.themes) == census_.total
    assert sections["estates"].records == 3 and sections["estates"].planned == 2
    assert sections["estates"].savings == {"estimated": 3000, "realised": 1000, "independently_evaluated": 0}
    # Every top-level theme has a row, those with nothing too.
    themes_table = rows_by_first(overview.tables["themes"])
    assert len(themes_table) == len(sections) and sections["national"].records == 0
    assert themes_table[sections["estates"].name] == [3, 1, 2, 7, 1000, 0, 3000]
    # Best-evidenced first: strongest evaluation, then realised money.
    assert [e.title for e in sections["estates"].examples] == [
        "Tri-service hub at Newhaven",
        "Shared workshop at Dorchester",
        "Joint station at Epsom",
    ]
    assert sections["estates"].examples[0].strength == 4 and sections["estates"].examples[2].strength is None


def test_later_edition_keeps_three_examples_per_theme_and_prefers_realised_savings(world):
    sections = {s.code: s for s in overview_build(edition=world.later).themes}
    assert sections["estates"].records == 4
    assert [e.title for e in sections["estates"].examples] == [
        "Tri-service hub at Newhaven",
        "Shared workshop at Dorchester",
        "Shared headquarters at Potterne",  # £4,000 realised beats Epsom's £500
    ]


def test_combinations_areas_regions_and_countries(world):
    overview = overview_build(edition=world.baseline)
    census_ = world.before
    combos = rows_by_first(overview.tables["combinations"])
    assert combos == {
        "Police + Fire and rescue": [3, share(3, 7)],  # Epsom, Dorset, searches
        "Fire and rescue + Ambulance": [1, share(1, 7)],
        "Police + Fire and rescue + Ambulance": [1, share(1, 7)],
        # Essex with the council, Wales with BTP
        "Police + Fire and rescue + Wider public sector": [2, share(2, 7)],
    }
    areas = overview.tables["areas"]
    assert len(areas.rows) == 43
    assert {row[0]: row[3] for row in areas.rows} == {code: census_.areas[code] for code, *_ in areas.rows}
    assert {row[0]: row[3] for row in areas.rows if row[3]} == dict(census_.areas)
    by_code = {row[0]: row[3] for row in areas.rows}
    # Kent: co-responding and searches, and the Sussex hub through the ambulance trust, which serves Kent too.
    assert by_code["E23000032"] == 3
    # Sussex: the hub once (though three of its partners serve it), and Kent's co-responding through the trust.
    assert by_code["E23000033"] == 2
    assert by_code["E23000035"] == 0  # Devon and Cornwall: nobody
    assert rows_by_first(overview.tables["regions"]) == {k: [v] for k, v in census_.regions.items()}
    # The Welsh record has British Transport Police (England) as a partner: it counts in both countries.
    assert rows_by_first(overview.tables["countries"]) == {k: [v] for k, v in census_.countries.items()}
    assert census_.countries == Counter({"England": 7, "Wales": 1})


# Money ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["baseline", "later"])
def test_savings_table_keeps_kinds_and_bases_apart_in_cash_and_constant_prices(world, which):
    edition, census_ = (world.baseline, world.before) if which == "baseline" else (world.later, world.after)
    overview = overview_build(edition=edition)
    assert overview.price_year == fiscal_year(edition.as_of)
    table = overview.tables["savings"]
    kinds = {str(label): code for code, label in BenefitKind.choices}
    bases = {str(label): code for code, label in Basis.choices}
    got = {(kinds[row[0]], bases[row[1]]): row[2:] for row in table.rows}
    expected = {
        key: [len(ids), thousands(census_.cash[key]), thousands(census_.real[key]), census_.unconverted[key]]
        for key, ids in census_.money_records.items()
    }
    assert got == expected
    assert len(table.rows) == len(got)  # one row per kind and basis, and no "total" row adding them up
    year = fiscal_year(edition.as_of)
    assert table.columns[4] == f"Amount (£, {year}-{(year + 1) % 100:02d} prices)"
    if which == "baseline":
        index = deflator_index()
        annual_realised = got[("annual_saving", "realised")]
        # £500.30 of 2012-13 at 2014-15 prices; the £3,000 of 1995 is outside the series.
        assert annual_realised == [2, 4000, thousands(Decimal("500.30") * index[2014] / index[2012]), 1]
        assert got[("external_funding", "estimated")] == [1, 10000, 10000, 0]
        assert got[("cumulative_saving", "independently_evaluated")][1] == 7000
        assert ("annual_saving", "independently_evaluated") in got  # apart from the one-off evaluated saving


def test_amounts_without_a_price_year_are_counted_as_not_converted(register):
    record = make_collaboration(
        "surrey_police", "surrey_frs", benefits=[saving("12000"), saving("3000", price_year=2014)]
    )
    data = entry_data(record)
    data["benefits"][0]["price_year"] = None  # as a frozen entry may carry it (the demo baseline builds such data)
    edition = edition_create(name="No price year", as_of=BASELINE_DAY, entries=[(record, data)], methodology={})
    row = overview_build(edition=edition).tables["savings"].rows
    assert row == [[str(BenefitKind.ANNUAL_SAVING.label), str(Basis.ESTIMATED.label), 1, 15000, 3000, 1]]


# Growth -----------------------------------------------------------------------------------------


def test_growth_tables_follow_records_and_merged_services(world):
    overview = overview_build(edition=world.later, compare_with=world.baseline)
    before, after = world.before.records, world.after.records
    ended_codes = {"completed", "discontinued"}
    new = [uid for uid in after if uid not in before]
    gone = [uid for uid in before if uid not in after]
    ended_now = [
        uid
        for uid in after
        if uid in before and after[uid]["status"] in ended_codes and before[uid]["status"] not in ended_codes
    ]
    changed = [uid for uid in after if uid in before and after[uid]["status"] != before[uid]["status"]]
    gained = [uid for uid in after if uid in before and after[uid]["partners"] - before[uid]["partners"]]
    # Ended in both editions is neither continuing nor newly ended: it had already ended at the baseline.
    ended_before = [
        uid for uid in after if uid in before and {before[uid]["status"], after[uid]["status"]} <= ended_codes
    ]
    continuing = [uid for uid in after if uid in before and uid not in ended_now and uid not in ended_before]

    growth = overview.tables["growth"]
    counts = [row[1] for row in growth.rows]
    assert counts == [
        len(after),
        len(new),
        len(continuing),
        len(ended_now),
        len(ended_before),
        len(gone),
        len(changed),
        len(gained),
    ]
    assert counts == [7, 1, 3, 1, 2, 1, 2, 1]
    # The breakdown adds up to the edition's total; the baseline's are those still here plus those gone.
    assert sum(counts[1:5]) == counts[0]
    assert len(continuing) + len(ended_now) + len(ended_before) + len(gone) == len(before)
    assert growth.title == "Change since 2014 overview"

    assert overview.tables["changed_status"].rows == [
        ["Co-responding in Kent", "Operational", "Completed"],
        ["Shared workshop at Dorchester", "Planned", "Operational"],
    ]
    assert overview.tables["new_partners"].rows == [
        ["Tri-service hub at Newhaven", "Police and Crime Commissioner for Sussex"]
    ]

    themes = overview.tables["growth_theme"]
    assert themes.columns[1:3] == ["2014 overview", "2017 overview"]
    names = {s.code: s.name for s in overview.themes}
    then = Counter(r["top"] for r in before.values())
    now = Counter(r["top"] for r in after.values())
    assert rows_by_first(themes) == {
        names[code]: [then[code], now[code], now[code] - then[code]] for code in set(then) | set(now)
    }
    assert rows_by_first(themes)[names["estates"]] == [3, 4, 1]

    # By organisation: Dorset FRS counts as Dorset and Wiltshire FRS in both editions.
    orgs = rows_by_first(overview.tables["growth_organisation"])
    org_names = dict(Organisation.objects.values_list("slug", "name"))
    then = Counter(slug for r in before.values() for slug in r["partners"])
    now = Counter(slug for r in after.values() for slug in r["partners"])
    assert orgs == {org_names[s]: [then[s], now[s], now[s] - then[s]] for s in set(then) | set(now)}
    assert orgs["Dorset and Wiltshire Fire and Rescue Service"] == [1, 2, 1]
    assert "Dorset Fire and Rescue Service" not in orgs
    assert orgs["Kent Police"] == [1, 0, -1]
    # The biggest rise comes first.
    assert overview.tables["growth_organisation"].rows[0][3] == max(row[2] for row in orgs.values())


def test_growth_in_savings_restates_both_editions_at_the_later_prices(world):
    overview = overview_build(edition=world.later, compare_with=world.baseline)
    target = fiscal_year(LATER_DAY)
    bases = {str(label): code for code, label in Basis.choices}

    def totals(records):
        cash, real = Counter(), Counter()
        for r in records.values():
            for basis, amount, year in r["annual"]:
                cash[basis] += amount
                converted = constant(amount, year, target)
                real[basis] += converted or 0
        return cash, real

    (old_cash, old_real), (new_cash, new_real) = totals(world.before.records), totals(world.after.records)
    got = {bases[row[0]]: row[1:] for row in overview.tables["growth_savings"].rows}
    assert got == {
        basis: [
            thousands(old_cash[basis]),
            thousands(new_cash[basis]),
            thousands(old_real[basis]),
            thousands(new_real[basis]),
            thousands(new_real[basis] - old_real[basis]),
        ]
        for basis in set(old_cash) | set(new_cash)
    }
    assert got["realised"][:2] == [4000, 8000]  # 3,500 and 7,500 to the nearest £1,000
    assert f"{target}-{(target + 1) % 100:02d} prices" in overview.tables["growth_savings"].columns[3]


def test_no_growth_tables_without_a_comparison(world):
    overview = overview_build(edition=world.later)
    assert overview.comparison is None
    assert not [key for key in overview.tables if key.startswith("growth")]
    assert {"status", "engagement", "themes", "combinations", "areas", "savings", "deflators"} <= set(overview.tables)


# Known bugs ---------------------------------------------------------------------------------------


def test_a_record_counts_once_for_a_body_two_of_its_partners_merged_into(register):
    make_collaboration("dorset_police", "dorset_frs", "wiltshire_frs", title="Joint fire control for Dorset")
    baseline = edition_publish(name="2014 overview", as_of=BASELINE_DAY, baseline=True)
    later = edition_publish(name="2017 overview", as_of=LATER_DAY)
    overview = overview_build(edition=later, compare_with=baseline)
    assert overview.collaborations == 1 and overview.organisations == 2
    growth = rows_by_first(overview.tables["growth_organisation"])
    assert growth["Dorset and Wiltshire Fire and Rescue Service"] == [1, 1, 0]
    organisations = rows_by_first(overview.tables["organisations"])
    assert organisations["Dorset and Wiltshire Fire and Rescue Service"] == ["Fire and rescue service", 1]


def test_a_new_partner_that_has_since_merged_is_named_not_shown_by_its_identifier(register, org):
    record = make_collaboration("dorset_police", "pcc_dorset", title="Custody suite at Weymouth")
    baseline = edition_publish(name="2014 overview", as_of=BASELINE_DAY, baseline=True)
    data = collaboration_data_from(record)
    data.partners.append(type(data.partners[0])(org("dorset_frs")))  # in 2015, before the 2016 merger
    collaboration_update(collaboration=record, data=data)
    later = edition_publish(name="2015 overview", as_of=datetime.date(2015, 9, 1))

    rows = overview_build(edition=later, compare_with=baseline).tables["new_partners"].rows
    assert [row[0] for row in rows] == ["Custody suite at Weymouth"]
    assert rows[0][1] in {"Dorset Fire and Rescue Service", "Dorset and Wiltshire Fire and Rescue Service"}
