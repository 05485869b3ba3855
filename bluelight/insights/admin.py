"""Insights in the admin, for analysts: the research register (policy: manage_research).

The admin's form checks the register's named rules, and the row is written through `research_question_create` /
`research_question_update`, so the admin and the research pages share one write path with history.
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bluelight.accounts.admin_base import PolicyAdminMixin
from bluelight.accounts.policy import Action
from bluelight.core.forms import form_add_service_errors
from bluelight.insights.models import ResearchQuestion, StrategicWeight
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
