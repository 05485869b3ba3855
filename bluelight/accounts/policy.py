"""The one access policy: may this user do this to this object? Views, admin, API and commands ask here.

Rules in words:
- the public (anyone) sees published collaborations, the register, the taxonomy and published
  evidence, never contact details;
- an organisation editor also sees, and edits, the records their organisations are partners in
  (published or not), with their contacts, and may create records that include one of them;
- an analyst sees and edits everything, manages the register and the taxonomy, publishes, and
  reads change history;
- an administrator may do all that and manage users;
- rounds: analysts open and run them, and accept or send back returns; an organisation's editors
  see their organisation's requests and returns and fill them in while the return is a draft (or
  sent back) and the round is open; once submitted a return is read-only to them;
- consolidation (matching reports, merging them into records, undoing merges) is for analysts;
- evidence items (evaluations, audits, research) are recorded and changed by analysts (manage_evidence).
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404


class Action(StrEnum):
    VIEW = "view"
    VIEW_CONTACTS = "view_contacts"
    VIEW_HISTORY = "view_history"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    PUBLISH = "publish"
    MANAGE_REGISTER = "manage_register"
    MANAGE_TAXONOMY = "manage_taxonomy"
    MANAGE_EVIDENCE = "manage_evidence"
    MANAGE_USERS = "manage_users"
    USE_ADMIN = "use_admin"
    MANAGE_ROUNDS = "manage_rounds"
    VIEW_RETURN = "view_return"
    EDIT_RETURN = "edit_return"
    REVIEW_RETURN = "review_return"
    CONSOLIDATE = "consolidate"
    MANAGE_RESEARCH = "manage_research"  # the research register and the themes' strategic weights
    VIEW_DUTY = "view_duty"  # an organisation's duty-to-collaborate record; with no object, the national picture
    EDIT_DUTY = "edit_duty"


def _is_staff_role(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_admin or user.is_analyst))


def _is_editor(user) -> bool:
    return bool(user and user.is_authenticated and user.is_editor)


def editor_organisation_ids(user) -> set[int]:
    if not _is_editor(user):
        return set()
    cached = getattr(user, "_policy_org_ids", None)
    if cached is None:
        cached = set(user.organisations.values_list("pk", flat=True))
        user._policy_org_ids = cached
    return cached


def _collaboration_org_ids(collaboration) -> set[int]:
    return {p.organisation_id for p in collaboration.partners.all()}


def can(user, action: str, obj=None) -> bool:
    """True if `user` may do `action` to `obj` (a collaboration, an organisation, or None for the kind)."""
    action = Action(action)
    staff = _is_staff_role(user)
    if action in (Action.VIEW_RETURN, Action.EDIT_RETURN):
        return _may_use_return(user, action, obj, staff)
    if user is not None and user.is_authenticated and user.is_admin:
        return True
    if action in (Action.VIEW_DUTY, Action.EDIT_DUTY):
        return _may_use_duty_record(user, action, obj, staff)
    if action in (Action.MANAGE_ROUNDS, Action.REVIEW_RETURN, Action.CONSOLIDATE):
        return staff
    if action == Action.MANAGE_USERS:
        return False
    if action in (
        Action.MANAGE_REGISTER, Action.MANAGE_TAXONOMY, Action.MANAGE_EVIDENCE, Action.MANAGE_RESEARCH, Action.PUBLISH
    ):
        return staff
    if action == Action.VIEW_HISTORY:
        return staff
    if action == Action.USE_ADMIN:
        return staff or _is_editor(user)
    if staff:
        return True

    from bluelight.collaborations.models import Collaboration, EvidenceItem, Theme
    from bluelight.organisations.models import Organisation, PoliceForceArea

    own = editor_organisation_ids(user)
    if isinstance(obj, EvidenceItem):
        # Published evidence is public; drafts and changes are for analysts.
        return action == Action.VIEW and obj.is_published
    if isinstance(obj, Organisation | PoliceForceArea | Theme):
        # The register and the taxonomy are public; changing them is for analysts.
        return action == Action.VIEW
    if isinstance(obj, Collaboration):
        involved = bool(own & _collaboration_org_ids(obj)) if own else False
        if action == Action.VIEW:
            return obj.is_published or involved
        if action in (Action.VIEW_CONTACTS, Action.EDIT, Action.DELETE):
            return involved and (action != Action.DELETE or not obj.is_published)
        return False
    if obj is None:
        if action == Action.VIEW:
            return True
        if action == Action.CREATE:
            return bool(own)
        if action in (Action.EDIT, Action.VIEW_CONTACTS):
            # "may edit some collaborations": editors with organisations
            return bool(own)
    return False


def _may_use_duty_record(user, action: Action, obj, staff: bool) -> bool:
    """`obj` is an Organisation or one of its DutyOpportunity rows; None asks about the national picture.

    A service keeps its own record (its editors read and write it); analysts read every record, to
    report the national picture, but do not write a service's account of its own decisions.
    """
    own = editor_organisation_ids(user)
    if obj is None:
        return staff if action == Action.VIEW_DUTY else bool(own)
    organisation_id = getattr(obj, "organisation_id", None) or obj.pk
    if action == Action.VIEW_DUTY:
        return staff or organisation_id in own
    return organisation_id in own


def _may_use_return(user, action: Action, obj, staff: bool) -> bool:
    """`obj` is a Return, or the Request to an organisation that has not started its return."""
    from bluelight.returns.models import Return, ReturnState, RoundState

    if obj is None:
        return staff
    own = staff or obj.organisation_id in editor_organisation_ids(user)
    if action == Action.VIEW_RETURN or not own:
        return own
    if isinstance(obj, Return):
        if staff:
            return obj.state != ReturnState.ACCEPTED
        return obj.is_editable_by_organisation and obj.round.state == RoundState.OPEN
    return staff or obj.round.state == RoundState.OPEN


def visible_collaborations(user, queryset=None):
    """The collaborations `user` may see: a queryset filter, so lists never leak what detail pages refuse."""
    from bluelight.collaborations.models import Collaboration

    queryset = queryset if queryset is not None else Collaboration.objects.all()
    if _is_staff_role(user) or (user is not None and user.is_authenticated and user.is_admin):
        return queryset
    own = editor_organisation_ids(user)
    published = queryset.published()
    if not own:
        return published
    return (published | queryset.filter(partners__organisation__in=own)).distinct()


def editable_collaborations(user, queryset=None):
    from bluelight.collaborations.models import Collaboration

    queryset = queryset if queryset is not None else Collaboration.objects.all()
    if _is_staff_role(user) or (user is not None and user.is_authenticated and user.is_admin):
        return queryset
    own = editor_organisation_ids(user)
    if not own:
        return queryset.none()
    return queryset.filter(partners__organisation__in=own).distinct()


def require(user, action: str, obj=None, *, hide: bool = False) -> None:
    """Raise 403 (or 404 when `hide`, so the object's existence is not revealed) unless allowed."""
    if not can(user, action, obj):
        if hide:
            raise Http404
        raise PermissionDenied
