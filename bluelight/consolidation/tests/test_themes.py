"""Theme suggestion: taxonomy fallback, learned mode, honest quality figures, the saved model."""

import pytest

from bluelight.collaborations.models import Theme
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.consolidation import themes
from bluelight.consolidation.themes import FALLBACK, LEARNED, Suggestion, ThemeSuggester, theme_model_train
from bluelight.demo.services import demo_load

CARDIAC = "Firefighters attend cardiac arrests with defibrillators alongside ambulance"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Each test saves its model in its own folder: never in the real var/."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def code_some(theme, cases: dict[str, list[tuple[str, str]]]) -> None:
    """Coded collaborations: {theme code: [(title, description), ...]}."""
    for code, reports in cases.items():
        for title, description in reports:
            make_collaboration(title=title, description=description, theme=theme(code))


FORCED_ENTRY = [
    (
        "Fire crews gain entry for paramedics in Epsom",
        "Firefighters force entry to homes when a patient cannot open the door.",
    ),
    (
        "Forced entry on behalf of the ambulance service",
        "Fire crews break in for ambulance staff, freeing police time.",
    ),
    ("Gaining entry for ambulance crews", "The fire service forces doors for paramedics instead of the police."),
]
SHARED_HQ = [
    ("Police and fire share one headquarters", "Both services moved into one headquarters building in Guildford."),
    ("Joint headquarters for police and fire", "A shared headquarters building replaced two separate ones."),
    ("One HQ for fire and police", "The fire service headquarters moved into the police headquarters."),
]


def test_with_the_taxonomy_only_a_cardiac_arrest_report_gets_the_cardiac_arrest_theme(register):
    suggester = ThemeSuggester.load()
    assert suggester.mode == FALLBACK
    found = suggester.suggest(CARDIAC)
    assert "fr_cardiac_arrest" in [s.theme_code for s in found]
    assert Theme.objects.get(code=found[0].theme_code).top_level.code == "first_response"


def test_suggestions_are_sorted_best_first_and_scored_between_0_and_1(register):
    suggester = ThemeSuggester.load()
    for found in suggester.suggest_many(
        [(CARDIAC, ""), ("Shared headquarters", "Police and fire in one building"), ("Hello", "")], top=5
    ):
        assert len(found) == 5 and all(isinstance(s, Suggestion) for s in found)
        scores = [s.score for s in found]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= score <= 1 for score in scores)
        assert len({s.theme_code for s in found}) == 5


def test_a_batch_gives_the_same_suggestions_as_one_at_a_time_and_none_for_a_blank_report(register):
    suggester = ThemeSuggester.load()
    rows = [(CARDIAC, ""), ("Joint vehicle workshop", "One workshop maintains police and fire vehicles"), ("", "")]
    assert suggester.suggest_many(rows) == [suggester.suggest(title, text) for title, text in rows]
    assert suggester.suggest("", "") == []
    with pytest.raises(ValueError, match="top"):
        suggester.suggest(CARDIAC, top=0)


def test_fewer_coded_records_than_the_minimum_fall_back_to_the_taxonomy_and_are_scored_against_it(register, theme):
    code_some(theme, {"dm_forced_entry": FORCED_ENTRY, "es_shared_hq": SHARED_HQ})
    report = theme_model_train(min_records=30)
    assert report.mode == FALLBACK
    assert (report.records, report.themes, report.evaluated) == (6, 2, 6)
    assert 0 <= report.accuracy <= 1 and 0 <= report.top3_accuracy <= 1
    assert "none used to fit" in report.evaluation
    assert not report.is_demo_data and report.caveat == ""


def test_learned_mode_cross_validates_and_holds_single_record_themes_out_once(register, theme):
    code_some(
        theme,
        {
            "dm_forced_entry": FORCED_ENTRY,
            "es_shared_hq": SHARED_HQ,
            "fr_cardiac_arrest": [("Firefighters sent to cardiac arrests", "Crews carry defibrillators.")],
        },
    )
    report = theme_model_train(min_records=5)
    assert report.mode == LEARNED
    assert (report.records, report.themes, report.folds, report.single_record_themes) == (7, 3, 3, 1)
    assert report.evaluated == 7 and report.accuracy is not None and report.macro_f1 is not None
    suggester = ThemeSuggester.load(min_records=5)
    assert suggester.suggest("Fire crews force entry for the ambulance service")[0].theme_code == "dm_forced_entry"
    # Themes nobody has coded can still be suggested: the taxonomy descriptions are training documents.
    assert "cr_colocated" in suggester.model.classes_


def test_records_coded_at_the_top_level_make_the_top_level_theme_a_suggestion(register, theme):
    code_some(theme, {"estates": SHARED_HQ, "demand": FORCED_ENTRY})
    suggester = ThemeSuggester.load(min_records=5)
    assert suggester.mode == LEARNED
    assert {"estates", "demand", "es_shared_hq"} <= set(suggester.model.classes_)
    assert "first_response" not in suggester.model.classes_  # a parent nobody codes at stays out


def test_learned_mode_on_the_demo_data_beats_chance_by_a_wide_margin(register):
    demo_load()
    report = theme_model_train()
    assert report.mode == LEARNED and report.records >= 100 and report.themes >= 20
    # Chance is under 0.07 (the commonest theme holds 10 of 150 records). Measured: accuracy
    # 0.95-0.97, macro-F1 0.88-0.90, top-3 0.98 over four shuffles; the bounds leave room for the
    # demo generator to change. Template texts overstate real accuracy, as the caveat says.
    assert report.accuracy > 0.8
    assert report.macro_f1 > 0.6
    assert report.top3_accuracy > 0.9
    assert report.is_demo_data and "overstate" in report.caveat


def test_the_model_file_is_created_on_first_use_and_reused(register, var_dir, monkeypatch):
    path = var_dir / "models" / "themes.joblib"
    assert not path.exists()
    first = ThemeSuggester.load()
    assert path.exists() and ThemeSuggester.path() == path

    def no_training(**kwargs):
        raise AssertionError("trained again although the saved model was fine")

    monkeypatch.setattr(themes, "_suggester_train", no_training)
    again = ThemeSuggester.load()
    assert again.report.trained_at == first.report.trained_at
    assert again.suggest(CARDIAC) == first.suggest(CARDIAC)


def test_a_changed_taxonomy_trains_the_model_again(register):
    ThemeSuggester.load()
    Theme.objects.create(
        code="wc_drones",
        name="Shared drone unit",
        parent=Theme.objects.get(code="wider"),
        description="Police and fire share unmanned aerial vehicles for searches and fire scenes.",
    )
    suggester = ThemeSuggester.load()
    assert "wc_drones" in suggester.model.classes_
    assert suggester.suggest("Shared drone unit", "Police and fire fly drones together")[0].theme_code == "wc_drones"


def test_an_unreadable_model_file_is_trained_again(register, var_dir):
    path = var_dir / "models" / "themes.joblib"
    path.parent.mkdir()
    path.write_bytes(b"not a model")
    assert ThemeSuggester.load().suggest(CARDIAC)
    assert path.stat().st_size > 1000


def test_a_fallback_model_learns_once_enough_records_are_coded(register, theme):
    assert ThemeSuggester.load(min_records=5).mode == FALLBACK
    code_some(theme, {"dm_forced_entry": FORCED_ENTRY, "es_shared_hq": SHARED_HQ})
    assert ThemeSuggester.load(min_records=5).mode == LEARNED
