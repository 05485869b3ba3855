"""Where a record comes from is shown on its public page without naming the user who entered it."""

import pytest
from django.urls import reverse

from bluelight.accounts.models import Role
from bluelight.collaborations import rules
from bluelight.collaborations.models import SourceKind, Theme
from bluelight.collaborations.services import collaboration_create
from bluelight.organisations.models import Organisation

OLD_LABEL = "Entered in the admin by {username}"  # as the admin wrote it before issue 18; such rows remain


def entered_by(user, *, reported_by=None):
    """A published record entered in the admin by `user`, with the label that named them."""
    data = rules.CollaborationData(
        title="Joint station at Epsom",
        partners=[
            rules.PartnerData(Organisation.objects.get(slug="surrey_police"), is_lead=True),
            rules.PartnerData(Organisation.objects.get(slug="surrey_frs")),
        ],
        publication="published",
        primary_theme=Theme.objects.get(code="es_joint_facilities"),
    )
    return collaboration_create(
        data=data,
        source_kind=SourceKind.ENTRY,
        source_label=OLD_LABEL.format(username=user.get_username()),
        reported_by=reported_by,
        user=user,
    )


@pytest.fixture
def surrey_editor(register, django_user_model):
    user = django_user_model.objects.create_user("editor.surrey", password="pw", role=Role.EDITOR, is_staff=True)
    user.organisations.add(Organisation.objects.get(slug="surrey_police"))
    return user


def page(client, collaboration) -> str:
    response = client.get(reverse("explorer:collaboration_detail", args=[collaboration.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_never_shows_the_username_of_whoever_entered_the_record(client, surrey_editor):
    collaboration = entered_by(surrey_editor)

    html = page(client, collaboration)

    assert "editor.surrey" not in html
    assert "Entered in the admin by Surrey Police" in html


def test_a_record_entered_by_an_analyst_says_so_without_a_name(client, cast):
    collaboration = entered_by(cast.analyst)

    html = page(client, collaboration)

    assert "Entered in the admin by analyst" not in html
    assert "Entered in the admin by an analyst" in html


def test_a_record_entered_by_an_administrator_says_so_beside_who_reported_it(client, cast, org):
    collaboration = entered_by(cast.admin, reported_by=org("surrey_frs"))

    html = page(client, collaboration)

    assert "Entered in the admin by admin " not in html
    assert "Entered in the admin by an administrator (reported by Surrey Fire and Rescue Service)" in html


def test_editors_see_no_username_either(client, cast, surrey_editor):
    collaboration = entered_by(surrey_editor)
    client.force_login(cast.editor_a)  # an editor of a partner: sees contacts, but not history

    assert "editor.surrey" not in page(client, collaboration)


def test_analysts_see_the_label_as_stored_beside_the_change_history(client, cast, surrey_editor):
    collaboration = entered_by(surrey_editor)
    client.force_login(cast.analyst)

    html = page(client, collaboration)

    assert "Entered in the admin by editor.surrey" in html
    assert 'data-testid="history"' in html


def test_the_change_history_and_its_usernames_are_not_shown_to_the_public(client, surrey_editor):
    collaboration = entered_by(surrey_editor)

    html = page(client, collaboration)

    assert 'data-testid="history"' not in html
    assert "Changed by" not in html
