"""Synthesise the cue sounds shipped in src/backroutine/sounds/ (stdlib only).

    .venv/bin/python scripts/make_sounds.py [OUTPUT_FOLDER]

Each cue is a few soft, bell-like notes: a sine with two quiet overtones, a raised-cosine
attack and release (no clicks) and an exponential decay. All cues are normalised to the
same loudness (RMS), with the peak kept below full scale.
"""

from __future__ import annotations

import math
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path

from backroutine.audio.sound import SAMPLE_RATE, Clip, Cue, write_wav
from backroutine.base.paths import bundled_sounds_dir

ATTACK = 0.008
RELEASE = 0.03
OVERTONES = ((1, 1.0), (2, 0.3), (3, 0.1))  # (multiple of the pitch, relative amplitude)
TARGET_RMS = 10 ** (-18 / 20)
PEAK_LIMIT = 10 ** (-1 / 20)

C5, E5, G5, A5, B5, C6 = 523.25, 659.26, 783.99, 880.0, 987.77, 1046.5
D6, G6 = 1174.66, 1567.98
G4, A4 = 392.0, 440.0


@dataclass(frozen=True)
class Note:
    """A note starting at `start` seconds, lasting `length`, fading with `decay`."""

    pitch: float
    start: float
    length: float
    decay: float = 0.25
    level: float = 1.0


CUES: dict[Cue, list[Note]] = {
    Cue.GET_READY: [Note(E5, 0.0, 0.22), Note(A5, 0.18, 0.35)],
    Cue.TICK: [Note(B5, 0.0, 0.08, decay=0.03)],
    # Hold, relax and rest must be told apart by ear alone: work rises quickly to a high
    # note, relax is one low soft note, rest falls slowly over two long ones. All three
    # end well within the second before a short segment's first countdown tick.
    Cue.HOLD: [Note(G5, 0.0, 0.1, decay=0.08), Note(D6, 0.08, 0.22, decay=0.12)],
    Cue.LAST_REP: [
        Note(G5, 0.0, 0.1, decay=0.08),
        Note(D6, 0.08, 0.1, decay=0.08),
        Note(G6, 0.16, 0.24, decay=0.12),
    ],
    Cue.RELAX: [Note(A4, 0.0, 0.28, decay=0.15)],
    Cue.SET_START: [
        Note(E5, 0.0, 0.09, decay=0.06),
        Note(E5, 0.12, 0.09, decay=0.06),
        Note(B5, 0.24, 0.25, decay=0.12),
    ],
    Cue.BEAT: [Note(E5, 0.0, 0.12, decay=0.05)],
    Cue.PAUSE: [Note(C5, 0.0, 0.14, decay=0.08), Note(G4, 0.14, 0.3, decay=0.15)],
    Cue.RESUME: [Note(G4, 0.0, 0.12, decay=0.08), Note(C5, 0.12, 0.22, decay=0.12)],
    Cue.HALFWAY: [Note(C6, 0.0, 0.16, decay=0.08), Note(C6, 0.2, 0.2, decay=0.08)],
    Cue.SWITCH_SIDES: [Note(G5, 0.0, 0.16), Note(C5, 0.15, 0.16), Note(G5, 0.3, 0.3)],
    Cue.REST: [Note(G5, 0.0, 0.3, decay=0.4), Note(C5, 0.25, 0.6, decay=0.5)],
    Cue.DONE: [Note(C5, 0.0, 0.15), Note(E5, 0.12, 0.15), Note(G5, 0.24, 0.35)],
    Cue.ROUTINE_COMPLETE: [
        Note(C5, 0.0, 0.2),
        Note(E5, 0.16, 0.2),
        Note(G5, 0.32, 0.2),
        Note(C6, 0.48, 0.8, decay=0.6),
        Note(A4, 0.48, 0.8, decay=0.6, level=0.4),
    ],
}


def envelope(t: float, length: float, decay: float) -> float:
    """Raised-cosine attack and release around an exponential decay: 0 at both ends."""
    gain = math.exp(-t / decay)
    if t < ATTACK:
        gain *= 0.5 - 0.5 * math.cos(math.pi * t / ATTACK)
    tail = length - t
    if tail < RELEASE:
        gain *= 0.5 - 0.5 * math.cos(math.pi * max(tail, 0.0) / RELEASE)
    return gain


def render(notes: list[Note]) -> Clip:
    """Mix `notes`, normalise the loudness, and quantise to 16 bits."""
    total = max(note.start + note.length for note in notes)
    mix = [0.0] * (round(total * SAMPLE_RATE) + 1)
    for note in notes:
        first = round(note.start * SAMPLE_RATE)
        for n in range(round(note.length * SAMPLE_RATE) + 1):
            t = n / SAMPLE_RATE
            tone = sum(
                level * math.sin(2 * math.pi * note.pitch * multiple * t)
                for multiple, level in OVERTONES
            )
            mix[first + n] += note.level * envelope(t, note.length, note.decay) * tone
    rms = math.sqrt(sum(x * x for x in mix) / len(mix))
    peak = max(abs(x) for x in mix)
    gain = min(TARGET_RMS / rms, PEAK_LIMIT / peak)
    return Clip(array("h", [round(x * gain * 32767) for x in mix]).tobytes())


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else bundled_sounds_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for cue, notes in CUES.items():
        sound = render(notes)
        write_wav(folder / cue.filename, sound)
        print(f"{cue.filename}: {sound.seconds:.2f} s, {len(sound.pcm) // 1024} KiB")


if __name__ == "__main__":
    main()
