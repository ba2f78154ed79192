"""The exercise library: steps take named exercises, override them, and misspellings are located."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from backroutine.routine.library import bundled_library, load_library
from backroutine.routine.loader import RoutineFileError, load_routine, parse_routine

MY_LIBRARY = """\
title: Dr Example's exercises
exercises:
  wall-sit:
    name: Wall sit
    hold: 20s
    tips:
      - Back flat against the wall.
    caution: Come up if the knees hurt.
  bird-dog:
    name: Bird-dog (Dr Example's way)
    per_side: true
    reps: 6
    hold: 8s
"""


def problems(text: str, folder: Path | None = None) -> list[str]:
    with pytest.raises(RoutineFileError) as caught:
        parse_routine(text, "r.yaml", folder=folder)
    return [str(problem) for problem in caught.value.problems]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_library_has_thirty_complete_exercises():
    exercises = bundled_library().exercises
    assert len(exercises) >= 30
    routine = parse_routine(
        "title: All\nsteps:\n" + "".join(f"  - exercise: {key}\n" for key in exercises)
    )
    for step in routine.exercises:
        assert step.name and step.caution and step.why and step.say, step.exercise
        assert 2 <= len(step.tips) <= 4, step.exercise
        if step.per_side:  # the player starts on the left; the voice must agree
            assert "left" in step.say.lower(), step.exercise


def test_a_step_takes_everything_from_its_exercise():
    (step,) = parse_routine("title: T\nsteps:\n  - exercise: bird-dog\n").steps
    assert (step.name, step.per_side, step.reps, step.hold) == ("Bird-dog", True, 8, 5)
    assert step.tips and step.caution and step.why
    assert step.exercise == "bird-dog"


def test_the_steps_own_fields_override_the_exercise():
    text = "title: T\nsteps:\n  - exercise: bird-dog\n    reps: 10\n    caution: Not today.\n"
    (step,) = parse_routine(text).steps
    assert (step.reps, step.hold, step.caution) == (10, 5, "Not today.")


def test_a_duration_replaces_the_exercises_reps_and_hold():
    (step,) = parse_routine("title: T\nsteps:\n  - exercise: plank\n    duration: 1m\n").steps
    assert (step.kind, step.duration, step.hold) == ("duration", 60, None)


def test_unknown_exercise_is_located_at_its_value_with_the_nearest_id():
    text = "title: T\nsteps:\n  - name: A\n    hold: 5s\n  - exercise: bird-dgo\n"
    assert problems(text) == ["r.yaml:5:15: unknown exercise 'bird-dgo': did you mean 'bird-dog'?"]


def test_unknown_exercise_is_reported_with_every_other_problem():
    text = "title: T\nsteps:\n  - exercise: nothing-like-it\n    reps: 1000\n"
    assert problems(text) == [
        "r.yaml:3:15: unknown exercise 'nothing-like-it': it is not in exercises.yaml",
        "r.yaml:4:11: reps: 1000 reps is over the limit of 100",
    ]


def test_a_therapists_library_beside_the_routine_is_used_first(tmp_path: Path):
    write(tmp_path, "my-exercises.yaml", MY_LIBRARY)
    routine_file = write(
        tmp_path,
        "jane.yaml",
        "title: Jane\nlibrary: my-exercises.yaml\nsteps:\n"
        "  - exercise: wall-sit\n  - exercise: bird-dog\n  - exercise: bridge\n",
    )
    loaded = load_routine(routine_file)
    wall_sit, bird_dog, bridge = loaded.routine.steps
    assert (wall_sit.name, wall_sit.hold) == ("Wall sit", 20)
    assert (bird_dog.name, bird_dog.reps) == ("Bird-dog (Dr Example's way)", 6)
    assert bridge.name == "Bridge"  # still found in the bundled library
    assert loaded.library == tmp_path / "my-exercises.yaml"


def test_a_library_in_a_subfolder_is_fine(tmp_path: Path):
    write(tmp_path, "libs/mine.yaml", MY_LIBRARY)
    text = "title: T\nlibrary: libs/mine.yaml\nsteps:\n  - exercise: wall-sit\n"
    assert parse_routine(text, folder=tmp_path).steps[0].name == "Wall sit"


@pytest.mark.parametrize(
    "library, message",
    [
        ("../shared.yaml", "'..' is not allowed"),
        ("libs/../../shared.yaml", "'..' is not allowed"),
        ("/etc/passwd", "not an absolute path"),
        ("~/exercises.yaml", "not an absolute path"),
        ("missing.yaml", "there is no file 'missing.yaml' beside the routine"),
    ],
)
def test_a_library_outside_the_routines_folder_is_refused_at_its_line(tmp_path, library, message):
    folder = tmp_path / "routines"
    folder.mkdir()
    write(tmp_path, "shared.yaml", MY_LIBRARY)
    text = f"title: T\nlibrary: {library}\nsteps:\n  - exercise: bridge\n"
    (problem,) = problems(text, folder)
    assert problem.startswith("r.yaml:2:10: library: ") and message in problem


@pytest.mark.parametrize(
    "library, message",
    [
        (
            "libs/my-exercise.yaml",
            "there is no file 'libs/my-exercise.yaml' beside the routine: "
            "did you mean 'libs/my-exercises.yaml'?",
        ),
        ("libs", "'libs' is a folder: give the library file in it, e.g. libs/my-exercises.yaml"),
        ("libs/pipe.yaml", "'libs/pipe.yaml' is not a plain file: give the library file itself"),
    ],
)
def test_a_library_that_is_no_file_says_what_it_is(tmp_path, library, message):
    write(tmp_path, "libs/my-exercises.yaml", MY_LIBRARY)
    os.mkfifo(tmp_path / "libs" / "pipe.yaml")
    text = f"title: T\nlibrary: {library}\nsteps:\n  - exercise: wall-sit\n"
    (problem, *_) = problems(text, tmp_path)
    assert problem == f"r.yaml:2:10: library: {message}"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path: Path):
    folder = tmp_path / "routines"
    folder.mkdir()
    outside = write(tmp_path, "shared.yaml", MY_LIBRARY)
    (folder / "mine.yaml").symlink_to(outside)
    (problem,) = problems("title: T\nlibrary: mine.yaml\nsteps:\n  - exercise: bridge\n", folder)
    assert "leads outside the routine's folder" in problem


def test_a_library_needs_a_routine_file_to_be_relative_to():
    (problem,) = problems("title: T\nlibrary: mine.yaml\nsteps:\n  - exercise: bridge\n")
    assert "only a routine saved as a file can use a library file" in problem


def test_problems_in_the_library_are_located_in_the_library_file(tmp_path: Path):
    library = write(
        tmp_path,
        "mine.yaml",
        "exercises:\n  wall-sit:\n    name: Wall sit\n    hodl: 20s\n  Bad_Id:\n    name: X\n"
        "    reps: 5\n",
    )
    text = "title: T\nlibrary: mine.yaml\nsteps:\n  - exercise: wall-sit\n"
    assert problems(text, tmp_path) == [
        "r.yaml:2:10: library: 'mine.yaml' has problems, listed below",
        f"{library}:4:5: unknown key 'hodl' in exercise 'wall-sit': did you mean 'hold'?",
        f"{library}:5:3: 'Bad_Id': an exercise id is lower-case letters, digits and '-', "
        "e.g. bird-dog",
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("exercises:\n  a: &x\n    name: A\n    hold: 5s\n", "cannot start with '&' or '*'"),
        ("exercises:\n  a: " + "[" * 40 + "]" * 40 + "\n", "nested more than"),
        ("exercises:\n  a:\n    name: A\n    hold: 5s\n    exercise: b\n", "takes another"),
    ],
)
def test_library_files_get_the_same_hardened_reading(tmp_path, text, message):
    path = write(tmp_path, "lib.yaml", text)
    with pytest.raises(RoutineFileError) as caught:
        load_library(path)
    assert message in str(caught.value)


def test_an_oversized_library_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "lib.yaml"
    path.write_bytes(b"# " + b"x" * 300_000)
    with pytest.raises(RoutineFileError, match="over 256 KB"):
        load_library(path)


def test_the_references_library_example_works_as_documented(tmp_path: Path):
    reference = (Path(__file__).parents[1] / "docs" / "routine-format.md").read_text("utf-8")
    library_text, routine_text = re.findall(r"^```yml\n(.*?)^```", reference, re.M | re.S)
    write(tmp_path, "libs/my-exercises.yaml", library_text)
    routine = load_routine(write(tmp_path, "jane.yaml", routine_text)).routine
    assert [step.name for step in routine.exercises] == ["Wall sit", "Bridge"]


def test_the_references_table_of_bundled_exercises_names_them_as_the_library_does():
    reference = (Path(__file__).parents[1] / "docs" / "routine-format.md").read_text("utf-8")
    table = reference.split("### The bundled exercises")[1].split("###")[0]
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]+?) \|", table, re.MULTILINE))
    assert rows == {key: exercise["name"] for key, exercise in bundled_library().exercises.items()}
