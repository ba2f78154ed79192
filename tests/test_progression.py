"""Progressions: the numbers a patient sees in week N, and the rules a therapist writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from backroutine.log.store import CompletionLog
from backroutine.routine.loader import RoutineFileError, load_routine, parse_routine
from backroutine.routine.model import MAX_SECONDS
from backroutine.routine.progression import (
    as_of,
    describe_all,
    first_done,
    routine_for_week,
    week_number,
)


def routine(steps: str, head: str = ""):
    return parse_routine(f"title: T\n{head}steps:\n{steps}", "r.yaml")


def values(week: int, text_routine, field: str) -> list:
    return [getattr(step, field) for step in routine_for_week(text_routine, week).exercises]


@pytest.mark.parametrize(
    "first, today, week",
    [
        (None, date(2026, 3, 1), 1),
        (date(2026, 3, 1), date(2026, 3, 1), 1),
        (date(2026, 3, 1), date(2026, 3, 7), 1),
        (date(2026, 3, 1), date(2026, 3, 8), 2),
        (date(2026, 3, 1), date(2026, 3, 22), 4),
        (date(2026, 3, 1), date(2026, 2, 20), 1),  # a clock set wrong never gives week 0
    ],
)
def test_week_number_counts_whole_weeks_from_the_first_session(first, today, week):
    assert week_number(first, today) == week


def test_five_seconds_more_each_week_up_to_sixty():
    plank = routine(
        "  - name: Plank\n    hold: 20s\n    progression:\n      hold: +5s per week, up to 60s\n"
    )
    assert [values(week, plank, "hold")[0] for week in range(1, 12)] == [
        20,
        25,
        30,
        35,
        40,
        45,
        50,
        55,
        60,
        60,
        60,
    ]


def test_a_set_is_added_after_two_weeks():
    bridge = routine(
        "  - exercise: bridge\n    progression:\n      sets: +1 after 2 weeks\n",
        head="defaults:\n  sets: 2\n",
    )
    assert [values(week, bridge, "sets")[0] for week in (1, 2, 3, 10)] == [2, 2, 3, 3]


def test_values_by_week_hold_until_the_next_range():
    stretch = routine(
        "  - name: Hamstring stretch\n    hold: 15s\n    progression:\n      hold:\n"
        "        weeks 1-2: 20s\n        week 3 on: 30s\n"
    )
    assert [values(week, stretch, "hold")[0] for week in (1, 2, 3, 9)] == [20, 20, 30, 30]


def test_weeks_outside_every_range_keep_the_written_value():
    stretch = routine("  - name: S\n    hold: 15s\n    progression:\n      hold: {week 2: 25s}\n")
    assert [values(week, stretch, "hold")[0] for week in (1, 2, 3)] == [15, 25, 15]


def test_every_two_weeks_and_going_down():
    step = routine(
        "  - name: Walk\n    duration: 10m\n    sets: 3\n    rest: 40s\n    progression:\n"
        "      duration: +2m every 2 weeks, up to 20m\n      sets: -1 from week 4\n"
    )
    assert [values(week, step, "duration")[0] for week in (1, 2, 3, 4, 5, 20)] == [
        600,
        600,
        720,
        720,
        840,
        1200,
    ]
    assert [values(week, step, "sets")[0] for week in (3, 4)] == [3, 2]


def test_a_routine_wide_hold_rule_grows_single_holds_and_the_step_rule_wins():
    text = routine(
        "  - exercise: plank\n"  # hold 20 s: grows
        "  - exercise: bridge\n"  # paced reps, 5 s a rep: a different dose, untouched
        "  - exercise: side-plank\n"  # its own rule wins
        "    progression:\n      hold: +2s per week, up to 30s\n",
        head="progression:\n  hold: +5s per week, up to 60s\n",
    )
    assert values(3, text, "hold") == [30, 5, 19]


def test_limits_of_the_format_still_hold_whatever_the_week():
    text = routine(
        "  - name: Walk\n    duration: 50m\n    progression:\n"
        "      duration: +10m per week, up to 1h\n"
        "  - name: Sit-to-stand\n    reps: 99\n"
        "    progression:\n      reps: +5 from week 2\n"
    )
    week_9 = routine_for_week(text, 9)
    assert [step.duration or step.reps for step in week_9.exercises] == [MAX_SECONDS, 100]


def test_week_one_is_the_routine_as_written_and_the_result_has_no_progression():
    text = routine("  - exercise: plank\n", head="progression:\n  hold: +5s per week, up to 60s\n")
    week_1 = routine_for_week(text, 1)
    assert week_1.exercises[0].hold == text.exercises[0].hold
    assert week_1.progression is None
    assert routine_for_week(week_1, 5).exercises[0].hold == 20  # nothing left to apply


def test_rules_read_back_in_words():
    text = routine(
        "  - exercise: plank\n    progression:\n      sets: +1 after 2 weeks\n"
        "      hold: {weeks 1-2: 20s, week 3 on: 30s}\n"
    )
    assert describe_all(text.exercises[0], text) == [
        "hold: weeks 1-2: 20 s; week 3 on: 30 s",
        "sets: +1 from week 3",
    ]


@pytest.mark.parametrize(
    "rule, message",
    [
        ("hold: +5s per week", "r.yaml:6:13: progression of hold: add ', up to ...'"),
        ("hold: 5s", "r.yaml:6:13: progression of hold: '5s' is not a progression"),
        ("sets: +1", "r.yaml:6:13: progression of sets: 1 says how much but not when"),
        ("hold: +5s per week, down to 10s", "a '+' change goes up to a limit"),
        ("reps: +1 per week, up to 1000", "progression of reps: 1000 reps is over the limit"),
        ("hold: {weeks 1-3: 20s, week 3: 30s}", "week 3 is given twice"),
        ("hold: {week x: 20s}", "r.yaml:6:14: progression of hold: 'week x' is not a week"),
        ("hold: {week 2: 0}", "r.yaml:6:22: progression of hold, week 2: a duration must be"),
        (
            "holds: +5s per week, up to 60s",
            "r.yaml:6:7: unknown key 'holds' in the progression of step 1: did you mean 'hold'?",
        ),
        (
            "duration: +1m per week, up to 5m",
            "the progression changes duration, but the step has no duration",
        ),
    ],
)
def test_progression_mistakes_are_located(rule, message):
    with pytest.raises(RoutineFileError) as caught:
        routine(f"  - name: P\n    hold: 20s\n    progression:\n      {rule}\n")
    assert any(message in str(problem) for problem in caught.value.problems), caught.value


def test_first_done_comes_from_the_log_for_this_version_of_the_file(tmp_path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        zone = timezone(timedelta(hours=1))
        for day, sha in ((3, "old"), (10, "new"), (12, "new")):
            record_session(log, datetime(2026, 3, day, 8, 0, tzinfo=zone), sha)
        sessions = log.sessions()
    assert first_done(sessions, "new") == date(2026, 3, 10)
    assert first_done(sessions, "never") is None


def record_session(log: CompletionLog, started: datetime, sha256: str, path="/r.yaml") -> None:
    log.start_session(
        routine_title="T",
        routine_path=str(path),
        routine_sha256=sha256,
        frequency=None,
        planned_seconds=60,
        started=started,
        time_zone="Europe/Paris",
    )


# --- which sessions count: the routine's id and version, else its file name -----------

JANE = (
    "title: Core for Jane\nid: core-for-jane\nversion: 2\n"
    "progression:\n  hold: +5s per week, up to 60s\n"
    "steps:\n  - name: Plank\n    hold: 20s\n"
)
TODAY = date(2026, 3, 22)  # the first session was three weeks before: week 4


def week_after_editing(tmp_path, original: bytes, edited: bytes, *, rename: str = "") -> int:
    """Do the routine on 1 March, edit its file, and ask which week it is on 22 March."""
    path = tmp_path / "jane.yaml"
    path.write_bytes(original)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        record_session(
            log,
            datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc),
            load_routine(path).sha256,
            path=path,
        )
        sessions = log.sessions()
    if rename:
        path = path.rename(tmp_path / rename)
    path.write_bytes(edited)
    return as_of(load_routine(path), sessions, TODAY)[1]


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: "# Reviewed with Jane on 3 March.\n" + text,
        lambda text: text.replace("\n", "\r\n"),
        lambda text: "\ufeff" + text.replace("Plank\n", "Plank   # forearms\n"),
        lambda text: text + "    tips:\n      - Breathe.\n",  # a tip added, same version
    ],
    ids=["comment", "crlf", "bom-and-comment", "tip"],
)
def test_editing_the_file_without_a_new_version_keeps_the_week(tmp_path, edit):
    assert week_after_editing(tmp_path, JANE.encode(), edit(JANE).encode()) == 4


def test_the_same_routine_under_another_file_name_keeps_the_week(tmp_path):
    assert week_after_editing(tmp_path, JANE.encode(), JANE.encode(), rename="core.yaml") == 4


def test_a_new_version_from_the_therapist_starts_again_at_week_one(tmp_path):
    newer = JANE.replace("version: 2", "version: 3").encode()
    assert week_after_editing(tmp_path, JANE.encode(), newer) == 1


def test_a_routine_without_an_id_is_known_by_its_file_name(tmp_path):
    mine = JANE.replace("id: core-for-jane\nversion: 2\n", "")
    edited = ("# my own copy\n" + mine).replace("Plank", "Forearm plank").encode()
    assert week_after_editing(tmp_path, mine.encode(), edited) == 4
    assert week_after_editing(tmp_path, mine.encode(), edited, rename="other.yaml") == 1


@pytest.mark.parametrize(
    "change", [("hold: 20s", "hold: 25s"), ("up to 60s", "up to 45s")], ids=["dose", "rule"]
)
def test_new_numbers_start_again_at_week_one(tmp_path, change):
    assert week_after_editing(tmp_path, JANE.encode(), JANE.replace(*change).encode()) == 1


# --- opting out of a routine-wide progression -----------------------------------------

WALKS = (
    "title: Walks\nprogression:\n  duration: +2m per week, up to 30m\n"
    "steps:\n"
    "  - name: Warm-up walk\n    duration: 5m\n"
    "  - name: Brisk walk\n    duration: 10m\n"
    "  - name: Steady walk\n    duration: 10m\n    progression: false\n"
    "  - name: Cool-down walk\n    duration: 5m\n"
)


@pytest.mark.parametrize("opting_out", ["false", "none", "no", "{}"])
def test_a_step_can_opt_out_of_the_routine_wide_progression(opting_out):
    walks = parse_routine(WALKS.replace("progression: false", f"progression: {opting_out}"))
    assert [step.duration for step in routine_for_week(walks, 4).exercises] == [300, 960, 600, 300]
    (steady,) = [step for step in walks.exercises if step.name == "Steady walk"]
    assert describe_all(steady, walks) == []


def test_warm_up_and_cool_down_grow_only_when_they_ask():
    asked = WALKS.replace(
        "  - name: Cool-down walk\n    duration: 5m\n",
        "  - name: Cool-down walk\n    duration: 5m\n"
        "    progression:\n      duration: +1m per week, up to 10m\n",
    )
    week_4 = routine_for_week(parse_routine(asked, "r.yaml"), 4).exercises
    assert [step.duration for step in week_4] == [300, 960, 600, 480]


def test_a_single_walk_grows_by_the_routine_wide_rule():
    walk = parse_routine(
        "title: Walk\nprogression:\n  duration: +2m per week, up to 30m\n"
        "steps:\n  - name: Walk\n    duration: 10m\n",
        "r.yaml",
    )
    assert [step.duration for step in routine_for_week(walk, 3).exercises] == [840]


def test_opting_out_is_only_for_a_step():
    with pytest.raises(RoutineFileError) as caught:
        parse_routine("title: T\nprogression: false\nsteps:\n  - name: A\n    hold: 5s\n")
    assert [p.message for p in caught.value.problems] == [
        "progression: write the rules, e.g. hold: +5s per week, up to 60s "
        "(only a step can say progression: false)"
    ]


# --- print: the numbers of the patient's current week ---------------------------------


def test_print_shows_the_current_week_by_default_and_says_which(tmp_path, capsys):
    from backroutine.cli.main import main

    path = tmp_path / "jane.yaml"
    path.write_text(JANE, encoding="utf-8")
    three_weeks_ago = datetime.now().astimezone() - timedelta(days=21)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        record_session(log, three_weeks_ago, load_routine(path).sha256, path=path)

    assert main(["--data-dir", str(tmp_path), "print", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Numbers for week 4" in out
    assert "**hold 35 s**" in out  # 20 s, and 5 s more in each of weeks 2, 3 and 4
    assert err == (
        "week 4 of Core for Jane, counted from your first session on "
        f"{three_weeks_ago.date().isoformat()}; --week N prints another week\n"
    )

    assert main(["--data-dir", str(tmp_path), "print", str(path), "--week", "1"]) == 0
    out, _ = capsys.readouterr()
    assert "Numbers for week 1" in out and "**hold 20 s**" in out


def test_print_of_a_routine_never_done_is_week_one(tmp_path, capsys):
    from backroutine.cli.main import main

    path = tmp_path / "jane.yaml"
    path.write_text(JANE, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "print", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Numbers for week 1" in out
    assert err == "week 1 of Core for Jane: not done yet; --week N prints another week\n"
