"""The records backroutine passes around (routines, segments, events, log rows, settings) are
msgspec Structs: made at import ~30x faster than dataclasses, and they must keep behaving as
the frozen dataclasses they replaced did."""

from __future__ import annotations

import copy
import io
import pickle
import re
from pathlib import Path

import msgspec
import pytest
from msgspec.structs import replace

from backroutine.base.settings import Settings, load_settings, save_settings
from backroutine.routine.catalog import load_entry
from backroutine.routine.loader import load_routine
from backroutine.routine.model import ExerciseStep, Segment, Tempo
from backroutine.routine.plain_data import PlainUnpickler, plain_loads
from backroutine.session.engine import FakeClock, SegmentStarted, SessionEngine

SRC = Path(__file__).parents[1] / "src" / "backroutine"
ROUTINES = sorted((SRC / "routines").glob("*.yaml"))
FIXTURES = sorted((Path(__file__).parent / "data" / "good").glob("*.yaml"))


def test_records_in_the_package_are_structs_only():
    """One idiom for records: a dataclass would cost its half a millisecond at import again."""
    using = [
        path.relative_to(SRC)
        for path in sorted(SRC.rglob("*.py"))
        if re.search(r"^\s*(from dataclasses |import dataclasses)", path.read_text(), re.M)
    ]
    assert using == []


@pytest.mark.parametrize("path", ROUTINES + FIXTURES, ids=lambda path: path.name)
def test_a_routine_loaded_twice_is_equal_and_hashes_alike(path: Path):
    first, again = load_routine(path).routine, load_routine(path).routine
    assert first == again and hash(first) == hash(again)
    assert len({first, again}) == 1
    assert {segment: index for index, segment in enumerate(first.segments())} == {
        segment: index for index, segment in enumerate(again.segments())
    }
    assert first.segments() == again.segments()
    assert replace(first, title=first.title + "!") != first


@pytest.mark.parametrize("path", ROUTINES + FIXTURES, ids=lambda path: path.name)
def test_a_loaded_routine_comes_back_whole_through_the_plain_unpickler(path: Path):
    entry = load_entry(path)
    assert entry.loaded is not None
    assert plain_loads(pickle.dumps(entry)) == entry
    assert copy.copy(entry) == entry and copy.deepcopy(entry) == entry


def test_a_record_with_keyword_only_fields_comes_back_from_a_pickle():
    step = ExerciseStep("Plank", hold=20, days=(0, 3), from_week=2)
    assert plain_loads(pickle.dumps(step)) == step


class Foreign(msgspec.Struct, frozen=True, kw_only=True):
    """A record that is not routine data, built as keyword-only records are unpickled."""

    command: str


def test_the_unpickler_builds_only_routine_records_even_through_msgspec():
    with pytest.raises(pickle.UnpicklingError, match="not plain routine data"):
        PlainUnpickler(io.BytesIO(pickle.dumps(Foreign(command="rm -rf ~")))).load()


def test_records_cannot_be_changed_in_place():
    routine = load_routine(ROUTINES[0]).routine
    with pytest.raises(AttributeError):
        routine.title = "Changed"
    with pytest.raises(AttributeError):
        routine.steps[0].name = "Changed"
    assert load_routine(ROUTINES[0]).routine == routine


def test_records_say_what_they_hold_in_a_failing_test():
    assert repr(Tempo(3, 1, 1)) == "Tempo(lower=3, hold=1, lift=1)"
    started = SegmentStarted(0.0, 2, Segment("hold", 10, 0, "Plank"))
    assert repr(started).startswith("SegmentStarted(at=0.0, index=2, segment=Segment(kind='hold'")


def test_records_take_their_fields_in_order_and_match_by_position():
    step = ExerciseStep("Plank", None, 20, days=(0,))
    match step:
        case ExerciseStep(name, exercise, hold):
            assert (name, exercise, hold) == ("Plank", None, 20)
        case _:
            pytest.fail("an exercise step did not match by position")
    # The schedule's fields are keyword-only, as the dataclass had them: not matched by position.
    assert "days" not in ExerciseStep.__match_args__
    with pytest.raises(TypeError):
        ExerciseStep(*(None,) * (len(ExerciseStep.__match_args__) + 1))


def test_an_engine_event_equals_one_made_of_the_same_segment():
    segments = load_routine(ROUTINES[0]).routine.segments()
    engine = SessionEngine(segments, FakeClock())
    events = engine.start()
    assert SegmentStarted(0.0, 0, segments[0]) in events


def test_the_settings_file_keeps_its_shape(tmp_path: Path):
    path = tmp_path / "settings.json"
    chosen = Settings(volume=35, emergency_number="112")
    save_settings(chosen, path)
    assert path.read_text() == (
        "{\n"
        '  "sound": true,\n'
        '  "voice": "on",\n'
        '  "volume": 35,\n'
        '  "speech_rate": 160,\n'
        '  "emergency_number": "112",\n'
        '  "breath_seconds": 5,\n'
        '  "affected_side": "unknown",\n'
        '  "flash": false\n'
        "}\n"
    )
    assert load_settings(path).settings == chosen
