"""Admin permissions from the one access policy, and the admin site that admits whom the policy allows.

Django's own model permissions (rows per user and model) are not used: a role decides, in
accounts/policy.py, so an analyst needs no permission rows to use every admin page.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from bluelight.accounts import policy
from bluelight.accounts.policy import Action

SITE_HEADER = "Blue Light Collaboration Observatory — records"
SEARCH_MAX_LENGTH = 1000  # characters in an admin list's search box


def _holds(field, value) -> bool:
    """True if `value` (as posted) could be stored in `field`: the right type, and in range for an integer column."""
    try:
        value = field.to_python(value)
    except ValidationError:
        return False
    internal_type = field.get_internal_type()
    if isinstance(value, int) and ("Integer" in internal_type or internal_type.endswith("AutoField")):
        low, high = connection.ops.integer_field_range(internal_type)
        return (low is None or value >= low) and (high is None or value <= high)
    return True


class _SafeAutocompleteMixin:
    """Django's autocomplete widgets look up the posted values to redraw a form with errors, and a value that is
    not an id (``organisation=abc``, or an integer past the column's range) raised there: a 500 instead of the
    form's own "select a valid choice". Such values are left out of the lookup; the field still reports them."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta
        to_field = target.get_field(getattr(self.field.remote_field, "field_name", None) or target.pk.name)
        return super().optgroups(name, [v for v in value if _holds(to_field, v)], attr)


class SafeAutocompleteSelect(_SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of records that refuses an id past the column's range as it refuses "abc": as a form
    error. (Django checks each id's type but not its range, and SQLite then raises OverflowError.)"""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        for pk in value:
            if not _holds(field, pk):
                message = self.error_messages["invalid_pk_value"]
                raise ValidationError(message, code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class SafeRelatedFieldsMixin:
    """Related-record fields of an admin or inline form that answer a malformed id with a form error, never a
    500: the autocomplete widgets and multiple choices above, in place of Django's own."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PolicyAdminMixin(SafeRelatedFieldsMixin):
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

    def get_search_results(self, request, queryset, search_term):
        # SQLite refuses a LIKE pattern over 50,000 bytes ("pattern too complex": a 500); no record holds a
        # search that long in a field the admin searches, so it finds nothing, on every database alike.
        if len(search_term) > SEARCH_MAX_LENGTH:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

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
        if request.method == "POST" or not policy.can(request.user, Action.VIEW_HISTORY):
            raise PermissionDenied
        history_model = self.model.history.model
        if not _holds(self.model._meta.pk, unquote(object_id)) or not _holds(history_model._meta.pk, version_id):
            raise Http404  # "12/history/abc/" names no version
        return super().history_form_view(request, object_id, version_id, extra_context)


class PolicyInlineMixin(SafeRelatedFieldsMixin):
    """Inline permissions follow the parent record: who may change the record may change its rows.

    `obj` is the parent (None on an add page, where `create_action` applies).
    """

    view_action: str = Action.VIEW
    change_action: str = Action.EDIT
    create_action: str = Action.CREATE
    # More rows of one kind than any record holds (the register has some 150 organisations). A form claiming
    # more is refused with a form error and Django builds no more rows than this: without the ceiling, a garbled
    # count built and drew 2,000 rows per inline (max_num + 1,000, Django's default), some 20 s a request.
    max_num = 200

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.get_max_num(request, obj, **kwargs) or self.max_num)
        return super().get_formset(request, obj, **kwargs)

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
