"""Admin permissions from the one access policy, and the admin site that admits whom the policy allows.

Django's own model permissions (rows per user and model) are not used: a role decides, in
accounts/policy.py, so an analyst needs no permission rows to use every admin page.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bluelight.accounts import policy
from bluelight.accounts.policy import Action

SITE_HEADER = "Blue Light Collaboration Observatory — records"


class PolicyAdminMixin:
    """ModelAdmin permissions asked of `policy.can`; mix in before ModelAdmin or SimpleHistoryAdmin.

    Set the policy action behind each Django permission; `narrow_to_editable` limits the list
    and the change pages to `policy.editable_collaborations` (editors see their own records only).
    """

    view_action: str = Action.VIEW
    add_action: str = Action.CREATE
    change_action: str = Action.EDIT
    delete_action: str = Action.DELETE
    narrow_to_editable: bool = False

    def has_module_permission(self, request) -> bool:
        return policy.can(request.user, Action.USE_ADMIN) and self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, self.view_action, obj)

    def has_add_permission(self, request) -> bool:
        return policy.can(request.user, self.add_action)

    def has_change_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, self.change_action, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, self.delete_action, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.narrow_to_editable:
            queryset = policy.editable_collaborations(request.user, queryset)
        return queryset

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self.narrow_to_editable:
            # Outside the user's records: answer as if it did not exist, revealing nothing.
            raise Http404
        return obj

    # Change history (SimpleHistoryAdmin, and Django's own log for other admins) is for analysts.
    def history_view(self, request, object_id, extra_context=None):
        if not policy.can(request.user, Action.VIEW_HISTORY):
            raise PermissionDenied
        try:  # a mistyped address ("12/change/history/") is a page that does not exist, not an error
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

    def has_view_history_or_change_history_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, Action.VIEW_HISTORY, obj)

    def has_view_history_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, Action.VIEW_HISTORY, obj)

    def has_change_history_permission(self, request, obj=None) -> bool:
        # Reverting from history would bypass the rules that span a record's partners and
        # benefits; history is read here and corrections go through the change form.
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PolicyInlineMixin:
    """Inline permissions follow the parent record: who may change the record may change its rows.

    `obj` is the parent (None on an add page, where `create_action` applies).
    """

    view_action: str = Action.VIEW
    change_action: str = Action.EDIT
    create_action: str = Action.CREATE

    def _may_change(self, request, obj) -> bool:
        if obj is None:
            return policy.can(request.user, self.create_action)
        return policy.can(request.user, self.change_action, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, self.view_action, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may_change(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_change(request, obj)


class ReadOnlyInlineMixin:
    """An inline that shows rows written elsewhere (provenance, for example) and changes nothing."""

    view_action: str = Action.VIEW
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, self.view_action, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def site_has_permission(request) -> bool:
    """Who may enter the admin at all: the policy's `use_admin`, not Django's `is_staff` flag."""
    return policy.can(request.user, Action.USE_ADMIN)


class PolicyAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in form, admitting whom the policy admits."""

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not policy.can(user, Action.USE_ADMIN):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


def admin_site_configure(site) -> None:
    """Make `site` (the default admin site, which bluelight/urls.py serves) follow the policy."""
    site.site_header = SITE_HEADER
    site.site_title = "Blue Light records"
    site.index_title = "Records"
    site.has_permission = site_has_permission
    site.login_form = PolicyAuthenticationForm
