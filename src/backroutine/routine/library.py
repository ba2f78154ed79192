"""Exercise libraries: named exercises that a routine step takes with `exercise: bird-dog`.

A library file maps exercise ids to exercise steps, each complete with its timing and
texts. The bundled library ships with backroutine; a therapist may keep their own beside
their routines and name it with `library: my-exercises.yaml`. A step takes every field of
its exercise and overrides any of them.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib.resources import files
from itertools import islice
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any

import msgspec
from pydantic import BaseModel, ConfigDict, Field

from backroutine.base.text import printable
from backroutine.routine.model import MAX_FILE_BYTES, Problem, RoutineFileError
from backroutine.routine.reading import (
    KeyPath,
    Places,
    read_yaml,
    validate_document,
)
from backroutine.routine.schema import ExerciseStep, ShortText

BUNDLED_LIBRARY = "exercises.yaml"

ExerciseId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]


class LibraryFile(BaseModel):
    """The contents of an exercise library file."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: ShortText | None = None
    """What the library is, e.g. Dr. Example's knee and back exercises."""
    author: ShortText | None = None
    """Who wrote it."""
    exercises: dict[ExerciseId, ExerciseStep] = Field(min_length=1, max_length=500)
    """Exercise id (lower-case words joined by '-') to the exercise step."""


class ExerciseLibrary(msgspec.Struct, frozen=True):
    """A validated library: each exercise id with its fields as written in the file."""

    source: str
    exercises: dict[str, dict[str, Any]]

    def suggestion(self, wanted: str) -> str | None:
        """The id nearest to a misspelt one, if any is close."""
        close = difflib.get_close_matches(wanted, list(self.exercises), n=1, cutoff=0.6)
        return close[0] if close else None


def parse_library(data: bytes | str, source: str) -> ExerciseLibrary:
    """Validate the text of a library file, raising `RoutineFileError` with located problems."""
    document, places = read_yaml(data, source)
    validate_document(LibraryFile, document, places, source, what="an exercise library file")
    nested = [
        Problem(
            source,
            *places.nearest(("exercises", key, "exercise"), key=True),
            f"exercise '{printable(key)}' takes another exercise: write its fields out",
        )
        for key, fields in document["exercises"].items()
        if "exercise" in fields
    ]
    if nested:
        raise RoutineFileError(nested)
    return ExerciseLibrary(source, document["exercises"])


def load_library(path: Path) -> ExerciseLibrary:
    """Read and validate a library file with the same care as a routine file."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise RoutineFileError(
            [Problem(str(path), 1, 1, f"cannot read the file: {error.strerror}")]
        ) from None
    return parse_library(data, str(path))


@cache
def bundled_library() -> ExerciseLibrary:
    """The exercise library that ships with backroutine."""
    data = (files("backroutine") / BUNDLED_LIBRARY).read_bytes()
    return parse_library(data, BUNDLED_LIBRARY)


class UnsafeLibraryPath(ValueError):
    """A `library:` value that points outside the routine's folder, or at nothing."""


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def library_file(
    folder: Path, name: str, what: str = "library", example: str = "my-exercises.yaml"
) -> Path:
    """The `what` file `name` inside `folder`, refusing any way out of that folder."""
    if (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or (name.startswith("~"))
    ):
        raise UnsafeLibraryPath(
            f"give the {what}'s file name beside the routine, not an absolute path"
        )
    if "\x00" in name or not name.strip():
        raise UnsafeLibraryPath(f"give the {what}'s file name, e.g. {example}")
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise UnsafeLibraryPath(
            f"the {what} must be in the routine's folder or below it: '..' is not allowed"
        )
    path = folder / name
    # resolve() follows links: a link inside the folder may still lead out of it.
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except OSError:  # a name too long, a loop of links...
        raise UnsafeLibraryPath(f"cannot open '{printable(name)}' beside the routine") from None
    if not inside:
        raise UnsafeLibraryPath(
            f"'{printable(name)}' is a link that leads outside the routine's folder: "
            f"put the {what} file itself beside the routine"
        )
    if not _is_file(path):
        raise UnsafeLibraryPath(_not_a_file(path, name, what, example))
    return path


def _not_a_file(path: Path, name: str, what: str, example: str) -> str:
    """Why `name` is no file to read: a folder, a pipe or device, or a name misspelt."""
    try:
        if path.is_dir():
            inside = f"{name.rstrip('/')}/{example}"
            return f"'{printable(name)}' is a folder: give the {what} file in it, e.g. {inside}"
        if path.exists():
            return f"'{printable(name)}' is not a plain file: give the {what} file itself"
        beside = [entry.name for entry in islice(path.parent.iterdir(), 1000)]
    except OSError:
        beside = []
    close = difflib.get_close_matches(path.name, beside, n=1, cutoff=0.6)
    missing = f"there is no file '{printable(name)}' beside the routine"
    if close:
        meant = str(PurePosixPath(name).parent / close[0]).removeprefix("./")
        return f"{missing}: did you mean '{printable(meant)}'?"
    return missing


def take_exercise(fields: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    """The step's own fields over the library exercise's.

    Timing is one choice: a step giving `duration` drops the exercise's hold and reps, and
    a step giving `hold` or `reps` drops its duration.
    """
    taken = dict(fields)
    if "duration" in step:
        for key in ("hold", "reps", "relax"):
            taken.pop(key, None)
    if "sides" in step or "side" in step:  # the step's own way with the sides
        taken.pop("per_side", None)
    if "hold" in step or "reps" in step:
        taken.pop("duration", None)
    return {**taken, **step}


def step_lists(document: dict[str, Any]) -> list[tuple[KeyPath, list[Any]]]:
    """Every list of steps in the file, with where it is: the routine's, each stage's, and
    each block's in them (`("steps", 3, "block", "steps")`)."""
    found: list[tuple[KeyPath, list[Any]]] = []
    if isinstance(document.get("steps"), list):
        found.append((("steps",), document["steps"]))
    stages = document.get("stages")
    for number, stage in enumerate(stages if isinstance(stages, list) else []):
        if isinstance(stage, dict) and isinstance(stage.get("steps"), list):
            found.append((("stages", number, "steps"), stage["steps"]))
    for prefix, steps in list(found):
        for index, step in enumerate(steps):
            block = step.get("block") if isinstance(step, dict) else None
            inner = block.get("steps") if isinstance(block, dict) else None
            if isinstance(inner, list):
                found.append(((*prefix, index, "block", "steps"), inner))
    return found


def resolve_exercises(
    document: dict[str, Any], places: Places, source: str, folder: Path | None
) -> tuple[list[Problem], set[KeyPath]]:
    """Fill in every step that names an `exercise:`, in place: in `steps`, in each stage and
    inside blocks.

    Returns the problems found (unknown exercises, an unusable library) and the places of
    the steps left unresolved (`("steps", 2)`), whose missing name and timing are not worth
    reporting.
    """
    problems: list[Problem] = []
    found = step_lists(document)
    if "library" not in document and not any(
        isinstance(step, dict) and "exercise" in step for _, steps in found for step in steps
    ):
        return problems, set()  # nothing to resolve: spare reading the bundled library
    libraries = [bundled_library()]
    library_ok = True
    name = document.get("library")
    if isinstance(name, str):
        where = places.nearest(("library",))
        try:
            if folder is None:
                raise UnsafeLibraryPath("only a routine saved as a file can use a library file")
            libraries.insert(0, load_library(library_file(folder, name)))
        except UnsafeLibraryPath as error:
            problems.append(Problem(source, *where, f"library: {error}"))
            library_ok = False
        except RoutineFileError as error:
            problems.append(
                Problem(source, *where, f"library: '{printable(name)}' has problems, listed below")
            )
            problems.extend(error.problems)
            library_ok = False

    unresolved: set[KeyPath] = set()
    for prefix, steps in found:
        problems += _resolve(steps, prefix, libraries, library_ok, places, source, unresolved)
    return problems, unresolved


def _resolve(
    steps: list[Any],
    prefix: KeyPath,
    libraries: list[ExerciseLibrary],
    library_ok: bool,
    places: Places,
    source: str,
    unresolved: set[KeyPath],
) -> list[Problem]:
    problems: list[Problem] = []
    for index, step in enumerate(steps):
        if not isinstance(step, dict) or "exercise" not in step:
            continue
        wanted = step["exercise"]
        found = next(
            (
                lib.exercises[wanted]
                for lib in libraries
                if isinstance(wanted, str) and wanted in lib.exercises
            ),
            None,
        )
        if found is not None:
            steps[index] = take_exercise(found, step)
            continue
        unresolved.add((*prefix, index))
        if isinstance(wanted, str) and library_ok:
            where = places.nearest((*prefix, index, "exercise"))
            problems.append(Problem(source, *where, _unknown(wanted, libraries)))
    return problems


def _unknown(wanted: str, libraries: list[ExerciseLibrary]) -> str:
    for library in libraries:
        close = library.suggestion(wanted)
        if close:
            return f"unknown exercise '{printable(wanted)}': did you mean '{close}'?"
    where = " or ".join(Path(lib.source).name for lib in libraries)
    return f"unknown exercise '{printable(wanted)}': it is not in {where}"
