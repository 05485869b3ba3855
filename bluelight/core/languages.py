"""Record text in the language it was written in: which language that is, and marking it with `lang` on a page
in another language (so screen readers pronounce it rightly, and browsers hyphenate and spell-check it as what
it is). A record says its language where it has a `language` field (collaborations); any other record text
(organisation, theme and evidence names, editions) was written in English.

Templates use these through core/templatetags/languages.py: `{% lang_attr record %}` and `|text_lang`.
"""

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

RECORD_LANGUAGE = "en"  # the language of record text whose record does not say


def page_language() -> str:
    """The page's language as a bare code ("en", "cy"): the language active while it renders."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def record_language(record=None) -> str:
    """The language a record's text was written in: a language code given as is, else its `language`, else English."""
    if isinstance(record, str):
        return record or RECORD_LANGUAGE
    return getattr(record, "language", "") or RECORD_LANGUAGE


def lang_attribute(record=None) -> str:
    """` lang="en"` when the record's text is not in the page's language, else nothing."""
    code = record_language(record)
    if code == page_language():
        return ""
    return format_html(' lang="{}"', code)


def text_in_language(value, record=None):
    """The text, escaped, inside `<span lang="en">` when it is not in the page's language; empty stays empty."""
    if value is None or value == "":
        return value
    code = record_language(record)
    if code == page_language():
        return value
    return format_html('<span lang="{}">{}</span>', code, value)


def site_name() -> str:
    """The service's name in the page's language: SITE_NAME_CY on Welsh pages (when set), SITE_NAME otherwise."""
    if page_language() == "cy" and getattr(settings, "SITE_NAME_CY", ""):
        return settings.SITE_NAME_CY
    return settings.SITE_NAME
