"""Which steps a session plays: those of the patient's stage, for this weekday and week.

A staged routine (`stages:`) plays the steps of one stage at a time; a step with `days:`
is played on those weekdays only, one with `from_week:` from that routine week on. Pure
functions: the stage, the week and the day come from the caller (the session workflow).
"""

from __future__ import annotations

from datetime import date

from msgspec.structs import replace

from backroutine.routine.model import ExerciseStep, RestStep, Routine, Stage, Step
from backroutine.routine.words import stage_often


def stage_count(routine: Routine) -> int:
    """How many stages the routine has: 1 for a routine without `stages:`."""
    return max(1, len(routine.stages))


def stage_of(routine: Routine, number: int) -> Stage | None:
    """Stage `number` (1 is the first), within the routine's stages; None without stages."""
    if not routine.stages:
        return None
    return routine.stages[min(max(number, 1), len(routine.stages)) - 1]


def at_stage(routine: Routine, number: int) -> Routine:
    """`routine` with the steps and blocks of stage `number` (as `stage_of` picks it)."""
    chosen = stage_of(routine, number)
    return routine if chosen is None else replace(routine, steps=chosen.steps, blocks=chosen.blocks)


def routine_for_day(routine: Routine, *, stage: int = 1, week: int = 1, day: date) -> Routine:
    """`routine` as played on `day`, in routine week `week`, at stage `stage`.

    A session is never empty: when no exercise is for `day` (a session on a day the
    therapist did not plan), every exercise that has started by `week` is played, and when
    none has started yet, all of them. A block keeps the steps of it that are played.
    """
    routine = at_stage(routine, stage)
    steps = list(enumerate(routine.steps))
    started = [(index, step) for index, step in steps if _started(step, week)]
    if not _has_exercise(started):
        started = steps
    today = [(index, step) for index, step in started if _on(step, day)]
    if not _has_exercise(today):
        today = started
    if len(today) == len(steps):  # nothing left out: the steps exactly as written
        return routine
    return _with_steps(routine, _tidy_rests(routine, today))


def _has_exercise(steps: list[tuple[int, Step]]) -> bool:
    return any(isinstance(step, ExerciseStep) for _, step in steps)


def _started(step: Step, week: int) -> bool:
    return not isinstance(step, ExerciseStep) or step.from_week is None or step.from_week <= week


def _on(step: Step, day: date) -> bool:
    return not isinstance(step, ExerciseStep) or not step.days or day.weekday() in step.days


def _tidy_rests(routine: Routine, kept: list[tuple[int, Step]]) -> list[tuple[int, Step]]:
    """Without the rests left first, last or twice in a row by the steps taken out, in the
    session and in each block; a block left without an exercise goes whole."""
    for block in routine.blocks:
        inside = [(index, step) for index, step in kept if index in block.step_indexes]
        if len(inside) < block.step_count:  # some of the block's steps were taken out
            tidied = _without_stray_rests(inside) if _has_exercise(inside) else []
            stays = {index for index, _ in tidied}
            kept = [pair for pair in kept if pair[0] not in block.step_indexes or pair[0] in stays]
    return _without_stray_rests(kept)


def _without_stray_rests(steps: list[tuple[int, Step]]) -> list[tuple[int, Step]]:
    tidy: list[tuple[int, Step]] = []
    for index, step in steps:
        if isinstance(step, RestStep) and (not tidy or isinstance(tidy[-1][1], RestStep)):
            continue
        tidy.append((index, step))
    while len(tidy) > 1 and isinstance(tidy[-1][1], RestStep):
        tidy.pop()
    return tidy


def _with_steps(routine: Routine, kept: list[tuple[int, Step]]) -> Routine:
    """`routine` with only the steps `kept` (by their indexes), its blocks shrunk to them and
    a block left without an exercise dropped."""
    new_index = {index: number for number, (index, _) in enumerate(kept)}
    blocks = []
    for block in routine.blocks:
        inside = [new_index[index] for index in block.step_indexes if index in new_index]
        if any(isinstance(kept[number][1], ExerciseStep) for number in inside):
            blocks.append(replace(block, first_step=inside[0], step_count=len(inside)))
    return replace(routine, steps=tuple(step for _, step in kept), blocks=tuple(blocks))


# --- the words about stages: the one place they are written ---------------------------


def stage_said(routine: Routine, number: int) -> str:
    """E.g. `stage 2 of 3, On elbows`."""
    stage = stage_of(routine, number)
    name = f", {stage.name}" if stage is not None else ""
    return f"stage {number} of {stage_count(routine)}{name}"


def stage_started(routine: Routine, number: int) -> str:
    """Said as a session of a staged routine starts, e.g. `Stage 2 of 3, On elbows.`"""
    said = stage_said(routine, number)
    return f"{said[0].upper()}{said[1:]}."


def move_on_question(routine: Routine, number: int) -> str:
    """The question after a session: does the patient meet the stage's criterion?"""
    stage = stage_of(routine, number)
    criterion = stage.move_on if stage is not None and stage.move_on else "when you are ready"
    return (
        f"You are at {stage_said(routine, number)}. Move on {_criterion(criterion)}. "
        f"Is that true for you now? A yes moves you on to {stage_said(routine, number + 1)}."
    )


def _criterion(text: str) -> str:
    """`move_on` as written, after "Move on": `when you can...` or `once pain has eased`."""
    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0].lower()
    lowered = text[0].lower() + text[1:] if text else text
    return lowered if first in {"when", "once", "after", "if", "only"} else f"when: {text}"


def stages_said(routine: Routine, current: int = 1) -> list[str]:
    """Each stage and when to move on, for the handout: `Stage 1, Lying face down: move on
    when the pain has eased (asked every week)`, with how often when a stage says its own
    (`Stage 2, 20 minutes (4 per week): ...`); the `current` one is marked."""
    lines = []
    for number, stage in enumerate(routine.stages, 1):
        line = f"Stage {number}, {stage.name}"
        often = stage_often(routine, number)
        if often:
            line += f" ({often})"
        if stage.move_on and number < len(routine.stages):
            line += f": move on {_criterion(stage.move_on)} ({_asked(stage.ask_every)})"
        if number == current:
            line += ". Your stage now: the exercises below"
        lines.append(line)
    if len(routine.stages) > 1:
        lines.append("If your symptoms get worse, go back a stage.")
    return lines


def _asked(days: int) -> str:
    if days == 0:
        return "asked after every session"
    if days % 7 == 0:
        weeks = days // 7
        return "asked every week" if weeks == 1 else f"asked every {weeks} weeks"
    return "asked every day" if days == 1 else f"asked every {days} days"


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when_said(step: ExerciseStep) -> str | None:
    """When a step is done, if not every session: `on Mon, Thu`, `from week 4`."""
    parts = []
    if step.days:
        parts.append("on " + ", ".join(_DAY_NAMES[day] for day in step.days))
    if step.from_week is not None and step.from_week > 1:
        parts.append(f"from week {step.from_week}")
    return ", ".join(parts) or None
