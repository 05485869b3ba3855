"""Fuzz (issue 18): every URL, as each role, with good and malformed identifiers, and malformed input sent to
every form the pages show, never answers 5xx: a bad identifier is a 404, bad input a form error.

The URLs come from walking `bluelight.urls` (the admin included), so a new page is requested without being
listed here. The forms are found by reading every page, as each role, and fuzzed by the address they send to;
`test_every_form_is_fuzzed` fails when a form sends to an address FORM_ROUTES does not name. Hypothesis draws
the input derandomized (the same examples on every run, so CI is reproducible), without shrinking (each example
is a request; the failure message shows the input) and without its example database (nothing written to the
tree). Tools and the world are in fuzzing.py.
"""

from collections import defaultdict
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bluelight.core.tests.fuzzing import (
    BAD_FILES,
    HOSTILE_QUERY,
    HUGE,
    ROLES,
    ROUTES,
    Field,
    Form,
    admin_model,
    bad_urls,
    client_as,
    fetch,
    form_data,
    form_submit,
    forms_in,
    good_urls,
    isolated,
    page_url,
    route_of,
    server_error,
    world_build,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fuzz")]

EXAMPLES = 5  # per form, role and kind of form: about 170 of them, so some 850 requests


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The fuzz world, made once for this module and rolled back afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield world_build(tmp_path_factory.mktemp("fuzz_var"))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def fuzz_world(world, db, settings):
    settings.VAR_DIR = world.var_dir  # where the world's report files are (the autouse fixture moved it)
    settings.MEDIA_ROOT = world.var_dir / "media"
    return world


@pytest.fixture
def site_map(fuzz_world):
    """Every good URL requested once as each role (made by the first test that asks, then kept): the 5xx
    answers by route, and the forms by the route they send to, one of each kind per role."""
    if isinstance(fuzz_world.site_map, Exception):
        pytest.fail(f"making the site map failed: {fuzz_world.site_map!r}")
    if fuzz_world.site_map is None:
        fuzz_world.site_map = RuntimeError("interrupted")  # made once, even when it fails
        errors, forms = defaultdict(list), defaultdict(dict)
        for role in ROLES:
            client = client_as(role, fuzz_world)
            for route in ROUTES:
                for url in good_urls(route, fuzz_world):
                    response = isolated(partial(fetch, client, url))
                    if error := server_error(response):
                        errors[route.template].append(f"{role} GET {url} -> {error}")
                    for form in forms_in(response, url):
                        target = route_of(form.action)
                        if target is not None:
                            forms[target.template].setdefault((role, form.signature()), (role, url, form))
        fuzz_world.site_map = errors, forms
    return fuzz_world.site_map


# 1. Every URL ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: "/" + route.template)
def test_every_url_answers_without_a_server_error(fuzz_world, site_map, route):
    failures = list(site_map[0][route.template])
    good = good_urls(route, fuzz_world)[0]
    for role in ROLES:
        client = client_as(role, fuzz_world)
        urls = [good + HOSTILE_QUERY]
        if role in ("editor", "analyst"):  # the roles let furthest in; the others mostly stop at the door
            urls += bad_urls(route, fuzz_world)
        for url in urls:
            if error := server_error(isolated(partial(fetch, client, url))):
                failures.append(f"{role} GET {url[:150]} -> {error}")
    assert failures == [], "\n".join(failures)


# 2. Every form --------------------------------------------------------------------------------------------------

# Every address a form sends to, as the pages show them to some role (test_every_form_is_fuzzed keeps this true).
FORM_ROUTES = [
    # the public site, sign-in
    "accounts/login/",
    "accounts/logout/",
    "collaborations/",
    "organisations/",
    "evidence/",
    "editions/{slug}/collaborations/",
    # evidence items (analysts)
    "evidence/new/",
    "evidence/{pk}/edit/",
    # rounds and returns
    "returns/rounds/new/",
    "returns/rounds/{round_id}/",
    "returns/rounds/{round_id}/{org}/items/new/",
    "returns/rounds/{round_id}/{org}/items/{item_id}/",
    "returns/rounds/{round_id}/{org}/items/{item_id}/remove/",
    "returns/rounds/{round_id}/{org}/items/{item_id}/check/",
    "returns/rounds/{round_id}/{org}/items/{item_id}/ended/",
    "returns/rounds/{round_id}/{org}/items/{item_id}/comment/",
    "returns/rounds/{round_id}/{org}/review/",
    "returns/rounds/{round_id}/{org}/submit/",
    "returns/rounds/{round_id}/{org}/upload/",
    # consolidation
    "consolidation/rounds/{round_id}/",
    "consolidation/rounds/{round_id}/merge-above/",
    "consolidation/clusters/{cluster_id}/",
    # editions
    "editions/publish/",
    "editions/{slug}/report/",
    # the duty to collaborate record (an organisation's editors)
    "organisations/{slug}/duty/new/",
    "organisations/{slug}/duty/{pk}/edit/",
    "organisations/{slug}/duty/{pk}/notifications/new/",
    "organisations/{slug}/duty/{pk}/documents/new/",
    # the research register (analysts add; everyone filters)
    "research/",
    "research/new/",
    "research/{pk}/edit/",
    # insights: priorities (anyone re-weighs; analysts set strategic weights), the network, the gaps
    "priorities/",
    "priorities/weights/{code}/",
    "network/",
    "opportunities/gaps/",
    # the admin
    "admin/login/",
    "admin/logout/",
    "admin/password_change/",
    "admin/accounts/user/",
    "admin/accounts/user/add/",
    "admin/accounts/user/{id}/password/",
    "admin/accounts/user/{object_id}/change/",
    "admin/accounts/user/{object_id}/delete/",
    "admin/collaborations/collaboration/",
    "admin/collaborations/collaboration/add/",
    "admin/collaborations/collaboration/{object_id}/change/",
    "admin/collaborations/collaboration/{object_id}/delete/",
    "admin/insights/strategicweight/",
    "admin/insights/strategicweight/add/",
    "admin/collaborations/evidenceitem/",
    "admin/collaborations/evidenceitem/add/",
    "admin/collaborations/evidenceitem/{object_id}/change/",
    "admin/collaborations/evidenceitem/{object_id}/delete/",
    "admin/collaborations/theme/",
    "admin/collaborations/theme/add/",
    "admin/collaborations/theme/{object_id}/change/",
    "admin/insights/researchquestion/",
    "admin/insights/researchquestion/add/",
    "admin/insights/researchquestion/{object_id}/change/",
    "admin/insights/researchquestion/{object_id}/delete/",
    "admin/insights/dutyopportunity/{object_id}/change/",
    "admin/organisations/organisation/",
    "admin/organisations/organisation/add/",
    "admin/organisations/organisation/{object_id}/change/",
    "admin/organisations/organisation/{object_id}/delete/",
    "admin/organisations/policeforcearea/",
    "admin/organisations/policeforcearea/{object_id}/change/",
    "admin/returns/return/",
    "admin/returns/return/{object_id}/change/",
    "admin/returns/returnitem/",
    "admin/returns/returnitem/{object_id}/change/",
    "admin/returns/round/",
    "admin/returns/round/{object_id}/change/",
    "admin/insights/dutyopportunity/",
]


def _short(value) -> str:
    text = repr(getattr(value, "name", value))
    return text if len(text) < 60 else f"{text[:40]}... ({len(text)} chars)"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def fuzz_form(case, data):
    world, role, page, form = case
    payload = form_data(form, data.draw)
    response = isolated(lambda: form_submit(client_as(role, world), form, payload))
    error = server_error(response)
    fields = ", ".join(f"{k}={_short(v)}" for k, v in payload.items())
    assert error is None, f"{role} {form.method.upper()} {form.action} (form on {page}) {{{fields}}} -> {error}"


class Case(tuple):
    """(world, role, page, form), shown briefly where Hypothesis reports a failing example."""

    def __repr__(self) -> str:
        return f"Case({self[1]}, {self[3].method} {self[3].action})"


# Other packages' admin pages (sign-in attempts, task results) change with those packages: all are fuzzed, and
# any of them may show forms or not.
OTHER_ADMIN_ROUTES = [
    r.template for r in ROUTES if (m := admin_model(r)) is not None and not m.__module__.startswith("bluelight.")
]


def _form_route(template):
    return pytest.param(template, id="/" + template)


@pytest.mark.parametrize("template", [_form_route(t) for t in FORM_ROUTES + OTHER_ADMIN_ROUTES])
def test_malformed_input_to_every_form_never_answers_5xx(fuzz_world, site_map, template):
    failures = []
    for role, page, form in site_map[1][template].values():
        try:
            fuzz_form(Case((fuzz_world, role, page, form)))
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert failures == [], "\n".join(failures)


def test_every_form_is_fuzzed(site_map):
    found = set(site_map[1])
    assert sorted(found - set(FORM_ROUTES + OTHER_ADMIN_ROUTES)) == [], "forms send here: add these to FORM_ROUTES"
    assert sorted(set(FORM_ROUTES) - found) == [], "no form sends here any more: remove these from FORM_ROUTES"


# 3. Named malformed input, including the forms only a first valid step shows ------------------------------------

# (what, role, page, fields): the page's form that has most of these fields, filled as the page offers it, with
# these values instead; a field the form lacks is added (like the hidden fields of a confirmation step).
NAMED_CASES = [
    (
        "partner organisation 'abc'",
        "analyst",
        "admin/collaborations/collaboration/add/",
        {"title": "Fuzz", "partners-0-organisation": "abc", "partners-1-organisation": HUGE},
    ),
    (
        "editor's partner organisation 'abc'",
        "editor",
        "admin/collaborations/collaboration/{object_id}/change/",
        {"partners-0-organisation": "abc", "partners-0-id": "abc", "primary_theme": "abc"},
    ),
    (
        "secondary themes past the id range",
        "analyst",
        "admin/collaborations/collaboration/{object_id}/change/",
        {"secondary_themes": ["abc", HUGE], "benefits-TOTAL_FORMS": "abc"},
    ),
    (
        "evidence about record 'abc'",
        "analyst",
        "admin/collaborations/evidenceitem/add/",
        {"title": "Fuzz", "collaborations": ["abc"], "themes": [HUGE]},
    ),
    (
        "successor 'abc', alias reporter past the id range",
        "analyst",
        "admin/organisations/organisation/{object_id}/change/",
        {"successor": "abc", "aliases-0-reporter": HUGE},
    ),
    (
        "user's organisations past the id range",
        "admin",
        "admin/accounts/user/{object_id}/change/",
        {"organisations": [HUGE, "abc"]},
    ),
    (
        "site sign-in with NUL and 100,000 characters",
        "anonymous",
        "accounts/login/",
        {"username": "a\x00b", "password": "x" * 100_000},
    ),
    ("admin sign-in with NUL", "anonymous", "admin/login/", {"username": "\x00", "password": "\x00"}),
    (
        "round opening on 30 February",
        "analyst",
        "returns/rounds/new/",
        {
            "name": "Fuzz",
            "opens_on": "2026-02-30",
            "closes_on": "0000-00-00",
            "types": ["nope"],
            "organisations": "a\x00b\nno such body",
        },
    ),
    (
        "round confirmed with a forged fingerprint",
        "analyst",
        "returns/rounds/new/",
        {
            "name": "Fuzz",
            "opens_on": "2026-06-01",
            "closes_on": "2026-06-30",
            "regions": ["South East", "\x00"],
            "confirm": ["yes", "no"],
            "expected": "\x00" * 50,
        },
    ),
    (
        "round check changed with an unknown type",
        "analyst",
        "returns/rounds/new/",
        {"name": HUGE, "opens_on": "1e309", "types": ["nope", HUGE], "change": "yes", "confirm": "yes"},
    ),
    ("reminders with two actions", "analyst", "returns/rounds/{round_id}/", {"action": ["remind", "\x00"]}),
    (
        "return review with an unknown decision",
        "analyst",
        "returns/rounds/{round_id}/surrey_frs/",
        {"decision": "maybe", "comment": "x" * 100_000},
    ),
    (
        "return item with impossible dates and sums",
        "editor",
        "returns/rounds/{round_id}/surrey_police/items/{item_id}/",
        {
            "start_date_month": "2026-02-30",
            "start_date_year": "١٢٣٤",
            "end_date_month": "0",
            "end_date_year": "-1",
            "one_off_cost_gbp": "1e309",
            "annual_savings_gbp": "NaN",
            "annual_savings_price_year": HUGE,
            "annual_savings_basis": "\x00",
            "one_off_cost_recipient": "x" * 1000,
            "theme": "abc",
            "secondary_themes": ["abc", "\x00", HUGE],
            "status": "abc",
            "partners": ["\x00", "x" * 1000, "Surrey Police"],
            "progress": "abc",
        },
    ),
    (
        "return item: a partner added twice and one removed that was never listed",
        "editor",
        "returns/rounds/{round_id}/surrey_police/items/{item_id}/",
        {"action": "add_partner", "partner": ["\x00", HUGE], "partners": ["a", "a"], "remove_partner": "\x00"},
    ),
    (
        "upload confirmed with a forged token",
        "editor",
        "returns/rounds/{round_id}/surrey_police/upload/",
        {"action": "confirm", "token": "../../etc/passwd"},
    ),
    *[
        (f"upload: {label}", "editor", "returns/rounds/{round_id}/surrey_police/upload/", {"file": label})
        for label in sorted(BAD_FILES)
    ],
    (
        "edition of 30 February from round 'abc'",
        "analyst",
        "editions/publish/",
        {"name": "Fuzz", "as_of": "2026-02-30", "round": "abc", "baseline": "maybe"},
    ),
    (
        "edition confirmed with a forged fingerprint",
        "analyst",
        "editions/publish/",
        {"name": "Fuzz", "as_of": "2016-01-01", "round": HUGE, "confirm": "1", "expected": "\x00"},
    ),
    ("report compared with an edition past the id range", "analyst", "editions/{slug}/", {"compare_with": HUGE}),
    (
        "merge above NaN, confirmed",
        "analyst",
        "consolidation/rounds/{round_id}/merge-above/",
        {"threshold": "NaN", "confirm": "yes"},
    ),
    (
        "merge above 1e309, confirmed",
        "analyst",
        "consolidation/rounds/{round_id}/merge-above/",
        {"threshold": "1e309", "confirm": "yes"},
    ),
    ("merge above -0", "analyst", "consolidation/rounds/{round_id}/merge-above/", {"threshold": "-0"}),
    (
        "split out an item past the id range",
        "analyst",
        "consolidation/clusters/{cluster_id}/",
        {"action": "split", "item": HUGE},
    ),
    ("join cluster '١٢'", "analyst", "consolidation/clusters/{cluster_id}/", {"action": "join", "other": "١٢"}),
    ("undo a merge that never was", "analyst", "consolidation/clusters/{cluster_id}/", {"action": "undo"}),
    ("unknown cluster action", "analyst", "consolidation/clusters/{cluster_id}/", {"action": ["merge", "undo"]}),
    (
        "explorer filters with NUL and a 5,000-digit page",
        "anonymous",
        "collaborations/",
        {"theme": "\x00", "organisation": HUGE, "q": "x" * 100_000, "page": "9" * 5000},
    ),
]
def _named(case):
    return pytest.param(*case, id=case[0])


@pytest.mark.parametrize(("what", "role", "page", "fields"), [_named(case) for case in NAMED_CASES])
def test_named_malformed_input_never_answers_5xx(fuzz_world, what, role, page, fields):
    url = page_url(page, fuzz_world)
    client = client_as(role, fuzz_world)
    shown = isolated(lambda: forms_in(fetch(client, url), url))
    forms = [f for f in shown if f.method == "post" or page == "collaborations/"]
    wanted = fields.get("action")
    forms = [f for f in forms if wanted is None or wanted in f.fields.get("action", Field("")).defaults] or forms
    form = max(forms, key=lambda f: len(set(f.fields) & set(fields)), default=Form("post", url))
    data = {
        name: f.options[0] if f.kind in ("radio", "select") and f.options else (f.defaults or [""])[0]
        for name, f in form.fields.items()
        if f.kind not in ("checkbox", "submit", "file")
    }
    for name, value in fields.items():
        data[name] = SimpleUploadedFile(*BAD_FILES[value]) if name == "file" else value
    response = isolated(lambda: form_submit(client_as(role, fuzz_world), form, data))
    assert server_error(response) is None, f"{role} {form.method.upper()} {form.action} -> {server_error(response)}"
