"""Importing a return file: validate everything, then stage items by reference in one write."""

import datetime
from decimal import Decimal

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.returns.models import Channel, ItemAction, ItemPartner, Return, ReturnItem, ReturnState
from bluelight.returns.tests.conftest import good_row, xlsx_bytes


def counts():
    return Return.objects.count(), ReturnItem.objects.count(), ItemPartner.objects.count()


def test_a_valid_file_creates_the_return_and_its_items(import_file, surrey_police, summer, theme, cast):
    rows = [
        good_row(annual_savings_gbp="£12,000", savings_basis="realised", price_year="2025"),
        good_row(
            reference="A2",
            title="Shared drones",
            partners="Surrey FRS; SECAmb",
            status="planned",
            start_date="2027-04",
            external_funding_gbp="75k",
            lessons="Took a year to agree.",
        ),
    ]
    result = import_file(xlsx_bytes(rows), user=cast.editor_a)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 0)
    assert result.to_create == ["A1", "A2"]
    return_obj = Return.objects.get()
    assert (return_obj.round, return_obj.organisation) == (summer, surrey_police)
    assert return_obj.channel == Channel.SPREADSHEET and return_obj.state == ReturnState.DRAFT
    first = ReturnItem.objects.get(reference="A1")
    assert first.annual_savings_gbp == Decimal("12000") and first.savings_basis == "realised"
    assert first.price_year == 2025 and first.theme == theme("es_shared_hq") and first.row_number == 2
    assert first.raw["annual_savings_gbp"] == "£12,000"
    assert first.history.get().history_user == cast.editor_a
    second = ReturnItem.objects.get(reference="A2")
    assert second.status == "planned" and second.start_date == datetime.date(2027, 4, 1)
    assert second.external_funding_gbp == Decimal("75000") and second.lessons == "Took a year to agree."
    assert second.price_year == 2026  # the round's year: money was given without a price year
    typed = {p.organisation.slug: p.typed_as for p in second.partners.select_related("organisation")}
    assert typed == {"surrey_police": "", "surrey_frs": "Surrey FRS", "south_east_coast_as": "SECAmb"}


def test_nothing_is_written_when_any_row_is_bad(import_file):
    rows = [good_row(), good_row(reference="A2"), good_row(reference="A3", partners="Glouster Police")]
    result = import_file(xlsx_bytes(rows))
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(4, "partners")]
    assert (result.created, result.updated) == (0, 0)
    assert counts() == (0, 0, 0)


def test_a_dry_run_previews_and_writes_nothing(import_file):
    result = import_file(xlsx_bytes([good_row(), good_row(reference="A2")]), dry_run=True)
    assert result.ok and result.dry_run
    assert result.to_create == ["A1", "A2"] and result.created == 0
    assert counts() == (0, 0, 0)


def test_the_same_reference_updates_the_item_and_others_are_left_alone_and_reported(import_file):
    import_file(xlsx_bytes([good_row(), good_row(reference="A2", title="Keep me")]))
    item = ReturnItem.objects.get(reference="A1")
    result = import_file(
        xlsx_bytes(
            [
                good_row(title="Joint station at Epsom, phase 2", partners="Surrey FRS; SECAmb"),
                good_row(reference="A3", title="New one"),
            ]
        )
    )
    assert result.ok, result.errors
    assert (result.to_create, result.to_update, result.left_alone) == (["A3"], ["A1"], ["A2"])
    assert (result.created, result.updated) == (1, 1)
    item.refresh_from_db()
    assert item.title == "Joint station at Epsom, phase 2" and item.raw["title"] == item.title
    assert {p.organisation.slug for p in item.partners.all()} == {"surrey_police", "surrey_frs", "south_east_coast_as"}
    assert ReturnItem.objects.get(reference="A2").title == "Keep me"
    assert item.history.count() == 2
    assert "left as they are (A2)" in result.summary()


def test_importing_the_same_file_again_changes_nothing(import_file):
    content = xlsx_bytes([good_row(), good_row(reference="A2")])
    import_file(content)
    result = import_file(content)
    assert result.unchanged == ["A1", "A2"] and (result.created, result.updated) == (0, 0)
    assert ReturnItem.objects.get(reference="A1").history.count() == 1


def test_a_dry_run_against_an_existing_return_previews_updates(import_file):
    import_file(xlsx_bytes([good_row()]))
    result = import_file(xlsx_bytes([good_row(title="Changed"), good_row(reference="B1")]), dry_run=True)
    assert (result.to_create, result.to_update) == (["B1"], ["A1"])
    assert ReturnItem.objects.get().title == "Joint station at Epsom"


def test_a_submitted_return_is_refused(import_file, summer, surrey_police):
    Return.objects.create(round=summer, organisation=surrey_police, state=ReturnState.SUBMITTED)
    result = import_file(xlsx_bytes([good_row()]))
    assert not result.ok
    assert "this return has been submitted; ask an analyst to return it for changes" in result.errors[0].message
    assert ReturnItem.objects.count() == 0


def test_an_accepted_return_is_refused_too(import_file, summer, surrey_police):
    Return.objects.create(round=summer, organisation=surrey_police, state=ReturnState.ACCEPTED)
    assert not import_file(xlsx_bytes([good_row()]), dry_run=True).ok


def test_a_return_sent_back_for_changes_can_be_imported_again(import_file, summer, surrey_police):
    Return.objects.create(round=summer, organisation=surrey_police, state=ReturnState.RETURNED)
    assert import_file(xlsx_bytes([good_row()])).created == 1


def test_a_template_reference_links_the_item_to_the_known_collaboration(import_file, register):
    known = make_collaboration("surrey_police", "surrey_frs")
    other = make_collaboration("kent_police", "kent_frs", title="Not ours")
    result = import_file(xlsx_bytes([good_row(reference=f"C{known.pk}"), good_row(reference=f"C{other.pk}")]))
    assert result.ok
    assert ReturnItem.objects.get(reference=f"C{known.pk}").known_collaboration == known
    assert ReturnItem.objects.get(reference=f"C{known.pk}").action == ItemAction.UPDATE
    assert ReturnItem.objects.get(reference=f"C{other.pk}").known_collaboration is None


def test_the_result_json_carries_the_preview_and_the_errors(import_file):
    data = import_file(xlsx_bytes([good_row(title="")])).as_json()
    assert data["ok"] is False
    assert data["errors"] == [{"row": 2, "column": "title", "value": "", "message": "title is required: fill it in"}]
    data = import_file(xlsx_bytes([good_row()])).as_json()
    assert data["ok"] is True and data["created"] == 1 and data["to_create"] == ["A1"]
