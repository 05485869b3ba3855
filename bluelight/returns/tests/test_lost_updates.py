"""No lost updates in the online return: a save, removal or submission based on an older page is refused."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from bluelight.accounts.models import Role
from bluelight.returns.models import Return, ReturnItem, ReturnState
from bluelight.returns.tests.conftest import good_row, south_east_round, xlsx_bytes
from bluelight.returns.tests.test_return_pages import item_post, overview_url


@pytest.fixture
def round_(cast):
    return south_east_round("Lost updates round")


@pytest.fixture
def colleague(cast, django_user_model, org):
    """A second editor of Surrey Police, named so that no other name on the page contains it."""
    user = django_user_model.objects.create_user("pat_colleague", "pat@example.org", "pw", role=Role.EDITOR)
    user.organisations.add(org("surrey_police"))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def item(cast, round_):
    """Surrey Police's return with one item, added online by editor A."""
    client = signed_in(cast.editor_a)
    client.post(overview_url(round_), {"action": "start"})
    assert (
        client.post(reverse("returns:item_create", args=[round_.pk, "surrey_police"]), item_post()).status_code == 302
    )
    return ReturnItem.objects.get(title="Joint station at Epsom")


def edit_url(round_, item):
    return reverse("returns:item_edit", args=[round_.pk, "surrey_police", item.pk])


def shown_version(html: str, action: str | None = None) -> str:
    """The hidden version a page holds (in the form posting to `action`, if given)."""
    if action is not None:
        html = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def refusal(response) -> str:
    return response.content.decode().split("There is a problem", 1)[1].split("</ul>\n    </div>", 1)[0]


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_save_from_an_older_page_is_refused_and_shown_again_with_both_changes(cast, colleague, round_, item):
    a, b = signed_in(cast.editor_a), signed_in(colleague)
    version_a = shown_version(a.get(edit_url(round_, item)).content.decode())
    version_b = shown_version(b.get(edit_url(round_, item)).content.decode())
    assert version_a == version_b == str(item.version)

    assert a.post(edit_url(round_, item), item_post(description="A's new words.", version=version_a)).status_code == 302
    response = b.post(edit_url(round_, item), item_post(title="B's better title", version=version_b))

    assert response.status_code == 409
    stored = ReturnItem.objects.get(pk=item.pk)
    assert stored.description == "A's new words." and stored.title == "Joint station at Epsom"
    assert stored.version == item.version + 1
    said = refusal(response)
    assert "Your changes have not been saved" in said and "A&#x27;s new words." in said
    assert "<li>Description: " in said  # the field's label, not its code
    shown = response.context["form"].initial
    assert shown["title"] == "B's better title" and shown["description"] == "A's new words."
    assert shown_version(response.content.decode()) == str(stored.version)

    again = b.post(edit_url(round_, item), {**shown, "version": shown["version"]})
    assert again.status_code == 302
    stored = ReturnItem.objects.get(pk=item.pk)
    assert (stored.title, stored.description) == ("B's better title", "A's new words.")
    assert stored.version == item.version + 2


def test_saving_the_same_values_writes_no_new_version(cast, round_, item):
    a = signed_in(cast.editor_a)
    return_version = Return.objects.get().version
    assert a.post(edit_url(round_, item), item_post(version=item.version)).status_code == 302
    assert ReturnItem.objects.get(pk=item.pk).version == item.version
    assert Return.objects.get().version == return_version


def test_an_editor_reads_another_user_and_an_analyst_reads_who(cast, colleague, round_, item):
    a, b, analyst = signed_in(cast.editor_a), signed_in(colleague), signed_in(cast.analyst)
    assert (
        a.post(edit_url(round_, item), item_post(description="Changed by A.", version=item.version)).status_code == 302
    )

    said_to_editor = refusal(b.post(edit_url(round_, item), item_post(title="From B", version=item.version)))
    assert "another user" in said_to_editor and "editor_a" not in said_to_editor

    said_to_analyst = refusal(analyst.post(edit_url(round_, item), item_post(title="From C", version=item.version)))
    assert "editor_a" in said_to_analyst and "another user" not in said_to_analyst


def test_a_missing_or_garbled_version_is_refused_not_saved(cast, round_, item):
    a = signed_in(cast.editor_a)
    for version in ("", "abc", "-1"):
        response = a.post(edit_url(round_, item), item_post(title="Blind save", version=version))
        assert response.status_code == 400
        assert "did not say which version" in response.content.decode()
    assert ReturnItem.objects.get(pk=item.pk).title == "Joint station at Epsom"

    remove = reverse("returns:item_remove", args=[round_.pk, "surrey_police", item.pk])
    assert "did not say which version" in messages_of(a.post(remove, {"version": "x"}, follow=True))
    submit = reverse("returns:return_submit", args=[round_.pk, "surrey_police"])
    assert "did not say which version" in messages_of(a.post(submit, {}, follow=True))
    assert ReturnItem.objects.filter(pk=item.pk).exists() and Return.objects.get().state == ReturnState.DRAFT


def test_a_new_item_has_no_version_to_check(cast, round_, item):
    a = signed_in(cast.editor_a)
    response = a.post(reverse("returns:item_create", args=[round_.pk, "surrey_police"]), item_post(title="Another"))
    assert response.status_code == 302 and ReturnItem.objects.filter(title="Another").exists()


def test_removing_an_item_changed_since_the_page_was_shown_is_refused(cast, colleague, round_, item):
    a, b = signed_in(cast.editor_a), signed_in(colleague)
    remove = reverse("returns:item_remove", args=[round_.pk, "surrey_police", item.pk])
    shown_to_b = shown_version(b.get(remove).content.decode(), remove)  # the confirmation page's form
    assert (
        a.post(edit_url(round_, item), item_post(description="Still wanted.", version=item.version)).status_code == 302
    )

    said = messages_of(b.post(remove, {"version": shown_to_b}, follow=True))
    assert "nothing was removed" in said and "Still wanted." in said and "another user" in said
    assert ReturnItem.objects.filter(pk=item.pk).exists()

    current = shown_version(b.get(remove).content.decode(), remove)
    assert "Removed" in messages_of(b.post(remove, {"version": current}, follow=True))
    assert not ReturnItem.objects.filter(pk=item.pk).exists()


def test_submitting_a_return_changed_since_the_page_was_shown_is_refused(cast, colleague, round_, item):
    a, b = signed_in(cast.editor_a), signed_in(colleague)
    submit = reverse("returns:return_submit", args=[round_.pk, "surrey_police"])
    shown_to_b = shown_version(b.get(submit).content.decode(), submit)  # check your answers, before sending
    create = reverse("returns:item_create", args=[round_.pk, "surrey_police"])
    assert a.post(create, item_post(title="Added by A just now")).status_code == 302

    said = messages_of(b.post(submit, {"version": shown_to_b}, follow=True))
    assert "The return changed after you opened it" in said and "check it and submit again" in said
    assert "Added by A just now" in said
    assert Return.objects.get().state == ReturnState.DRAFT

    current = shown_version(b.get(submit).content.decode(), submit)
    b.post(submit, {"version": current})
    assert Return.objects.get().state == ReturnState.SUBMITTED


def test_an_import_moves_the_return_on_once_and_refuses_forms_opened_before_it(cast, round_, item, org):
    a = signed_in(cast.editor_a)
    return_obj = Return.objects.get()
    from bluelight.returns.imports import return_import

    rows = [good_row(reference=f"X{n}", title=f"Imported {n}") for n in range(1, 4)]
    rows.append(good_row(reference=item.reference, title="Renamed by the spreadsheet"))
    result = return_import(
        round=round_, organisation=org("surrey_police"), content=xlsx_bytes(rows), filename="r.xlsx", user=cast.editor_a
    )
    assert result.ok, result.errors
    assert Return.objects.get().version == return_obj.version + 1
    assert ReturnItem.objects.get(pk=item.pk).version == item.version + 1

    response = a.post(edit_url(round_, item), item_post(description="Typed before the import", version=item.version))
    assert response.status_code == 409
    assert ReturnItem.objects.get(pk=item.pk).title == "Renamed by the spreadsheet"
