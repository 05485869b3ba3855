"""End to end on the database: stage 10,000 generated reports as real returns, then consolidate the round.

`bench/consolidation.py` measures the matcher on plain data; this adds what a real round costs
around it: reading the staged items and existing records, theme suggestion for every cluster, and
writing the clusters for review. The reports are the matcher's labelled evaluation set, so the
stored clusters are also scored against the truth.
"""

import datetime
import json
import os
import resource
import time

from bench import MIB, FreshDatabase, Measure, Result, benchmark, child_json

ITEMS = 10_000
TARGET_SECONDS = 60
TARGET_MB = 1024


def _stage(evaluation):
    """The evaluation set's reports as one return per reporting organisation, written in bulk."""
    from bluelight.collaborations.models import Theme
    from bluelight.organisations.models import Organisation
    from bluelight.returns.models import ItemPartner, Return, ReturnItem

    slug_of = {pk: slug for slug, pk in evaluation.organisation_ids.items()}
    organisations = {o.slug: o for o in Organisation.objects.all()}
    reporters = sorted({slug_of[i.reporter] for i in evaluation.items})
    today = datetime.date(2026, 11, 1)
    from bluelight.returns.models import Request, Round

    round_ = Round.objects.create(name="Benchmark round", opens_on=today, closes_on=today, state="open")
    Request.objects.bulk_create([Request(round=round_, organisation=organisations[s]) for s in reporters])
    returns = {
        s: r
        for s, r in zip(
            reporters,
            Return.objects.bulk_create(
                [Return(round=round_, organisation=organisations[s], state="submitted") for s in reporters]
            ),
            strict=True,
        )
    }
    themes = {t.code: t for t in Theme.objects.all()}
    items = ReturnItem.objects.bulk_create(
        [
            ReturnItem(
                return_obj=returns[slug_of[m.reporter]],
                reference=m.key.replace(":", "-")[:60],
                title=m.title[:250],
                description=m.description,
                theme=themes.get(m.theme) if m.theme else None,
                status=m.status or "operational",
                start_date=datetime.date(m.start_year, 1, 1) if m.start_year else None,
            )
            for m in evaluation.items
        ],
        batch_size=1000,
    )
    ItemPartner.objects.bulk_create(
        [
            ItemPartner(item=item, organisation=organisations[slug_of[pk]])
            for item, m in zip(items, evaluation.items, strict=True)
            for pk in m.partners
            if slug_of.get(pk) in organisations
        ],
        batch_size=2000,
    )
    return round_, {f"item:{item.pk}": evaluation.truth[m.key] for item, m in zip(items, evaluation.items, strict=True)}


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bluelight.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    django.setup()
    from bench.generated_reports import evaluation_scaled, pairwise_scores
    from bluelight.consolidation.matching import ProposedCluster
    from bluelight.consolidation.models import Cluster
    from bluelight.consolidation.services import consolidation_propose

    evaluation = evaluation_scaled(items=ITEMS)
    round_, truth = _stage(evaluation)
    started = time.perf_counter()
    consolidation_propose(round_=round_)
    seconds = time.perf_counter() - started
    stored = [
        ProposedCluster(keys=[f"item:{pk}" for pk in c.members.values_list("item_id", flat=True)])
        for c in Cluster.objects.filter(round=round_)
    ]
    scores = pairwise_scores(stored, truth)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak,
                "items": len(truth),
                "clusters": len(stored),
                "f1": scores.f1,
                "precision": scores.precision,
                "recall": scores.recall,
            }
        )
    )


@benchmark("consolidation_db", "consolidate a round of 10,000 staged reports on a fresh database: under 60 s")
def consolidation_db() -> Result:
    with FreshDatabase("consolidation_db") as database:
        data = child_json("bench.consolidation_db", database, "consolidation")
        where = database.description
    return Result(
        "consolidation_db",
        [
            Measure("wall time", data["seconds"], "s", TARGET_SECONDS),
            Measure("peak memory", data["peak_mb"], "MiB", TARGET_MB),
        ],
        [
            where,
            f"{data['items']:,} staged reports into {data['clusters']:,} clusters (read, match, suggest themes, "
            f"write); pairwise precision {data['precision']:.3f}, recall {data['recall']:.3f}, F1 {data['f1']:.3f}",
        ],
    )
