"""Sounds as 16-bit mono PCM in memory, the named cues, and WAV files in and out."""

from __future__ import annotations

import hashlib
import wave
from array import array
from enum import Enum
from functools import lru_cache
from pathlib import Path

import msgspec

from backroutine.base.paths import bundled_sounds_dir

SAMPLE_RATE = 22050
"""The rate of the shipped cues, and of espeak-ng's speech, so the two can be joined."""
SILENCE_LEVEL = 200
"""Samples at most this loud (about -44 dBFS) are silence, where speech is trimmed."""


class Clip(msgspec.Struct, frozen=True):
    """Mono 16-bit little-endian samples at `rate` Hz."""

    pcm: bytes
    rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        """How long it plays."""
        return len(self.pcm) / 2 / self.rate

    def then(self, other: Clip) -> Clip:
        """This sound followed by `other` (same rate), as one sound."""
        if other.rate != self.rate:
            raise ValueError(f"cannot join a {self.rate} Hz sound to a {other.rate} Hz one")
        return Clip(self.pcm + other.pcm, self.rate)

    def trimmed(self, quiet: int = SILENCE_LEVEL, margin: float = 0.01) -> Clip:
        """This sound without the silence before and after it (speech engines add a third of
        a second at the end), keeping `margin` seconds each side: speech is timed by what
        is heard."""
        samples = array("h", self.pcm)
        first, end = 0, len(samples)  # scanned from each end: the silence is short
        while first < end and abs(samples[first]) <= quiet:
            first += 1
        while end > first and abs(samples[end - 1]) <= quiet:
            end -= 1
        if first == end:
            return Clip(b"", self.rate)
        keep = round(margin * self.rate)
        first, end = max(0, first - keep), min(len(samples), end + keep)
        return Clip(samples[first:end].tobytes(), self.rate)

    def resampled(self, rate: int) -> Clip:
        """This sound at `rate` Hz (linear interpolation: plenty for speech), so a voice
        that speaks at another rate can follow a cue in one stream."""
        if rate == self.rate:
            return self
        samples = array("h", self.pcm)
        count = round(len(samples) * rate / self.rate)
        step = self.rate / rate
        out = array("h", bytes(2 * count))
        last = len(samples) - 1
        for n in range(count):
            position = n * step
            i = int(position)
            j = min(i + 1, last)
            out[n] = round(samples[i] + (samples[j] - samples[i]) * (position - i))
        return Clip(out.tobytes(), rate)


@lru_cache(maxsize=64)
def at_volume(sound: Clip, volume: float) -> Clip:
    """`sound` with its samples scaled by `volume` (0.0-1.0); cached, as cues repeat."""
    if volume >= 1.0:
        return sound
    samples = array("h", sound.pcm)
    scaled = array("h", [int(sample * volume) for sample in samples])
    return Clip(scaled.tobytes(), sound.rate)


class Cue(str, Enum):
    """The sounds that carry a session for a patient who cannot watch the screen."""

    GET_READY = "get_ready"
    TICK = "tick"
    HOLD = "hold"
    """Work starts: a hold, a rep, a timed activity."""
    LAST_REP = "last_rep"
    """The last rep of a set starts: the hold's sound with one more, higher note."""
    RELAX = "relax"
    SET_START = "set_start"
    """A self-paced set starts."""
    BEAT = "beat"
    """The next rep of a self-paced set paced by a beat."""
    HALFWAY = "halfway"
    SWITCH_SIDES = "switch_sides"
    REST = "rest"
    PAUSE = "pause"
    RESUME = "resume"
    DONE = "done"
    ROUTINE_COMPLETE = "routine_complete"

    @property
    def filename(self) -> str:
        """The cue's file in the sounds folder."""
        return f"{self.value}.wav"


class SoundFileError(ValueError):
    """A WAV file that cannot be played: unreadable, corrupt, or not 16-bit mono."""


def read_wav(path: Path) -> Clip:
    """Load a 16-bit mono WAV file."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise SoundFileError(f"{path.name}: expected 16-bit mono")
            return Clip(wav.readframes(wav.getnframes()), wav.getframerate())
    except (OSError, EOFError, wave.Error) as error:
        raise SoundFileError(f"{path.name}: {error}") from error


def write_wav(path: Path, sound: Clip) -> None:
    """Save `sound` as a 16-bit mono WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sound.rate)
        wav.writeframes(sound.pcm)


def load_cues(folder: Path | None = None) -> tuple[dict[Cue, Clip], list[str]]:
    """Every cue that loads from `folder` (the shipped cues by default), and a problem
    line for each that does not: a missing cue stays silent, the session carries on."""
    folder = folder or bundled_sounds_dir()
    cues: dict[Cue, Clip] = {}
    problems: list[str] = []
    for cue in Cue:
        try:
            cues[cue] = read_wav(folder / cue.filename)
        except SoundFileError as error:
            problems.append(f"cue {cue.value} is silent: {error}")
    return cues, problems


def cache_path(cache_dir: Path, engine: str, voice: str, rate: int, text: str) -> Path:
    """Where a phrase spoken by `engine` in `voice` at `rate` is cached."""
    key = "\n".join([engine, voice, str(rate), text])
    return cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"
