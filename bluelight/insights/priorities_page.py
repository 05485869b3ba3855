"""Priorities built once, shown four ways: the page (with its chart), JSON (page and API), CSV, and the report section.

Every number comes from one `Ranking` (priorities.py), so the page, the downloads, the API and the overview
report cannot disagree.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Basis
from bluelight.editions.models import Edition
from bluelight.insights.forms.priorities import WeightsForm
from bluelight.insights.priorities import (
    BASIS_CREDIT,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    LABELS,
    SERVICES,
    Ranking,
    facts_live,
    facts_of_edition,
    priorities_rank,
)

# One colour per component, from the GOV.UK palette, each at least 3:1 against white (WCAG 1.4.11).
COLOURS = {
    "prevalence": "#1d70b8",
    "growth": "#28a197",
    "benefits": "#00703c",
    "evidence_gap": "#d53880",
    "room": "#4c2c92",
    "strategic": "#505a5f",
}
CHART_WIDTH = 600
ROW_HEIGHT = 44
BAR_HEIGHT = 18


@dataclass
class Segment:
    key: str
    label: str
    colour: str
    x: float
    width: float
    contribution: float


@dataclass
class Bar:
    name: str
    score: float
    y: float
    segments: list


@dataclass
class PrioritiesPage:
    ranking: Ranking
    form: WeightsForm
    edition: Edition | None
    editions: list
    notices: list = field(default_factory=list)
    query: str = ""  # the weights and edition chosen, for the download links

    @property
    def bars(self) -> list[Bar]:
        return chart_bars(self.ranking)

    @property
    def legend(self) -> list[tuple[str, str, Decimal]]:
        return [(str(LABELS[k]), COLOURS[k], self.ranking.weights[k]) for k in COMPONENTS]

    chart_width = CHART_WIDTH

    @property
    def chart_height(self) -> int:
        return chart_height(self.ranking)

    @property
    def chart_alt(self) -> str:
        return chart_alt(self.ranking)

    @property
    def counts_note(self) -> str:
        return counts_note(self.ranking)

    @property
    def defaults(self) -> list[tuple[str, Decimal]]:
        return [(str(LABELS[k]), DEFAULT_WEIGHTS[k]) for k in COMPONENTS]


def priorities_page_data(*, params) -> PrioritiesPage:
    """The ranking for the weights and edition in `params`; a wrong weight keeps its default, an unknown edition
    is ignored, each with a notice."""
    given = {k: params[k] for k in COMPONENTS if k in params}
    defaults = {k: _number(v) for k, v in DEFAULT_WEIGHTS.items()}
    form = WeightsForm({**defaults, **given} if given else None, initial=defaults)
    notices = []
    edition = None
    slug = params.get("edition", "")
    if slug:
        edition = Edition.objects.filter(slug=slug).first()
        if edition is None:
            notices.append(_("There is no edition ‘%(slug)s’, so the live records were used.") % {"slug": slug})
    facts = facts_of_edition(edition) if edition else facts_live()
    ranking = priorities_rank(facts, weights=form.weights())
    chosen = [(k, _number(ranking.weights[k])) for k in COMPONENTS if ranking.weights[k] != DEFAULT_WEIGHTS[k]]
    if edition:
        chosen.append(("edition", edition.slug))
    return PrioritiesPage(
        ranking=ranking,
        form=form,
        edition=edition,
        editions=list(Edition.objects.order_by("-as_of", "-pk").values_list("slug", "name")),
        notices=notices,
        query=urlencode(chosen),
    )


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def chart_bars(ranking: Ranking) -> list[Bar]:
    """Each theme's score as a stacked bar, one segment per component's contribution; a score of 1 fills the width."""
    bars = []
    for i, row in enumerate(ranking.rows):
        x, segments = 0.0, []
        for key in COMPONENTS:
            part = row.components[key].contribution
            if part <= 0:
                continue
            width = round(part * CHART_WIDTH, 1)
            segments.append(Segment(key, str(LABELS[key]), COLOURS[key], round(x, 1), width, part))
            x += part * CHART_WIDTH
        bars.append(Bar(row.facts.name, row.score, i * ROW_HEIGHT, segments))
    return bars


def chart_height(ranking: Ranking) -> int:
    return len(ranking.rows) * ROW_HEIGHT + 4


def chart_alt(ranking: Ranking) -> str:
    """The chart in words: what it draws and the top five with their largest contributions."""
    parts = []
    for row in ranking.top:
        biggest = max(COMPONENTS, key=lambda k: row.components[k].contribution)
        parts.append(
            _("%(name)s %(score)s (most from %(label)s)")
            % {"name": row.facts.name, "score": f"{row.score:.2f}", "label": str(LABELS[biggest]).lower()}
        )
    return _(
        "Bars showing each theme's combined score from 0 to 1, split into what each component adds. Highest first: "
        "%(top)s. The table gives every value."
    ) % {"top": "; ".join(parts)}


def chart_svg(ranking: Ranking, *, labelled_by: str = "") -> str:
    """The stacked bars as inline SVG (for the report; the page draws the same bars from its template)."""
    height = chart_height(ranking)
    head = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" width="100%"'
    head += f' aria-labelledby="{labelled_by}" role="img">' if labelled_by else ' aria-hidden="true" focusable="false">'
    body = []
    for bar in chart_bars(ranking):
        body.append(
            f'<text x="0" y="{bar.y + 14}" font-size="14" fill="#0b0c0c">{escape(bar.name)} ({bar.score:.2f})</text>'
        )
        for s in bar.segments:
            body.append(
                f'<rect x="{s.x}" y="{bar.y + 20}" width="{s.width}" height="{BAR_HEIGHT}" fill="{s.colour}" '
                f'stroke="#ffffff" stroke-width="1"><title>{escape(s.label)}: {s.contribution:.3f}</title></rect>'
            )
    return head + "".join(body) + "</svg>"


def _plain(value):
    """JSON-ready: Decimals as numbers (money to the penny), floats to six places, dicts and lists throughout."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(round(value, 2))
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def priorities_json(ranking: Ranking, *, notices: list | None = None) -> dict:
    """The ranking as the page's `.json` and the API give it."""
    facts = ranking.facts
    return {
        "source": {
            "edition": facts.edition or None,
            "edition_name": facts.edition_name or None,
            "baseline": facts.baseline or None,
            "counts": counts_note(ranking),
        },
        "weights": _plain(ranking.weights),
        "default_weights": _plain(DEFAULT_WEIGHTS),
        "basis_credit": _plain(BASIS_CREDIT),
        "unavailable": ranking.unavailable,
        "notices": notices or [],
        "register": facts.register,
        "themes": [
            {
                "rank": row.rank,
                "code": row.facts.code,
                "name": row.facts.name,
                "score": _plain(row.score),
                "reasons": row.reasons,
                "components": {
                    key: {
                        "label": c.label,
                        "raw": _plain(c.raw),
                        "normalised": _plain(c.normalised),
                        "weight": _plain(c.weight),
                        "contribution": _plain(c.contribution),
                    }
                    for key, c in row.components.items()
                },
            }
            for row in ranking.rows
        ],
        "sensitivity": [
            {
                "component": s.key,
                "factor": _plain(s.factor),
                "weight": _plain(s.weight),
                "entered": s.entered,
                "left": s.left,
                "reordered": s.reordered,
                "text": s.text,
            }
            for s in ranking.sensitivity
        ],
    }


CSV_COLUMNS = [
    "rank", "code", "name", "score",
    *[f"{k}_{part}" for k in COMPONENTS for part in ("normalised", "weight", "contribution")],
    "collaborations", "organisations", "engaged", "register",
    *[f"{s.value}_engaged" for s in SERVICES], *[f"{s.value}_register" for s in SERVICES],
    "baseline", "growth",
    *[f"annual_saving_per_collaboration_{b}_gbp" for b in Basis.values],
    "with_outcomes", "with_good_evidence", "evidence_gap_share",
    "room_not_yet", "room_services", "strategic_weight", "strategic_weight_set", "strategic_reason", "reasons",
]  # fmt: skip


def priorities_csv_rows(ranking: Ranking) -> list[dict]:
    rows = []
    for row in ranking.rows:
        c = row.components
        raw = {k: c[k].raw for k in COMPONENTS}
        line = {"rank": row.rank, "code": row.facts.code, "name": row.facts.name, "score": _plain(row.score)}
        for k in COMPONENTS:
            line[f"{k}_normalised"] = _plain(c[k].normalised)
            line[f"{k}_weight"] = _plain(c[k].weight)
            line[f"{k}_contribution"] = _plain(c[k].contribution)
        prevalence = raw["prevalence"]
        line.update(
            collaborations=prevalence["collaborations"],
            organisations=prevalence["organisations"],
            engaged=prevalence["engaged"],
            register=prevalence["register"],
            baseline=raw["growth"]["baseline"],
            growth=raw["growth"]["change"],
            with_outcomes=raw["benefits"]["with_outcomes"],
            with_good_evidence=raw["evidence_gap"]["with_good_evidence"],
            evidence_gap_share=_plain(raw["evidence_gap"]["share"]),
            room_not_yet=raw["room"]["not_yet"],
            room_services="; ".join(raw["room"]["services"]),
            strategic_weight=row.strategic.value,
            strategic_weight_set=row.strategic.is_set,
            strategic_reason=row.strategic.reason,
            reasons="; ".join(row.reasons),
        )
        for s in SERVICES:
            line[f"{s.value}_engaged"] = prevalence["by_service"][s.value]["engaged"]
            line[f"{s.value}_register"] = prevalence["by_service"][s.value]["register"]
        for b in Basis.values:
            line[f"annual_saving_per_collaboration_{b}_gbp"] = _plain(raw["benefits"]["per_collaboration"][b])
        rows.append(line)
    return rows


def counts_note(ranking: Ranking) -> str:
    facts = ranking.facts
    source = (
        _("the collaborations frozen in the edition %(name)s") % {"name": facts.edition_name}
        if facts.edition
        else _("the published collaborations today (drafts, withdrawn and merged records never count)")
    )
    return _(
        "Counted from %(source)s, each under the top-level theme of its main theme (sub-themes counted in; "
        "secondary themes do not count), so each collaboration counts once. Organisations are police, fire and "
        "ambulance organisations in the register (commissioners count with the police), each counted as the body "
        "it is part of."
    ) % {"source": source}


def _two_places(value: float) -> Decimal:
    """A score or a contribution to two places: the report shows a Decimal as given, and one place hid most gaps
    between themes (0.6 and 0.6 for ranks 1 and 2)."""
    return Decimal(f"{value:.2f}")


def report_section(overview):
    """The overview report's section on research priorities: the edition's frozen entries, the default weights and
    today's strategic weights (registered in InsightsConfig.ready, so editions never imports insights)."""
    from bluelight.editions.report.extras import ReportSection
    from bluelight.editions.report.figures import Table

    ranking = priorities_rank(facts_of_edition(overview.edition))
    weights = ", ".join(f"{LABELS[k]} {_number(ranking.weights[k])}" for k in COMPONENTS)
    paragraphs = [
        _(
            "Where collaboration appears to have most potential for improving services, as a score from 0 to 1 for "
            "each theme, built from components computed from this edition's records and the working group's "
            "strategic weights (as they stood when this report was produced). Weights used: %(weights)s."
        )
        % {"weights": weights},
        counts_note(ranking),
        _(
            "Each component is scaled across the themes, 0 for the lowest and 1 for the highest (a strategic weight "
            "is divided by 10); the score is the sum of each weight times its component, divided by the sum of the "
            "weights. Annual savings count in full when realised or independently evaluated and half when estimated. "
            "Editions do not keep non-financial outcomes, so benefits count savings only here."
        ),
    ]
    if ranking.unavailable:
        paragraphs.append(_("No baseline edition was chosen, so growth is left out of the score."))
    used = [k for k in COMPONENTS if k not in ranking.unavailable]
    rows = [
        [row.facts.name, row.rank, _two_places(row.score),
         *[_two_places(row.components[k].contribution) for k in used]]
        for row in ranking.rows
    ]  # fmt: skip
    ranking_table = Table(
        "priorities",
        _("Research priorities by theme"),
        [_("Theme"), _("Rank"), _("Score"), *[_("%(label)s adds") % {"label": LABELS[k]} for k in used]],
        rows,
        note=_("The full ranking with every component's raw value is at /priorities/ and in its CSV."),
    )
    # The reasons stand in a table of their own: beside nine columns of figures they were squeezed into a column
    # a few words wide, a theme's reasons running half a page.
    reasons_table = Table(
        "priorities_reasons",
        _("Why each theme ranks where it does"),
        [_("Theme"), _("Rank"), _("Why, the largest part of the score first")],
        [[row.facts.name, row.rank, row.reason_text] for row in ranking.rows],
    )
    sensitivity = Table(
        "priorities_sensitivity",
        _("How sure is the top five: each weight moved by half"),
        [_("Weight moved"), _("Factor"), _("What changes")],
        [[str(LABELS[s.key]), float(s.factor), s.text] for s in ranking.sensitivity],
    )
    return ReportSection(
        key="priorities",
        title=_("Research priorities"),
        paragraphs=paragraphs,
        tables=[ranking_table, reasons_table, sensitivity],
        figure_svg=chart_svg(ranking),
        figure_alt=chart_alt(ranking),
    )
