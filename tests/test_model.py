"""Durations, frequencies and the expansion of a routine into timed segments."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticCustomError

from backroutine.routine.frequency import Frequency, parse_frequency
from backroutine.routine.loader import parse_routine
from backroutine.routine.model import SegmentKind
from backroutine.routine.schema import parse_duration


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        (45, 45),
        ("45s", 45),
        ("2m", 120),
        ("1m30s", 90),
        ("90 sec", 90),
        ("2 min", 120),
        ("1 minute 5 seconds", 65),
        ("1h", 3600),
        (" 30 ", 30),
        ("30 Seconds", 30),
        (10.0, 10),
    ],
)
def test_durations_as_therapists_write_them(written, seconds):
    assert parse_duration(written) == seconds


@pytest.mark.parametrize("written", [0, -5, "0s", 3601, "2h", "abc", "30 parsecs", True, 2.5, [1]])
def test_durations_that_would_change_the_exercise_are_refused(written):
    with pytest.raises(PydanticCustomError):
        parse_duration(written)


@pytest.mark.parametrize(
    ("written", "frequency"),
    [
        ("daily", Frequency(1, "day")),
        ("Every day", Frequency(1, "day")),
        ("2 per day", Frequency(2, "day")),
        ("twice a day", Frequency(2, "day")),
        ("3 per week", Frequency(3, "week")),
        ("3x a week", Frequency(3, "week")),
        ("3 times per week", Frequency(3, "week")),
        ("weekly", Frequency(1, "week")),
    ],
)
def test_frequencies(written, frequency):
    assert parse_frequency(written) == frequency


@pytest.mark.parametrize("written", ["sometimes", "0 per day", "50 per day", "3 per month", 3])
def test_unclear_frequencies_are_refused(written):
    with pytest.raises(ValueError):
        parse_frequency(written)


def plan(yaml_text: str) -> list[tuple]:
    routine = parse_routine(yaml_text.encode())
    return [
        (s.kind.value, s.seconds, s.side, s.set_number, s.rep_number) for s in routine.segments()
    ]


def test_per_side_sets_alternate_sides_with_a_switch_and_rest_between_sets():
    assert plan(
        "title: T\nsteps:\n  - {name: Piriformis, hold: 30s, per_side: true, sets: 2, rest: 15s}\n"
        "  - {name: Plank, hold: 20s}\n"
    ) == [
        ("prepare", 5, "left", 1, None),
        ("hold", 30, "left", 1, None),
        ("switch-sides", 5, "right", 1, None),
        ("hold", 30, "right", 1, None),
        ("rest", 15, None, 1, None),
        ("hold", 30, "left", 2, None),
        ("switch-sides", 5, "right", 2, None),
        ("hold", 30, "right", 2, None),
        ("rest", 15, None, 2, None),
        ("prepare", 5, None, 1, None),
        ("hold", 20, None, 1, None),
    ]


def test_without_a_rest_the_next_set_still_gets_a_switch_back_to_the_left():
    kinds = [
        k for k, *_ in plan("title: T\nsteps:\n  - {name: S, hold: 5, per_side: true, sets: 2}\n")
    ]
    assert kinds == [
        "prepare",
        "hold",
        "switch-sides",
        "hold",
        "switch-sides",
        "hold",
        "switch-sides",
        "hold",
    ]


def test_paced_reps_relax_between_reps_but_not_after_the_last():
    assert plan("title: T\nsteps:\n  - {name: Bridge, reps: 3, hold: 5s, relax: 2s}\n") == [
        ("prepare", 5, None, 1, None),
        ("rep", 5, None, 1, 1),
        ("relax", 2, None, 1, 1),
        ("rep", 5, None, 1, 2),
        ("relax", 2, None, 1, 2),
        ("rep", 5, None, 1, 3),
    ]


def test_reps_without_a_hold_wait_for_the_patient():
    routine = parse_routine(b"title: T\nsteps:\n  - {name: Sit to stand, reps: 10, sets: 2}\n")
    work = [s for s in routine.segments() if s.kind is SegmentKind.SELF_PACED]
    assert [(s.seconds, s.rep_count, s.set_number) for s in work] == [(None, 10, 1), (None, 10, 2)]
    assert routine.planned_seconds() == 5 + 2 * 10 * 3


def test_no_rest_after_the_very_last_set_of_the_routine():
    kinds = [
        k for k, *_ in plan("title: T\ndefaults: {rest: 30s}\nsteps:\n  - {name: A, hold: 5}\n")
    ]
    assert kinds == ["prepare", "hold"]


def test_step_values_override_defaults():
    routine = parse_routine(
        b"title: T\ndefaults: {rest: 30s, sets: 3, prepare: 8s}\nsteps:\n"
        b"  - {name: A, hold: 10s, sets: 1, prepare: 3s}\n  - {name: B, hold: 10s}\n"
    )
    segments = routine.segments()
    assert [(s.name, s.kind.value, s.seconds) for s in segments[:4]] == [
        ("A", "prepare", 3),
        ("A", "hold", 10),
        ("A", "rest", 30),
        ("B", "prepare", 8),
    ]
    assert sum(s.kind is SegmentKind.HOLD for s in segments if s.name == "B") == 3
    assert routine.planned_seconds() == 3 + 10 + 30 + 8 + 3 * 10 + 2 * 30
