"""The duty record in the admin: read-only, each user seeing the records the policy lets them read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bluelight.insights.duty import duty_document_add
from bluelight.insights.tests.duty_world import opportunity_make

pytestmark = pytest.mark.django_db

LIST = "/admin/insights/dutyopportunity/"


def test_the_admin_lists_an_editors_own_records_and_an_analysts_all_and_changes_none(client, cast):
    surrey = opportunity_make()
    pdf = SimpleUploadedFile("case.pdf", b"%PDF-1.4 case", "application/pdf")
    document = duty_document_add(opportunity=surrey, title="Business case", document=pdf)
    kent = opportunity_make("kent_frs", title="Kent estates", partners=("kent_police",))
    client.force_login(cast.editor_a)
    page = client.get(LIST).content.decode()
    assert "Shared station at Reigate" in page and "Kent estates" not in page
    own = client.get(f"{LIST}{surrey.pk}/change/")
    assert own.status_code == 200 and "Surrey Fire and Rescue Service" in own.content.decode()
    assert f'href="/organisations/surrey_police/duty/documents/{document.pk}.pdf"' in own.content.decode()
    assert document.document.url not in own.content.decode()
    assert client.get(f"{LIST}{kent.pk}/change/").status_code == 302  # "does not exist", as for any missing row
    assert client.post(f"{LIST}{surrey.pk}/change/", {"title": "Changed"}).status_code == 403
    assert client.get(f"{LIST}add/").status_code == 403
    client.force_login(cast.analyst)
    page = client.get(LIST).content.decode()
    assert "Shared station at Reigate" in page and "Kent estates" in page
    assert client.get(f"{LIST}{surrey.pk}/delete/").status_code == 403
    surrey.refresh_from_db()
    assert surrey.title == "Shared station at Reigate"
