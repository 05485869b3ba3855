"""Admin for the register: organisations with their aliases and areas; police force areas to read."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bluelight.accounts.admin_base import PolicyAdminMixin, PolicyInlineMixin
from bluelight.accounts.policy import Action
from bluelight.organisations.models import Alias, Organisation, PoliceForceArea


class HasSuccessorFilter(admin.SimpleListFilter):
    title = _("has a successor")
    parameter_name = "has_successor"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(successor__isnull=False)
        if self.value() == "no":
            return queryset.filter(successor__isnull=True)
        return queryset


class AliasInline(PolicyInlineMixin, admin.TabularInline):
    """An analyst who settles what a short name means here: for everyone, or for one reporter's returns."""

    model = Alias
    fk_name = "organisation"
    extra = 1
    fields = ("name", "reporter", "from_register")
    readonly_fields = ("from_register",)
    autocomplete_fields = ("reporter",)
    change_action = create_action = Action.MANAGE_REGISTER


@admin.register(Organisation)
class OrganisationAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    """Analysts and administrators keep the register; editors may look it up."""

    add_action = change_action = delete_action = Action.MANAGE_REGISTER
    list_display = (
        "name",
        "type",
        "region",
        "official_code",
        "in_register",
        "valid_from",
        "valid_to",
        "successor",
    )
    list_filter = ("type", "country", "region", "in_register", HasSuccessorFilter)
    search_fields = ("name", "slug", "official_code", "aliases__name")
    list_select_related = ("successor",)
    inlines = [AliasInline]
    filter_horizontal = ("police_force_areas",)
    autocomplete_fields = ("successor",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "type", "official_code", "notes")}),
        (_("Place"), {"fields": ("country", "region", "police_force_areas")}),
        (_("Validity and mergers"), {"fields": ("valid_from", "valid_to", "successor", "in_register")}),
    )


@admin.register(PoliceForceArea)
class PoliceForceAreaAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """The 43 areas are fixed geography loaded with the register: listed here, never edited."""

    list_display = ("name", "code", "country", "region")
    list_filter = ("country", "region")
    search_fields = ("name", "code")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
