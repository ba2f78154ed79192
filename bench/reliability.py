"""Reliability at scale: hostile routine files, model-based walks through the app, and the
full-screen app killed at random moments.

- Hostile files: the test suite's generator (tests/test_hostile_files.py) with more inputs.
- Walks: the model-based test's walks (tests/tui/model_walk.py) through the real app under
  Pilot, hundreds or thousands instead of the test run's 40; every failure is counted, grouped
  by what went wrong, with the first case it appeared in and the shortest walk that showed it.
- Kills: the real `backroutine run ROUTINE --no-checkin` full screen in tmux, SIGKILLed
  after a random (real, short) time, then reopened on the same log: is the session offered
  for resuming, and does the log still hold every segment it had finished?
    .venv/bin/python bench/reliability.py [--files 20000] [--walks 3000] [--kills 40]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table
from plain_runs import SHORT_ROUTINE
from test_hostile_files import hostile_files, load_all


def hostile(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "routines"
        folder.mkdir()
        start = time.perf_counter()
        outcomes = load_all(folder, hostile_files(random.Random(args.seed), args.files))
        took = time.perf_counter() - start
    failures = sum(
        v for k, v in outcomes.items() if k.startswith(("traceback", "unlocated", "read outside"))
    )
    print(f"Hostile routine files, seed {args.seed}, {took:.1f} s, on {machine()}\n")
    rows = [[kind, str(count)] for kind, count in sorted(outcomes.items())]
    rows.append(
        ["**failures** (tracebacks, unlocated errors, reads outside the folder)", f"**{failures}**"]
    )
    print(table(["outcome", "count"], rows))


# --- model-based walks ---------------------------------------------------------------------


@dataclass
class Failure:
    """One kind of failure the walks found."""

    first_case: int
    count: int = 0
    shortest: str = ""
    steps: int = 10**9
    routine: str = ""
    setup: str = ""


@dataclass
class WalkResults:
    cases: int = 0
    actions: int = 0
    failures: dict[str, Failure] = field(default_factory=dict)


def kind_of(problem: str) -> str:
    """What went wrong, without the numbers that differ from case to case."""
    if problem.startswith("the app raised"):
        problem = "the app raised " + problem.strip().splitlines()[-1]
    return re.sub(r"\d+(\.\d+)?", "N", problem.splitlines()[0])


def run_walks(walks: int, seed: int) -> WalkResults:
    """Run `walks` generated walks, counting the failures instead of stopping at the first."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st
    from tui.model_walk import SETUPS, WALK_LENGTHS, Divergence, drawn, routines, run_walk

    results = WalkResults()

    @settings(
        max_examples=walks,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis_seed(seed)
    @given(routine=routines(), setup=SETUPS, data=st.data())
    def walk(routine, setup, data) -> None:
        results.cases += 1
        steps = data.draw(WALK_LENGTHS)
        results.actions += steps
        try:
            run_walk(routine, setup, drawn(data), steps)
        except Divergence as divergence:
            problem, _, after = str(divergence).partition("\nafter:\n")
            kind = kind_of(problem)
            failure = results.failures.setdefault(kind, Failure(results.cases))
            failure.count += 1
            length = after.count("\n") + 1
            if length < failure.steps:
                failure.steps, failure.shortest = length, after
                failure.routine, failure.setup = routine, repr(setup)

    walk()
    return results


def model_walks(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    results = run_walks(args.walks, args.seed)
    took = time.perf_counter() - start
    print(f"Model-based walks through the app, seed {args.seed}, {took:.0f} s, on {machine()}\n")
    failed = sum(failure.count for failure in results.failures.values())
    rows = [["walks", str(results.cases)], ["actions checked", str(results.actions)]]
    rows += [
        [f"failed: {kind} (first in walk {failure.first_case})", str(failure.count)]
        for kind, failure in sorted(results.failures.items(), key=lambda kv: kv[1].first_case)
    ]
    rows.append(["**walks failed**", f"**{failed}**"])
    print(table(["outcome", "count"], rows))
    for kind, failure in results.failures.items():
        print(
            f"\nShortest walk for: {kind}\n\n```\n{failure.routine}---\n{failure.setup}\n"
            f"{failure.shortest}\n```"
        )


# --- the full-screen app killed -------------------------------------------------------------

SURELY_FINISHED_MARGIN = 1.0
"""A segment that ended this long before the kill was surely finished and logged by then."""


class Tmux:
    """A tmux server of our own (not the patient's), for full-screen apps at 80x24."""

    def __init__(self, folder: Path) -> None:
        self.socket = str(folder / "tmux.socket")
        # A session kept open keeps the server up: one exiting between runs fails the next.
        self("new-session", "-d", "-s", "keepalive", "sleep 3600")

    def __call__(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def start(self, name: str, command: list[str], env: dict[str, str]) -> int:
        """Run `command` full screen in session `name`; return its process id."""
        settings = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        line = f"exec env {settings} {shlex.join(command)}"
        self("new-session", "-d", "-s", name, "-x", "80", "-y", "24", line)
        return int(self("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def screen(self, name: str) -> str:
        return self("capture-pane", "-p", "-t", name)

    def wait_for(self, name: str, texts: tuple[str, ...], timeout: float = 30.0) -> str | None:
        """The first of `texts` to appear on the screen, or None after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen(name)
            for text in texts:
                if text in screen:
                    return text
            time.sleep(0.02)
        return None

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


@dataclass
class KillResults:
    kills: int = 0
    sessions_killed: int = 0
    """Kills that fell mid-session (the others fell before it began or after it ended)."""
    resumable: int = 0
    """Of those, how many the reopened app offered to resume."""
    segments_lost: int = 0
    """Segments surely finished before the kill that the log did not hold."""
    unsound_logs: int = 0
    notes: Counter = field(default_factory=Counter)


def kill_tests(kills: int, seed: int) -> KillResults:
    """Start the full-screen app, SIGKILL it after a random time, reopen it, count."""
    from backroutine.log.store import CompletionLog
    from backroutine.routine.loader import load_routine

    rng = random.Random(seed)
    results = KillResults()
    source = Path(__file__).parents[1] / "src"
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        routine = folder / "kill-test.yaml"
        routine.write_text(SHORT_ROUTINE)
        ends = list(
            itertools.accumulate(
                s.planned_seconds for s in load_routine(routine).routine.segments()
            )
        )
        env = {
            "PYTHONPATH": str(source),
            "TERM": "xterm-256color",
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_CACHE_HOME": str(folder / "cache"),
        }
        tmux = Tmux(folder)
        try:
            for n in range(kills):
                data = folder / f"data{n}"
                command = [
                    sys.executable,
                    "-m",
                    "backroutine",
                    "run",
                    str(routine),
                    "--no-checkin",
                    "--no-audio",
                    "--data-dir",
                    str(data),
                ]
                early = n % 5 == 0  # every fifth while it starts up, opens or creates the log
                pid = tmux.start(f"run{n}", command, env)
                if early:
                    time.sleep(rng.uniform(0.0, 1.5))
                    started = None
                else:
                    seen = tmux.wait_for(f"run{n}", ("Bridge",))
                    started = time.monotonic() if seen else None
                    time.sleep(rng.uniform(0.2, ends[-1] + 1.0))
                os.kill(pid, signal.SIGKILL)
                killed = time.monotonic()
                results.kills += 1
                log_path = data / "log.sqlite3"
                if not log_path.exists():
                    results.notes["killed before the log was created"] += 1
                    continue
                with CompletionLog.open(log_path) as log:
                    if log.integrity_problems():
                        results.unsound_logs += 1
                    sessions = log.sessions()
                unfinished = [s for s in sessions if s.status == "in_progress"]
                if not sessions:
                    results.notes["killed before the session began"] += 1
                    continue
                if all(s.status == "completed" for s in sessions):
                    results.notes["killed after the routine was complete (nothing to resume)"] += 1
                    continue
                results.sessions_killed += 1
                if started is not None:  # the player was seen: which segments surely ended
                    ran = killed - started - SURELY_FINISHED_MARGIN
                    surely = sum(end <= ran for end in ends)
                    logged = max((s.segments_done for s in sessions), default=0)
                    results.segments_lost += max(0, surely - logged)
                if not unfinished:
                    results.notes[
                        "session no longer in progress after the kill: "
                        + ", ".join(s.status for s in sessions)
                    ] += 1
                    continue
                tmux.start(f"reopen{n}", command, env)
                offer = tmux.wait_for(
                    f"reopen{n}", ("Resume where you stopped", "running elsewhere"), timeout=15
                )
                if offer == "Resume where you stopped":
                    results.resumable += 1
                else:
                    results.notes[f"not offered on reopening ({offer or 'nothing said'})"] += 1
                tmux("kill-session", "-t", f"reopen{n}")
        finally:
            tmux.close()
    return results


def full_screen_kills(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    results = kill_tests(args.kills, args.seed)
    took = time.perf_counter() - start
    print(
        f"The full-screen app (`backroutine run ROUTINE --no-checkin` in tmux at 80x24) "
        f"SIGKILLed at random moments, seed {args.seed}, {took:.0f} s, on {machine()}\n"
    )
    rows = [
        ["kills (one in five during start-up)", str(results.kills)],
        ["kills mid-session", str(results.sessions_killed)],
        ["**sessions resumable** (offered on reopening)", f"**{results.resumable}**"],
        ["**finished segments lost**", f"**{results.segments_lost}**"],
        ["logs failing the integrity check", str(results.unsound_logs)],
    ]
    rows += [[note, str(count)] for note, count in sorted(results.notes.items())]
    print(table(["outcome", "count"], rows))
    print(
        f"\nA segment counts as finished when it ended at least {SURELY_FINISHED_MARGIN:.0f} s "
        "before the kill, timed from when the player first showed the exercise."
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20000, help="hostile routine files")
    parser.add_argument("--walks", type=int, default=0, help="model-based walks through the app")
    parser.add_argument("--kills", type=int, default=0, help="full-screen app SIGKILLed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.files:
        hostile(args)
    if args.walks:
        print()
        model_walks(args)
    if args.kills:
        print()
        full_screen_kills(args)


if __name__ == "__main__":
    main()
