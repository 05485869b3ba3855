"""Rounds and returns in the admin, for analysts: read what was reported; workflows stay on the pages.

Opening a round (requests, e-mails) and moving a return through its states go through the round
and return pages, whose services check the rules; here a round's text and dates can be corrected.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bluelight.accounts.admin_base import PolicyAdminMixin, ReadOnlyInlineMixin
from bluelight.accounts.policy import Action
from bluelight.returns.models import ItemPartner, Request, Return, ReturnItem, Round


class AnalystOnly(PolicyAdminMixin):
    view_action = change_action = delete_action = Action.MANAGE_ROUNDS

    def has_add_permission(self, request) -> bool:
        return False  # rounds are opened on the round pages, returns started by organisations


class RequestInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Request
    fields = ("organisation", "notified_at", "reminders_sent", "last_reminded_on")
    readonly_fields = fields
    extra = 0


@admin.register(Round)
class RoundAdmin(AnalystOnly, SimpleHistoryAdmin):
    list_display = ("name", "opens_on", "closes_on", "state", "dashboard")
    list_filter = ("state",)
    search_fields = ("name",)
    fields = ("name", "opens_on", "closes_on", "state", "guidance", "scope_description")
    readonly_fields = ("scope_description",)
    inlines = [RequestInline]

    @admin.display(description=_("dashboard"))
    def dashboard(self, round_: Round) -> str:
        return format_html('<a href="{}">{}</a>', round_.get_absolute_url(), _("Open the dashboard"))


class ReadOnlyAdmin(AnalystOnly):
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ItemPartnerInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ItemPartner
    fields = ("organisation", "typed_as")
    readonly_fields = fields
    extra = 0


class ReturnItemInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ReturnItem
    fields = ("reference", "title", "status", "action", "known_collaboration")
    readonly_fields = fields
    show_change_link = True
    extra = 0


@admin.register(Return)
class ReturnAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("organisation", "round", "state", "channel", "submitted_at")
    list_filter = ("round", "state", "channel", "organisation__type", "organisation__region")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "round")
    inlines = [ReturnItemInline]


@admin.register(ReturnItem)
class ReturnItemAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("reference", "title", "return_obj", "status", "action")
    list_filter = ("return_obj__round", "status", "action", "theme")
    search_fields = ("reference", "title", "description", "return_obj__organisation__name", "partners__typed_as")
    list_select_related = ("return_obj__organisation", "return_obj__round")
    inlines = [ItemPartnerInline]
