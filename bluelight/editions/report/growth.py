"""The overview's growth tables: what changed since the edition it is compared with, each table in the
taxonomy's order (themes, combinations of services, regions, countries) or by size of change."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from bluelight.editions import definitions
from bluelight.editions.report.language import joined, phrase, record
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
    # The editions' names are typed by analysts: record text, as are theme, region and organisation names.
    then, now = record(comparison.baseline.name), record(comparison.edition.name)
    overview.add(
        Table(
            "growth",
            phrase(_("Change since %(name)s"), name=then),
            [_("Measure"), _("Collaborations")],
            [
                [_("In this edition"), comparison.edition_total],
                [_("of which new since then"), len(comparison.new)],
                [_("of which continuing"), len(comparison.continuing)],
                [_("of which ended since then (completed or discontinued)"), len(comparison.ended)],
                [_("of which had already ended at the baseline"), len(comparison.ended_before)],
                [phrase(_("In %(name)s but not in this edition"), name=then), len(comparison.not_reported)],
                [_("Changed status"), len(comparison.changed_status)],
                [_("Gained partners"), len(comparison.new_partners)],
            ],
            note=definitions.growth(then),
        )
    )
    themes = list(comparison.theme_names)  # in the taxonomy's order, as the later edition froze it

    def theme_key(code: str) -> tuple:
        # The themes in order, then "no theme given", then any code the frozen themes do not know.
        return (themes.index(code), "") if code in themes else (len(themes) + bool(code), code or "")

    def theme_label(code: str) -> str:
        return record(comparison.theme_names[code]) if code in comparison.theme_names else code or _("No theme given")

    for key, title, first, order, name in [
        ("by_theme", _("Growth by theme"), _("Theme"), theme_key, theme_label),
        ("by_combination", _("Growth by service combination"), _("Services working together"),
         combination_sort_key, combination_label),
        ("by_region", _("Growth by region"), _("Region"), region_key, record),
        ("by_country", _("Growth by country"), _("Country"), country_key, country_label),
    ]:  # fmt: skip
        growth = getattr(comparison, key)
        overview.add(
            Table(
                f"growth_{key[3:]}",
                title,
                [first, then, now, _("Change")],
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
            [_("Organisation"), then, now, _("Change")],
            [[record(org_names.get(k, k)), v["baseline"], v["edition"], v["change"]] for k, v in changes],
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
                [record(c["title"], c.get("language")), status_label(c["from"]), status_label(c["to"])]
                for c in sorted(comparison.changed_status, key=lambda c: c["title"])
            ],
        )
    )
    overview.add(
        Table(
            "new_partners",
            _("Collaborations that gained partners"),
            [_("Collaboration"), _("New partners")],
            [
                [record(c["title"], c.get("language")), joined(c["partners"])]
                for c in sorted(comparison.new_partners, key=lambda c: c["title"])
            ],
        )
    )


def _growth_in_savings(overview: "Overview", comparison: Comparison) -> None:
    def pounds(text: str) -> int:
        return rounded_pounds(Decimal(text))

    then, now = record(comparison.baseline.name), record(comparison.edition.name)
    year = overview.price_label

    overview.add(
        Table(
            "growth_savings",
            _("Annual recurring savings by basis, then and now"),
            [
                _("Basis"),
                phrase(_("%(name)s (£, cash)"), name=then),
                phrase(_("%(name)s (£, cash)"), name=now),
                phrase(_("%(name)s (£, %(year)s prices)"), name=then, year=year),
                phrase(_("%(name)s (£, %(year)s prices)"), name=now, year=year),
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
