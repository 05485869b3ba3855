"""Admin for users (administrators only), and the admin site's policy-driven front door."""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from bluelight.accounts.admin_base import PolicyAdminMixin, admin_site_configure
from bluelight.accounts.models import User
from bluelight.accounts.policy import Action

# The admin site is the default one (bluelight/urls.py serves admin.site.urls); this module is
# imported by admin autodiscovery, so the site follows the policy before any request arrives.
admin_site_configure(admin.site)

# A role, decided in policy.py, is what grants access; groups and permission rows grant nothing
# here, so offering to edit them would mislead.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(PolicyAdminMixin, DjangoUserAdmin):
    view_action = add_action = change_action = delete_action = Action.MANAGE_USERS

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Access"),
            {
                "fields": ("role", "organisations", "is_active", "is_superuser"),
                "description": _(
                    "The role decides what a user may do. An organisation editor sees and edits "
                    "only the records of the organisations chosen here."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Access"), {"fields": ("email", "role", "organisations")}),
    )
    filter_horizontal = ("organisations",)
    list_display = ("username", "email", "role", "organisation_names", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "organisations__name")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("organisations")

    @admin.display(description=_("organisations edited"))
    def organisation_names(self, user: User) -> str:
        return ", ".join(o.name for o in user.organisations.all())


@admin.register(AccessAttempt)
class AccessAttemptAdmin(PolicyAdminMixin, AxesAccessAttemptAdmin):
    """Failed sign-ins counted by django-axes (AXES_ENABLE_ADMIN is off, so it is registered here,
    under the policy): an administrator unlocks a username by deleting its row."""

    view_action = add_action = change_action = delete_action = Action.MANAGE_USERS

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
