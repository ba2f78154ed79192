"""The routines shipped with backroutine, and the format reference therapists write from.

The bundled routines are what a new patient sees first, so they must load, warn plainly,
and explain every exercise. The reference must not drift from the loader: its examples
are validated, its listings replayed and its error messages reproduced here.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from backroutine import cli, schema
from backroutine.loader import MAX_FILE_BYTES, RoutineFileError, load_routine, parse_routine
from backroutine.model import (
    DEFAULT_PREPARE_SECONDS,
    DEFAULT_RELAX_SECONDS,
    DEFAULT_SWITCH_SECONDS,
    MAX_REPS,
    MAX_SETS,
    Defaults,
    RestStep,
    Routine,
    Segment,
)
from backroutine.paths import bundled_routines_dir, routine_files

BUNDLED = routine_files(bundled_routines_dir())
REFERENCE = Path(__file__).parents[1] / "docs" / "routine-format.md"
AUTHOR = "backroutine (general guidance, not a prescription)"


def bundled(path: Path) -> Routine:
    return load_routine(path).routine


def test_the_six_core_routines_are_bundled():
    assert {
        "lower-back-mobility",
        "core-stability",
        "sciatica-relief",
        "desk-break",
        "balance-stability",
        "morning-5-minutes",
    } <= {path.stem for path in BUNDLED}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_routine_says_what_it_is_and_how_often(path: Path):
    routine = bundled(path)
    assert routine.title and routine.description and routine.tags
    assert routine.frequency is not None
    assert routine.author == AUTHOR


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_safety_notes_send_the_patient_to_a_clinician(path: Path):
    safety = " ".join(bundled(path).safety).lower()
    assert "not a substitute" in safety and "clinician" in safety
    for warning_sign in ("sharp pain", "numbness", "tingling", "weakness"):
        assert warning_sign in safety, warning_sign


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_exercise_has_tips_a_caution_a_reason_and_an_announcement(path: Path):
    for step in bundled(path).exercises:
        assert 2 <= len(step.tips) <= 4, step.name
        assert all(len(tip) >= 20 for tip in step.tips), step.name
        assert step.caution and step.why and step.say, step.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_per_side_exercises_announce_that_the_left_side_comes_first(path: Path):
    # The player always starts per-side exercises on the left; the voice must agree.
    for step in bundled(path).exercises:
        if step.per_side:
            assert "left" in step.say.lower(), step.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_doses_are_gentle_home_exercise_doses(path: Path):
    for step in bundled(path).exercises:
        assert (step.sets or 1) <= 3, step.name
        assert (step.reps or 0) <= 15, step.name
        if step.hold is not None:
            assert step.hold <= 60, step.name
        if step.kind == "hold":  # a single stretch or plank shorter than this does little
            assert step.hold >= 15, step.name


def test_every_way_of_timing_appears_among_the_bundled_routines():
    routines = [bundled(path) for path in BUNDLED]
    exercises = [step for routine in routines for step in routine.exercises]
    assert {step.kind for step in exercises} == {"hold", "duration", "reps", "self-paced"}
    assert any(step.per_side for step in exercises)
    assert any(step.sets and step.sets > 1 for step in exercises)
    assert any(isinstance(step, RestStep) for routine in routines for step in routine.steps)
    assert any(routine.defaults != Defaults() for routine in routines)


def test_morning_routine_takes_about_five_minutes():
    routine = load_routine(bundled_routines_dir() / "morning-5-minutes.yaml").routine
    assert 240 <= routine.planned_seconds() <= 360


# --- docs/routine-format.md ---------------------------------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
BLOCKS = [(match[1], match[2]) for match in FENCE.finditer(REFERENCE.read_text("utf-8"))]
YAML_EXAMPLES = [body for language, body in BLOCKS if language == "yaml"]


def example_id(body: str) -> str:
    return re.search(r"^title: (.*)$", body, re.MULTILINE)[1]


def test_reference_has_examples_to_copy():
    assert len(YAML_EXAMPLES) >= 5


@pytest.mark.parametrize("body", YAML_EXAMPLES, ids=example_id)
def test_every_yaml_example_in_the_reference_validates(body: str):
    assert parse_routine(body, "example.yaml").steps


def listing_line(segment: Segment) -> str:
    """One segment as the reference lists it: `Hold   5 s  Bird-dog (left, rep 1/2)`."""
    where = [segment.side] if segment.side else []
    if segment.set_count > 1:
        where.append(f"set {segment.set_number}/{segment.set_count}")
    if segment.rep_number is not None:
        where.append(f"rep {segment.rep_number}/{segment.rep_count}")
    seconds = f"{segment.seconds} s" if segment.seconds is not None else "—"
    detail = f" ({', '.join(where)})" if where else ""
    return f"{segment.kind.label:<13}{seconds:>6}  {segment.name}{detail}"


LISTINGS = [
    (routine_text, listing)
    for (language, routine_text), (_, listing) in pairwise(BLOCKS)
    if language == "yaml" and listing.startswith("Get ready")
]


@pytest.mark.parametrize(
    "routine_text, listing", LISTINGS, ids=[example_id(text) for text, _ in LISTINGS]
)
def test_segment_listings_in_the_reference_are_what_the_app_plays(routine_text, listing):
    segments = parse_routine(routine_text).segments()
    assert [listing_line(segment) for segment in segments] == listing.splitlines()


def test_reference_shows_both_a_paced_and_a_self_paced_expansion():
    assert len(LISTINGS) == 2


def test_reference_names_every_key_of_the_format():
    reference = REFERENCE.read_text("utf-8")
    keys = {*schema.Routine.model_fields, *schema.Defaults.model_fields,
            *schema.ExerciseStep.model_fields}
    missing = sorted(key for key in keys if f"| `{key}` |" not in reference)
    assert not missing


def test_reference_states_the_limits_and_built_in_values_the_model_uses():
    reference = REFERENCE.read_text("utf-8")
    assert f"more than {MAX_REPS} `reps`" in reference
    assert f"more than {MAX_SETS} `sets`" in reference
    assert f"over {MAX_FILE_BYTES // 1024} KB" in reference
    assert "over 1 hour" in reference
    assert f"| `relax` | {DEFAULT_RELAX_SECONDS} s |" in reference
    assert f"| `switch` | {DEFAULT_SWITCH_SECONDS} s |" in reference
    assert f"| `prepare` | {DEFAULT_PREPARE_SECONDS} s |" in reference


def one_step(step: str, head: str = "title: T\n") -> str:
    """A routine file of one step, written the way the reference's table describes it."""
    return f"{head}steps:\n  - {step}"


DOCUMENTED_MISTAKES = [
    (one_step("name: Bridge\n    reps: 10\n    hodl: 5s\n"), "did you mean 'hold'?"),
    (one_step("name: A\n    hold: 5s\n", "title: T\ndefault:\n  rest: 30s\n"), "'defaults'?"),
    (one_step("name: Bridge\n"), "give the step one of hold"),
    (one_step("name: Plank\n    hold: 30s\n    duration: 1m\n"), "either hold or duration"),
    (one_step("name: Plank\n    hold: 30s\n    relax: 3s\n"), "relax is the pause"),
    (one_step("name: Plank\n    hold: 0\n"), "more than zero seconds"),
    (one_step("name: Walk\n    duration: 2h\n"), "over the 1 hour limit"),
    (one_step("name: Bridge\n    reps: 1000\n"), "over the limit of 100"),
    (one_step("name: Bridge\n    reps: 10\n    sets: 50\n"), "over the limit of 20"),
    (one_step("name: A\n    hold: 30 seconds please\n"), "is not a duration"),
    (one_step("name: A\n    hold: 5s\n", "title: T\nfrequency: sometimes\n"), "not a frequency"),
    (one_step("hold: 5s\n"), "has no name"),
    (one_step("rest: 30s\n    hold: 5s\n"), "a rest step has only rest"),
    (one_step("name: A\n    hold: 5s\n    hold: 10s\n"), "is given twice"),
    (one_step("name: A\n    hold: 5s\n", "title: T\ndefaults: &d\n  rest: 30s\n"),
     "cannot start with '&'"),
    (one_step("name: A\n    hold: 5s\n    tips: Keep straight\n"), "write a list"),
    (one_step("name: A\n    hold: 5s\n", head=""), "needs title"),
]


@pytest.mark.parametrize(
    "text, excerpt", DOCUMENTED_MISTAKES, ids=[excerpt for _, excerpt in DOCUMENTED_MISTAKES]
)
def test_error_messages_in_the_reference_are_the_loaders_own(text: str, excerpt: str):
    with pytest.raises(RoutineFileError) as caught:
        parse_routine(text, "my-routine.yaml")
    (problem,) = caught.value.problems
    assert excerpt in problem.message
    assert f"`{problem.message}`" in REFERENCE.read_text("utf-8")


TRANSCRIPTS = [
    (previous, body)
    for (_, previous), (language, body) in pairwise(BLOCKS)
    if language == "text" and body.startswith("$ ")
]


@pytest.mark.parametrize(
    "previous, transcript", TRANSCRIPTS, ids=[body.splitlines()[-1] for _, body in TRANSCRIPTS]
)
def test_validate_sessions_in_the_reference_replay_as_shown(
    previous, transcript, tmp_path, monkeypatch, capsys
):
    """`$ cat FILE` writes the file shown; otherwise `validate` checks the example above."""
    monkeypatch.chdir(tmp_path)
    commands = re.split(r"^\$ ", transcript, flags=re.MULTILINE)[1:]
    for command in commands:
        line, _, shown = command.partition("\n")
        program, *arguments = line.split()
        if program == "cat":
            Path(arguments[0]).write_text(shown, encoding="utf-8")
            continue
        assert (program, arguments[0]) == ("backroutine", "validate")
        name = arguments[1]
        if not Path(name).exists():
            Path(name).write_text(previous, encoding="utf-8")
        cli.main(["validate", name])
        output = capsys.readouterr()
        assert (output.out + output.err).splitlines() == shown.splitlines()
