"""The service in Welsh: every template string goes through translation, the Welsh catalogue
(bluelight/locale/cy/LC_MESSAGES/django.po) is current and complete, and its compiled .mo says the same.

When one fails: `make translations` brings the .po up to date with the code and compiles the .mo; the new
or changed entries then need their Welsh (every plural form, no `#, fuzzy`), and `make translations` again.
"""

import contextlib
import gettext
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings

PACKAGE = Path(settings.BASE_DIR)  # bluelight/
PROJECT = PACKAGE.parent
PO_FILE = PACKAGE / "locale" / "cy" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
WELSH_PLURAL_FORMS = 4  # the .po header's nplurals: n=1, n=2, n=3..7 and 9, 10, 12+; n=0, 8 and 11

# What `make translations` runs makemessages with; the test makes the catalogue again with the same.
MAKEMESSAGES_IGNORE = ["bluelight/demo/*", "*/tests/*", "node_modules", "var"]

# Text the same in Welsh as in English: names of file formats and paper sizes ("Download (PDF, A4)").
NOT_TRANSLATED = {"PDF", "CSV", "JSON", "HTML", "XLSX", "xlsx", "ODS", "A4", "API", "OpenAPI"}
# Attributes whose values people read or hear (a submit input's value is its label too).
READ_ATTRIBUTES = {"aria-label", "aria-description", "aria-roledescription", "alt", "title", "placeholder"}
# Template tag arguments and filters whose string literals are shown: they need _("…").
SHOWN_ARGUMENTS = re.compile(
    r"""(?:\b(?:text|html|label|hint|heading|caption|legend|title)=|\|(?:default|default_if_none|yesno):)"""
    r"""\s*(?P<literal>"[^"]*"|'[^']*')"""
)
ATTRIBUTES_ONLY = re.compile(r"""^\s*([\w:-]+=("[^"]*"|'[^']*')\s*)+$""")  # ' enctype="multipart/form-data"'
CODE_LITERAL = re.compile(r"""^["'][a-z0-9_.:/!-]*["']$""")  # |default:'en', |default:"none": values, not words
WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*")  # letters and digits with at least one letter: "Save", "A4"
CODE_ELEMENTS = {"script", "style", "code", "kbd", "samp"}  # commands and code are the same in every language
HOLE = "\ue000"  # stands for a template tag or variable: not a letter, so never taken for text


# Templates: text outside {% translate %} and {% blocktranslate %} ----------------------------------------


def _with_holes(source: str) -> str:
    """The template as HTML, each tag, variable and translated block one HOLE (comments dropped), lines kept."""
    out, skip_until = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            out.append("\n" * token.contents.count("\n") if skip_until else token.contents)
            continue
        if token.token_type == TokenType.COMMENT:
            continue
        name = token.contents.split()[0] if token.contents.split() else ""
        if skip_until:
            if token.token_type == TokenType.BLOCK and name == skip_until:
                out.append(HOLE if skip_until != "endcomment" else "")
                skip_until = None
            continue
        if token.token_type == TokenType.BLOCK and name in ("blocktranslate", "blocktrans", "comment"):
            skip_until = "end" + name
            continue
        out.append(HOLE)
    return "".join(out)


def _is_text(value: str) -> bool:
    return any(word not in NOT_TRANSLATED for word in WORD.findall(value))


class _TextFinder(HTMLParser):
    """Text people read that is not a hole: in elements (not in code, a script or a style sheet, nor under
    translate="no") and in the attributes they read or hear."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[list] = []  # [tag, depth] of the element being skipped
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if not self.skipping:
            for name, value in attrs:
                read = name in READ_ATTRIBUTES or (
                    name == "value" and tag == "input" and attributes.get("type") in ("submit", "button", "reset")
                )
                if read and value and _is_text(value):
                    self.found.append((self.getpos()[0], f'{name}="{value}"'))
        if self.skipping and self.skipping[-1][0] == tag:
            self.skipping[-1][1] += 1
        elif tag in CODE_ELEMENTS or attributes.get("translate") == "no":
            self.skipping.append([tag, 1])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1][0] == tag:
            self.skipping[-1][1] -= 1
            if not self.skipping[-1][1]:
                self.skipping.pop()

    def handle_data(self, data):
        if self.skipping or not _is_text(data) or ATTRIBUTES_ONLY.match(data.replace(HOLE, " ")):
            return  # attributes alone: a block that fills in a tag of its parent ({% block enctype %})
        line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.found.append((line, " ".join(data.split())))


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) for each piece of text in a template that would reach people untranslated."""
    finder = _TextFinder()
    finder.feed(_with_holes(source))
    finder.close()
    found = finder.found
    tokens = Lexer(source).tokenize()
    for index, token in enumerate(tokens):
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            for match in SHOWN_ARGUMENTS.finditer(token.contents):
                literal = match.group("literal")
                if _is_text(literal) and not CODE_LITERAL.match(literal):
                    found.append((token.lineno, f"{literal} needs _(…) in: {token.contents}"))
        if token.token_type == TokenType.BLOCK and token.contents.split()[0] in ("blocktranslate", "blocktrans"):
            # Over several lines, its msgid would hold the template's line breaks and indents unless trimmed.
            body = next(i for i in range(index, len(tokens)) if tokens[i].contents.startswith("endblocktrans"))
            spans_lines = any("\n" in t.contents for t in tokens[index:body] if t.token_type == TokenType.TEXT)
            if spans_lines and "trimmed" not in token.contents.split():
                found.append((token.lineno, f"{{% {token.contents} %}} over several lines needs trimmed"))
    return sorted(found)


def templates() -> list[Path]:
    """Every template under bluelight/ that people read: HTML and text (e-mails); not stylesheets."""
    return sorted(
        path
        for path in PACKAGE.glob("**/templates/**/*")
        if path.is_file() and path.suffix in (".html", ".txt") and "tests" not in path.parts
    )


def test_the_finder_finds_untranslated_text_attributes_and_arguments():
    source = "\n".join(
        [
            "{% load i18n %}<h1>{% translate 'Fine' %}</h1>",  # 1
            "<p>Not translated</p>",  # 2
            '<a href="{{ url }}" aria-label="Close the panel">{% translate "x" %}</a>',  # 3
            '<img alt="{% translate \'Fine\' %}" src="a.png"><input type="submit" value="Save">',  # 4
            "{% blocktranslate trimmed %}Fine {{ name }}{% endblocktranslate %} (PDF) {{ a }} – {{ b }}",  # 5
            "<script>var words = 'not text';</script><style>.a::after { content: 'x' }</style>",  # 6
            '{# a comment #}{% comment %}<p>Notes</p>{% endcomment %}<code>make run</code><b translate="no">x</b>',
            '{% include "x.html" with label="Your name" hint=_("Fine") %}{{ x|default:"None given" }}',  # 8
            "{% blocktranslate %}Untrimmed\nover lines{% endblocktranslate %}<title>Page</title>",  # 9
            '{% block enctype %} enctype="multipart/form-data"{% endblock %}{{ code|default:"none" }}',  # 11
        ]
    )

    found = untranslated_text(source)

    assert [line for line, _text in found] == [2, 3, 4, 8, 8, 9, 10], found
    assert (3, 'aria-label="Close the panel"') in found
    assert (4, 'value="Save"') in found
    assert (10, "Page") in found


def test_every_template_string_goes_through_translation():
    problems = [
        f"{path.relative_to(PROJECT)}:{line}: {text}"
        for path in templates()
        for line, text in untranslated_text(path.read_text(encoding="utf-8"))
    ]

    assert not problems, "Text not in {% translate %} or {% blocktranslate trimmed %}:\n" + "\n".join(problems)


# The Welsh catalogue ------------------------------------------------------------------------------------


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _described(key: tuple[str, str, str]) -> str:
    context, msgid, _plural = key
    return f"{context}|{msgid!r}" if context else repr(msgid)


def _catalogue() -> polib.POFile:
    assert PO_FILE.exists(), f"{PO_FILE.relative_to(PROJECT)} is missing: run `make translations`"
    return polib.pofile(str(PO_FILE))


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext's xgettext (apt-get install gettext)")
def test_the_welsh_catalogue_has_every_string_the_code_and_templates_use(tmp_path):
    locale = tmp_path / "locale"
    (locale / "cy" / "LC_MESSAGES").mkdir(parents=True)
    with override_settings(LOCALE_PATHS=[locale]), contextlib.chdir(PROJECT):
        # bluelight/locale ignored: makemessages would otherwise write there, into the real catalogue.
        call_command(
            "makemessages",
            locale=["cy"],
            ignore_patterns=[*MAKEMESSAGES_IGNORE, "bluelight/locale"],
            verbosity=0,
        )
    made = polib.pofile(str(locale / "cy" / "LC_MESSAGES" / "django.po"))
    wanted = {_key(entry): entry for entry in made if not entry.obsolete}
    held = {_key(entry) for entry in _catalogue() if not entry.obsolete}

    missing = [f"{_described(key)} ({':'.join(wanted[key].occurrences[0])})" for key in wanted if key not in held]
    unused = [_described(key) for key in held if key not in wanted]
    assert not missing, "Run `make translations`: the .po lacks\n" + "\n".join(missing)
    assert not unused, "Run `make translations`: the .po holds strings nothing uses any more\n" + "\n".join(unused)


def _untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        return len(forms) != WELSH_PLURAL_FORMS or not all(forms.get(i) for i in range(WELSH_PLURAL_FORMS))
    return not entry.msgstr


def lacking_welsh(catalogue: polib.POFile) -> list[str]:
    """Each entry without its Welsh (a plural form missing counts) or marked fuzzy, with where it is first used."""
    return [
        f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {_described(_key(entry))} "
        f"({':'.join(entry.occurrences[0]) if entry.occurrences else 'no occurrence'})"
        for entry in catalogue
        if not entry.obsolete and (entry.fuzzy or _untranslated(entry))
    ]


def test_every_string_has_its_welsh_translation_and_none_is_fuzzy():
    """Fails until the translators' Welsh is merged into the .po; then whenever a string is added or changed."""
    catalogue = _catalogue()
    assert catalogue.metadata.get("Language") == "cy"
    assert catalogue.metadata.get("Plural-Forms", "").startswith(f"nplurals={WELSH_PLURAL_FORMS};")
    problems = lacking_welsh(catalogue)

    total = len([entry for entry in catalogue if not entry.obsolete])
    assert not problems, f"{len(problems)} of {total} strings lack their Welsh:\n" + "\n".join(problems)


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")
POSITIONAL = {"%s", "%d", "%i", "%f", "{}"}


def _placeholders(text: str) -> Counter:
    return Counter(match.group(0) for match in PLACEHOLDER.finditer(text))


def stray_placeholders(catalogue: polib.POFile) -> list[str]:
    """Translations asking for a value the code does not give: a %(name)s the English lacks, or a different
    number of %s. A plural form may leave a placeholder out (Welsh often drops the 1 of "1 record")."""
    problems = []
    for entry in catalogue:
        # Fuzzy entries are not compiled (and are listed as lacking their Welsh): only what Django would use.
        if entry.obsolete or entry.fuzzy or not ({"python-format", "python-brace-format"} & set(entry.flags)):
            continue
        given = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        wanted = sum(n for p, n in given.items() if p in POSITIONAL)
        for text in filter(None, entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]):
            used = _placeholders(text)
            positional = sum(n for p, n in used.items() if p in POSITIONAL)
            if {p for p in used if p not in POSITIONAL} - set(given) or (positional and positional != wanted):
                problems.append(f"{_described(_key(entry))} -> {text!r}")
    return problems


def test_no_welsh_translation_asks_for_a_value_its_english_does_not_give():
    """A placeholder the code does not fill is a server error on the Welsh page only."""
    problems = stray_placeholders(_catalogue())

    assert not problems, "Translations with placeholders the English lacks:\n" + "\n".join(problems)


def compiled_differences(catalogue: polib.POFile, mo_file: Path) -> list[str]:
    """Where the compiled catalogue differs from the .po, as msgfmt compiles it: an entry goes in unless it is
    fuzzy or its (first) msgstr is empty; Django then shows the English for what is left out."""
    with mo_file.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    expected = {}
    for entry in catalogue:
        first = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        if entry.obsolete or entry.fuzzy or not first:
            continue
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            expected |= {(msgid, int(i)): text for i, text in entry.msgstr_plural.items()}
        else:
            expected[msgid] = entry.msgstr
    held = {key: text for key, text in compiled._catalog.items() if key != ""}  # "" is the header
    differ = [str(key) for key in set(expected) | set(held) if expected.get(key) != held.get(key)]
    if compiled.info().get("plural-forms") != catalogue.metadata.get("Plural-Forms"):
        differ.append("the Plural-Forms header")
    return sorted(differ)


def test_the_compiled_catalogue_says_what_the_po_says():
    """Django reads the .mo, which is committed: msgfmt may be missing where the service runs."""
    assert MO_FILE.exists(), f"{MO_FILE.relative_to(PROJECT)} is missing: run `make translations`"
    differ = compiled_differences(_catalogue(), MO_FILE)

    assert not differ, "Run `make translations`: the .mo differs from the .po for\n" + "\n".join(differ[:50])


# The checks themselves, on a small catalogue of their own -----------------------------------------------


def _small_catalogue() -> polib.POFile:
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Language": "cy",
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;",
    }
    entries = [
        polib.POEntry(msgid="Home", msgstr="Hafan", occurrences=[("a.html", "1")]),
        polib.POEntry(msgid="Search", msgstr="", occurrences=[("a.html", "2")]),
        polib.POEntry(msgid="Theme", msgstr="Thema", flags=["fuzzy"], occurrences=[("a.html", "3")]),
        polib.POEntry(
            msgid="%(n)s record",
            msgid_plural="%(n)s records",
            msgstr_plural={0: "%(n)s cofnod", 1: "%(n)s gofnod", 2: "%(n)s cofnod", 3: ""},
            flags=["python-format"],
            occurrences=[("b.py", "4")],
        ),
        polib.POEntry(msgid="%(name)s joined", msgstr="Ymunodd %(enw)s", flags=["python-format"]),
        polib.POEntry(msgid="%s of %s", msgstr="%s", flags=["python-format"]),
        polib.POEntry(msgid="Year %(year)s", msgstr="Blwyddyn %(year)s", flags=["python-format"]),
        polib.POEntry(msgid="May", msgctxt="month", msgstr="Mai"),
    ]
    for entry in entries:
        catalogue.append(entry)
    return catalogue


def test_the_catalogue_checks_find_missing_welsh_and_placeholders_the_code_does_not_give():
    catalogue = _small_catalogue()

    assert lacking_welsh(catalogue) == [
        "untranslated: 'Search' (a.html:2)",
        "fuzzy: 'Theme' (a.html:3)",
        "untranslated: '%(n)s record' (b.py:4)",  # one of its four forms is missing
    ]
    assert stray_placeholders(catalogue) == ["'%(name)s joined' -> 'Ymunodd %(enw)s'", "'%s of %s' -> '%s'"]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext's msgfmt (apt-get install gettext)")
def test_the_compiled_catalogue_check_notices_a_po_changed_since_it_was_compiled(tmp_path):
    catalogue = _small_catalogue()
    catalogue.save(str(tmp_path / "django.po"))
    mo_file = tmp_path / "django.mo"
    subprocess.run([shutil.which("msgfmt"), "-o", str(mo_file), str(tmp_path / "django.po")], check=True)
    assert compiled_differences(catalogue, mo_file) == []

    catalogue.find("Home").msgstr = "Cartref"
    catalogue.append(polib.POEntry(msgid="Cookies", msgstr="Cwcis"))

    assert compiled_differences(catalogue, mo_file) == ["Cookies", "Home"]
