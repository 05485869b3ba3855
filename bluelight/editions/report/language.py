"""The report's languages: which it is written in, and record text marked with the language it was written in.

Each run writes the report in every language of `REPORT_LANGUAGES`. Headings, labels and notes are translated;
text from the records (collaboration titles, organisation names, themes, the edition's name) stays as it was
written, and a report in another language marks it with `lang`, so a screen reader reads it in the right voice
and the PDF hyphenates it by the right rules.

`RecordText` and `Phrase` are `str`s: the spreadsheet, the charts and every `%` or `+` see plain text. Only a
template sees the marks, through `__html__` (Django's escaping calls it), so nothing built by joining strings
can carry markup into an attribute.
"""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

REPORT_LANGUAGES = ("en", "cy")  # the report is written in each; the first is the default and the stable address
DEFAULT_LANGUAGE = REPORT_LANGUAGES[0]
# Records do not say which language they are written in (no model has a language field yet): they are taken to be
# in English. A record that one day says otherwise is marked with its own language.
RECORD_LANGUAGE = "en"


def report_language(language: str | None = None) -> str:
    """The report language for `language` (default: the active one): "cy" for "cy" or "cy-gb", English for any
    language the report is not written in."""
    primary = (language or get_language() or DEFAULT_LANGUAGE).split("-")[0].lower()
    return primary if primary in REPORT_LANGUAGES else DEFAULT_LANGUAGE


class RecordText(str):
    """Text as a record holds it, in the language it was written in; marked with `lang` where the page around it
    is in another language."""

    language: str

    def __new__(cls, value, language: str | None = None):
        text = super().__new__(cls, "" if value is None else value)
        text.language = language or getattr(value, "language", None) or RECORD_LANGUAGE
        return text

    def __html__(self) -> str:
        if not self or report_language(self.language) == report_language():
            return conditional_escape(str(self))
        return format_html('<span lang="{}">{}</span>', self.language, str(self))


def record(value, language: str | None = None) -> RecordText | str:
    """`value` as record text, in `language` if the record says (a frozen entry's "language"), else in the
    language records are taken to be written in; an empty value stays an empty string (nothing to mark)."""
    return RecordText(value, language) if value else ("" if value is None else value)


class Phrase(str):
    """Translated words with record text inside them ("Growth since 2014 overview"): plain text as a `str`, the
    record parts marked with their language in a template. Placeholders are `%(name)s`."""

    def __new__(cls, template: str, parts: dict | None = None):
        # `parts` is None only when a pickle rebuilds the text, whose attributes follow.
        text = template if parts is None else template % {key: str(value) for key, value in parts.items()}
        phrase = super().__new__(cls, text)
        phrase.template, phrase.parts = template, parts or {}
        return phrase

    def __html__(self) -> SafeString:
        marked = {key: conditional_escape(value) for key, value in self.parts.items()}  # escaped, or marked
        return mark_safe(conditional_escape(self.template) % marked)  # noqa: S308 (the words escaped too)


def phrase(template: str, **parts) -> Phrase:
    """`template % parts`, keeping the language marks of record text among `parts` (see `Phrase`)."""
    return Phrase(template, parts)


def joined(values, separator: str = ", ") -> RecordText | Phrase:
    """Several record texts (partners' names) in one cell: one mark around them all when they share a language."""
    values = [record(value) for value in values]
    languages = {getattr(value, "language", RECORD_LANGUAGE) for value in values}
    if len(languages) <= 1:
        return RecordText(separator.join(values), languages.pop() if languages else None)
    keys = [f"v{i}" for i in range(len(values))]
    return Phrase(separator.replace("%", "%%").join(f"%({key})s" for key in keys), dict(zip(keys, values, strict=True)))
