"""The engine's events as sounds: a cue for each moment, and a voice saying what to do.

Every transition has its own cue, so tones alone tell a hold from a relax from a rest. The
voice (when there is one) follows the cue with a word or two, and only when the words end
before the next countdown tick or segment start: of the ways a moment can be said
(`words.transition_phrases`, richest first) it takes the first that fits in the time
left, and says nothing rather than talk over a tick; when none fits after the cue but one
fits in its place, the words are said instead of the cue. An exercise's announcement and the
side called at a switch are never cut: when the cue player `follow`s the engine, it
stretches the get-ready or the switch to fit them (also when the patient says ready, with
`--wait`, while the announcement is still going). Speech is timed by its synthesised
length (`Clip.seconds`, trimmed of silence), a cue and its words played as one stream.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from backroutine.audio.backends import AudioBackend, SilentBackend
from backroutine.audio.sound import Clip, Cue, load_cues
from backroutine.audio.voice import Voice, routine_phrases
from backroutine.routine.model import ExerciseStep, Routine, Segment, SegmentKind
from backroutine.routine.words import (
    HALFWAY,
    PAUSED_SAID,
    activity_phrase,
    announcements,
    rep_phrases,
    starts_rep,
    transition_phrases,
)
from backroutine.session.engine import (
    COUNTDOWN_SECONDS,
    Beat,
    Clock,
    CountdownTick,
    Event,
    ExerciseDone,
    Halfway,
    Paused,
    Ready,
    Resumed,
    SegmentStarted,
    SessionEngine,
    SessionFinished,
)

LATE_PHRASE_SECONDS = 1.0
"""A phrase not synthesised in time is still spoken if it is at most this late (and fits)."""
QUIET_BEFORE_TICK = 0.15
"""Seconds of quiet kept between the end of speech and the next tick or segment start."""

_START_CUES = {
    SegmentKind.HOLD: Cue.HOLD,
    SegmentKind.ACTIVITY: Cue.HOLD,
    SegmentKind.REP: Cue.HOLD,
    SegmentKind.RELAX: Cue.RELAX,
    SegmentKind.SELF_PACED: Cue.SET_START,
    SegmentKind.SWITCH_SIDES: Cue.SWITCH_SIDES,
    SegmentKind.REST: Cue.REST,
    SegmentKind.PREPARE: Cue.GET_READY,
}


def first_tick_after(seconds: float | None) -> float:
    """When, from its start, the first countdown tick of a segment `seconds` long comes
    (its end when it has none; never for a self-paced set, None): the time speech at its
    start must end by."""
    if seconds is None:
        return math.inf
    ticks = [k for k in COUNTDOWN_SECONDS if seconds - k > 0]
    return seconds - max(ticks) if ticks else seconds


def start_cue(segment: Segment, first_phase: bool = True) -> Cue | None:
    """The cue that marks `segment`'s start: the last rep of a set has its own, and a
    tempo's phases after a rep's first are marked by the beat. None for the segments of
    steps that are not exercises (a card, a heat pack, a breath, a walk): their words say it."""
    if segment.kind is SegmentKind.REP:
        if not first_phase:
            return Cue.BEAT
        if segment.rep_number == segment.rep_count:
            return Cue.LAST_REP
    return _START_CUES.get(segment.kind)


class CuePlayer:
    """Plays the cue for each engine event: `follow(engine)`, or subscribe `on_event`.

    A get-ready cue is followed by the exercise's announcement, its caution included,
    when a `voice` is given (it prepares the routine's phrases in the background from the
    start, so they are ready in time). `muted` silences everything. `clock` is the
    engine's, to judge whether a late phrase still fits.
    """

    def __init__(
        self,
        backend: AudioBackend,
        routine: Routine,
        *,
        voice: Voice | None = None,
        volume: int = 80,
        sounds_dir: Path | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.backend = backend
        self.routine = routine
        self.voice = voice if backend.plays_samples else None
        self.volume = volume
        """0-100, as in the settings."""
        self.muted = False
        self._clock = clock
        self._segments = routine.segments()
        self._engine: SessionEngine | None = None
        self._cues, self.problems = load_cues(sounds_dir)
        """`problems`: one line for each cue file that could not be loaded."""
        self._moment = float("-inf")  # the time of the sounds queued last...
        self._moment_ends = 0.0  # ...and how long after it they end, played one after another
        if self.voice is not None:
            self.voice.prepare(routine_phrases(routine))

    @property
    def silent(self) -> bool:
        """Plays nothing, muted or not (sound switched off): m has nothing to mute."""
        return isinstance(self.backend, SilentBackend)

    @property
    def gain(self) -> float:
        """The sample scale for `volume`: squared, as loudness is heard logarithmically."""
        return (max(0, min(self.volume, 100)) / 100) ** 2

    def follow(self, engine: SessionEngine) -> None:
        """Play `engine`'s events, and let each get-ready last long enough for the
        announcement of its exercise to end before the countdown."""
        self._engine = engine
        self._clock = engine.clock
        engine.subscribe(self.on_event)

    def on_event(self, event: Event) -> None:
        """Play what `event` calls for; returns at once."""
        if self.muted:
            return
        if isinstance(event, SegmentStarted):
            self._segment_started(event)
        elif isinstance(event, CountdownTick):
            self._play(Cue.TICK, event.at)
        elif isinstance(event, Beat):
            phrases = rep_phrases(event.segment, event.rep_number)
            self._play(Cue.BEAT, event.at, phrases, event.seconds)
        elif isinstance(event, Halfway):
            length = event.segment.seconds or 0
            self._play(Cue.HALFWAY, event.at, (HALFWAY,), first_tick_after(length) - length / 2)
        elif isinstance(event, Paused):
            self._play(Cue.PAUSE, event.at, (PAUSED_SAID,), math.inf)
        elif isinstance(event, Resumed):
            self._play(Cue.RESUME, event.at)
        elif isinstance(event, Ready) and self._engine is not None:
            # The get-ready's countdown runs from now: the announcement may still be going.
            still_speaking = self._moment + self._moment_ends - event.at
            if still_speaking > 0:
                needed = still_speaking + QUIET_BEFORE_TICK + max(COUNTDOWN_SECONDS)
                self._engine.stretch(event.segment, math.ceil(needed))
        elif isinstance(event, ExerciseDone):
            if event.outcome == "done":
                self._play(Cue.DONE, event.at)
        elif isinstance(event, SessionFinished) and event.status == "completed":
            self._play(Cue.ROUTINE_COMPLETE, event.at)

    def say_now(self, text: str) -> None:
        """Speak `text` at once (the tips, asked for with a key); nothing without a voice."""
        if self.muted or self.voice is None:
            return
        sound = self.voice.ready(text)
        if sound is not None:
            self.backend.play(sound, self.gain)
        else:
            self.voice.request(text, then=lambda sound: self.backend.play(sound, self.gain))

    # --- what to play ------------------------------------------------------------------

    def _segment_started(self, event: SegmentStarted) -> None:
        segment = event.segment
        step = self.routine.steps[segment.step_index]
        activity = activity_phrase(self.routine, segment)
        if activity is not None:  # a card, a pack, each breath, a walk's question
            room = math.inf if segment.seconds is None else float(segment.seconds)
            self._play(start_cue(segment), event.at, (activity,), room)
            return
        index = event.index
        following = self._segments[index + 1] if index + 1 < len(self._segments) else None
        first_phase = starts_rep(segment, self._segments[index - 1] if index else None)
        phrases = transition_phrases(segment, following, first_phase=first_phase)
        if segment.kind is SegmentKind.PREPARE and isinstance(step, ExerciseStep):
            self._announce(event, announcements(step, segment))
        elif segment.kind is SegmentKind.SWITCH_SIDES:
            self._announce(event, phrases)
        elif self._engine and (beat := self._engine.beat_for(segment)):
            self._play(Cue.SET_START, event.at, rep_phrases(segment, 1), beat)
        else:
            cue = start_cue(segment, first_phase)
            self._play(cue, event.at, phrases, first_tick_after(segment.seconds))

    def _announce(self, event: SegmentStarted, phrases: tuple[str, ...]) -> None:
        """The cue of a get-ready or a switch of sides and what it says (the exercise, the
        side), the segment stretched when following an engine so that the words end
        before its countdown; cut to what fits otherwise."""
        segment = event.segment
        cue = start_cue(segment)
        if self._engine is None or self.voice is None:
            self._play(cue, event.at, phrases, first_tick_after(segment.seconds))
            return
        engine = self._engine
        sound = self._cues.get(cue) if cue is not None else None
        speech_at = self._offset(event.at) + (sound.seconds if sound else 0.0)
        spoken = self.voice.ready(phrases[0])
        if spoken is not None:
            engine.stretch(segment, self._room_for(speech_at, spoken))
        self._queue(event.at, sound, spoken)
        if spoken is not None:
            return
        asked = self._clock()

        def play_if_still_timely(sound: Clip) -> None:
            late = self._clock() - asked
            if late <= LATE_PHRASE_SECONDS and not self.muted:
                # Called on the voice's thread: the engine reads the new length the next
                # time it works out the segment's deadline.
                engine.stretch(segment, self._room_for(max(speech_at, late), sound))
                self.backend.play(sound, self.gain)

        self.voice.request(phrases[0], then=play_if_still_timely)

    @staticmethod
    def _room_for(speech_at: float, spoken: Clip) -> float:
        """Whole seconds of a segment that end speech starting `speech_at` seconds in
        before its 3-2-1."""
        return math.ceil(speech_at + spoken.seconds + QUIET_BEFORE_TICK + max(COUNTDOWN_SECONDS))

    def _play(
        self, cue: Cue | None, at: float, phrases: tuple[str, ...] = (), room: float = 0.0
    ) -> None:
        """Play `cue` (if any) for the moment `at`, then the first of `phrases` that ends
        within `room` seconds of `at`, less the quiet before a tick."""
        sound = self._cues.get(cue) if cue is not None else None
        speech_at = self._offset(at) + (sound.seconds if sound else 0.0)
        ends_by = room - QUIET_BEFORE_TICK
        spoken = None
        if self.voice is not None and phrases:
            ready = [clip for clip in map(self.voice.ready, phrases) if clip is not None]
            spoken = next((c for c in ready if speech_at + c.seconds <= ends_by), None)
            if spoken is None and sound is not None:
                # No wording fits after the cue (a 2-3 s relax has 1 s to its first tick;
                # "Relax" and "Last one" last 0.5-0.75 s): say one in place of the cue. The
                # words say what the tone says, from the same instant (speech is trimmed of
                # its leading silence), and a patient with eyes closed follows words more
                # surely than tones; neither sound is cut or laid over the other.
                in_place = self._offset(at)
                spoken = next((c for c in ready if in_place + c.seconds <= ends_by), None)
                if spoken is not None:
                    sound = None
            if not ready:
                self._say_late(phrases[0], speech_at, ends_by)
        self._queue(at, sound, spoken)

    def _offset(self, at: float) -> float:
        """How long after the moment `at` the sounds already queued for it end."""
        if at != self._moment:
            self._moment, self._moment_ends = at, 0.0
        return self._moment_ends

    def _queue(self, at: float, *sounds: Clip | None) -> None:
        """Play `sounds` one after the other, as one stream (so speech never starts on top
        of its cue), after those already queued for the moment `at`."""
        parts = [sound for sound in sounds if sound is not None]
        if not parts:
            return
        joined = parts[0]
        for part in parts[1:]:
            joined = joined.then(part.resampled(joined.rate))
        self.backend.play(joined, self.gain)
        self._moment_ends = self._offset(at) + joined.seconds

    def _say_late(self, phrase: str, speech_at: float, ends_by: float) -> None:
        """Ask for `phrase` and speak it when synthesised, if it still ends in time."""
        assert self.voice is not None
        asked = self._clock()

        def play_if_still_timely(sound: Clip) -> None:
            late = self._clock() - asked
            fits = max(speech_at, late) + sound.seconds <= ends_by
            if late <= LATE_PHRASE_SECONDS and fits and not self.muted:
                self.backend.play(sound, self.gain)

        self.voice.request(phrase, then=play_if_still_timely)
