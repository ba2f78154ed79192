"""The session engine against a fake clock: holds last exactly as long as written, pauses
lose nothing, and every control does what the patient expects in every kind of segment."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from backroutine.routine.loader import parse_routine
from backroutine.routine.model import SegmentKind
from backroutine.session.engine import (
    Beat,
    CountdownTick,
    ExerciseDone,
    FakeClock,
    Halfway,
    Paused,
    Ready,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    SessionEngine,
    SessionFinished,
    SessionStarted,
    SwitchSides,
    TimeAdded,
    Waiting,
)

PLANK = """
title: Plank
steps:
  - name: Plank
    hold: 30s
"""

# Segments: 0 prepare A(5) 1 rep(5) 2 relax(3) 3 rep(5) | 4 rest step(10) | 5 prepare B(5)
# 6 hold left(20) 7 switch(5) 8 hold right(20) | 9 prepare C(5) 10 self-paced(10 reps)
SESSION = """
title: Morning back routine
steps:
  - name: Bird-dog
    reps: 2
    hold: 5s
  - rest: 10s
  - name: Knee to chest
    hold: 20s
    per_side: true
  - name: Bridge
    reps: 10
"""


def engine_for(text: str, start: float = 1000.0, **options) -> tuple[SessionEngine, FakeClock]:
    clock = FakeClock(start)
    return SessionEngine(parse_routine(text.encode()).segments(), clock, **options), clock


def run(engine: SessionEngine, clock: FakeClock, seconds: float, step: float = 0.25) -> list:
    """Advance the clock in small steps, updating like the player's timer does."""
    events = []
    for _ in range(round(seconds / step)):
        clock.advance(step)
        events += engine.update()
    return events


def of(kind, events) -> list:
    return [event for event in events if isinstance(event, kind)]


def starts(events) -> list[tuple[int, float]]:
    return [(event.index, event.at) for event in of(SegmentStarted, events)]


# --- time ------------------------------------------------------------------------------


def test_a_30_second_hold_lasts_exactly_30_seconds():
    engine, clock = engine_for(PLANK)
    events = engine.start()
    events += run(engine, clock, 34.75)
    assert engine.status == "running"
    assert engine.remaining() == pytest.approx(0.25)
    events += run(engine, clock, 0.25)
    ended = of(SegmentEnded, events)
    assert [(e.segment.kind, e.at, e.active_seconds) for e in ended] == [
        (SegmentKind.PREPARE, 1005.0, 5.0),
        (SegmentKind.HOLD, 1035.0, 30.0),
    ]
    assert events[0] == SessionStarted(1000.0)
    assert events[-1] == SessionFinished(1035.0, "completed", 35.0)
    assert engine.status == "finished"


def test_late_updates_never_shift_segment_boundaries():
    engine, clock = engine_for(SESSION)
    events = engine.start()
    for _ in range(12):  # the timer fires 4.5 s late, every time
        clock.advance(4.5)
        events += engine.update()
    planned = [0, 5, 10, 13, 18, 28, 33, 53]
    assert starts(events) == [(index, 1000.0 + t) for index, t in enumerate(planned)]
    assert [e.active_seconds for e in of(SegmentEnded, events)] == [5, 5, 3, 5, 10, 5, 20]


def test_a_clock_jump_processes_everything_due_in_order():
    engine, clock = engine_for(SESSION)
    engine.start()
    clock.advance(3600)
    events = engine.update()
    planned = [0, 5, 10, 13, 18, 28, 33, 53, 58, 78, 83]
    assert starts(events) == [(index, 1000.0 + t) for index, t in enumerate(planned)][1:]
    assert engine.status == "waiting"  # the self-paced Bridge waits for done(), clock running
    assert engine.elapsed() == pytest.approx(3600 - 83)
    ends = [event.at for event in of(SegmentEnded, events)]
    assert ends == sorted(ends)
    assert not of(CountdownTick, events)  # every countdown was for a segment already over


def test_a_clock_that_jumps_backwards_breaks_nothing():
    engine, clock = engine_for(PLANK)
    engine.start()
    run(engine, clock, 10)
    before = engine.elapsed()
    clock.advance(-500)
    assert engine.update() == []
    assert engine.elapsed() == before
    assert engine.remaining() == pytest.approx(25.0)
    events = engine.pause()
    assert events[0].at == 1010.0  # never earlier than a time already seen
    clock.advance(520)
    events = engine.resume() + run(engine, clock, 25)
    assert of(SessionFinished, events)[0].active_seconds == pytest.approx(35.0)
    assert all(event.at >= 1010.0 for event in events)


# --- cues ------------------------------------------------------------------------------


def test_countdown_3_2_1_comes_before_each_timed_segment_ends():
    engine, clock = engine_for(PLANK)
    events = engine.start() + run(engine, clock, 35)
    ticks = [(e.segment.kind, e.seconds_left, e.at) for e in of(CountdownTick, events)]
    assert ticks == [
        (SegmentKind.PREPARE, 3, 1002.0),
        (SegmentKind.PREPARE, 2, 1003.0),
        (SegmentKind.PREPARE, 1, 1004.0),
        (SegmentKind.HOLD, 3, 1032.0),
        (SegmentKind.HOLD, 2, 1033.0),
        (SegmentKind.HOLD, 1, 1034.0),
    ]


def test_a_late_update_emits_only_the_countdown_still_meaningful():
    engine, clock = engine_for(PLANK)
    engine.start()
    clock.advance(3.5)  # ticks 3 (at 2 s) and 2 (at 3 s) are both due: only "2" is still true
    assert [(e.seconds_left, e.at) for e in of(CountdownTick, engine.update())] == [(2, 1003.0)]
    clock.advance(2.0)  # tick 1 was due at 4 s, but the get-ready ended at 5 s: nothing to say
    events = engine.update()
    assert not of(CountdownTick, events)
    assert starts(events) == [(1, 1005.0)]


def test_a_short_segment_counts_down_only_the_seconds_it_has():
    engine, clock = engine_for(
        "title: T\nsteps:\n  - name: A\n    reps: 2\n    hold: 2s\n    relax: 3s\n"
    )
    events = engine.start() + run(engine, clock, 12)
    ticks = [(e.index, e.seconds_left) for e in of(CountdownTick, events)]
    assert ticks == [(0, 3), (0, 2), (0, 1), (1, 1), (2, 2), (2, 1), (3, 1)]


def test_halfway_is_announced_in_long_holds_only():
    engine, clock = engine_for(SESSION)
    events = engine.start() + run(engine, clock, 80)
    assert [(e.index, e.at) for e in of(Halfway, events)] == [(6, 1043.0), (8, 1068.0)]
    engine, clock = engine_for(SESSION, halfway_min_seconds=5)
    events = engine.start() + run(engine, clock, 20)
    assert [(e.index, e.at) for e in of(Halfway, events)] == [(1, 1007.5), (3, 1015.5)]


def test_switch_sides_announces_the_side_coming_up_at_the_right_moment():
    engine, clock = engine_for(SESSION)
    events = engine.start() + run(engine, clock, 60)
    (switch,) = of(SwitchSides, events)
    assert (switch.at, switch.side, switch.index) == (1053.0, "right", 7)


def test_subscribers_get_every_event_in_order():
    engine, clock = engine_for(PLANK)
    heard, seen = [], []
    engine.subscribe(heard.append)
    engine.subscribe(seen.append)
    returned = engine.start() + run(engine, clock, 20) + engine.pause() + engine.resume()
    returned += run(engine, clock, 20)
    assert heard == seen == returned
    assert isinstance(returned[-1], SessionFinished)


# --- pause and resume ------------------------------------------------------------------


def test_pause_during_prepare_excludes_the_pause_exactly():
    engine, clock = engine_for(PLANK)
    engine.start()
    run(engine, clock, 2)
    assert of(Paused, engine.pause()) == [Paused(1002.0, 0, engine.current)]
    assert run(engine, clock, 100) == []
    assert engine.remaining() == 3.0
    events = engine.resume()
    assert events[0].paused_seconds == 100.0 and events[0].lead_in == 0.0
    events += run(engine, clock, 3)
    assert starts(events) == [(1, 1105.0)]
    assert engine.records[0].active_seconds == 5.0


def test_resume_in_a_hold_gives_a_3_second_lead_in_that_is_not_active_time():
    engine, clock = engine_for(PLANK, resume_lead_in=3.0)
    engine.start()
    run(engine, clock, 15)  # 10 s into the hold
    engine.pause()
    clock.advance(60)
    events = engine.resume()
    assert engine.status == "running" and engine.lead_in_remaining() == 3.0
    events += run(engine, clock, 3)
    lead = [(e.seconds_left, e.at, e.lead_in) for e in of(CountdownTick, events)]
    assert lead == [(3, 1075.0, True), (2, 1076.0, True), (1, 1077.0, True)]
    assert engine.lead_in_remaining() == 0.0
    assert engine.elapsed() == 10.0  # the hold clock has not moved during the lead-in
    events += run(engine, clock, 20)
    assert of(SegmentEnded, events)[0].at == 1098.0
    assert engine.records[-1].active_seconds == 30.0


def test_pausing_during_the_lead_in_keeps_the_hold_clock_still():
    engine, clock = engine_for(PLANK, resume_lead_in=3.0)
    engine.start()
    run(engine, clock, 15)
    engine.pause()
    engine.resume()
    run(engine, clock, 2)
    engine.pause()
    clock.advance(30)
    assert engine.elapsed() == 10.0
    events = engine.resume() + run(engine, clock, 23)
    assert [e.seconds_left for e in of(CountdownTick, events) if e.lead_in] == [3, 2, 1]
    assert of(SessionFinished, events)[0].active_seconds == 35.0


def test_no_lead_in_when_resuming_a_rest_or_prepare():
    engine, _ = engine_for(PLANK, resume_lead_in=3.0)
    engine.start()
    engine.pause()
    events = engine.resume()
    assert events[0].lead_in == 0.0 and engine.lead_in_remaining() == 0.0
    assert not of(CountdownTick, events)


# --- add time --------------------------------------------------------------------------


def test_add_time_lengthens_the_current_segment_and_counts_down_again():
    engine, clock = engine_for(PLANK)
    engine.start()
    events = run(engine, clock, 34)  # 1 s left in the hold
    events += engine.add_time()
    assert of(TimeAdded, events) == [TimeAdded(1034.0, 1, engine.current, 10)]
    events += run(engine, clock, 11)
    assert [e.seconds_left for e in of(CountdownTick, events) if e.index == 1] == [3, 2, 1, 3, 2, 1]
    (ended,) = of(SegmentEnded, events)[-1:]
    assert (ended.at, ended.active_seconds, ended.added_seconds) == (1045.0, 40.0, 10.0)


def test_add_time_while_paused():
    engine, clock = engine_for(PLANK)
    engine.start()
    run(engine, clock, 10)
    engine.pause()
    engine.add_time(10)
    assert engine.remaining() == 35.0
    clock.advance(50)
    engine.resume()
    events = run(engine, clock, 35)
    assert of(SegmentEnded, events)[0].added_seconds == 10
    assert engine.status == "finished"


# --- skipping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "kind"),
    [(1, "prepare"), (6, "rep"), (11, "relax"), (20, "rest"), (40, "hold"), (55, "switch-sides")],
)
def test_skip_segment_moves_to_the_next_segment_in_every_kind(seconds, kind):
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, seconds)
    assert engine.current.kind.value == kind
    index = engine.index
    events = engine.skip_segment()
    (ended,) = of(SegmentEnded, events)
    assert (ended.index, ended.outcome, ended.at) == (index, "skipped", clock())
    assert engine.index == index + 1
    assert of(SegmentStarted, events)[0].at == clock()


def test_skip_the_last_segment_completes_the_session():
    engine, clock = engine_for(PLANK)
    engine.start()
    run(engine, clock, 2)
    engine.skip_segment()
    run(engine, clock, 8)
    events = engine.skip_segment()
    assert engine.status == "finished" and engine.current is None
    assert of(ExerciseDone, events)[0].outcome == "skipped"  # no work segment was completed
    assert events[-1] == SessionFinished(1010.0, "completed", 10.0)


def test_skipping_a_self_paced_last_set_completes_the_session():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 90)
    events = engine.skip_segment()
    assert of(SegmentEnded, events)[0].outcome == "skipped"
    assert of(ExerciseDone, events)[0].outcome == "skipped"
    assert engine.status == "finished"


def test_skip_segment_while_paused_stays_paused_at_the_next():
    engine, clock = engine_for(SESSION)
    engine.start()
    engine.pause()
    engine.skip_segment()
    assert (engine.status, engine.index) == ("paused", 1)
    clock.advance(30)
    assert engine.update() == [] and engine.elapsed() == 0


def test_skip_exercise_skips_the_rest_of_the_step():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 7)
    events = engine.skip_exercise()
    (done,) = of(ExerciseDone, events)
    assert (done.name, done.outcome, done.active_seconds) == ("Bird-dog", "skipped", 7.0)
    assert engine.current.kind is SegmentKind.REST and engine.status == "running"
    events = engine.skip_exercise()  # a standalone rest is skipped without an exercise record
    assert not of(ExerciseDone, events)
    assert engine.current.name == "Knee to chest" and engine.current.kind is SegmentKind.PREPARE


# --- back ------------------------------------------------------------------------------


def test_back_after_3_seconds_restarts_the_exercise_from_its_get_ready():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 40)  # Knee to chest, left hold
    events = engine.back()
    assert engine.index == 5 and engine.current.kind is SegmentKind.PREPARE
    assert of(SegmentEnded, events)[0].outcome == "skipped"
    assert not of(ExerciseDone, events)
    events = run(engine, clock, 5)
    assert starts(events) == [(6, 1045.0)]


def test_back_in_the_first_seconds_goes_to_the_previous_step():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 30)  # 2 s into Knee to chest's get-ready; a rest step precedes it
    engine.back()
    assert engine.index == 4 and engine.current.kind is SegmentKind.REST


def test_back_during_a_rest_step_goes_to_the_previous_exercise():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 25)  # 7 s into the rest step
    engine.back()
    assert engine.index == 0 and engine.current.name == "Bird-dog"
    assert engine.remaining() == 5.0


def test_back_at_the_first_exercise_restarts_it():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 1)
    events = engine.back()
    assert starts(events) == [(0, 1001.0)] and engine.remaining() == 5.0


def test_back_during_a_pause_stays_paused():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 8)
    engine.pause()
    engine.back()
    assert (engine.status, engine.index, engine.elapsed()) == ("paused", 0, 0.0)


# --- hurt ------------------------------------------------------------------------------


def test_hurt_ends_the_exercise_and_waits_paused_at_the_next_step():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 8)  # 3 s into the first rep
    events = engine.hurt()
    assert of(SegmentEnded, events)[0].outcome == "hurt"
    (done,) = of(ExerciseDone, events)
    assert (done.name, done.outcome, done.active_seconds) == ("Bird-dog", "hurt", 8.0)
    assert isinstance(events[-1], Paused)
    assert (engine.status, engine.index) == ("paused", 4)
    assert run(engine, clock, 60) == []  # never rushed on


def test_hurt_during_a_switch_sides_pause():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 55)
    assert engine.current.kind is SegmentKind.SWITCH_SIDES
    engine.pause()
    events = engine.hurt()
    assert not of(Paused, events)  # already paused
    assert of(ExerciseDone, events)[0].outcome == "hurt"
    assert engine.current.name == "Bridge" and engine.status == "paused"
    assert [r.outcome for r in engine.records if r.index == 7] == ["hurt"]


def test_hurt_at_the_last_exercise_completes_the_session():
    engine, clock = engine_for(PLANK)
    engine.start()
    run(engine, clock, 20)
    events = engine.hurt()
    assert engine.status == "finished"
    assert events[-1] == SessionFinished(1020.0, "completed", 20.0)


# --- waiting ---------------------------------------------------------------------------


def test_a_self_paced_set_waits_for_done_and_records_its_time():
    engine, clock = engine_for(SESSION)
    engine.start()
    events = run(engine, clock, 83)
    assert of(Waiting, events)[-1].waiting_for == "done"
    assert engine.status == "waiting" and engine.remaining() is None
    run(engine, clock, 20)
    engine.pause()
    clock.advance(100)
    engine.resume()
    run(engine, clock, 5)
    events = engine.done()
    assert of(SegmentEnded, events)[0].active_seconds == 25.0
    assert events[-1] == SessionFinished(1208.0, "completed", pytest.approx(108.0))


def test_wait_before_exercise_holds_the_get_ready_until_ready():
    engine, clock = engine_for(PLANK, wait_before_exercise=True)
    events = engine.start()
    assert of(Waiting, events)[0].waiting_for == "ready" and engine.status == "waiting"
    assert run(engine, clock, 60) == []
    assert engine.remaining() == 5.0
    events = engine.ready() + run(engine, clock, 35)
    assert of(Ready, events) == [Ready(1060.0, 0, engine.segments[0])]
    assert events[-1] == SessionFinished(1095.0, "completed", 35.0)


def test_done_and_ready_do_nothing_in_a_timed_segment():
    engine, clock = engine_for(PLANK)
    engine.start()
    run(engine, clock, 2)
    assert engine.done() == [] and engine.ready() == []
    assert engine.status == "running" and engine.index == 0


# --- quit ------------------------------------------------------------------------------


def test_quit_records_an_abandoned_session_with_what_was_done():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 20)
    events = engine.quit()
    assert of(SegmentEnded, events)[0].outcome == "abandoned"
    assert events[-1] == SessionFinished(1020.0, "abandoned", 20.0)
    assert engine.status == "abandoned"
    assert [r.outcome for r in engine.records] == ["completed"] * 4 + ["abandoned"]
    assert engine.pause() == engine.resume() == engine.skip_segment() == engine.update() == []


def test_controls_before_start_do_nothing():
    engine, _ = engine_for(PLANK)
    assert engine.pause() == engine.hurt() == engine.back() == engine.update() == []
    assert engine.status == "ready" and engine.remaining_total() == 35.0
    assert engine.quit() == [] and engine.status == "abandoned"


def test_remaining_total_counts_what_is_left():
    engine, clock = engine_for(SESSION)
    assert engine.remaining_total() == 83 + 30  # 10 self-paced reps estimated at 3 s
    engine.start()
    run(engine, clock, 40)
    assert engine.remaining_total() == 83 + 30 - 40


# --- snapshot --------------------------------------------------------------------------


def test_snapshot_mid_hold_restores_paused_with_the_elapsed_time_kept():
    engine, clock = engine_for(SESSION)
    engine.start()
    run(engine, clock, 40)  # 7 s into the left hold
    engine.add_time(10)
    saved = json.loads(json.dumps(engine.snapshot()))

    later = FakeClock(5.0)  # a new process: a new monotonic clock
    restored = SessionEngine.restore(parse_routine(SESSION.encode()).segments(), saved, later)
    assert (restored.status, restored.index, restored.elapsed()) == ("paused", 6, 7.0)
    assert restored.remaining() == 23.0
    assert restored.records == engine.records
    later.advance(100)
    assert restored.update() == []
    events = restored.resume() + run(restored, later, 23)
    (ended,) = of(SegmentEnded, events)
    assert (ended.at, ended.active_seconds, ended.added_seconds) == (128.0, 30.0, 10.0)
    assert of(Resumed, events)[0].paused_seconds == 100.0
    assert [e.at for e in of(Halfway, events)] == [113.0]  # 15 s into the 30 s it now lasts
    assert not of(SessionStarted, events)


def test_snapshot_of_a_waiting_get_ready_restores_waiting_for_ready():
    engine, _ = engine_for(PLANK, wait_before_exercise=True)
    engine.start()
    saved = engine.snapshot()
    restored = SessionEngine.restore(engine.segments, saved, FakeClock(), wait_before_exercise=True)
    events = restored.resume()
    assert of(Waiting, events)[0].waiting_for == "ready" and restored.status == "waiting"


def test_a_snapshot_of_another_routine_is_refused():
    engine, _ = engine_for(SESSION)
    engine.start()
    with pytest.raises(ValueError, match="different routine"):
        SessionEngine.restore(parse_routine(PLANK.encode()).segments(), engine.snapshot())


def test_the_engine_runs_without_textual():
    code = "import sys, backroutine.session.engine; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- stretching a get-ready to fit what is said --------------------------------------


def test_a_stretched_get_ready_ends_later_and_counts_down_from_its_new_end():
    engine, clock = engine_for(SESSION)
    events = engine.start()
    prepare = engine.current
    planned = engine.remaining_total()
    engine.stretch(prepare, 9.0)  # the announcement needs 9 s: 5 s planned
    assert engine.remaining() == 9.0
    assert engine.remaining_total() == planned + 4  # the time left counts it too
    events += run(engine, clock, 10)
    ticks = [(t.seconds_left, t.at - 1000) for t in of(CountdownTick, events) if t.index == 0]
    assert ticks == [(3, 6.0), (2, 7.0), (1, 8.0)]
    assert starts(events)[1] == (1, 1009.0)


def test_a_stretch_lasts_for_the_step_and_never_shortens_or_reaches_work():
    engine, clock = engine_for(SESSION)
    engine.start()
    prepare = engine.current
    engine.stretch(prepare, 8.0)
    engine.stretch(prepare, 6.0)  # a shorter phrase later never takes time away
    assert engine.remaining() == 8.0
    run(engine, clock, 9)
    with pytest.raises(ValueError):
        engine.stretch(engine.current, 30.0)  # a rep is as long as the therapist wrote
    engine.back()  # the get-ready comes again, as long as its words need
    assert engine.current is prepare and engine.remaining() == 8.0


# --- a beat for sets at your own pace --------------------------------------------------


def test_a_beat_paces_a_self_paced_set_hands_free():
    engine, clock = engine_for(SESSION, self_paced_beat=3.0)
    events = engine.start()
    engine.skip_exercise(), engine.skip_exercise(), engine.skip_exercise()  # on to Bridge
    events += run(engine, clock, 5)  # its get-ready
    assert engine.current.kind is SegmentKind.SELF_PACED and engine.status == "running"
    set_start = clock() - 1000
    events += run(engine, clock, 31)
    beats = [(beat.rep_number, beat.at - 1000 - set_start) for beat in of(Beat, events)]
    assert beats == [(rep, (rep - 1) * 3.0) for rep in range(2, 11)]
    assert engine.status == "finished"  # after ten reps, with no key pressed
    assert not [tick for tick in of(CountdownTick, events) if tick.index == 10]


def test_done_ends_a_beat_paced_set_early_and_without_a_beat_it_waits():
    engine, clock = engine_for(SESSION, self_paced_beat=3.0)
    engine.start()
    engine.skip_exercise(), engine.skip_exercise(), engine.skip_exercise()
    run(engine, clock, 10)
    assert engine.done()[-1] == SessionFinished(clock(), "completed", engine.active_seconds())
    unpaced, clock = engine_for(SESSION)
    unpaced.start()
    unpaced.skip_exercise(), unpaced.skip_exercise(), unpaced.skip_exercise()
    events = run(unpaced, clock, 100)
    assert unpaced.status == "waiting" and not of(Beat, events)


PACED_BY_THE_FILE = """
title: Mobility
steps:
  - name: Cat-cow
    reps: 4
    pace: 4s
    prepare: 5
  - name: Bridge
    reps: 3
"""


def test_a_files_pace_makes_the_beat_and_ends_the_set_without_a_run_beat():
    engine, clock = engine_for(PACED_BY_THE_FILE)
    events = engine.start()
    events += run(engine, clock, 5)  # the get-ready
    assert engine.current.kind is SegmentKind.SELF_PACED and engine.status == "running"
    set_start = clock() - 1000
    events += run(engine, clock, 16)
    beats = [
        (beat.rep_number, beat.seconds, beat.at - 1000 - set_start) for beat in of(Beat, events)
    ]
    assert beats == [(rep, 4.0, (rep - 1) * 4.0) for rep in range(2, 5)]
    # Over by itself after four reps; the next step, with no pace, waits for the patient.
    assert engine.current.name == "Bridge" and engine.status == "running"
    assert engine.current.kind is SegmentKind.PREPARE
    run(engine, clock, 6)
    assert engine.waiting_for == "done"


def test_a_files_pace_wins_over_the_runs_beat_which_paces_the_other_steps():
    engine, clock = engine_for(PACED_BY_THE_FILE, self_paced_beat=2.0)
    engine.start()
    run(engine, clock, 5)
    events = run(engine, clock, 16)
    assert {beat.seconds for beat in of(Beat, events) if beat.segment.name == "Cat-cow"} == {4.0}
    events = run(engine, clock, 8)  # Bridge's get-ready, then its set on the run's beat
    assert {beat.seconds for beat in of(Beat, events)} == {2.0}
