"""`bluelight report EDITION -o FILE ...`: the overview written from the command line, with a progress bar.

Typesetting is swapped for a stand-in PDF here (the real one is tested in test_report_outputs.py).
"""

import datetime
import io
import json
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.editions.management.commands.report import ProgressBar
from bluelight.editions.models import Edition
from bluelight.editions.report import render
from bluelight.editions.report.figures import overview_build
from bluelight.editions.services import edition_publish
from bluelight.returns import services as returns_services
from bluelight.returns.models import Return, ReturnState

FAKE_PDF = b"%PDF-1.7\n% stand-in for a typeset report\n%%EOF\n"


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    monkeypatch.setattr(render, "pdf_write", lambda html, target: target.write_bytes(FAKE_PDF))


@pytest.fixture
def editions(register):
    make_collaboration("surrey_police", "surrey_frs", title="Joint station at Epsom")
    baseline = edition_publish(name="2014 overview", as_of=datetime.date(2014, 9, 1), baseline=True)
    make_collaboration("kent_police", "kent_frs", title="Kent joint control room")
    later = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1))
    return baseline, later


def report(*args) -> str:
    out = io.StringIO()
    call_command("report", *map(str, args), stdout=out)
    return out.getvalue()


def test_it_writes_each_file_named_and_says_so(editions, tmp_path):
    _baseline, later = editions
    paths = [tmp_path / "o.html", tmp_path / "o.PDF", tmp_path / "annex.xlsx"]
    out = report(later.slug, "-o", paths[0], "-o", paths[1], "--output", paths[2], "--quiet")
    for path in paths:
        assert path.is_file() and path.stat().st_size > 0
        assert re.search(rf"Wrote {re.escape(str(path))} \([\d,]+ bytes\)", out)
    assert paths[1].read_bytes() == FAKE_PDF and paths[2].read_bytes()[:2] == b"PK"
    # The edition may be named by id or by name, too.
    report(later.pk, "-o", tmp_path / "by-id.html", "--quiet")
    report("2016 OVERVIEW", "-o", tmp_path / "by-name.html", "--quiet")
    assert (tmp_path / "by-id.html").is_file() and (tmp_path / "by-name.html").is_file()


def test_without_compare_with_it_shows_growth_since_the_baseline(editions, tmp_path):
    baseline, later = editions
    report(later.slug, "-o", tmp_path / "default.html", "--quiet")
    assert "Growth since 2014 overview" in (tmp_path / "default.html").read_text(encoding="utf-8")

    report(later.slug, "-o", tmp_path / "none.html", "--no-compare", "--quiet")
    assert "Growth since" not in (tmp_path / "none.html").read_text(encoding="utf-8")

    # The baseline itself has nothing to be compared with by default.
    report(baseline.slug, "-o", tmp_path / "baseline.html", "--quiet")
    assert "Growth since" not in (tmp_path / "baseline.html").read_text(encoding="utf-8")

    # ... but may be compared with another edition when asked.
    report(baseline.slug, "-o", tmp_path / "back.html", "--compare-with", later.name, "--quiet")
    assert "Growth since 2016 overview" in (tmp_path / "back.html").read_text(encoding="utf-8")


def test_two_files_of_the_same_kind_are_both_written_or_refused(editions, tmp_path):
    _baseline, later = editions
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    try:
        out = report(later.slug, "-o", first, "-o", second, "--quiet")
    except CommandError as error:
        assert "first.html" in str(error) or "second.html" in str(error)
        assert not first.exists() and not second.exists()
        return
    assert first.is_file() and second.is_file()
    assert "first.html" in out and "second.html" in out


@pytest.mark.parametrize("name", ["overview.docx", "overview", "overview.html.bak"])
def test_an_unknown_extension_names_the_option_and_the_allowed_ones(editions, tmp_path, name):
    _baseline, later = editions
    with pytest.raises(CommandError) as error:
        report(later.slug, "-o", tmp_path / "fine.html", "-o", tmp_path / name)
    message = str(error.value)
    assert message.startswith(f"-o {tmp_path / name}")
    assert ".html" in message and ".pdf" in message and ".xlsx" in message
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the file that was fine


def test_a_missing_folder_is_refused(editions, tmp_path):
    _baseline, later = editions
    with pytest.raises(CommandError, match="does not exist"):
        report(later.slug, "-o", tmp_path / "nowhere" / "overview.pdf")
    assert not (tmp_path / "nowhere").exists()


def test_an_edition_compared_with_itself_is_refused(editions, tmp_path):
    _baseline, later = editions
    with pytest.raises(CommandError, match="--compare-with"):
        report(later.slug, "-o", tmp_path / "o.html", "--compare-with", later.slug)
    assert not (tmp_path / "o.html").exists()


def test_an_unknown_edition_lists_the_editions_there_are(editions, tmp_path):
    with pytest.raises(CommandError) as error:
        report("2030 overview", "-o", tmp_path / "o.html")
    assert "'2030 overview'" in str(error.value)
    assert "2014 overview" in str(error.value) and "2016 overview" in str(error.value)
    with pytest.raises(CommandError, match="No edition 'nope'"):
        report(editions[1].slug, "-o", tmp_path / "o.html", "--compare-with", "nope")


def test_an_unknown_edition_says_there_are_none_yet(register, tmp_path):
    with pytest.raises(CommandError, match="none yet"):
        report("2014 overview", "-o", tmp_path / "o.html")


def test_progress_goes_to_stderr_one_line_per_step_unless_quiet(editions, tmp_path, capsys):
    _baseline, later = editions
    out = report(later.slug, "-o", tmp_path / "o.html", "-o", tmp_path / "o.xlsx")
    err = capsys.readouterr().err.splitlines()
    assert "Wrote" in out and not any("Wrote" in line for line in err)
    assert len(err) >= 5 and all(re.match(r"^ *\d{1,3}% \S", line) for line in err)
    assert err[0].strip().startswith("2% Reading 2 collaborations")
    assert any("Comparing with 2014 overview" in line for line in err)
    assert err[-1].startswith("100% Done in")
    assert len(err) == len(set(line.split("%", 1)[1] for line in err))  # each step once

    report(later.slug, "-o", tmp_path / "q.html", "--quiet")
    assert capsys.readouterr().err == ""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_writes_lines_to_a_file_or_pipe():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(2, "Reading")
    bar(20, "Reading")  # same step: no new line
    bar(40, "Counting")
    bar(150, "Done")  # clamped
    bar(-5, "Odd")
    assert stream.getvalue() == "  2% Reading\n 40% Counting\n100% Done\n  0% Odd\n"


def test_the_progress_bar_redraws_one_line_on_a_terminal():
    stream = FakeTerminal()
    bar = ProgressBar(stream, width=10)
    bar(0, "Starting")
    bar(50, "Half way there")
    assert stream.getvalue().count("\n") == 0
    frames = stream.getvalue().split("\r")[1:]
    assert frames[0].startswith("[..........]   0% Starting")
    assert frames[1].startswith("[#####.....]  50% Half way there")
    assert len(frames[0]) == len(frames[1])  # padded, so a shorter step leaves no trace of the longer one
    bar(100, "A step whose name is far longer than the fifty characters the bar has room for")
    last = stream.getvalue().split("\r")[-1]
    assert last.startswith("[##########] 100% A step whose name") and last.endswith("\n")
    assert len(last.rstrip("\n")) == len(frames[0])


def test_publish_with_a_round_freezes_who_was_asked_and_who_answered(register, org):
    """`editions publish --round`: the response rates of the round go into the edition and its report."""
    round_ = returns_services.round_open(
        name="Summer 2014 call for examples",
        opens_on=datetime.date(2014, 6, 1),
        closes_on=datetime.date(2014, 8, 31),
        types=["ambulance_trust", "fire_and_rescue"],
        notify=False,
    )
    in_time = timezone.make_aware(datetime.datetime(2014, 7, 15, 10))
    late = timezone.make_aware(datetime.datetime(2014, 9, 1, 10))  # after the round closed on 31 August
    for slug, state, submitted in [
        ("south_east_coast_as", ReturnState.SUBMITTED, in_time),
        ("kent_frs", ReturnState.ACCEPTED, in_time),
        ("surrey_frs", ReturnState.DRAFT, None),  # started, never sent: not an answer
        ("east_sussex_frs", ReturnState.SUBMITTED, late),  # answered, but after the round closed
    ]:
        started = returns_services.return_start(round_=round_, organisation=org(slug))
        Return.objects.filter(pk=started.pk).update(state=state, submitted_at=submitted)
    make_collaboration("surrey_police", "surrey_frs")

    out = io.StringIO()
    call_command(
        "editions", "publish", "2014 overview", "--date", "2014-09-01", "--round", round_.name, "--json", stdout=out
    )
    edition = Edition.objects.get(pk=json.loads(out.getvalue())["id"])
    assert edition.round == round_
    assert edition.methodology["answered_by"] == "2014-08-31"  # the round closed before the edition's date

    asked = Counter(round_.requests.values_list("organisation__type", flat=True))
    assert (
        asked["ambulance_trust"] > 1
        and asked["fire_and_rescue"] > 1
        and set(asked)
        == {
            "ambulance_trust",
            "fire_and_rescue",
        }
    )
    response = {row[0]: row[1:] for row in overview_build(edition=edition).tables["response"].rows}
    ambulance, fire = asked["ambulance_trust"], asked["fire_and_rescue"]
    assert response == {
        "Ambulance trust": [ambulance, 1, round(100 / ambulance, 1)],
        "Fire and rescue service": [fire, 1, round(100 / fire, 1)],
        "All": [ambulance + fire, 2, round(200 / (ambulance + fire), 1)],
    }

    with pytest.raises(CommandError, match="No round"):
        call_command("editions", "publish", "2015 overview", "--date", "2015-09-01", "--round", "Winter")
    assert Edition.objects.count() == 1
