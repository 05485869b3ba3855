"""Evidence items: analysts record them in a GOV.UK form through the services; the evaluated collaboration
is one of its linked ones; uploads are PDFs only, served while the item is published."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bluelight.collaborations.models import EvidenceItem
from bluelight.collaborations.services import EvidenceItemData, evidence_item_create, evidence_item_update
from bluelight.collaborations.tests.factories import make_collaboration

NEW = reverse("explorer:evidence_create")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def form_data(**overrides) -> dict:
    data = {
        "title": "Evaluation of the Epsom joint station",
        "kind": "evaluation",
        "author": "University of Surrey",
        "month": "4",
        "year": "2018",
        "url": "",
        "method": "Response times before and after, against two similar stations.",
        "strength": "3",
        "strength_reason": "Compared with two similar stations that did not share.",
        "summary": "Response times fell by a minute.",
        "collaborations": "",
        "evaluated": "",
        "publication": "published",
    }
    data.update(overrides)
    return data


# The service


def test_evidence_item_create_links_collaborations_and_names_the_one_evaluated(register, theme):
    epsom = make_collaboration(title="Epsom station")
    woking = make_collaboration(title="Woking station")

    item = evidence_item_create(
        data=EvidenceItemData(
            title="Two stations",
            strength=3,
            strength_reason="Comparison group",
            collaborations=[epsom, woking],
            themes=[theme("es_joint_facilities")],
            evaluated=woking,
        )
    )

    item.refresh_from_db()
    assert set(item.collaborations.all()) == {epsom, woking}
    assert item.evaluated == woking
    assert list(item.themes.values_list("code", flat=True)) == ["es_joint_facilities"]


def test_evaluated_must_be_one_of_the_linked_collaborations(register):
    epsom = make_collaboration(title="Epsom station")
    other = make_collaboration(title="Elsewhere")

    with pytest.raises(ValidationError) as caught:
        evidence_item_create(
            data=EvidenceItemData(
                title="One station",
                strength=2,
                strength_reason="Before and after",
                collaborations=[epsom],
                evaluated=other,
            )
        )

    assert "evaluated" in caught.value.message_dict
    assert not EvidenceItem.objects.exists()


def test_a_rating_needs_its_reason(register):
    with pytest.raises(ValidationError) as caught:
        evidence_item_create(data=EvidenceItemData(title="Claim", strength=0, strength_reason="  "))

    assert "strength_reason" in caught.value.message_dict


def test_evidence_item_update_changes_links_and_keeps_history(register):
    epsom = make_collaboration(title="Epsom station")
    item = evidence_item_create(data=EvidenceItemData(title="Draft", strength=1, strength_reason="One point in time"))

    evidence_item_update(
        item=item,
        data=EvidenceItemData(title="Final", strength=2, strength_reason="Before and after", collaborations=[epsom]),
    )

    item.refresh_from_db()
    assert item.title == "Final"
    assert list(item.collaborations.all()) == [epsom]
    assert item.history.earliest().title == "Draft"
    assert item.history.latest().title == "Final"


# Who may use the form


def test_anonymous_is_sent_to_sign_in(client, register):
    response = client.get(NEW)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_editor_cannot_record_evidence(client, cast):
    client.force_login(cast.editor_a)

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    assert not EvidenceItem.objects.exists()


def test_editor_cannot_change_evidence(client, cast):
    item = EvidenceItem.objects.create(title="Audit", strength_reason="x")
    client.force_login(cast.editor_a)

    response = client.post(reverse("explorer:evidence_edit", args=[item.pk]), form_data(title="Changed"))

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Audit"


def test_analyst_records_evidence_through_the_form(client, cast, theme):
    epsom = make_collaboration(title="Epsom station")
    woking = make_collaboration(title="Woking station")
    client.force_login(cast.analyst)

    response = client.post(
        NEW,
        form_data(
            collaborations=f"{epsom.pk}, {woking.pk}",
            evaluated=str(epsom.pk),
            themes=[theme("es_joint_facilities").pk],
        ),
    )

    item = EvidenceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("explorer:evidence_detail", args=[item.pk])
    assert item.evaluated == epsom
    assert set(item.collaborations.all()) == {epsom, woking}
    assert (item.month, item.year, item.strength) == (4, 2018, 3)
    assert item.history.first().history_user == cast.analyst


def test_analyst_changes_evidence_through_the_form(client, cast):
    epsom = make_collaboration(title="Epsom station")
    item = EvidenceItem.objects.create(title="Audit", strength_reason="x")
    client.force_login(cast.analyst)
    page = client.get(reverse("explorer:evidence_edit", args=[item.pk]))
    assert 'value="Audit"' in page.content.decode()

    client.post(
        reverse("explorer:evidence_edit", args=[item.pk]), form_data(title="Audit 2", collaborations=str(epsom.pk))
    )

    item.refresh_from_db()
    assert item.title == "Audit 2"
    assert list(item.collaborations.all()) == [epsom]


def test_the_form_refuses_an_evaluated_collaboration_it_is_not_about(client, cast):
    epsom = make_collaboration(title="Epsom station")
    other = make_collaboration(title="Elsewhere")
    client.force_login(cast.analyst)

    response = client.post(NEW, form_data(collaborations=str(epsom.pk), evaluated=str(other.pk)))

    assert response.status_code == 200
    html = response.content.decode()
    assert "The collaboration it evaluated must be one of the collaborations it is about." in html
    assert 'href="#id_evaluated"' in html
    assert not EvidenceItem.objects.exists()


def test_the_form_refuses_unknown_record_numbers(client, cast):
    client.force_login(cast.analyst)

    response = client.post(NEW, form_data(collaborations="99999, abc"))

    assert "Enter record numbers only" in response.content.decode()
    assert not EvidenceItem.objects.exists()


# Uploaded documents


def test_pdf_upload_refuses_a_file_that_is_not_a_pdf(client, cast):
    client.force_login(cast.analyst)
    fake = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>", content_type="application/pdf")

    response = client.post(NEW, {**form_data(), "document": fake})

    assert response.status_code == 200
    assert "The document must be a PDF file" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_pdf_upload_refuses_another_extension(client, cast):
    client.force_login(cast.analyst)
    sheet = SimpleUploadedFile("report.xlsx", PDF, content_type="application/pdf")

    response = client.post(NEW, {**form_data(), "document": sheet})

    assert "The document must be a PDF file (ending .pdf)." in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_pdf_upload_refuses_a_file_too_large(client, cast, monkeypatch):
    monkeypatch.setattr("bluelight.collaborations.models.EVIDENCE_PDF_MAX_BYTES", 10)
    client.force_login(cast.analyst)

    response = client.post(NEW, {**form_data(), "document": SimpleUploadedFile("r.pdf", PDF)})

    assert "The document must be smaller than" in response.content.decode()


def test_a_pdf_is_stored_under_media_evidence_and_served_only_while_published(client, cast, settings):
    client.force_login(cast.analyst)
    client.post(NEW, {**form_data(), "document": SimpleUploadedFile("My Report.pdf", PDF)})
    item = EvidenceItem.objects.get()
    stored = settings.MEDIA_ROOT / item.document.name
    assert item.document.name.startswith("evidence/") and item.document.name.endswith(".pdf")
    assert "My Report" not in item.document.name
    assert stored.read_bytes() == PDF
    client.logout()
    url = reverse("explorer:evidence_document", args=[item.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF

    item.publication = "draft"
    item.save()
    assert client.get(url).status_code == 404
    assert client.get(reverse("explorer:evidence_detail", args=[item.pk])).status_code == 404
    client.force_login(cast.analyst)
    assert client.get(url).status_code == 200


def test_replacing_the_document_removes_the_old_file(client, cast, settings):
    client.force_login(cast.analyst)
    client.post(NEW, {**form_data(), "document": SimpleUploadedFile("a.pdf", PDF)})
    item = EvidenceItem.objects.get()
    first = settings.MEDIA_ROOT / item.document.name

    client.post(
        reverse("explorer:evidence_edit", args=[item.pk]), {**form_data(), "document": SimpleUploadedFile("b.pdf", PDF)}
    )

    item.refresh_from_db()
    assert not first.exists()
    assert (settings.MEDIA_ROOT / item.document.name).exists()
