"""The neural voice: its helper's cold synthesis of each bundled routine, and the app's
memory with the voice on.

For each bundled routine, the helper (`python -m backroutine.audio.neural`) is run on the
routine's phrases into an empty cache: wall time to the first phrase written (the first
announcement, needed as the session starts: the helper starts when the routine is chosen,
so the check-in lies between), to every phrase a session speaks unprompted written (the
tips, read out only when asked for, come after them), and to the helper's exit (every
phrase, tips included: the measure before), its processor time (user + system, all threads)
and its own peak RSS. The phrases' seconds of speech are estimated from their characters,
all of them and their distinct sentences (the helper makes each sentence once). With
`--baseline REV`, the helper of that git revision runs too, on the phrases that revision
asks for, turn about with this checkout's, so that the load other work puts on the machine
falls on both alike; the ratios of the medians follow.
Then the real app in tmux at 80x24 runs a routine with the neural voice on (into ALSA's
file device, with an empty cache so the helper works during the session) beside the same
app with espeak-ng: the app's peak RSS (VmHWM of its own process; the helper is a child,
measured above).
Targets (issue 21): every phrase in < 5 s cold (and the phrases spoken unprompted, needed
first); app's peak RSS < 50 MiB.
    .venv/bin/python bench/neural_voice.py [--runs 3] [--hold 20] [--baseline REV]
        [--routine NAME] [--no-app]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table
from app_in_tmux import Pane, tmux

import backroutine as backroutine_package
from backroutine.audio.neural import NeuralVoice, voice_assets
from backroutine.audio.voice import DEFAULT_RATE, routine_phrases, spoken_phrases
from backroutine.base.paths import bundled_routines_dir, routine_files
from backroutine.routine.loader import load_routine, parse_routine

SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
SESSION = "title: Neural voice\nsteps:\n  - {name: Bridge, hold: 10m, prepare: 5s}\n"


def synthesise_cold(phrases: list[str], spoken: list[str], cache: Path, source: Path) -> dict:
    """Run the helper of the code in `source` on `phrases` into the empty `cache`: seconds
    to the first phrase, to all of `spoken`, and to the exit; the helper's processor
    seconds and peak RSS in MiB."""
    voice = NeuralVoice(*voice_assets(), cache, DEFAULT_RATE)
    awaited = [voice.path_for(phrase) for phrase in spoken]  # in the order they are written
    started = time.perf_counter()
    helper = subprocess.Popen(
        voice.command(), stdin=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(source)},
    )  # fmt: skip
    assert helper.stdin is not None
    helper.stdin.write(json.dumps(phrases).encode())
    helper.stdin.close()
    to_first = to_spoken = None
    while True:  # wait4, not poll: it hands back the helper's peak RSS
        pid, status, usage = os.wait4(helper.pid, os.WNOHANG)
        if pid:
            break
        if to_first is None and awaited[0].exists():
            to_first = time.perf_counter() - started
        while awaited and awaited[0].exists():
            awaited.pop(0)
        if to_spoken is None and not awaited:
            to_spoken = time.perf_counter() - started
        time.sleep(0.002)
    took = time.perf_counter() - started
    helper.returncode = os.waitstatus_to_exitcode(status)
    if helper.returncode != 0:
        raise RuntimeError(helper.stderr.read().decode() if helper.stderr else "helper failed")
    missing = [phrase for phrase in spoken if not voice.path_for(phrase).exists()]
    if missing:
        raise RuntimeError(f"the helper of {source} did not write {missing}")
    processor = usage.ru_utime + usage.ru_stime  # the work, whatever else the machine does
    return {"first": to_first or took, "spoken": to_spoken or took, "all": took,
            "cpu": processor, "rss": usage.ru_maxrss / 1024}  # fmt: skip


def phrases_asked(source: Path, path: Path) -> list[str]:
    """The phrases the code in `source` hands its helper for the routine at `path`."""
    script = ("import json, sys\n"
              "from backroutine.audio.voice import routine_phrases\n"
              "from backroutine.routine.loader import load_routine\n"
              "print(json.dumps(routine_phrases(load_routine(sys.argv[1]).routine)))")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                            check=True, env={**os.environ, "PYTHONPATH": str(source)})  # fmt: skip
    return json.loads(result.stdout)


def speech_seconds(phrases: list[str]) -> float:
    """About how long `phrases` take to say: speech rates count a word as five characters."""
    return sum(len(phrase) for phrase in phrases) / (DEFAULT_RATE * 5 / 60)


def distinct_speech_seconds(phrases: list[str]) -> float:
    """About how long the distinct sentences of `phrases` take to say: what the helper
    synthesises, as it makes each sentence once (Piper's sentences end at . ? or !)."""
    sentences = dict.fromkeys(
        sentence for phrase in phrases for sentence in SENTENCE_END.split(phrase)
    )
    return speech_seconds(list(sentences))


def source_at(revision: str, folder: Path) -> Path:
    """The `src` folder of this repository at `revision`, unpacked into `folder`."""
    repository = Path(__file__).parents[1]
    archive = subprocess.run(["git", "archive", "--format=tar", revision, "src"],
                             cwd=repository, capture_output=True, check=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def spread(values: list[float], digits: int = 2) -> str:
    """`median (min-max)`."""
    return (f"{statistics.median(values):.{digits}f} "
            f"({min(values):.{digits}f}-{max(values):.{digits}f})")  # fmt: skip


def median_of(runs: list[dict], key: str) -> float:
    """The median of one figure over `runs`."""
    return statistics.median(run[key] for run in runs)


def app_peak_rss(voice: str, hold: float, folder: Path, name: str) -> float:
    """The app's peak RSS (MiB) over a session's first `hold` seconds with `voice`."""
    home, config, cache = folder / f"{name}-home", folder / f"{name}-config", folder / name
    home.mkdir()
    (home / ".asoundrc").write_text(
        'pcm.!default { type file; slave.pcm "null"; '
        f'file "{folder}/{name}.raw"; format "raw"; truncate false }}\n'
    )
    (config / "backroutine").mkdir(parents=True)
    (config / "backroutine" / "settings.json").write_text(json.dumps({"voice": voice}))
    backroutine = Path(sys.executable).with_name("backroutine")
    # tmux starts the pane with its server's environment: name this checkout's code.
    source = Path(backroutine_package.__file__).parents[1]
    command = (f"env PYTHONPATH={source} HOME={home} XDG_CONFIG_HOME={config} "
               f"XDG_CACHE_HOME={cache} "
               f"{backroutine} run {folder / 'session.yaml'} --no-checkin "
               f"--data-dir {folder / name}-data")  # fmt: skip
    pane = Pane(name, command, folder / f"{name}.out")
    try:
        pane.wait_for("Bridge")
        time.sleep(hold)
        rss = pane.peak_rss_mib()
    finally:
        pane.close()
    # The figure counts only if the session really had the neural voice.
    voice_cache = cache / "backroutine" / "voice"
    phrase = routine_phrases(parse_routine(SESSION.encode(), "session.yaml"))[0]
    spoken = NeuralVoice(*voice_assets(), voice_cache, DEFAULT_RATE).path_for(phrase).exists()
    if spoken != (voice == "neural"):
        raise RuntimeError(f"voice {voice}: the neural voice's phrase written: {spoken}")
    return rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="cold syntheses per routine")
    parser.add_argument("--hold", type=float, default=20.0, help="seconds of a session watched")
    parser.add_argument(
        "--baseline", metavar="REV", help="also run the helper of this git revision"
    )
    parser.add_argument("--routine", action="append", help="only this bundled routine (stem)")
    parser.add_argument("--no-app", action="store_true", help="leave out the app's peak RSS")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    this = Path(backroutine_package.__file__).parents[1]
    rows, ratios, spoken_rows = [], [], []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        sources = {"this": this}
        if args.baseline:
            sources = {args.baseline: source_at(args.baseline, folder / "baseline"), **sources}
        for path in routine_files(bundled_routines_dir()):
            if args.routine and path.stem not in args.routine:
                continue
            spoken = spoken_phrases(load_routine(path).routine)
            asked = {name: phrases_asked(source, path) for name, source in sources.items()}
            runs: dict[str, list[dict]] = {name: [] for name in sources}
            for n in range(args.runs):
                # Turn about, and each first in turn: both meet the same load.
                order = list(sources.items())[:: 1 if n % 2 == 0 else -1]
                for name, source in order:
                    cache = folder / f"{path.stem}-{name}-{n}"
                    runs[name].append(synthesise_cold(asked[name], spoken, cache, source))
            for name, done in runs.items():
                rows.append([
                    path.stem, name,
                    f"{len(asked[name])} ({speech_seconds(asked[name]):.0f} s of speech, "
                    f"{distinct_speech_seconds(asked[name]):.0f} s distinct)",
                    spread([run["first"] for run in done]),
                    spread([run["spoken"] for run in done]),
                    spread([run["all"] for run in done]),
                    spread([run["cpu"] for run in done]),
                    f"{median_of(done, 'rss'):.0f}",
                    "yes" if median_of(done, "spoken") < 5 else "no",
                    "yes" if median_of(done, "all") < 5 else "no",
                ])  # fmt: skip
            if args.baseline:
                before, after = runs[args.baseline], runs["this"]
                ratios.append([path.stem] + [
                    f"{median_of(after, key) / median_of(before, key):.2f}"
                    for key in ("first", "spoken", "all", "cpu")
                ])  # fmt: skip
            spoken_rows.append([path.stem, f"{len(spoken)} ({speech_seconds(spoken):.0f} s)"])
        rss = {} if args.no_app else app_rss(args.runs, args.hold, folder)
    print(
        f"The neural voice's helper, {args.runs} cold runs per routine, on {machine()}; "
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        f"(other work on the machine slows every wall time; processor time is the work)\n"
    )
    print(table(["routine", "helper", "phrases asked for", "first phrase, s: median (min-max)",
                 "spoken unprompted, s", "all phrases, s", "processor, s",
                 "helper peak RSS, MiB", "spoken < 5 s", "all < 5 s"], rows))  # fmt: skip
    print()
    print(table(["routine", "of them spoken unprompted (about)"], spoken_rows))
    if ratios:
        print(f"\nthis / {args.baseline}, ratio of the medians (below 1: this is faster)\n")
        print(table(["routine", "first phrase", "spoken unprompted", "all phrases",
                     "processor"], ratios))  # fmt: skip
    if rss:
        print()
        rss_rows = [[f"voice {voice}", spread(values, digits=1),
                     "< 50 MiB" if voice == "neural" else "baseline"]
                    for voice, values in rss.items()]  # fmt: skip
        header = f"the app in tmux, a session's first {args.hold:.0f} s"
        print(table([header, "peak RSS, MiB: median (min-max)", "target"], rss_rows))
        print(
            "\nThe app's own process only; its helper (above) is a child process that exits "
            "once the phrases are written."
        )


def app_rss(runs: int, hold: float, folder: Path) -> dict[str, list[float]]:
    """The app's peak RSS (MiB) in `runs` sessions with each voice."""
    (folder / "session.yaml").write_text(SESSION)
    tmux("new-session", "-d", "-s", "bench-keepalive", "-x", "80", "-y", "24", "sleep 3600")
    try:
        return {voice: [app_peak_rss(voice, hold, folder, f"{voice}-{n}") for n in range(runs)]
                for voice in ("espeak", "neural")}  # fmt: skip
    finally:
        tmux("kill-session", "-t", "bench-keepalive")


if __name__ == "__main__":
    main()
