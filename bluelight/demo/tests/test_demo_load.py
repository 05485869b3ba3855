"""`demo_load`: the demo world in the database, through every rule, with demo users; loaded once."""

from django.urls import reverse

from bluelight.accounts.models import Role, User
from bluelight.collaborations.models import Collaboration, EvidenceItem, Provenance, Theme
from bluelight.demo.services import (
    DEMO_PASSWORD,
    demo_keys,
    demo_load,
    demo_login_lines,
    demo_users_credentials,
)
from bluelight.demo.world import world_build


def test_demo_load_creates_150_published_and_draft_records_evidence_and_a_user_of_each_role(register, client):
    summary = demo_load()

    records = Collaboration.objects.all()
    assert records.count() == summary.collaborations == 150
    assert not records.filter(is_demo=False).exists() and not records.filter(services="").exists()
    assert summary.published + summary.draft == 150
    assert records.published().count() == summary.published > 120
    assert records.filter(publication="draft").count() == summary.draft > 5
    assert set(Provenance.objects.values_list("kind", flat=True)) == {"demo"}

    evidence = EvidenceItem.objects.filter(is_demo=True)
    assert evidence.count() == summary.evidence == 15
    assert evidence.filter(collaborations__isnull=False).distinct().count() >= 10
    assert not evidence.filter(themes__isnull=True).exists()

    assert sorted(summary.users_created) == ["admin", "analyst", "editor.kent", "editor.surrey"]
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="admin").is_superuser
    editors = {"editor.surrey": {"surrey_police", "surrey_frs"}, "editor.kent": {"kent_police", "kent_frs"}}
    for username, slugs in editors.items():
        editor = User.objects.get(username=username)
        assert set(editor.organisations.values_list("slug", flat=True)) == slugs
        assert Collaboration.objects.involving(editor.organisations.all()).count() >= 3
    assert {(u, p) for u, _role, p in demo_users_credentials()} == {(u, DEMO_PASSWORD) for u in summary.users_created}
    # Through the sign-in page: django-axes needs the request that `client.login()` does not pass.
    signed_in = client.post(reverse("accounts:login"), {"username": "editor.surrey", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    assert len(demo_login_lines()) == 5 and "analyst" in demo_login_lines()[2]
    surrey = User.objects.get(username="editor.surrey")
    surrey.set_password("changed-by-the-admin")
    surrey.save()
    assert not any("editor.surrey" in line for line in demo_login_lines())

    # Each record pairs with its generated item, whose timeline gives its state at any date.
    world, keys = world_build(), demo_keys()
    assert set(keys) == {item.key for item in world.collaborations}
    for item in world.collaborations[:30]:
        record = Collaboration.objects.get(pk=keys[item.key])
        assert (record.title, record.status, record.start_date) == (item.title, item.status, item.start_date)
        assert record.provenance.get().reported_on == item.first_known


def test_running_demo_load_twice_duplicates_nothing(register):
    demo_load(count=20)
    counts = (Collaboration.objects.count(), EvidenceItem.objects.count(), User.objects.count())

    again = demo_load(count=20)

    assert again.already_loaded
    assert (again.collaborations, again.evidence, again.users_created) == (0, 0, [])
    assert (Collaboration.objects.count(), EvidenceItem.objects.count(), User.objects.count()) == counts
    assert "already loaded" in str(again)
    User.objects.filter(username="analyst").delete()
    assert demo_load().users_created == ["analyst"]
    assert Collaboration.objects.count() == 20


def test_demo_load_loads_missing_reference_data_first(register):
    # The register takes the same path as the taxonomy; emptying the taxonomy is the cheap check.
    Theme.objects.filter(parent__isnull=False).delete()
    Theme.objects.all().delete()

    summary = demo_load(count=5)

    assert summary.reference_data_loaded
    assert Theme.objects.count() == 50
    assert Collaboration.objects.count() == 5


def test_demo_load_opens_a_demo_round_with_returns_in_every_state_and_sends_no_mail(register, mailoutbox):
    from bluelight.returns import selectors as returns_selectors
    from bluelight.returns.models import Return, Round

    demo_load()
    round_ = Round.objects.get(name__endswith="(demo)")
    progress = returns_selectors.round_progress(round_=round_)
    assert {row.state for row in progress.rows} == {"not_started", "draft", "returned", "submitted", "accepted"}
    assert 0 < progress.overall.answered < progress.overall.total
    assert len(progress.timeline) > 3
    surrey = Return.objects.get(round=round_, organisation__slug="surrey_police")
    assert surrey.state == "submitted" and surrey.items.exists()
    assert mailoutbox == []
    demo_load()
    assert Round.objects.count() == 1
