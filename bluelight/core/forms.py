"""Form helpers shared by the apps' pages: service refusals on a form, GOV.UK error messages, the error summary."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# Widgets rendered as a group of inputs with no id of their own (includes/govuk_field.html).
CHOICE_GROUPS = ("radioselect", "checkboxselectmultiple")
# Day-first, as the GOV.UK date pattern and a browser in en-GB show a date, and ISO as an <input type="date"> sends it.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y"]
DATE_EXAMPLE = "27 3 2024"
# A label starting so reads in a sentence as it is ("why this rating"); any other is "the ..." ("the status").
_LEADS = ("the ", "a ", "an ", "your ", "their ", "its ", "why ", "where ", "what ", "when ", "who ", "how ")
# Django fills these messages' %(...)s from the error's params: a name put into them has its % doubled.
_WITH_PARAMS = {"min_value", "max_value", "min_length", "max_length", "invalid_choice", "invalid_pk_value",
                "max_digits", "max_decimal_places", "max_whole_digits"}  # fmt: skip


def form_add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: each message on its field, or above the form if no field has it."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def field_name(label) -> str:
    """How a message names a field, from its label: "Status" -> "the status", "Why this rating" -> "why this rating"."""
    text = re.sub(r"\s*\([^)]*\)$", "", str(label).strip().rstrip(":"))
    if len(text) > 1 and not text[1].isupper():  # "PDF" stays as it is; "Status" reads "status" in a sentence
        text = text[0].lower() + text[1:]
    return text if text.startswith(_LEADS) else _("the %(label)s") % {"label": text}


def _django_defaults(field: forms.Field) -> dict:
    defaults = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


def _messages(field: forms.Field, widget_type: str, name: str) -> dict:
    """GOV.UK messages for `field`, naming it `name` ("the status", its % doubled); keys as Django's error codes."""
    Name = capfirst(name)
    multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    from_list = _("Select %(name)s from the list") % {"name": name}
    if str(field.label or "").strip().endswith("?"):  # a question: "Is this the baseline?"
        required = _("Select an answer to ‘%(question)s’") % {"question": str(field.label).strip().replace("%", "%%")}
        from_list = required
    elif multiple:
        required = _("Select at least one of %(name)s") % {"name": name}
    elif widget_type in CHOICE_GROUPS or isinstance(
        field, forms.ChoiceField | forms.ModelChoiceField | forms.FileField
    ):
        required = _("Select %(name)s") % {"name": name}
    else:
        required = _("Enter %(name)s") % {"name": name}
    messages = {
        "required": required,
        "invalid_choice": from_list,
        "invalid_list": from_list,
        "invalid_pk_value": from_list,
        "max_length": _("%(Name)s must be %%(limit_value)d characters or fewer") % {"Name": Name},
        "min_length": _("%(Name)s must be %%(limit_value)d characters or more") % {"Name": Name},
        "min_value": _("%(Name)s must be %%(limit_value)s or more") % {"Name": Name},
        "max_value": _("%(Name)s must be %%(limit_value)s or less") % {"Name": Name},
        "max_digits": _("%(Name)s must have at most %%(max)s digits") % {"Name": Name},
        "max_decimal_places": _("%(Name)s must have at most %%(max)s decimal places") % {"Name": Name},
        "max_whole_digits": _("%(Name)s must have at most %%(max)s digits before the point") % {"Name": Name},
        "missing": required,
        "empty": _("The selected file is empty"),
        "contradiction": _("Either select a new file or remove the one uploaded, not both"),
    }
    if isinstance(field, forms.DateField):
        messages["invalid"] = _("%(Name)s must be a real date, for example %(example)s") % {
            "Name": Name,
            "example": DATE_EXAMPLE,
        }
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = _("%(Name)s must be a whole number") % {"Name": Name}
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = _("%(Name)s must be a number") % {"Name": Name}
    elif isinstance(field, forms.URLField):
        messages["invalid"] = _("Enter %(name)s in the correct format, like https://www.example.org") % {"name": name}
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = _("Enter %(name)s in the correct format, like name@example.org") % {"name": name}
    elif isinstance(field, forms.FileField):
        messages["invalid"] = required
        messages["max_length"] = _("The file's name must be %(max)d characters or fewer")
    return messages


class GovukMessages:
    """A form mixin: Django's generic messages ("This field is required.", "Enter a valid date.", "Select a valid
    choice...") become GOV.UK ones naming the field ("Enter the title", "Select the status", "The date it describes
    must be a real date, for example 27 3 2024"). Messages a field sets itself are kept. A field is named from its
    label; `error_names` names one whose label does not read well in a sentence ("Opens on")."""

    error_names: dict = {}

    def full_clean(self):
        # Here rather than in __init__, so fields a form adds in its own __init__ are covered too.
        for key, field in self.fields.items():
            if getattr(field, "govuk_messages", False):
                continue
            field.govuk_messages = True
            if isinstance(field, forms.DateField):
                field.input_formats = DATE_INPUT_FORMATS
            defaults = _django_defaults(field)
            # A file field's label is an instruction ("Upload the document (PDF)"), not a name.
            named = _("a file to upload") if isinstance(field, forms.FileField) else field_name(field.label or key)
            name = str(self.error_names.get(key) or named)
            for code, text in _messages(field, self[key].widget_type, name.replace("%", "%%")).items():
                # Django's own message for the code (a validator's, such as max_length, when the field has none).
                if field.error_messages.get(code, defaults.get(code)) is defaults.get(code):
                    field.error_messages[code] = text if code in _WITH_PARAMS else text.replace("%%", "%")
        super().full_clean()


def field_target(bound_field) -> str:
    """The id an error summary links to for a field: its input as includes/govuk_field.html renders it; for a
    group of radios or checkboxes (which has no id of its own) its first input; for several boxes (a day, month
    and year) the first box. Empty for a hidden field, which has nothing to reach."""
    if bound_field.is_hidden:
        return ""
    if bound_field.widget_type in CHOICE_GROUPS:
        options = bound_field.subwidgets
        return options[0].id_for_label if options else ""
    if isinstance(bound_field.field.widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0" if bound_field.auto_id else ""
    return bound_field.id_for_label


def error_summary(form=None, extra=(), *, first_target: str = "") -> list[dict]:
    """The entries of a page's error summary, {"text", "href"}: the form's own errors (linked to `first_target`,
    if given) and a view's `extra` refusals (messages, or (message, id to link to) pairs) first, then each
    field's in the form's order, each linked to its field; a message already listed is not listed again."""
    entries, seen = [], set()

    def add(message, target: str) -> None:
        text = str(message)
        if text not in seen:
            seen.add(text)
            entries.append({"text": text, "href": f"#{target}" if target else ""})

    if form:
        for message in form.non_field_errors():
            add(message, first_target)
    for message in extra or ():
        add(*(message if isinstance(message, tuple) else (message, "")))
    if form:
        for bound_field in form:
            for message in bound_field.errors:
                add(message, field_target(bound_field))
    return entries
