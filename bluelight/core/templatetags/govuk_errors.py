"""The error summary's entries for includes/govuk_error_summary.html (core/forms.py `error_summary`)."""

from django import template

from bluelight.core.forms import error_summary

register = template.Library()


@register.simple_tag
def error_summary_entries(form=None, extra=None, first_target=""):
    """{% error_summary_entries form extra_errors first_target as entries %}: blank variables count as none."""
    return error_summary(form or None, extra or (), first_target=first_target or "")
