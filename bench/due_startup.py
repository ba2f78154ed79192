"""What the shell nudge costs when a terminal opens, against `python -c pass`.

Target (issue 9): under 3x `python -c pass`. The snippet reads a once-a-day stamp in
the shell, so most terminals start no Python at all; the first terminal of the day runs
`python -m backroutine.reminders.nudge`. Both are measured in a real `bash -i`, against
`bash -i` with an empty start-up file, in a home in a temporary folder with a year of
daily sessions logged.
    .venv/bin/python bench/due_startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, summary, table

from backroutine.log.store import CompletionLog
from backroutine.reminders.shell import snippet
from backroutine.routine.frequency import Frequency

ROUTINE = (
    "title: Core stability\nfrequency: 3 per week\nsteps:\n  - name: Bird-dog\n    hold: 10s\n"
)
IMPORTS = (
    "import sys; from backroutine.cli.main import main; main(['due', '--quiet']); "
    "print(' '.join(m for m in ('textual', 'pydantic', 'yaml', 'icalendar') if m in sys.modules)"
    " or 'none')"
)


def make_home(root: Path) -> dict[str, str]:
    """A patient's home: one routine of their own, a year of sessions, nothing done today."""
    env = {
        "HOME": str(root),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TERM": "dumb",
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_CONFIG_HOME": str(root / "config"),
    }
    routines = root / "data" / "backroutine" / "routines"
    routines.mkdir(parents=True)
    path = routines / "core.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    with CompletionLog.open(root / "data" / "backroutine" / "log.sqlite3") as log:
        now = datetime.now().astimezone()
        for days_ago in range(365, 0, -2):
            started = now - timedelta(days=days_ago)
            session = log.start_session(
                routine_title="Core stability",
                routine_path=str(path.resolve()),
                routine_sha256="0" * 64,
                frequency=Frequency(3, "week"),
                planned_seconds=600,
                started=started,
                time_zone="UTC",
            )
            log.finish_session(session, status="completed", ended=started + timedelta(minutes=10))
    return env


def timed(command: list[str], env: dict[str, str], before=None) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    subprocess.run(
        command,
        env=env,
        input=b"exit\n",
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = make_home(root)
        stamp = root / "cache" / "backroutine" / "nudged-on"
        command = [sys.executable, "-m", "backroutine"]
        with_snippet = {**env, "HOME": str(root / "with")}
        without = {**env, "HOME": str(root / "without")}
        for home in (root / "with", root / "without"):
            home.mkdir()
        nudge = [sys.executable, "-m", "backroutine.reminders.nudge"]
        (root / "with" / ".bashrc").write_text(snippet("bash", nudge, stamp))
        (root / "without" / ".bashrc").write_text("")

        def stamp_today() -> None:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(date.today().isoformat() + "\n")

        def stamp_yesterday() -> None:
            stamp.write_text((date.today() - timedelta(days=1)).isoformat() + "\n")

        cases = {
            "`python -c pass` (baseline)": ([sys.executable, "-c", "pass"], env, None),
            "`bash -i`, empty .bashrc": (["bash", "-i"], without, None),
            "`bash -i` + snippet, later terminal (stamped today)": (
                ["bash", "-i"],
                with_snippet,
                stamp_today,
            ),
            "`bash -i` + snippet, first terminal of the day": (
                ["bash", "-i"],
                with_snippet,
                stamp_yesterday,
            ),
            "`backroutine due` alone": ([*command, "due"], env, None),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):  # interleaved, so background load hits every case alike
            for name, (case, case_env, before) in cases.items():
                times[name].append(timed(case, case_env, before))
        loaded = subprocess.run(
            [sys.executable, "-c", IMPORTS], env=env, capture_output=True, text=True, check=False
        ).stdout.strip()

    baseline = statistics.median(times["`python -c pass` (baseline)"])
    bare_bash = statistics.median(times["`bash -i`, empty .bashrc"])
    print(f"Shell nudge start-up, {args.runs} runs each, on {machine()}\n")
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        extra = ""
        if "snippet" in name:
            added = median - bare_bash
            extra = f"+{added * 1000:.1f} ms = {added / baseline:.2f}x"
        rows.append([name, summary(values), f"{median / baseline:.2f}x", extra])
    print(
        table(
            [
                "case",
                "wall time: median (min-max)",
                "ratio to `python -c pass`",
                "snippet's cost over bare `bash -i` (ratio; target < 3x)",
            ],
            rows,
        )
    )
    print(f"\nModules `backroutine due` imports, of textual/pydantic/yaml/icalendar: {loaded}")


if __name__ == "__main__":
    main()
