"""Spoken announcements: phrases synthesised to WAV by a speech engine, cached on disk.

A phrase is synthesised once (espeak-ng on Linux, `say` on macOS) into the cache folder,
keyed by a hash of engine, voice, rate and text, then played through the same audio
backend as the cues. Synthesis runs on a worker thread, never on the event loop.
With the neural voice installed (`backroutine.audio.neural`), a helper process writes
the routine's phrases into the same cache, and a phrase it has not written in time is
spoken by espeak-ng instead.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from backroutine.audio.sound import SAMPLE_RATE, Clip, SoundFileError, cache_path, read_wav
from backroutine.routine.model import ExerciseStep, Routine, SegmentKind
from backroutine.routine.words import (
    HALFWAY,
    PAUSED_SAID,
    activity_phrase,
    announcements,
    rep_phrases,
    starts_rep,
    tips_for,
    transition_phrases,
)

if TYPE_CHECKING:
    from backroutine.audio.neural import NeuralVoice

DEFAULT_RATE = 160
"""Words per minute: a little slower than espeak-ng's 175, for someone mid-exercise."""
SYNTHESIS_TIMEOUT = 20


class SpeechError(RuntimeError):
    """The speech engine failed to turn a phrase into sound."""


class SpeechEngine(msgspec.Struct, frozen=True):
    """A command-line speech synthesiser that writes WAV files."""

    name: str
    """`espeak-ng`, `espeak` or `say`."""
    path: str
    """The program to run."""
    rate: int = DEFAULT_RATE
    """Words per minute."""
    voice: str | None = None
    """The engine's voice name; None for its default."""

    def command(self, output: Path) -> list[str]:
        """The command that reads text on standard input and writes `output` (WAV)."""
        voice = ["-v", self.voice] if self.voice else []
        if self.name == "say":
            return [
                self.path,
                *voice,
                "-r",
                str(self.rate),
                "-o",
                str(output),
                "--file-format=WAVE",
                f"--data-format=LEI16@{SAMPLE_RATE}",
                "-f",
                "-",
            ]
        return [self.path, *voice, "-s", str(self.rate), "-w", str(output), "--stdin"]


def find_speech_engine(
    rate: int = DEFAULT_RATE,
    voice: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> SpeechEngine | None:
    """The first speech engine installed here, or None."""
    for name in ("espeak-ng", "espeak", "say"):
        path = which(name)
        if path:
            return SpeechEngine(name, path, rate, voice)
    return None


def choose_voice(
    setting: str,
    rate: int,
    cache_dir: Path,
    *,
    which: Callable[[str], str | None] = shutil.which,
    find_neural: Callable[[int, Path], NeuralVoice] | None = None,
) -> tuple[Voice | None, str]:
    """The voice that the `voice` setting (`on`, `neural`, `espeak`, `off`) asks for and
    this machine has, and one sentence saying which it is and why.

    `on` and `neural` take the neural voice when it is installed and loads, else
    espeak-ng or `say`. Checking the neural voice may run its helper for a second, so
    call this off the event loop. `which` and `find_neural` stand in for tests.
    """
    if setting == "off":
        return None, "voice off"
    engine = find_speech_engine(rate, which=which)
    neural, why_not = None, ""
    if setting in ("on", "neural"):
        from backroutine.audio.neural import NeuralVoiceError, find_neural_voice

        try:
            neural = (find_neural or find_neural_voice)(rate, cache_dir)
        except NeuralVoiceError as error:
            why_not = f" ({error})"
    if neural is not None:
        return Voice(engine, cache_dir, neural), f"voice: {neural.name}"
    if engine is None:
        return None, f"no speech engine found (install espeak-ng for the voice){why_not}"
    return Voice(engine, cache_dir), f"voice: {engine.name}{why_not}"


class Voice:
    """Turns phrases into sounds, synthesising each once into `cache_dir`.

    `prepare()` starts on a routine's phrases; `request()` queues a phrase for the worker
    thread and returns at once; `ready()` gives the sound of a phrase already synthesised
    (or None), without waiting: the `neural` voice's when its helper has written it, else
    the speech `engine`'s.
    """

    def __init__(
        self, engine: SpeechEngine | None, cache_dir: Path, neural: NeuralVoice | None = None
    ) -> None:
        self.engine = engine
        self.cache_dir = cache_dir
        self.neural = neural
        self.last_error: str | None = None
        """Why the latest phrase could not be synthesised, if one could not."""
        self._sounds: dict[str, Clip] = {}
        """The speech engine's phrases, trimmed of their silence so they are timed by what is
        heard; `_neural_sounds` the neural voice's."""
        self._neural_sounds: dict[str, Clip] = {}
        self._queue: queue.Queue[tuple[str, Callable[[Clip], None] | None]] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="voice", daemon=True)
        self._worker.start()

    def path_for(self, text: str) -> Path:
        """Where the speech engine's WAV file of the phrase is cached."""
        assert self.engine is not None
        engine = self.engine
        return cache_path(self.cache_dir, engine.name, engine.voice or "", engine.rate, text)

    def synthesise(self, text: str) -> Clip:
        """The phrase's sound, from the cache or from the speech engine (blocking)."""
        if self.engine is None:
            raise SpeechError("no speech engine to speak a phrase the neural voice has not")
        path = self.path_for(text)
        if not path.exists():
            self._run_engine(text, path)
        try:
            return read_wav(path)
        except SoundFileError as error:
            path.unlink(missing_ok=True)  # a damaged cache entry is made again next time
            raise SpeechError(str(error)) from error

    def _run_engine(self, text: str, path: Path) -> None:
        assert self.engine is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the cache entry, then rename: a half-written file is never used.
        handle, partial = tempfile.mkstemp(suffix=".wav", dir=path.parent)
        os.close(handle)
        try:
            # The text goes in on stdin, so a phrase starting with "-" is never an option.
            result = subprocess.run(
                self.engine.command(Path(partial)),
                input=text.encode(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=SYNTHESIS_TIMEOUT,
                check=False,
            )
            if result.returncode != 0:
                message = result.stderr.decode(errors="replace").strip()[:200]
                raise SpeechError(f"{self.engine.name} failed: {message or result.returncode}")
            os.replace(partial, path)
        except (OSError, subprocess.SubprocessError) as error:
            raise SpeechError(f"{self.engine.name} failed: {error}") from error
        finally:
            Path(partial).unlink(missing_ok=True)

    def prepare(self, phrases: list[str]) -> None:
        """Start synthesising a session's phrases, in the order they will be spoken: the
        neural voice's helper on those it has not written yet, and the speech engine on
        those too, so that one the helper has not written in time is still heard."""
        if self.neural is not None:
            phrases = self.neural.start(phrases)
        for phrase in phrases:
            self.request(phrase)

    def ready(self, text: str) -> Clip | None:
        """The phrase's sound if it has been synthesised, else None."""
        if self.neural is not None:
            neural = self._neural_sounds.get(text)
            if neural is None and (written := self.neural.ready(text)) is not None:
                neural = self._neural_sounds[text] = written.trimmed()
            if neural is not None:
                return neural
        return self._sounds.get(text)

    def request(self, text: str, then: Callable[[Clip], None] | None = None) -> None:
        """Synthesise the phrase on the worker thread, then call `then(sound)` there."""
        self._queue.put((text, then))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Sleep until every requested phrase is done (tests and scripts only)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _run(self) -> None:
        while True:
            text, then = self._queue.get()
            try:
                sound = self._sounds.get(text) or self.synthesise(text).trimmed()
                self._sounds[text] = sound
                if then is not None:
                    then(sound)
            except SpeechError as error:
                self.last_error = str(error)
            finally:
                self._queue.task_done()


def routine_phrases(routine: Routine) -> list[str]:
    """Every phrase a session of `routine` may speak, in the order it will need them: those
    it speaks unprompted (`spoken_phrases`), then the tips read out on request at any
    moment (during a rest, the next exercise's, named). What the voice synthesises ahead,
    so each is ready, and its length known, when it is due."""
    tips = (tips_for(routine, segment) for segment in routine.segments())
    return list(dict.fromkeys([*spoken_phrases(routine), *tips]))


def spoken_phrases(routine: Routine) -> list[str]:
    """The phrases a session of `routine` speaks without being asked, roughly in the order
    it will (each way of saying a moment that can be said, richest first).

    A wording that is never said is left out: the cue player follows the engine (in the app
    and plain mode), which stretches a get-ready and a switch of sides to fit their first
    wording, and a self-paced set, which has no deadline, always has room for its first.
    """
    phrases: dict[str, None] = {}  # a set that keeps its order
    segments = routine.segments()
    for index, segment in enumerate(segments):
        step = routine.steps[segment.step_index]
        activity = activity_phrase(routine, segment)
        if activity is not None:  # a card, a pack, each breath, a walk's question
            said: tuple[str, ...] = (activity,)
        elif segment.kind is SegmentKind.PREPARE and isinstance(step, ExerciseStep):
            said = announcements(step, segment)[:1]
        else:
            following = segments[index + 1] if index + 1 < len(segments) else None
            first_phase = starts_rep(segment, segments[index - 1] if index else None)
            said = transition_phrases(segment, following, first_phase=first_phase)
            if segment.kind in (SegmentKind.SWITCH_SIDES, SegmentKind.SELF_PACED):
                said = said[:1]
            if segment.kind is SegmentKind.SELF_PACED:  # as counted when paced by a beat
                said += tuple(
                    p for n in range(segment.rep_count or 1) for p in rep_phrases(segment, n + 1)
                )
        phrases.update(dict.fromkeys(said))
    phrases.update(dict.fromkeys([HALFWAY, PAUSED_SAID]))
    return list(phrases)
