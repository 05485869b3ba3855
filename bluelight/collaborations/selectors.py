"""Reads of collaboration records that need more than a queryset: the record's full change history, and its versions."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import Benefit, Collaboration, Contact, Outcome, Partner, Theme
from bluelight.organisations.models import Organisation

# The cache key of the records' version, set anew by services.collaborations_changed on every write.
VERSION_KEY = "collaborations:version"
T = TypeVar("T")


# Figures over all records (counts, facets) are kept this long in each process: with Django's
# default per-process cache, a write made in another process (a worker, a command) shows after this.
FIGURES_CACHE_SECONDS = 60


def collaborations_version() -> str:
    """A token that changes whenever a service writes a record: part of the key of cached figures."""
    return cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, None)


def figures_cached(name: str, parts, compute: Callable[[], T], seconds: int = FIGURES_CACHE_SECONDS) -> T:
    """`compute()`, kept under `name`, `parts` (what the figures depend on, e.g. the filters chosen, as
    sorted tuples: the key is their repr), the records' version, the language (labels are translated
    when computed) and today's date.

    Only for figures that are the same for every reader of those parts: published records only.
    """
    described = repr((parts, collaborations_version(), get_language(), timezone.localdate().isoformat()))
    key = f"figures:{name}:{hashlib.sha256(described.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


# Columns a reader learns nothing from: identities, and timestamps the history rows carry anyway.
# `version` only counts saves: a save that changed just a part shows as that part's change.
_HIDDEN = {"id", "uid", "collaboration", "created_at", "updated_at", "is_demo", "version"}
_ACTIONS = {"+": "added", "~": "changed", "-": "removed"}


@dataclass
class FieldChange:
    field: str
    old: str | None  # None: no earlier value known (a new row, or one written before history was kept)
    new: str


@dataclass
class HistoryEntry:
    """One historical row of the record or one of its parts: who did what to which, and when."""

    when: datetime
    who: object | None  # the user, or None for a command, an import or a task
    action: str  # "added", "changed" or "removed"
    part: str  # "collaboration", "partner", "financial benefit", "outcome" or "contact"
    item: str
    changes: list[FieldChange] = field(default_factory=list)
    version_id: int | None = None  # the record's own versions, which the admin shows in full
    order: tuple = ()


class _Display:
    """Stored values as a reader sees them: labels for choices, names for linked rows."""

    def __init__(self, rows_by_model: dict, theme_ids: set[int]):
        wanted: dict = {Organisation: set(), Theme: set(theme_ids), Collaboration: set()}
        for model, rows in rows_by_model.items():
            for f in _shown_fields(model):
                if f.is_relation and f.related_model in wanted:
                    wanted[f.related_model] |= {getattr(r, f.attname) for r in rows} - {None}
        self.names = {
            model: {pk: str(obj) for pk, obj in _named(model).in_bulk(ids).items()} for model, ids in wanted.items()
        }

    def value(self, f, raw) -> str:
        if raw is None or raw == "":
            return "—"
        if f.is_relation:
            return self.names.get(f.related_model, {}).get(raw, _("#%(pk)s (deleted)") % {"pk": raw})
        if f.choices:
            return str(dict(f.flatchoices).get(raw, raw))
        if isinstance(raw, bool):
            return _("yes") if raw else _("no")
        return str(formats.localize(raw))

    def themes(self, ids) -> str:
        return ", ".join(sorted(self.names[Theme].get(pk, f"#{pk}") for pk in ids)) or "—"


def _named(model):
    return Theme.objects.select_related("parent") if model is Theme else model.objects.all()


def _shown_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in _HIDDEN]


def _item(model, row, display: _Display) -> str:
    if model is Partner:
        return display.names[Organisation].get(row.organisation_id, "—")
    return str(row.instance)


def collaboration_history(collaboration: Collaboration, *, user) -> list[HistoryEntry]:
    """Every historical row of the record, its partners, benefits, outcomes and contacts, newest first.

    Rows of removed parts keep their collaboration id, so they are found by it. Contacts are
    personal data: listed only for a user the policy lets see them. Callers check that the user
    may read the history at all (Action.VIEW_HISTORY).
    """
    parts = [Collaboration, Partner, Benefit, Outcome]
    if policy.can(user, Action.VIEW_CONTACTS, collaboration):
        parts.append(Contact)
    rows_by_model = {}
    for model in parts:
        link = {"id": collaboration.pk} if model is Collaboration else {"collaboration_id": collaboration.pk}
        rows_by_model[model] = list(
            model.history.filter(**link).select_related("history_user").order_by("history_date", "history_id")
        )
    themes_of = _secondary_themes(collaboration)
    display = _Display(rows_by_model, {pk for ids in themes_of.values() for pk in ids})
    entries = []
    for rank, model in enumerate(parts):
        previous = {}
        for row in rows_by_model[model]:
            before, previous[row.id] = previous.get(row.id), row
            changes = _changes(model, row, before, display, themes_of) if row.history_type != "-" else []
            if row.history_type == "~" and before and not changes:
                continue  # saved without a visible change
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    who=row.history_user,
                    action=_ACTIONS[row.history_type],
                    part=str(model._meta.verbose_name),
                    item=_item(model, row, display),
                    changes=changes,
                    version_id=row.history_id if model is Collaboration else None,
                    order=(row.history_date, rank, row.history_id),
                )
            )
    return sorted(entries, key=lambda entry: entry.order, reverse=True)


def _changes(model, row, before, display: _Display, themes_of: dict) -> list[FieldChange]:
    """What a version changed from the one `before` it; with none before, the values it set."""
    changes = []
    for f in _shown_fields(model):
        new = getattr(row, f.attname)
        if before is None:
            if new not in (None, ""):
                changes.append(FieldChange(str(f.verbose_name), None, display.value(f, new)))
        elif getattr(before, f.attname) != new:
            changes.append(
                FieldChange(str(f.verbose_name), display.value(f, getattr(before, f.attname)), display.value(f, new))
            )
    if model is Collaboration:
        new_themes = themes_of.get(row.history_id, set())
        old_themes = themes_of.get(before.history_id, set()) if before else set()
        if new_themes != old_themes:
            label = str(Collaboration._meta.get_field("secondary_themes").verbose_name)
            changes.append(
                FieldChange(label, display.themes(old_themes) if before else None, display.themes(new_themes))
            )
    return changes


def _secondary_themes(collaboration: Collaboration) -> dict[int, set[int]]:
    """The secondary themes each version of the record had, by history id."""
    through = apps.get_model("collaborations", "HistoricalCollaboration_secondary_themes")
    themes: dict[int, set[int]] = {}
    versions = through.objects.filter(history__id=collaboration.pk)
    for history_id, theme_id in versions.values_list("history_id", "theme_id"):
        themes.setdefault(history_id, set()).add(theme_id)
    return themes


# Versions: what changed since the version an edit was based on --------------------------------

_PARTS = (("partners", Partner), ("benefits", Benefit), ("outcomes", Outcome), ("contacts", Contact))


def _version_end(collaboration: Collaboration, version: int):
    """When the record left `version`: the first save of a later version (None: it is still at it)."""
    later = collaboration.history.filter(version__gt=version).order_by("history_date", "history_id").first()
    return later.history_date if later else None


def collaboration_changes_since(collaboration: Collaboration, *, version: int, user) -> tuple:
    """(when, who, changes) for the saves after `version`: the latest save's time and author, and each change as a line.

    Lines read "title: Old → New" or "Partner “Kent Police” added", oldest first, from
    `collaboration_history` (so contacts only for a `user` allowed to see them).
    """
    latest = collaboration.history.order_by("-history_date", "-history_id").select_related("history_user").first()
    since = _version_end(collaboration, version)
    if latest is None or since is None:
        return (latest.history_date if latest else collaboration.updated_at), None, []
    entries = [e for e in collaboration_history(collaboration, user=user) if e.when >= since]
    return latest.history_date, latest.history_user, [_line(e) for e in reversed(entries)]


def _short(value: str | None) -> str:
    return Truncator("—" if value is None else value).chars(80)


def _line(entry: HistoryEntry) -> str:
    changes = "; ".join(f"{c.field}: {_short(c.old)} → {_short(c.new)}" for c in entry.changes)
    if entry.part == str(Collaboration._meta.verbose_name):
        return changes
    said = f"{entry.part} “{_short(entry.item)}” {_(entry.action)}"
    if entry.action == "changed" and changes:
        said = f"{said}: {changes}"
    return said[:1].upper() + said[1:]


def collaboration_content_at(collaboration: Collaboration, *, version: int) -> dict | None:
    """The record as it was at `version`, as plain values (`services.collaboration_content`); None if not known.

    The record's own fields come from its last history row at that version; its parts are the
    rows standing just before the first save of the next version.
    """
    from bluelight.collaborations.services import collaboration_content_of_rows

    row = collaboration.history.filter(version=version).order_by("-history_date", "-history_id").first()
    if row is None:
        return None
    until = _version_end(collaboration, version)
    parts = {}
    for part, model in _PARTS:
        versions = model.history.filter(collaboration_id=collaboration.pk)
        if until is not None:
            versions = versions.filter(history_date__lt=until)
        standing = {}
        for version_row in versions.order_by("history_date", "history_id"):
            standing[version_row.id] = version_row
        parts[part] = [r for r in standing.values() if r.history_type != "-"]
    themes = _secondary_themes(collaboration).get(row.history_id, set())
    return collaboration_content_of_rows(row, themes, parts)
