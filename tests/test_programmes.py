"""The published home programmes in docs/programmes/ load, and play as their sources prescribe.

Each file is a transcription of a public leaflet (its header cites it). Here each one is
validated without a warning, played end to end by the real engine on a fake clock into a
real SQLite log, and its work, its log rows and its spoken words are checked against the
numbers of the source, written out by hand below: what the leaflet says, not what the
file says.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backroutine.audio.voice import routine_phrases
from backroutine.log.export import export
from backroutine.log.store import CompletionLog, ExerciseRecord
from backroutine.plain.session import PlainSession
from backroutine.routine.loader import check_routine_file
from backroutine.routine.model import LoadedRoutine, Routine, SegmentKind
from backroutine.routine.safety import PACK_SAFETY
from backroutine.routine.stages import at_stage, move_on_question, stages_said
from backroutine.session.engine import FakeClock, SessionEngine
from backroutine.session.recorder import SessionRecorder

PROGRAMMES = Path(__file__).parents[1] / "docs" / "programmes"

# For each programme, each step's work as the source prescribes it (the first stage's, for
# a programme in stages): the kind of work, the seconds of each piece (None: the patient
# marks it done), and how many pieces on each side ("left", "right" or None).
Work = list[tuple[str, int | None, str | None, int]]
PRESCRIBED: dict[str, dict[str, Work]] = {
    "csp-back-pain": {
        "Before you start": [("card", None, None, 1)],
        "Back stretch": [("rep", 10, "left", 3), ("rep", 10, "right", 3)],  # 10 s, 3 each side
        "Deep lunge": [("rep", 5, "left", 3), ("rep", 5, "right", 3)],
        "One-leg stand (front)": [("rep", 5, "left", 3), ("rep", 5, "right", 3)],
        "Pelvic tilt": [("rep", 5, None, 5)],
        "Knees to chest": [("rep", 5, "left", 5), ("rep", 5, "right", 5)],  # up to 5 each
    },
    "nhs-inform-back-pain": {
        # 5 repetitions of each; a knee roll is one way, then the other, each held 2 s.
        "Rolling your knees": [("rep", 2, "left", 1), ("rep", 2, "right", 1)] * 5,
        "Tilting your pelvis": [("rep", 2, None, 5)],
        "Good posture": [("rep", 5, None, 5)],
        "Back bends": [("self-paced", None, None, 1)],
        "Walk at a comfortable pace": [("walk", 600, None, 1), ("confirm", None, None, 1)],
    },
    "mckenzie-extension": {
        "Where your pain is": [("card", None, None, 1)],
        "Lying face down on your elbows": [("rep", 5, None, 5)],  # 5 s, 5 times
    },
    "mcgill-big-3": {
        # 10 s holds, 4 reps (the lower end of 4-6), 2 rounds of the three (the lower end of
        # 2-4), all of one side before the other.
        "Curl-up": [("rep", 10, None, 8)],
        "Side plank from the knees": [("rep", 10, "left", 4), ("rep", 10, "right", 4)] * 2,
        "Bird-dog": [("rep", 10, "left", 4), ("rep", 10, "right", 4)] * 2,
    },
    "sciatic-nerve-glides": {
        "A glide, not a stretch": [("card", None, None, 1)],
        # The affected leg only.
        "Seated nerve floss (the affected leg)": [("self-paced", None, "affected", 1)],
        "Lying nerve slider (the affected leg)": [("self-paced", None, "affected", 1)],
    },
    "graded-walking": {
        "Before you go": [("card", None, None, 1)],
        "Walk at a moderate pace": [("walk", 15 * 60, None, 1), ("confirm", None, None, 1)],
        "Steps for the rest of the day": [("walk", None, None, 1)],
    },
    "desk-micro-breaks": {
        "Stand up tall": [("hold", 10, None, 1)],
        "Standing back bend": [("self-paced", None, None, 1)],
        "Walk away from the desk and back": [("walk", None, None, 2)],
    },
    "flare-up-plan": {
        "Hurt does not mean harm": [("card", None, None, 1)],
        "Heat on your lower back": [("heat", 15 * 60, None, 1)],  # 15-20 minutes
        # 3 minutes of 4 s in, 6 s out: 18 breaths.
        "Slow breathing": [("breathe-in", 4, None, 1), ("breathe-out", 6, None, 1)] * 18,
        "Knee rolls": [("rep", 5, "left", 5), ("rep", 5, "right", 5)],
        "Knee hugs": [("rep", 5, "left", 5), ("rep", 5, "right", 5)],
        "A short, easy walk": [("walk", 5 * 60, None, 1), ("confirm", None, None, 1)],
    },
}

# What each step's log row says was done: reps (or breaths, or steps) done of the count.
LOGGED_COUNTS: dict[str, dict[str, tuple[int | None, int | None]]] = {
    "csp-back-pain": {"Back stretch": (6, 3), "Pelvic tilt": (5, 5), "Knees to chest": (10, 5)},
    "nhs-inform-back-pain": {"Rolling your knees": (10, 5), "Back bends": (5, 5)},
    "mckenzie-extension": {"Lying face down on your elbows": (5, 5)},
    "mcgill-big-3": {"Curl-up": (8, 4), "Bird-dog": (16, 4)},
    "sciatic-nerve-glides": {"Seated nerve floss (the affected leg)": (10, 10)},
    "graded-walking": {"Walk at a moderate pace": (None, None)},
    "desk-micro-breaks": {"Walk away from the desk and back": (40, 20)},
    "flare-up-plan": {"Slow breathing": (18, 18), "Heat on your lower back": (None, None)},
}

# How often, as each source says it, in the app's words.
FREQUENCY = {
    "csp-back-pain": "daily",
    "nhs-inform-back-pain": "3 per day",
    "mckenzie-extension": "2-3 per day",  # "2-3 times a day"
    "mcgill-big-3": "daily",
    "sciatic-nerve-glides": "3 per day",  # "several times through the day": no number
    "graded-walking": "3 per week",  # weeks 1 and 2: "three non-consecutive days"
    "desk-micro-breaks": "every 20 minutes between 09:00 and 17:00",  # "every 20 minutes"
    "flare-up-plan": "as needed",
}

# How often at each stage, as the source says it, where a stage changes it.
STAGE_FREQUENCY = {
    "mckenzie-extension": [
        "2 per day",  # on elbows: "twice a day"
        "2-3 per day",  # press-ups: "2-3 times a day"
        "2-3 per day",  # standing back bends: the source says none; the routine's
    ],
    "graded-walking": [
        "3 per week",  # weeks 1 and 2: "three non-consecutive days"
        "4 per week",  # week 3: "four days of 20 minutes"
        "4 per week",  # week 4: 25 minutes, the days of week 3
        "5 per week",  # "five days from week 5"
    ],
}

# The stages of a programme that goes in stages: each one's name, its criterion in the
# patient's words (None: not left), the days between questions, and its work (as above).
Stages = list[tuple[str, str | None, int, dict[str, Work]]]
STAGES: dict[str, Stages] = {
    "mckenzie-extension": [
        (
            "On your elbows",
            "when the pain has eased, or moved out of your leg towards the middle of your back",
            7,
            PRESCRIBED["mckenzie-extension"],
        ),
        (
            "Press-ups",
            "when press-ups have eased the pain further and it no longer spreads",
            7,
            {"Press-up": [("self-paced", None, None, 1)]},  # 10 times, no hold
        ),
        ("Standing back bends", None, 7, {"Standing back bend": [("self-paced", None, None, 1)]}),
    ],
    "graded-walking": [
        (
            "15 minutes, weeks 1 and 2",
            "when you have walked 15 minutes on three days a week for two weeks",
            14,
            PRESCRIBED["graded-walking"],
        ),
        (
            "20 minutes, week 3",
            "when you have walked 20 minutes on the days of a week",
            7,
            {
                "Walk at a moderate pace": [("walk", 20 * 60, None, 1), ("confirm", None, None, 1)],
                "Steps for the rest of the day": [("walk", None, None, 1)],
            },
        ),
        (
            "25 minutes, week 4",
            "when you have walked 25 minutes on four days of a week",
            7,
            {
                "Walk at a moderate pace": [("walk", 25 * 60, None, 1), ("confirm", None, None, 1)],
                "Steps for the rest of the day": [("walk", None, None, 1)],
            },
        ),
        (
            "25 minutes on five days, from week 5",
            None,
            7,
            {
                "Walk at a moderate pace": [("walk", 25 * 60, None, 1), ("confirm", None, None, 1)],
                "Steps for the rest of the day": [("walk", None, None, 1)],
            },
        ),
    ],
}

FILES = sorted(PROGRAMMES.glob("*.yaml"))


def test_there_are_at_least_six_programmes_each_with_a_source_and_a_test():
    assert len(FILES) >= 6
    assert {path.stem for path in FILES} == set(PRESCRIBED) == set(LOGGED_COUNTS)
    readme = (PROGRAMMES / "README.md").read_text("utf-8")
    for path in FILES:
        assert "https://" in path.read_text("utf-8"), f"{path.name} cites no source"
        assert path.name in readme, f"README.md does not list {path.name}"


@pytest.fixture(params=FILES, ids=lambda path: path.stem)
def programme(request) -> LoadedRoutine:
    loaded, warnings = check_routine_file(request.param, today=date(2026, 11, 30))
    assert warnings == []
    return loaded


def play(loaded: LoadedRoutine, log: CompletionLog) -> SessionEngine:
    """Play the whole session as a patient who does everything and says yes."""
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    started = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)
    SessionRecorder.start(log, loaded, engine, now=lambda: started + timedelta(seconds=clock()))
    engine.start()
    while engine.status != "finished":
        if engine.waiting_for == "ready":
            engine.ready()
        elif engine.waiting_for == "done":
            clock.advance(engine.current.planned_seconds)
            engine.done()
        else:
            clock.advance(engine.remaining() or 0.5)
            engine.update()
    return engine


def work_of(routine: Routine) -> dict[str, Work]:
    """Each step's work segments, runs of alike ones counted."""
    work: dict[str, Work] = {}
    for segment in routine.segments():
        if not segment.kind.is_work:
            continue
        runs = work.setdefault(segment.name, [])
        piece = (segment.kind.value, segment.seconds, segment.side)
        if (
            runs
            and runs[-1][:3] == piece
            and segment.kind.value not in {"breathe-in", "breathe-out"}
        ):
            runs[-1] = (*piece, runs[-1][3] + 1)
        else:
            runs.append((*piece, 1))
    return work


def test_the_work_is_what_the_source_prescribes(programme: LoadedRoutine):
    assert work_of(programme.routine) == PRESCRIBED[programme.source.stem]


def test_how_often_is_what_the_source_says(programme: LoadedRoutine):
    assert str(programme.routine.frequency) == FREQUENCY[programme.source.stem]


def test_how_often_at_each_stage_is_what_the_source_says(programme: LoadedRoutine):
    routine = programme.routine
    said = [str(routine.frequency_for(number)) for number in range(1, len(routine.stages) + 1)]
    assert said == STAGE_FREQUENCY.get(programme.source.stem, [])


def test_the_stages_and_when_to_move_on_are_the_sources(programme: LoadedRoutine):
    routine = programme.routine
    stages = STAGES.get(programme.source.stem, [])
    said = [(stage.name, stage.move_on, stage.ask_every) for stage in routine.stages]
    assert said == [stage[:3] for stage in stages]
    for number, (_, move_on, _, work) in enumerate(stages, 1):
        assert work_of(at_stage(routine, number)) == work
        if move_on is not None:  # asked in the patient's words after a session
            assert f"Move on {move_on}. Is that true for you now?" in move_on_question(
                routine, number
            )


def test_mckenzie_is_started_on_the_elbows_and_its_handout_says_the_way_back():
    loaded, _ = check_routine_file(PROGRAMMES / "mckenzie-extension.yaml")
    assert stages_said(loaded.routine) == [
        "Stage 1, On your elbows (2 per day): move on when the pain has eased, or moved out of"
        " your leg towards the middle of your back (asked every week). Your stage now: the"
        " exercises below",
        "Stage 2, Press-ups (2-3 per day): move on when press-ups have eased the pain further"
        " and it no longer spreads (asked every week)",
        "Stage 3, Standing back bends (2-3 per day)",
        "If your symptoms get worse, go back a stage.",
    ]


def test_a_whole_session_is_logged_step_by_step_as_prescribed(programme, tmp_path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        play(programme, log)
        (session,) = log.sessions(with_exercises=True)
        out = io.StringIO()
        export(log, "csv", out=out)
    assert session.status == "completed"
    rows: dict[str, ExerciseRecord] = {row.name: row for row in session.exercises}
    # One row per step that is not a rest, each done: cards, packs, breathing and walks too.
    assert list(rows) == list(PRESCRIBED[programme.source.stem])
    assert {row.outcome for row in rows.values()} == {"done"}
    for name, (done, count) in LOGGED_COUNTS[programme.source.stem].items():
        assert (rows[name].reps_done, rows[name].rep_count) == (done, count), name
    exported = [row["exercise"] for row in csv.DictReader(io.StringIO(out.getvalue()))]
    assert exported == list(rows)


def test_the_voice_says_each_card_pack_breath_and_walk(programme: LoadedRoutine):
    phrases = routine_phrases(programme.routine)
    for step in programme.routine.steps:
        text = getattr(step, "text", None)
        if text is not None:  # a card is read out whole
            assert any(text in phrase for phrase in phrases)
    stem = programme.source.stem
    if stem == "flare-up-plan":
        heat = next(phrase for phrase in phrases if phrase.startswith("Heat on your lower back"))
        assert "15 minutes" in heat and PACK_SAFETY["heat"] in heat
        assert {"Breathe in", "Breathe out", "Did you walk 5 minutes?"} <= set(phrases)
    if stem == "graded-walking":
        assert "Did you walk 15 minutes?" in phrases
        assert "Steps for the rest of the day. 3,000 steps today." in phrases


def test_a_walk_answered_no_is_logged_as_not_done(tmp_path):
    loaded, _ = check_routine_file(PROGRAMMES / "graded-walking.yaml")
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        SessionRecorder.start(log, loaded, engine)
        engine.start()
        engine.done()  # the card
        engine.update()
        clock.advance(5 + 15 * 60)  # the get-ready and the walk
        engine.update()
        assert engine.current.kind is SegmentKind.CONFIRM
        engine.skip_segment()  # n: "no, I did not walk 15 minutes"
        engine.done()  # the day's steps were reached
        (session,) = log.sessions(with_exercises=True)
    walk, steps = session.exercises[1:]
    assert (walk.name, walk.outcome) == ("Walk at a moderate pace", "skipped")
    assert walk.active_seconds == pytest.approx(15 * 60)  # what was walked is kept
    assert (steps.outcome, steps.reps_done) == ("done", 3000)


def test_the_flare_up_plan_in_plain_mode():
    loaded, _ = check_routine_file(PROGRAMMES / "flare-up-plan.yaml")
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(loaded.routine.segments(), clock)
    pending = ["\n", "\n"]  # read the card, then the pack is on

    def keys(timeout: float) -> str | None:
        if engine.waiting_for is not None and pending:
            return pending.pop(0)
        if engine.current is not None and engine.current.kind is SegmentKind.CONFIRM:
            return "\n"  # yes, I walked
        if engine.waiting_for is not None:
            return "\n"
        clock.advance(timeout)
        return None

    status = PlainSession(engine, out=out, keys=keys, clock=clock, sleep=clock.advance).run()
    lines = out.getvalue().splitlines()
    assert status == "finished"
    card = lines.index("Hurt does not mean harm")
    assert lines[card + 1].startswith("A flare-up is painful but rarely a sign of new damage")
    assert lines[card + 2] == "Press Enter to go on"
    heat = lines.index("Get ready: Heat on your lower back")
    assert lines[heat + 1 : heat + 3] == [PACK_SAFETY["heat"], "Press Enter when the pack is on"]
    assert lines[heat + 3] == "Heat on your lower back, 15 min"  # not "Heat: Heat on..."
    assert lines.count("Breathe in 4 s") == lines.count("Breathe out 6 s") == 18
    assert "3" not in lines[lines.index("Breathe in 4 s") : lines.index("Done: Slow breathing")]
    assert "Did you walk 5 min? Enter: yes, n: no" in lines
    assert "Done: A short, easy walk" in lines
    assert "Done: Heat on your lower back" in lines
