"""Audio cue latency and event-loop stall, playing into ALSA's file device.

Targets (issue 5): engine event -> cue samples handed to the device, median < 5 ms;
longest event-loop stall caused by playing a cue on an asyncio loop < 2 ms.
    .venv/bin/python bench/audio_latency.py [--runs 5] [--cues 40]

The script re-runs itself with HOME pointing at a temporary `.asoundrc` that sends the
default ALSA device to a file, so nothing is heard and no sound card is needed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, summary, table

ROUTINE = b"title: Bench\nsteps:\n  - name: Plank\n    hold: 1h\n"
HEARTBEAT = 0.002  # the loop's probe timer; Textual's own timers tick far less often


def measure(runs: int, cues: int) -> None:
    import simpleaudio

    from backroutine.audio.backends import SilentBackend, SimpleaudioBackend, choose_backend
    from backroutine.audio.cue_player import CuePlayer
    from backroutine.audio.sound import Cue, load_cues
    from backroutine.routine.loader import parse_routine
    from backroutine.session.engine import FakeClock, SessionEngine

    backend = choose_backend()
    if not isinstance(backend, SimpleaudioBackend):
        sys.exit(f"needs simpleaudio: {backend.reason}")
    routine = parse_routine(ROUTINE, "bench.yaml")
    tick = load_cues()[0][Cue.TICK]
    handed: list[float] = []
    start_stream = backend._start

    def timed_start(sound):  # play_buffer has returned: the device has the samples
        stream = start_stream(sound)
        handed.append(time.perf_counter())
        return stream

    backend._start = timed_start
    cue_players = {
        "audio": CuePlayer(backend, routine, volume=100),
        "silent": CuePlayer(SilentBackend("baseline"), routine, volume=100),
    }

    def near_the_end(cue_player: CuePlayer) -> tuple[SessionEngine, FakeClock]:
        """A session 3.5 s before its end: the next update that moves 0.6 s emits a tick."""
        clock = FakeClock()
        engine = SessionEngine(routine.segments(), clock)
        engine.subscribe(cue_player.on_event)
        engine.start()
        clock.advance(routine.planned_seconds() - 3.5)
        engine.update()
        return engine, clock

    def latency_run() -> list[float]:
        """Per cue: from the engine emitting a tick to play_buffer having returned."""
        delays = []
        for _ in range(cues):
            engine, clock = near_the_end(cue_players["audio"])
            backend.wait_done()
            handed.clear()
            clock.advance(0.6)
            emitted = time.perf_counter()
            engine.update()  # CountdownTick -> CuePlayer.on_event -> backend.play
            while not handed:
                time.sleep(0.0001)
            delays.append(handed[0] - emitted)
            backend.wait_done()
        return delays

    def bare_play_run() -> list[float]:
        """Baseline: simpleaudio.play_buffer called directly, as fast as it gets."""
        delays = []
        for _ in range(cues):
            begun = time.perf_counter()
            stream = simpleaudio.play_buffer(tick.pcm, 1, 2, tick.rate)
            delays.append(time.perf_counter() - begun)
            stream.wait_done()
        return delays

    async def stall_run(cue_player: CuePlayer) -> tuple[float, float]:
        """Longest heartbeat lateness, and the longest engine call, on an asyncio loop
        where a session plays a get-ready cue and a tick every 50 ms."""
        loop = asyncio.get_running_loop()
        stop = loop.time() + cues * 0.05
        lateness: list[float] = []
        calls: list[float] = []

        async def heartbeat() -> None:
            while loop.time() < stop:
                expected = time.perf_counter() + HEARTBEAT
                await asyncio.sleep(HEARTBEAT)
                lateness.append(time.perf_counter() - expected)

        async def cues_every_50ms() -> None:
            while loop.time() < stop:
                await asyncio.sleep(0.05)
                begun = time.perf_counter()
                engine, clock = near_the_end(cue_player)  # plays get-ready
                calls.append(time.perf_counter() - begun)
                clock.advance(0.6)
                begun = time.perf_counter()
                engine.update()  # plays a tick
                calls.append(time.perf_counter() - begun)

        await asyncio.gather(heartbeat(), cues_every_50ms())
        return max(lateness), max(calls)

    latency, bare, stalls, baseline = [], [], [], []
    for _ in range(runs):  # interleaved, so background load hits each alike
        latency.append(statistics.median(latency_run()))
        bare.append(statistics.median(bare_play_run()))
        stalls.append(asyncio.run(stall_run(cue_players["audio"])))
        baseline.append(asyncio.run(stall_run(cue_players["silent"])))
        backend.wait_done()

    def ratio(values: list[float], base: list[float]) -> str:
        return f"{statistics.median(values) / statistics.median(base):.2f}x"

    stall, base_stall = [s for s, _ in stalls], [s for s, _ in baseline]
    call, base_call = [c for _, c in stalls], [c for _, c in baseline]
    print(f"Audio cues into ALSA's file device, {runs} runs of {cues} cues, on {machine()}\n")
    rows = [
        ["event -> samples handed to the device (median of each run)", summary(latency),
         ratio(latency, bare), "< 5 ms"],
        ["baseline: a bare `simpleaudio.play_buffer` of the same tick", summary(bare), "1.00x",
         ""],
        ["longest loop stall, cues every 50 ms (max of each run)", summary(stall),
         ratio(stall, base_stall), "< 2 ms"],
        ["baseline: same loop, silent backend", summary(base_stall), "1.00x", ""],
        ["longest engine call + cue dispatch on the loop", summary(call), ratio(call, base_call),
         "< 2 ms"],
        ["baseline: same, silent backend", summary(base_call), "1.00x", ""],
    ]  # fmt: skip
    print(table(["measure", "median (min-max)", "ratio to baseline", "target"], rows))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cues", type=int, default=40)
    args = parser.parse_args()
    if os.environ.get("BACKROUTINE_BENCH_CHILD"):
        measure(args.runs, args.cues)
        return
    with tempfile.TemporaryDirectory() as home:
        (Path(home) / ".asoundrc").write_text(
            'pcm.!default { type file; slave.pcm "null"; '
            f'file "{home}/out.raw"; format "raw"; truncate false }}\n'
        )
        env = {**os.environ, "HOME": home, "BACKROUTINE_BENCH_CHILD": "1"}
        subprocess.run([sys.executable, __file__, *sys.argv[1:]], env=env, check=True)


if __name__ == "__main__":
    main()
