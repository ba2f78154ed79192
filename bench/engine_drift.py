"""Segment boundaries in real time on a loaded asyncio loop: the engine against a naive
tick-counting countdown run alongside it in the same loop.

Both are driven the way the player drives the engine: a ~10 Hz interval timer that, like
Textual's (`skip=True`), drops ticks that come late. A competing task blocks the loop for
0.35 s about every second (jittered). Reported, for every segment boundary, against the
plan (session start + planned lengths):
- engine, reported: the boundary time the engine reports (`SegmentEnded.at`);
- engine, observed: when `update()` actually delivered it (what a patient hears);
- naive countdown: when a countdown that subtracts 0.1 s per tick reaches zero.
Targets (issue): reported boundary error median < 15 ms, max < 60 ms.

    .venv/bin/python bench/engine_drift.py [--seconds 60] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Callable
from itertools import accumulate, cycle
from pathlib import Path

from backroutine.routine.loader import parse_routine
from backroutine.routine.model import Segment
from backroutine.session.engine import SegmentEnded, SessionEngine, SessionFinished

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table

TICK = 0.1
BLOCK_SECONDS, BLOCK_EVERY = 0.35, 1.0
STEPS = [
    "  - name: Plank\n    hold: 10s\n",
    "  - name: Bird-dog\n    reps: 2\n    hold: 4s\n    relax: 2s\n",
    "  - rest: 5s\n",
    "  - name: March\n    duration: 8s\n    per_side: true\n    switch: 3s\n",
]


def routine_of_at_least(seconds: float) -> tuple[Segment, ...]:
    """A routine mixing holds, reps, rests and sides, at least `seconds` long."""
    text = "title: Drift\nsteps:\n"
    for step in cycle(STEPS):
        text += step
        segments = parse_routine(text.encode()).segments()
        if sum(segment.planned_seconds for segment in segments) >= seconds:
            return segments
    raise AssertionError("unreachable")


async def interval(period: float, tick: Callable[[], bool]) -> None:
    """Call `tick` every `period` until it returns False, dropping late ticks like
    `textual.timer.Timer` with `skip=True`."""
    start, count = time.monotonic(), 0
    while True:
        next_tick = start + (count + 1) * period
        now = time.monotonic()
        if next_tick < now:
            count = int((now - start) / period + 1)
            continue
        await asyncio.sleep(next_tick - now)
        count += 1
        if not tick():
            return


async def block_the_loop(stop: asyncio.Event) -> None:
    """A competing CPU load on the same loop: busy for BLOCK_SECONDS about every
    BLOCK_EVERY, jittered (seeded) so blocks land at every phase of the segment clock."""
    jitter = random.Random(7)
    while not stop.is_set():
        await asyncio.sleep(BLOCK_EVERY - BLOCK_SECONDS + jitter.uniform(-0.3, 0.3))
        until = time.perf_counter() + BLOCK_SECONDS
        while time.perf_counter() < until:
            pass


async def one_run(segments: tuple[Segment, ...]) -> dict[str, list[float]]:
    """Run the session once; return errors (s) against the plan, per boundary and at the end."""
    plan = list(accumulate(float(segment.seconds) for segment in segments))
    engine = SessionEngine(segments, time.monotonic)
    reported, observed, finished = [], [], []

    def hear(event) -> None:
        if isinstance(event, SegmentEnded):
            reported.append(event.at)
            observed.append(time.monotonic())
        elif isinstance(event, SessionFinished):
            finished.extend([event.at, time.monotonic()])

    engine.subscribe(hear)
    naive_ends: list[float] = []
    naive = {"index": 0, "left": float(segments[0].seconds)}

    def naive_tick() -> bool:
        naive["left"] -= TICK
        if naive["left"] <= 1e-9:
            naive_ends.append(time.monotonic())
            naive["index"] += 1
            if naive["index"] == len(segments):
                return False
            naive["left"] += segments[naive["index"]].seconds
        return True

    def engine_tick() -> bool:
        engine.update()
        return engine.status != "finished"

    stop = asyncio.Event()
    load = asyncio.create_task(block_the_loop(stop))
    start = engine.start()[0].at
    naive_start = time.monotonic()
    await asyncio.gather(interval(TICK, engine_tick), interval(TICK, naive_tick))
    stop.set()
    await load

    def errors(times: list[float], origin: float) -> list[float]:
        return [at - (origin + planned) for at, planned in zip(times, plan, strict=True)]

    return {
        "reported": errors(reported, start),
        "observed": errors(observed, start),
        "naive": errors(naive_ends, naive_start),
        "latency": [seen - at for seen, at in zip(observed, reported, strict=True)],
        "end reported": [finished[0] - (start + plan[-1])],
        "end observed": [finished[1] - (start + plan[-1])],
        "end naive": [naive_ends[-1] - (naive_start + plan[-1])],
    }


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} / {max(values, key=abs) * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="session length (default 60)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    segments = routine_of_at_least(args.seconds)
    results: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for key, values in asyncio.run(one_run(segments)).items():
            results.setdefault(key, []).extend(values)

    planned = sum(segment.planned_seconds for segment in segments)
    print(
        f"Segment boundaries, {len(segments)} segments, {planned} s planned, {args.runs} run(s),"
        f" {TICK * 1000:.0f} ms timer, loop blocked {BLOCK_SECONDS * 1000:.0f} ms about every"
        f" {BLOCK_EVERY:.0f} s, on {machine()}\n"
    )
    end_naive = statistics.median(results["end naive"])
    end_observed = statistics.median(results["end observed"])
    rows = [
        [
            "engine, reported (`SegmentEnded.at`)",
            ms(results["reported"]),
            ms(results["end reported"]),
            "target: median < 15, max < 60",
        ],
        [
            "engine, observed (when `update()` ran)",
            ms(results["observed"]),
            ms(results["end observed"]),
            "what the patient hears",
        ],
        [
            "naive tick-counting countdown",
            ms(results["naive"]),
            ms(results["end naive"]),
            f"{end_naive / end_observed:.0f}x the engine's observed end error",
        ],
    ]
    print(
        table(
            [
                "what",
                "boundary error ms: median / worst",
                "end-of-session error ms: median / worst",
                "note",
            ],
            rows,
        )
    )
    latency = results["latency"]
    print(
        f"\nEngine observation latency (update() time - deadline), ms: median "
        f"{statistics.median(latency) * 1000:.1f}, max {max(latency) * 1000:.1f} "
        f"over {len(latency)} boundaries. The next segment still starts at the deadline."
    )


if __name__ == "__main__":
    main()
