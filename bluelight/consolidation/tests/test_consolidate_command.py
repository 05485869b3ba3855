"""`bluelight consolidate --round R --json [--apply-above SCORE]`."""

import json
from io import StringIO

from django.core.management import call_command

from bluelight.collaborations.models import Collaboration
from bluelight.consolidation.tests.test_merge import EPSOM, three_reports


def run(*args) -> dict:
    out = StringIO()
    call_command("consolidate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_json_puts_every_staged_item_in_exactly_one_cluster(round_, report):
    three_reports(report)
    report("kent_police", reference="K1", partners="Kent FRS", **{**EPSOM, "title": "Joint station at Ashford"})
    data = run("--round", round_.name, "--json")
    assert data["round"] == round_.name
    seen = [(i["org"], i["reference"]) for c in data["clusters"] for i in c["items"]]
    assert sorted(seen) == sorted(
        [("surrey_police", "SP1"), ("surrey_frs", "F7"), ("south_east_coast_as", "AMB-3"), ("kent_police", "K1")]
    )
    for cluster in data["clusters"]:
        assert 0 <= cluster["score"] <= 1 and cluster["explanation"]
        assert cluster["existing_collaboration"] is None
        assert set(cluster["items"][0]) == {"org", "reference", "title"}


def test_apply_above_merges_without_review(round_, report):
    three_reports(report)
    data = run("--round", str(round_.pk), "--json", "--apply-above", "0.0")
    assert data["merged"] == 1 and Collaboration.objects.count() == 1
    assert data["clusters"][0]["state"] == "merged"
