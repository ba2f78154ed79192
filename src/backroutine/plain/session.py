"""Plain mode: the same session as one line per event, for screen readers and dumb terminals.

No Textual here. Keys work when standard input is a terminal; without one the session
runs unattended (a self-paced set counts as done after its estimated time).
"""

from __future__ import annotations

import math
import os
import select
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime
from typing import TextIO

from backroutine.base.clock import local_now
from backroutine.base.text import human_duration, printable
from backroutine.log.history import NOT_THE_ROUTINE, did_the_routine
from backroutine.log.store import BestStep, CompletionLog, ExerciseRecord, SessionRecord
from backroutine.routine.model import ExerciseStep, LoadedRoutine, Routine, Segment, SegmentKind
from backroutine.routine.safety import (
    BACK_PAIN_AFTER,
    BACK_PAIN_NOW,
    CLINICIAN_NOTE,
    LEG_PAIN_NOW,
    LEG_REACH,
    LEG_REACH_QUESTION,
    SESSION_NOT_STARTED,
    SETTLED_QUESTION,
    STOP_AND_CONTACT,
    STOPPING_TIERS,
    TIER_HEADINGS,
    CheckInAnswers,
    Tier,
    check_in_advice,
    questions,
)
from backroutine.routine.words import (
    CARRYING_ON,
    MAX_TYPED_DIGITS,
    NOTHING_TO_MUTE,
    OUTCOME_SAID,
    PAUSED,
    PAUSED_OR_END,
    WAITING_FOR_POSITION,
    caution_line,
    finished_heading,
    next_exercise,
    next_said,
    seconds_left,
    segment_line,
    time_left,
    tips_line,
    walked,
)
from backroutine.session.checkin import CheckInContext
from backroutine.session.engine import (
    Clock,
    CountdownTick,
    Event,
    ExerciseDone,
    Halfway,
    Paused,
    Resumed,
    SegmentStarted,
    SessionEngine,
    SessionFinished,
    TimeAdded,
    Waiting,
)
from backroutine.session.recorder import step_kind
from backroutine.session.workflow import (
    EngineOptions,
    ResumeOffer,
    StageQuestion,
    next_resume_offer,
)

KEYS_HELP = (
    "Keys: space pause/resume, Enter done/ready, r repeat, t tips, n skip, b back, "
    "+ add 10 s, h this hurts, m mute, q quit"
)
"""The keys, said once at the start; without sound to mute, `m mute` is left out."""
COUNTED_SECONDS = 10
"""Only segments at least this long count down their last three seconds: counting a short
one would be a line for nearly every second of it."""
NO_TIPS = "No tips for this part of the routine."


def describe(event: Event, outcomes: Iterable[str] = (), beat: int = 0) -> str | None:
    """The line plain mode prints for an event, or None for events it keeps quiet about;
    `outcomes`: how each step so far went (`done`, `skipped`, `hurt`), for the last line;
    `beat`: the run's beat (`--beat`), which paces the sets the file gives no pace."""
    if isinstance(event, SegmentStarted):
        return segment_line(event.segment, beat)
    if isinstance(event, CountdownTick):
        if event.lead_in or (event.segment.seconds or 0) < COUNTED_SECONDS:
            return None
        return seconds_left(event.seconds_left)
    if isinstance(event, Halfway):
        return "Halfway"
    if isinstance(event, ExerciseDone):
        said = OUTCOME_SAID.get(event.outcome, event.outcome)
        return f"{said[:1].upper()}{said[1:]}: {printable(event.name)}"
    if isinstance(event, Paused):
        return PAUSED
    if isinstance(event, Resumed):
        return CARRYING_ON
    if isinstance(event, TimeAdded):
        return f"+{event.seconds:.0f} s"
    if isinstance(event, Waiting) and event.segment.kind is SegmentKind.PREPARE:
        # A pack's get-ready line already says what Enter does.
        return WAITING_FOR_POSITION if event.segment.seconds is not None else None
    if isinstance(event, SessionFinished):
        active = human_duration(event.active_seconds)
        counts = Counter(outcomes)
        if event.status == "completed" and (counts["skipped"] or counts["hurt"]):
            heading = finished_heading(counts["done"], counts["skipped"], counts["hurt"])
            return f"{heading} ({active} active)."
        if event.status == "completed":
            return f"Routine complete in {active}. Well done."
        return f"Session ended after {active}"
    return None


class PlainSession:
    """Runs one session in plain text. Clock, sleep and streams are injectable for tests."""

    def __init__(
        self,
        engine: SessionEngine,
        *,
        out: TextIO = sys.stdout,
        keys: Callable[[float], str | None] | None = None,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        audio=None,
        routine: Routine | None = None,
        earlier: Iterable[ExerciseRecord] = (),
    ) -> None:
        """`routine`: the routine the engine plays, for its tips, cautions and exercise numbers;
        `earlier`: the steps a resumed session logged before it stopped, so the last line
        counts the whole session, as the app's summary does."""
        self.engine = engine
        self.routine = routine
        self.out = out
        self.keys = keys
        self.clock = clock
        self.sleep = sleep
        self.audio = audio
        self._waiting_since: float | None = None
        self._typed: tuple[int, str] = (-1, "")
        """Digits typed while a walk waits, and the segment they were typed at."""
        self._outcomes: dict[int, tuple[str | None, str]] = {
            step.step_index: (step.kind, step.outcome)
            for step in earlier
            if step.outcome != "started"
        }
        """Step index -> what it is and how it went (its last pass, after going back)."""
        engine.subscribe(self._print)

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def _print(self, event: Event) -> None:
        if isinstance(event, ExerciseDone):
            kind = step_kind(self.engine.segments, event.step_index)
            self._outcomes[event.step_index] = (kind, event.outcome)
        outcomes = [outcome for _, outcome in self._outcomes.values()]
        line = describe(event, outcomes, round(self.engine.beat_seconds))
        if isinstance(event, SegmentStarted) and event.segment.kind is SegmentKind.PREPARE:
            where = self._where_in_routine(event.segment)
            if where:
                self._say(where)
        if line is not None:
            self._say(line)
        if isinstance(event, ExerciseDone) and event.outcome == "hurt":
            # Right after it, before the next exercise's get-ready and tips.
            self._say(f"Noted: that exercise hurt and was stopped. {STOP_AND_CONTACT}")
        if isinstance(event, SessionFinished) and event.status == "completed":
            best = BestStep.of(self._outcomes.values())
            if "done" in outcomes and not did_the_routine(best):  # done something, not that
                self._say(NOT_THE_ROUTINE)
        if isinstance(event, SegmentStarted):
            segment = event.segment
            if segment.kind is SegmentKind.PREPARE:
                for about in self._tips(segment):
                    self._say(about)
            elif segment.kind is SegmentKind.REST:  # a switch says its side itself
                self._say(next_said(self.engine.segments, event.index))

    def _step(self, segment: Segment) -> ExerciseStep | None:
        if self.routine is None:
            return None
        step = self.routine.steps[segment.step_index]
        return step if isinstance(step, ExerciseStep) else None

    def _where_in_routine(self, segment: Segment) -> str | None:
        """`Exercise 2 of 5, about 6 min left`, as an exercise comes up."""
        if self.routine is None or self._step(segment) is None:
            return None
        steps = self.routine.steps
        exercises = [i for i, step in enumerate(steps) if isinstance(step, ExerciseStep)]
        number = exercises.index(segment.step_index) + 1
        return f"Exercise {number} of {len(exercises)}, {time_left(self.engine.remaining_total())}"

    def _tips(self, segment: Segment) -> list[str]:
        """The step's tips and caution, a line each."""
        return _tips_and_caution(self._step(segment))

    def repeat(self) -> None:
        """Say again what to do now, and how long is left of it."""
        engine = self.engine
        segment = engine.current
        if segment is None:  # the session is over: nothing to repeat
            return
        if engine.status == "paused":
            self._say(PAUSED)
        elif engine.status == "waiting" and segment.kind is SegmentKind.PREPARE:
            self._say(f"{segment_line(segment)}. {WAITING_FOR_POSITION}")
        else:
            remaining = engine.remaining()
            left = f": {seconds_left(math.ceil(remaining))}" if remaining else ""
            self._say(segment_line(segment, round(engine.beat_seconds)) + left)

    def read_tips(self) -> None:
        """Print the tips and caution of the exercise now (during a rest step, of the one it
        leads to, as the player does), and say them when there is a voice."""
        segment = self.engine.current
        step = next_exercise(self.routine, segment) if self.routine and segment else None
        lines = _tips_and_caution(step) or [NO_TIPS]
        for line in lines:
            self._say(line)
        # The cue player speaks them when it can (with a voice, not muted).
        speak = getattr(self.audio, "say_now", None)
        if speak is not None:
            speak(" ".join(lines))

    def _resume(self) -> None:
        """Go on with a session stopped earlier, maybe days ago: say where in the routine it
        is, what to do now and how, as when its exercise came up (only "Carrying on" was)."""
        segment = self.engine.current
        self.engine.resume()
        where = self._where_in_routine(segment) if segment is not None else None
        if where:
            self._say(where)
        self.repeat()
        for about in self._tips(segment) if segment is not None else ():
            self._say(about)

    def run(self) -> str:
        """Run to the end; returns the session status (completed or abandoned)."""
        engine = self.engine
        if self.keys is not None:
            keys = KEYS_HELP if self._mutes() else KEYS_HELP.replace(", m mute", "")
            print(keys, file=self.out, flush=True)
        if engine.status == "ready":
            engine.start()
        else:
            self._resume()
        while engine.status not in {"finished", "abandoned"}:
            engine.update()
            self._unattended_waits()
            wait = self._seconds_to_next_change()
            if self.keys is not None:
                key = self.keys(wait)
                if key:
                    self.press(key)
            else:
                self.sleep(wait)
        return engine.status

    def _unattended_waits(self) -> None:
        """With nobody at the keyboard, waits end by themselves."""
        segment = self.engine.current
        if self.keys is not None or self.engine.status != "waiting" or segment is None:
            self._waiting_since = None
            return
        if self.engine.waiting_for == "ready":
            self.engine.ready()
            return
        if segment.kind is SegmentKind.CONFIRM:
            self.engine.skip_segment()  # nobody said they walked: not logged as done
            return
        now = self.clock()
        if self._waiting_since is None:
            self._waiting_since = now
        elif now - self._waiting_since >= segment.planned_seconds:
            self._waiting_since = None
            self.engine.done()

    def _seconds_to_next_change(self) -> float:
        engine = self.engine
        lead_in = engine.lead_in_remaining()
        remaining = lead_in if lead_in > 0 else engine.remaining()
        waiting_at = engine.current if engine.status == "waiting" else None
        if waiting_at is not None and self.keys is None and self._waiting_since is not None:
            left = waiting_at.planned_seconds - (self.clock() - self._waiting_since)
            return max(0.01, left)
        if remaining is None or engine.status == "paused":
            return 1.0
        fraction = remaining - math.floor(remaining)
        return (fraction if fraction > 0.001 else 1.0) + 0.002

    def press(self, key: str) -> None:
        """Act on one key, as in the full-screen player."""
        engine = self.engine
        if key in {"\n", "\r"} and engine.status == "paused" and engine.enter_acts:
            engine.resume()  # paused on a card, a pack, a walk or a set: Enter goes on
        # Waited for, or paced by a beat: Enter finishes it.
        in_self_paced_set = (
            engine.status in {"waiting", "running"}
            and engine.current is not None
            and engine.current.kind is SegmentKind.SELF_PACED
        )
        # A set waiting at the patient's own pace cannot be paused: space, the key a patient
        # on the floor reaches, says it is done. One paced by a beat ends by itself: space pauses.
        if key == " " and in_self_paced_set and engine.waiting_for == "done":
            engine.done()
        elif key == " ":
            engine.resume() if engine.status == "paused" else engine.pause()
        elif key.isdigit() or key in {"\x7f", "\b"}:
            self._type_steps(key)
        elif key in {"\n", "\r"}:
            if engine.waiting_for == "done":
                index, digits = self._typed
                count = int(digits) if digits and index == engine.index else None
                self._typed = (-1, "")
                if count is not None:
                    print(walked(count), file=self.out, flush=True)
                engine.done(count)
            elif in_self_paced_set:  # paced by a beat: ended early
                engine.done()
            elif engine.waiting_for == "ready":
                engine.ready()
        elif key == "r":
            self.repeat()
        elif key == "t":
            self.read_tips()
        elif key == "n":
            engine.skip_segment()
        elif key == "N":
            engine.skip_exercise()
        elif key == "b":
            engine.back()
        elif key in {"+", "="}:
            engine.add_time(10)
        elif key == "h":
            engine.hurt()
            # After the last exercise there is nothing to go on to: the session is over.
            if engine.status == "paused":
                self._say(PAUSED_OR_END)
        elif key == "m" and not self._mutes():
            print(NOTHING_TO_MUTE, file=self.out, flush=True)
        elif key == "m":
            self.audio.muted = not self.audio.muted
            print("Sound off" if self.audio.muted else "Sound on", file=self.out, flush=True)
        elif key == "q":
            engine.quit()

    def _mutes(self) -> bool:
        """There is a sound for m to mute (none with --no-audio or the sound setting off)."""
        return self.audio is not None and not getattr(self.audio, "silent", False)

    def _type_steps(self, key: str) -> None:
        """A digit (or a backspace) of the steps walked, while a walk waits for Enter."""
        engine, segment = self.engine, self.engine.current
        if engine.waiting_for != "done" or segment is None or segment.kind is not SegmentKind.WALK:
            return
        index, digits = self._typed
        digits = digits if index == engine.index else ""
        digits = digits[:-1] if not key.isdigit() else (digits + key)[:MAX_TYPED_DIGITS]
        self._typed = (engine.index, digits)


def _tips_and_caution(step: ExerciseStep | None) -> list[str]:
    """`step`'s tips and caution, a line each (none without a step)."""
    if step is None:
        return []
    return [line for line in (tips_line(step), caution_line(step)) if line]


@contextmanager
def terminal_keys(stream: TextIO | None = None):
    """Single keypresses from a terminal (standard input by default) without waiting for
    Enter and without echoing them; None if it is not a terminal."""
    stream = sys.stdin if stream is None else stream
    if stream is None or not stream.isatty():
        yield None
        return
    import termios

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    keys = termios.tcgetattr(fd)
    # Off: line mode and echo (Python 3.12's tty.setcbreak keeps echo on); signals stay.
    keys[3] &= ~(termios.ICANON | termios.ECHO)
    keys[6][termios.VMIN], keys[6][termios.VTIME] = 1, 0
    termios.tcsetattr(fd, termios.TCSAFLUSH, keys)

    def read_key(timeout: float) -> str | None:
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        return os.read(fd, 1).decode(errors="ignore") if ready else None

    try:
        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def check_in(
    routine: Routine,
    context: CheckInContext,
    *,
    ask: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> CheckInAnswers:
    """Safety notes, pain now and the triage questions, one per line, then the advice.

    The questions stop at the first emergency answer (its advice must not wait), and after
    the same-day questions when one of those was answered yes.
    """
    for note in routine.safety:
        print(f"! {printable(note)}", file=out)
    print(f"! {CLINICIAN_NOTE}", file=out)
    pain = ask_pain(_pain_question(BACK_PAIN_NOW), ask, out)
    leg_pain = leg_reach = settled = None
    if context.asks_leg_pain:
        leg_pain = ask_pain(_pain_question(LEG_PAIN_NOW), ask, out)
        if leg_pain:
            leg_reach = ask_choice(LEG_REACH_QUESTION, LEG_REACH, ask, out)
    if context.settled_session_id is not None:
        settled = ask_yes_no(f"{SETTLED_QUESTION} [y/n, Enter to skip] ", ask, out, default=None)
    yes: list[str] = []
    for tier in Tier:
        print(TIER_HEADINGS[tier], file=out)
        for question in questions(tier):
            if ask_yes_no(f"  {question.text}? [y/N] ", ask, out, default=False):
                yes.append(question.key)
                if tier is Tier.EMERGENCY:
                    break
        if yes and tier in STOPPING_TIERS:
            break
    answers = CheckInAnswers(
        pain_now=pain,
        answered_yes=tuple(yes),
        settled=settled,
        leg_pain=leg_pain,
        leg_reach=leg_reach,
    )
    for line in check_in_advice(
        answers, context.emergency_number, previous_reach=context.previous_reach
    ):
        print(f"! {line}", file=out)
    if not answers.go_ahead:
        print(SESSION_NOT_STARTED, file=out)
    return answers


_YES = {"y", "yes"}
_NO = {"n", "no"}


def ask_yes_no(
    question: str, ask: Callable[[str], str], out: TextIO, *, default: bool | None
) -> bool | None:
    """A yes or a no, asked again until it is one; Enter gives `default`."""
    while True:
        answer = ask(question).strip().lower()
        if not answer:
            return default
        if answer in _YES | _NO:
            return answer in _YES
        print("Please type y for yes or n for no.", file=out)


def ask_choice(
    question: str, choices: dict[str, str], ask: Callable[[str], str], out: TextIO
) -> str | None:
    """One of `choices` (key -> words) by its number, asked again until it is one; Enter
    skips."""
    keys = list(choices)
    print(question, file=out)
    for number, key in enumerate(keys, 1):
        print(f"  {number}. {choices[key]}", file=out)
    chosen = ask_number(f"Type 1 to {len(keys)} (Enter to skip): ", len(keys), ask, out)
    return None if chosen is None else keys[chosen - 1]


def ask_number(question: str, count: int, ask: Callable[[str], str], out: TextIO) -> int | None:
    """A number from 1 to `count`, asked again until it is one; Enter skips."""
    while True:
        answer = ask(question).strip()
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= count:
            return int(answer)
        print(f"Please type a number from 1 to {count}, or just Enter.", file=out)


def _pain_question(question: str, enter: str = "Enter to skip") -> str:
    return f"{question}, 0-10? ({enter}) "


def ask_pain(question: str, ask: Callable[[str], str], out: TextIO) -> int | None:
    """A pain score from 0 to 10, asked again until it is one; empty skips."""
    while True:
        answer = ask(question).strip()
        if not answer:
            return None
        if answer.isdigit() and 0 <= int(answer) <= 10:
            return int(answer)
        print("Please type a whole number from 0 (no pain) to 10 (worst), or just Enter.", file=out)


def check_out(recorder, *, ask: Callable[[str], str] = input, out: TextIO = sys.stdout) -> None:
    """Pain now and a note, after the session, into the log.

    A resumed session is one session: Enter keeps what was said when it was stopped.
    """
    said = recorder.log.session(recorder.session_id)
    keep = f"Enter to keep {said.pain_after}" if said.pain_after is not None else "Enter to skip"
    pain_after = ask_pain(_pain_question(BACK_PAIN_AFTER, keep), ask, out)
    keep = "Enter to keep the one you wrote" if said.note else "Enter to skip"
    note = ask(f"A note for your therapist ({keep}): ").strip()
    recorder.check_out(said.pain_after if pain_after is None else pain_after, note or said.note)


def ask_stage(
    question: StageQuestion | None,
    log: CompletionLog,
    *,
    ask: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
    now: Callable[[], datetime] = local_now,
) -> None:
    """Ask the stage question after a session, if there is one, and keep the answer.

    Enter is a no: the patient stays at their stage, as the therapist would want when unsure.
    """
    if question is None:
        return
    print(question.text, file=out)
    yes = ask_yes_no("Type y or n (Enter for no): ", ask, out, default=False)
    print(question.answer(log, bool(yes), now()), file=out)


def offer_resume(
    log: CompletionLog,
    loaded: LoadedRoutine,
    *,
    clock: Clock = time.monotonic,
    options: EngineOptions,
    ask: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> ResumeOffer | None:
    """Offer to resume the last unfinished session of this routine; close it if declined.

    Returns the resumed session (its routine as of its week, and its recorder), or None to
    start afresh.
    """
    mine = loaded.source.resolve()

    def closed(session: SessionRecord, why: str) -> None:
        print(
            f"Your unfinished session of {session.started:%A %d %B} cannot be resumed: {why}.",
            file=out,
        )

    while (
        offer := next_resume_offer(
            log,
            lambda path: loaded if path == mine else None,
            routine=mine,
            clock=clock,
            options=options,
            closed=closed,
        )
    ) is not None:
        print(offer.question, file=out)
        if ask("Resume where you stopped? [Y/n] ").strip().lower() in {"", "y", "yes"}:
            return offer
        offer.close()
        print("Closed that session as not finished.", file=out)
    return None
