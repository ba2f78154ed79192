"""Format 2's steps that are not exercises: a card, a heat or cold pack, breathing, a walk.

Read from a real file, expanded into segments, played by the engine, written to a real
log, printed on the handout.
"""

from __future__ import annotations

import io
from pathlib import Path

from backroutine.log.history import NOT_THE_ROUTINE
from backroutine.log.store import CompletionLog
from backroutine.plain.session import PlainSession
from backroutine.routine.handout import render_html, render_markdown
from backroutine.routine.loader import load_routine, parse_routine
from backroutine.routine.model import (
    BreathingStep,
    CardStep,
    SegmentKind,
    ThermalStep,
    WalkStep,
)
from backroutine.routine.safety import PACK_SAFETY
from backroutine.routine.words import activity_line
from backroutine.session.engine import CountdownTick, ExerciseDone, FakeClock, SessionEngine
from backroutine.session.recorder import SessionRecorder

GOOD = Path(__file__).parent / "data" / "good" / "format-2-activities.yaml"


def test_each_spelling_is_read_as_written():
    steps = load_routine(GOOD).routine.steps
    assert steps[0] == CardStep(
        "Why we move", "Moving gently helps a sore back settle.\nRest in bed makes it stiffer."
    )
    assert steps[1:3] == (
        ThermalStep("heat", 15 * 60, "Heat pack"),
        ThermalStep("cold", 600, "Ice on the sore spot"),
    )
    assert steps[3:5] == (
        BreathingStep(180, 4, 6, "Relaxed breathing"),
        BreathingStep(150, 4, 6, "Belly breathing"),
    )
    assert steps[5:9] == (
        WalkStep("Walk", seconds=600),
        WalkStep("Walk", seconds=300),
        WalkStep("Walk along the hall", steps=10, times=4),
        WalkStep("Walk", target_steps=3000),
    )
    # The short way, when only the minutes are given.
    assert steps[9:11] == (
        WalkStep("Walk", seconds=20 * 60),
        BreathingStep(120, 4, 6, "Relaxed breathing"),
    )


def kinds(text: str) -> list[tuple[str, int | None]]:
    return [(s.kind.value, s.seconds) for s in parse_routine(text).segments()]


def test_segments_of_each_step():
    assert kinds("title: T\nsteps: [{card: {title: A, text: B}}]") == [("card", None)]
    # The pack's get-ready has no clock: its timer starts when the patient says it is on.
    assert kinds("title: T\nsteps: [{heat: 15 min}]") == [("prepare", None), ("heat", 900)]
    assert kinds("title: T\nsteps: [{cold: 10 min}]") == [("prepare", None), ("cold", 600)]
    breathing = kinds("title: T\nsteps: [{breathing: {minutes: 1, in: 4, out: 6}}]")
    assert breathing == [("prepare", 5)] + [("breathe-in", 4), ("breathe-out", 6)] * 6
    walk = kinds("title: T\nsteps: [{walk: {minutes: 10}}]")
    assert walk == [("prepare", 5), ("walk", 600), ("confirm", None)]
    steps = kinds("title: T\nsteps: [{walk: {steps: 10, times: 3}}]")
    assert steps == [("prepare", 5)] + [("walk", None)] * 3
    assert kinds("title: T\nsteps: [{walk: {target_steps: 3000}}]") == [("walk", None)]


def test_a_version_1_file_means_the_same():
    text = "title: T\nsteps:\n  - {name: Bridge, reps: 2, hold: 3s}\n  - rest: 10s\n"
    assert parse_routine(text).segments() == parse_routine("backroutine: 2\n" + text).segments()


def test_the_engine_waits_on_a_card_and_a_pack_and_never_counts_down_a_breath():
    routine = parse_routine("""
title: T
steps:
  - card: {title: Why, text: Moving helps.}
  - heat: 1 min
  - breathing: {minutes: 0.5, in: 4, out: 6}
""")
    clock = FakeClock()
    engine = SessionEngine(routine.segments(), clock)
    events = engine.start()
    clock.advance(600)
    events += engine.update()
    assert (engine.current.kind, engine.waiting_for) == (SegmentKind.CARD, "done")
    events += engine.done()
    clock.advance(600)
    events += engine.update()
    assert (engine.current.kind, engine.waiting_for) == (SegmentKind.PREPARE, "ready")
    events += engine.ready()
    events += engine.update()
    assert (engine.current.kind, engine.remaining()) == (SegmentKind.HEAT, 60)
    clock.advance(60 + 5 + 30)
    events += engine.update()
    assert engine.status == "finished"
    breathing = [e for e in events if isinstance(e, CountdownTick) and e.segment.step_index == 2]
    assert all(e.segment.kind is SegmentKind.PREPARE for e in breathing)
    done = [(e.name, e.outcome) for e in events if isinstance(e, ExerciseDone)]
    assert done == [("Why", "done"), ("Heat pack", "done"), ("Relaxed breathing", "done")]


def test_the_log_keeps_breaths_and_steps_walked(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "title: T\nsteps:\n  - breathing: {minutes: 0.5, in: 4, out: 6}\n"
        "  - walk: {steps: 10, times: 3}\n"
    )
    loaded = load_routine(path)
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        SessionRecorder.start(log, loaded, engine)
        engine.start()
        clock.advance(5 + 4 + 6 + 4)  # the get-ready, a breath and a half
        engine.update()
        engine.skip_exercise()
        clock.advance(5)
        engine.update()
        engine.done()
        engine.done()
        engine.skip_segment()  # the third time: not walked
        (session,) = log.sessions(with_exercises=True)
    breathing, walk = session.exercises
    assert (breathing.outcome, breathing.reps_done, breathing.rep_count) == ("skipped", 2, 3)
    assert (walk.outcome, walk.reps_done, walk.rep_count) == ("done", 20, 10)
    assert (walk.sets_done, walk.set_count) == (2, 3)


def test_a_changed_pack_time_is_a_new_routine_to_the_log_a_reworded_card_is_not(tmp_path):
    def key(text: str) -> str:
        path = tmp_path / "r.yaml"
        path.write_text(text)
        return load_routine(path).sha256

    heat = "title: T\nsteps:\n  - card: {title: A, text: B}\n  - heat: 15 min\n"
    assert key(heat) != key(heat.replace("15 min", "20 min"))
    assert key(heat) == key(heat.replace("text: B", "text: C"))


def test_the_handout_says_each_steps_dose_and_the_packs_safety_words():
    routine = load_routine(GOOD).routine
    markdown = render_markdown(routine)
    assert "### 2. Heat pack\n\n**15 min, wrapped in a towel**" in markdown
    assert "**3 min: breathe in 4 s, out 6 s**" in markdown
    assert "**10 steps, 4 times**" in markdown
    assert "**3,000 steps today**" in markdown
    assert PACK_SAFETY["heat"] in markdown
    assert "Moving gently helps a sore back settle." in render_html(routine)


def test_unattended_plain_mode_reads_the_card_but_never_says_a_walk_was_done():
    routine = parse_routine(
        "title: T\nsteps:\n  - card: {title: Why, text: Moving helps.}\n  - walk: {minutes: 1}\n"
    )
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(routine.segments(), clock)
    PlainSession(engine, out=out, clock=clock, sleep=clock.advance).run()
    lines = out.getvalue().splitlines()
    assert lines[:4] == ["Why", "Moving helps.", "Press Enter to go on", "Done: Why"]
    assert "Did you walk 1 min? Enter: yes, n: no" in lines
    assert "Walk, 1 min" in lines  # the walk named once, not "Walk: Walk, 1 min"
    assert lines[-3] == "Skipped: Walk"  # nobody answered the question
    assert lines[-2].startswith("Routine partly done: 1 of 2 steps done")
    assert lines[-1] == NOT_THE_ROUTINE  # a card read is not the routine done


def test_the_steps_walked_typed_in_plain_mode_are_logged(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("title: T\nsteps:\n  - walk: {target_steps: 3000}\n  - walk: {steps: 10}\n")
    loaded = load_routine(path)
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(loaded.routine.segments(), clock)
    typed = [*"25009\x7f\n"]

    def keys(timeout: float) -> str | None:
        if typed:
            return typed.pop(0)
        if engine.waiting_for == "done":
            return "\n"  # the second walk: walked as planned
        clock.advance(timeout)
        return None

    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        SessionRecorder.start(log, loaded, engine)
        PlainSession(engine, out=out, keys=keys, clock=clock, sleep=clock.advance).run()
        (session,) = log.sessions(with_exercises=True)
    lines = out.getvalue().splitlines()
    # The walk named once (was "Walk: Walk 3,000 steps").
    assert lines[1] == "Walk: 3,000 steps, then press Enter, or type how many you did"
    assert lines[2:4] == ["Walked 2,500 steps", "Done: Walk"]
    target, steps = session.exercises
    assert (target.reps_done, target.rep_count) == (2500, 3000)
    assert (steps.reps_done, steps.rep_count) == (10, 10)


def test_plain_mode_names_a_walk_once_and_counts_its_times_as_the_player_does():
    routine = parse_routine(
        "backroutine: 2\ntitle: T\nsteps:\n  - walk: {steps: 100, times: 2}\n"
        "  - walk: {steps: 50}\n    name: Stroll to the gate\n"
    )
    walks = [s for s in routine.segments() if s.kind is SegmentKind.WALK]
    assert [activity_line(s) for s in walks] == [
        # Was "Walk (1 of 2): Walk 100 steps, ...": the player's detail says "Walk 1 of 2".
        "Walk, 1 of 2: 100 steps, then press Enter, or type how many you did",
        "Walk, 2 of 2: 100 steps, then press Enter, or type how many you did",
        "Stroll to the gate: Walk 50 steps, then press Enter, or type how many you did",
    ]
