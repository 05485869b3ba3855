"""A mistyped or forged id in an admin address or form is a 404 or a form error, never a 500 (found by the fuzz
test, bluelight/core/tests/test_fuzz.py). The fixes are in accounts/admin_base.py, so every admin has them."""

import pytest

HUGE = "99999999999999999999"  # an integer past any id column's range


@pytest.fixture
def surrey(org):
    return org("surrey_police")


@pytest.mark.parametrize(
    "tail",
    ["abc/history/1/", "{pk}/history/abc/", "{pk}/history/%C3%A9/", "{pk}/history/" + "9" * 5000 + "/"],
    ids=["record abc", "version abc", "version é", "version of 5,000 digits"],
)
def test_a_history_version_address_naming_no_version_is_a_404(client, cast, surrey, tail):
    client.force_login(cast.analyst)
    url = "/admin/organisations/organisation/" + tail.format(pk=surrey.pk)
    assert client.get(url).status_code == 404


def test_an_editor_asking_for_a_history_version_is_refused_before_the_id_is_read(client, cast, surrey):
    client.force_login(cast.editor_a)
    assert client.get("/admin/organisations/organisation/abc/history/abc/").status_code == 403


def test_a_history_version_page_still_shows_a_real_version(client, cast, surrey):
    client.force_login(cast.analyst)
    version = surrey.history.first()
    response = client.get(f"/admin/organisations/organisation/{surrey.pk}/history/{version.history_id}/")
    assert response.status_code == 200


@pytest.mark.parametrize("successor", ["abc", HUGE, "-1"])
def test_an_autocomplete_field_given_no_id_is_a_form_error(client, cast, surrey, successor):
    client.force_login(cast.analyst)
    data = {"name": surrey.name, "successor": successor, "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"}
    response = client.post(f"/admin/organisations/organisation/{surrey.pk}/change/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    surrey.refresh_from_db()
    assert surrey.successor is None


def test_an_inline_autocomplete_field_given_no_id_is_a_form_error(client, cast, surrey):
    client.force_login(cast.analyst)
    data = {
        "name": surrey.name,
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-0-name": "SP",
        "aliases-0-reporter": "abc",
    }
    response = client.post(f"/admin/organisations/organisation/{surrey.pk}/change/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("organisations", [[HUGE], ["abc"], ["1", HUGE]])
def test_a_choice_of_records_past_the_id_range_is_a_form_error(client, cast, organisations):
    client.force_login(cast.admin)
    editor = cast.editor_a
    data = {"username": editor.username, "role": editor.role, "organisations": organisations}
    response = client.post(f"/admin/accounts/user/{editor.pk}/change/", data)
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert list(editor.organisations.values_list("slug", flat=True)) == ["surrey_police"]


@pytest.mark.parametrize(
    ("path", "term", "found"),
    [("/admin/organisations/organisation/", "Surrey", 2), ("/admin/accounts/user/", "editor_a", 1)],
)
def test_a_search_too_long_for_any_record_finds_nothing_rather_than_failing(client, cast, path, term, found):
    client.force_login(cast.admin)
    response = client.get(path, {"q": "x" * 100_000})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert client.get(path, {"q": term}).context["cl"].result_count >= found  # a search of a usual length runs
