"""Every headline and table of the demo edition, computed again here independently with ORM aggregation over
the live records it was published from (nothing has changed since), and compared with the report, its
spreadsheet annex, the edition page and the home page. One definition per count, the same everywhere."""

import html
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bluelight.collaborations.models import Benefit, Collaboration, Partner, Publication, Theme
from bluelight.demo.editions import DEMO_BASELINE, DEMO_EDITION
from bluelight.demo.services import demo_load
from bluelight.editions.models import Edition, ReportRun, ReportState
from bluelight.editions.report.figures import overview_build
from bluelight.editions.report.render import xlsx_write
from bluelight.editions.report.runs import _summary
from bluelight.organisations.models import Organisation
from bluelight.returns.models import Request, Return

STATUS_LABELS = {
    "planned": "Planned",
    "in_development": "In development",
    "operational": "Operational",
    "completed": "Completed",
    "discontinued": "Discontinued",
}
TYPE_LABELS = {
    "police_force": "Police force",
    "fire_and_rescue": "Fire and rescue service",
    "ambulance_trust": "Ambulance trust",
    "police_and_crime_commissioner": "Police and crime commissioner",
}


def thousands(value) -> int:
    """A sum of money as the report gives it: to the nearest £1,000, half up."""
    return int((Decimal(value or 0) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 1000


def share(part: int, whole: int):
    return round(100 * part / whole, 1) if whole else None


def body_of(year: int):
    """slug -> the slug of the body that did its work in `year`, walking successors over plain values."""
    rows = {
        slug: (valid_from, valid_to, successor)
        for slug, valid_from, valid_to, successor in Organisation.objects.values_list(
            "slug", "valid_from", "valid_to", "successor__slug"
        )
    }

    def alive(slug):
        valid_from, valid_to, _successor = rows[slug]
        return (valid_from is None or valid_from <= year) and (valid_to is None or valid_to > year)

    def walk(slug):
        seen = set()
        while not alive(slug) and rows[slug][2] and slug not in seen:
            seen.add(slug)
            slug = rows[slug][2]
        return slug

    return {slug: walk(slug) for slug in rows}


def combination_label(services: str) -> str:
    """The services of a record in words, police first, as the report names a combination."""
    words = {"police": "Police", "fire": "Fire and rescue", "ambulance": "Ambulance", "wider": "Wider public sector"}
    found = set(services.split(","))
    if found == {"wider"}:
        return "Wider public sector only"
    return " + ".join(label for code, label in words.items() if code in found)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests (they only read), and removed afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_load()
            yield Edition.objects.get(name=DEMO_EDITION), Edition.objects.get(name=DEMO_BASELINE)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def edition(demo, db):
    return demo[0]


@pytest.fixture
def baseline(demo, db):
    return demo[1]


@pytest.fixture
def published(edition):
    return Collaboration.objects.filter(publication=Publication.PUBLISHED, merged_into__isnull=True)


@pytest.fixture
def overview(edition, baseline):
    return overview_build(edition=edition, compare_with=baseline)


def rows(overview, key) -> dict:
    return {row[0]: row[1:] for row in overview.tables[key].rows}


def test_headlines_and_the_status_table(overview, published, edition):
    total = published.count()
    assert overview.collaborations == edition.collaborations == total > 100
    bodies = body_of(edition.as_of.year)
    partner_slugs = Partner.objects.filter(collaboration__in=published).values_list("organisation__slug", flat=True)
    involved = {bodies[slug] for slug in partner_slugs}
    assert overview.organisations == len(involved)
    annual = Benefit.objects.filter(collaboration__in=published, kind="annual_saving")
    by_basis = dict(annual.values_list("basis").annotate(total=Sum("amount_gbp")))
    assert overview.realised_annual == thousands(by_basis.get("realised"))
    assert overview.estimated_annual == thousands(by_basis.get("estimated"))
    assert overview.evaluated_annual == thousands(by_basis.get("independently_evaluated"))

    statuses = dict(published.values_list("status").annotate(n=Count("pk")))
    assert rows(overview, "status") == {
        label: [statuses.get(code, 0), share(statuses.get(code, 0), total)] for code, label in STATUS_LABELS.items()
    }
    assert sum(row[1] for row in overview.tables["status"].rows) == total


def test_engagement_and_response_tables(overview, published, edition):
    year = edition.as_of.year
    bodies = body_of(year)
    types = dict(Organisation.objects.values_list("slug", "type"))
    partner_slugs = Partner.objects.filter(collaboration__in=published).values_list("organisation__slug", flat=True)
    involved = Counter(types[body] for body in {bodies[slug] for slug in partner_slugs})
    register = Counter(
        Organisation.objects.filter(in_register=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=year))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=year))
        .values_list("type", flat=True)
    )
    engagement = rows(overview, "engagement")
    for code, label in TYPE_LABELS.items():
        assert engagement[label] == [involved[code], register[code], share(involved[code], register[code])]

    cutoff = min(edition.as_of, edition.round.closes_on)
    asked = Counter(Request.objects.filter(round=edition.round).values_list("organisation__type", flat=True))
    answered = Counter(
        org_type
        for org_type, submitted in Return.objects.filter(
            round=edition.round, state__in=["submitted", "accepted"]
        ).values_list("organisation__type", "submitted_at")
        if submitted and timezone.localtime(submitted).date() <= cutoff
    )
    response = rows(overview, "response")
    assert response["All"] == [
        sum(asked.values()),
        sum(answered.values()),
        share(sum(answered.values()), sum(asked.values())),
    ]
    for code, n in asked.items():
        label = TYPE_LABELS.get(code)
        if label:
            assert response[label] == [n, answered[code], share(answered[code], n)]


def test_theme_table_counts_each_record_once_under_its_main_theme(overview, published, edition):
    bodies = body_of(edition.as_of.year)
    top = {t.pk: (t.parent.code if t.parent_id else t.code) for t in Theme.objects.select_related("parent")}
    names = dict(Theme.objects.filter(parent__isnull=True).values_list("code", "name"))
    records = defaultdict(set)
    statuses = defaultdict(Counter)
    for pk, theme_id, status in published.values_list("pk", "primary_theme_id", "status"):
        records[top[theme_id]].add(pk)
        statuses[top[theme_id]][status] += 1
    organisations = defaultdict(set)
    for collaboration_id, slug in Partner.objects.filter(collaboration__in=published).values_list(
        "collaboration_id", "organisation__slug"
    ):
        for code, members in records.items():
            if collaboration_id in members:
                organisations[code].add(bodies[slug])
    savings = defaultdict(Decimal)
    for theme_id, basis, amount in Benefit.objects.filter(
        collaboration__in=published, kind="annual_saving"
    ).values_list("collaboration__primary_theme_id", "basis", "amount_gbp"):
        savings[(top[theme_id], basis)] += amount
    expected = {
        names[code]: [
            len(records[code]),
            statuses[code]["operational"],
            statuses[code]["planned"] + statuses[code]["in_development"],
            len(organisations[code]),
            thousands(savings[(code, "realised")]),
            thousands(savings[(code, "independently_evaluated")]),
            thousands(savings[(code, "estimated")]),
        ]
        for code in names
    }
    assert rows(overview, "themes") == expected
    assert sum(row[1] for row in overview.tables["themes"].rows) == overview.collaborations


def test_places_combinations_organisations_and_savings_tables(overview, published, edition):
    in_published = Partner.objects.filter(collaboration__in=published)
    combos = Counter(combination_label(services) for services in published.values_list("services", flat=True))
    total = published.count()
    assert rows(overview, "combinations") == {k: [n, share(n, total)] for k, n in combos.items()}

    areas = dict(
        in_published.exclude(organisation__police_force_areas=None)
        .values_list("organisation__police_force_areas__code")
        .annotate(n=Count("collaboration", distinct=True))
    )
    assert {code: row[2] for code, row in rows(overview, "areas").items()} == {
        code: areas.get(code, 0) for code in rows(overview, "areas")
    }
    assert len(overview.tables["areas"].rows) == 43
    for field, key in [("organisation__region", "regions"), ("organisation__country", "countries")]:
        counted = dict(
            in_published.exclude(**{field: ""}).values_list(field).annotate(n=Count("collaboration", distinct=True))
        )
        assert {k: v[0] for k, v in rows(overview, key).items()} == counted

    bodies = body_of(edition.as_of.year)
    names = dict(Organisation.objects.values_list("slug", "name"))
    per_body = defaultdict(set)
    for collaboration_id, slug in in_published.values_list("collaboration_id", "organisation__slug"):
        per_body[bodies[slug]].add(collaboration_id)
    assert {name: row[1] for name, row in rows(overview, "organisations").items()} == {
        names[body]: len(ids) for body, ids in per_body.items()
    }

    benefits = (
        Benefit.objects.filter(collaboration__in=published)
        .values_list("kind", "basis")
        .annotate(records=Count("collaboration", distinct=True), total=Sum("amount_gbp"))
    )
    kind_labels = dict(Benefit._meta.get_field("kind").choices)
    basis_labels = dict(Benefit._meta.get_field("basis").choices)
    assert {(row[0], row[1]): row[2:4] for row in overview.tables["savings"].rows} == {
        (str(kind_labels[kind]), str(basis_labels[basis])): [n, thousands(amount)]
        for kind, basis, n, amount in benefits
    }


def test_growth_since_the_baseline_adds_up(overview, published, baseline):
    ended = {"completed", "discontinued"}
    merged = dict(Collaboration.objects.filter(merged_into__isnull=False).values_list("uid", "merged_into__uid"))
    then = {}
    for uid, status in baseline.entries.values_list("uid", "data__status"):
        then.setdefault(merged.get(uid, uid), status)
    now = dict(published.values_list("uid", "status"))
    new = [u for u in now if u not in then]
    both = [u for u in now if u in then]
    ended_now = [u for u in both if now[u] in ended and then[u] not in ended]
    ended_before = [u for u in both if now[u] in ended and then[u] in ended]
    continuing = [u for u in both if now[u] not in ended]
    gone = [u for u in then if u not in now]
    growth = rows(overview, "growth")
    assert growth["In this edition"] == [len(now)]
    assert growth["of which new since then"] == [len(new)]
    assert growth["of which continuing"] == [len(continuing)]
    assert growth["of which ended since then (completed or discontinued)"] == [len(ended_now)]
    assert growth["of which had already ended at the baseline"] == [len(ended_before)]
    assert growth[f"In {DEMO_BASELINE} but not in this edition"] == [len(gone)]
    assert len(new) + len(continuing) + len(ended_now) + len(ended_before) == len(now)
    assert growth["Changed status"] == [sum(1 for u in both if now[u] != then[u])]


def test_the_annex_holds_the_same_tables_and_says_what_each_count_counts(overview, edition, tmp_path):
    target = tmp_path / "annex.xlsx"
    xlsx_write(overview, target)
    book = load_workbook(target, read_only=True)
    for key in ("status", "engagement", "themes", "combinations", "organisations", "growth"):
        sheet = [list(row) for row in book[key].iter_rows(values_only=True)]
        assert sheet[0] == overview.tables[key].columns
        assert sheet[1 : 1 + len(overview.tables[key].rows)] == overview.tables[key].rows
        if overview.tables[key].note:
            assert sheet[-1] == [overview.tables[key].note]
    collaborations = list(book["collaborations"].iter_rows(values_only=True))
    assert len(collaborations) - 1 == edition.collaborations
    defined = [row[1] for row in book["About"].iter_rows(values_only=True) if row[:1] == ("Definition",)]
    assert overview.tables["engagement"].note in defined and overview.tables["themes"].note in defined


def test_the_home_page_and_the_edition_page_show_the_same_numbers_by_the_same_definitions(
    client, overview, edition, baseline
):
    assert edition.as_of == timezone.localdate()  # today's demo edition: the home page counts the same records
    home = client.get(reverse("explorer:home"))
    data = home.context["data"]
    assert data.collaboration_count == overview.collaborations
    assert data.organisation_count == overview.organisations
    report_themes = {row[0]: row[1] for row in overview.tables["themes"].rows}
    assert {row.theme.name: row.count for row in data.by_theme} == report_themes
    page = html.unescape(home.content.decode())
    assert overview.tables["engagement"].note.split(" as they stood")[0] in page
    assert overview.tables["themes"].note in page

    run = ReportRun.objects.create(
        edition=edition,
        compare_with=baseline,
        state=ReportState.DONE,
        finished_at=timezone.now(),
        summary=_summary(overview),
    )
    run.directory.mkdir(parents=True)
    for kind in ("html", "pdf", "xlsx"):
        run.path(kind).write_bytes(b"stand-in")
    detail = html.unescape(client.get(reverse("editions:detail", args=[edition.slug])).content.decode())
    growth = rows(overview, "growth")
    assert f"{overview.collaborations} published collaborations as they stood on" in detail
    for label, value in [
        ("Collaborations in this edition", growth["In this edition"][0]),
        ("of which new", growth["of which new since then"][0]),
        ("of which had already ended at the baseline", growth["of which had already ended at the baseline"][0]),
        ("Organisations taking part", overview.organisations),
    ]:
        assert f'{label}</dt><dd class="govuk-summary-list__value">{value}<' in detail
    assert overview.tables["themes"].note in detail
