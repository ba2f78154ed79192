"""How a step, a dose, a segment and "where you stopped" are said: the one place for these
words, shared by the player, plain mode, the picker, the voice and the handout.

No Textual here, and nothing above the routine layer: each front end only lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime

from backroutine.base.text import human_duration, printable
from backroutine.routine.model import (
    ActivityStep,
    Block,
    BreathingStep,
    CardStep,
    ExerciseStep,
    Growth,
    RestStep,
    Routine,
    Rule,
    Segment,
    SegmentKind,
    ThermalStep,
    WalkStep,
)
from backroutine.routine.safety import PACK_SAFETY

SecondsInWords = Callable[[int], str]
"""Seconds as written (`human_duration`: `5 s`) or spoken (`spoken_seconds`: `5 seconds`)."""

PAUSED = "Paused: press space to go on"  # one line beside the figure at 60 columns
PAUSED_OR_END = "Or press q to end the session."
"""Plain mode, after "this hurts" paused the session (PAUSED was said just before)."""
GET_INTO_POSITION = "Get into position"
THEN_ENTER = ", then press Enter"
WAITING_FOR_POSITION = f"{GET_INTO_POSITION}{THEN_ENTER}"
CARRYING_ON = "Carrying on"
SOUND_MUTED = "Sound muted (m to unmute)"
NOTHING_TO_MUTE = (
    "Sound is off for this session, so there is nothing to mute: to hear the cues, start "
    "without --no-audio, with `backroutine settings sound on`"
)
"""What m says when the session plays no sound at all (--no-audio or the sound setting off:
a machine without a sound device still rings the terminal bell, which m mutes)."""

# The sound note shown once as a session starts: why there is no sound (or no voice), and
# how to have it, in one sentence.
SOUND_OFF_FOR_THIS_RUN = (
    "Sound is off because you started with --no-audio: start without it to hear the cues."
)
SOUND_OFF_IN_SETTINGS = (
    "Sound is off in your settings: run `backroutine settings sound on` to hear the cues."
)
VOICE_OFF_FOR_THIS_RUN = (
    "The voice is off because you started with --no-voice: start without it to hear the"
    " exercises said aloud."
)
VOICE_OFF_IN_SETTINGS = (
    "The voice is off in your settings: run `backroutine settings voice on` to hear the"
    " exercises said aloud."
)
NO_SOUND_DEVICE = "no sound device found"
"""The audio backends' word for a machine where nothing plays sound (`AudioBackend.problem`)."""


def no_sound_played(problem: str, *, bell: bool) -> str:
    """Why no sound plays (`problem`, the backend's words) and how to have it."""
    instead = "the terminal bell rings the cues" if bell else "the cues are silent"
    if problem == NO_SOUND_DEVICE:
        return (
            f"No sound device was found, so {instead}: connect speakers or headphones and"
            " start again to hear them."
        )
    return (
        f"No sound can be played ({problem}), so {instead}: install backroutine with its"
        " audio extra (pip install 'backroutine[audio]') to hear them."
    )


def sound_on(how: str, voice: str) -> str:
    """`Sound on: playing sounds with simpleaudio; voice: espeak-ng`."""
    return f"Sound on: {how}; {voice}"


NO_VOICE = (
    "Sound cues only, with no voice: no speech engine was found; install espeak-ng and start"
    " again to hear the exercises said aloud."
)


def spoken_seconds(seconds: int) -> str:
    """`1 second`, `45 seconds`, `2 minutes`, `1 minute 30 seconds`."""
    minutes, secs = divmod(seconds, 60)
    words = []
    if minutes:
        words.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    if secs or not minutes:
        words.append(f"{secs} second" + ("s" if secs != 1 else ""))
    return " ".join(words)


def side_said(side: str) -> str:
    """`left side`."""
    return f"{side} side"


def set_of(number: int, count: int) -> str:
    """`Set 2 of 3`."""
    return f"Set {number} of {count}"


def set_said(segment: Segment) -> str:
    """`Set 2 of 3`, or `Walk 2 of 3` for a walk done more than once: what the patient
    counts is walks, not sets."""
    if segment.kind is SegmentKind.WALK:
        return f"Walk {segment.set_number} of {segment.set_count}"
    return set_of(segment.set_number, segment.set_count)


def which_set(segment: Segment) -> str:
    """`set 2 of 3` after an exercise's name; a walk's `2 of 3`, its name saying it is a walk
    (`Walk, 2 of 3`, never `Walk, walk 2 of 3`)."""
    if segment.kind is SegmentKind.WALK:
        return f"{segment.set_number} of {segment.set_count}"
    return set_of(segment.set_number, segment.set_count).lower()


def rep_of(number: int | None, count: int | None) -> str:
    """`Rep 4 of 10`."""
    return f"Rep {number} of {count}"


def amount(step: ExerciseStep, seconds: SecondsInWords = human_duration) -> str:
    """One set of `step`: `10 reps, hold 5 s`, `10 reps`, `hold 20 s` or `10 min`; in
    format 2 also `8 to 12 reps, aim for 8`, `6, 4, 2 reps`, `hold 5 breaths` and
    `10 reps: lower 3 s, hold 1 s, lift 1 s` and `10 reps, one every 3 s` (a `pace:`)."""
    if step.reps is not None:
        text = _reps(step)
        if step.tempo is not None:
            phases = ", ".join(f"{phase} {seconds(time)}" for phase, time in step.tempo.phases)
            return f"{text}: {phases}"
        if step.pace is not None:  # paced by a beat
            return f"{text}, one every {seconds(step.pace)}"
        return f"{text}, {_hold(step, seconds)}" if step.hold is not None else text
    if step.hold is not None:
        return _hold(step, seconds)
    return seconds(step.duration or 0)


def _reps(step: ExerciseStep) -> str:
    if step.reps_per_set:
        *first, last = map(str, step.reps_per_set)
        return f"{', '.join(first)}, then {last} reps" if first else f"{last} reps"
    if step.reps_range is not None:
        low, high = step.reps_range
        return f"{low} to {high} reps, aim for {step.reps}"
    return f"{step.reps} rep" + "s" * (step.reps != 1)


def _hold(step: ExerciseStep, seconds: SecondsInWords) -> str:
    if step.breaths is not None:
        return f"hold {breaths_said(step.breaths)}"
    if step.hold_range is not None and step.reps_range is None:
        low, high = step.hold_range
        # `5 to 10 seconds`: the unit once, after the range.
        return f"hold {low} to {seconds(high)}, aim for {seconds(step.hold or low)}"
    return f"hold {seconds(step.hold or 0)}"


def breaths_said(count: int) -> str:
    """`5 breaths`, `1 breath`."""
    return f"{count} breath" + ("s" if count != 1 else "")


BREATHE_IN_AND_OUT = "breathe in, and slowly out"
"""The breathing cue of a hold counted in breaths."""


def sides_said(step: ExerciseStep, routine: Routine) -> str | None:
    """How a step uses the sides, or None for a step done once, both sides together:
    `each side (left first)`, `alternating sides each rep`, `left side only`,
    `right side only (the affected side)`."""
    if step.per_side:
        return "each side (left first)"
    if step.alternate:
        return "alternating sides each rep, left first"
    if step.side is None:
        return None
    side = _one_side(step, routine)
    affected = " (the affected side)" if side != step.side else ""
    return f"{side_said(side)} only{affected}"


def _one_side(step: ExerciseStep, routine: Routine) -> str:
    """The side of a one-sided step: `affected` made left or right where the routine says."""
    if step.side == "affected" and routine.affected_side:
        return routine.affected_side
    return step.side or ""


def effort_and_load(step: ExerciseStep) -> list[str]:
    """`With: red band`, `Effort: talk test...`: what to use and how hard, as sentences."""
    said = []
    if step.load:
        said.append(f"Use {printable(step.load)}.")
    if step.effort:
        effort = printable(step.effort)
        said.append(f"Effort: {effort}" + ("" if effort.endswith((".", "!", "?")) else "."))
    return said


def with_article(item: str) -> str:
    """`a mat`, `an exercise band`; plurals and named things as written (`ankle weights`)."""
    text = printable(item)
    first = text.split(" ", 1)[0].lower()
    if first in {"a", "an", "the", "your", "some", "two"} or first[:1].isdigit():
        return text
    if text.endswith("s") and not text.endswith("ss"):
        return text
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


def you_need(routine: Routine) -> str | None:
    """`You need: a mat, a chair, a towel`, shown before a session starts and on the
    handout; None when the routine names no equipment."""
    items = [with_article(item) for item in routine.needs()]
    return f"You need: {', '.join(items)}" if items else None


def dose(step: ExerciseStep, routine: Routine) -> str:
    """The handout's dose: `2 sets: 10 reps, hold 5 s each, each side (left first); rest 30 s
    between sets`."""
    timing = routine.timing(step)
    text = amount(step)
    if step.reps is not None and step.hold is not None:
        text += " each"
    if timing.sets > 1:
        text = f"{timing.sets} sets: {text}"
    sides = sides_said(step, routine)
    if sides:
        text += f", {sides}"
    if timing.rest and timing.sets > 1:
        text += f"; rest {human_duration(timing.rest)} between sets"
    block = routine.block_of(routine.steps.index(step))
    if block is not None:
        text += f"; in {block_said(block)}"
    extras = effort_and_load(step)
    return " ".join([text + ("." if extras else ""), *extras])


def block_said(block: Block) -> str:
    """`Big 3: 3 rounds, rest 30 s between rounds`."""
    text = f"{printable(block.name)}: {block.rounds} round" + "s" * (block.rounds != 1)
    if block.rest_between_rounds and block.rounds > 1:
        text += f", rest {human_duration(block.rest_between_rounds)} between rounds"
    return text


def short_dose(step: ExerciseStep, routine: Routine) -> str:
    """The picker's dose in a few words: `3 × 10 reps, hold 5 s, each side`."""
    sets = routine.timing(step).sets
    text = amount(step)
    if sets > 1:
        text = f"{sets} × {text}"
    if step.per_side:
        text += ", each side"
    elif step.alternate:
        text += ", alternating sides"
    elif step.side is not None:
        text += f", {side_said(_one_side(step, routine))} only"
    if step.load:
        text += f", {printable(step.load)}"
    return text


def announcement(step: ExerciseStep, prepare: Segment) -> str:
    """What the voice says when an exercise comes up: the step's `say:` text, or e.g.
    "Bird-dog. 10 reps, hold 5 seconds. 2 sets. Left side first.", then its load, effort
    and caution.

    These are spoken once, here, because a patient on the floor cannot read them on the
    screen; each is left out when the `say:` text already holds it.
    """
    phrase = step.say or _what_and_how_long(step, prepare)
    for said in [*effort_and_load(step), step.caution]:
        if not said or said.casefold() in phrase.casefold():
            continue
        if not phrase.endswith((".", "!", "?")):
            phrase += "."
        phrase = f"{phrase} {said}"
    return phrase


def _what_and_how_long(step: ExerciseStep, prepare: Segment) -> str:
    how = amount(step, spoken_seconds)
    if step.kind == "self-paced" and step.pace is None:
        how += ", at your own pace"
    parts = [step.name, how[0].upper() + how[1:]]
    if prepare.set_count > 1:
        parts.append(f"{prepare.set_count} sets")
    if step.alternate:
        parts.append("Alternate sides each rep, left first")
    elif step.side is not None:
        parts.append(f"{side_said(prepare.side or step.side).capitalize()} only")
    elif prepare.side:
        parts.append(f"{side_said(prepare.side).capitalize()} first")
    if prepare.round_count > 1:
        parts.append(round_of(prepare.round_number, prepare.round_count))
    return ". ".join(parts) + "."


def switch_phrase(side: str | None) -> str:
    """What the voice says at a switch-sides pause."""
    return f"Switch sides. {side_said(side).capitalize()}." if side else "Switch sides."


def do_reps(
    count: int | None, side: str | None = None, *, alternate: bool = False, every: int | None = None
) -> str:
    """The prompt of a self-paced set: `Do 10 reps, left side at your own pace, then press
    Enter` (the side left out where the screen shows it apart); paced by the file's beat
    (`every` seconds): `Do 10 reps, one every 4 s; Enter ends the set early`."""
    where = f", {side_said(side)}" if side else ""
    if alternate:
        where = " each side, alternating sides,"
    if every:
        return (
            f"Do {count} reps{where.rstrip(',')}, one every {human_duration(every)}; {ENDS_EARLY}"
        )
    return f"Do {count} reps{where} at your own pace, then press Enter"


ENDS_EARLY = "Enter ends the set early"
"""What Enter does in a set paced by a beat."""


def round_of(number: int, count: int) -> str:
    """`Round 2 of 3`."""
    return f"Round {number} of {count}"


PHASE_WORDS = {"lower": "Lower", "hold": "Hold", "lift": "Lift"}
"""A tempo's phases as shown and spoken."""


def segment_word(segment: Segment) -> str:
    """The one word shown big for what is being done: `Hold`, `Rest`, or a tempo's phase."""
    if segment.phase is not None:
        return PHASE_WORDS[segment.phase]
    return segment.kind.label


def segment_cue(segment: Segment) -> str | None:
    """What the voice says as a work segment starts, where the segment alone says what to
    do: a tempo's phase (`Lower`), a breath hold's count and breathing cue, or the side of
    an alternating rep (`Right side`)."""
    if segment.phase is not None:
        return PHASE_WORDS[segment.phase]
    if segment.breaths is not None:
        return f"Hold for {breaths_said(segment.breaths)}: {BREATHE_IN_AND_OUT}."
    return None


def segment_line(segment: Segment, beat: int = 0) -> str:
    """A segment as it starts, in one line that makes sense read aloud on its own: what plain
    mode prints (`Hold 5 s, rep 3 of 10, left side, set 1 of 2`). `beat`: the run's beat
    (`--beat`, seconds per rep), which paces a set the file gives no `pace:`."""
    activity = activity_line(segment)
    if activity is not None:
        return activity
    name = printable(segment.name)
    length = human_duration(segment.seconds) if segment.seconds else ""
    where = ""
    if segment.side:
        where += f", {side_said(segment.side)}"
    if segment.set_count > 1:
        where += f", {set_of(segment.set_number, segment.set_count).lower()}"
    kind = segment.kind
    if kind is SegmentKind.PREPARE:
        return f"Get ready: {name}{where}, {length}"
    if segment.breaths is not None:
        length = f"{breaths_said(segment.breaths)} ({length}): {BREATHE_IN_AND_OUT}"
    if kind is SegmentKind.HOLD:
        return f"Hold {length}{where}"
    if kind is SegmentKind.ACTIVITY:
        return f"Go: {name}, {length}{where}"
    if kind is SegmentKind.REP:
        doing = PHASE_WORDS.get(segment.phase or "hold", "Hold")
        rep = rep_of(segment.rep_number, segment.rep_count).lower()
        return f"{doing} {length}, {rep}{where}"
    if kind is SegmentKind.RELAX:
        return f"Relax {length}"
    if kind is SegmentKind.SELF_PACED:
        reps = do_reps(
            segment.rep_count,
            segment.side,
            alternate=segment.alternate,
            every=segment.beat_seconds or beat,
        )
        if segment.set_count > 1:
            return f"{set_of(segment.set_number, segment.set_count)}: {reps}"
        return reps
    if kind is SegmentKind.SWITCH_SIDES:
        return f"Switch sides: {side_said(segment.side or '')} next, {length}"
    return f"Rest {length}"


def seconds_left(seconds: int) -> str:
    """`3 seconds left`: a countdown line that says what the number is."""
    return f"{spoken_seconds(seconds)} left"


def tips_line(step: ExerciseStep) -> str | None:
    """`Tips for Bird-dog: Keep your back flat. Breathe out as you lift.` (None: no tips)."""
    if not step.tips:
        return None
    tips = [printable(tip) for tip in step.tips]
    said = " ".join(tip if tip.endswith((".", "!", "?")) else f"{tip}." for tip in tips)
    return f"Tips for {printable(step.name)}: {said}"


def caution_line(step: ExerciseStep) -> str | None:
    """`Caution for Bird-dog: Stop if your back sags.` (None: no caution)."""
    if not step.caution:
        return None
    return f"Caution for {printable(step.name)}: {printable(step.caution)}"


def next_up(segments: Sequence[Segment], index: int) -> str | None:
    """The next set, side or exercise after `segments[index]` (not the next rep of this one):
    `Bird-dog, right side`, `Bird-dog, left side, set 2 of 3`, `Walk, 2 of 3`; None at the
    end. The name comes first, said once, as in `where_stopped`.

    A get-ready or a switch of sides leads into the work it prepares: during it, that work is
    what comes next (a one-exercise routine's get-ready is not "the end of the routine")."""
    current = segments[index]
    leads_in = current.kind in {SegmentKind.PREPARE, SegmentKind.SWITCH_SIDES}
    for later in segments[index + 1 :]:
        if not later.kind.is_work:
            continue
        name = printable(later.name)
        side = f", {side_said(later.side)}" if later.side else ""
        if later.step_index != current.step_index:
            return f"{name}{side}"
        if later.round_number != current.round_number:
            return f"{name}{side}, {round_of(later.round_number, later.round_count).lower()}"
        if later.set_number != current.set_number or (leads_in and later.set_count > 1):
            # The next thing to do is the next set (a walk's next time too), not what follows
            # the exercise: "the end of the routine" before a last set is not yet true.
            return f"{name}{side}, {which_set(later)}"
        if later.side != current.side or leads_in:
            return f"{name}{side}"
    return None


def next_said(segments: Sequence[Segment], index: int) -> str:
    """`Next: Bird-dog, right side`, or `Next: the end of the routine`: the player's line, and
    plain mode's at a rest."""
    return f"Next: {next_up(segments, index) or 'the end of the routine'}"


def time_left(seconds: float) -> str:
    """`about 6 min left` while more than two minutes are left; `1 min 30 s left` near the end."""
    if seconds > 120:
        return f"about {math.ceil(seconds / 60)} min left"
    return f"{human_duration(math.ceil(seconds))} left"


def segment_detail(segment: Segment) -> str:
    """`Left side · Set 2 of 3 · Rep 4 of 10`: where in the exercise a segment is; empty
    where that says nothing (a single hold, a card, a pack, a walk)."""
    parts = []
    if segment.round_count > 1:
        parts.append(round_of(segment.round_number, segment.round_count))
    if segment.side:
        parts.append(side_said(segment.side).capitalize())
    elif segment.alternate:
        parts.append("Alternating sides")
    if segment.set_count > 1:
        parts.append(set_said(segment))
    if segment.rep_number and segment.kind is SegmentKind.REP:
        parts.append(rep_of(segment.rep_number, segment.rep_count))
    elif segment.rep_number and segment.kind is SegmentKind.RELAX:
        # Between two reps: the one just done (its number alone read as a rep under way).
        parts.append(f"{rep_of(segment.rep_number, segment.rep_count)} done")
    elif segment.kind is SegmentKind.SELF_PACED:
        parts.append(f"{segment.rep_count} reps")
    elif segment.kind in {SegmentKind.BREATHE_IN, SegmentKind.BREATHE_OUT}:
        parts.append(f"Breath {segment.rep_number} of {segment.rep_count}")
    return " · ".join(parts)


def where_stopped(segment: Segment) -> str:
    """`Bird-dog, right side, set 2 of 3`: the place a paused session will go on from."""
    parts = [printable(segment.name)]
    if segment.round_count > 1:
        parts.append(round_of(segment.round_number, segment.round_count).lower())
    if segment.side:
        parts.append(side_said(segment.side))
    if segment.set_count > 1:
        parts.append(which_set(segment))
    return ", ".join(parts)


def stopped_when(stopped: datetime, now: datetime | None) -> str:
    """`today at 08:20`, `yesterday at 08:20` or `on Monday 30 November at 08:20`: when a
    session stopped, in the patient's time zone `now` is in (None: the zone it stopped in)."""
    if now is None:
        return f"on {stopped:%A %d %B at %H:%M}"
    stopped = stopped.astimezone(now.tzinfo)
    days = (now.date() - stopped.date()).days
    day = {0: "today", 1: "yesterday"}.get(days, f"on {stopped:%A %d %B}")
    return f"{day} at {stopped:%H:%M}"


def stage_often(routine: Routine, number: int) -> str | None:
    """How often at stage `number`, for its line among the stages (`4 per week`), when a
    stage of the routine says its own; None when every stage keeps the routine's."""
    if not any(stage.frequency for stage in routine.stages):
        return None
    frequency = routine.frequency_for(number)
    return str(frequency) if frequency else None


def week_said(week: int) -> str:
    """The progression week a session is played in, as both front ends announce it."""
    return f"Week {week} of this routine"


# --- steps that are not exercises: cards, heat and cold packs, breathing, walks ----------

GO_ON = "Press Enter to go on"
MAX_TYPED_DIGITS = 6  # steps walked, typed: up to 999,999
PACK_ON = "Press Enter when the pack is on"
YES_OR_NO = "Enter: yes, n: no"


def steps_said(count: int) -> str:
    """`3,000 steps`."""
    return f"{count:,} step" + ("s" if count != 1 else "")


def walk_question(seconds: int, said: SecondsInWords = human_duration) -> str:
    """`Did you walk 10 min?`: asked when a timed walk ends."""
    return f"Did you walk {said(seconds)}?"


def activity_dose(step: ActivityStep, seconds: SecondsInWords = human_duration) -> str:
    """What a step that is not an exercise asks, in a few words: the handout's and the
    picker's dose (`15 min, wrapped in a towel`, `3 min: breathe in 4 s, out 6 s`)."""
    if isinstance(step, CardStep):
        return "Read, then go on"
    if isinstance(step, ThermalStep):
        return f"{seconds(step.seconds)}, wrapped in a towel"
    if isinstance(step, BreathingStep):
        return (
            f"{seconds(step.seconds)}: breathe in {seconds(step.breathe_in)}, "
            f"out {seconds(step.breathe_out)}"
        )
    if step.target_steps is not None:
        return f"{steps_said(step.target_steps)} today"
    if step.steps is not None:
        times = f", {step.times} times" if step.times > 1 else ""
        return f"{steps_said(step.steps)}{times}"
    return seconds(step.seconds or 0)


def activity_announcement(step: ActivityStep) -> str:
    """What the voice says as a step that is not an exercise comes up: a card is read out
    whole (the patient may be lying down), a pack's safety words are said before it goes on."""
    name = step.name
    if isinstance(step, CardStep):
        return f"{_sentence(name)} {step.text}"
    if isinstance(step, ThermalStep):
        return f"{name}, {spoken_seconds(step.seconds)}. {PACK_SAFETY[step.pack]}"
    if isinstance(step, BreathingStep):
        return (
            f"{name}, {spoken_seconds(step.seconds)}. Breathe in for "
            f"{spoken_seconds(step.breathe_in)}, and out for {spoken_seconds(step.breathe_out)}."
        )
    return f"{name}. {_sentence(activity_dose(step, spoken_seconds))}"


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def activity_phrase(routine: Routine, segment: Segment) -> str | None:
    """What the voice says as `segment` of a step that is not an exercise starts, if
    anything: the step's announcement at its first segment, each breath, the walk's question."""
    step = routine.steps[segment.step_index]
    if isinstance(step, (ExerciseStep, RestStep)):
        return None
    kind = segment.kind
    if kind is SegmentKind.BREATHE_IN:
        return "Breathe in"
    if kind is SegmentKind.BREATHE_OUT:
        return "Breathe out"
    if kind is SegmentKind.CONFIRM:
        return walk_question(segment.asked_seconds or 0, spoken_seconds)
    # Every such step opens with a get-ready or a card, but a walk to a day's target,
    # which is all one segment.
    opening = kind in {SegmentKind.PREPARE, SegmentKind.CARD}
    if opening or (isinstance(step, WalkStep) and step.target_steps is not None):
        return activity_announcement(step)
    return None


def waiting_prompt(segment: Segment, clause_break: str = " ") -> str:
    """What Enter does while the session waits on `segment` (a set, a card, a pack, a walk).

    `clause_break` goes between a walk's two clauses: the player's line break keeps a narrow
    screen from wrapping it anywhere, one word left alone on a line."""
    kind = segment.kind
    if kind is SegmentKind.CARD:
        return GO_ON
    if kind is SegmentKind.CONFIRM:
        return f"{walk_question(segment.asked_seconds or 0)} {YES_OR_NO}"
    if kind is SegmentKind.WALK:
        return _walk_prompt(segment, clause_break, "Walk ")
    if kind is SegmentKind.PREPARE and segment.seconds is None:
        return PACK_ON
    if kind is SegmentKind.SELF_PACED:
        return do_reps(segment.rep_count, every=segment.beat_seconds)
    return WAITING_FOR_POSITION


def _walk_prompt(segment: Segment, clause_break: str, walk: str) -> str:
    """`Walk 100 steps, then press Enter, or type how many you did`; `walk`: the word that
    opens it, left out where the walk's name said it already."""
    steps = f"{walk}{steps_said(segment.rep_count or 0)}{THEN_ENTER},"
    return f"{steps}{clause_break}or type how many you did"


def activity_line(segment: Segment) -> str | None:
    """The plain-mode line of a segment of a step that is not an exercise (None for others).

    A card's and a pack's text come on the lines after, as the file has them.
    """
    name = printable(segment.name)
    length = human_duration(segment.seconds) if segment.seconds else ""
    kind = segment.kind
    if kind is SegmentKind.CARD:
        text = printable(segment.text or "", keep_newlines=True)
        return f"{name}\n{text}\n{GO_ON}"
    if kind is SegmentKind.PREPARE and segment.seconds is None:
        return f"Get ready: {name}\n{segment.text or ''}\n{PACK_ON}"
    if kind in {SegmentKind.HEAT, SegmentKind.COLD}:
        return f"{_what_it_is(kind.label, name)}, {length}"
    if kind in {SegmentKind.BREATHE_IN, SegmentKind.BREATHE_OUT}:
        return f"{kind.label} {length}"
    if kind is SegmentKind.WALK:
        if segment.seconds is not None:
            return f"{_what_it_is('Walk', name)}, {length}"
        # Named once, as the player says it: `Walk, 1 of 2: 100 steps, then press Enter, ...`.
        times = f", {which_set(segment)}" if segment.set_count > 1 else ""
        walk = "" if name.casefold().startswith("walk") else "Walk "
        return f"{name}{times}: {_walk_prompt(segment, ' ', walk)}"
    if kind is SegmentKind.CONFIRM:
        return waiting_prompt(segment)
    return None


def _what_it_is(label: str, name: str) -> str:
    """`Heat: Warm towel`; a name that says it already alone: `Heat pack`, not `Heat: Heat
    pack`, and `Walk`, not `Walk: Walk`."""
    return name if name.casefold().startswith(label.casefold()) else f"{label}: {name}"


OUTCOME_SAID = {"done": "done", "skipped": "skipped", "hurt": "stopped (it hurt)"}
"""How a step went, as the summary lists it (`Bridge: stopped (it hurt)`) and plain mode
says it (`Stopped (it hurt): Bridge`)."""


def finished_heading(done: int, skipped: int, hurt: int) -> str:
    """How a session that went to its end went, said honestly from how many of its steps
    (rests aside) were done, skipped and stopped because they hurt."""
    if not skipped and not hurt:
        return "Well done: routine complete"
    if not done:
        return "Nothing done this time" + ("" if hurt else ": every step was skipped")
    return f"Routine partly done: {done} of {done + skipped + hurt} steps done"


def steps_typed(digits: str) -> str:
    """The player's prompt while the patient types the steps they walked."""
    return f"Steps walked: {digits}{THEN_ENTER}"


def walked(count: int) -> str:
    """`Walked 2,500 steps`: the steps typed, as plain mode confirms them."""
    return f"Walked {steps_said(count)}"


# --- what the voice says as a session moves on ------------------------------------------
# Each moment has a few ways of being said, richest first: the voice takes the richest
# one that ends before the next countdown tick, so speech never runs over a tick.

HALFWAY = "Halfway"
PAUSED_SAID = "Paused"
NO_TIPS = "No tips for this exercise."

# fmt: off
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)
# fmt: on


def number_said(number: int) -> str:
    """`three`: a count as the voice says it (digits past twenty)."""
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else str(number)


def _first_of_last_set(segment: Segment) -> bool:
    return segment.set_count > 1 and segment.set_number == segment.set_count


def rep_phrases(segment: Segment, number: int) -> tuple[str, ...]:
    """What the voice may say as rep `number` of `segment`'s set starts, richest first:
    "Three", "One of ten" at the start of a set (after "Last set." in the last), "Last one"."""
    count = segment.rep_count or 1
    if number == count:
        return ("Last one",)
    if number > 1:
        return (number_said(number).capitalize(),)
    of = f"One of {number_said(count)}"
    if _first_of_last_set(segment):
        return (f"Last set. {of}", of, "One")
    return (of, "One")


def starts_rep(segment: Segment, previous: Segment | None) -> bool:
    """Whether `segment` begins a rep, rather than going on with a tempo's next phase."""
    return not (
        previous is not None
        and previous.kind is SegmentKind.REP
        and not previous.ends_rep
        and previous.step_index == segment.step_index
    )


def transition_phrases(
    segment: Segment, following: Segment | None = None, *, first_phase: bool = True
) -> tuple[str, ...]:
    """What the voice may say as `segment` starts, richest first (empty: nothing).

    A rep says its count ("Three", "One of ten" at the start of a set, "Last one"), with its
    side when sides alternate and its phase when a tempo paces it (only the phase after its
    `first_phase`), a hold "Hold" (or its breaths), a relax "Relax", a rest how long it
    lasts and, when `following` is the next set of the same exercise, which set and side
    come next. The get-ready segment says the exercise's `announcement` instead.
    """
    kind = segment.kind
    last_set = "Last set. " if _first_of_last_set(segment) else ""
    if kind is SegmentKind.REP:
        counts = rep_phrases(segment, segment.rep_number or 1)
        if segment.alternate and segment.side:
            side = side_said(segment.side)
            counts = (*(f"{count}, {side}" for count in counts), side.capitalize())
        if segment.phase is None:
            return counts
        phase = PHASE_WORDS[segment.phase]
        if not first_phase:
            return (phase,)
        return (*(f"{count}. {phase}" for count in counts), phase)
    if kind in (SegmentKind.HOLD, SegmentKind.ACTIVITY):
        said = segment_cue(segment) or kind.label  # a hold in breaths says how to breathe
        return tuple(dict.fromkeys([f"{last_set}{said}", said, kind.label]))  # each once
    if kind is SegmentKind.RELAX:
        return (SegmentKind.RELAX.label,)
    if kind is SegmentKind.SELF_PACED:
        count = number_said(segment.rep_count or 1)
        reminder = f"Press space when you have done {count}."
        return (f"{last_set}{count.capitalize()} reps at your own pace. {reminder}", reminder)
    if kind is SegmentKind.SWITCH_SIDES:
        if segment.side is None:
            return (switch_phrase(None),)
        return (switch_phrase(segment.side), f"{side_said(segment.side).capitalize()}.")
    if kind is SegmentKind.REST:
        rest = f"Rest, {spoken_seconds(segment.seconds or 0)}."
        if following is None or following.step_index != segment.step_index:
            return (rest, "Rest.")
        side = f", {side_said(following.side)}" if following.side else ""
        then = f"Then set {number_said(following.set_number)} of "
        then += f"{number_said(following.set_count)}{side}."
        return (f"{rest} {then}", rest, "Rest.")
    return ()


def announcements(step: ExerciseStep, prepare: Segment) -> tuple[str, ...]:
    """What the voice may say as an exercise comes up, richest first: the `announcement`,
    caution included, else the exercise's name alone."""
    full = announcement(step, prepare)
    return (full, step.name) if full != step.name else (full,)


def tips_said(step: ExerciseStep) -> str:
    """The step's tips and caution, as read aloud on request (and shown).

    "Caution." is a sentence of its own, so that the caution that follows is the same
    sentence as in the `announcement`: the neural voice synthesises it once for both."""
    parts = [tip if tip.endswith((".", "!", "?")) else f"{tip}." for tip in step.tips]
    if step.caution:
        parts.append(f"Caution. {step.caution}")
    return " ".join(parts) or NO_TIPS


def tips_for(routine: Routine, segment: Segment) -> str:
    """The tips read on request during `segment`: its exercise's, or during a rest step,
    those of the exercise that follows it, named (`Next, Bird-dog. ...`)."""
    step = next_exercise(routine, segment)
    if step is None:
        return NO_TIPS
    if step is routine.steps[segment.step_index]:
        return tips_said(step)
    return f"Next, {step.name}. {tips_said(step)}"  # the tips' sentences as said anywhere


def next_exercise(routine: Routine, segment: Segment) -> ExerciseStep | None:
    """`segment`'s exercise, or during a step that is not one (a rest, a card), the
    exercise after it: whose tips t reads."""
    later = routine.steps[segment.step_index :]
    return next((step for step in later if isinstance(step, ExerciseStep)), None)


def growth_said(field: str, rule: Rule) -> str:
    """How a progression grows a dose, as the patient reads it on the handout: `+2 reps a
    week, up to 10`, `+1 set from week 4`, `hold +5 s every 2 weeks, up to 25 s`."""

    def amount(value: int) -> str:
        if field in {"hold", "duration"}:
            return human_duration(value)
        unit = {"reps": "rep", "sets": "set"}[field]
        return f"{value} {unit}" + ("" if value == 1 else "s")

    if not isinstance(rule, Growth):
        spans = [
            f"{amount(value)} "
            + (
                f"from week {first}"
                if last is None
                else f"in week {first}"
                if first == last
                else f"in weeks {first}-{last}"
            )
            for (first, last), value in sorted(rule.items())
        ]
        said = "; ".join(spans)
        return f"hold {said}" if field == "hold" else said
    change = ("+" if rule.change > 0 else "-") + amount(abs(rule.change))
    if field == "hold":
        change = f"hold {change}"
    if rule.every_weeks is None:
        said = f"{change} from week {rule.from_week}"
    else:
        every = "a week" if rule.every_weeks == 1 else f"every {rule.every_weeks} weeks"
        # The first change is due a period in: week 2 for a weekly one, unless it says so.
        start = "" if rule.from_week == 1 + rule.every_weeks else f" from week {rule.from_week}"
        said = f"{change} {every}{start}"
    if rule.limit is not None:
        limit = human_duration(rule.limit) if field in {"hold", "duration"} else str(rule.limit)
        said += f", {'up' if rule.change > 0 else 'down'} to {limit}"
    return said
