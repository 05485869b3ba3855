"""Template helpers for the service's two languages: the language switch in the header, and `lang` on record text
(which language a record's text is in: bluelight/core/languages.py)."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language_info, gettext, gettext_noop, override

from bluelight.core.languages import lang_attribute, page_language, text_in_language

register = template.Library()

# Read to people who want the other language, so each is said in the language it offers.
SWITCH_DESCRIPTIONS = {
    "en": gettext_noop("Change the language to English"),
    "cy": gettext_noop("Change the language to Welsh"),
}


@register.simple_tag
def lang_attr(record=None) -> str:
    """` lang="en"` when the record's text is not in the page's language, else nothing.

    For an element that holds nothing but the record's text:
    `<h1 class="govuk-heading-l"{% lang_attr collaboration %}>{{ collaboration.title }}</h1>`.
    """
    return lang_attribute(record)


@register.filter
def text_lang(value, record=None):
    """`{{ organisation.name|text_lang }}`, `{{ collaboration.title|text_lang:collaboration }}`: the text, escaped,
    inside `<span lang="en">` when it is not in the page's language. Empty stays empty, so `|default` still works."""
    return text_in_language(value, record)


@register.inclusion_tag("core/includes/language_navigation.html", takes_context=True)
def language_navigation(context) -> dict:
    """GOV.UK's language navigation: each language named in itself, the current one as text, the other a link
    that keeps the choice and comes back to this page."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    current = page_language()
    items = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            description = gettext(SWITCH_DESCRIPTIONS[code]) if code in SWITCH_DESCRIPTIONS else ""
        items.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "current": code == current,
                "href": reverse("core:language", args=[code]) + "?" + urlencode({"next": here}),
                "description": description,
            }
        )
    return {"items": items}
