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
from collections.abc import Callable
from contextlib import contextmanager
from typing import TextIO

from backroutine.engine import (
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
from backroutine.model import Routine, Segment, SegmentKind
from backroutine.recorder import local_now
from backroutine.safety import CLINICIAN_NOTE, RED_FLAGS, red_flag_message
from backroutine.text import human_duration, printable

KEYS_HELP = (
    "Keys: space pause/resume, Enter done/ready, n skip, b back, + add 10 s, "
    "h this hurts, m mute, q quit"
)
OUTCOME_WORDS = {"done": "Done", "skipped": "Skipped", "hurt": "Stopped (it hurt)"}


def describe(event: Event) -> str | None:
    """The line plain mode prints for an event, or None for events it keeps quiet about."""
    if isinstance(event, SegmentStarted):
        return _segment_line(event.segment)
    if isinstance(event, CountdownTick):
        return str(event.seconds_left)
    if isinstance(event, Halfway):
        return "Halfway"
    if isinstance(event, ExerciseDone):
        return f"{OUTCOME_WORDS.get(event.outcome, event.outcome)}: {printable(event.name)}"
    if isinstance(event, Paused):
        return "Paused: press space to carry on"
    if isinstance(event, Resumed):
        return "Carrying on"
    if isinstance(event, TimeAdded):
        return f"+{event.seconds:.0f} s"
    if isinstance(event, Waiting) and event.segment.kind is SegmentKind.PREPARE:
        return "Get into position, then press Enter"
    if isinstance(event, SessionFinished):
        active = human_duration(event.active_seconds)
        if event.status == "completed":
            return f"Routine complete in {active}. Well done."
        return f"Session ended after {active}"
    return None


def _segment_line(segment: Segment) -> str:
    name = printable(segment.name)
    side = f", {segment.side} side" if segment.side else ""
    length = human_duration(segment.seconds) if segment.seconds else ""
    kind = segment.kind
    if kind is SegmentKind.PREPARE:
        return f"Get ready: {name}{side}, {length}"
    if kind is SegmentKind.HOLD:
        return f"Hold {length}"
    if kind is SegmentKind.ACTIVITY:
        return f"Go: {name}, {length}"
    if kind is SegmentKind.REP:
        return f"Rep {segment.rep_number} of {segment.rep_count}: hold {length}"
    if kind is SegmentKind.RELAX:
        return f"Relax {length}"
    if kind is SegmentKind.SELF_PACED:
        return f"Do {segment.rep_count} reps{side} at your own pace, then press Enter"
    if kind is SegmentKind.SWITCH_SIDES:
        return f"Switch sides: {segment.side} side next, {length}"
    return f"Rest {length}"


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
    ) -> None:
        self.engine = engine
        self.out = out
        self.keys = keys
        self.clock = clock
        self.sleep = sleep
        self.audio = audio
        self._waiting_since: float | None = None
        engine.subscribe(self._print)

    def _print(self, event: Event) -> None:
        line = describe(event)
        if line is not None:
            print(line, file=self.out, flush=True)

    def run(self) -> str:
        """Run to the end; returns the session status (completed or abandoned)."""
        engine = self.engine
        if self.keys is not None:
            print(KEYS_HELP, file=self.out, flush=True)
        if engine.status == "ready":
            engine.start()
        else:
            engine.resume()
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
        if self.keys is not None or self.engine.status != "waiting":
            self._waiting_since = None
            return
        segment = self.engine.current
        if segment.kind is not SegmentKind.SELF_PACED:
            self.engine.ready()
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
        if engine.status == "waiting" and self.keys is None and self._waiting_since is not None:
            left = engine.current.planned_seconds - (self.clock() - self._waiting_since)
            return max(0.01, left)
        if remaining is None or engine.status == "paused":
            return 1.0
        fraction = remaining - math.floor(remaining)
        return (fraction if fraction > 0.001 else 1.0) + 0.002

    def press(self, key: str) -> None:
        """Act on one key, as in the full-screen player."""
        engine = self.engine
        if key == " ":
            engine.resume() if engine.status == "paused" else engine.pause()
        elif key in {"\n", "\r"}:
            if engine.status == "waiting":
                if engine.current.kind is SegmentKind.SELF_PACED:
                    engine.done()
                else:
                    engine.ready()
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
            go_on = " Press space to go on, q to end." if engine.status == "paused" else ""
            print(
                "Noted: that exercise hurt and was stopped. If the pain is sharp, or you feel "
                "numbness, tingling or weakness in your legs, stop and contact your clinician."
                + go_on,
                file=self.out,
                flush=True,
            )
        elif key == "m" and self.audio is not None:
            self.audio.muted = not self.audio.muted
            print("Sound off" if self.audio.muted else "Sound on", file=self.out, flush=True)
        elif key == "q":
            engine.quit()


@contextmanager
def terminal_keys(stream: TextIO = sys.stdin):
    """Single keypresses from a terminal without waiting for Enter; None if not a terminal."""
    if not stream.isatty():
        yield None
        return
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read_key(timeout: float) -> str | None:
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        return os.read(fd, 1).decode(errors="ignore") if ready else None

    try:
        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def check_in(routine: Routine, *, ask: Callable[[str], str] = input, out: TextIO = sys.stdout):
    """Safety notes, pain now and the red-flag questions.

    Returns (go ahead?, pain before). A yes to any red flag means no session today.
    """
    for note in routine.safety:
        print(f"! {printable(note)}", file=out)
    print(f"! {CLINICIAN_NOTE}", file=out)
    pain = ask_pain("How much does your back hurt right now, 0-10? (Enter to skip) ", ask, out)
    print("Since your last session, have you had any of these?", file=out)
    flags = [
        text
        for text in RED_FLAGS.values()
        if ask(f"  {text}? [y/N] ").strip().lower() in {"y", "yes"}
    ]
    if flags:
        print(red_flag_message(flags), file=out)
        return False, pain
    return True, pain


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
    pain_after = ask_pain(f"How much does your back hurt now, 0-10? ({keep}) ", ask, out)
    keep = "Enter to keep the one you wrote" if said.note else "Enter to skip"
    note = ask(f"A note for your therapist ({keep}): ").strip()
    recorder.check_out(
        said.pain_after if pain_after is None else pain_after, note or said.note
    )


def offer_resume(
    log,
    loaded,
    engine_options: dict,
    *,
    ask: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
):
    """Offer to resume the last unfinished session of this routine; close it if declined.

    Returns the recorder of the resumed session, or None to start afresh.
    """
    from backroutine.recorder import CannotResume, SessionRecorder

    path = str(loaded.source.resolve())
    for session in reversed(log.unfinished_sessions()):
        if session.routine_path != path:
            continue
        try:
            recorder = SessionRecorder.resume(log, session, loaded, **engine_options)
        except CannotResume as error:
            print(
                f"Your unfinished session of {session.started:%A %d %B} cannot be resumed: "
                f"{error}.",
                file=out,
            )
            log.finish_session(session.id, status="abandoned", ended=local_now())
            continue
        print(
            f"You stopped this routine on {session.started:%A %d %B at %H:%M}, "
            f"at {where_stopped(recorder.engine)}.",
            file=out,
        )
        if ask("Resume where you stopped? [Y/n] ").strip().lower() in {"", "y", "yes"}:
            return recorder
        recorder.abandon()
        print("Closed that session as not finished.", file=out)
    return None


def where_stopped(engine: SessionEngine) -> str:
    """`Bird-dog, right side, set 2 of 3`: the place a paused session will go on from."""
    segment = engine.current
    parts = [printable(segment.name)]
    if segment.side:
        parts.append(f"{segment.side} side")
    if segment.set_count > 1:
        parts.append(f"set {segment.set_number} of {segment.set_count}")
    return ", ".join(parts)
