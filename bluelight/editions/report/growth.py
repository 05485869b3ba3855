"""The overview's growth tables: what changed since the edition it is compared with, each table in the
taxonomy's order (themes, combinations of services, regions, countries) or by size of change."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from bluelight.editions import definitions
from bluelight.editions.report.tables import (
    Table,
    basis_key,
    basis_label,
    country_key,
    country_label,
    region_key,
    rounded_pounds,
    rounding_note,
    status_label,
)
from bluelight.editions.selectors import Comparison, combination_label, combination_sort_key

if TYPE_CHECKING:  # figures imports this module
    from bluelight.editions.report.figures import Overview


def growth_tables(overview: "Overview", comparison: Comparison) -> None:
    overview.add(
        Table(
            "growth",
            _("Change since %(name)s") % {"name": comparison.baseline.name},
            [_("Measure"), _("Collaborations")],
            [
                [_("In this edition"), comparison.edition_total],
                [_("of which new since then"), len(comparison.new)],
                [_("of which continuing"), len(comparison.continuing)],
                [_("of which ended since then (completed or discontinued)"), len(comparison.ended)],
                [_("of which had already ended at the baseline"), len(comparison.ended_before)],
                [
                    _("In %(name)s but not in this edition") % {"name": comparison.baseline.name},
                    len(comparison.not_reported),
                ],
                [_("Changed status"), len(comparison.changed_status)],
                [_("Gained partners"), len(comparison.new_partners)],
            ],
            note=definitions.growth(comparison.baseline.name),
        )
    )
    themes = list(comparison.theme_names)  # in the taxonomy's order, as the later edition froze it

    def theme_key(code: str) -> tuple:
        # The themes in order, then "no theme given", then any code the frozen themes do not know.
        return (themes.index(code), "") if code in themes else (len(themes) + bool(code), code or "")

    def theme_label(code: str) -> str:
        return comparison.theme_names.get(code, code or _("No theme given"))

    for key, title, first, order, name in [
        ("by_theme", _("Growth by theme"), _("Theme"), theme_key, theme_label),
        ("by_combination", _("Growth by service combination"), _("Services working together"),
         combination_sort_key, combination_label),
        ("by_region", _("Growth by region"), _("Region"), region_key, str),
        ("by_country", _("Growth by country"), _("Country"), country_key, country_label),
    ]:  # fmt: skip
        growth = getattr(comparison, key)
        overview.add(
            Table(
                f"growth_{key[3:]}",
                title,
                [first, comparison.baseline.name, comparison.edition.name, _("Change")],
                [
                    [name(k), growth[k]["baseline"], growth[k]["edition"], growth[k]["change"]]
                    for k in sorted(growth, key=order)
                ],
            )
        )
    org_names = comparison.organisation_names
    changes = sorted(comparison.by_organisation.items(), key=lambda kv: (-kv[1]["change"], org_names.get(kv[0], kv[0])))
    overview.add(
        Table(
            "growth_organisation",
            _("Growth by organisation"),
            [_("Organisation"), comparison.baseline.name, comparison.edition.name, _("Change")],
            [[org_names.get(k, k), v["baseline"], v["edition"], v["change"]] for k, v in changes],
            note=_("Services that merged are counted as the body they became, in both editions."),
        )
    )
    _growth_in_savings(overview, comparison)
    overview.add(
        Table(
            "changed_status",
            _("Collaborations whose status changed"),
            [_("Collaboration"), _("Then"), _("Now")],
            [
                [c["title"], status_label(c["from"]), status_label(c["to"])]
                for c in sorted(comparison.changed_status, key=lambda c: c["title"])
            ],
        )
    )
    overview.add(
        Table(
            "new_partners",
            _("Collaborations that gained partners"),
            [_("Collaboration"), _("New partners")],
            [[c["title"], ", ".join(c["partners"])] for c in sorted(comparison.new_partners, key=lambda c: c["title"])],
        )
    )


def _growth_in_savings(overview: "Overview", comparison: Comparison) -> None:
    def pounds(text: str) -> int:
        return rounded_pounds(Decimal(text))

    overview.add(
        Table(
            "growth_savings",
            _("Annual recurring savings by basis, then and now"),
            [
                _("Basis"),
                _("%(name)s (£, cash)") % {"name": comparison.baseline.name},
                _("%(name)s (£, cash)") % {"name": comparison.edition.name},
                _("%(name)s (£, %(year)s prices)") % {"name": comparison.baseline.name, "year": overview.price_label},
                _("%(name)s (£, %(year)s prices)") % {"name": comparison.edition.name, "year": overview.price_label},
                _("Real change (£, %(year)s prices)") % {"year": overview.price_label},
            ],
            [
                [
                    basis_label(basis),
                    pounds(v["baseline"]),
                    pounds(v["edition"]),
                    pounds(v["baseline_constant"]),
                    pounds(v["edition_constant"]),
                    rounded_pounds(Decimal(v["edition_constant"]) - Decimal(v["baseline_constant"])),
                ]
                for basis, v in sorted(comparison.annual_savings.items(), key=lambda kv: basis_key(kv[0]))
            ],
            note=rounding_note(),
        )
    )
