"""The return as a GOV.UK task list: each collaboration confirmed, updated or marked ended, then checked and sent.

The page's reads; confirming a pre-filled collaboration, marking it ended and an analyst's comment on one are
item writes, in `items.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bluelight.returns.models import ItemProgress, Return, ReturnItem


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
