"""Form helpers shared by the apps' pages."""

from django.core.exceptions import ValidationError


def form_add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: each message on its field, or above the form if no field has it."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
