"""Full-text search: ranking, prefixes, phrases, hostile input, an index the services keep current, highlighting."""

import dataclasses

import pytest
from django.core.management import call_command
from django.db.models import F, Q

from bluelight.collaborations import rules
from bluelight.collaborations.models import Collaboration, EvidenceItem
from bluelight.collaborations.search import (
    collaboration_search,
    query_parse,
    search_highlight,
    search_index_rebuild,
    search_index_update,
    search_organisations,
)
from bluelight.collaborations.services import (
    collaboration_data_from,
    collaboration_publish,
    collaboration_update,
    collaboration_withdraw,
)
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.consolidation import services as consolidation
from bluelight.consolidation.tests.conftest import report, round_  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def titles(query: str, queryset=None) -> list[str]:
    found = collaboration_search(queryset if queryset is not None else Collaboration.objects.published(), query)
    return list(found.order_by("-search_rank", "title").values_list("title", flat=True))


@pytest.fixture
def world(register):
    """Four published records and a draft, each holding its words in a different part."""
    make_collaboration(title="Tri-service station at Epsom", description="Police, fire and ambulance share a site.")
    make_collaboration(
        title="Shared control room",
        description="One control room for the station's calls and the force's.",
        lessons="Merging rotas took a year.",
    )
    make_collaboration(
        title="Co-responding in Kent",
        description="Firefighters attend cardiac arrests.",
        outcomes=[rules.OutcomeData("Response times fell by four minutes.")],
    )
    make_collaboration(title="Estates review", benefits=[], description="Surplus buildings sold off.")
    make_collaboration(title="Secret draft about stations", publication="draft")


def test_a_title_match_outranks_a_description_only_match(world):
    assert titles("station") == ["Tri-service station at Epsom", "Shared control room"]


def test_a_record_matching_more_words_ranks_higher(world):
    assert titles("control OR room OR fire")[0] == "Shared control room"
    found = titles("police OR site OR ambulance OR kent")
    assert found[0] == "Tri-service station at Epsom" and "Co-responding in Kent" in found


def test_every_word_must_match(world):
    assert titles("control room") == ["Shared control room"]
    assert titles("control cardiac") == []


def test_the_last_word_matches_as_a_prefix(world):
    assert titles("stat") == ["Tri-service station at Epsom", "Shared control room"]
    assert titles("co-resp") == ["Co-responding in Kent"]
    assert titles("stat control") == []  # only the last word is a prefix


def test_a_quoted_phrase_matches_its_words_in_order(world):
    assert titles('"control room"') == ["Shared control room"]
    assert titles('"room control"') == []


def test_outcomes_and_lessons_are_searched(world):
    assert titles("minutes") == ["Co-responding in Kent"]
    assert titles("rotas") == ["Shared control room"]


def test_callers_choose_which_records_are_searched(world):
    assert "Secret draft about stations" not in titles("stations")
    assert "Secret draft about stations" in titles("stations", Collaboration.objects.all())


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "NEAR(",
        "NEAR(a b",
        "-",
        "- -",
        "a -b",
        "AND",
        "OR",
        "NOT",
        "OR OR",
        "^",
        ":",
        "'",
        "(",
        ")",
        "title:station",
        "{title}: x",
        "a\x00b",
        "\x00",
        "x" * 10_000,
        "station " * 2_000,
        "é ß 東京",
        "_",
        "a_b",
    ],
)
def test_hostile_queries_never_raise(world, query):
    found = collaboration_search(Collaboration.objects.published(), query)
    list(found.order_by("-search_rank"))
    search_highlight("Tri-service station", query)


def test_a_query_of_only_punctuation_matches_nothing(world):
    assert query_parse("\"*-(^:'") == []
    assert titles('"*-(^') == []


def test_a_long_query_is_cut_not_refused(world):
    assert titles("station " + "x" * 10_000) == []
    assert titles("station " * 100) == ["Tri-service station at Epsom", "Shared control room"]


def _retitle(collaboration, title: str, **fields):
    data = dataclasses.replace(collaboration_data_from(collaboration), title=title, **fields)
    return collaboration_update(collaboration=collaboration, data=data)


def test_an_updated_title_is_found_by_its_new_words_not_its_old(register):
    record = make_collaboration(title="Joint fleet workshop")
    _retitle(record, "Shared vehicle maintenance")
    assert titles("maintenance") == ["Shared vehicle maintenance"]
    assert titles("workshop") == []


def test_a_withdrawn_record_is_not_found_and_comes_back_when_published_again(register):
    record = make_collaboration(title="Joint fleet workshop")
    collaboration_withdraw(collaboration=record)
    assert titles("workshop") == []
    collaboration_publish(collaboration=record)
    assert titles("workshop") == ["Joint fleet workshop"]


def test_evidence_linked_to_a_record_is_searched(register):
    record = make_collaboration(title="Joint fleet workshop")
    item = EvidenceItem.objects.create(title="Independent audit", summary="Downtime halved in the first year.")
    item.collaborations.add(record)
    search_index_update([record.pk])
    assert titles("downtime") == ["Joint fleet workshop"]


def test_evidence_linked_or_unlinked_in_the_admin_is_searched(register, rf, django_user_model):
    from django.contrib import admin

    record = make_collaboration(title="Joint fleet workshop")
    item = EvidenceItem.objects.create(title="Fleet audit", summary="Downtime halved.")
    request = rf.post("/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    model_admin = admin.site._registry[EvidenceItem]

    class Form:  # what save_related uses of the admin's form
        instance = item

        def __init__(self, linked):
            self.linked = linked

        def save_m2m(self):
            item.collaborations.set(self.linked)

    model_admin.save_related(request, Form([record]), [], change=True)
    assert titles("downtime") == ["Joint fleet workshop"]
    model_admin.save_related(request, Form([]), [], change=True)
    assert titles("downtime") == []
    model_admin.save_related(request, Form([record]), [], change=True)
    model_admin.delete_model(request, item)
    assert titles("downtime") == []


def test_a_merge_makes_its_record_findable_and_undo_removes_it(round_, report):  # noqa: F811
    report(
        "surrey_police",
        reference="SP1",
        title="Joint station at Epsom",
        partners="Surrey Fire and Rescue Service",
        description="Police and fire share the Epsom station.",
        theme="es_joint_facilities",
        start_date="2016",
    )
    (cluster,) = consolidation.consolidation_propose(round_=round_)
    merge = consolidation.cluster_merge(cluster=cluster)
    collaboration_publish(collaboration=merge.collaboration)
    assert titles("epsom") == ["Joint station at Epsom"]
    consolidation.merge_undo(merge=merge)
    assert titles("epsom", Collaboration.objects.all()) == []
    assert _index_size() == 0


def test_a_record_merged_into_another_leaves_the_index(register):
    survivor = make_collaboration(title="Joint station at Epsom")
    absorbed = make_collaboration(title="Epsom shared site")
    Collaboration.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    search_index_update([absorbed.pk, survivor.pk])
    assert titles("epsom", Collaboration.objects.all()) == ["Joint station at Epsom"]


def _index_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM collaborations_search")
        return cursor.fetchone()[0]


def test_rebuild_indexes_records_written_without_the_services(world):
    Collaboration.objects.filter(title="Estates review").update(title="Estates disposal programme")
    assert titles("disposal") == []
    assert search_index_rebuild() == 5
    assert titles("disposal") == ["Estates disposal programme"]


def test_the_search_command_rebuilds_the_index(world, capsys):
    Collaboration.objects.filter(title="Estates review").update(title="Estates disposal programme")
    call_command("search", "rebuild")
    assert "5 collaborations" in capsys.readouterr().out
    assert titles("disposal") == ["Estates disposal programme"]


def test_highlight_marks_words_and_prefixes_and_escapes_html():
    html = search_highlight("<b>Joint</b> station & stationery at Epsom", "stat epsom")
    assert html == ("&lt;b&gt;Joint&lt;/b&gt; <mark>station</mark> &amp; <mark>stationery</mark> at <mark>Epsom</mark>")


def test_highlight_cuts_a_snippet_around_the_first_match():
    text = ("Filler words here. " * 30) + "The <station> opened. " + ("More words after. " * 30)
    html = search_highlight(text, "station", length=120)
    assert html.startswith("…") and html.endswith("…") and len(html) < 200
    assert "&lt;<mark>station</mark>&gt;" in html


def test_highlight_without_a_match_is_the_escaped_start_of_the_text():
    assert search_highlight("A <i>short</i> text", "") == "A &lt;i&gt;short&lt;/i&gt; text"
    assert search_highlight("x" * 300, "y", length=100) == "x" * 100 + "…"


def test_organisation_names_are_resolved_with_aliases_and_typos(register):
    assert [o.slug for o in search_organisations("SECAmb")] == ["south_east_coast_as"]
    assert "hampshire_iow_frs" in [o.slug for o in search_organisations("Hants Fire")] or search_organisations(
        "Hants Fire"
    )
    assert [o.slug for o in search_organisations("Surey Police")][:1] == ["surrey_police"]
    assert search_organisations("") == [] and search_organisations("\x00") == []


def test_also_adds_records_the_text_does_not_match_ranked_after_those_it_does(world):
    """With `also`, text matches rank alike (a rank per row re-ran the full-text query per record)."""
    also = Q(title="Estates review")
    found = collaboration_search(Collaboration.objects.published(), "station", also=also)
    ranked = list(found.order_by(F("search_rank").desc(nulls_last=True), "title"))
    assert [c.title for c in ranked] == ["Shared control room", "Tri-service station at Epsom", "Estates review"]
    assert ranked[0].search_rank == ranked[1].search_rank > 0 and ranked[2].search_rank is None
    assert [c.title for c in collaboration_search(Collaboration.objects.all(), '"', also=also)] == ["Estates review"]


def test_the_scale_loader_leaves_every_record_indexed(register):
    from bluelight.demo.services import demo_scale_load

    demo_scale_load(n=30, history=False)
    assert _index_size() == Collaboration.objects.count() == 30
    some = Collaboration.objects.order_by("pk").first()
    assert some in collaboration_search(Collaboration.objects.all(), some.title)
