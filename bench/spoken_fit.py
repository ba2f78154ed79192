"""Which words a session says, cuts short or drops because they do not fit (issue 21).

For each bundled routine and each voice (the neural voice and espeak-ng, at the default rate
unless told), a session runs through the real engine and the real cue player on a fake
clock, the patient pressing ready at once, with every phrase already synthesised (as in any
session after the first) at its real, trimmed length. At each moment the voice may speak (a
segment's start, halfway, a beat) the table counts how often its richest wording was said
in full, a shorter one instead, or nothing (only the cue), and how often words were said
in place of the cue. Moments that are always said (announcements, switches of sides, cards
and packs, a set at your own pace) are left out. To compare with the code of another
commit, put its `src` first on PYTHONPATH (the script only uses what it had). Last, how
much silence trimming takes off each voice's phrases, and whether it cuts into speech.
    .venv/bin/python bench/spoken_fit.py [--cache DIR] [--rate WORDS_A_MINUTE]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from array import array
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table

from backroutine.audio.backends import AudioBackend
from backroutine.audio.cue_player import CuePlayer
from backroutine.audio.neural import NeuralVoice, voice_assets
from backroutine.audio.sound import Clip, read_wav
from backroutine.audio.voice import DEFAULT_RATE, Voice, find_speech_engine, spoken_phrases
from backroutine.base.paths import bundled_routines_dir, routine_files
from backroutine.routine.loader import load_routine
from backroutine.routine.model import Routine, Segment, SegmentKind
from backroutine.routine.words import (
    HALFWAY,
    activity_phrase,
    rep_phrases,
    starts_rep,
    transition_phrases,
)
from backroutine.session.engine import (
    Beat,
    Event,
    FakeClock,
    Halfway,
    SegmentStarted,
    SessionEngine,
)

STEP = 0.05
"""Seconds the fake clock moves between the engine's updates."""


class Recording(AudioBackend):
    """Keeps what it is asked to play."""

    name = "recording"
    plays_samples = True

    def __init__(self) -> None:
        super().__init__("recording for a benchmark")
        self.played: list[Clip] = []

    def play(self, sound: Clip, volume: float = 1.0) -> None:
        self.played.append(sound)


class SynthesisedVoice:
    """Every phrase ready, as the voice plays it (trimmed of silence)."""

    def __init__(self, sounds: dict[str, Clip]) -> None:
        self.sounds = sounds

    def ready(self, text: str) -> Clip | None:
        return self.sounds.get(text)

    def request(self, text: str, then=None) -> None:
        pass

    def prepare(self, phrases: list[str]) -> None:
        pass


def row_name(segment: Segment, wordings: tuple[str, ...]) -> str:
    """The table row a moment's words are counted in."""
    if segment.kind is SegmentKind.REP:
        if segment.rep_number == segment.rep_count:
            return '"Last one" (last rep)'
        return "a rep's count"
    if segment.kind is SegmentKind.REST:
        return f"rest ({wordings[0][:24]}...)" if len(wordings) > 2 else "rest"
    return f'"{wordings[-1]}" ({segment.kind.value})'


def moments_said(routine: Routine, sounds: dict[str, Clip]) -> dict[str, list[int]]:
    """For each row: [times due, said in full, shorter, dropped, instead of the cue] in one
    session."""
    backend = Recording()
    player = CuePlayer(backend, routine, voice=SynthesisedVoice(sounds))  # type: ignore[arg-type]
    clock = FakeClock()
    segments = routine.segments()
    engine = SessionEngine(segments, clock)
    player.follow(engine)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])

    def due(event: Event) -> tuple[str, tuple[str, ...]] | None:
        if isinstance(event, Halfway):
            return '"Halfway"', (HALFWAY,)
        if isinstance(event, Beat):
            return "a rep's count (beat)", rep_phrases(event.segment, event.rep_number)
        if not isinstance(event, SegmentStarted):
            return None
        segment = event.segment
        if segment.kind in (SegmentKind.PREPARE, SegmentKind.SWITCH_SIDES):
            return None
        if activity_phrase(routine, segment) is not None:
            return None
        if segment.kind is SegmentKind.SELF_PACED:
            return None  # no deadline: always said
        index = event.index
        following = segments[index + 1] if index + 1 < len(segments) else None
        first = starts_rep(segment, segments[index - 1] if index else None)
        wordings = transition_phrases(segment, following, first_phase=first)
        return (row_name(segment, wordings), wordings) if wordings else None

    def note(event: Event) -> None:
        moment = due(event)
        if moment is not None:
            name, wordings = moment
            streams = [clip.pcm for clip in backend.played]
            said = next(
                (
                    n
                    for n, w in enumerate(wordings)
                    if any(s.endswith(sounds[w].pcm) for s in streams)
                ),
                None,
            )
            row = counts[name]
            row[0] += 1
            row[1 if said == 0 else 2 if said is not None else 3] += 1
            row[4] += said is not None and sounds[wordings[said]].pcm in streams
        backend.played.clear()

    engine.subscribe(note)
    engine.start()
    while engine.status != "finished":
        clock.advance(STEP)
        engine.update()
        if engine.status == "waiting":
            engine.done()
    return counts


def neural_sounds(phrases: list[str], cache: Path, rate: int) -> dict[str, Clip]:
    voice = NeuralVoice(*voice_assets(), cache, rate)
    missing = [phrase for phrase in phrases if not voice.path_for(phrase).exists()]
    if missing:
        subprocess.run(voice.command(), input=json.dumps(missing).encode(), check=True)
    return {phrase: read_wav(voice.path_for(phrase)) for phrase in phrases}


def espeak_sounds(phrases: list[str], cache: Path, rate: int) -> dict[str, Clip]:
    engine = find_speech_engine(rate)
    assert engine is not None, "espeak-ng is not installed"
    voice = Voice(engine, cache)
    return {phrase: voice.synthesise(phrase) for phrase in phrases}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, help="the voice cache to use (and keep)")
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE, help="words a minute")
    args = parser.parse_args()
    routines = {
        path.stem: load_routine(path).routine for path in routine_files(bundled_routines_dir())
    }
    every = list(dict.fromkeys(p for routine in routines.values() for p in spoken_phrases(routine)))
    with tempfile.TemporaryDirectory() as temp:
        cache = args.cache or Path(temp)
        made = {
            "neural": neural_sounds(every, cache, args.rate),
            "espeak-ng": espeak_sounds(every, cache, args.rate),
        }
    voices = {
        name: {p: clip.trimmed() for p, clip in sounds.items()} for name, sounds in made.items()
    }
    print(
        f"What a session says at each moment with a deadline, at {args.rate} words a "
        f"minute, on {machine()}\n"
    )
    for name, routine in routines.items():
        print(f"**{name}**\n")
        rows = []
        by_voice = {voice: moments_said(routine, sounds) for voice, sounds in voices.items()}
        for row in sorted({r for counts in by_voice.values() for r in counts}):
            cells = [row]
            for voice in voices:
                due, full, shorter, dropped, alone = by_voice[voice].get(row, [0] * 5)
                cells.append(f"{due} / {full} / {shorter} / {dropped} ({alone})")
            rows.append(cells)
        header = ["moment"] + [
            f"{voice}: due / in full / shorter / dropped (instead of the cue)" for voice in voices
        ]
        print(table(header, rows))
        print()
    lengths = [
        [phrase, *(f"{voices[v][phrase].seconds:.2f} s" for v in voices)]
        for phrase in ("Hold", "Relax", "Last one", "Rest.", HALFWAY)
        if phrase in every
    ]
    print(table(["phrase", *(f"{v}, trimmed" for v in voices)], lengths))
    print()
    print(trimming(made))


def trimming(made: dict[str, dict[str, Clip]]) -> str:
    """How much silence trimming takes off each voice's phrases, and whether it cuts
    into speech: the loudness of the 20 ms just before what is kept (silence if nothing
    heard was cut) and of its first 20 ms (speech from the start)."""
    rows = []
    for name, sounds in made.items():
        before, after, cut, kept = [], [], [], []
        for raw in sounds.values():
            trimmed = raw.trimmed()
            start = raw.pcm.find(trimmed.pcm) // 2  # samples
            window = round(0.02 * raw.rate)
            samples = array("h", raw.pcm)
            before.append(start / raw.rate)
            after.append(raw.seconds - trimmed.seconds - start / raw.rate)
            cut.append(dbfs(samples[max(0, start - window) : start]))
            kept.append(dbfs(samples[start : start + window]))
        rows.append([name, str(len(sounds)), spread(before, 1000), spread(after, 1000),
                     f"{max(cut):.0f}", spread(kept)])  # fmt: skip
    return table(["voice", "phrases", "silence cut before, ms: median (range)", "after, ms",
                  "loudest 20 ms cut before, dBFS", "first 20 ms kept, dBFS"], rows)  # fmt: skip


def spread(values: list[float], scale: float = 1.0) -> str:
    """`median (min-max)` of `values` times `scale`."""
    low, middle, high = (scale * v for v in (min(values), statistics.median(values), max(values)))
    return f"{middle:.0f} ({low:.0f} to {high:.0f})"


def dbfs(samples: array) -> float:
    """The RMS loudness of `samples`, in dB below full scale (-inf for none or silence)."""
    if not samples:
        return -math.inf
    rms = math.sqrt(sum(sample * sample for sample in samples) / len(samples))
    return 20 * math.log10(rms / 32768) if rms else -math.inf


if __name__ == "__main__":
    main()
