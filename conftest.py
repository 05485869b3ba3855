"""Test set-up shared by every app: a fast hasher, the register, and a small named cast."""

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    from django.core.cache import cache

    # Each test process its own cache in memory (the installation's files are shared between processes).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    cache.clear()  # cached figures (the home page's) and throttle counts from one test never reach the next
    settings.VAR_DIR = tmp_path  # trained models and other files a test writes stay out of var/
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Background tasks run at once in tests; the worker path has its own test with the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language (English). A request in Welsh leaves Welsh active in
    the thread (LocaleMiddleware sets it and nothing unsets it), which would reach the tests that run next."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


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
    editor_a = django_user_model.objects.create_user("editor_a", "a@example.org", "pw", role=Role.EDITOR, is_staff=True)
    editor_a.organisations.add(Organisation.objects.get(slug="surrey_police"))
    editor_b = django_user_model.objects.create_user("editor_b", "b@example.org", "pw", role=Role.EDITOR, is_staff=True)
    editor_b.organisations.add(Organisation.objects.get(slug="kent_frs"))
    return SimpleNamespace(admin=admin, analyst=analyst, editor_a=editor_a, editor_b=editor_b)


# Browser tests ------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(live_server):
    """A Playwright page in Debian's Chromium, 1280x900, pointed at nothing yet.

    Playwright's sync API runs an event loop in this thread, which makes Django refuse
    database access unless told it is safe: it is, because the test owns the thread.
    """
    if not CHROMIUM.exists():
        message = "Chromium not found at /usr/bin/chromium: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
            try:
                yield context.new_page()
            finally:
                context.close()
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshot():
    """Save a screenshot under docs/screenshots/, only when BLUELIGHT_SCREENSHOTS=1, so normal runs write nothing."""
    folder = Path(__file__).resolve().parent / "docs" / "screenshots"

    def take(page, name: str) -> None:
        if os.environ.get("BLUELIGHT_SCREENSHOTS") != "1":
            return
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / name))

    return take
