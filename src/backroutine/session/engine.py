"""The session state machine: walks a routine's segments against an injected clock.

The engine is driven by "what time is it now". Every timed segment ends at a deadline
computed from when its clock started plus its planned length plus any time added, so a
late `update()` never shifts what follows: segments that should have ended meanwhile end
at their own deadlines, and the next one starts at the previous deadline. Nothing here
counts ticks, sleeps or knows about terminals; the player calls `update()` from a timer
and turns the returned events into widget updates, sounds and log rows.

Rules the UI, audio and log can rely on:

- Every event carries `at`, the clock time at which it logically happened (a deadline,
  a scheduled cue, or the moment a control was used), never the time `update()` ran.
- Each control first catches up to "now" (as `update()` would), then acts at "now".
- A clock that goes backwards is treated as standing still; times never decrease.
- Cues that fall due during a late `update()`: a countdown tick or a halfway cue of a
  segment that has already ended by "now" is dropped (saying "3" after the hold is over
  would mislead); of several countdown ticks due for the segment still running, only the
  latest (fewest seconds left) is emitted. A countdown tick is never emitted at the very
  start of a segment, where `SegmentStarted` is the cue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal

import msgspec
from msgspec.structs import asdict

from backroutine.routine.model import Segment, SegmentKind

Clock = Callable[[], float]
"""Monotonic seconds; `time.monotonic` in production, a `FakeClock` in tests."""

Status = Literal["ready", "running", "paused", "waiting", "finished", "abandoned"]
Outcome = Literal["completed", "skipped", "hurt", "abandoned"]
StepOutcome = Literal["done", "skipped", "hurt"]

BACK_RESTART_SECONDS = 3.0
"""back() restarts the current exercise once more than this much of it has been done."""
COUNTDOWN_SECONDS = (3, 2, 1)
SNAPSHOT_VERSION = 1

_CUED_KINDS = {SegmentKind.HOLD, SegmentKind.ACTIVITY, SegmentKind.REP}
"""Work segments that get a halfway cue and a lead-in after a pause."""
_STRETCHABLE_KINDS = {SegmentKind.PREPARE, SegmentKind.SWITCH_SIDES}
"""Segments for getting into position, which may last longer than planned (`stretch`)."""
_UNCOUNTED_KINDS = {SegmentKind.BREATHE_IN, SegmentKind.BREATHE_OUT}
"""Segments too short and too calm for a 3-2-1: each breath is cued as it starts."""


class FakeClock:
    """A clock that moves only when told to: `clock()` reads it, `advance(s)` moves it."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock by `seconds` (negative to simulate a clock that jumps back)."""
        self.now += seconds


# --- events -----------------------------------------------------------------------


class SessionStarted(msgspec.Struct, frozen=True):
    """The session began."""

    at: float


class SegmentStarted(msgspec.Struct, frozen=True):
    """A segment became current (its clock may still wait for `ready()`)."""

    at: float
    index: int
    segment: Segment


class SegmentEnded(msgspec.Struct, frozen=True):
    """A segment ended; `active_seconds` excludes pauses, lead-ins and waiting for ready."""

    at: float
    index: int
    segment: Segment
    outcome: Outcome
    active_seconds: float
    added_seconds: float


class CountdownTick(msgspec.Struct, frozen=True):
    """3, 2, 1 seconds before a timed segment ends, or before a lead-in ends (`lead_in`)."""

    at: float
    index: int
    segment: Segment
    seconds_left: int
    lead_in: bool = False


class Halfway(msgspec.Struct, frozen=True):
    """Halfway through a long HOLD, ACTIVITY or REP segment (once per segment)."""

    at: float
    index: int
    segment: Segment


class Beat(msgspec.Struct, frozen=True):
    """Rep `rep_number` of a self-paced set paced by a beat starts (the first starts with
    the set); the next beat, or the end of the set, comes `seconds` later."""

    at: float
    index: int
    segment: Segment
    rep_number: int
    rep_count: int
    seconds: float


class SwitchSides(msgspec.Struct, frozen=True):
    """A switch-sides pause started; `side` is the side coming up."""

    at: float
    index: int
    segment: Segment
    side: str | None


class ExerciseDone(msgspec.Struct, frozen=True):
    """An exercise step was left going forward (not emitted for rest steps, nor by back()).

    `outcome` is "hurt" after `hurt()`, "skipped" after `skip_exercise()` or when none of
    its work segments was completed, else "done". `active_seconds` counts this pass
    through the step, get-ready and rests included.
    """

    at: float
    step_index: int
    name: str
    outcome: StepOutcome
    active_seconds: float


class Paused(msgspec.Struct, frozen=True):
    """The session was paused."""

    at: float
    index: int
    segment: Segment


class Resumed(msgspec.Struct, frozen=True):
    """The session was resumed after `paused_seconds`; the segment clock runs again after
    a further `lead_in` seconds (the get-ready lead-in, which also counts as paused time)."""

    at: float
    index: int
    segment: Segment
    paused_seconds: float
    lead_in: float = 0.0


class TimeAdded(msgspec.Struct, frozen=True):
    """Seconds were added to the current segment."""

    at: float
    index: int
    segment: Segment
    seconds: float


class Waiting(msgspec.Struct, frozen=True):
    """The engine waits for the patient: `ready()` before a get-ready countdown, or
    `done()` at the end of a self-paced set (whose clock runs meanwhile)."""

    at: float
    index: int
    segment: Segment
    waiting_for: Literal["ready", "done"]


class Ready(msgspec.Struct, frozen=True):
    """The patient said ready: the get-ready countdown runs from `at`."""

    at: float
    index: int
    segment: Segment


class SessionFinished(msgspec.Struct, frozen=True):
    """The session ended: completed, or abandoned by `quit()`."""

    at: float
    status: Literal["completed", "abandoned"]
    active_seconds: float


Event = (
    SessionStarted
    | SegmentStarted
    | SegmentEnded
    | CountdownTick
    | Halfway
    | Beat
    | SwitchSides
    | ExerciseDone
    | Paused
    | Resumed
    | TimeAdded
    | Waiting
    | Ready
    | SessionFinished
)
"""Everything the engine tells its subscribers."""


class SegmentRecord(msgspec.Struct, frozen=True):
    """What happened to one segment, as the log stores it (a repeated segment, after
    `back()`, gets one record per pass)."""

    index: int
    outcome: Outcome
    active_seconds: float
    added_seconds: float
    count: int | None = None
    """How many the patient said they did, when they typed it (the steps of a walk)."""


# --- the engine -------------------------------------------------------------------

# How the current segment's clock behaves, apart from pausing.
_Mode = Literal["timed", "self-paced", "wait-ready"]
_TIMED: Final = "timed"
_SELF_PACED: Final = "self-paced"
_WAIT_READY: Final = "wait-ready"


class SessionEngine:
    """Runs a session through `segments`, taking the time from `clock`.

    Controls and `update()` return the events they produced, which also go to every
    subscriber, in order. Options: `wait_before_exercise` makes each PREPARE wait for
    `ready()`; `resume_lead_in` gives that many seconds of get-ready (with lead-in
    countdown ticks) after resuming a HOLD, ACTIVITY or REP segment; HOLD, ACTIVITY and
    REP segments of at least `halfway_min_seconds` get a `Halfway` cue. With
    `self_paced_beat` seconds, a self-paced set is paced hands-free: a `Beat` for each rep,
    and it ends by itself after its last (`done()` still ends it early).

    `index` is the current segment's position in `segments` (`len(segments)` once the
    session is completed); `records` holds one `SegmentRecord` per segment ended, in order.
    """

    def __init__(
        self,
        segments: Sequence[Segment],
        clock: Clock = time.monotonic,
        *,
        wait_before_exercise: bool = False,
        resume_lead_in: float = 0.0,
        halfway_min_seconds: int = 20,
        self_paced_beat: float = 0.0,
    ) -> None:
        if not segments:
            raise ValueError("a session needs at least one segment")
        self.segments: tuple[Segment, ...] = tuple(segments)
        self.records: list[SegmentRecord] = []
        self.index = 0
        self._clock = clock
        self._wait_before_exercise = wait_before_exercise
        self._resume_lead_in = max(0.0, resume_lead_in)
        self._halfway_min_seconds = halfway_min_seconds
        self._beat = max(0.0, self_paced_beat)
        self._listeners: list[Callable[[Event], None]] = []
        self._state: Literal["ready", "active", "finished", "abandoned"] = "ready"
        self._last_now = float("-inf")
        self._paused = False
        self._paused_at = 0.0
        self._at_least: dict[tuple[int, SegmentKind], float] = {}  # see stretch()
        self._reset_segment()
        self._reset_step()

    def _reset_segment(self) -> None:
        self._mode: _Mode = _TIMED
        self._active_before = 0.0  # active seconds banked before the clock last started
        self._run_since: float | None = None  # when the clock (re)started; None = stopped
        self._added = 0.0
        self._cues_upto = 0.0  # active position up to which cues have been considered
        self._halfway_done = False
        self._lead_in = 0.0
        self._lead_in_until: float | None = None  # when the lead-in after a resume ends
        self._lead_ticks_upto = float("-inf")

    def _reset_step(self) -> None:
        self._step_active = 0.0  # active seconds of this pass's finished segments of the step
        self._step_worked = False  # has a work segment of this pass been completed?

    # --- read-only state ----------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The clock the engine takes the time from."""
        return self._clock

    @property
    def beat_seconds(self) -> float:
        """Seconds per rep of the run's beat (`--beat`), which paces the self-paced sets the
        file gives no pace; 0: none."""
        return self._beat

    def beat_for(self, segment: Segment) -> float:
        """Seconds per rep of the beat pacing `segment`: the file's `pace:`, else the run's
        beat; 0: none, the patient says when the set is done."""
        if segment.kind is not SegmentKind.SELF_PACED:
            return 0.0
        return float(segment.beat_seconds or self._beat)

    @property
    def status(self) -> Status:
        """ready, running, paused, waiting (for `ready()` or `done()`), finished or abandoned."""
        if self._state != "active":
            return self._state
        if self._paused:
            return "paused"
        return "running" if self._mode == _TIMED else "waiting"

    @property
    def current(self) -> Segment | None:
        """The current segment, or None before the start and after the end."""
        return self.segments[self.index] if self._state == "active" else None

    @property
    def _segment(self) -> Segment:
        """The current segment, for the methods that run only while the session is active."""
        return self.segments[self.index]

    def elapsed(self) -> float:
        """Active seconds spent in the current segment (0 when none is current)."""
        return self._elapsed(self._peek_now()) if self._state == "active" else 0.0

    def remaining(self) -> float | None:
        """Seconds left in the current segment (None for a self-paced set, 0 when none)."""
        if self._state != "active":
            return 0.0
        if self._mode == _SELF_PACED:
            return None
        return max(0.0, self._length() - self.elapsed())

    def remaining_total(self) -> float:
        """Planned seconds left in the session (stretched get-readies and beat-paced sets
        as they will run), self-paced sets estimated from their reps."""
        if self._state == "ready":
            return sum(self._planned(segment) for segment in self.segments)
        if self._state != "active":
            return 0.0
        later = sum(self._planned(segment) for segment in self.segments[self.index + 1 :])
        here = self._length() if self._mode != _SELF_PACED else self._segment.planned_seconds
        return later + max(0.0, here - self.elapsed())

    @property
    def waiting_for(self) -> Literal["ready", "done"] | None:
        """What the patient's Enter means now: `ready()`, `done()`, or nothing."""
        if self.status != "waiting":
            return None
        return "done" if self._mode == _SELF_PACED else "ready"

    @property
    def enter_acts(self) -> bool:
        """Whether the patient's Enter does something at the current segment once it is not
        paused: a card, a pack, a walk, a set (paced by a beat or not), a get-ready that waits.
        Paused there, Enter goes on, as the key bar and the prompt said before the pause."""
        if self._state != "active":
            return False
        return self._mode != _TIMED or self._segment.kind is SegmentKind.SELF_PACED

    def lead_in_remaining(self) -> float:
        """Seconds left of the get-ready lead-in after a resume (0 when none runs)."""
        if self._lead_in_until is None or self._paused:
            return 0.0
        return max(0.0, self._lead_in_until - self._peek_now())

    def active_seconds(self) -> float:
        """Active seconds of the whole session so far."""
        done = sum(record.active_seconds for record in self.records)
        return done + (self.elapsed() if self._state == "active" else 0.0)

    # --- subscribing ----------------------------------------------------------------

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """Send every future event to `listener`, in order."""
        self._listeners.append(listener)

    def _emit(self, events: list[Event]) -> list[Event]:
        for event in events:
            for listener in self._listeners:
                listener(event)
        return events

    # --- controls ---------------------------------------------------------------------

    def start(self) -> list[Event]:
        """Start the session at its first segment."""
        if self._state != "ready":
            return []
        now = self._now()
        self._state = "active"
        events: list[Event] = [SessionStarted(now)]
        self._begin(0, now, events)
        return self._emit(events)

    def update(self) -> list[Event]:
        """Process everything due up to now: cues and segment ends, each at its own time."""
        events: list[Event] = []
        self._catch_up(self._now(), events)
        return self._emit(events)

    def pause(self) -> list[Event]:
        """Stop the segment clock; the paused time is never counted as active."""
        now, events = self._enter()
        if self._state != "active" or self._paused:
            return self._emit(events)
        self._stop_clock(now)
        self._paused = True
        self._paused_at = now
        events.append(Paused(now, self.index, self._segment))
        return self._emit(events)

    def resume(self) -> list[Event]:
        """Continue after a pause; a paused HOLD, ACTIVITY or REP first gets its lead-in."""
        now, events = self._enter()
        if self._state != "active" or not self._paused:
            return self._emit(events)
        self._paused = False
        lead_in = 0.0
        if self._mode == _TIMED and self._segment.kind in _CUED_KINDS:
            lead_in = self._resume_lead_in
        if lead_in:
            self._lead_in = lead_in
            self._lead_in_until = now + lead_in
            self._lead_ticks_upto = float("-inf")
        if self._mode != _WAIT_READY:
            self._run_since = now + lead_in
        events.append(Resumed(now, self.index, self._segment, now - self._paused_at, lead_in))
        if self._mode != _TIMED:
            waiting_for: Literal["ready", "done"] = "done" if self._mode == _SELF_PACED else "ready"
            events.append(Waiting(now, self.index, self._segment, waiting_for))
        self._catch_up(now, events)  # the lead-in's first tick is due at once
        return self._emit(events)

    def skip_segment(self) -> list[Event]:
        """End the current segment now ("skipped") and go on; after the last, the session
        is completed. A paused session stays paused at the next segment."""
        now, events = self._enter()
        if self._state == "active":
            self._end("skipped", now, events)
            self._advance(now, events)
        return self._emit(events)

    def skip_exercise(self) -> list[Event]:
        """Skip the rest of the current step (an exercise, or a standalone rest)."""
        now, events = self._enter()
        if self._state == "active":
            self._leave_step("skipped", now, events)
        return self._emit(events)

    def back(self) -> list[Event]:
        """Restart the current exercise if more than ~3 s of it has been done, else go to
        the start of the previous step. A standalone rest step is a step of its own, and
        back() during it always goes to the start of the previous step. At the first step,
        back() restarts it. A paused session stays paused."""
        now, events = self._enter()
        if self._state != "active":
            return self._emit(events)
        start = self._step_start(self.index)
        done_in_step = self._step_active + self._elapsed(now)
        restart = self._is_exercise(start) and done_in_step > BACK_RESTART_SECONDS
        target = start if restart or start == 0 else self._step_start(start - 1)
        self._end("skipped", now, events)
        self._reset_step()
        self._begin(target, now, events)
        return self._emit(events)

    def add_time(self, seconds: float = 10) -> list[Event]:
        """Lengthen the current timed segment by `seconds` (also while paused)."""
        if seconds <= 0:
            raise ValueError("add a positive number of seconds")
        now, events = self._enter()
        if self._state == "active" and self._mode != _SELF_PACED:
            self._added += seconds
            events.append(TimeAdded(now, self.index, self._segment, seconds))
        return self._emit(events)

    def hurt(self) -> list[Event]:
        """Mark "this hurts": end the current step now (recorded as hurt) and stop, paused, at
        the first segment of the next step, so the patient is never rushed on. At the last
        step the session is completed."""
        now, events = self._enter()
        if self._state != "active":
            return self._emit(events)
        was_paused = self._paused
        if not was_paused:  # paused before the next step begins, so its clock never starts
            self._paused, self._paused_at = True, now
        self._leave_step("hurt", now, events)
        if self._state == "active" and not was_paused:
            events.append(Paused(now, self.index, self._segment))
        return self._emit(events)

    def done(self, count: int | None = None) -> list[Event]:
        """Finish a self-paced set (paced by a beat or not), a card, a walk (also while
        paused); `count`: how many the patient says they did, when they typed it (the steps
        they walked)."""
        now, events = self._enter()
        if self._state == "active" and (
            self._mode == _SELF_PACED or self._segment.kind is SegmentKind.SELF_PACED
        ):
            self._end("completed", now, events, count)
            self._advance(now, events)
        return self._emit(events)

    def ready(self) -> list[Event]:
        """Start the get-ready countdown the engine is waiting at."""
        now, events = self._enter()
        if self._state == "active" and self._mode == _WAIT_READY and not self._paused:
            self._mode = _TIMED
            self._run_since = now
            events.append(Ready(now, self.index, self._segment))
        return self._emit(events)

    def quit(self) -> list[Event]:
        """Abandon the session, keeping the records of what was done."""
        if self._state == "ready":
            self._state = "abandoned"
            return []
        now, events = self._enter()
        if self._state == "active":
            self._end("abandoned", now, events)
            self._finish("abandoned", now, events)
        return self._emit(events)

    def stretch(self, segment: Segment, seconds: float) -> None:
        """Make `segment`, a get-ready or a switch of sides, last at least `seconds` (say,
        to fit what is spoken at its start before its countdown); it applies to the
        segments of its step of that kind while they run and whenever they come again.
        Emits nothing: the new deadline shows in `remaining()` and in when it ends."""
        if segment.kind not in _STRETCHABLE_KINDS:
            raise ValueError(f"a {segment.kind.value} segment keeps its length")
        key = (segment.step_index, segment.kind)
        self._at_least[key] = max(seconds, self._at_least.get(key, 0.0))

    # --- snapshot -----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """A small JSON-able dict to resume from; it holds durations, never clock times."""
        return {
            "version": SNAPSHOT_VERSION,
            "segment_count": len(self.segments),
            "state": self._state,
            "index": self.index,
            "elapsed": self.elapsed() if self._state == "active" else 0.0,
            "added": self._added,
            "waiting_for_ready": self._mode == _WAIT_READY,
            "step_active": self._step_active,
            "step_worked": self._step_worked,
            "records": [asdict(record) for record in self.records],
        }

    @classmethod
    def restore(
        cls,
        segments: Sequence[Segment],
        snapshot: dict[str, Any],
        clock: Clock = time.monotonic,
        **options: Any,
    ) -> SessionEngine:
        """Rebuild an engine from `snapshot()`: an unfinished session comes back paused at
        the segment where it stopped, with that segment's active time kept. No
        `SessionStarted` is emitted again."""
        if snapshot.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"unknown snapshot version {snapshot.get('version')!r}")
        engine = cls(segments, clock, **options)
        if snapshot["segment_count"] != len(engine.segments):
            raise ValueError("the snapshot is of a different routine")
        engine.records = [SegmentRecord(**record) for record in snapshot["records"]]
        engine._state = snapshot["state"]
        engine.index = snapshot["index"]
        if engine._state != "active":
            return engine
        if not 0 <= engine.index < len(engine.segments):
            raise ValueError("the snapshot's segment is outside the routine")
        engine._step_active = float(snapshot["step_active"])
        engine._step_worked = bool(snapshot["step_worked"])
        engine._mode = engine._mode_for(engine._segment)
        if snapshot["waiting_for_ready"] and engine._mode == _WAIT_READY:
            elapsed = 0.0
        else:
            elapsed = float(snapshot["elapsed"])
            if engine._mode == _WAIT_READY:
                engine._mode = _TIMED
        engine._active_before = elapsed
        engine._cues_upto = elapsed
        engine._added = float(snapshot["added"])
        engine._halfway_done = elapsed >= engine._length() / 2
        engine._paused = True
        engine._paused_at = engine._now()
        return engine

    # --- time -----------------------------------------------------------------------------

    def _peek_now(self) -> float:
        return max(self._clock(), self._last_now)

    def _now(self) -> float:
        self._last_now = self._peek_now()
        return self._last_now

    def _enter(self) -> tuple[float, list[Event]]:
        """Every control first catches up to now, as `update()` would."""
        now = self._now()
        events: list[Event] = []
        self._catch_up(now, events)
        return now, events

    def _elapsed(self, now: float) -> float:
        if self._run_since is None:
            return self._active_before
        return self._active_before + max(0.0, now - self._run_since)

    def _length(self) -> float:
        return self._as_run(self._segment, self._segment.seconds or 0) + self._added

    def _planned(self, segment: Segment) -> float:
        """How long `segment` is expected to take, a self-paced set estimated from its reps."""
        return self._as_run(segment, segment.planned_seconds)

    def _as_run(self, segment: Segment, seconds: float) -> float:
        """`seconds` of `segment` as it will run: a self-paced set paced by the beat, a
        get-ready or a switch at least as long as `stretch` asked."""
        if beat := self.beat_for(segment):
            seconds = beat * (segment.rep_count or 1)
        return max(seconds, self._at_least.get((segment.step_index, segment.kind), 0.0))

    def _stop_clock(self, now: float) -> None:
        self._active_before = self._elapsed(now)
        self._run_since = None
        self._lead_in_until = None

    def _catch_up(self, now: float, events: list[Event]) -> None:
        """End every segment whose deadline is <= now, each at its deadline, then emit the
        cues still meaningful at now."""
        while self._state == "active" and not self._paused and self._mode == _TIMED:
            self._lead_in_cues(now, events)
            assert self._run_since is not None, "a timed segment's clock runs unless paused"
            deadline = self._run_since + self._length() - self._active_before
            if deadline > now:
                self._segment_cues(now, events)
                return
            self._end("completed", deadline, events)
            self._advance(deadline, events)

    def _lead_in_cues(self, now: float, events: list[Event]) -> None:
        if self._lead_in_until is None:
            return
        end, begun = self._lead_in_until, self._lead_in_until - self._lead_in
        if end <= now:  # over: its ticks are no longer meaningful
            self._lead_in_until = None
            return
        due = [k for k in COUNTDOWN_SECONDS if begun <= end - k <= now]
        due = [k for k in due if end - k > self._lead_ticks_upto]
        if due:
            k = min(due)
            events.append(CountdownTick(end - k, self.index, self._segment, k, lead_in=True))
        self._lead_ticks_upto = now

    def _segment_cues(self, now: float, events: list[Event]) -> None:
        length = self._length()
        start, position = self._cues_upto, self._elapsed(now)
        if position <= start:
            return

        run_since = self._run_since
        assert run_since is not None, "cues are due only while the clock runs"

        def at(cue: float) -> float:
            return run_since + cue - self._active_before

        if self._segment.kind is SegmentKind.SELF_PACED:  # paced by a beat: no countdown
            self._beat_cues(start, position, at, events)
            return
        cues: list[Event] = []
        half = length / 2
        if (
            not self._halfway_done
            and self._segment.kind in _CUED_KINDS
            and length >= self._halfway_min_seconds
            and start < half <= position
        ):
            self._halfway_done = True
            cues.append(Halfway(at(half), self.index, self._segment))
        due = [k for k in COUNTDOWN_SECONDS if length - k > 0 and start < length - k <= position]
        if due and self._segment.kind not in _UNCOUNTED_KINDS:
            k = min(due)
            cues.append(CountdownTick(at(length - k), self.index, self._segment, k))
        events.extend(sorted(cues, key=lambda cue: cue.at))
        self._cues_upto = position

    def _beat_cues(
        self, start: float, position: float, at: Callable[[float], float], events: list[Event]
    ) -> None:
        """The beat of the latest rep due (an earlier one, due during a late update, would
        count the wrong rep)."""
        count = self._segment.rep_count or 1
        seconds = self.beat_for(self._segment)
        due = [rep for rep in range(2, count + 1) if start < (rep - 1) * seconds <= position]
        if due:
            rep = max(due)
            beat = Beat(at((rep - 1) * seconds), self.index, self._segment, rep, count, seconds)
            events.append(beat)
        self._cues_upto = position

    # --- moving between segments --------------------------------------------------------

    def _mode_for(self, segment: Segment) -> _Mode:
        if segment.kind is SegmentKind.PREPARE:
            # A get-ready without a clock (a heat pack's) always waits for ready.
            waits = self._wait_before_exercise or segment.seconds is None
            return _WAIT_READY if waits else _TIMED
        if self.beat_for(segment):
            return _TIMED  # paced by a beat, it ends by itself
        if segment.kind is SegmentKind.SELF_PACED or segment.seconds is None:
            return _SELF_PACED  # a card, a walk by steps, a question: until done()
        return _TIMED

    def _begin(self, index: int, at: float, events: list[Event]) -> None:
        self.index = index
        self._reset_segment()
        segment = self.segments[index]
        self._mode = self._mode_for(segment)
        if self._mode != _WAIT_READY and not self._paused:
            self._run_since = at
        events.append(SegmentStarted(at, index, segment))
        if segment.kind is SegmentKind.SWITCH_SIDES:
            events.append(SwitchSides(at, index, segment, segment.side))
        if self._mode != _TIMED and not self._paused:
            waiting_for: Literal["ready", "done"] = "done" if self._mode == _SELF_PACED else "ready"
            events.append(Waiting(at, index, segment, waiting_for))

    def _end(
        self, outcome: Outcome, at: float, events: list[Event], count: int | None = None
    ) -> None:
        active = self._elapsed(at)
        self._stop_clock(at)
        segment = self._segment
        self.records.append(SegmentRecord(self.index, outcome, active, self._added, count))
        events.append(SegmentEnded(at, self.index, segment, outcome, active, self._added))
        self._step_active += active
        if outcome == "completed" and segment.kind.is_work:
            self._step_worked = True
        elif segment.kind is SegmentKind.CONFIRM:
            self._step_worked = False  # "no, I did not": the walk is not done

    def _advance(self, at: float, events: list[Event]) -> None:
        """Go on to the next segment after the current one has ended."""
        following = self.index + 1
        if following == self._next_step_start(self.index):
            self._step_done("done" if self._step_worked else "skipped", at, events)
            self._reset_step()
        if following == len(self.segments):
            self._finish("completed", at, events)
        else:
            self._begin(following, at, events)

    def _leave_step(self, outcome: StepOutcome, at: float, events: list[Event]) -> None:
        """End the current segment and step with `outcome`; begin the next step."""
        self._end("hurt" if outcome == "hurt" else "skipped", at, events)
        self._step_done(outcome, at, events)
        self._reset_step()
        following = self._next_step_start(self.index)
        if following == len(self.segments):
            self._finish("completed", at, events)
        else:
            self._begin(following, at, events)

    def _step_done(self, outcome: StepOutcome, at: float, events: list[Event]) -> None:
        start = self._step_start(self.index)
        if self._is_exercise(start):
            segment = self.segments[start]
            events.append(
                ExerciseDone(at, segment.step_index, segment.name, outcome, self._step_active)
            )

    def _finish(
        self, status: Literal["completed", "abandoned"], at: float, events: list[Event]
    ) -> None:
        self._state = "finished" if status == "completed" else "abandoned"
        self._paused = False
        self._lead_in_until = None
        if status == "completed":
            self.index = len(self.segments)
        total = sum(record.active_seconds for record in self.records)
        events.append(SessionFinished(at, status, total))

    def _step_of(self, index: int) -> int:
        return self.segments[index].step_index

    def _step_start(self, index: int) -> int:
        step = self._step_of(index)
        while index > 0 and self._step_of(index - 1) == step:
            index -= 1
        return index

    def _next_step_start(self, index: int) -> int:
        step = self._step_of(index)
        while index < len(self.segments) and self._step_of(index) == step:
            index += 1
        return index

    def _is_exercise(self, start: int) -> bool:
        """True for every step but a standalone rest: exercises, cards, packs, breathing and
        walks are each reported done, skipped or hurt."""
        return self.segments[start].kind is not SegmentKind.REST
