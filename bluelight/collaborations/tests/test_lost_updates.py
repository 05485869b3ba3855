"""No lost updates: of two saves based on one version of a record, the second is refused and can be re-applied."""

import pytest
from django.test import Client
from django.utils.html import escape

from bluelight.collaborations import rules
from bluelight.collaborations.models import Benefit, Collaboration
from bluelight.collaborations.services import collaboration_data_from, collaboration_publish, collaboration_update
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.collaborations.tests.test_admin import COLLABORATIONS, benefit, form_data, form_errors
from bluelight.core.versions import StaleVersion

REFUSED = "Your changes have not been saved."


@pytest.fixture
def surrey(cast):
    """A draft between Surrey Police (editor A's organisation) and Surrey Fire and Rescue Service."""
    return make_collaboration(
        "surrey_police", "surrey_frs", title="Surrey joint estates", description="Two stations", publication="draft"
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened(client, record) -> tuple[str, dict]:
    """The change page as this client's browser holds it: its address and the values it would submit."""
    url = f"{COLLABORATIONS}{record.pk}/change/"
    return url, form_data(client.get(url))


def with_benefit(data: dict, amount: str, accrues_to=None) -> dict:
    index = int(data["benefits-TOTAL_FORMS"])
    data["benefits-TOTAL_FORMS"] = str(index + 1)
    data.update({f"benefits-{index}-{key}": value for key, value in benefit(amount, accrues_to).items()})
    return data


# Through the admin, with two browsers --------------------------------------------------------


def test_the_second_of_two_saves_is_refused_naming_the_first_change_and_nothing_is_overwritten(cast, surrey):
    analyst, editor = signed_in(cast.analyst), signed_in(cast.editor_a)
    url, page_a = opened(analyst, surrey)
    _url, page_b = opened(editor, surrey)
    assert page_a["version"] == page_b["version"] == "1"

    page_a["title"] = "Surrey joint estates, phase 2"
    assert analyst.post(url, page_a).status_code == 302
    page_b["description"] = "Two stations and a shared workshop"
    response = editor.post(url, page_b)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this record at" in page and "(by another user) after you opened it." in page
    assert REFUSED in page
    assert escape("title: Surrey joint estates → Surrey joint estates, phase 2") in page
    assert "analyst" not in page.split(REFUSED)[0].split("errornote")[-1]  # an editor is not told who
    surrey.refresh_from_db()
    assert (surrey.title, surrey.description, surrey.version) == ("Surrey joint estates, phase 2", "Two stations", 2)


def test_the_refused_page_holds_both_changes_so_saving_again_applies_the_second_without_undoing_the_first(cast, surrey):
    analyst, editor = signed_in(cast.analyst), signed_in(cast.editor_a)
    url, page_a = opened(analyst, surrey)
    _url, page_b = opened(editor, surrey)
    page_a["title"] = "Surrey joint estates, phase 2"
    analyst.post(url, page_a)
    page_b["description"] = "Two stations and a shared workshop"
    refused = editor.post(url, page_b)

    again = form_data(refused)
    assert (again["title"], again["description"], again["version"]) == (
        "Surrey joint estates, phase 2",
        "Two stations and a shared workshop",
        "2",
    )
    response = editor.post(url, again)
    assert response.status_code == 302, form_errors(response)
    surrey.refresh_from_db()
    assert (surrey.title, surrey.description, surrey.version) == (
        "Surrey joint estates, phase 2",
        "Two stations and a shared workshop",
        3,
    )


def test_an_analyst_is_told_who_saved_first(cast, surrey):
    editor, analyst = signed_in(cast.editor_a), signed_in(cast.analyst)
    url, page_a = opened(editor, surrey)
    _url, page_b = opened(analyst, surrey)
    page_a["title"] = "Surrey joint estates, phase 2"
    editor.post(url, page_a)
    page_b["lessons"] = "Agree the lease terms first"
    page = analyst.post(url, page_b).content.decode()
    assert "(by editor_a) after you opened it." in page


def test_a_change_to_a_part_only_makes_an_older_page_stale_and_re_applying_keeps_it(cast, surrey, org):
    analyst, other_analyst = signed_in(cast.analyst), signed_in(cast.admin)
    url, page_a = opened(analyst, surrey)
    _url, page_b = opened(other_analyst, surrey)
    response = analyst.post(url, with_benefit(page_a, "5000", accrues_to=org("surrey_frs")))
    assert response.status_code == 302, form_errors(response)

    page_b["title"] = "Surrey estates"
    refused = other_analyst.post(url, page_b)
    page = refused.content.decode()
    assert refused.status_code == 200 and REFUSED in page
    assert escape("Financial benefit “Annual recurring saving: £5,000” added") in page
    surrey.refresh_from_db()
    assert surrey.title == "Surrey joint estates" and surrey.benefits.count() == 1

    response = other_analyst.post(url, form_data(refused))
    assert response.status_code == 302, form_errors(response)
    surrey.refresh_from_db()
    assert surrey.title == "Surrey estates"
    assert [(b.amount_gbp, b.accrues_to.slug) for b in surrey.benefits.all()] == [(5000, "surrey_frs")]


def test_rows_both_people_added_are_both_kept(cast, surrey, org):
    analyst, other_analyst = signed_in(cast.analyst), signed_in(cast.admin)
    url, page_a = opened(analyst, surrey)
    _url, page_b = opened(other_analyst, surrey)
    analyst.post(url, with_benefit(page_a, "5000"))
    refused = other_analyst.post(url, with_benefit(page_b, "7000"))
    assert REFUSED in refused.content.decode()
    assert other_analyst.post(url, form_data(refused)).status_code == 302
    assert sorted(b.amount_gbp for b in Benefit.objects.filter(collaboration=surrey)) == [5000, 7000]


def test_where_both_changed_the_same_field_the_page_keeps_mine_and_lists_theirs(cast, surrey):
    analyst, editor = signed_in(cast.analyst), signed_in(cast.editor_a)
    url, page_a = opened(analyst, surrey)
    _url, page_b = opened(editor, surrey)
    page_a["title"] = "Their title"
    analyst.post(url, page_a)
    page_b["title"] = "My title"
    refused = editor.post(url, page_b)
    assert escape("title: Surrey joint estates → Their title") in refused.content.decode()
    assert form_data(refused)["title"] == "My title"
    surrey.refresh_from_db()
    assert surrey.title == "Their title"


def test_a_save_in_another_tab_by_the_same_person_is_named_as_theirs(cast, surrey):
    tab_1, tab_2 = signed_in(cast.analyst), signed_in(cast.analyst)
    url, page_1 = opened(tab_1, surrey)
    _url, page_2 = opened(tab_2, surrey)
    page_1["title"] = "Surrey joint estates, phase 2"
    tab_1.post(url, page_1)
    page_2["description"] = "Changed elsewhere"
    assert "You saved this record at" in tab_2.post(url, page_2).content.decode()


def test_publishing_from_the_list_makes_an_open_page_stale(cast, surrey):
    analyst, editor = signed_in(cast.analyst), signed_in(cast.editor_a)
    url, page_b = opened(editor, surrey)
    analyst.post(COLLABORATIONS, {"action": "publish_selected", "_selected_action": [surrey.pk]})
    page_b["title"] = "Renamed"
    refused = editor.post(url, page_b)
    assert escape("publication: Draft (not public) → Published") in refused.content.decode()
    surrey.refresh_from_db()
    assert (surrey.title, surrey.publication) == ("Surrey joint estates", "published")


def test_a_page_without_its_version_is_refused_and_writes_nothing(cast, surrey):
    analyst = signed_in(cast.analyst)
    url, page = opened(analyst, surrey)
    for version in (None, "abc", "0"):
        if version is None:
            del page["version"]
        else:
            page["version"] = version
        page["title"] = "Unversioned"
        response = analyst.post(url, page)
        assert response.status_code == 200
        assert "did not say which version" in response.content.decode()
    surrey.refresh_from_db()
    assert (surrey.title, surrey.version) == ("Surrey joint estates", 1)


def test_the_add_page_needs_no_version(cast):
    page = signed_in(cast.analyst).get(COLLABORATIONS + "add/").content.decode()
    assert 'name="version"' not in page


def test_an_unchanged_save_keeps_the_version(cast, surrey):
    analyst = signed_in(cast.analyst)
    url, page = opened(analyst, surrey)
    assert analyst.post(url, page).status_code == 302
    assert analyst.post(url, page).status_code == 302  # the same page again: nothing changed, still current
    surrey.refresh_from_db()
    assert surrey.version == 1


# The service -----------------------------------------------------------------------------------


def test_update_based_on_an_older_version_raises_stale_version_and_writes_nothing(cast, surrey):
    first = collaboration_data_from(surrey)
    first.title = "Surrey joint estates, phase 2"
    collaboration_update(collaboration=surrey, data=first, user=cast.analyst, expected_version=1)
    second = collaboration_data_from(surrey)
    second.title, second.description = "Surrey joint estates", "Rewritten"
    history = Collaboration.history.count()
    with pytest.raises(StaleVersion) as refused:
        collaboration_update(collaboration=surrey, data=second, user=cast.editor_a, expected_version=1)
    assert (refused.value.expected, refused.value.current, refused.value.who) == (1, 2, cast.analyst)
    assert refused.value.changes == ["title: Surrey joint estates → Surrey joint estates, phase 2"]
    assert Collaboration.history.count() == history
    surrey.refresh_from_db()
    assert (surrey.title, surrey.description, surrey.version) == ("Surrey joint estates, phase 2", "Two stations", 2)


def test_every_real_change_moves_the_version_once_and_an_unchanged_save_does_not(cast, surrey, org):
    collaboration_update(collaboration=surrey, data=collaboration_data_from(surrey))
    surrey.refresh_from_db()
    assert surrey.version == 1
    data = collaboration_data_from(surrey)
    data.benefits = [saving("1000")]
    collaboration_update(collaboration=surrey, data=data, expected_version=1)  # a part only
    surrey.refresh_from_db()
    assert surrey.version == 2
    data.partners.append(rules.PartnerData(org("kent_police")))
    data.title = "Surrey and Kent"
    collaboration_update(collaboration=surrey, data=data, expected_version=2)  # the record and a part: one version
    surrey.refresh_from_db()
    assert surrey.version == 3
    collaboration_publish(collaboration=surrey)
    surrey.refresh_from_db()
    assert surrey.version == 4


def test_the_refusal_message_says_when_and_hides_the_name_from_editors(cast, surrey):
    first = collaboration_data_from(surrey)
    first.title = "Renamed"
    collaboration_update(collaboration=surrey, data=first, user=cast.analyst)
    with pytest.raises(StaleVersion) as refused:
        collaboration_update(collaboration=surrey, data=first, expected_version=1, user=cast.editor_a)
    to_editor = refused.value.message(viewer=cast.editor_a, show_who=False)
    to_analyst = refused.value.message(viewer=cast.admin, show_who=True)
    assert "(by another user)" in to_editor and "analyst" not in to_editor
    assert "(by analyst)" in to_analyst
    assert " on " in to_editor and "Check their changes, then save again to apply yours." in to_editor
