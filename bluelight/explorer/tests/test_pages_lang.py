"""`lang` true to the content: on a Welsh page, the records' English text (titles, descriptions, organisation,
theme and evidence names) is marked lang="en"; a record written in Welsh is not, and is marked lang="cy" on an
English page. Each check finds every place the text is shown in the page's body and reads the language in force
there, as a screen reader would."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from bluelight.collaborations.services import EvidenceItemData, evidence_item_create
from bluelight.collaborations.tests.factories import make_collaboration

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Languages(HTMLParser):
    """The language in force at each piece of text of the page's <body>: the nearest `lang` around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, language in force inside it)
        self.texts: list[tuple[str, str]] = []  # (text, language)
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in VOID:
            return
        inherited = self.stack[-1][1] if self.stack else ""
        self.stack.append((tag, dict(attrs).get("lang") or inherited))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        # A figure's <title> and <desc> hold text only: a name inside one cannot be marked, and is not checked.
        if (
            self.in_body
            and data.strip()
            and self.stack
            and self.stack[-1][0] not in ("script", "style", "title", "desc")
        ):
            self.texts.append((" ".join(data.split()), self.stack[-1][1]))


def languages_of(html: str, text: str) -> set[str]:
    """The languages in force wherever `text` is shown in the body (empty if it is not shown)."""
    reader = _Languages()
    reader.feed(html)
    return {language for shown, language in reader.texts if text in shown}


@pytest.fixture
def record(register, theme):
    return make_collaboration(
        "surrey_police",
        "surrey_frs",
        title="Shared station at Epsom",
        description="Police and fire crews share the Epsom station.",
        lessons="Agree the lease first.",
        theme=theme("es_joint_facilities"),
    )


def test_a_welsh_record_page_marks_the_english_record_text(client, record):
    html = client.get(record.get_absolute_url(), **WELSH).content.decode()

    assert '<html lang="cy"' in html
    for text in [
        "Shared station at Epsom",
        "Police and fire crews share the Epsom station.",
        "Agree the lease first.",
        "Surrey Police",
        "Surrey Fire and Rescue Service",
        record.primary_theme.name,
    ]:
        assert languages_of(html, text) == {"en"}, text


def test_the_same_page_in_english_has_no_lang_of_its_own_on_the_record_text(client, record):
    html = client.get(record.get_absolute_url()).content.decode()

    assert languages_of(html, "Shared station at Epsom") == {"en"}
    assert '<h1 class="govuk-heading-l">Shared station at Epsom</h1>' in html


def test_a_record_written_in_welsh_is_marked_welsh_on_english_pages_and_not_marked_on_welsh_ones(client, register):
    welsh = make_collaboration(
        "north_wales_police",
        "north_wales_frs",
        title="Gorsaf ar y cyd yn y Rhyl",
        description="Rhannu gorsaf.",
        language="cy",
    )

    english_page = client.get(welsh.get_absolute_url()).content.decode()
    welsh_page = client.get(welsh.get_absolute_url(), **WELSH).content.decode()
    english_list = client.get(reverse("explorer:collaboration_list")).content.decode()

    assert languages_of(english_page, "Gorsaf ar y cyd yn y Rhyl") == {"cy"}
    assert languages_of(english_page, "Rhannu gorsaf.") == {"cy"}
    assert languages_of(english_list, "Gorsaf ar y cyd yn y Rhyl") == {"cy"}
    assert languages_of(welsh_page, "Gorsaf ar y cyd yn y Rhyl") == {"cy"}
    assert '<h1 class="govuk-heading-l">Gorsaf ar y cyd yn y Rhyl</h1>' in welsh_page  # the page's own language
    assert languages_of(welsh_page, "North Wales Police") == {"en"}  # organisation names are in English


def test_the_welsh_home_list_organisation_and_theme_pages_mark_record_text_english(client, record):
    theme_name = record.primary_theme.name
    pages = {
        "home": (reverse("explorer:home"), [record.primary_theme.parent.name]),  # counted by top-level theme
        "list": (reverse("explorer:collaboration_list"), ["Shared station at Epsom", "Surrey Police", theme_name]),
        "filtered list": (
            reverse("explorer:collaboration_list") + "?organisation=surrey_police",
            ["Shared station at Epsom", "Surrey Police"],
        ),
        "organisations": (reverse("explorer:organisation_list"), ["Surrey Police"]),
        "organisation": (
            reverse("explorer:organisation_detail", args=["surrey_police"]),
            ["Surrey Police", "Shared station at Epsom", "Surrey Fire and Rescue Service"],
        ),
        "themes": (reverse("explorer:theme_list"), [theme_name]),
        "theme": (reverse("explorer:theme_detail", args=[record.primary_theme.code]), [theme_name]),
    }
    for name, (url, texts) in pages.items():
        response = client.get(url, **WELSH)
        assert response.status_code == 200, name
        html = response.content.decode()
        for text in texts:
            assert languages_of(html, text) == {"en"}, f"{name}: {text}"


def test_the_welsh_evidence_pages_mark_titles_and_findings_english(client, record, theme):
    item = evidence_item_create(
        data=EvidenceItemData(
            title="Evaluation of the Epsom station",
            strength=3,
            strength_reason="A before and after comparison",
            summary="Response times fell.",
            collaborations=[record],
            evaluated=record,
            themes=[theme("es_joint_facilities")],
        )
    )

    detail = client.get(item.get_absolute_url(), **WELSH).content.decode()
    listing = client.get(reverse("explorer:evidence_list"), **WELSH).content.decode()

    for text in ["Evaluation of the Epsom station", "Response times fell.", "A before and after comparison"]:
        assert languages_of(detail, text) == {"en"}, text
    assert languages_of(detail, "Shared station at Epsom") == {"en"}
    assert languages_of(listing, "Evaluation of the Epsom station") == {"en"}


def test_the_welsh_organisation_list_marks_regions_in_its_table(client, register):
    html = client.get(reverse("explorer:organisation_list"), **WELSH).content.decode()

    # The filter's drop-down list of regions is a form widget's, not marked; the table's cells are.
    table = "<body>" + html[html.index("<table") :]
    assert languages_of(table, "South East") == {"en"}
