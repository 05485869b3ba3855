"""The overview report in English and Welsh: one run writes both, each page and PDF says its language, record text
keeps its own, and a browser asking for Welsh gets the Welsh report with a link to the English one.

Welsh words are never written here: each is what the Welsh catalogue gives for the English msgid (`gettext` under
`override("cy")`). Until the project's Welsh catalogue has them, `welsh_catalogue` compiles a small one with polib
into a temporary folder placed after the project's LOCALE_PATHS, so the project's own translations win wherever it
has them, and the report's main headings are sure to differ from English.
"""

import datetime
import re
from html.parser import HTMLParser
from io import BytesIO, StringIO

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from bluelight.collaborations.models import Collaboration
from bluelight.collaborations.tests.factories import make_collaboration, saving
from bluelight.editions.models import ReportRun, ReportState
from bluelight.editions.report import figures, render
from bluelight.editions.report.figures import overview_build, overview_in_language
from bluelight.editions.report.language import RecordText, joined, phrase, record
from bluelight.editions.report.runs import report_request
from bluelight.editions.services import edition_publish

# The report's main headings (the contents and each part's <h2>) and a few labels the tests read back.
HEADINGS = [
    "Contents",
    "Headlines",
    "Collaboration by theme",
    "Services working together",
    "Where collaboration happens",
    "Savings and costs",
    "Methodology",
    "Data annex",
]
LABELS = ["Collaborations by status", "Status", "Who was asked", "Download the report", "Download the report in Welsh"]
# Stand-in Welsh for the temporary catalogue, used only where the project's catalogue has no translation yet. The
# tests never compare with these: they ask gettext, so the lead's merged catalogue is tested the same way.
STAND_IN = {
    "Contents": "Cynnwys",
    "Headlines": "Penawdau",
    "Collaboration by theme": "Cydweithio yn ôl thema",
    "Services working together": "Gwasanaethau'n cydweithio",
    "Where collaboration happens": "Ble mae cydweithio'n digwydd",
    "Savings and costs": "Arbedion a chostau",
    "Methodology": "Methodoleg",
    "Data annex": "Atodiad data",
    "Collaborations by status": "Cydweithrediadau yn ôl statws",
    "Status": "Statws",
    "Who was asked": "Pwy a holwyd",
    "Download the report": "Lawrlwytho'r adroddiad",
    "Download the report in Welsh": "Lawrlwytho'r adroddiad yn Gymraeg",
    "Growth since %(name)s": "Twf ers %(name)s",
    "Page %(page)s of %(pages)s": "Tudalen %(page)s o %(pages)s",
}

FAKE_PDF = b"%PDF-1.7\n% stand-in for a typeset report\n%%EOF\n"


@pytest.fixture
def welsh_catalogue(settings, tmp_path_factory):
    """The project's Welsh catalogue, with the report's headings filled in where it has none yet."""
    folder = tmp_path_factory.mktemp("locale")
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "cy",
        "Plural-Forms": "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;",
    }
    for msgid, msgstr in STAND_IN.items():
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    (folder / "cy" / "LC_MESSAGES").mkdir(parents=True)
    catalogue.save_as_mofile(str(folder / "cy" / "LC_MESSAGES" / "django.mo"))
    # Listed last: Django lets the paths listed first win, so the project's own translations come first.
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, folder]
    return folder


def welsh(msgid: str) -> str:
    with translation.override("cy"):
        return gettext(msgid)


def english(msgid: str) -> str:
    with translation.override("en"):
        return gettext(msgid)


@pytest.fixture
def quick_pdf(monkeypatch):
    """Typesetting stands in for WeasyPrint, except in the test that reads the PDFs back."""
    monkeypatch.setattr(render, "pdf_write", lambda html, target: target.write_bytes(FAKE_PDF))


@pytest.fixture
def editions(register, theme):
    make_collaboration(
        "surrey_police", "surrey_frs", title="Joint station at Epsom", theme=theme("es_joint_facilities")
    )
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    make_collaboration(
        "kent_police",
        "kent_frs",
        "south_east_coast_as",
        title="Kent joint control room",
        theme=theme("es_tri_service_hub"),
        status="operational",
        benefits=[saving("250000", basis="realised")],
    )
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    return baseline, later


def _produce(edition, compare_with, django_capture_on_commit_callbacks) -> ReportRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(edition=edition, compare_with=compare_with)
    run.refresh_from_db()
    assert run.state == ReportState.DONE, run.error
    return run


class _Outline(HTMLParser):
    """The headings of a page (level, text, lang of the nearest element that has one) and every lang attribute."""

    def __init__(self):
        super().__init__()
        self.headings, self.langs, self._stack, self._heading = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "lang" in attrs:
            self.langs.append((tag, attrs["lang"]))
        if tag in ("br", "img", "meta", "link", "input", "hr", "col", "source"):
            return
        self._stack.append((tag, attrs.get("lang")))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag, "", next((lang for _t, lang in reversed(self._stack) if lang), None)]

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break
        if self._heading and tag == self._heading[0]:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split()), self._heading[2]))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data


def _outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def test_the_report_s_main_headings_differ_from_english_in_the_welsh_catalogue(welsh_catalogue):
    for msgid in HEADINGS + LABELS:
        assert welsh(msgid) != english(msgid), f"{msgid!r} has no Welsh translation"


def test_a_run_writes_the_page_and_the_pdf_in_english_and_in_welsh(
    editions, welsh_catalogue, quick_pdf, django_capture_on_commit_callbacks
):
    baseline, later = editions
    run = _produce(later, baseline, django_capture_on_commit_callbacks)

    for language in ("en", "cy"):
        for kind in ("html", "pdf", "page"):
            assert run.path(kind, language).is_file(), (kind, language)
    assert run.path("xlsx").is_file() and not run.path("xlsx", "cy").exists()  # the annex in English only
    assert run.path("pdf", "cy").name == "overview.cy.pdf" and run.path("page", "cy").name == "page.cy.html"

    english_page, welsh_page = run.path("page").read_text(), run.path("page", "cy").read_text()
    assert '<div class="ov-report" lang="en">' in english_page
    assert '<div class="ov-report" lang="cy">' in welsh_page
    assert re.search(r'<html lang="cy">', run.path("html", "cy").read_text())
    assert re.search(r'<html lang="en">', run.path("html").read_text())

    # The main headings: each part's <h2>, in order, in the page's language.
    h2 = {language: [text for tag, text, _lang in _outline(page).headings if tag == "h2"]
          for language, page in (("en", english_page), ("cy", welsh_page))}  # fmt: skip
    for msgid in HEADINGS:
        assert welsh(msgid) in h2["cy"] and welsh(msgid) not in h2["en"], msgid
        assert english(msgid) in h2["en"] and english(msgid) not in h2["cy"], msgid
    assert f"{welsh('Growth since %(name)s') % {'name': '2014 overview'}}" in h2["cy"]
    assert len(h2["cy"]) == len(h2["en"])
    # A table's caption and its header row in Welsh too.
    assert f">{escape(welsh('Collaborations by status'))}</caption>" in welsh_page
    assert f">{escape(welsh('Status'))}</th>" in welsh_page


def test_record_text_in_the_welsh_report_is_marked_english_and_the_english_report_has_no_marks(
    editions, welsh_catalogue, quick_pdf, django_capture_on_commit_callbacks
):
    baseline, later = editions
    run = _produce(later, baseline, django_capture_on_commit_callbacks)
    welsh_page, english_page = run.path("page", "cy").read_text(), run.path("page").read_text()

    # The edition's name in the title, a theme's name in its heading, a collaboration's title, partners' names.
    title = next(text for tag, text, _lang in _outline(welsh_page).headings if tag == "h1")
    assert '<span lang="en">2016 overview</span>' in welsh_page and "2016 overview" in title
    estates = next(name for code, name, _description in later.context["themes"] if code == "estates")
    assert f'<h3 id="theme-estates"><span lang="en">{escape(estates)}</span></h3>' in welsh_page
    assert '<span lang="en">Kent joint control room</span>' in welsh_page
    assert '<span lang="en">Kent Police</span>' in welsh_page
    # In a table: a theme's name in the first column, the editions' names in the growth tables' header row.
    assert re.search(r'<th scope="row"><span lang="en">[^<]*</span></th>', welsh_page)
    assert '<th scope="col" class="ov-num"><span lang="en">2014 overview</span></th>' in welsh_page
    # Never inside an attribute: the charts' text alternatives are plain text.
    assert not re.search(r'="[^"]*<span', welsh_page)
    assert "<span lang=" not in english_page
    # Dates written as Welsh writes them, month names from Django's Welsh catalogue.
    with translation.override("cy"):
        as_of = date_format(later.as_of, "j F Y")
    with translation.override("en"):
        assert as_of != date_format(later.as_of, "j F Y")
    assert as_of in welsh_page


def test_the_spreadsheet_annex_holds_plain_text(
    editions, welsh_catalogue, quick_pdf, django_capture_on_commit_callbacks
):
    baseline, later = editions
    run = _produce(later, baseline, django_capture_on_commit_callbacks)
    workbook = load_workbook(run.path("xlsx"))
    values = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Joint facilities" in " ".join(values) and not any("<span" in v for v in values)
    assert english("Collaborations by status") in values  # the annex is the English one


def test_a_welsh_browser_gets_the_welsh_report_page_with_a_link_to_the_english_pdf(
    client, editions, welsh_catalogue, quick_pdf, django_capture_on_commit_callbacks
):
    baseline, later = editions
    _produce(later, baseline, django_capture_on_commit_callbacks)
    url = reverse("editions:report_file", args=[later.slug, "html"])
    welsh_pdf = reverse("editions:report_file", args=[later.slug, "cy.pdf"])
    english_pdf = reverse("editions:report_file", args=[later.slug, "pdf"])

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="cy")
    page = response.content.decode()
    assert response.status_code == 200 and re.search(r'<html lang="cy"', page)
    assert re.search(r'<div lang="cy">\s*<div class="ov-report" lang="cy">', page)
    h2 = [text for tag, text, _lang in _outline(page).headings if tag == "h2"]
    assert welsh("Headlines") in h2 and welsh("Methodology") in h2 and english("Headlines") not in h2
    # The PDF in Welsh first, in Welsh words; then the English one, its words in English and marked so.
    links = re.findall(r'<a class="govuk-link" href="([^"]+)" hreflang="(\w+)"( lang="\w+")?>([^<]+)</a> \(PDF', page)
    assert links == [
        (welsh_pdf, "cy", "", escape(welsh("Download the report"))),
        (english_pdf, "en", ' lang="en"', escape(english("Download the report in English"))),
    ]

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert re.search(r'<div lang="en">\s*<div class="ov-report" lang="en">', page)
    assert english("Headlines") in [text for tag, text, _lang in _outline(page).headings if tag == "h2"]
    links = re.findall(r'<a class="govuk-link" href="([^"]+)" hreflang="(\w+)"( lang="\w+")?>([^<]+)</a> \(PDF', page)
    assert links == [
        (english_pdf, "en", "", escape(english("Download the report"))),
        (welsh_pdf, "cy", ' lang="cy"', escape(welsh("Download the report in Welsh"))),
    ]

    pdf = client.get(welsh_pdf)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf["Content-Language"] == "cy"
    assert 'filename="2016-overview-overview.cy.pdf"' in pdf["Content-Disposition"]
    assert client.get(english_pdf)["Content-Language"] == "en"
    for kind in ("en.pdf", "cy.xlsx", "cy.html", "fr.pdf", "cy.docx"):
        assert client.get(reverse("editions:report_file", args=[later.slug, kind])).status_code == 404, kind


def test_the_edition_page_offers_the_pdf_in_the_browser_s_language_first(
    client, editions, welsh_catalogue, quick_pdf, django_capture_on_commit_callbacks
):
    baseline, later = editions
    _produce(later, baseline, django_capture_on_commit_callbacks)
    page = client.get(reverse("editions:detail", args=[later.slug]), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    welsh_pdf = reverse("editions:report_file", args=[later.slug, "cy.pdf"])
    english_pdf = reverse("editions:report_file", args=[later.slug, "pdf"])
    assert f'href="{welsh_pdf}" hreflang="cy">{escape(welsh("Download the report"))}</a>' in page
    assert (
        f'href="{english_pdf}" hreflang="en" lang="en">{escape(english("Download the report in English"))}</a>' in page
    )
    assert page.index(welsh_pdf) < page.index(english_pdf)
    assert '<h1 class="govuk-heading-l"><span lang="en">2016 overview</span></h1>' in page


def test_a_run_from_before_the_translation_still_serves_english_to_a_welsh_browser(
    client, cast, editions, welsh_catalogue, quick_pdf, django_capture_on_commit_callbacks
):
    baseline, later = editions
    run = _produce(later, baseline, django_capture_on_commit_callbacks)
    for kind in ("html", "pdf", "page"):
        run.path(kind, "cy").unlink()  # as a run produced before reports were written in Welsh

    page = client.get(reverse("editions:report_file", args=[later.slug, "html"]), HTTP_ACCEPT_LANGUAGE="cy")
    text = page.content.decode()
    assert page.status_code == 200 and re.search(r'<html lang="cy"', text)  # the service's own words in Welsh
    assert re.search(r'<div lang="en">\s*<div class="ov-report" lang="en">', text)  # the body in English, said so
    assert english("Headlines") in [t for tag, t, _lang in _outline(text).headings if tag == "h2"]
    english_pdf = reverse("editions:report_file", args=[later.slug, "pdf"])
    assert (
        f'href="{english_pdf}" hreflang="en" lang="en">{escape(english("Download the report in English"))}</a>' in text
    )
    assert "cy.pdf" not in text
    assert client.get(reverse("editions:report_file", args=[later.slug, "cy.pdf"])).status_code == 404
    assert client.get(english_pdf).status_code == 200

    # An analyst's copy of the run says the same.
    client.force_login(cast.analyst)
    own = client.get(reverse("editions:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert reverse("editions:run_file", args=[run.pk, "pdf"]) in own and "cy.pdf" not in own
    assert client.get(reverse("editions:run_file", args=[run.pk, "cy.pdf"])).status_code == 404


def test_the_welsh_tables_come_from_the_same_counts_without_counting_the_entries_again(
    editions, welsh_catalogue, monkeypatch
):
    baseline, later = editions
    overview = overview_build(edition=later, compare_with=baseline)
    assert overview.language == "en"

    def counted_again(*args):
        raise AssertionError("the entries were counted a second time")

    monkeypatch.setattr(figures._Accumulator, "add", counted_again)
    monkeypatch.setattr(figures, "edition_compare", counted_again)
    welsh_overview = overview_in_language(overview, "cy")
    assert welsh_overview.language == "cy" and overview.language == "en"
    assert welsh_overview.tables["status"].title == welsh("Collaborations by status")
    assert overview.tables["status"].title == english("Collaborations by status")  # the English one is untouched
    assert list(welsh_overview.tables) == list(overview.tables)  # the same tables, in the same order
    for key, table in overview.tables.items():
        numbers = [[c for c in row if isinstance(c, int | float)] for row in table.rows]
        assert numbers == [[c for c in row if isinstance(c, int | float)] for row in welsh_overview.tables[key].rows]


def test_record_text_is_marked_only_where_the_page_is_in_another_language():
    title = record("Joint station at Epsom")
    assert isinstance(title, str) and title == "Joint station at Epsom" and title.language == "en"
    with translation.override("cy"):
        assert title.__html__() == '<span lang="en">Joint station at Epsom</span>'
        assert record("Gorsaf ar y cyd", "cy").__html__() == "Gorsaf ar y cyd"
        # A phrase: the words escaped, the record part marked; as a str, plain text.
        growth = phrase("Twf ers %(name)s <%(n)s>", name=record("2014 & after"), n=3)
        assert str(growth) == "Twf ers 2014 & after <3>"
        assert growth.__html__() == 'Twf ers <span lang="en">2014 &amp; after</span> &lt;3&gt;'
        assert joined(["Kent Police", "Kent FRS"]).__html__() == '<span lang="en">Kent Police, Kent FRS</span>'
        mixed = joined([record("Heddlu Dyfed-Powys", "cy"), "Kent Police"])
        assert mixed.__html__() == 'Heddlu Dyfed-Powys, <span lang="en">Kent Police</span>'
    with translation.override("en-gb"):
        assert title.__html__() == "Joint station at Epsom"
        assert record("<b>", "en").__html__() == "&lt;b&gt;"
    assert record("") == "" and not isinstance(record(""), RecordText) and record(None) == ""


def _flat(outline):
    for item in outline:
        yield from _flat(item) if isinstance(item, list) else [item]


def test_the_pdfs_are_typeset_in_their_languages(editions, welsh_catalogue, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    baseline, later = editions
    run = _produce(later, baseline, django_capture_on_commit_callbacks)
    texts, langs, pages = {}, {}, {}
    for language in ("en", "cy"):
        reader = PdfReader(BytesIO(run.path("pdf", language).read_bytes()))
        pages[language] = len(reader.pages)
        texts[language] = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        langs[language] = str(reader.trailer["/Root"].get("/Lang"))
        outline = [item.title for item in _flat(reader.outline)]
        assert (welsh if language == "cy" else english)("Methodology") in outline  # the PDF's bookmarks
    assert langs == {"en": "en", "cy": "cy"}
    for msgid in HEADINGS:
        assert welsh(msgid) in texts["cy"] and welsh(msgid) not in texts["en"], msgid
        assert english(msgid) in texts["en"], msgid
    assert "Kent joint control room" in texts["cy"]  # record text as it was written
    # The footer's page numbers in the PDF's language.
    numbers = "Page %(page)s of %(pages)s"
    assert welsh(numbers) % {"page": 2, "pages": pages["cy"]} in texts["cy"]
    assert english(numbers) % {"page": 2, "pages": pages["en"]} in texts["en"]
    assert welsh(numbers) != english(numbers)


def test_the_report_command_writes_the_language_asked_for(editions, welsh_catalogue, tmp_path):
    _baseline, later = editions
    for language in ("cy", "en"):
        target = tmp_path / f"{language}.html"
        call_command("report", later.slug, "-o", str(target), "--language", language, "--quiet", stdout=StringIO())
        document = target.read_text(encoding="utf-8")
        assert f'<html lang="{language}">' in document
        h2 = [text for tag, text, _lang in _outline(document).headings if tag == "h2"]
        assert (welsh if language == "cy" else english)("Methodology") in h2
    with pytest.raises(CommandError):
        call_command("report", later.slug, "-o", str(tmp_path / "x.html"), "--language", "fr", stdout=StringIO())


def test_a_welsh_record_in_an_english_report_is_marked_welsh(register, theme, tmp_path):
    make_collaboration("gwent_police", "south_wales_frs", title="Gorsaf ar y cyd", theme=theme("es_joint_facilities"))
    Collaboration.objects.filter(title="Gorsaf ar y cyd").update(language="cy")
    edition = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    assert edition.entries.get().data["language"] == "cy"  # frozen with the record
    with translation.override("en"):
        render.report_produce(edition=edition, compare_with=None, targets={"html": tmp_path / "x.html"})
    document = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert '<span lang="cy">Gorsaf ar y cyd</span>' in document
