"""The access policy as a table: who may do what to a collaboration, and to the register, taxonomy and users.

The tables are written out in full on purpose: a change to the policy has to change a row here,
where a reviewer sees it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from bluelight.accounts import policy
from bluelight.accounts.models import Role
from bluelight.collaborations.models import Collaboration, EvidenceItem, Theme
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.organisations.models import Organisation, PoliceForceArea

ACTORS = ("anonymous", "editor_own", "editor_other", "analyst", "admin")
Y, N = True, False

# A collaboration between Surrey Police and Surrey FRS. "editor_own" edits Surrey Police,
# "editor_other" edits Kent FRS, which is not a partner.
COLLABORATION_TABLE = [
    # action           record        anonymous editor_own editor_other analyst admin
    ("view", "published", Y, Y, Y, Y, Y),
    ("view", "draft", N, Y, N, Y, Y),
    ("view_contacts", "published", N, Y, N, Y, Y),
    ("view_contacts", "draft", N, Y, N, Y, Y),
    ("edit", "published", N, Y, N, Y, Y),
    ("edit", "draft", N, Y, N, Y, Y),
    ("delete", "published", N, N, N, Y, Y),
    ("delete", "draft", N, Y, N, Y, Y),
    ("publish", "published", N, N, N, Y, Y),
    ("publish", "draft", N, N, N, Y, Y),
    ("view_history", "published", N, N, N, Y, Y),
    ("view_history", "draft", N, N, N, Y, Y),
]

# Actions on a kind rather than one record (obj=None). Both editors have an organisation, so
# both may start a record; the admin form then insists it includes one of theirs.
KIND_TABLE = [
    # action            anonymous editor_own editor_other analyst admin
    ("view", Y, Y, Y, Y, Y),
    ("create", N, Y, Y, Y, Y),
    ("publish", N, N, N, Y, Y),
    ("view_history", N, N, N, Y, Y),
    ("manage_register", N, N, N, Y, Y),
    ("manage_taxonomy", N, N, N, Y, Y),
    ("manage_evidence", N, N, N, Y, Y),
    ("manage_users", N, N, N, N, Y),
    ("use_admin", N, Y, Y, Y, Y),
]

# Records that are public reference data: anyone reads them, only analysts change them.
REFERENCE_TABLE = [
    # record              action            anonymous editor_own editor_other analyst admin
    ("organisation", "view", Y, Y, Y, Y, Y),
    ("organisation", "edit", N, N, N, Y, Y),
    ("organisation", "manage_register", N, N, N, Y, Y),
    ("police_force_area", "view", Y, Y, Y, Y, Y),
    ("theme", "view", Y, Y, Y, Y, Y),
    ("theme", "edit", N, N, N, Y, Y),
    ("theme", "manage_taxonomy", N, N, N, Y, Y),
    ("evidence", "view", Y, Y, Y, Y, Y),
    ("evidence", "manage_evidence", N, N, N, Y, Y),
    ("draft_evidence", "view", N, N, N, Y, Y),
    ("draft_evidence", "manage_evidence", N, N, N, Y, Y),
]


def _cells(table, leading: int):
    for row in table:
        for actor, expected in zip(ACTORS, row[leading:], strict=True):
            label = "-".join([*map(str, row[:leading]), actor, "allow" if expected else "deny"])
            yield pytest.param(*row[:leading], actor, expected, id=label)


def _user(cast, actor: str):
    return {
        "anonymous": AnonymousUser(),
        "editor_own": cast.editor_a,
        "editor_other": cast.editor_b,
        "analyst": cast.analyst,
        "admin": cast.admin,
    }[actor]


@pytest.mark.parametrize(("action", "publication", "actor", "expected"), list(_cells(COLLABORATION_TABLE, 2)))
def test_collaboration_permission_table(cast, action, publication, actor, expected):
    record = make_collaboration("surrey_police", "surrey_frs", publication=publication)
    assert policy.can(_user(cast, actor), action, record) is expected


@pytest.mark.parametrize(("action", "actor", "expected"), list(_cells(KIND_TABLE, 1)))
def test_kind_permission_table(cast, action, actor, expected):
    assert policy.can(_user(cast, actor), action) is expected


def _reference(kind: str):
    return {
        "organisation": lambda: Organisation.objects.get(slug="surrey_police"),
        "police_force_area": lambda: PoliceForceArea.objects.first(),
        "theme": lambda: Theme.objects.get(code="es_joint_facilities"),
        "evidence": lambda: EvidenceItem.objects.create(title="Evaluation of joint stations"),
        "draft_evidence": lambda: EvidenceItem.objects.create(title="Evaluation in progress", publication="draft"),
    }[kind]()


@pytest.mark.parametrize(("kind", "action", "actor", "expected"), list(_cells(REFERENCE_TABLE, 2)))
def test_reference_data_permission_table(cast, kind, action, actor, expected):
    assert policy.can(_user(cast, actor), action, _reference(kind)) is expected


# Sentences the tables do not say -----------------------------------------------------------


def test_an_inactive_analyst_has_only_public_access(cast):
    cast.analyst.is_active = False
    draft = make_collaboration("surrey_police", "surrey_frs", publication="draft")
    assert not policy.can(cast.analyst, "view", draft)
    assert not policy.can(cast.analyst, "use_admin")
    assert not policy.can(cast.analyst, "manage_register")


def test_an_editor_without_organisations_cannot_create_or_edit(cast, django_user_model):
    lone = django_user_model.objects.create_user("lone", password="pw", role=Role.EDITOR)
    draft = make_collaboration("surrey_police", "surrey_frs", publication="draft")
    assert not policy.can(lone, "create")
    assert not policy.can(lone, "edit", draft)
    assert not policy.can(lone, "view", draft)


def test_an_editor_of_either_partner_may_edit(cast):
    shared = make_collaboration("surrey_police", "kent_frs", publication="draft")
    assert policy.can(cast.editor_a, "edit", shared)
    assert policy.can(cast.editor_b, "edit", shared)


def test_unknown_actions_are_refused_loudly(cast):
    with pytest.raises(ValueError):
        policy.can(cast.admin, "launch_rockets")


def test_require_raises_forbidden_or_hides_as_not_found(cast):
    draft = make_collaboration("surrey_police", "surrey_frs", publication="draft")
    policy.require(cast.editor_a, "edit", draft)
    with pytest.raises(PermissionDenied):
        policy.require(cast.editor_b, "edit", draft)
    with pytest.raises(Http404):
        policy.require(cast.editor_b, "view", draft, hide=True)


# Lists never leak what detail pages refuse -------------------------------------------------


@pytest.fixture
def records(cast):
    return {
        "own_draft": make_collaboration("surrey_police", "surrey_frs", title="Own draft", publication="draft"),
        "own_published": make_collaboration("surrey_police", "surrey_frs", title="Own published"),
        "other_draft": make_collaboration("kent_frs", "kent_police", title="Other draft", publication="draft"),
        "other_withdrawn": make_collaboration(
            "kent_frs", "kent_police", title="Other withdrawn", publication="withdrawn"
        ),
        "other_published": make_collaboration("kent_frs", "kent_police", title="Other published"),
    }


def _titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_visible_collaborations_never_returns_another_organisations_drafts(cast, records):
    assert _titles(policy.visible_collaborations(cast.editor_a)) == {"Own draft", "Own published", "Other published"}


def test_visible_collaborations_for_the_public_are_the_published_ones(cast, records):
    assert _titles(policy.visible_collaborations(AnonymousUser())) == {"Own published", "Other published"}
    assert _titles(policy.visible_collaborations(None)) == {"Own published", "Other published"}


def test_visible_collaborations_for_analysts_are_all(cast, records):
    assert _titles(policy.visible_collaborations(cast.analyst)) == set(_titles(Collaboration.objects.all()))


def test_visible_collaborations_agree_with_can_view_for_every_actor(cast, records):
    for actor in ACTORS:
        user = _user(cast, actor)
        visible = set(policy.visible_collaborations(user).values_list("pk", flat=True))
        allowed = {c.pk for c in Collaboration.objects.all() if policy.can(user, "view", c)}
        assert visible == allowed, actor


def test_editable_collaborations_are_the_editors_own(cast, records):
    assert _titles(policy.editable_collaborations(cast.editor_a)) == {"Own draft", "Own published"}
    assert _titles(policy.editable_collaborations(AnonymousUser())) == set()


def test_editable_collaborations_agree_with_can_edit_for_every_actor(cast, records):
    for actor in ACTORS:
        user = _user(cast, actor)
        editable = set(policy.editable_collaborations(user).values_list("pk", flat=True))
        allowed = {c.pk for c in Collaboration.objects.all() if policy.can(user, "edit", c)}
        assert editable == allowed, actor


# Rounds and returns -------------------------------------------------------------------------


@pytest.fixture
def surrey_round(cast, org):
    import datetime

    from bluelight.returns import services as returns_services

    round_ = returns_services.round_open(
        name="Summer 2026", opens_on=datetime.date(2026, 6, 1), closes_on=datetime.date(2026, 6, 30),
        regions=["South East"],
    )
    return round_, returns_services.return_start(round_=round_, organisation=org("surrey_police"))


RETURN_TABLE = {
    # state of the return: (anonymous, editor own, editor other, analyst, admin) for edit_return
    "draft": (False, True, False, True, True),
    "returned": (False, True, False, True, True),
    "submitted": (False, False, False, True, True),
    "accepted": (False, False, False, False, False),
}


@pytest.mark.parametrize("state", list(RETURN_TABLE))
def test_who_may_edit_a_return_in_each_state(cast, surrey_round, state):
    from django.contrib.auth.models import AnonymousUser

    _round, return_obj = surrey_round
    return_obj.state = state
    people = (AnonymousUser(), cast.editor_a, cast.editor_b, cast.analyst, cast.admin)
    assert tuple(policy.can(p, "edit_return", return_obj) for p in people) == RETURN_TABLE[state]
    assert tuple(policy.can(p, "view_return", return_obj) for p in people) == (False, True, False, True, True)


def test_editors_cannot_edit_a_draft_once_the_round_has_closed(cast, surrey_round):
    round_, return_obj = surrey_round
    round_.state = "closed"
    assert not policy.can(cast.editor_a, "edit_return", return_obj)
    assert policy.can(cast.analyst, "edit_return", return_obj)


def test_only_analysts_and_admins_run_rounds_and_review_returns(cast):
    from django.contrib.auth.models import AnonymousUser

    for action in ("manage_rounds", "review_return"):
        assert [policy.can(p, action) for p in (AnonymousUser(), cast.editor_a, cast.analyst, cast.admin)] == [
            False, False, True, True,
        ]
