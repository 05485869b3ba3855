"""The demo's editions: a 2014 baseline rebuilt from the demo world's timelines, and today's edition.

The demo world knows what each collaboration looked like on any day (`state_at`), so the baseline is
what a 2014 survey would have seen: only the collaborations known by then, with their status then,
and only the money and evidence that existed then. That gives the comparison real differences.
"""

import datetime
import zlib
from types import SimpleNamespace

from django.utils import timezone

from bluelight.collaborations.models import Basis, Collaboration, Status
from bluelight.collaborations.services import services_of
from bluelight.demo.world import DEMO_SEED, DEMO_TODAY, world_build
from bluelight.editions.models import Edition
from bluelight.editions.services import edition_create, edition_publish, entry_data, published_records
from bluelight.returns.models import Round

DEMO_BASELINE = "2014 overview (demo)"
DEMO_BASELINE_DATE = datetime.date(2014, 9, 30)  # the summer 2014 call for examples, as in the 2015 overview
DEMO_EDITION = "2026 overview (demo)"
RUNNING = {Status.OPERATIONAL, Status.COMPLETED, Status.DISCONTINUED}


def _as_it_stood(data: dict, status: str, day: datetime.date, evidence_years: dict[str, int], key: str) -> dict:
    """A record's frozen data as it stood on `day`: its status then, and only what existed then.

    The demo world does not record when partners joined, so one in four collaborations with three or
    more partners is shown without its last non-lead partner, as if that partner joined later: the
    comparison then has new partners to show, as real ones do.
    """
    then = dict(data)
    then["status"] = status
    if len(data["partners"]) >= 3 and zlib.crc32(key.encode()) % 4 == 0:
        joined_later = [p for p in data["partners"] if not p["lead"]][-1]
        partners = [p for p in data["partners"] if p is not joined_later]
        then["partners"] = partners
        then["services"] = services_of(SimpleNamespace(type=p["type"]) for p in partners)
        then["regions"] = sorted({p["region"] for p in partners if p["region"]})
        then["countries"] = sorted({p["country"] for p in partners})
    if status not in {Status.COMPLETED, Status.DISCONTINUED}:
        then["end"] = ""
    then["benefits"] = [
        b
        for b in data["benefits"]
        if b["price_year"] is not None
        and b["price_year"] <= day.year
        and (status in RUNNING or b["basis"] == Basis.ESTIMATED)
    ]
    then["evidence"] = [e for e in data["evidence"] if evidence_years.get(e["title"], day.year + 1) <= day.year]
    return then


def demo_editions_load(*, seed: int = DEMO_SEED) -> list[Edition]:
    """Publish the demo baseline and today's demo edition once (looked up by name); returns those created."""
    from bluelight.demo.services import DEMO_ROUND, demo_keys  # the demo loader imports this module

    created = []
    if not Edition.objects.filter(name=DEMO_BASELINE).exists():
        world = {item.key: item for item in world_build(seed=seed).collaborations}
        by_record = {pk: key for key, pk in demo_keys().items()}
        entries = []
        for record in published_records().filter(pk__in=by_record):
            state = world[by_record[record.pk]].state_at(DEMO_BASELINE_DATE)
            if state is None:
                continue
            evidence_years = {item.title: item.year for item in record.evidence.all()}
            key = by_record[record.pk]
            data = _as_it_stood(entry_data(record), state.status, DEMO_BASELINE_DATE, evidence_years, key)
            entries.append((record, data))
        created.append(
            edition_create(
                name=DEMO_BASELINE,
                as_of=DEMO_BASELINE_DATE,
                entries=entries,
                baseline=not Edition.objects.filter(is_baseline=True).exists(),
                methodology={},
            )
        )
    if not Edition.objects.filter(name=DEMO_EDITION).exists() and Collaboration.objects.published().exists():
        # The demo round follows the day the demo is loaded (it is open "now"), and an edition reports only a
        # round that had opened by its date: so today's edition is dated the day it is loaded.
        as_of = max(DEMO_TODAY, timezone.localdate())
        created.append(
            edition_publish(name=DEMO_EDITION, as_of=as_of, round_=Round.objects.filter(name=DEMO_ROUND).first())
        )
    return created


def demo_reports_request() -> int:
    """Ask once for the overview report of each demo edition (the worker produces them); returns how many."""
    from bluelight.editions.report.runs import report_request

    baseline = Edition.objects.filter(is_baseline=True).first()
    asked = 0
    for edition in Edition.objects.filter(name__in=[DEMO_BASELINE, DEMO_EDITION], reports__isnull=True):
        report_request(edition=edition, compare_with=baseline if baseline != edition else None)
        asked += 1
    return asked
