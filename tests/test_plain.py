"""Plain mode: one line per event, for screen readers and unattended runs."""

from __future__ import annotations

import io

from backroutine.engine import FakeClock, SessionEngine
from backroutine.loader import parse_routine
from backroutine.plain import PlainSession, check_in

ROUTINE = parse_routine(b"""
title: Plain
safety: [Stop on sharp pain.]
steps:
  - {name: Knee to chest, hold: 4s, per_side: true, prepare: 3s, switch: 2s}
  - rest: 2s
  - {name: Bridge, reps: 2, hold: 2s, relax: 1s, prepare: 2s}
  - {name: Sit to stand, reps: 3, prepare: 1s}
""")


def run(keys_script: dict[float, str] | None = None) -> tuple[str, str]:
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(ROUTINE.segments(), clock)
    keys = None
    if keys_script is not None:
        pending = sorted(keys_script.items())

        def keys(timeout: float) -> str | None:
            if pending and clock() + timeout >= pending[0][0]:
                at, key = pending.pop(0)
                clock.advance(max(0.0, at - clock()))
                return key
            clock.advance(timeout)
            return None

    status = PlainSession(
        engine, out=out, keys=keys, clock=clock, sleep=clock.advance
    ).run()
    return status, out.getvalue()


def test_unattended_session_prints_every_step_and_finishes():
    status, text = run()
    assert status == "finished"
    assert text.splitlines() == [
        "Get ready: Knee to chest, left side, 3 s",
        "2",
        "1",
        "Hold 4 s",
        "3",
        "2",
        "1",
        "Switch sides: right side next, 2 s",
        "1",
        "Hold 4 s",
        "3",
        "2",
        "1",
        "Done: Knee to chest",
        "Rest 2 s",
        "1",
        "Get ready: Bridge, 2 s",
        "1",
        "Rep 1 of 2: hold 2 s",
        "1",
        "Relax 1 s",
        "Rep 2 of 2: hold 2 s",
        "1",
        "Done: Bridge",
        "Get ready: Sit to stand, 1 s",
        "Do 3 reps at your own pace, then press Enter",
        "Done: Sit to stand",
        "Routine complete in 32 s. Well done.",
    ]


def test_keys_pause_skip_and_quit():
    status, text = run({1.0: " ", 30.0: " ", 40.0: "n", 41.0: "q"})
    assert status == "abandoned"
    lines = text.splitlines()
    assert lines[0].startswith("Keys: space pause/resume")
    assert "Paused: press space to carry on" in lines
    assert "Carrying on" in lines
    assert lines[-1].startswith("Session ended after ")


def test_check_in_stops_on_a_red_flag():
    answers = iter(["4", "n", "yes", "n", "n", "n"])
    out = io.StringIO()
    go, pain = check_in(ROUTINE, ask=lambda _: next(answers), out=out)
    assert (go, pain) == (False, 4)
    assert "Please do not exercise today. New weakness in a leg" in out.getvalue()
    assert "! Stop on sharp pain." in out.getvalue()


def test_check_in_asks_again_for_a_pain_score_it_cannot_read():
    answers = iter(["eleven", "11", "2", "", "", "", "", ""])
    go, pain = check_in(ROUTINE, ask=lambda _: next(answers), out=io.StringIO())
    assert (go, pain) == (True, 2)
