"""One place for the words: each sentence a patient meets during a session is written once.

Plain mode and the player once held copies of the same prompts, and the copies drifted. This
reads the string literals (not docstrings) of the modules that speak to the patient and fails
on any of four words or more that stands in two places.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from backroutine.routine.loader import parse_routine
from backroutine.routine.model import Growth, Segment, SegmentKind
from backroutine.routine.words import (
    NO_TIPS,
    growth_said,
    next_up,
    number_said,
    segment_detail,
    segment_line,
    starts_rep,
    tips_said,
    transition_phrases,
    where_stopped,
)

SRC = Path(__file__).parents[1] / "src" / "backroutine"
SPEAKING = [
    *sorted((SRC / "plain").rglob("*.py")),
    *sorted((SRC / "tui").rglob("*.py")),
    *sorted((SRC / "audio").rglob("*.py")),
    *sorted((SRC / "session").rglob("*.py")),
    SRC / "routine" / "words.py",
    SRC / "routine" / "safety.py",
    SRC / "routine" / "handout.py",
    SRC / "cli" / "root.py",
]


def sentences(path: Path) -> list[tuple[str, int]]:
    """The string literals of four words or more in `path`, docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (" ".join(node.value.split()), node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and len(node.value.split()) >= 4
    ]


def test_each_sentence_a_patient_meets_is_written_once():
    places: dict[str, list[str]] = defaultdict(list)
    for path in SPEAKING:
        for text, line in sentences(path):
            places[text].append(f"{path.relative_to(SRC)}:{line}")
    assert {text: where for text, where in places.items() if len(where) > 1} == {}


def test_plain_mode_and_the_player_say_a_segment_with_the_same_words():
    rep = Segment(
        SegmentKind.REP,
        5,
        0,
        "Bridge",
        side="left",
        set_number=2,
        set_count=3,
        rep_number=4,
        rep_count=10,
    )
    assert segment_line(rep) == "Hold 5 s, rep 4 of 10, left side, set 2 of 3"
    assert segment_detail(rep) == "Left side · Set 2 of 3 · Rep 4 of 10"
    assert where_stopped(rep) == "Bridge, left side, set 2 of 3"


def test_a_relax_says_the_rep_just_done_and_a_lone_hold_says_nothing():
    relax = Segment(SegmentKind.RELAX, 2, 0, "Bridge", rep_number=4, rep_count=10)
    assert segment_detail(relax) == "Rep 4 of 10 done"
    assert segment_detail(Segment(SegmentKind.HOLD, 30, 0, "Plank")) == ""


def test_what_comes_next_names_a_walk_once_and_a_set_after_its_name():
    routine = parse_routine(
        b"backroutine: 2\ntitle: T\nsteps:\n  - walk: {steps: 100, times: 2}\n"
        b"  - name: Plank\n    hold: 10s\n    sets: 2\n    rest: 10s\n"
    )
    segments = routine.segments()
    walks = [i for i, s in enumerate(segments) if s.kind is SegmentKind.WALK]
    rest = next(i for i, s in enumerate(segments) if s.kind is SegmentKind.REST)
    assert next_up(segments, walks[0]) == "Walk, 2 of 2"
    assert where_stopped(segments[walks[1]]) == "Walk, 2 of 2"
    assert next_up(segments, rest) == "Plank, set 2 of 2"


def test_during_a_get_ready_or_a_switch_what_comes_next_is_the_work_it_leads_into():
    routine = parse_routine(
        b"title: T\nsteps:\n  - name: Clam\n    hold: 5s\n    per_side: true\n"
        b"  - name: Plank\n    hold: 10s\n    sets: 2\n"
    )
    segments = routine.segments()
    said = {
        (s.name, s.kind, s.side, s.set_number): next_up(segments, i)
        for i, s in enumerate(segments)
        if s.kind in {SegmentKind.PREPARE, SegmentKind.SWITCH_SIDES}
    }
    assert said == {
        ("Clam", SegmentKind.PREPARE, "left", 1): "Clam, left side",
        # The switch to the right side, before it: not the exercise after it.
        ("Clam", SegmentKind.SWITCH_SIDES, "right", 1): "Clam, right side",
        ("Plank", SegmentKind.PREPARE, None, 1): "Plank, set 1 of 2",
    }


def test_the_voice_says_each_moment_in_a_word_or_two_richest_first():
    routine = parse_routine(
        b"title: T\nsteps:\n  - name: Clamshell\n    reps: 4\n    hold: 5s\n    sets: 2\n"
        b"    per_side: true\n    rest: 10s\n"
    )
    segments = routine.segments()
    said = [transition_phrases(s, n) for s, n in zip(segments, [*segments[1:], None], strict=True)]
    kinds = [s.kind for s in segments]
    assert said[1] == ("One of four", "One")  # the first rep of a set counts from its total
    assert said[2] == ("Relax",)
    assert said[3] == ("Two",)
    assert said[7] == ("Last one",)
    assert said[kinds.index(SegmentKind.SWITCH_SIDES)] == (
        "Switch sides. Right side.",
        "Right side.",
    )
    rest = kinds.index(SegmentKind.REST)
    assert said[rest] == (
        "Rest, 10 seconds. Then set two of two, left side.",
        "Rest, 10 seconds.",
        "Rest.",
    )
    assert said[rest + 1] == ("Last set. One of four", "One of four", "One")


def test_a_self_paced_set_reminds_how_to_finish_it():
    (_, pace) = parse_routine(b"title: T\nsteps:\n  - name: Bridge\n    reps: 10\n").segments()
    assert transition_phrases(pace) == (
        "Ten reps at your own pace. Press space when you have done ten.",
        "Press space when you have done ten.",
    )
    assert number_said(3) == "three" and number_said(25) == "25"


def test_the_tips_are_read_with_the_caution():
    (step,) = parse_routine(
        b"title: T\nsteps:\n  - name: Bridge\n    hold: 5s\n"
        b"    tips: [Squeeze your glutes, Breathe out.]\n"
        b"    caution: Stop if it hurts.\n"
    ).steps
    assert tips_said(step) == "Squeeze your glutes. Breathe out. Caution. Stop if it hurts."
    (bare,) = parse_routine(b"title: T\nsteps:\n  - name: Bridge\n    hold: 5s\n").steps
    assert tips_said(bare) == NO_TIPS


def test_a_tempo_counts_each_rep_at_its_first_phase_and_names_every_phase():
    routine = parse_routine(
        b"backroutine: 2\ntitle: T\nsteps:\n  - name: Squat\n    reps: 2\n    tempo: 3-1-1\n"
    )
    segments = routine.segments()
    said = [
        transition_phrases(s, first_phase=starts_rep(s, p))
        for p, s in zip([None, *segments], segments, strict=False)
        if s.kind is SegmentKind.REP
    ]
    assert said[:3] == [("One of two. Lower", "One. Lower", "Lower"), ("Hold",), ("Lift",)]
    assert said[3] == ("Last one. Lower", "Lower")


def test_alternating_reps_say_their_side():
    routine = parse_routine(
        b"backroutine: 2\ntitle: T\nsteps:\n  - name: Lunge\n    reps: 4\n    hold: 2s\n"
        b"    sides: alternate\n"
    )
    reps = [s for s in routine.segments() if s.kind is SegmentKind.REP]
    # Counted for each side: left 1, right 1, left 2, ...
    assert transition_phrases(reps[1]) == (
        "One of four, right side",
        "One, right side",
        "Right side",
    )
    assert transition_phrases(reps[2]) == ("Two, left side", "Left side")


@pytest.mark.parametrize(
    "field, rule, said",
    [
        ("reps", Growth(2, 1, 2, 10), "+2 reps a week, up to 10"),
        ("reps", Growth(1, None, 2, None), "+1 rep from week 2"),
        ("sets", Growth(1, None, 4, None), "+1 set from week 4"),
        ("hold", Growth(5, 2, 3, 25), "hold +5 s every 2 weeks, up to 25 s"),
        ("hold", Growth(5, 1, 3, 45), "hold +5 s a week from week 3, up to 45 s"),
        ("duration", Growth(-60, 1, 2, 300), "-1 min a week, down to 5 min"),
        ("reps", {(1, 2): 8, (3, None): 12}, "8 reps in weeks 1-2; 12 reps from week 3"),
        ("hold", {(2, 2): 30}, "hold 30 s in week 2"),
    ],
)
def test_how_a_dose_grows_is_said_as_the_patient_reads_it(field, rule, said):
    assert growth_said(field, rule) == said


def test_without_a_sound_device_the_note_says_what_plays_instead_and_how_to_have_sound():
    from backroutine.audio.backends import choose_backend
    from backroutine.routine.words import NO_SOUND_DEVICE, no_sound_played

    def no_simpleaudio(name: str):
        raise ImportError(name)

    bell = choose_backend(ring=lambda: None, importer=no_simpleaudio, which=lambda name: None)
    assert no_sound_played(bell.problem or "", bell=True) == (
        "No sound can be played (simpleaudio is not installed), so the terminal bell rings the"
        " cues: install backroutine with its audio extra (pip install 'backroutine[audio]') to"
        " hear them."
    )
    assert no_sound_played(NO_SOUND_DEVICE, bell=False) == (
        "No sound device was found, so the cues are silent: connect speakers or headphones and"
        " start again to hear them."
    )


def test_when_a_session_stopped_is_said_from_today():
    from datetime import datetime, timedelta, timezone

    from backroutine.routine.words import stopped_when

    now = datetime(2026, 11, 30, 20, 0, tzinfo=timezone.utc)
    stopped = datetime(2026, 11, 30, 8, 20, tzinfo=timezone(timedelta(hours=1)))
    assert stopped_when(stopped, now) == "today at 07:20"  # in the zone the patient is in now
    assert stopped_when(stopped - timedelta(days=1), now) == "yesterday at 07:20"
    assert stopped_when(stopped - timedelta(days=2), now) == "on Saturday 28 November at 07:20"
    assert stopped_when(stopped, None) == "on Monday 30 November at 08:20"
