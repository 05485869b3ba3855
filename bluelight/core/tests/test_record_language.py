"""`lang` on record text: `{% lang_attr record %}` and `|text_lang` mark text that is not in the page's language."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import override

WELSH_RECORD = SimpleNamespace(language="cy")
ENGLISH_RECORD = SimpleNamespace(language="en")
UNSAID = SimpleNamespace()  # a record with no language of its own: its text is English


def render(source: str, language: str, **context) -> str:
    with override(language):
        return Template("{% load languages %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("page", "record", "expected"),
    [
        ("cy", ENGLISH_RECORD, ' lang="en"'),
        ("cy", UNSAID, ' lang="en"'),
        ("cy", None, ' lang="en"'),
        ("cy", WELSH_RECORD, ""),
        ("en", ENGLISH_RECORD, ""),
        ("en", UNSAID, ""),
        ("en-gb", UNSAID, ""),
        ("en", WELSH_RECORD, ' lang="cy"'),
        ("en", "cy", ' lang="cy"'),
    ],
)
def test_lang_attr_marks_only_text_in_another_language_than_the_page(page, record, expected):
    assert render("<h1{% lang_attr record %}>", page, record=record) == f"<h1{expected}>"


def test_text_lang_wraps_english_text_on_a_welsh_page_and_escapes_it():
    assert render("{{ name|text_lang }}", "cy", name="Kent & Medway <Fire>") == (
        '<span lang="en">Kent &amp; Medway &lt;Fire&gt;</span>'
    )
    assert render("{{ name|text_lang }}", "en", name="Kent & Medway") == "Kent &amp; Medway"


def test_text_lang_follows_the_record_and_keeps_safe_markup():
    title = mark_safe("Gorsaf <mark>ar y cyd</mark>")
    assert render("{{ title|text_lang:record }}", "en", title=title, record=WELSH_RECORD) == (
        '<span lang="cy">Gorsaf <mark>ar y cyd</mark></span>'
    )
    assert render("{{ title|text_lang:record }}", "cy", title=title, record=WELSH_RECORD) == (
        "Gorsaf <mark>ar y cyd</mark>"
    )


def test_empty_text_stays_empty_so_a_translated_default_is_not_marked_english():
    assert render('{{ region|text_lang|default:"—" }}', "cy", region="") == "—"
