"""Rounds and returns in the admin: analysts read them; editors and the public do not."""

import datetime

from django.urls import reverse

from bluelight.returns import services


def test_analyst_reads_rounds_returns_and_items_in_the_admin(client, cast, org):
    round_ = services.round_open(
        name="Admin round",
        opens_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2026, 6, 30),
        regions=["South East"],
        notify=False,
    )
    return_obj = services.return_start(round_=round_, organisation=org("surrey_police"))
    client.force_login(cast.analyst)
    for url in (
        reverse("admin:returns_round_changelist"),
        reverse("admin:returns_round_change", args=[round_.pk]),
        reverse("admin:returns_return_change", args=[return_obj.pk]),
        reverse("admin:returns_returnitem_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:returns_round_add")).status_code == 403


def test_editors_do_not_see_rounds_in_the_admin(client, cast):
    client.force_login(cast.editor_a)
    assert client.get(reverse("admin:returns_round_changelist")).status_code == 403
    assert "Collection rounds" not in client.get(reverse("admin:index")).content.decode()
