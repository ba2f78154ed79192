"""Slips that load but silently change the dose: the validator's warnings.

A routine file can be valid and still not say what its therapist meant: `reps:` left
empty, `duration: 10.00` meant as ten minutes, a 10-minute hold typed for 10 seconds, a
review date long past. Each is reported as a located warning; `backroutine validate`
prints them and `--strict` makes them errors. The limits here are what a home routine
plausibly holds, well inside the hard limits of the format (`backroutine.routine.model`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from backroutine.base.text import human_duration, printable
from backroutine.routine.indentation import items_run_together
from backroutine.routine.model import ExerciseStep, Problem, RestStep, Routine, ThermalStep
from backroutine.routine.progression import rules
from backroutine.routine.safety import PACK_MAX_SECONDS

if TYPE_CHECKING:  # reading loads pydantic, which the app never does
    from backroutine.routine.reading import KeyPath, Places

MAX_PLAUSIBLE_SESSION = 90 * 60
"""A home routine longer than this is most likely a typing slip."""
MAX_PLAUSIBLE_HOLD = 3 * 60
"""A stretch or plank held longer than this is most likely a typing slip."""
MAX_PLAUSIBLE_PAUSE = {"relax": 60, "switch": 60, "prepare": 60, "rest": 10 * 60}
"""A pause longer than this, in seconds, is most likely a typing slip (`relax: 3m` for 3 s)."""
_PAUSE_WORDS = {
    "relax": "a relax of {} between reps",
    "switch": "a switch of sides of {}",
    "prepare": "a get-ready of {}",
    "rest": "a rest of {}",
}
# A number without a unit is read as seconds; for these keys, so few seconds are most
# likely meant as minutes (`duration: 10` for a 10-minute walk, `heat: 15`): the most
# seconds that are not.
_MINUTES_MEANT = {"duration": 59, "heat": 59, "cold": 59, "rest": 5}
PLACEHOLDER_ID = "my-back-routine"
"""The id in `backroutine new`'s template: every routine made from it needs its own."""

# Keys whose empty value is an error rather than something to leave out.
_REQUIRED = {"title", "steps", "name"}
_DURATIONS = ("hold", "duration", "rest", "relax", "switch", "prepare")
_DECIMAL = re.compile(r"\s*(?P<whole>\d+)\.(?P<fraction>\d+)\s*")


def leave_out_empty_values(document: dict[str, Any], places: Places, source: str) -> list[Problem]:
    """Remove each `key:` written with no value, in place, with a warning for each.

    An empty value means nothing was written, not "none": the step then takes its value
    from `defaults:` or its library exercise, and the warning says so.
    """
    warnings = []
    for path, mapping in _mappings(document, ()):
        for key in [k for k, v in mapping.items() if v is None]:
            in_steps = path[:1] == ("steps",) or path[2:3] == ("steps",)  # or a stage's
            lone_rest = key == "rest" and len(mapping) == 1 and in_steps
            if key in _REQUIRED or lone_rest or str(key).startswith("week"):
                continue  # validation says what is missing
            del mapping[key]
            line, column = places.nearest((*path, key), key=True)
            label = printable(str(key))
            warnings.append(
                Problem(
                    source,
                    line,
                    column,
                    f"{label}: has no value, so it is left out: write the value after "
                    f"'{label}: ', or delete the line",
                )
            )
    return warnings


def _mappings(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, dict[Any, Any]]]:
    if isinstance(value, dict):
        yield path, value
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        yield from _mappings(item, (*path, key))


def decimal_durations(document: dict[str, Any], places: Places, source: str) -> list[Problem]:
    """A duration written as a whole decimal, `10.00`: read as seconds, often meant as minutes."""
    warnings = []
    for path, mapping in _mappings(document, ()):
        for key in _DURATIONS:
            value = mapping.get(key)
            match = _DECIMAL.fullmatch(value) if isinstance(value, str) else None
            if match and not match["fraction"].strip("0"):
                where = (*path, key)
                warnings.append(
                    _read_as(source, places, where, match[0].strip(), int(match["whole"]))
                )
    return warnings


def unitless_durations(document: dict[str, Any], places: Places, source: str) -> list[Problem]:
    """A duration written as a bare number too small to be meant in seconds: `duration: 10`."""
    warnings = []
    for path, mapping in _mappings(document, ()):
        for key, most in _MINUTES_MEANT.items():
            value = mapping.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= most:
                warnings.append(_read_as(source, places, (*path, key), str(value), value))
    return warnings


def _read_as(
    source: str, places: Places, where: tuple[Any, ...], written: str, seconds: int
) -> Problem:
    """`duration: 10 is read as 10 seconds`, at the key `where` ends with."""
    line, column = places.nearest(where)
    return Problem(
        source, line, column, f"{where[-1]}: {written} is read as {_seconds_or_minutes(seconds)}"
    )


def run_together(data: bytes | str, source: str) -> list[Problem]:
    """Lines read as more of the item or step above them, perhaps for a '- ' left out
    (`indentation.items_run_together`)."""
    text = data if isinstance(data, str) else data.decode("utf-8-sig", errors="replace")
    return [Problem(source, *found) for found in items_run_together(text.splitlines())]


def merged_steps(document: dict[str, Any], places: Places, source: str) -> list[Problem]:
    """A rest step and the exercise after it read as one step, because the exercise's
    '- ' is missing: a step that starts with `rest:` and then names an exercise."""
    warnings = []
    for path, mapping in _mappings(document, ()):
        keys = list(mapping)
        if path[-2:-1] != ("steps",) or keys[:1] != ["rest"] or len(keys) < 2:
            continue
        named = next((key for key in ("name", "exercise") if key in mapping), None)
        if named is None:
            continue
        line, column = places.nearest((*path, named), key=True)
        warnings.append(
            Problem(
                source,
                line,
                column,
                f"step {path[-1] + 1} starts with rest: and then names an exercise, so the rest "
                f"is read as the pause after each of its sets: if the rest is a step of its "
                f"own, put '- ' before {named}:",
            )
        )
    return warnings


def _seconds_or_minutes(number: int) -> str:
    """The end of a warning about a number read as seconds that may mean minutes."""
    seconds, minutes = ("second", "minute") if number == 1 else ("seconds", "minutes")
    return (
        f"{number} {seconds}: if you mean {number} {minutes}, write {number}m; for "
        f"seconds, write {number}s"
    )


def implausible_doses(
    routine: Routine, places: Places, source: str, *, today: date | None = None
) -> list[Problem]:
    """Warnings about a valid routine's numbers and dates (`today` dates `review_by`)."""

    def warn(path: KeyPath, message: str, *, key: bool = True) -> None:
        warnings.append(Problem(source, *places.nearest(path, key=key), message))

    warnings: list[Problem] = []
    # Each stage of a staged routine is a session's steps: each is checked where it is written.
    groups: list[tuple[KeyPath, Routine]] = [
        (("stages", number, "steps"), replace(routine, steps=stage.steps, blocks=stage.blocks))
        for number, stage in enumerate(routine.stages)
    ] or [(("steps",), routine)]
    for prefix, steps_of in groups:
        _step_doses(steps_of, prefix, warn)
    for number, stage in enumerate(routine.stages):
        if stage.frequency is not None and stage.frequency == routine.frequency:
            warn(
                ("stages", number, "frequency"),
                f"frequency: {stage.frequency} is the routine's already: leave it out of the "
                "stage, or give the stage its own",
            )
    for key, most in MAX_PLAUSIBLE_PAUSE.items():
        seconds = getattr(routine.defaults, key)
        if seconds is not None and seconds > most:
            warn(("defaults", key), f"defaults: {_long_pause(key, seconds)}", key=False)
    if today is not None and routine.review_by is not None and routine.review_by < today:
        warn(
            ("review_by",),
            f"review_by: {routine.review_by.isoformat()} has passed: write the date of the "
            "next review",
            key=False,
        )
    if routine.id == PLACEHOLDER_ID:
        warn(
            ("id",),
            f"id: {PLACEHOLDER_ID} is the template's example: give the routine its own id, "
            "e.g. core-for-jane, or a second routine made from the template will replace it",
            key=False,
        )
    return warnings


def _step_doses(routine: Routine, prefix: KeyPath, warn: Callable[..., None]) -> None:
    """Warn about the length of a session of `routine`'s steps, its long holds and packs and
    names; `prefix` is where the steps are written (`steps`, or a stage's)."""
    by_step = [0] * len(routine.steps)
    for segment in routine.segments():
        by_step[segment.step_index] += segment.planned_seconds
    if sum(by_step) > MAX_PLAUSIBLE_SESSION:
        longest = max(range(len(by_step)), key=by_step.__getitem__)
        warn(
            prefix,
            f"the routine takes {human_duration(sum(by_step))}, more than the "
            f"{MAX_PLAUSIBLE_SESSION // 60} minutes a home routine takes: check the holds, "
            f"reps and sets (step {longest + 1} alone takes {human_duration(by_step[longest])})",
        )
    seen: dict[str, int] = {}
    for index, step in enumerate(routine.steps):
        place = _step_path(routine, index, prefix)
        if isinstance(step, ThermalStep) and step.seconds > PACK_MAX_SECONDS:
            warn(
                (*place, step.pack),
                f"step {index + 1}: a {step.pack} pack for {human_duration(step.seconds)} is "
                f"more than the {PACK_MAX_SECONDS // 60} minutes it may stay on the skin: "
                "write 15 min or 20 min",
            )
        if isinstance(step, RestStep) and step.rest > MAX_PLAUSIBLE_PAUSE["rest"]:
            warn((*place, "rest"), f"step {index + 1}: {_long_pause('rest', step.rest)}")
        if not isinstance(step, ExerciseStep):
            continue
        for key, most in MAX_PLAUSIBLE_PAUSE.items():
            seconds = getattr(step, key)
            if seconds is not None and seconds > most:
                warn((*place, key), f"step {index + 1}: {_long_pause(key, seconds)}", key=False)
        for hold, where in _holds(step, routine, place):
            if hold > MAX_PLAUSIBLE_HOLD:
                warn(
                    where,
                    f"step {index + 1}: a hold of {human_duration(hold)} is over "
                    f"{MAX_PLAUSIBLE_HOLD // 60} minutes: check it is not meant in seconds",
                )
        _range_outgrown(step, routine, index, place, warn)
        name = step.name.strip().lower()
        if name in seen:
            warn(
                (*place, "name"),
                f"step {index + 1} has the same name as step {seen[name] + 1}, "
                f"'{printable(step.name)}': if it is another exercise, give it its own name; "
                f"if it is done again on purpose, say so, e.g. '{printable(step.name)} (again)'",
            )
        else:
            seen[name] = index


def _long_pause(key: str, seconds: int) -> str:
    return (
        f"{_PAUSE_WORDS[key].format(human_duration(seconds))} is over "
        f"{human_duration(MAX_PLAUSIBLE_PAUSE[key])}: check it is not meant in seconds"
    )


def _holds(step: ExerciseStep, routine: Routine, place: KeyPath) -> Iterator[tuple[int, KeyPath]]:
    """Each hold a step may reach, as written and as its progression grows it, with its place."""
    if step.hold is None:
        return
    yield step.hold, (*place, "hold")
    rule = rules(step, routine).get("hold")
    own = step.progression is not None and step.progression.hold is not None
    where = (*place, "progression", "hold") if own else ("progression", "hold")
    if isinstance(rule, dict):
        yield max(rule.values()), where
    elif rule is not None and rule.limit is not None:
        yield rule.limit, where


def _step_path(routine: Routine, index: int, prefix: KeyPath) -> KeyPath:
    """Where step `index` of the routine is in the file, in the steps written at `prefix`
    (`steps`, or a stage's): a block's steps are inside it."""
    in_blocks_before = 0
    for block in routine.blocks:
        if block.first_step > index:
            break
        if index in block.step_indexes:
            place = block.first_step - in_blocks_before
            return (*prefix, place, "block", "steps", index - block.first_step)
        in_blocks_before += block.step_count - 1
    return (*prefix, index - in_blocks_before)


def _range_outgrown(
    step: ExerciseStep,
    routine: Routine,
    index: int,
    place: KeyPath,
    warn: Callable[[KeyPath, str], None],
) -> None:
    """A progression that would grow a target past the top of its range, which it never does."""
    for field, written in (("reps", step.reps_range), ("hold", step.hold_range)):
        rule = rules(step, routine).get(field)
        if written is None or rule is None:
            continue
        top = max(rule.values()) if isinstance(rule, dict) else rule.limit
        if top is not None and top > written[1]:
            shown = human_duration if field == "hold" else str
            warn(
                (*place, field),
                f"step {index + 1}: the progression goes up to {shown(top)}, past the top of "
                f"{field}: {written[0]}-{shown(written[1])}: the target stops at "
                f"{shown(written[1])}; raise the range or lower the progression's limit",
            )
