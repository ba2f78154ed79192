"""`pace:`: a set done at your own pace, paced by a beat the routine file sets."""

from __future__ import annotations

import io

import jsonschema
import pytest
import yaml
from plain_runs import scripted_keys

from backroutine.plain.session import PlainSession
from backroutine.routine.json_schema import json_schema
from backroutine.routine.loader import parse_routine
from backroutine.routine.model import RoutineFileError, SegmentKind
from backroutine.routine.words import announcement, dose, short_dose
from backroutine.session.engine import FakeClock, SessionEngine

CAT_COW = """title: Mobility
steps:
  - name: Cat-cow
    reps: 10
    pace: 4s
    prepare: 2s
"""


def test_pace_paces_the_set_by_a_beat_of_its_own():
    routine = parse_routine(CAT_COW)
    (step,) = routine.exercises
    assert step.pace == 4
    (work,) = [s for s in routine.segments() if s.kind is SegmentKind.SELF_PACED]
    assert (work.rep_count, work.beat_seconds) == (10, 4)


def test_the_dose_says_how_often_a_rep_comes():
    routine = parse_routine(CAT_COW)
    (step,) = routine.exercises
    assert dose(step, routine) == "10 reps, one every 4 s"
    assert short_dose(step, routine) == "10 reps, one every 4 s"
    prepare = routine.segments()[0]
    assert announcement(step, prepare) == "Cat-cow. 10 reps, one every 4 seconds."


@pytest.mark.parametrize(
    "pace, said",
    [
        ("0", "'0' is not a pace: write the seconds per rep, e.g. pace: 3s"),
        ("fast", "'fast' is not a pace: write the seconds per rep, e.g. pace: 3s"),
        ("45s", "a pace of 45 seconds per rep is too slow for a beat: at most 30s"),
    ],
)
def test_a_slip_in_pace_is_located_and_said_plainly(pace, said):
    with pytest.raises(RoutineFileError) as error:
        parse_routine(CAT_COW.replace("pace: 4s", f"pace: {pace}"))
    assert "<routine>:5:" in str(error.value) and said in str(error.value)


def test_pace_on_a_hold_says_it_is_for_reps_at_your_own_pace():
    with pytest.raises(RoutineFileError) as error:
        parse_routine(CAT_COW.replace("pace: 4s", "pace: 4s\n    hold: 5s"))
    assert "pace: is for reps done at your own pace" in str(error.value)


@pytest.mark.parametrize(
    "pace, accepted",
    [("4s", True), ("30", True), ("0", False), ("fast", False), ("31s", False)],
)
def test_the_json_schema_accepts_what_validate_does(pace, accepted):
    document = yaml.safe_load(CAT_COW.replace("pace: 4s", f"pace: {pace}"))
    valid = jsonschema.Draft202012Validator(json_schema()).is_valid(document)
    assert valid is accepted


def test_the_json_schema_refuses_pace_on_a_hold():
    document = yaml.safe_load(CAT_COW.replace("pace: 4s", "pace: 4s\n    hold: 5s"))
    assert not jsonschema.Draft202012Validator(json_schema()).is_valid(document)


def play_plain(text: str, keys_at: dict[float, str], beat: float = 0.0) -> str:
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(parse_routine(text).segments(), clock, self_paced_beat=beat)
    keys = scripted_keys(clock, keys_at, give_up_at=600)
    status = PlainSession(engine, out=out, keys=keys, clock=clock, sleep=clock.advance).run()
    assert status == "finished"
    return out.getvalue()


def test_in_plain_mode_enter_ends_a_paced_set_early():
    text = play_plain(CAT_COW, {2 + 9: "\n"})  # 9 s into the 40 s set
    assert text.splitlines()[1:] == [
        "Get ready: Cat-cow, 2 s",
        "Do 10 reps, one every 4 s; Enter ends the set early",
        "Done: Cat-cow",
        "Routine complete in 11 s. Well done.",
    ]


def test_in_plain_mode_space_pauses_a_paced_set_which_then_ends_by_itself():
    text = play_plain(CAT_COW, {2 + 9: " ", 2 + 100: " "})  # paused 91 s of the 40 s set
    assert text.splitlines()[1:] == [
        "Get ready: Cat-cow, 2 s",
        "Do 10 reps, one every 4 s; Enter ends the set early",
        "Paused: press space to go on",
        "Carrying on",
        "Done: Cat-cow",
        "Routine complete in 42 s. Well done.",
    ]


def test_in_plain_mode_a_set_paced_by_the_runs_beat_says_it_ends_by_itself():
    own_pace = CAT_COW.replace("    pace: 4s\n", "")
    text = play_plain(own_pace, {}, beat=3)  # nobody presses a key: the beat ends the set
    assert "Do 10 reps, one every 3 s; Enter ends the set early" in text.splitlines()
    assert "at your own pace" not in text
    assert text.splitlines()[-1] == "Routine complete in 32 s. Well done."
