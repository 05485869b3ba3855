"""A collaboration says which language its text is written in: edited in the admin, kept in the history, and
used by the pages to mark the record's text with its own `lang`."""

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.selectors import collaboration_history
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.collaborations.tests.test_admin import COLLABORATIONS, form_data


def test_a_new_record_is_taken_to_be_written_in_english(cast):
    assert make_collaboration("surrey_police", "surrey_frs").language == "en"


def test_an_editor_sets_the_language_of_the_text_in_the_admin_and_the_history_keeps_it(client, cast):
    record = make_collaboration("surrey_police", "surrey_frs", title="Gorsaf ar y cyd yn Epsom", publication="draft")
    client.force_login(cast.editor_a)
    page = client.get(f"{COLLABORATIONS}{record.pk}/change/")
    assert 'name="language"' in page.content.decode()
    data = form_data(page)
    assert data["language"] == "en"

    data["language"] = "cy"
    response = client.post(f"{COLLABORATIONS}{record.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.language == "cy"
    assert record.version == 2
    assert record.history.latest().language == "cy"
    assert record.history.earliest().language == "en"
    newest = collaboration_history(record, user=cast.editor_a)[0]
    label = str(Collaboration._meta.get_field("language").verbose_name)
    assert [(c.field, c.old, c.new) for c in newest.changes if c.field == label] == [(label, "English", "Cymraeg")]


def test_a_language_the_service_does_not_offer_is_refused_naming_the_field(client, cast):
    record = make_collaboration("surrey_police", "surrey_frs", publication="draft")
    client.force_login(cast.editor_a)
    data = form_data(client.get(f"{COLLABORATIONS}{record.pk}/change/"))
    data["language"] = "fr"

    response = client.post(f"{COLLABORATIONS}{record.pk}/change/", data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    record.refresh_from_db()
    assert (record.language, record.version) == ("en", 1)
