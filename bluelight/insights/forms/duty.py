"""Forms for the duty to collaborate record. They only check and gather: the services in insights/duty.py apply
the statutory rules and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Collaboration, Theme
from bluelight.core.forms import GovukMessages, form_add_service_errors
from bluelight.insights.duty import DutyNotificationData, DutyOpportunityData
from bluelight.insights.models import DutyDecision, DutySource, StatutoryAnswer
from bluelight.organisations.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


ANSWERS = [(StatutoryAnswer.YES, _("Yes")), (StatutoryAnswer.NO, _("No")), ("", _("Not yet assessed"))]


def _iso(day) -> str | None:
    # includes/govuk_field.html writes a field's value as it is: a date object would come out in the page's
    # date format, which an <input type="date"> cannot read, so it would show empty and post nothing.
    return day.isoformat() if day else None


class DutyOpportunityForm(GovukMessages, forms.Form):
    error_names = {
        "identified_on": _("the date it was identified"),
        "considered_jointly_on": _("the date it was considered jointly"),
        "decided_on": _("the date it was decided"),
    }

    title = forms.CharField(
        label=_("Opportunity"), max_length=300, help_text=_("For example, Shared fire and police station at Reigate")
    )
    proposal = forms.CharField(
        label=_("Proposal"), widget=forms.Textarea, required=False,
        help_text=_("What would be done together, by whom, and what it would change."),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.select_related("parent").order_by("parent__position", "position"),
        required=False, to_field_name="code", empty_label=_("No theme"),
    )
    source = forms.ChoiceField(label=_("Where it came from"), choices=DutySource.choices, widget=forms.RadioSelect)
    identified_on = forms.DateField(label=_("Identified on"), widget=DATE)
    considered_jointly_on = forms.DateField(
        label=_("Considered jointly on"), widget=DATE, required=False,
        help_text=_("The date the partners considered the proposal together."),
    )
    joint_consideration = forms.CharField(
        label=_("Joint consideration"), widget=forms.Textarea, required=False,
        help_text=_("Who considered it together, and what they looked at."),
    )
    efficiency = forms.ChoiceField(
        label=_("Would it be in the interests of efficiency?"), choices=ANSWERS, widget=forms.RadioSelect,
        required=False,
    )
    effectiveness = forms.ChoiceField(
        label=_("Would it be in the interests of effectiveness?"), choices=ANSWERS, widget=forms.RadioSelect,
        required=False,
    )
    public_safety_harm = forms.ChoiceField(
        label=_("Would it have an adverse effect on public safety?"), choices=ANSWERS, widget=forms.RadioSelect,
        required=False,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DutyDecision.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, required=False)
    reasons = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea, required=False,
        help_text=_("Against each statutory test: efficiency, effectiveness and public safety."),
    )
    collaboration = forms.ModelChoiceField(
        label=_("Resulting collaboration"), queryset=Collaboration.objects.none(), required=False,
        empty_label=_("None yet"), help_text=_("When it goes ahead: the collaboration record it became."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["collaboration"].queryset = (
            Collaboration.objects.filter(partners__organisation=organisation, merged_into__isnull=True)
            .distinct()
            .order_by("title")
        )
        self.fields["theme"].label_from_instance = lambda t: f"{t.parent.name}: {t.name}" if t.parent_id else t.name

    def opportunity_data(self) -> DutyOpportunityData:
        return DutyOpportunityData(**self.cleaned_data)

    def add_service_errors(self, exc: ValidationError) -> None:
        form_add_service_errors(self, exc)

    @staticmethod
    def initial_from(opportunity) -> dict:
        return {
            "title": opportunity.title, "proposal": opportunity.proposal,
            "theme": opportunity.theme.code if opportunity.theme else None, "source": opportunity.source,
            "identified_on": _iso(opportunity.identified_on),
            "considered_jointly_on": _iso(opportunity.considered_jointly_on),
            "joint_consideration": opportunity.joint_consideration, "efficiency": opportunity.efficiency,
            "effectiveness": opportunity.effectiveness, "public_safety_harm": opportunity.public_safety_harm,
            "decision": opportunity.decision, "decided_on": _iso(opportunity.decided_on),
            "reasons": opportunity.reasons, "collaboration": opportunity.collaboration_id,
        }

    @staticmethod
    def initial_new(params) -> dict:
        """A new opportunity's starting values; `?theme=<code>&source=finder` when it comes from the finder."""
        initial = {"source": DutySource.OWN, "decision": DutyDecision.UNDER_CONSIDERATION,
                   "identified_on": _iso(timezone.localdate())}
        theme = Theme.objects.filter(code=params.get("theme", "")).first()
        if theme is not None:
            initial["theme"] = theme.code
            initial["title"] = theme.name
        if params.get("source") in DutySource.values:
            initial["source"] = params["source"]
        return initial


# Which field of the notification form shows a rule's message.
NOTIFICATION_RULE_FIELDS = {"DUTY013": "organisation", "DUTY014": "organisation", "DUTY015": "notified_on"}


class DutyNotificationForm(GovukMessages, forms.Form):
    error_names = {"notified_on": _("the date they were notified")}

    organisation = forms.ModelChoiceField(
        label=_("Partner notified"), queryset=Organisation.objects.none(), empty_label=_("Choose an organisation"),
        to_field_name="slug",
    )
    notified_on = forms.DateField(label=_("Notified on"), widget=DATE)
    response = forms.CharField(label=_("Their response"), widget=forms.Textarea, required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # The register, less the organisation keeping the record and bodies that have merged or closed.
        today = timezone.localdate()
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(in_register=True).valid_on(today).exclude(pk=organisation.pk).order_by("name")
        )

    def notification_data(self) -> DutyNotificationData:
        return DutyNotificationData(**self.cleaned_data)

    def add_service_errors(self, exc: ValidationError) -> None:
        errors = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
        for error in (e for group in errors for e in group):
            self.add_error(NOTIFICATION_RULE_FIELDS.get(error.code), error)


class DutyDocumentForm(GovukMessages, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=300, help_text=_("For example, Joint business case, March 2024")
    )
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    document = forms.FileField(
        label=_("Or upload it (PDF)"), required=False,
        help_text=_("A PDF of up to 20 MB, shown only to those who may read this record."),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("url") and not cleaned.get("document"):
            self.add_error("url", _("Give a link or upload a PDF."))
        return cleaned

    def add_service_errors(self, exc: ValidationError) -> None:
        form_add_service_errors(self, exc)
