"""The engine's events as sounds: a cue for each moment, and a voice saying what is next."""

from __future__ import annotations

import time
from pathlib import Path

from backroutine.audio.backends import AudioBackend
from backroutine.audio.sound import Clip, Cue, load_cues
from backroutine.audio.voice import Voice, routine_phrases
from backroutine.routine.model import ExerciseStep, Routine, SegmentKind
from backroutine.routine.words import activity_phrase, announcement, segment_cue, switch_phrase
from backroutine.session.engine import (
    CountdownTick,
    Event,
    ExerciseDone,
    Halfway,
    SegmentStarted,
    SessionFinished,
    SwitchSides,
)

LATE_PHRASE_SECONDS = 1.0
"""A phrase not synthesised in time is still spoken if it is at most this late."""


class CuePlayer:
    """Plays the cue for each engine event: subscribe `on_event` to the engine.

    A get-ready cue is followed by the exercise's announcement, its caution included,
    when a `voice` is given (it prepares the routine's phrases in the background from the
    start, so they are ready in time); a switch-sides cue by "Switch sides". `muted`
    silences everything.
    """

    def __init__(
        self,
        backend: AudioBackend,
        routine: Routine,
        *,
        voice: Voice | None = None,
        volume: int = 80,
        sounds_dir: Path | None = None,
    ) -> None:
        self.backend = backend
        self.routine = routine
        self.voice = voice if backend.plays_samples else None
        self.volume = volume
        """0-100, as in the settings."""
        self.muted = False
        self._cues, self.problems = load_cues(sounds_dir)
        """`problems`: one line for each cue file that could not be loaded."""
        if self.voice is not None:
            self.voice.prepare(routine_phrases(routine))

    @property
    def gain(self) -> float:
        """The sample scale for `volume`: squared, as loudness is heard logarithmically."""
        return (max(0, min(self.volume, 100)) / 100) ** 2

    def on_event(self, event: Event) -> None:
        """Play what `event` calls for; returns at once."""
        if self.muted:
            return
        if isinstance(event, SegmentStarted):
            if event.segment.kind is SegmentKind.PREPARE:
                self._play(Cue.GET_READY)
                step = self.routine.steps[event.segment.step_index]
                if isinstance(step, ExerciseStep):
                    self._say(announcement(step, event.segment))
            elif event.segment.kind is SegmentKind.REST:
                self._play(Cue.REST)
            elif cue := segment_cue(event.segment):  # a tempo's phase, a breath hold
                self._say(cue)
            activity = activity_phrase(self.routine, event.segment)
            if activity is not None:  # a card, a pack, each breath, a walk's question
                self._say(activity)
        elif isinstance(event, CountdownTick):
            self._play(Cue.TICK)
        elif isinstance(event, Halfway):
            self._play(Cue.HALFWAY)
        elif isinstance(event, SwitchSides):
            self._play(Cue.SWITCH_SIDES)
            self._say(switch_phrase(event.side))
        elif isinstance(event, ExerciseDone):
            if event.outcome == "done":
                self._play(Cue.DONE)
        elif isinstance(event, SessionFinished) and event.status == "completed":
            self._play(Cue.ROUTINE_COMPLETE)

    def _play(self, cue: Cue) -> None:
        sound = self._cues.get(cue)
        if sound is not None:
            self.backend.play(sound, self.gain)

    def _say(self, phrase: str) -> None:
        if self.voice is None:
            return
        sound = self.voice.ready(phrase)
        if sound is not None:
            self.backend.play(sound, self.gain)
            return
        asked = time.monotonic()

        def play_if_still_timely(sound: Clip) -> None:
            if time.monotonic() - asked <= LATE_PHRASE_SECONDS and not self.muted:
                self.backend.play(sound, self.gain)

        self.voice.request(phrase, then=play_if_still_timely)
