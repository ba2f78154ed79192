"""The test that hunts for the next defect: random routines and keys through the real app.

Hypothesis draws a routine (every timing kind, sides, sets, rests, progressions; written
as a YAML file and loaded by the real loader), a terminal size and how the patient starts,
then walks the real app under Pilot with a fake clock that jumps, a real SQLite log, quits,
closed terminals and resumes; `model_walk.Walk` checks what a patient would notice after
every action. A failure prints the drawn walk, shrunk to a minimal one.

The normal run tries BACKROUTINE_MODEL_CASES walks (default 40: about a minute on two
quiet cores, each walk opening the real app once to a few times); `python bench/reliability.py
--walks 1000` tries many more and counts every failure instead of stopping at the first.
The reproductions below are the minimal walks it found on main before issue 14's fixes,
kept as regression tests.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .model_walk import (
    SETUPS,
    WALK_LENGTHS,
    CheckIn,
    CloseTerminal,
    Divergence,
    Press,
    Setup,
    Wait,
    drawn,
    routines,
    run_walk,
    scripted,
)

CASES = int(os.environ.get("BACKROUTINE_MODEL_CASES", "40"))


@settings(
    max_examples=CASES,
    deadline=None,
    derandomize=True,  # the same walks on every run: a failure here is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(routine=routines(), setup=SETUPS, data=st.data())
def test_random_walks_keep_screen_engine_log_and_summary_in_step(routine, setup, data):
    run_walk(routine, setup, drawn(data), data.draw(WALK_LENGTHS, label="steps"))


def found(defect: int | str, symptom: str, routine: str, setup: Setup, actions: list):
    """A minimal walk the model found on main before `defect` was fixed, and its symptom then."""
    return pytest.param(symptom, routine, setup, actions, id=f"defect-{defect}".replace(" ", "-"))


ONE_HOLD = "backroutine: 1\ntitle: Walk Bridge\nsteps:\n- name: Bridge\n  hold: 1s\n"
TWO_EXERCISES = """\
backroutine: 1
title: Walk Bridge
steps:
- name: Bridge
  hold: 3s
  prepare: 1
- name: "[b]Pelvic[/b] tilt"
  reps: 2
"""
SETS_THEN_PLANK = """\
backroutine: 1
title: Walk Bridge
steps:
- {name: Bridge, hold: 1s, prepare: 1, sets: 2, rest: 5s}
- {name: Side plank, hold: 1s}
"""
AT_80x24 = Setup(size=(80, 24), check_in=True, wait_before_exercise=False, weeks_ago=0)
NO_CHECK_IN = Setup(size=(80, 24), check_in=False, wait_before_exercise=False, weeks_ago=0)
START = CheckIn()
SAVE = Press(("ctrl+s",))  # on the summary

REPRODUCTIONS = [
    found(1, "NoMatches: No nodes match '#no'", ONE_HOLD, AT_80x24, [START, Press(("h",))]),
    found(2, "is logged abandoned, expected in_progress", ONE_HOLD, NO_CHECK_IN, [Wait(0.5)]),
    found(
        5,
        "the summary counts '1 done",
        TWO_EXERCISES,
        AT_80x24,
        [
            START,
            Wait(5),
            Press(("q",)),
            Press(("y",)),
            SAVE,  # Bridge done, then quit
            Press(("y",)),
            Press(("space",)),
            Wait(6),
            Press(("enter",)),  # resumed, tilt done
        ],
    ),
    found(
        6,
        "pain after 8 was logged as None",
        ONE_HOLD,
        AT_80x24,
        [
            START,
            Wait(10),
            Press(("8",)),
            CloseTerminal(),
        ],
    ),
    found(
        8,
        "resting between sets of 'Bridge', but 'Next: Side plank'",
        SETS_THEN_PLANK,
        AT_80x24,
        [START, Wait(2.5)],
    ),
    found(
        9,
        "Enter after 'this hurts' started the next exercise",
        TWO_EXERCISES,
        AT_80x24,
        [START, Press(("h",)), Press(("enter",))],
    ),
    found(
        "back counts twice",
        "the summary counts '2 done · 1 skipped",
        TWO_EXERCISES,
        AT_80x24,
        [START, Wait(5), Press(("b",)), Wait(5), Press(("N",))],
    ),
]


@pytest.mark.parametrize(("symptom", "routine", "setup", "actions"), REPRODUCTIONS)
def test_walks_the_model_found_on_main_pass(symptom, routine, setup, actions):
    run_walk(routine, setup, scripted(actions), len(actions))  # on main it failed: `symptom`


# --- the checks can fail: each broken on purpose, and the walk must notice ----------------

THROUGH_BOTH = [START, Wait(1.5), Wait(3), Wait(5), Press(("enter",))]


def test_the_walk_passes_a_session_done_right():
    run_walk(TWO_EXERCISES, AT_80x24, scripted(THROUGH_BOTH), len(THROUGH_BOTH))


def test_the_walk_notices_a_finished_segment_missing_from_the_log(monkeypatch):
    from backroutine.log.store import CompletionLog

    keep = CompletionLog.record_progress

    def forgets_the_first_segment(self, session_id, *, segments_done, **progress):
        if segments_done != 1:
            keep(self, session_id, segments_done=segments_done, **progress)

    monkeypatch.setattr(CompletionLog, "record_progress", forgets_the_first_segment)
    with pytest.raises(Divergence, match="the log has 0 segments done, the engine 1"):
        run_walk(TWO_EXERCISES, AT_80x24, scripted(THROUGH_BOTH), len(THROUGH_BOTH))


def test_the_walk_notices_a_player_showing_the_wrong_exercise(monkeypatch):
    from backroutine.tui.screens.player import PlayerScreen

    draw = PlayerScreen._set

    def never_changes_the_name(self, widget_id, value):
        if widget_id != "name" or "name" not in self._shown:
            draw(self, widget_id, value)

    monkeypatch.setattr(PlayerScreen, "_set", never_changes_the_name)
    with pytest.raises(Divergence, match="shows 'Bridge', the engine is on '\\[b\\]Pelvic"):
        run_walk(TWO_EXERCISES, AT_80x24, scripted(THROUGH_BOTH), len(THROUGH_BOTH))


def test_the_walk_notices_a_session_that_ends_without_its_summary(monkeypatch):
    from backroutine.tui.screens.player import PlayerScreen

    monkeypatch.setattr(PlayerScreen, "_finish", lambda self: None)
    with pytest.raises(Divergence, match="the player shows an engine that is finished"):
        run_walk(TWO_EXERCISES, AT_80x24, scripted(THROUGH_BOTH), len(THROUGH_BOTH))


QUIT_AND_REOPEN = [START, Wait(2), Press(("q",)), Press(("y",)), SAVE, Press(("y",))]


def test_the_walk_notices_a_session_cut_short_that_is_not_offered(monkeypatch):
    from backroutine.log.store import CompletionLog

    monkeypatch.setattr(CompletionLog, "unfinished_sessions", lambda self: [])
    with pytest.raises(Divergence, match="a session cut short was not offered for resuming"):
        run_walk(TWO_EXERCISES, AT_80x24, scripted(QUIT_AND_REOPEN), len(QUIT_AND_REOPEN))


def test_the_walk_notices_a_resume_at_the_wrong_place(monkeypatch):
    from backroutine.session.engine import SessionEngine

    restore = SessionEngine.restore.__func__

    def one_segment_back(cls, segments, snapshot, clock, **options):
        return restore(
            cls, segments, {**snapshot, "index": snapshot["index"] - 1}, clock, **options
        )

    monkeypatch.setattr(SessionEngine, "restore", classmethod(one_segment_back))
    with pytest.raises(Divergence, match="resumed at segment 0, stopped at 1"):
        run_walk(TWO_EXERCISES, AT_80x24, scripted(QUIT_AND_REOPEN), len(QUIT_AND_REOPEN))


def test_the_walk_notices_reps_the_log_miscounts(monkeypatch):
    from msgspec.structs import replace

    from backroutine.session import recorder

    count = recorder._exercise_record

    def one_rep_short(*args, **kwargs):
        record = count(*args, **kwargs)
        return (
            replace(record, reps_done=record.reps_done - 1)
            if record and record.reps_done
            else record
        )

    monkeypatch.setattr(recorder, "_exercise_record", one_rep_short)
    with pytest.raises(Divergence, match="at 1 sets, 1 reps; the engine at \\(1, 2\\)"):
        run_walk(TWO_EXERCISES, AT_80x24, scripted(THROUGH_BOTH), len(THROUGH_BOTH))
