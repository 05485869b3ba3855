"""The return as a GOV.UK task list: each collaboration confirmed, updated or marked ended, then checked and sent.

Reads (`task_list`) and the writes a task list adds to the item services: confirming a pre-filled
collaboration, marking it ended, and an analyst's comment on one item.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bluelight.collaborations.models import Status
from bluelight.collaborations.partial_dates import Precision
from bluelight.core.versions import version_bump, version_check
from bluelight.returns.models import ItemAction, ItemProgress, Return, ReturnItem, ReturnState

ENDED_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)


@dataclass
class TaskList:
    """A return's items in the two groups the page shows, with how many are completed."""

    known: list[ReturnItem] = field(default_factory=list)  # pre-filled: collaborations already on record
    new: list[ReturnItem] = field(default_factory=list)  # added in this return, online or by spreadsheet

    @property
    def items(self) -> list[ReturnItem]:
        return self.known + self.new

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def completed(self) -> int:
        return sum(1 for item in self.items if item.progress == ItemProgress.COMPLETED)

    @property
    def ready(self) -> bool:
        """Every item completed: the return can be checked and sent (a nil return is ready too)."""
        return self.completed == self.total

    @property
    def commented(self) -> int:
        return sum(1 for item in self.items if item.analyst_comment)


def task_list(return_obj: Return | None) -> TaskList:
    tasks = TaskList()
    if return_obj is None:
        return tasks
    items = (
        return_obj.items.select_related("theme", "lead_organisation", "known_collaboration")
        .prefetch_related("partners__organisation")
        .order_by("row_number", "pk")
    )
    for item in items:
        (tasks.known if item.known_collaboration_id else tasks.new).append(item)
    return tasks


def incomplete_items(return_obj: Return) -> list[ReturnItem]:
    return list(return_obj.items.exclude(progress=ItemProgress.COMPLETED).order_by("row_number", "pk"))


def _locked_item(item: ReturnItem, expected_version: int | None) -> ReturnItem:
    from bluelight.returns.services import _return_locked, return_item_changes_since

    _return_locked(item.return_obj)
    locked = ReturnItem.objects.select_for_update().get(pk=item.pk)
    version_check(locked, expected_version, describe=return_item_changes_since)
    return locked


def _item_write(item: ReturnItem, user) -> ReturnItem:
    from bluelight.returns.services import _by, _return_bump

    _return_bump(item.return_obj, user)
    version_bump(item)
    _by(item, user).save()
    return item


@transaction.atomic
def return_item_confirm(*, item: ReturnItem, user=None, expected_version: int | None) -> ReturnItem:
    """The editor says a pre-filled collaboration is still right: completed, as it stands.

    An item the editor has already updated stays an update; confirming never undoes its changes.
    """
    item = _locked_item(item, expected_version)
    if item.progress == ItemProgress.COMPLETED and item.action == ItemAction.CONFIRM:
        return item  # confirmed already: nothing to write
    item.progress = ItemProgress.COMPLETED
    return _item_write(item, user)


@transaction.atomic
def return_item_end(
    *,
    item: ReturnItem,
    end_date: datetime.date,
    precision: str,
    status: str,
    user=None,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> ReturnItem:
    """The editor says a collaboration has ended: when (a month or a year) and how (completed or stopped early)."""
    item = _locked_item(item, expected_version)
    if status not in ENDED_STATUSES:
        raise ValidationError({"how": _("Select whether it finished as planned or was stopped early")})
    today = today or datetime.date.today()
    period_start = end_date.replace(month=1, day=1) if precision == Precision.YEAR else end_date.replace(day=1)
    if period_start > today:
        raise ValidationError({"end": _("The end date must be this month or earlier: it has ended")})
    if item.start_date and end_date < item.start_date:
        raise ValidationError(
            {"end": _("The end date must be on or after the start (%(start)s)") % {"start": item.start_display}}
        )
    item.end_date, item.end_precision, item.status = end_date, precision, status
    item.action = ItemAction.ENDED if item.known_collaboration_id else item.action
    item.progress = ItemProgress.COMPLETED
    return _item_write(item, user)


@transaction.atomic
def return_item_comment(*, item: ReturnItem, comment: str, user=None) -> ReturnItem:
    """An analyst's comment on one collaboration of a submitted return; empty text removes it.

    The editor sees it on the task list and on the collaboration's pages once the return is sent back.
    """
    from bluelight.returns.services import _by, _return_locked

    return_obj = _return_locked(item.return_obj)
    if return_obj.state != ReturnState.SUBMITTED:
        raise ValidationError(_("Comments can be added while the return is submitted and waiting for review."))
    item = ReturnItem.objects.select_for_update().get(pk=item.pk)
    item.analyst_comment = comment.strip()
    _by(item, user).save(update_fields=["analyst_comment"])
    return item


def items_reopen_commented(return_obj: Return, user=None) -> int:
    """Sending a return back reopens the collaborations the analysts commented on: the editor looks at each again."""
    from bluelight.returns.services import _by

    items = list(
        return_obj.items.select_for_update().exclude(analyst_comment="").exclude(progress=ItemProgress.IN_PROGRESS)
    )
    for item in items:
        item.progress = ItemProgress.IN_PROGRESS
        version_bump(item)
        _by(item, user).save(update_fields=["progress", "version"])
    return len(items)
