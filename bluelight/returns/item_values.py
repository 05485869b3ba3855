"""Reads for the online return item form (forms_item.py): what it offers, an item's values as it shows them, the
register's names for the partners it lists, and a refused save's values laid over the item as it now is.

A form's values are text, as a spreadsheet's cells are, except `partners` (the names listed, as typed) and
`secondary_themes` (theme codes), which are lists.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Scope, Status, Theme
from bluelight.core.versions import merged_rows, merged_values
from bluelight.organisations.models import Organisation
from bluelight.returns.models import ItemProgress, Return, ReturnItem
from bluelight.returns.sheet import FIGURES

LISTS = ("partners", "secondary_themes")
_NOT_VALUES = ("version", "csrfmiddlewaretoken", "partner", "action", "remove_partner", *LISTS)


def partner_labels(names: list[str]) -> dict[str, str]:
    """The register's name for each partner name as typed (its name, an alias or its code, in any case); a name
    the register does not know exactly is left out (the page shows it as typed)."""
    # A name holding a NUL names no organisation, and PostgreSQL refuses it in a query: left out, shown as typed.
    wanted = {name.lower(): name for name in names if name and "\x00" not in name}
    if not wanted:
        return {}
    query = Q()
    for name in wanted.values():
        query |= Q(name__iexact=name) | Q(aliases__name__iexact=name) | Q(official_code__iexact=name)
    labels: dict[str, str] = {}
    for org in Organisation.objects.filter(query).prefetch_related("aliases").distinct():
        for known in (org.name, org.official_code, *(alias.name for alias in org.aliases.all())):
            typed = wanted.get((known or "").lower())
            if typed is not None:
                labels.setdefault(typed, org.name)
    return labels


def item_form_options(return_obj: Return, item: ReturnItem | None = None) -> dict:
    """ItemForm's keyword arguments for an item of `return_obj` (None: a new one)."""
    themes = Theme.objects.select_related("parent").order_by("parent__position", "position")
    reporter = return_obj.organisation
    day = return_obj.round.reference_date
    organisations = (
        Organisation.objects.valid_on(day).exclude(pk=reporter.pk).order_by("name").values_list("name", flat=True)
    )
    return {
        "theme_choices": [(t.code, str(t)) for t in themes],
        "status_choices": Status.choices,
        "scope_choices": [("", _("Not sure"))] + list(Scope.choices),
        "organisations": list(organisations),
        "reporter": reporter,
        "describe_partners": partner_labels,
        "defaults": {"savings_basis": item.savings_basis, "price_year": item.price_year} if item else {},
        "price_year_default": (item.price_year if item else None) or day.year,
    }


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}".removesuffix(".00")


def _text(value) -> str:
    return ("" if value is None else str(value)).replace("\r\n", "\n").strip()


def _date_boxes(day, precision: str) -> tuple[str, str]:
    if day is None:
        return "", ""
    return (str(day.month) if precision == "month" else ""), str(day.year)


def _values(item: ReturnItem, typed_of: dict[int, str], reporter_id: int) -> dict:
    """The item's values as the form shows them, but its lists. `typed_of` gives each partner as typed."""

    def partner(org_id: int | None) -> str:
        if org_id is None or org_id == reporter_id:
            return ""
        return typed_of.get(org_id) or Organisation.objects.get(pk=org_id).name

    values = {
        name: _text(getattr(item, name))
        for name in ("title", "description", "status", "scope", "benefits", "outcomes", "lessons", "evidence_url")
    }
    values |= {"contact_name": _text(item.contact_name), "contact_email": _text(item.contact_email)}
    values["theme"] = item.theme.code if item.theme_id else ""
    values["lead_organisation"] = partner(item.lead_organisation_id)
    values["start_date_month"], values["start_date_year"] = _date_boxes(item.start_date, item.start_precision)
    values["end_date_month"], values["end_date_year"] = _date_boxes(item.end_date, item.end_precision)
    for figure in FIGURES:
        amount = getattr(item, f"{figure}_gbp")
        basis, year = getattr(item, f"{figure}_basis"), getattr(item, f"{figure}_price_year")
        if amount is not None:  # the figure's basis and price year as they apply: its own, else the defaults
            basis, year = basis or item.savings_basis, year or item.price_year
        values[f"{figure}_gbp"] = _money(amount)
        values[f"{figure}_basis"] = basis or ""
        values[f"{figure}_price_year"] = "" if year is None else str(year)
        values[f"{figure}_recipient"] = partner(getattr(item, f"{figure}_recipient_id"))
    values["progress"] = item.progress if item.progress != ItemProgress.NOT_STARTED else ""
    return values


def item_initial(item: ReturnItem) -> dict:
    """A staged item as the form's values: its partners as typed (never the reporting organisation, which is one
    already), its other themes' codes, and its version."""
    reporter_id = item.return_obj.organisation_id
    partners = [
        (p.organisation_id, p.typed_as or p.organisation.name)
        for p in item.partners.select_related("organisation").order_by("pk")
    ]
    values = _values(item, dict(partners), reporter_id)
    values["partners"] = [typed for org_id, typed in partners if org_id != reporter_id]
    values["secondary_themes"] = list(
        item.secondary_themes.order_by("parent__position", "position").values_list("code", flat=True)
    )
    values["version"] = item.version
    return values


def _split(cell: str | None) -> list[str] | None:
    if cell is None:
        return None
    return [" ".join(name.split()) for name in re.split(r"[;\n]", cell) if name.strip()]


def _values_at(item: ReturnItem, version: int) -> dict | None:
    """The item's form values at `version`, from its history; its lists from the cells it kept as typed (`raw`),
    None where it kept none."""
    row = item.history.filter(version=version).order_by("-history_date", "-history_id").first()
    if row is None:
        return None
    values = _values(row.instance, {}, item.return_obj.organisation_id)
    raw = row.raw or {}
    values["partners"] = _split(raw.get("partners"))
    values["secondary_themes"] = _split(raw.get("secondary_themes"))
    return values


def item_form_rebased(item: ReturnItem, *, version: int, mine: dict) -> dict:
    """The item form's values after a refused save: the item as it is now, with the user's changes laid over it.

    `mine` is what the user submitted (ItemForm.values()), based on `version`. Where the item at that version is
    in its history, a field they changed keeps their value and the others take the current one (the partners and
    other themes: those they added or removed); otherwise their values are kept as submitted. The version is the
    current one, so saving again applies their changes.
    """
    theirs = item_initial(item)
    my_fields = {name: _text(value) for name, value in mine.items() if name not in _NOT_VALUES}
    their_fields = {name: value for name, value in theirs.items() if name not in _NOT_VALUES}
    base = _values_at(item, version)
    if base is None:
        values = {**their_fields, **my_fields}
        lists = {name: list(mine.get(name) or []) for name in LISTS}
    else:
        values = merged_values({k: v for k, v in base.items() if k not in LISTS}, my_fields, their_fields)
        lists = {
            name: merged_rows(
                theirs[name] if base[name] is None else base[name], list(mine.get(name) or []), theirs[name]
            )
            for name in LISTS
        }
    return {**values, **lists, "version": item.version}
