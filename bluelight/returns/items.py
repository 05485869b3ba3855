"""Online return items: checked by the spreadsheet's own row class, so both channels agree."""

from django.db import transaction

from bluelight.returns.models import ItemAction, ItemPartner, Return, ReturnItem
from bluelight.returns.sheet import ItemData, ReturnRow, RowError, SheetContext


def _next_reference(return_obj: Return) -> str:
    """W1, W2, ...: references for items added on the web, distinct from the organisation's own."""
    taken = set(return_obj.items.values_list("reference", flat=True))
    n = 1
    while f"W{n}" in taken:
        n += 1
    return f"W{n}"


def return_item_check(
    *, return_obj: Return, item: ReturnItem | None, cells: dict[str, str]
) -> tuple[ItemData | None, list[RowError]]:
    """Clean a form's values exactly as a spreadsheet row would be: (data, []) or (None, errors)."""
    cells = {**cells, "reference": item.reference if item else _next_reference(return_obj)}
    context = SheetContext(organisation=return_obj.organisation, day=return_obj.round.reference_date)
    row = ReturnRow(0, cells, context)
    data = row.run()
    return data, row.errors


@transaction.atomic
def return_item_save(*, return_obj: Return, item: ReturnItem | None, data: ItemData, user=None) -> ReturnItem:
    """Write a checked item and its partners; an edited known collaboration becomes an update."""
    item = item or ReturnItem(return_obj=return_obj)
    for name, value in data.item_fields().items():
        if name != "row_number":
            setattr(item, name, value)
    if item.known_collaboration_id and item.action == ItemAction.CONFIRM:
        item.action = ItemAction.UPDATE
    if data.end_date and item.known_collaboration_id and data.status in ("completed", "discontinued"):
        item.action = ItemAction.ENDED
    item.save()
    item.partners.all().delete()
    ItemPartner.objects.bulk_create(
        [ItemPartner(item=item, organisation=org, typed_as=typed[:250]) for org, typed in data.partners]
    )
    return item


def return_item_remove(*, item: ReturnItem) -> None:
    item.delete()
