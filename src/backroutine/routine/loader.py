"""Load routine files: a routine's YAML (read by `reading`) in, a validated `Routine` out,
or every problem located; its exercises taken from the library, its doses checked."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from msgspec.structs import asdict
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from backroutine.base.files import FileProblem, read_capped
from backroutine.routine import model, plausibility
from backroutine.routine.library import resolve_exercises
from backroutine.routine.model import MAX_FILE_BYTES, LoadedRoutine, Problem, RoutineFileError
from backroutine.routine.pictures import check_pictures
from backroutine.routine.reading import (
    locate,
    read_yaml,
    require_mapping,
    without_tags,
)
from backroutine.routine.schema import Routine

# Where a value stands: (line, column), both counted from 1.
Position = tuple[int, int]
KeyPath = tuple[Any, ...]


def load_routine(path: str | Path) -> LoadedRoutine:
    """Load and validate a routine file, raising `RoutineFileError` with located problems."""
    return _load(Path(path), warn=False)[0]


def check_routine_file(
    path: str | Path, *, today: date | None = None
) -> tuple[LoadedRoutine, list[Problem]]:
    """Load a routine file as `load_routine` does, with the warnings about it.

    Warnings are slips that load but may not be what the therapist meant (see
    `backroutine.routine.plausibility`); `today` dates the check of `review_by`.
    """
    return _load(Path(path), today=today, warn=True)


def _load(
    path: Path, *, today: date | None = None, warn: bool
) -> tuple[LoadedRoutine, list[Problem]]:
    source = str(path)
    try:
        data = read_capped(path, MAX_FILE_BYTES)  # never blocks on a FIFO
    except FileProblem as error:
        message = f"cannot read the file: {error.reason}"
        raise RoutineFileError([Problem(source, 1, 1, message)]) from None
    return _loaded(data, path, today=today, warn=warn)


def loaded_from(data: bytes, path: Path) -> LoadedRoutine:
    """Validate `data`, read from `path`, as `load_routine` does, for a caller that keeps
    the bytes it checked (a pipe can be read only once)."""
    return _loaded(data, path, warn=False)[0]


def _loaded(
    data: bytes, path: Path, *, today: date | None = None, warn: bool
) -> tuple[LoadedRoutine, list[Problem]]:
    routine, warnings = _validate(data, str(path), folder=path.parent, today=today, warn=warn)
    return LoadedRoutine(routine, path, routine_key(routine, path)), warnings


def routine_key(routine: model.Routine, path: Path) -> str:
    """What the log knows a routine by (`LoadedRoutine.sha256`): the routine as played.

    That is its id and version (without an id, its file name), and the numbers and rules
    of its steps, not the bytes of its file. So a comment added, the line endings
    converted, a tip reworded or a step renamed keep the patient's week of the progression
    and let them resume an unfinished session; a new version, or new numbers, start again
    at week 1.
    """
    identity = (
        ("id", routine.id, routine.version) if routine.id is not None else ("file", path.name)
    )
    doses = [
        (type(step).__name__, *(getattr(step, field, None) for field in _DOSE))
        if isinstance(step, (model.ExerciseStep, model.RestStep))
        else _activity_dose(step)
        for step in routine.steps
    ]
    played = (identity, routine.defaults, routine.progression, doses)
    return hashlib.sha256(repr(played).encode()).hexdigest()


# What a step's segments are made of, besides its name (`model.Routine.segments`).
_DOSE = (
    "hold",
    "duration",
    "reps",
    "relax",
    "sets",
    "rest",
    "per_side",
    "switch",
    "prepare",
    "progression",
)


def _activity_dose(step: model.ActivityStep) -> tuple[Any, ...]:
    """What a card, pack, breathing or walk step is played as: all but its words."""
    played = {k: v for k, v in asdict(step).items() if k not in {"name", "title", "text"}}
    return (type(step).__name__, *played.items())


def parse_routine(
    data: bytes | str, source: str = "<routine>", *, folder: Path | None = None
) -> model.Routine:
    """Validate the text of a routine file; `source` names it in error messages.

    Steps naming an `exercise:` take it from the bundled library, or from the routine's
    `library:` file, which must be inside `folder` (the routine file's folder).
    """
    return _validate(data, source, folder=folder, warn=False)[0]


def check_routine(
    data: bytes | str,
    source: str = "<routine>",
    *,
    folder: Path | None = None,
    today: date | None = None,
) -> tuple[model.Routine, list[Problem]]:
    """Validate the text of a routine file as `parse_routine` does; also return its warnings."""
    return _validate(data, source, folder=folder, today=today, warn=True)


def _validate(
    data: bytes | str, source: str, *, folder: Path | None, today: date | None = None, warn: bool
) -> tuple[model.Routine, list[Problem]]:
    document, places = read_yaml(data, source)
    require_mapping(document, source, "a routine file")
    # Empty values are left out whether or not anyone reads the warnings.
    warnings = plausibility.leave_out_empty_values(document, places, source)
    if warn:
        warnings += plausibility.decimal_durations(document, places, source)
        warnings += plausibility.unitless_durations(document, places, source)
        warnings += plausibility.merged_steps(document, places, source)
        warnings += plausibility.run_together(data, source)
    problems, unresolved = resolve_exercises(document, places, source, folder)
    problems += check_pictures(document, places, source, folder)
    try:
        routine = Routine.model_validate(document)
    except ValidationError as error:
        problems += [
            problem
            for problem, item in locate(error, places, source, with_items=True)
            if not _about_unresolved_step(item, unresolved)
        ]
    if problems:
        # The routine's own problems first, then those of its library file.
        problems.sort(key=lambda p: (p.source != source, p.line, p.column))
        raise RoutineFileError(problems)
    plain = routine.to_model()
    if not warn:
        return plain, []
    warnings += plausibility.implausible_doses(plain, places, source, today=today)
    warnings.sort(key=lambda p: (p.line, p.column))
    return plain, warnings


def _about_unresolved_step(item: ErrorDetails, unresolved: set[KeyPath]) -> bool:
    """True for the missing name or timing of a step whose exercise was not found."""
    loc = without_tags(tuple(item["loc"]))
    return item["type"] in {"missing", "timing"} and any(
        loc[: len(path)] == path for path in unresolved
    )
