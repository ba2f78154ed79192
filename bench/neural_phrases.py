"""What the neural voice's speech is made of, for each bundled routine: each moment's
wordings by kind, how long the neural voice takes to say them, which a session can say, and
which the helper makes ahead (issue 21: what to synthesise first, and what not at all).

Every wording of every moment of every bundled routine (the shorter ones the helper no
longer makes included) is synthesised once by the helper into one cache (`--cache DIR`
keeps it for another run), and timed as the cue player times it: trimmed of its silence.
A wording "never fits" when, at the default speech rate, it does not end before the first
countdown tick of any segment it is for (the cue player then says a shorter one); an
announcement and the side after a switch always fit (the segment stretches to them), and so
does the first wording of a set at your own pace (it has no deadline).
    .venv/bin/python bench/neural_phrases.py [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table

from backroutine.audio.cue_player import QUIET_BEFORE_TICK, first_tick_after, start_cue
from backroutine.audio.neural import NeuralVoice, voice_assets
from backroutine.audio.sound import load_cues, read_wav
from backroutine.audio.voice import DEFAULT_RATE, routine_phrases, spoken_phrases
from backroutine.base.paths import bundled_routines_dir, routine_files
from backroutine.routine.loader import load_routine
from backroutine.routine.model import ExerciseStep, Routine, SegmentKind
from backroutine.routine.words import (
    HALFWAY,
    PAUSED_SAID,
    activity_phrase,
    announcements,
    rep_phrases,
    starts_rep,
    tips_said,
    transition_phrases,
)

KINDS = {
    SegmentKind.REP: "a rep's count",
    SegmentKind.HOLD: "hold",
    SegmentKind.ACTIVITY: "hold",
    SegmentKind.RELAX: "relax",
    SegmentKind.SELF_PACED: "a set at your own pace",
    SegmentKind.SWITCH_SIDES: "switch sides",
    SegmentKind.REST: "rest",
}
ALWAYS_FITS = None
"""The room of a moment whose first wording is always said."""


def wordings(routine: Routine) -> list[tuple[str, str, float | None]]:
    """Every wording of every moment of a session: (kind, phrase, room), the room being
    seconds from the moment to its first tick, less the cue and the quiet before the tick,
    `ALWAYS_FITS` for a moment whose first wording is always said."""
    cues = load_cues()[0]
    said: list[tuple[str, str, float | None]] = []
    segments = routine.segments()
    for index, segment in enumerate(segments):
        step = routine.steps[segment.step_index]
        activity = activity_phrase(routine, segment)
        if activity is not None:
            said.append(("a card, a pack, a breath, a walk", activity, ALWAYS_FITS))
            continue
        if segment.kind is SegmentKind.PREPARE and isinstance(step, ExerciseStep):
            full, *shorter = announcements(step, segment)
            said.append(("announcement", full, ALWAYS_FITS))
            said += [("announcement, shorter", phrase, 0.0) for phrase in shorter]
            continue
        following = segments[index + 1] if index + 1 < len(segments) else None
        first_phase = starts_rep(segment, segments[index - 1] if index else None)
        phrases = transition_phrases(segment, following, first_phase=first_phase)
        kind = KINDS.get(segment.kind, segment.kind.value)
        if segment.kind in (SegmentKind.SWITCH_SIDES, SegmentKind.SELF_PACED):
            room: float | None = ALWAYS_FITS
        else:
            cue = start_cue(segment, first_phase)
            cue_seconds = cues[cue].seconds if cue in cues else 0.0
            room = first_tick_after(segment.seconds) - QUIET_BEFORE_TICK - cue_seconds
        for n, phrase in enumerate(phrases):
            if n and room is ALWAYS_FITS:
                said.append((f"{kind}, shorter", phrase, 0.0))
            else:
                said.append((kind + (", shorter" if n else ""), phrase, room))
        if segment.kind is SegmentKind.SELF_PACED:  # counted aloud when paced by a beat
            for number in range(1, (segment.rep_count or 1) + 1):
                said += [("a rep's count", p, ALWAYS_FITS) for p in rep_phrases(segment, number)]
    said += [("halfway, paused", phrase, ALWAYS_FITS) for phrase in (HALFWAY, PAUSED_SAID)]
    said += [("tips (read out on t)", tips_said(step), ALWAYS_FITS) for step in routine.exercises]
    return said


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, help="the voice cache to use (and keep)")
    args = parser.parse_args()
    routines = {
        path.stem: load_routine(path).routine for path in routine_files(bundled_routines_dir())
    }
    said = {name: wordings(routine) for name, routine in routines.items()}
    every = list(dict.fromkeys(phrase for moments in said.values() for _, phrase, _ in moments))
    with tempfile.TemporaryDirectory() as temp:
        voice = NeuralVoice(*voice_assets(), args.cache or Path(temp), DEFAULT_RATE)
        missing = [phrase for phrase in every if not voice.path_for(phrase).exists()]
        if missing:
            subprocess.run(voice.command(), input=json.dumps(missing).encode(), check=True)
        seconds = {phrase: read_wav(voice.path_for(phrase)).trimmed().seconds for phrase in every}
    routines_saying = Counter(
        phrase for moments in said.values() for phrase in {p for _, p, _ in moments}
    )
    print(
        f"The wordings of each bundled routine's session, in the neural voice at "
        f"{DEFAULT_RATE} words a minute, on {machine()}\n"
    )
    totals = []
    for name, moments in said.items():
        # A phrase may be several wordings (a count said in many reps): it fits if one fits.
        fits: dict[str, bool] = defaultdict(bool)
        kind_of: dict[str, str] = {}
        for kind, phrase, room in moments:
            fits[phrase] |= room is ALWAYS_FITS or seconds[phrase] <= room
            kind_of.setdefault(phrase, kind)
        made = set(routine_phrases(routines[name]))
        rows: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0.0, 0, 0.0, 0, 0.0])
        for phrase, kind in kind_of.items():
            row = rows[kind]
            for column, counts in enumerate(
                (True, phrase in made, not fits[phrase], routines_saying[phrase] > 1)
            ):
                if counts:
                    row[2 * column] += 1
                    row[2 * column + 1] += seconds[phrase]
        ordered = sorted(rows.items(), key=lambda item: -item[1][1])
        print(f"**{name}**\n")
        print(table(
            ["wordings", "phrases, s of speech", "made ahead now", "never fit",
             "in another routine too"],
            [[kind, *(f"{row[2 * n]:.0f}, {row[2 * n + 1]:.1f} s" for n in range(4))]
             for kind, row in ordered],
        ))  # fmt: skip
        print()
        spoken = spoken_phrases(routines[name])
        totals.append([
            name, f"{len(kind_of)}, {sum(seconds[p] for p in kind_of):.0f} s",
            f"{len(made)}, {sum(seconds[p] for p in made):.0f} s",
            f"{len(spoken)}, {sum(seconds[p] for p in spoken):.0f} s",
        ])  # fmt: skip
    print(table(["routine", "every wording", "made ahead now", "of them spoken unprompted"],
                totals))  # fmt: skip


if __name__ == "__main__":
    main()
