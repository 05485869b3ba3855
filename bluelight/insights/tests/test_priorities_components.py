"""Research priorities: every component, the score, the ranking, the reasons and the sensitivity, each checked
against numbers worked out in the test from the small world in priorities_world.py (and the register by SQL)."""

import datetime
from decimal import Decimal

import pytest

from bluelight.editions.services import edition_publish
from bluelight.insights.priorities import (
    DEFAULT_WEIGHTS,
    Facts,
    ThemeFacts,
    facts_live,
    facts_of_edition,
    priorities_rank,
)
from bluelight.insights.tests.priorities_world import build_world, register_counts

EMPTY = ["demand", "alliances", "info", "wider", "prevention", "back_office", "national"]


@pytest.fixture
def world(register):
    return build_world()


def minmax(values: dict) -> dict:
    known = [v for v in values.values() if v is not None]
    low, high = min(known), max(known)
    if low == high:
        return {k: 0.5 if v is not None else 0.0 for k, v in values.items()}
    return {k: 0.0 if v is None else (v - low) / (high - low) for k, v in values.items()}


def expected_raw(r: dict) -> dict:
    """The world's figures by theme, worked out by hand from what build_world wrote."""
    total = r["police"] + r["fire"] + r["ambulance"]
    rows = {
        "estates": dict(n=2, orgs=5, engaged={"police": 2, "fire": 2, "ambulance": 1}, baseline=1,
                        per={"realised": 6000, "estimated": 2000, "independently_evaluated": 0},
                        credited=(12000 + 0.5 * 4000) / 2, outcomes=0, good=1, strategic=5),
        "control": dict(n=1, orgs=2, engaged={"police": 1, "fire": 1, "ambulance": 0}, baseline=1,
                        per={"realised": 0, "estimated": 0, "independently_evaluated": 0},
                        credited=0, outcomes=0, good=1, strategic=8),
        "first_response": dict(n=2, orgs=3, engaged={"police": 0, "fire": 2, "ambulance": 1}, baseline=0,
                               per={"realised": 0, "estimated": 0, "independently_evaluated": 3000},
                               credited=3000, outcomes=1, good=0, strategic=5),
    }  # fmt: skip
    for code in EMPTY:
        rows[code] = dict(n=0, orgs=0, engaged={"police": 0, "fire": 0, "ambulance": 0}, baseline=0, per=None,
                          credited=None, outcomes=0, good=0, strategic=5)  # fmt: skip
    for row in rows.values():
        row["share"] = sum(row["engaged"].values()) / total
        row["growth"] = row["n"] - row["baseline"]
        row["gap"] = (row["n"] - row["good"]) / row["n"] if row["n"] else None
        row["outcome_share"] = row["outcomes"] / row["n"] if row["n"] else None
        row["room"] = sum(r[s] - e for s, e in row["engaged"].items() if e)
    return rows


def expected_normalised(raw: dict) -> dict:
    parts = {
        "prevalence": minmax({c: v["share"] for c, v in raw.items()}),
        "growth": minmax({c: v["growth"] for c, v in raw.items()}),
        "evidence_gap": minmax({c: v["gap"] for c, v in raw.items()}),
        "room": minmax({c: v["room"] for c, v in raw.items()}),
    }
    savings = minmax({c: v["credited"] for c, v in raw.items()})
    outcomes = minmax({c: v["outcome_share"] for c, v in raw.items()})
    return {
        c: {**{k: parts[k][c] for k in parts}, "benefits": (savings[c] + outcomes[c]) / 2,
            "strategic": raw[c]["strategic"] / 10}
        for c in raw
    }  # fmt: skip


def expected_scores(normalised: dict, weights: dict) -> dict:
    total = sum(float(w) for w in weights.values())
    return {c: sum(float(weights[k]) * n[k] for k in weights) / total for c, n in normalised.items()}


def test_every_raw_component_of_every_theme_matches_a_recount(world):
    r = register_counts()
    raw = expected_raw(r)
    ranking = priorities_rank(facts_live())
    assert ranking.facts.register == r
    assert {row.facts.code for row in ranking.rows} == set(raw)
    for row in ranking.rows:
        want, got = raw[row.facts.code], {k: c.raw for k, c in row.components.items()}
        assert got["prevalence"]["collaborations"] == want["n"]
        assert got["prevalence"]["organisations"] == want["orgs"]
        assert got["prevalence"]["engaged"] == sum(want["engaged"].values())
        assert got["prevalence"]["share"] == pytest.approx(want["share"])
        for service, engaged in want["engaged"].items():
            line = got["prevalence"]["by_service"][service]
            assert (line["engaged"], line["register"]) == (engaged, r[service])
            assert line["share"] == pytest.approx(engaged / r[service])
        assert (got["growth"]["baseline"], got["growth"]["change"]) == (want["baseline"], want["growth"])
        if want["per"] is None:
            assert got["benefits"]["credited_per_collaboration"] is None
        else:
            assert {b: float(v) for b, v in got["benefits"]["per_collaboration"].items()} == want["per"]
            assert float(got["benefits"]["credited_per_collaboration"]) == want["credited"]
        assert got["benefits"]["with_outcomes"] == want["outcomes"]
        assert got["evidence_gap"]["with_good_evidence"] == want["good"]
        assert got["evidence_gap"]["share"] == want["gap"]
        assert got["room"]["not_yet"] == want["room"]
        assert got["strategic"]["value"] == want["strategic"]


def test_every_normalised_component_and_the_score_match_a_recount(world):
    normalised = expected_normalised(expected_raw(register_counts()))
    scores = expected_scores(normalised, DEFAULT_WEIGHTS)
    ranking = priorities_rank(facts_live())
    for row in ranking.rows:
        for key, component in row.components.items():
            assert component.normalised == pytest.approx(normalised[row.facts.code][key]), (row.facts.code, key)
        assert row.score == pytest.approx(scores[row.facts.code])
        assert sum(c.contribution for c in row.components.values()) == pytest.approx(row.score)
    assert [row.facts.code for row in ranking.rows[:3]] == sorted(scores, key=lambda c: -scores[c])[:3]


def test_the_ranking_follows_the_weights_given(world):
    normalised = expected_normalised(expected_raw(register_counts()))
    weights = {k: Decimal(0) for k in DEFAULT_WEIGHTS} | {"strategic": Decimal(10), "prevalence": Decimal(1)}
    scores = expected_scores(normalised, weights)
    ranking = priorities_rank(facts_live(), weights=weights)
    assert ranking.rows[0].facts.code == "control" == max(scores, key=scores.get)
    assert [r.score for r in ranking.rows] == pytest.approx(sorted(scores.values(), reverse=True))


def test_a_draft_collaboration_and_unpublished_evidence_never_count(world):
    by_code = {row.facts.code: row for row in priorities_rank(facts_live()).rows}
    assert by_code["prevention"].facts.collaborations == 0
    assert by_code["prevention"].components["benefits"].raw["credited_per_collaboration"] is None
    # Surrey emergency first response has a level-5 trial, but it is not published.
    assert by_code["first_response"].facts.with_good_evidence == 0


def test_each_theme_gives_its_reasons_in_words_largest_part_first(world):
    r = register_counts()
    total = r["police"] + r["fire"] + r["ambulance"]
    row = next(row for row in priorities_rank(facts_live()).rows if row.facts.code == "estates")
    assert f"widespread: 5 of {total} organisations" in row.reasons
    assert "growing: +1 since the baseline" in row.reasons
    assert "evidence gap: 1 of 2 rated 3 or more" in row.reasons
    assert (
        "benefits: £6,000 a year per collaboration realised or evaluated, £2,000 estimated, "
        "outcomes reported for 0 of 2" in row.reasons
    )
    assert f"room to spread: {total - 5} police, fire and ambulance organisations not yet doing it" in row.reasons
    assert "strategic weight 5 of 10 (not set)" in row.reasons
    contributions = sorted((c.contribution for c in row.components.values()), reverse=True)
    assert row.reasons[0].startswith(
        {"prevalence": "widespread", "room": "room", "benefits": "benefits", "evidence_gap": "evidence",
         "growth": "growing", "strategic": "strategic"}[
            next(k for k, c in row.components.items() if c.contribution == contributions[0])]
    )  # fmt: skip
    control = next(row for row in priorities_rank(facts_live()).rows if row.facts.code == "control")
    assert "strategic weight 8 of 10: National interoperability review" in control.reasons
    assert "steady: no change since the baseline" in control.reasons


def _facts(values: list[tuple[str, int, int]]) -> Facts:
    """Hand-made facts: (code, collaborations, collaborations with good evidence); no baseline, no savings."""
    themes = [
        ThemeFacts(code, code.title(), collaborations=n, engaged={"police": n, "fire": 0, "ambulance": 0},
                   with_outcomes=0, with_good_evidence=good)
        for code, n, good in values
    ]  # fmt: skip
    return Facts(themes=themes, register={"police": 20, "fire": 0, "ambulance": 0})


def test_sensitivity_says_which_themes_enter_and_leave_the_top_five():
    # Prevalence grows with n; the evidence gap with n - good. Moving the evidence gap's weight reorders them.
    facts = _facts([("a", 10, 0), ("b", 9, 9), ("c", 8, 0), ("d", 7, 7), ("e", 6, 0), ("f", 5, 0), ("g", 4, 4)])
    weights = {k: Decimal(0) for k in DEFAULT_WEIGHTS} | {"prevalence": Decimal(2), "evidence_gap": Decimal(1)}
    ranking = priorities_rank(facts, weights=weights, strategic={})
    assert ranking.unavailable == ["growth"]

    def top(w):  # an independent recount: the same formulas, written out again
        share = minmax({t.code: t.collaborations / 20 for t in facts.themes})
        gap = minmax({t.code: (t.collaborations - t.with_good_evidence) / t.collaborations for t in facts.themes})
        score = {
            c: (float(w["prevalence"]) * share[c] + float(w["evidence_gap"]) * gap[c] + float(w["room"]) * 0.5
                + float(w["benefits"]) * 0.5 + float(w["strategic"]) * 0.5)
            for c in share
        }  # fmt: skip
        return sorted(score, key=lambda c: (-round(score[c], 9), c.title()))[:5]

    base = top(weights)
    assert [row.facts.code for row in ranking.top] == base
    for line in ranking.sensitivity:
        moved = top({**weights, line.key: weights[line.key] * line.factor})
        assert line.entered == [c.title() for c in moved if c not in base]
        assert line.left == [c.title() for c in base if c not in moved]
    # Worked by hand: scores a 3, c 2.33, b and e 1.67, f 1.33, d 1; with the gap's weight halved d (1.0) passes f.
    assert base == ["a", "c", "b", "e", "f"]
    lowered = next(s for s in ranking.sensitivity if s.key == "evidence_gap" and s.factor == Decimal("0.5"))
    assert lowered.entered == ["D"] and lowered.left == ["F"]
    assert lowered.text == "Evidence gap weight down by half, 1 to 0.5: D would enter the top five; F would leave it."
    raised = next(s for s in ranking.sensitivity if s.key == "evidence_gap" and s.factor == Decimal("1.5"))
    assert raised.text == "Evidence gap weight up by half, 1 to 1.5: the same five themes, in a different order."
    zero = next(s for s in ranking.sensitivity if s.key == "room" and s.factor == Decimal("0.5"))
    assert zero.text == "Room to spread weight down by half, 0 to 0: no change (a weight of 0 stays 0)."


def test_without_a_baseline_growth_is_left_out_of_the_score(register):
    from bluelight.collaborations.tests.factories import make_collaboration

    make_collaboration("surrey_police", "surrey_frs")
    ranking = priorities_rank(facts_live(), strategic={})
    assert ranking.unavailable == ["growth"]
    row = ranking.rows[0]
    assert row.components["growth"].weight == 0 and row.components["growth"].contribution == 0
    weights = {k: float(v) for k, v in DEFAULT_WEIGHTS.items() if k != "growth"}
    expected = sum(weights[k] * row.components[k].normalised for k in weights) / sum(weights.values())
    assert row.score == pytest.approx(expected)
    assert not any("since the baseline" in reason for reason in row.reasons)


def test_an_edition_is_ranked_from_what_it_froze(world):
    later = edition_publish(name="Later overview", as_of=datetime.date.today())
    world["c2"].delete()  # gone from the live records; the edition keeps it
    facts = facts_of_edition(later)
    by_code = {t.code: t for t in facts.themes}
    assert by_code["estates"].collaborations == 2
    assert by_code["estates"].savings == {"realised": Decimal(12000), "estimated": Decimal(4000)}
    assert by_code["estates"].baseline == 1
    # Good evidence is what the edition froze with each entry (published items only: see ADR 0009).
    frozen = {
        top: sum(
            1 for data in later.entries.filter(data__top_theme=top).values_list("data", flat=True)
            if any(e["strength"] >= 3 for e in data["evidence"])
        )
        for top in ("estates", "control", "first_response")
    }  # fmt: skip
    assert {code: by_code[code].with_good_evidence for code in frozen} == frozen
    assert by_code["estates"].with_outcomes is None and not facts.outcomes_known
    assert facts.register == register_counts()
    assert {t.code: t.collaborations for t in facts_live().themes}["estates"] == 1


def test_the_demo_weights_load_once_through_the_service(register):
    from bluelight.demo.priorities import DEMO_WEIGHTS, demo_priorities_load
    from bluelight.insights.models import StrategicWeight

    assert demo_priorities_load() == len(DEMO_WEIGHTS)
    assert demo_priorities_load() == 0
    weights = {w.theme.code: (w.value, w.history.count()) for w in StrategicWeight.objects.select_related("theme")}
    assert weights == {code: (value, 1) for code, value, _reason in DEMO_WEIGHTS}


@pytest.mark.parametrize(
    ("amount", "words"),
    [(Decimal("51833.33"), "£52,000"), (Decimal("77861"), "£78,000"), (Decimal(0), "£0"), (Decimal(120), "under £500"),
     (Decimal("1499.99"), "£1,000")],
)
def test_sums_in_the_reasons_are_to_the_nearest_thousand_pounds_as_in_the_report(amount, words):
    from bluelight.insights.priorities import _thousands

    assert _thousands(amount) == words
