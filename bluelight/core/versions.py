"""Record versions: a save based on an out-of-date copy is refused, saying what changed, instead of undoing it.

How a versioned record uses this module (collaborations do; returns can do the same):

- the model declares `version = version_field()`; its update service, inside the transaction and
  after locking the row (`select_for_update`), calls `version_check(row, expected)` before writing
  anything and `version_bump(row)` before saving a real change, so the number moves exactly when
  the content does;
- a form carries the version it was opened at in a hidden `version_form_field()`, read back with
  `version_parse`; a refused save shows `StaleVersion.message(...)` above the form;
- to let the user re-apply their edit, the page is shown again holding the current record with
  the user's own changes laid over it (`merged_values`, `merged_rows`, three-way merges against
  the version they opened), and the hidden field at the current version: saving again then
  applies their changes without undoing the other person's.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def version_field() -> models.PositiveIntegerField:
    """The column a versioned model declares as `version`; only its services change it (`version_bump`)."""
    return models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        editable=False,
        help_text=gettext_lazy("Goes up by one with every saved change, so a save based on an older copy is refused."),
    )


class VersionFormField(forms.CharField):
    """A hidden field carrying the version the page was opened at; cleans to a number, or None if missing or garbled.

    It never fails by itself: the form decides what a missing version means (see `version_missing_message`).
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return version_parse(value)


def version_form_field() -> VersionFormField:
    """The hidden form field carrying the version the page was opened at (declare it as `version`)."""
    return VersionFormField()


def version_missing_message(noun: str = "record") -> str:
    """The refusal when a form came back without a usable version: there is nothing to compare it with."""
    return _(
        "This page did not say which version of the %(noun)s you opened, so your changes have not been saved "
        "(they might undo someone else's). Open the %(noun)s again and make your changes there."
    ) % {"noun": noun}


def version_parse(value) -> int | None:
    """A submitted version as a number; None when missing or not a positive whole number."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


@dataclass(eq=False)
class StaleVersion(Exception):
    """A save was based on version `expected`, but the record is now at `current`; nothing was written.

    `when` and `who` describe the latest save (who: a user, or None for an import, a merge or a
    command); `changes` are plain lines, oldest first, saying what changed since `expected`.
    """

    expected: int | None
    current: int
    when: datetime | None = None
    who: object | None = None
    changes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"The record is at version {self.current}, not {self.expected}: saved since by someone else."

    def message(self, *, viewer, show_who: bool, noun: str = "record", merged: bool = True) -> SafeString:
        """What the user reads above the refused form (HTML, escaped).

        `show_who`: name the other person (analysts only); others read "another user".
        `merged`: the form now holds their changes with the user's, so saving again applies both.
        """
        if self.when:
            local = timezone.localtime(self.when)
            at = {"time": formats.time_format(local, "H:i"), "date": formats.date_format(local, "j F")}
        else:
            at = {"time": "?", "date": _("an unknown date")}
        if self.who is None:
            said = _("This %(noun)s was changed at %(time)s on %(date)s (by an import, a merge or a command)")
        elif viewer is not None and getattr(self.who, "pk", None) == getattr(viewer, "pk", False):
            said = _("You saved this %(noun)s at %(time)s on %(date)s, in another tab or window,")
        else:
            said = _("Someone else saved this %(noun)s at %(time)s on %(date)s (by %(name)s)")
        name = (self.who.get_full_name() or self.who.get_username()) if self.who is not None and show_who else ""
        said = said % {"noun": noun, "name": name or _("another user"), **at}
        changes = (
            format_html(
                "{}<ul>{}</ul>",
                _("What they changed:"),
                format_html_join("", "<li>{}</li>", ((c,) for c in self.changes)),
            )
            if self.changes
            else _("What they changed is not in the change history.")
        )
        then = (
            _("The form below now holds their changes and yours. Check their changes, then save again to apply yours.")
            if merged
            else _("Check their changes, then save again to apply yours.")
        )
        return format_html(
            "{} {} {} {} {}", said, _("after you opened it."), _("Your changes have not been saved."), changes, then
        )


def version_check(obj, expected: int | None, *, describe=None) -> None:
    """Raise StaleVersion unless `obj` (read under a lock) is still at version `expected`.

    `describe(obj, expected)` returns (when, who, changes) for the message; it is called only when
    the versions differ. A missing `expected` (None) is refused too: nothing says the page is current.
    """
    if obj.version == expected:
        return
    when, who, changes = describe(obj, expected) if describe and expected is not None else (None, None, [])
    raise StaleVersion(expected=expected, current=obj.version, when=when, who=who, changes=list(changes))


def version_bump(obj) -> None:
    """Move `obj` to its next version; call once per saved change, just before saving it."""
    obj.version += 1


# Re-applying: the user's changes laid over the current record --------------------------------


def merged_values(base: dict, mine: dict, theirs: dict) -> dict:
    """Field by field: my value where I changed it from `base`, theirs everywhere else.

    Where both changed a field, mine is kept: the refusal lists their change for me to check.
    """
    return {
        name: mine[name] if name in mine and mine[name] != base.get(name) else value for name, value in theirs.items()
    }


def _hashable(row):
    return tuple(sorted(row.items())) if isinstance(row, dict) else row


def merged_rows(base: list, mine: list, theirs: list, *, key: str | None = None) -> list:
    """Rows (dicts of values, or plain values) after my additions and removals since `base` are applied to `theirs`.

    With a `key` (partners: the organisation) a row is one per key: a key I added, changed or
    removed takes my row (or goes), other keys keep theirs. Without a key rows are compared by
    content as a multiset: rows I removed go from theirs if still there, rows I added are added,
    and an edit is a removal plus an addition.
    """
    if key is not None:
        old, new = {r[key]: r for r in base}, {r[key]: r for r in mine}
        result = {r[key]: r for r in theirs}
        for k in old.keys() | new.keys():
            if old.get(k) != new.get(k):
                if k in new:
                    result[k] = new[k]
                else:
                    result.pop(k, None)
        order = [r[key] for r in theirs] + [r[key] for r in mine if r[key] not in {t[key] for t in theirs}]
        return [result[k] for k in dict.fromkeys(order) if k in result]
    removed = Counter(map(_hashable, base)) - Counter(map(_hashable, mine))
    added = Counter(map(_hashable, mine)) - Counter(map(_hashable, base))
    result = []
    for row in theirs:
        if removed[_hashable(row)]:
            removed[_hashable(row)] -= 1
        else:
            result.append(row)
    for row in mine:
        if added[_hashable(row)]:
            added[_hashable(row)] -= 1
            result.append(row)
    return result


def post_value(value):
    """A plain value as a browser would submit it: None -> "", True -> "on", False -> omitted, lists stay lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return str(value)


def post_set(data, name: str, value) -> None:
    """Set one submitted field in a mutable QueryDict, as `post_value` would submit it."""
    submitted = post_value(value)
    data.pop(name, None)
    if isinstance(submitted, list):
        data.setlist(name, submitted)
    elif submitted is not None:
        data[name] = submitted
