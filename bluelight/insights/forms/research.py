"""The analysts' form for a research question. It only checks and gathers: `research_question_create` /
`research_question_update` run the register's rules and write what `question_data()` returns."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bluelight.accounts.admin_base import SafeModelMultipleChoiceField
from bluelight.collaborations.models import EvidenceItem, Publication, Theme
from bluelight.core.forms import GovukMessages
from bluelight.insights.models import ResearchQuestion, ResearchStatus
from bluelight.insights.research import FIELDS, ResearchQuestionData, rules_check

DATE_HINT = _("For example, 27 3 2026.")


def _date(label, hint=""):
    return forms.DateField(
        label=label,
        required=False,
        help_text=f"{hint} {DATE_HINT}".strip() if hint else DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EvidenceChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, item: EvidenceItem) -> str:
        if item.is_published:
            return _("%(title)s (rated %(strength)s)") % {"title": item.title, "strength": item.strength}
        return _("%(title)s (rated %(strength)s, draft)") % {"title": item.title, "strength": item.strength}


class ResearchQuestionForm(GovukMessages, forms.Form):
    error_names = {"publication": _("whether it is published")}

    question = forms.CharField(
        label=_("Research question"),
        max_length=300,
        help_text=_(
            "As the working group asks it, for example: Does co-responding improve survival from cardiac arrest?"
        ),
    )
    description = forms.CharField(label=_("Why it matters and what it covers"), widget=forms.Textarea, required=False)
    themes = SafeModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.select_related("parent").order_by("parent__name", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The question shows on each theme's page."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ResearchStatus.choices, widget=forms.RadioSelect)
    commissioned_by = forms.CharField(
        label=_("Commissioned by"),
        max_length=200,
        required=False,
        help_text=_("For example, the National Police Chiefs' Council. Needed once it is commissioned."),
    )
    carried_out_by = forms.CharField(
        label=_("Carried out by"),
        max_length=200,
        required=False,
        help_text=_("For example, a university or the College of Policing. Needed once it is in progress."),
    )
    proposed_on = _date(_("Date proposed"))
    commissioned_on = _date(_("Date commissioned"))
    due_on = _date(_("Date due"), _("When the findings are expected."))
    reported_on = _date(_("Date reported"), _("Only for research that has reported."))
    evidence = EvidenceChoiceField(
        label=_("Resulting evidence items"),
        queryset=EvidenceItem.objects.order_by("title"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The reports it produced, recorded first as evidence items. Needed once it has reported."),
    )
    publication = forms.ChoiceField(
        label=_("Publication"),
        choices=[(Publication.PUBLISHED, _("Published")), (Publication.DRAFT, _("Draft (not public)"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, instance: ResearchQuestion | None = None, **kwargs):
        self.instance = instance
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in FIELDS},
                "themes": list(instance.themes.all()),
                "evidence": list(instance.evidence.all()),
            }
        kwargs.setdefault("initial", {}).setdefault("publication", Publication.PUBLISHED)
        kwargs["initial"].setdefault("status", ResearchStatus.PROPOSED)
        super().__init__(*args, **kwargs)

    def clean(self):
        """The register's rules too, so every problem shows at once: a rule is not said again about a field
        already refused (a date that is not a date)."""
        cleaned = super().clean()
        try:
            rules_check(self.question_data())
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, errors)
        return cleaned

    def question_data(self) -> ResearchQuestionData:
        c = self.cleaned_data
        return ResearchQuestionData(
            **{
                name: c.get(name) for name in FIELDS if name not in ("description", "commissioned_by", "carried_out_by")
            },
            description=c.get("description", ""),
            commissioned_by=c.get("commissioned_by", ""),
            carried_out_by=c.get("carried_out_by", ""),
            themes=list(c.get("themes", [])),
            evidence=list(c.get("evidence", [])),
        )
