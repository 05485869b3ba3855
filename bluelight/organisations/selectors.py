"""Reads of the register that other apps share."""

import datetime

from bluelight.organisations.models import Organisation


def bodies_on(day: datetime.date | None = None) -> dict[str, Organisation]:
    """Every organisation's slug -> the body that did its work on `day` (itself, or what a merger made it).

    One query: successors are linked in memory, so `Organisation.current_body` walks them without
    touching the database, whatever the number of records being counted.
    """
    organisations = {o.pk: o for o in Organisation.objects.all()}
    for organisation in organisations.values():
        if organisation.successor_id:
            organisation.successor = organisations[organisation.successor_id]
    return {o.slug: o.current_body(day) for o in organisations.values()}
