"""A routine as plain frozen data, and its expansion into timed segments.

`backroutine.routine.schema` validates a routine file into a `Routine`; `Routine.segments()`
turns it into the flat sequence of `Segment`s the session engine walks. Nothing here
knows about YAML, pydantic, terminals or clocks, so the app can use a routine without
loading the validator (it validates in a helper process, see `backroutine.routine.prevalidate`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Final, Literal

import msgspec
from msgspec.structs import replace

from backroutine.routine.frequency import Frequency
from backroutine.routine.safety import PACK_SAFETY

FORMAT_VERSION: Final = 2
MAX_SECONDS = 60 * 60
MAX_REPS = 100
MAX_SETS = 20
DEFAULT_PREPARE_SECONDS = 5
DEFAULT_SWITCH_SECONDS = 5
DEFAULT_RELAX_SECONDS = 3
DEFAULT_BREATH_SECONDS = 5  # one breath, in and out, unless the patient sets their own
SELF_PACED_SECONDS_PER_REP = 3  # only for estimating the length of "mark done" sets

__all__ = [  # Frequency is part of a routine, so it is importable from here too
    "Block",
    "BreathingStep",
    "CardStep",
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
    "Side",
    "Stage",
    "Step",
    "StepSchedule",
    "Tempo",
    "ThermalStep",
    "WalkStep",
    "version_key",
]


# The largest routine or library file read: far more than any programme needs.
MAX_FILE_BYTES = 256 * 1024


def version_key(version: str | None) -> tuple[int, ...]:
    """A version as numbers to compare: `1.10` comes after `1.9`; no version is lowest."""
    return tuple(int(part) for part in version.split(".")) if version else ()


class Defaults(msgspec.Struct, frozen=True):
    """Values every exercise step takes unless it gives its own."""

    rest: int | None = None
    relax: int | None = None
    sets: int | None = None
    prepare: int | None = None
    switch: int | None = None


class Growth(msgspec.Struct, frozen=True):
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


class Progression(msgspec.Struct, frozen=True):
    """How a step's numbers grow, counted in weeks from the first session of the routine."""

    hold: Rule | None = None
    duration: Rule | None = None
    reps: Rule | None = None
    sets: Rule | None = None


class StepSchedule(msgspec.Struct, frozen=True, kw_only=True):
    """When a step is part of the session: on some weekdays only, or from a given week on."""

    days: tuple[int, ...] = ()
    """Weekdays (0 is Monday) the step is done on; empty: every day."""
    from_week: int | None = None
    """The routine week the step starts in (week 1 is the first week it was done)."""


Side = Literal["left", "right", "affected"]
"""A side of the body; `affected` until the patient's affected side is known."""


class Tempo(msgspec.Struct, frozen=True):
    """The pace of each rep, `tempo: 3-1-1`: seconds lowering, holding and lifting."""

    lower: int
    hold: int
    lift: int

    @property
    def phases(self) -> tuple[tuple[str, int], ...]:
        """The phases that take time, in order, as (name, seconds)."""
        named = (("lower", self.lower), ("hold", self.hold), ("lift", self.lift))
        return tuple((name, seconds) for name, seconds in named if seconds)

    @property
    def seconds(self) -> int:
        """One rep's length."""
        return self.lower + self.hold + self.lift


class ExerciseStep(StepSchedule, frozen=True):
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
    # Format 2: the exercise-step constructs.
    reps_range: tuple[int, int] | None = None
    """`reps: 8-12`: the range as written; `reps` is the target played."""
    hold_range: tuple[int, int] | None = None
    """`hold: 5-10`: the range as written, in seconds; `hold` is the target played."""
    reps_per_set: tuple[int, ...] = ()
    """`reps: [6, 4, 2]`: the reps of each set (a pyramid); `reps` is the first set's."""
    breaths: int | None = None
    """`hold: 5 breaths`: the hold in breaths; `hold` is their length at the breath length."""
    alternate: bool = False
    """`sides: alternate`: left, then right, in each rep."""
    side: Side | None = None
    """`side: left|right|affected`: one side only."""
    tempo: Tempo | None = None
    """`tempo: 3-1-1`: each rep paced phase by phase."""
    pace: int | None = None
    """`pace: 3s`: a self-paced set's reps paced by a beat, one every so many seconds."""
    effort: str | None = None
    """How hard it should feel, e.g. the talk test."""
    load: str | None = None
    """The weight or band, e.g. red band."""
    equipment: tuple[str, ...] = ()
    """What the step needs, e.g. mat, chair."""

    @property
    def kind(self) -> str:
        """`hold`, `duration`, `reps` (paced) or `self-paced`."""
        if self.reps is None:
            return "hold" if self.hold is not None else "duration"
        return "reps" if self.hold is not None or self.tempo is not None else "self-paced"

    def reps_in_set(self, set_number: int) -> int | None:
        """The reps of set `set_number` (counted from 1): the pyramid's, else `reps`."""
        if self.reps_per_set:
            return self.reps_per_set[min(set_number, len(self.reps_per_set)) - 1]
        return self.reps


class RestStep(msgspec.Struct, frozen=True):
    """A rest between exercises."""

    rest: int


# --- steps that are not exercises: a card to read, a heat or cold pack, breathing, a walk ---


class CardStep(msgspec.Struct, frozen=True):
    """An education card: text to read, then the patient goes on; no timer."""

    title: str
    text: str

    @property
    def name(self) -> str:
        """What the log and the screen call it: its title."""
        return self.title


class ThermalStep(msgspec.Struct, frozen=True):
    """A heat or cold pack on for a timed spell, with its safety words before it starts."""

    pack: Literal["heat", "cold"]
    seconds: int
    name: str


class BreathingStep(msgspec.Struct, frozen=True):
    """Guided breathing: breathe in for `breathe_in` seconds, out for `breathe_out`, for
    about `seconds` (whole breaths, at least one)."""

    seconds: int
    breathe_in: int
    breathe_out: int
    name: str

    @property
    def breaths(self) -> int:
        """How many whole breaths fit the time."""
        return max(1, self.seconds // (self.breathe_in + self.breathe_out))


class WalkStep(msgspec.Struct, frozen=True):
    """A walk: for `seconds` (confirmed after), `steps` steps `times` times (each marked
    done), or a `target_steps` count for the day (marked done when reached)."""

    name: str
    seconds: int | None = None
    steps: int | None = None
    times: int = 1
    target_steps: int | None = None


ActivityStep = CardStep | ThermalStep | BreathingStep | WalkStep
"""A step that is done but is not an exercise with sets and reps."""
Step = ExerciseStep | RestStep | ActivityStep


class Block(msgspec.Struct, frozen=True):
    """`block:`: steps `first_step` to `first_step + step_count - 1` done `rounds` times.

    The block's steps are in `Routine.steps` once each, so the handout, the picker and the
    log see each exercise once; only the expansion repeats them.
    """

    name: str
    rounds: int
    first_step: int
    step_count: int
    rest_between_rounds: int | None = None

    @property
    def step_indexes(self) -> range:
        """The indexes in `Routine.steps` of the block's steps."""
        return range(self.first_step, self.first_step + self.step_count)


class Stage(msgspec.Struct, frozen=True):
    """One level of a staged routine: its own steps, and when the patient moves on from it."""

    name: str
    steps: tuple[Step, ...]
    blocks: tuple[Block, ...] = ()
    """The stage's groups of steps done in rounds, as `Routine.blocks`."""
    move_on: str | None = None
    """The criterion for moving on, in the patient's words; None: the stage is not left."""
    ask_every: int = 7
    """Days between two questions about `move_on`; 0: after every session."""
    frequency: Frequency | None = None
    """How often while this is the patient's stage; None: the routine's (`frequency_for`)."""


class Timing(msgspec.Struct, frozen=True):
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


class Routine(msgspec.Struct, frozen=True):
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
    stages: tuple[Stage, ...] = ()
    """The levels of a staged routine; `steps` and `blocks` are the first stage's."""
    affected_side: Literal["left", "right"] | None = None
    """The side `side: affected` means, once the therapist knows it."""
    equipment: tuple[str, ...] = ()
    """What the routine needs besides what its steps list."""
    blocks: tuple[Block, ...] = ()
    """Groups of steps done in rounds, in order, none overlapping."""

    def frequency_for(self, stage: int | None) -> Frequency | None:
        """How often the routine is prescribed while the patient is at stage `stage` (1 is
        the first; out of range is the nearest): the stage's own frequency, else the routine's."""
        if not self.stages or stage is None:
            return self.frequency
        chosen = self.stages[min(max(stage, 1), len(self.stages)) - 1]
        return chosen.frequency or self.frequency

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

    def block_of(self, index: int) -> Block | None:
        """The block step `index` is in, if any."""
        return next((block for block in self.blocks if index in block.step_indexes), None)

    def needs(self) -> tuple[str, ...]:
        """Everything the routine and its steps need, each once, in the order first named."""
        named = [*self.equipment, *(item for step in self.exercises for item in step.equipment)]
        return tuple(dict.fromkeys(named))

    @property
    def depends_on_the_patient(self) -> bool:
        """True when a step's timing or side is the patient's to set, in any stage: a hold in
        breaths, or `side: affected` where the routine does not say which side that is."""
        every_step = [*self.steps, *(step for stage in self.stages for step in stage.steps)]
        return any(
            step.breaths is not None or (step.side == "affected" and not self.affected_side)
            for step in every_step
            if isinstance(step, ExerciseStep)
        )

    def for_patient(self, breath_seconds: int, affected_side: str | None) -> Routine:
        """The routine timed at the patient's breath length, with `side: affected` made the
        patient's affected side where the routine does not say which it is."""
        side = self.affected_side
        if side is None and affected_side in ("left", "right"):
            side = "left" if affected_side == "left" else "right"

        def timed(steps: tuple[Step, ...]) -> tuple[Step, ...]:
            return tuple(
                replace(step, hold=step.breaths * breath_seconds)
                if isinstance(step, ExerciseStep) and step.breaths is not None
                else step
                for step in steps
            )

        stages = tuple(replace(stage, steps=timed(stage.steps)) for stage in self.stages)
        return replace(self, steps=timed(self.steps), stages=stages, affected_side=side)


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
    CARD = "card"
    HEAT = "heat"
    COLD = "cold"
    BREATHE_IN = "breathe-in"
    BREATHE_OUT = "breathe-out"
    WALK = "walk"
    CONFIRM = "confirm"

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
            *_ACTIVITY_KINDS,
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
    SegmentKind.CARD: "Read",
    SegmentKind.HEAT: "Heat",
    SegmentKind.COLD: "Cold",
    SegmentKind.BREATHE_IN: "Breathe in",
    SegmentKind.BREATHE_OUT: "Breathe out",
    SegmentKind.WALK: "Walk",
    SegmentKind.CONFIRM: "Did you?",
}
_ACTIVITY_KINDS = (
    SegmentKind.CARD,
    SegmentKind.HEAT,
    SegmentKind.COLD,
    SegmentKind.BREATHE_IN,
    SegmentKind.BREATHE_OUT,
    SegmentKind.WALK,
    SegmentKind.CONFIRM,
)


class Segment(msgspec.Struct, frozen=True):
    """One timed stretch of a session: a hold, a rep, a rest, a get-ready...

    `seconds` is None for a segment without a clock, which lasts until the patient marks it
    done (a self-paced set, a card, a walk's question) or, for a get-ready, says ready.
    """

    kind: SegmentKind
    seconds: int | None
    step_index: int
    """Index of the step (in `Routine.steps`) this segment belongs to."""
    name: str
    side: Side | None = None
    set_number: int = 1
    set_count: int = 1
    rep_number: int | None = None
    rep_count: int | None = None
    # Format 2: where a segment is in a block, a tempo, a breath hold, alternating sides.
    round_number: int = 1
    round_count: int = 1
    phase: str | None = None
    """`lower`, `hold` or `lift`: the phase of a rep paced by a tempo."""
    beat_seconds: int | None = None
    """A self-paced set paced by the file's beat (`pace:`): seconds per rep."""
    breaths: int | None = None
    """A hold counted in breaths: how many."""
    alternate: bool = False
    """A rep or self-paced set of a step done alternating sides each rep."""
    # Format 2: steps that are not exercises.
    text: str | None = None
    """What to read while it lasts: a card's text, a pack's safety words, a walk's question."""
    estimated_seconds: int | None = None
    """How long a segment without a clock likely takes, when its reps do not say."""
    asked_seconds: int | None = None
    """For the question after a timed walk: how long the walk was."""

    @property
    def ends_rep(self) -> bool:
        """True for a rep's segment that completes it (a tempo's last phase)."""
        return self.kind is SegmentKind.REP and self.phase in (None, "lift")

    @property
    def planned_seconds(self) -> int:
        """Planned length, with self-paced sets estimated from their reps."""
        if self.seconds is not None:
            return self.seconds
        if self.estimated_seconds is not None:
            return self.estimated_seconds
        return (self.rep_count or 1) * SELF_PACED_SECONDS_PER_REP


def _expand(routine: Routine) -> Iterator[Segment]:
    steps = routine.steps
    index = 0
    while index < len(steps):
        block = routine.block_of(index)
        if block is None:
            yield from _expand_step(routine, index, _next_is_exercise(steps, index))
            index += 1
            continue
        last = block.step_indexes[-1]
        for round_number in range(1, block.rounds + 1):
            more_rounds = round_number < block.rounds
            in_round = partial(_in_round, round_number=round_number, round_count=block.rounds)
            for each in block.step_indexes:
                followed = each < last or more_rounds or _next_is_exercise(steps, last)
                yield from map(in_round, _expand_step(routine, each, followed))
            if more_rounds and block.rest_between_rounds:
                rest = Segment(SegmentKind.REST, block.rest_between_rounds, last, "Rest")
                yield in_round(rest)
        index = last + 1


def _next_is_exercise(steps: tuple[Step, ...], index: int) -> bool:
    return index + 1 < len(steps) and isinstance(steps[index + 1], ExerciseStep)


def _in_round(segment: Segment, round_number: int, round_count: int) -> Segment:
    return replace(segment, round_number=round_number, round_count=round_count)


def _sides(step: ExerciseStep, routine: Routine) -> tuple[Side | None, ...]:
    if step.per_side:
        return ("left", "right")
    if step.side == "affected":
        return (routine.affected_side or "affected",)
    return (step.side,)


def _expand_step(routine: Routine, index: int, next_is_exercise: bool) -> Iterator[Segment]:
    step = routine.steps[index]
    if isinstance(step, RestStep):
        yield Segment(SegmentKind.REST, step.rest, index, "Rest")
        return
    if not isinstance(step, ExerciseStep):  # a card, a pack, breathing, a walk
        yield from _activity_segments(
            step, index, routine.defaults.prepare or DEFAULT_PREPARE_SECONDS
        )
        return
    timing = routine.timing(step)
    sets, rest, switch, relax = timing.sets, timing.rest, timing.switch, timing.relax
    sides = _sides(step, routine)
    seg = partial(Segment, step_index=index, name=step.name, set_count=sets)

    yield seg(SegmentKind.PREPARE, timing.prepare, side="left" if step.alternate else sides[0])
    for set_number in range(1, sets + 1):
        for side in sides:
            # Without a rest between sets, right side -> left side needs a pause too.
            if step.per_side and (
                side == "right" or (side == "left" and set_number > 1 and not rest)
            ):
                yield seg(SegmentKind.SWITCH_SIDES, switch, side=side, set_number=set_number)
            yield from _work(step, seg, side, set_number, relax)
        more_to_come = set_number < sets or next_is_exercise
        if rest and more_to_come:
            yield seg(SegmentKind.REST, rest, set_number=set_number)


def _work(
    step: ExerciseStep,
    seg: partial[Segment],
    side: Side | None,
    set_number: int,
    relax: int,
) -> Iterator[Segment]:
    where = {"side": side, "set_number": set_number}
    reps = step.reps_in_set(set_number)
    if reps is None:
        if step.hold is not None:
            yield seg(SegmentKind.HOLD, step.hold, breaths=step.breaths, **where)
        else:
            yield seg(SegmentKind.ACTIVITY, step.duration, **where)
    elif step.hold is None and step.tempo is None:
        yield seg(
            SegmentKind.SELF_PACED,
            None,
            rep_count=reps,
            alternate=step.alternate,
            beat_seconds=step.pace,
            **where,
        )
    else:
        # A tempo keeps a steady rhythm: no pause between its reps unless `relax:` says so.
        pause = step.relax if step.tempo is not None else relax
        for rep in range(1, reps + 1):
            rep_sides = ("left", "right") if step.alternate else (side,)
            for rep_side in rep_sides:
                counted = {
                    **where,
                    "side": rep_side,
                    "rep_number": rep,
                    "rep_count": reps,
                    "alternate": step.alternate,
                }
                if step.tempo is not None:
                    for phase, seconds in step.tempo.phases:
                        yield seg(SegmentKind.REP, seconds, phase=phase, **counted)
                else:
                    yield seg(SegmentKind.REP, step.hold, breaths=step.breaths, **counted)
                if pause and (rep < reps or rep_side != rep_sides[-1]):
                    yield seg(SegmentKind.RELAX, pause, **counted)


READING_WORDS_PER_SECOND = 3  # only for estimating how long a card takes to read
ANSWER_SECONDS = 5  # only for estimating how long a yes/no takes


def _activity_segments(step: ActivityStep, index: int, prepare: int) -> Iterator[Segment]:
    """The segments of a step that is not an exercise (see `Routine.segments`)."""
    seg = partial(Segment, step_index=index, name=step.name)
    if isinstance(step, CardStep):
        words = len(step.text.split())
        estimate = max(10, words // READING_WORDS_PER_SECOND)
        yield seg(SegmentKind.CARD, None, text=step.text, estimated_seconds=estimate)
    elif isinstance(step, ThermalStep):
        # No clock on the get-ready: the pack is fetched and wrapped first, however long
        # that takes, and its timer starts when the patient says it is on.
        yield seg(SegmentKind.PREPARE, None, text=PACK_SAFETY[step.pack], estimated_seconds=30)
        kind = SegmentKind.HEAT if step.pack == "heat" else SegmentKind.COLD
        yield seg(kind, step.seconds)
    elif isinstance(step, BreathingStep):
        yield seg(SegmentKind.PREPARE, prepare)
        for breath in range(1, step.breaths + 1):
            count = step.breaths
            # Both halves of a breath carry its number, so "Breath 2 of 6" stays on screen
            # through the breath; the log counts breaths by the in-breath only.
            yield seg(SegmentKind.BREATHE_IN, step.breathe_in, rep_number=breath, rep_count=count)
            yield seg(SegmentKind.BREATHE_OUT, step.breathe_out, rep_number=breath, rep_count=count)
    elif step.target_steps is not None:
        # Walked through the day: the session only asks whether the target was reached.
        yield seg(SegmentKind.WALK, None, rep_count=step.target_steps, estimated_seconds=5)
    elif step.steps is not None:
        yield seg(SegmentKind.PREPARE, prepare)  # a get-ready for the walks, not the first
        for time in range(1, step.times + 1):
            yield seg(
                SegmentKind.WALK,
                None,
                rep_count=step.steps,
                set_number=time,
                set_count=step.times,
                estimated_seconds=step.steps,  # a step a second, indoors and with care
            )
    else:
        yield seg(SegmentKind.PREPARE, prepare)
        yield seg(SegmentKind.WALK, step.seconds)
        yield seg(
            SegmentKind.CONFIRM, None, asked_seconds=step.seconds, estimated_seconds=ANSWER_SECONDS
        )


# --- a routine file, loaded or not ----------------------------------------------------


class Problem(msgspec.Struct, frozen=True):
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


class LoadedRoutine(msgspec.Struct, frozen=True):
    """A valid routine and where it came from."""

    routine: Routine
    source: Path
    sha256: str

    @property
    def library(self) -> Path | None:
        """The exercise library file the routine names, if any (checked when it loaded)."""
        return self.source.parent / self.routine.library if self.routine.library else None
