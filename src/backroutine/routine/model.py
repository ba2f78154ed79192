"""A routine as plain frozen data, and its expansion into timed segments.

`backroutine.routine.schema` validates a routine file into a `Routine`; `Routine.segments()`
turns it into the flat sequence of `Segment`s the session engine walks. Nothing here
knows about YAML, pydantic, terminals or clocks, so the app can use a routine without
loading the validator (it validates in a helper process, see `backroutine.routine.prevalidate`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Final, Literal

from backroutine.routine.frequency import Frequency

FORMAT_VERSION: Final = 1
MAX_SECONDS = 60 * 60
MAX_REPS = 100
MAX_SETS = 20
DEFAULT_PREPARE_SECONDS = 5
DEFAULT_SWITCH_SECONDS = 5
DEFAULT_RELAX_SECONDS = 3
SELF_PACED_SECONDS_PER_REP = 3  # only for estimating the length of "mark done" sets

__all__ = [  # Frequency is part of a routine, so it is importable from here too
    "Defaults",
    "ExerciseStep",
    "Frequency",
    "Growth",
    "LoadedRoutine",
    "Problem",
    "Progression",
    "RestStep",
    "Routine",
    "RoutineFileError",
    "Rule",
    "Segment",
    "SegmentKind",
    "Step",
    "version_key",
]


def version_key(version: str | None) -> tuple[int, ...]:
    """A version as numbers to compare: `1.10` comes after `1.9`; no version is lowest."""
    return tuple(int(part) for part in version.split(".")) if version else ()


@dataclass(frozen=True)
class Defaults:
    """Values every exercise step takes unless it gives its own."""

    rest: int | None = None
    relax: int | None = None
    sets: int | None = None
    prepare: int | None = None
    switch: int | None = None


@dataclass(frozen=True)
class Growth:
    """A change of `change` every `every_weeks` weeks from `from_week` on, stopping at `limit`.

    `every_weeks` is None for a change made once, e.g. `+1 from week 3`.
    """

    change: int
    every_weeks: int | None
    from_week: int
    limit: int | None

    def increments(self, week: int) -> int:
        """How many times the change has been made by `week`."""
        if week < self.from_week:
            return 0
        if self.every_weeks is None:
            return 1
        return (week - self.from_week) // self.every_weeks + 1


# A progression rule: a growth, or values by week as {(first, last or None): value}.
Rule = Growth | dict[tuple[int, int | None], int]


@dataclass(frozen=True)
class Progression:
    """How a step's numbers grow, counted in weeks from the first session of the routine."""

    hold: Rule | None = None
    duration: Rule | None = None
    reps: Rule | None = None
    sets: Rule | None = None


@dataclass(frozen=True)
class ExerciseStep:
    """One exercise: timed by exactly one of `hold`, `duration` or `reps` (the schema checks)."""

    name: str
    exercise: str | None = None
    hold: int | None = None
    duration: int | None = None
    reps: int | None = None
    relax: int | None = None
    sets: int | None = None
    rest: int | None = None
    per_side: bool = False
    switch: int | None = None
    prepare: int | None = None
    tips: tuple[str, ...] = ()
    caution: str | None = None
    why: str | None = None
    say: str | None = None
    progression: Progression | None = None
    figure: str | None = None
    image: str | None = None

    @property
    def kind(self) -> str:
        """`hold`, `duration`, `reps` (paced) or `self-paced`."""
        if self.reps is None:
            return "hold" if self.hold is not None else "duration"
        return "reps" if self.hold is not None else "self-paced"


@dataclass(frozen=True)
class RestStep:
    """A rest between exercises."""

    rest: int


Step = ExerciseStep | RestStep


@dataclass(frozen=True)
class Timing:
    """A step's sets and pauses with every default resolved (see `Routine.timing`)."""

    sets: int
    rest: int | None
    """Seconds of rest after each set; None: no rest."""
    prepare: int
    """Seconds to get into position."""
    switch: int
    """Seconds to switch sides."""
    relax: int
    """Seconds to relax between held reps."""


@dataclass(frozen=True)
class Routine:
    """A home exercise routine as a therapist wrote it, validated."""

    title: str
    steps: tuple[Step, ...]
    backroutine: int = FORMAT_VERSION
    description: str | None = None
    author: str | None = None
    id: str | None = None
    version: str | None = None
    licence: str | None = None
    review_by: date | None = None
    library: str | None = None
    frequency: Frequency | None = None
    tags: tuple[str, ...] = ()
    safety: tuple[str, ...] = ()
    defaults: Defaults = Defaults()
    progression: Progression | None = None

    @property
    def exercises(self) -> list[ExerciseStep]:
        """The steps that are exercises, without the rests."""
        return [step for step in self.steps if isinstance(step, ExerciseStep)]

    def timing(self, step: ExerciseStep) -> Timing:
        """`step`'s sets and pauses: its own, else the routine's defaults, else ours. The one
        place a step's defaults are resolved."""
        defaults = self.defaults
        return Timing(
            sets=step.sets or defaults.sets or 1,
            rest=step.rest or defaults.rest,
            prepare=step.prepare or defaults.prepare or DEFAULT_PREPARE_SECONDS,
            switch=step.switch or defaults.switch or DEFAULT_SWITCH_SECONDS,
            relax=step.relax or defaults.relax or DEFAULT_RELAX_SECONDS,
        )

    def segments(self) -> tuple[Segment, ...]:
        """Expand into the timed segments the session walks through, in order."""
        return tuple(_expand(self))

    def planned_seconds(self) -> int:
        """Total planned time, counting self-paced sets at an estimated pace."""
        return sum(segment.planned_seconds for segment in self.segments())


class SegmentKind(str, Enum):
    """What the patient is doing during a segment."""

    PREPARE = "prepare"
    HOLD = "hold"
    ACTIVITY = "activity"
    REP = "rep"
    RELAX = "relax"
    SELF_PACED = "self-paced"
    SWITCH_SIDES = "switch-sides"
    REST = "rest"

    @property
    def label(self) -> str:
        """The word shown and spoken for this kind."""
        return _KIND_LABELS[self]

    @property
    def is_work(self) -> bool:
        """True for the segments where the exercise itself is done."""
        return self in {
            SegmentKind.HOLD,
            SegmentKind.ACTIVITY,
            SegmentKind.REP,
            SegmentKind.SELF_PACED,
        }


_KIND_LABELS = {
    SegmentKind.PREPARE: "Get ready",
    SegmentKind.HOLD: "Hold",
    SegmentKind.ACTIVITY: "Go",
    SegmentKind.REP: "Hold",
    SegmentKind.RELAX: "Relax",
    SegmentKind.SELF_PACED: "Your pace",
    SegmentKind.SWITCH_SIDES: "Switch sides",
    SegmentKind.REST: "Rest",
}


@dataclass(frozen=True)
class Segment:
    """One timed stretch of a session: a hold, a rep, a rest, a get-ready...

    `seconds` is None for a self-paced set, which lasts until the patient marks it done.
    """

    kind: SegmentKind
    seconds: int | None
    step_index: int
    """Index of the step (in `Routine.steps`) this segment belongs to."""
    name: str
    side: Literal["left", "right"] | None = None
    set_number: int = 1
    set_count: int = 1
    rep_number: int | None = None
    rep_count: int | None = None

    @property
    def planned_seconds(self) -> int:
        """Planned length, with self-paced sets estimated from their reps."""
        if self.seconds is not None:
            return self.seconds
        return (self.rep_count or 1) * SELF_PACED_SECONDS_PER_REP


def _expand(routine: Routine) -> Iterator[Segment]:
    steps = routine.steps
    for index, step in enumerate(steps):
        if isinstance(step, RestStep):
            yield Segment(SegmentKind.REST, step.rest, index, "Rest")
            continue
        timing = routine.timing(step)
        sets, rest, switch, relax = timing.sets, timing.rest, timing.switch, timing.relax
        next_is_exercise = index + 1 < len(steps) and isinstance(steps[index + 1], ExerciseStep)
        sides: tuple[Literal["left", "right"] | None, ...] = (
            ("left", "right") if step.per_side else (None,)
        )
        seg = partial(Segment, step_index=index, name=step.name, set_count=sets)

        yield seg(SegmentKind.PREPARE, timing.prepare, side=sides[0])
        for set_number in range(1, sets + 1):
            for side in sides:
                # Without a rest between sets, right side -> left side needs a pause too.
                if side == "right" or (side == "left" and set_number > 1 and not rest):
                    yield seg(SegmentKind.SWITCH_SIDES, switch, side=side, set_number=set_number)
                yield from _work(step, seg, side, set_number, relax)
            more_to_come = set_number < sets or next_is_exercise
            if rest and more_to_come:
                yield seg(SegmentKind.REST, rest, set_number=set_number)


def _work(
    step: ExerciseStep,
    seg: partial[Segment],
    side: Literal["left", "right"] | None,
    set_number: int,
    relax: int,
) -> Iterator[Segment]:
    where = {"side": side, "set_number": set_number}
    if step.reps is None:
        if step.hold is not None:
            yield seg(SegmentKind.HOLD, step.hold, **where)
        else:
            yield seg(SegmentKind.ACTIVITY, step.duration, **where)
    elif step.hold is None:
        yield seg(SegmentKind.SELF_PACED, None, rep_count=step.reps, **where)
    else:
        for rep in range(1, step.reps + 1):
            yield seg(SegmentKind.REP, step.hold, rep_number=rep, rep_count=step.reps, **where)
            if rep < step.reps:
                yield seg(SegmentKind.RELAX, relax, rep_number=rep, rep_count=step.reps, **where)


# --- a routine file, loaded or not ----------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One located mistake in a routine file."""

    source: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}: {self.message}"


class RoutineFileError(Exception):
    """A routine file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class LoadedRoutine:
    """A valid routine and where it came from."""

    routine: Routine
    source: Path
    sha256: str

    @property
    def library(self) -> Path | None:
        """The exercise library file the routine names, if any (checked when it loaded)."""
        return self.source.parent / self.routine.library if self.routine.library else None
