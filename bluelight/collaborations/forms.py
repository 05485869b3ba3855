"""Forms for editing a collaboration with its partners and benefits, checked by the named rules.

A record is edited as one main form plus inline formsets (partners, benefits, outcomes,
contacts). The rules in rules.py judge the whole record, so the parts find each other through
the record instance they share (`rule_parts`): the main form, validated first, builds one
`CollaborationData` from every part, runs `rules.check` once, keeps the errors for its own
fields, and each formset reports the errors keyed to it (`partners`, `benefits`). Any failure
leaves the page invalid, so nothing is written. The forms only check: the admin writes what they
hold through the services (`collaboration_create`, `collaboration_update`), never `save()`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bluelight.accounts import policy
from bluelight.accounts.admin_base import SafeModelMultipleChoiceField
from bluelight.collaborations import rules
from bluelight.collaborations.models import (
    Collaboration,
    EvidenceItem,
    EvidenceKind,
    MarylandScale,
    Publication,
    Theme,
    validate_pdf,
)
from bluelight.collaborations.services import (
    EvidenceItemData,
    collaboration_data_from,
    collaboration_rows_matched,
)
from bluelight.core.forms import GovukMessages
from bluelight.core.versions import post_set, version_form_field, version_missing_message

# Each formset part and how one of its cleaned rows becomes rule data.
_ROW_DATA = {
    "partners": lambda row: rules.PartnerData(
        organisation=row["organisation"], is_lead=bool(row.get("is_lead")), role=row.get("role", "")
    ),
    "benefits": lambda row: rules.BenefitData(
        kind=row["kind"],
        amount_gbp=row["amount_gbp"],
        basis=row["basis"],
        price_year=row["price_year"],
        accrues_to=row.get("accrues_to"),
        to_date=row.get("to_date"),
        description=row.get("description", ""),
    ),
    "outcomes": lambda row: rules.OutcomeData(
        description=row["description"], measure=row.get("measure", ""), value=row.get("value")
    ),
    "contacts": lambda row: rules.ContactData(
        name=row["name"],
        email=row.get("email", ""),
        organisation=row.get("organisation"),
        role=row.get("role", ""),
    ),
}
_SCALAR_FIELDS = [
    name
    for name in rules.CollaborationData.__dataclass_fields__
    if name not in _ROW_DATA and name != "secondary_themes"
]


def rule_parts(instance: Collaboration) -> dict:
    """The forms editing `instance` in this request, by part name; kept on the instance they share."""
    return instance.__dict__.setdefault("_rule_parts", {})


def kept_rows(formset) -> list[dict] | None:
    """The cleaned rows a formset will keep (not blank extras, not deleted); None if any row is invalid."""
    rows = []
    for index, form in enumerate(formset.forms):
        valid = form.is_valid()
        if index >= formset.initial_form_count() and not form.has_changed():
            continue
        if formset.can_delete and form.cleaned_data.get("DELETE"):
            continue
        if not valid:
            return None
        rows.append(form.cleaned_data)
    return rows


def collaboration_data_from_forms(
    instance: Collaboration, cleaned_data: dict, parts: dict
) -> rules.CollaborationData | None:
    """The record as the submitted forms would leave it; None while a row is invalid.

    Fields and parts not on the page (read-only for this user, say) keep their stored values.
    """
    data = collaboration_data_from(instance) if instance.pk else rules.CollaborationData(title="", partners=[])
    for name in _SCALAR_FIELDS:
        setattr(data, name, cleaned_data.get(name, getattr(instance, name)))
    if "secondary_themes" in cleaned_data:
        data.secondary_themes = list(cleaned_data["secondary_themes"])
    for part, to_data in _ROW_DATA.items():
        if part in parts:
            rows = kept_rows(parts[part])
            if rows is None:
                return None
            setattr(data, part, [to_data(row) for row in rows])
    return data


class CollaborationAdminForm(forms.ModelForm):
    """The record's own fields, checked with its parts against the rules; when changing, the version opened.

    `stale_message`: set (by the admin, through `get_form`) when this save was refused because the
    record changed since the page was opened; the form then shows it and is not valid.
    """

    version = version_form_field()
    stale_message = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]  # a new record has no earlier version to be out of date with
        else:
            self.fields["version"].initial = self.instance.version

    class Meta:
        model = Collaboration
        fields = [
            "title",
            "description",
            "status",
            "status_reason",
            "scope",
            "lessons",
            "primary_theme",
            "secondary_themes",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "publication",
            "language",
        ]

    def clean(self):
        cleaned_data = super().clean()
        parts = rule_parts(self.instance)
        if "version" in self.fields and cleaned_data.get("version") is None:
            self.add_error(None, version_missing_message())
        if self.stale_message:
            self.add_error(None, self.stale_message)
        if self.errors:
            return cleaned_data  # field errors first; the rules run on the next submission
        data = collaboration_data_from_forms(self.instance, cleaned_data, parts)
        if data is None:
            return cleaned_data
        try:
            rules.check(data)
        except ValidationError as exc:
            parts["errors"] = exc.error_dict
            for key, errors in exc.error_dict.items():
                if key in self.fields:
                    self.add_error(key, errors)
                elif key not in parts:
                    # No part of this page shows that field: say it here rather than lose it.
                    self.add_error(None, errors)
        return cleaned_data


class RuleCheckedFormSet(BaseInlineFormSet):
    """An inline formset that reports the rule errors keyed to its part (see the module docstring)."""

    part: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule_parts(self.instance)[self.part] = self

    def rule_errors(self) -> list[ValidationError]:
        return rule_parts(self.instance).get("errors", {}).get(self.part, [])

    def clean(self) -> None:
        super().clean()
        if errors := self.rule_errors():
            raise ValidationError(errors)


class PartnerFormSet(RuleCheckedFormSet):
    """Partners, judged as a set by COL001-COL003; an editor must stay a partner to keep access."""

    part = "partners"

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        # Not super().clean(): Django's per-row uniqueness check would repeat COL003 in other
        # words; the rules judge the submitted set as a whole and the database constraints
        # remain the last guard.
        errors = list(self.rule_errors())
        own = policy.editor_organisation_ids(self.user)
        rows = kept_rows(self)
        if own and rows is not None and not own & {row["organisation"].pk for row in rows}:
            names = ", ".join(sorted(o.name for o in self.user.organisations.all()))
            errors.append(
                ValidationError(
                    _(
                        "Keep one of your organisations (%(names)s) as a partner: "
                        "without one you could no longer see or edit this record."
                    )
                    % {"names": names},
                    code="editor_keeps_access",
                )
            )
        if errors:
            raise ValidationError(errors)


class BenefitFormSet(RuleCheckedFormSet):
    part = "benefits"


class OutcomeFormSet(RuleCheckedFormSet):
    part = "outcomes"


class ContactFormSet(RuleCheckedFormSet):
    part = "contacts"


def collaboration_form_post(post, *, form, formsets, collaboration: Collaboration, content: dict, version: int):
    """A copy of the submitted `post` showing `content` (services.collaboration_content) at `version`.

    Used to show a refused stale edit again, merged with the current record, so that saving it
    once more applies it. Only fields and parts on this user's page are set; each row is shown as
    the stored row it would update (its id), as `collaboration_update` would pair them.
    """
    data = post.copy()
    for column, value in content["fields"].items():
        name = Collaboration._meta.get_field(column).name
        if name in form.fields and not form.fields[name].disabled:
            post_set(data, form.add_prefix(name), value)
    if "secondary_themes" in form.fields:
        post_set(data, form.add_prefix("secondary_themes"), content["secondary_themes"])
    for formset in formsets:
        pairs = collaboration_rows_matched(collaboration, formset.part, content[formset.part])
        pairs = [p for p in pairs if p[0] is not None] + [p for p in pairs if p[0] is None]
        prefix = formset.prefix
        for key in [k for k in data if k.startswith(f"{prefix}-") and k.split("-")[1].isdigit()]:
            del data[key]
        for index, (row, values) in enumerate(pairs):
            row_prefix = f"{prefix}-{index}-"
            if row is not None:
                data[row_prefix + "id"] = str(row.pk)
            data[row_prefix + formset.fk.name] = str(collaboration.pk)
            for column, value in values.items():
                name = formset.model._meta.get_field(column).name
                if name in formset.form.base_fields:
                    post_set(data, row_prefix + name, value)
        data[f"{prefix}-TOTAL_FORMS"] = str(len(pairs))
        data[f"{prefix}-INITIAL_FORMS"] = str(sum(row is not None for row, _values in pairs))
    post_set(data, form.add_prefix("version"), version)
    return data


# Evidence items

MONTHS = [("", _("Not known"))] + [
    (str(n), name)
    for n, name in enumerate(
        [
            _("January"),
            _("February"),
            _("March"),
            _("April"),
            _("May"),
            _("June"),
            _("July"),
            _("August"),
            _("September"),
            _("October"),
            _("November"),
            _("December"),
        ],
        start=1,
    )
]


class EvidenceItemForm(GovukMessages, forms.Form):
    """An analyst's record of an evaluation, audit or research output. It only checks and gathers:
    `services.evidence_item_create` / `evidence_item_update` write what `evidence_data()` returns."""

    error_names = {
        "strength_reason": _lazy("the reason for this rating"),
        "publication": _lazy("whether it is published"),
    }

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices, widget=forms.RadioSelect)
    author = forms.CharField(
        label=_("Authors or publisher"), max_length=200, required=False, help_text=_("For example, University of Kent")
    )
    month = forms.TypedChoiceField(
        label=_("Month published"), choices=MONTHS, coerce=int, empty_value=None, required=False
    )
    year = forms.IntegerField(label=_("Year published"), min_value=1990, max_value=2100, required=False)
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where the public can read it, if it is published elsewhere."),
    )
    document = forms.FileField(
        label=_("Upload the document (PDF)"),
        required=False,
        help_text=_("A PDF of up to 20 MB. It is shown to the public only while the evidence item is published."),
    )
    remove_document = forms.BooleanField(label=_("Remove the uploaded document"), required=False)
    method = forms.CharField(
        label=_("Method"),
        widget=forms.Textarea,
        required=False,
        help_text=_("How the evidence was gathered and what it was compared with."),
    )
    strength = forms.TypedChoiceField(
        label=_("Strength on the Maryland Scientific Methods Scale"),
        choices=MarylandScale.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    strength_reason = forms.CharField(
        label=_("Why this rating"),
        widget=forms.Textarea,
        help_text=_("For example: compared with two similar fire services that did not share stations."),
    )
    summary = forms.CharField(label=_("Findings"), widget=forms.Textarea, required=False)
    collaborations = forms.CharField(
        label=_("Collaborations it is about"),
        required=False,
        help_text=_(
            "Their record numbers, separated by commas: the number in a collaboration's address, "
            "for example 123 in /collaborations/123/."
        ),
    )
    evaluated = forms.IntegerField(
        label=_("The collaboration it evaluated"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("Where it is about several: the record number of the one it evaluated."),
    )
    themes = SafeModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.select_related("parent"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publication = forms.ChoiceField(
        label=_("Publication"),
        choices=[(Publication.PUBLISHED, _("Published")), (Publication.DRAFT, _("Draft (not public)"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, instance: EvidenceItem | None = None, **kwargs):
        self.instance = instance
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                **{
                    name: getattr(instance, name)
                    for name in (
                        "title",
                        "kind",
                        "author",
                        "month",
                        "year",
                        "url",
                        "method",
                        "strength",
                        "strength_reason",
                        "summary",
                        "publication",
                    )
                },
                "evaluated": instance.evaluated_id,
                "collaborations": ", ".join(str(pk) for pk in instance.collaborations.values_list("pk", flat=True)),
                "themes": list(instance.themes.all()),
            }
        super().__init__(*args, **kwargs)
        if instance is None or not instance.document:
            del self.fields["remove_document"]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            validate_pdf(document)
        return document

    def clean_collaborations(self):
        text = self.cleaned_data.get("collaborations", "")
        numbers = [part.strip().lstrip("#") for part in text.replace(";", ",").split(",") if part.strip()]
        bad = [n for n in numbers if not n.isdigit()]
        if bad:
            raise ValidationError(
                _("Enter record numbers only, separated by commas: %(bad)s is not one.") % {"bad": bad[0][:40]}
            )
        wanted = list(dict.fromkeys(int(n) for n in numbers))
        if len(wanted) > 500:
            raise ValidationError(_("Link at most 500 collaborations; for more, link the theme instead."))
        # A number too long for the database is no record's; asking for it would fail rather than find nothing.
        storable = [pk for pk in wanted if pk < 2**63]
        found = Collaboration.objects.filter(pk__in=storable, merged_into__isnull=True).in_bulk()
        missing = [str(pk) for pk in wanted if pk not in found]
        if missing:
            raise ValidationError(
                _("There is no current collaboration numbered %(numbers)s.") % {"numbers": ", ".join(missing[:10])}
            )
        return [found[pk] for pk in wanted]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("month") and not cleaned.get("year"):
            self.add_error("year", _("Give the year with the month."))
        evaluated = cleaned.get("evaluated")
        collaborations = cleaned.get("collaborations")
        if evaluated and collaborations is not None:
            chosen = next((c for c in collaborations if c.pk == evaluated), None)
            if chosen is None:
                self.add_error(
                    "evaluated", _("The collaboration it evaluated must be one of the collaborations it is about.")
                )
            cleaned["evaluated_record"] = chosen
        return cleaned

    def evidence_data(self) -> EvidenceItemData:
        c = self.cleaned_data
        return EvidenceItemData(
            title=c["title"],
            kind=c["kind"],
            author=c["author"],
            month=c["month"],
            year=c["year"],
            url=c["url"],
            document=c["document"] or None,
            remove_document=c.get("remove_document", False),
            method=c["method"],
            strength=c["strength"],
            strength_reason=c["strength_reason"],
            summary=c["summary"],
            publication=c["publication"],
            collaborations=c["collaborations"],
            themes=list(c["themes"]),
            evaluated=c.get("evaluated_record"),
        )
