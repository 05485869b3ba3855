"""Test set-up shared by every app: a fast hasher, the register, and a small named cast."""

import pytest


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _load_reference_data() -> None:
    from bluelight.collaborations.models import Theme
    from bluelight.collaborations.services import taxonomy_load
    from bluelight.organisations.models import Organisation
    from bluelight.organisations.services import register_load

    if not Organisation.objects.filter(in_register=True).exists():
        register_load()
    if not Theme.objects.exists():
        taxonomy_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the register and taxonomy once into the test database; each test rolls back to it."""
    with django_db_blocker.unblock():
        _load_reference_data()


@pytest.fixture
def register(db):
    """The reference register and the default taxonomy, as `make run` loads them.

    Already there from the session set-up, unless a transactional test (live server) flushed it.
    """
    _load_reference_data()


@pytest.fixture
def org(register):
    """Look up a register organisation by its identifier: org("surrey_police")."""
    from bluelight.organisations.models import Organisation

    return lambda slug: Organisation.objects.get(slug=slug)


@pytest.fixture
def theme(register):
    from bluelight.collaborations.models import Theme

    return lambda code: Theme.objects.get(code=code)


@pytest.fixture
def cast(register, django_user_model):
    """The named cast: an admin, an analyst, an editor of Surrey Police (A), an editor of Kent FRS (B)."""
    from types import SimpleNamespace

    from bluelight.accounts.models import Role
    from bluelight.organisations.models import Organisation

    admin = django_user_model.objects.create_user(
        "admin", "admin@example.org", "pw", role=Role.ADMIN, is_staff=True, is_superuser=True
    )
    analyst = django_user_model.objects.create_user(
        "analyst", "analyst@example.org", "pw", role=Role.ANALYST, is_staff=True
    )
    editor_a = django_user_model.objects.create_user(
        "editor_a", "a@example.org", "pw", role=Role.EDITOR, is_staff=True
    )
    editor_a.organisations.add(Organisation.objects.get(slug="surrey_police"))
    editor_b = django_user_model.objects.create_user(
        "editor_b", "b@example.org", "pw", role=Role.EDITOR, is_staff=True
    )
    editor_b.organisations.add(Organisation.objects.get(slug="kent_frs"))
    return SimpleNamespace(admin=admin, analyst=analyst, editor_a=editor_a, editor_b=editor_b)
