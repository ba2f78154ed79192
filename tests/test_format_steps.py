"""Format 2's exercise-step constructs, from the routine file to what is played, said and
printed: ranges with a target, per-set reps, breaths, sides, tempo, effort, load and
equipment, and blocks done in rounds."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from backroutine.audio.voice import routine_phrases
from backroutine.base.settings import Settings, changed
from backroutine.log.store import CompletionLog
from backroutine.plain.session import PlainSession
from backroutine.routine.handout import render_markdown
from backroutine.routine.loader import load_routine, parse_routine
from backroutine.routine.model import Routine, SegmentKind
from backroutine.routine.progression import routine_for_week
from backroutine.routine.words import announcement, dose, short_dose, you_need
from backroutine.session.engine import FakeClock
from backroutine.session.workflow import EngineOptions, for_the_patient, start_session

FORMAT_2 = Path(__file__).parent / "data" / "good" / "format-2-steps.yaml"


def step_routine(step: str, *top: str) -> Routine:
    """A routine of one step, written as a therapist would."""
    return parse_routine("\n".join(["title: T", *top, "steps:", f"  - {step}"]) + "\n")


def played(routine: Routine) -> list[tuple]:
    """The work segments: kind, seconds, side, set, rep of reps."""
    return [
        (s.kind.value, s.seconds, s.side, s.set_number, s.rep_number, s.rep_count, s.phase)
        for s in routine.segments()
        if s.kind.is_work
    ]


# --- ranges with a target ----------------------------------------------------------------


def test_a_rep_range_plays_its_lower_end_and_says_the_range():
    routine = step_routine("{name: Sit to stand, reps: 8-12}")
    step = routine.exercises[0]
    assert (step.reps, step.reps_range) == (8, (8, 12))
    assert dose(step, routine) == "8 to 12 reps, aim for 8"
    assert announcement(step, routine.segments()[0]).startswith(
        "Sit to stand. 8 to 12 reps, aim for 8, at your own pace."
    )


def test_a_target_sets_the_number_played_within_the_range():
    routine = step_routine("{name: Bridge, reps: 8 to 12, target: 10, hold: 2s}")
    assert {count for *_, count, _ in played(routine)} == {10}


def test_a_hold_range_plays_its_target():
    routine = step_routine("{name: Plank, hold: 5-10s, target: 8s}")
    assert played(routine) == [("hold", 8, None, 1, None, None, None)]
    assert dose(routine.exercises[0], routine) == "hold 5 to 10 s, aim for 8 s"


def test_a_progression_moves_the_target_through_the_range_and_stops_at_its_top():
    routine = step_routine(
        "{name: Sit to stand, reps: 8-12, progression: {reps: '+1 per week, up to 15'}}"
    )
    weeks = {week: routine_for_week(routine, week).exercises[0].reps for week in (1, 3, 5, 9)}
    assert weeks == {1: 8, 3: 10, 5: 12, 9: 12}


# --- per-set reps ------------------------------------------------------------------------


def test_a_pyramid_gives_each_set_its_reps_and_the_sets_follow_the_list():
    routine = step_routine("{name: Curl-up, reps: [6, 4, 2], hold: 10s}")
    reps = [(s, count) for _, _, _, s, rep, count, _ in played(routine) if rep == 1]
    assert reps == [(1, 6), (2, 4), (3, 2)]
    assert len(played(routine)) == 12
    step = routine.exercises[0]
    assert dose(step, routine) == "3 sets: 6, 4, then 2 reps, hold 10 s each"


# --- breaths -----------------------------------------------------------------------------


def test_a_hold_in_breaths_is_timed_by_the_patients_breath():
    loaded = load_routine(FORMAT_2)
    breathing = next(s for s in loaded.routine.exercises if s.breaths)
    assert (breathing.breaths, breathing.hold) == (1, 5)  # the default breath, 5 s
    mine = for_the_patient(loaded, Settings(breath_seconds=3)).routine
    assert next(s for s in mine.exercises if s.breaths).hold == 3


def test_the_patient_sets_their_breath_length_and_affected_side():
    settings = changed(changed(Settings(), "breath_seconds", "6"), "affected_side", "right")
    assert (settings.breath_seconds, settings.affected_side) == (6, "right")
    with pytest.raises(ValueError, match="from 2 to 15"):
        changed(settings, "breath_seconds", "30")
    with pytest.raises(ValueError, match="unknown, left or right"):
        changed(settings, "affected_side", "both")


# --- sides -------------------------------------------------------------------------------


def test_alternating_sides_change_side_in_each_rep():
    routine = step_routine("{name: Bird-dog, reps: 2, hold: 5s, relax: 2s, sides: alternate}")
    sides = [(kind, side, rep) for kind, _, side, _, rep, _, _ in played(routine)]
    assert sides == [
        ("rep", "left", 1),
        ("rep", "right", 1),
        ("rep", "left", 2),
        ("rep", "right", 2),
    ]
    assert not any(s.kind is SegmentKind.SWITCH_SIDES for s in routine.segments())
    assert "Alternate sides each rep, left first." in announcement(
        routine.exercises[0], routine.segments()[0]
    )


def test_sides_both_is_per_side():
    both = step_routine("{name: Side plank, hold: 10s, sides: both}")
    per_side = step_routine("{name: Side plank, hold: 10s, per_side: true}")
    assert both.segments() == per_side.segments()


def test_the_affected_side_is_the_routines_else_the_patients_else_said_as_affected():
    loaded = load_routine(FORMAT_2)  # affected_side: left
    heel = [s for s in loaded.routine.segments() if s.name == "Heel raise"]
    assert {s.side for s in heel} == {"left"}
    routine = step_routine("{name: Step-up, reps: 10, side: affected}")
    assert {s.side for s in routine.segments()} == {"affected"}
    assert dose(routine.exercises[0], routine) == "10 reps, affected side only"
    loaded = load_routine(FORMAT_2).__class__(routine, FORMAT_2, "0")
    mine = for_the_patient(loaded, Settings(affected_side="right")).routine
    assert {s.side for s in mine.segments()} == {"right"}
    assert dose(mine.exercises[0], mine) == "10 reps, right side only (the affected side)"


# --- tempo -------------------------------------------------------------------------------


def test_a_tempo_paces_each_rep_phase_by_phase_without_a_pause():
    routine = step_routine("{name: Squat, reps: 2, tempo: 3-0-1}")
    assert played(routine) == [
        ("rep", 3, None, 1, 1, 2, "lower"),
        ("rep", 1, None, 1, 1, 2, "lift"),
        ("rep", 3, None, 1, 2, 2, "lower"),
        ("rep", 1, None, 1, 2, 2, "lift"),
    ]
    assert dose(routine.exercises[0], routine) == "2 reps: lower 3 s, lift 1 s"


# --- effort, load and equipment ----------------------------------------------------------


def test_effort_and_load_are_shown_and_spoken_with_the_step():
    routine = load_routine(FORMAT_2).routine
    squat = routine.exercises[0]
    assert dose(squat, routine) == (
        "2 to 4 reps, aim for 2: lower 1 s, lift 1 s. Use red band. "
        "Effort: talk test: you can talk, not sing."
    )
    assert short_dose(squat, routine) == "2 to 4 reps, aim for 2: lower 1 s, lift 1 s, red band"
    assert announcement(squat, routine.segments()[0]) == (
        "Squat. 2 to 4 reps, aim for 2: lower 1 second, lift 1 second. Use red band. "
        "Effort: talk test: you can talk, not sing."
    )


def test_effort_is_spoken_after_the_therapists_own_announcement_too():
    routine = step_routine(
        "{name: Walk, duration: 10m, say: A brisk walk., effort: 'RPE 3-4', "
        "caution: Stop if your leg hurts.}"
    )
    assert announcement(routine.exercises[0], routine.segments()[0]) == (
        "A brisk walk. Effort: RPE 3-4. Stop if your leg hurts."
    )


def test_the_equipment_of_the_routine_and_its_steps_is_listed_once_before_the_session():
    routine = load_routine(FORMAT_2).routine
    assert you_need(routine) == "You need: a mat, a chair, a red band"
    assert "You need: a mat, a chair, a red band" in render_markdown(routine)
    assert you_need(step_routine("{name: Plank, hold: 5s}")) is None
    assert you_need(
        step_routine("{name: Walk, duration: 5m, equipment: [ankle weights, exercise band]}")
    ) == ("You need: ankle weights, an exercise band")


# --- blocks ------------------------------------------------------------------------------


def test_a_block_repeats_its_steps_in_rounds_with_a_rest_between_but_lists_them_once():
    routine = parse_routine(
        "title: Big 3\nsteps:\n"
        "  - block:\n"
        "      name: Big 3\n      rounds: 3\n      rest_between_rounds: 30\n"
        "      steps:\n"
        "        - {name: Curl-up, hold: 10s}\n"
        "        - {name: Side plank, hold: 10s}\n"
        "  - {name: Walk, duration: 5m}\n"
    )
    assert [step.name for step in routine.exercises] == ["Curl-up", "Side plank", "Walk"]
    order = [
        (s.name, s.round_number)
        for s in routine.segments()
        if s.kind in (SegmentKind.HOLD, SegmentKind.REST, SegmentKind.ACTIVITY)
    ]
    assert order == [
        ("Curl-up", 1),
        ("Side plank", 1),
        ("Rest", 1),
        ("Curl-up", 2),
        ("Side plank", 2),
        ("Rest", 2),
        ("Curl-up", 3),
        ("Side plank", 3),
        ("Walk", 1),
    ]
    curl_up = routine.exercises[0]
    assert dose(curl_up, routine) == "hold 10 s; in Big 3: 3 rounds, rest 30 s between rounds"
    assert render_markdown(routine).count("Curl-up") == 1


def test_a_block_takes_library_exercises_and_a_step_may_change_their_sides():
    routine = parse_routine(
        "title: Big 3\nsteps:\n"
        "  - block:\n      name: Big 3\n      rounds: 2\n      steps:\n"
        "        - exercise: bird-dog\n          sides: alternate\n"
    )
    (bird_dog,) = routine.exercises
    assert (bird_dog.name, bird_dog.alternate, bird_dog.per_side) == ("Bird-dog", True, False)
    assert bird_dog.tips  # the library's form cues
    sides = [s.side for s in routine.segments() if s.kind is SegmentKind.REP][:4]
    assert sides == ["left", "right", "left", "right"]


# --- plain mode and the voice ------------------------------------------------------------


@pytest.fixture
def patient(tmp_path: Path, monkeypatch) -> None:
    """The patient's settings file: a breath of 2 s."""
    home = tmp_path / "config"
    (home / "backroutine").mkdir(parents=True)
    (home / "backroutine" / "settings.json").write_text('{"breath_seconds": 2}')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))


def test_plain_mode_prints_each_construct_and_logs_one_row_a_step(tmp_path: Path, patient):
    clock = FakeClock()
    out = io.StringIO()
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        new = start_session(
            log,
            load_routine(FORMAT_2),
            clock,
            EngineOptions(),
            pain_before=None,
            check_in_id=None,
            day=date(2026, 11, 30),
        )
        PlainSession(new.engine, out=out, clock=clock, sleep=clock.advance).run()
        (session,) = log.sessions(with_exercises=True)
    lines = [line for line in out.getvalue().splitlines() if not line.isdigit()]
    assert lines[:6] == [
        "Get ready: Squat, 1 s",
        "Lower 1 s, rep 1 of 2",
        "Lift 1 s, rep 1 of 2",
        "Lower 1 s, rep 2 of 2",
        "Lift 1 s, rep 2 of 2",
        "Done: Squat",
    ]
    assert "Hold 1 s, rep 1 of 1, set 2 of 2" in lines  # the pyramid's last set
    assert "Hold 1 breath (2 s): breathe in, and slowly out" in lines
    assert "Do 2 reps, left side at your own pace, then press Enter" in lines
    assert lines.count("Hold 1 s, rep 1 of 1, right side") == 2  # bird-dog, in two rounds
    assert lines.count("Done: Bird-dog") == 2
    assert [(e.name, e.sets_done, e.set_count) for e in session.exercises] == [
        ("Squat", 1, 1),
        ("Curl-up", 2, 2),
        ("Belly breathing", 1, 1),
        ("Heel raise", 1, 1),
        ("Bird-dog", 2, 2),
        ("Side plank", 2, 2),
    ]


def test_the_voice_says_the_phases_the_breathing_and_the_rounds():
    phrases = routine_phrases(load_routine(FORMAT_2).routine)
    assert {"Lower", "Lift", "Hold for 1 breath: breathe in, and slowly out."} <= set(phrases)
    assert (
        "Bird-dog. 1 rep, hold 1 to 3 seconds, aim for 1 second. Alternate sides each rep, "
        "left first. Round 2 of 2." in phrases
    )
    assert "Heel raise. 2 reps, at your own pace. Left side only." in phrases
