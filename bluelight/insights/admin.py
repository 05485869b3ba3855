"""Insights in the admin, for analysts: the research register (policy: manage_research).

The admin's form checks the register's named rules, and the row is written through `research_question_create` /
`research_question_update`, so the admin and the research pages share one write path with history.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bluelight.accounts import policy
from bluelight.accounts.admin_base import PolicyAdminMixin, ReadOnlyInlineMixin
from bluelight.accounts.policy import Action
from bluelight.core.forms import form_add_service_errors
from bluelight.insights.duty import duty_document_path, duty_visible
from bluelight.insights.models import DutyDocument, DutyNotification, DutyOpportunity, ResearchQuestion, StrategicWeight
from bluelight.insights.priorities import strategic_weight_set
from bluelight.insights.research import (
    FIELDS,
    ResearchQuestionData,
    research_question_create,
    research_question_update,
    rules_check,
)

DATES = {"proposed_on", "commissioned_on", "due_on", "reported_on"}


def _data(cleaned: dict) -> ResearchQuestionData:
    """The admin form's values as the services' data (a text field left out of a bad post counts as empty)."""
    return ResearchQuestionData(
        **{name: cleaned.get(name) if name in DATES else cleaned.get(name) or "" for name in FIELDS},
        themes=list(cleaned.get("themes") or []),
        evidence=list(cleaned.get("evidence") or []),
    )


class ResearchQuestionAdminForm(forms.ModelForm):
    class Meta:
        model = ResearchQuestion
        fields = [*FIELDS[:3], "themes", *FIELDS[3:], "evidence"]

    def clean(self):
        cleaned = super().clean()
        try:
            rules_check(_data(cleaned))
        except forms.ValidationError as exc:
            form_add_service_errors(self, exc)
        return cleaned


@admin.register(ResearchQuestion)
class ResearchQuestionAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    view_action = add_action = change_action = delete_action = Action.MANAGE_RESEARCH
    form = ResearchQuestionAdminForm
    list_display = ("question", "status", "commissioned_by", "commissioned_on", "reported_on", "publication")
    list_filter = ("status", "publication", "themes")
    search_fields = ("question", "description", "commissioned_by", "carried_out_by")
    autocomplete_fields = ("themes", "evidence")

    def save_model(self, request, obj, form, change):
        """Nothing yet: `save_related` has the themes and evidence too, and writes the question at once."""

    def save_related(self, request, form, formsets, change):
        data = _data(form.cleaned_data)
        if change:
            saved = research_question_update(question=form.instance, data=data, user=request.user)
        else:
            saved = research_question_create(data=data, user=request.user)
        # The admin goes on with its own object (the redirect, the log entry): give it the row's identity.
        form.instance.pk = saved.pk
        form.instance._state.adding = False


class StrategicWeightAdminForm(forms.ModelForm):
    class Meta:
        model = StrategicWeight
        fields = ["theme", "value", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = self.fields["theme"].queryset.filter(parent__isnull=True)
        self.fields["reason"].required = True


@admin.register(StrategicWeight)
class StrategicWeightAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    """A theme's strategic weight, written through `strategic_weight_set` as on the priorities page."""

    view_action = add_action = change_action = delete_action = Action.MANAGE_RESEARCH
    form = StrategicWeightAdminForm
    list_display = ("theme", "value", "reason", "set_by", "set_at")
    search_fields = ("theme__name", "reason")

    def save_model(self, request, obj, form, change):
        saved = strategic_weight_set(
            theme=form.cleaned_data["theme"], value=form.cleaned_data["value"], reason=form.cleaned_data["reason"],
            user=request.user,
        )
        obj.pk = saved.pk
        obj._state.adding = False


# The duty to collaborate record --------------------------------------------------------------------------------
# Read-only here: a record is written on its own pages, where the statutory rules (insights/duty.py) are checked
# across the opportunity and its partners notified, which the admin's separate inline saves could not do.


def _may_read_duty(request, obj=None) -> bool:
    """A record (obj), or, with no object, some record: the policy's VIEW_DUTY with no object is the national
    picture (analysts), but an editor reads their own organisations' records."""
    if obj is None:
        return policy.can(request.user, Action.VIEW_DUTY) or policy.can(request.user, Action.EDIT_DUTY)
    return policy.can(request.user, Action.VIEW_DUTY, obj)


class DutyNotificationInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = DutyNotification
    fields = ("organisation", "notified_on", "response")

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_read_duty(request, obj)


class DutyDocumentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = DutyDocument
    fields = ("title", "url", "download")
    readonly_fields = ("title", "url", "download")

    @admin.display(description=_("Uploaded PDF"))
    def download(self, document) -> str:
        # Through the record's own address, which checks who may read it; never the file's storage URL.
        if not document.document:
            return ""
        return format_html('<a href="{}">{}</a>', duty_document_path(document), _("Download"))

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_read_duty(request, obj)


@admin.register(DutyOpportunity)
class DutyOpportunityAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    """Opportunities considered: editors see their organisations', analysts all (policy: view_duty)."""

    view_action = Action.VIEW_DUTY
    inlines = [DutyNotificationInline, DutyDocumentInline]
    list_display = ("title", "organisation", "decision", "identified_on", "decided_on")
    list_filter = ("decision", "source")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=duty_visible(request.user).values("pk"))

    def has_view_permission(self, request, obj=None) -> bool:
        return _may_read_duty(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
