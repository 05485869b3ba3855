"""Template helpers for the service's two languages: the language switch in the header, and `lang` on record text.

Record text (titles, descriptions, names from the database) stays in the language it was written in. On a
page in another language it is marked with its own `lang`, so screen readers pronounce it rightly and
browsers hyphenate and spell-check it as what it is. A record says its language where it has a `language`
field (collaborations); any other record text was written in English.
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info, gettext, gettext_noop, override

register = template.Library()

RECORD_LANGUAGE = "en"  # the language of record text whose record does not say

# Read to people who want the other language, so each is said in the language it offers.
SWITCH_DESCRIPTIONS = {
    "en": gettext_noop("Change the language to English"),
    "cy": gettext_noop("Change the language to Welsh"),
}


def page_language() -> str:
    """The page's language as a bare code ("en", "cy"): the language active while it renders."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def record_language(record=None) -> str:
    """The language a record's text was written in: a language code given as is, else its `language`, else English."""
    if isinstance(record, str):
        return record or RECORD_LANGUAGE
    return getattr(record, "language", "") or RECORD_LANGUAGE


@register.simple_tag
def lang_attr(record=None) -> str:
    """` lang="en"` when the record's text is not in the page's language, else nothing.

    For an element that holds nothing but the record's text:
    `<h1 class="govuk-heading-l"{% lang_attr collaboration %}>{{ collaboration.title }}</h1>`.
    """
    code = record_language(record)
    if code == page_language():
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def text_lang(value, record=None):
    """`{{ organisation.name|text_lang }}`, `{{ collaboration.title|text_lang:collaboration }}`: the text, escaped,
    inside `<span lang="en">` when it is not in the page's language. Empty stays empty, so `|default` still works."""
    if value is None or value == "":
        return value
    code = record_language(record)
    if code == page_language():
        return value
    return format_html('<span lang="{}">{}</span>', code, value)


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
            description = gettext(SWITCH_DESCRIPTIONS.get(code, ""))
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
