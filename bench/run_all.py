"""Run every benchmark and write BENCHMARKS.md (about 4-5 minutes; not part of the tests).

    .venv/bin/python bench/run_all.py [--quick]
Each benchmark runs in its own process, one after another, so none disturbs another.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine

HERE = Path(__file__).parent
# (section title, issue, script, arguments, quick arguments)
BENCHMARKS = [
    (
        "Routine validation vs bare YAML parse",
        2,
        "validation.py",
        ["--runs", "5"],
        ["--runs", "2", "--files", "200"],
    ),
    ("Command start-up vs `python -c pass`", 2, "startup.py", ["--runs", "15"], ["--runs", "3"]),
    (
        "The app's validating helper: processor time to its answer",
        15,
        "validating_helper.py",
        ["--runs", "15"],
        ["--runs", "2"],
    ),
    (
        "Timer boundaries vs a naive countdown, under loop load",
        3,
        "engine_drift.py",
        ["--seconds", "60"],
        ["--seconds", "10"],
    ),
    (
        "The app in tmux at 80x24 vs a hello app",
        4,
        "app_in_tmux.py",
        ["--launches", "15", "--runs", "2", "--hold-window", "15"],
        ["--launches", "3", "--runs", "1", "--hold-window", "3"],
    ),
    (
        "Cue latency and event-loop stalls",
        5,
        "audio_latency.py",
        ["--runs", "5"],
        ["--runs", "1", "--cues", "10"],
    ),
    ("Completion log: ten years of history, durable writes", 6, "log_history.py", [], []),
    ("Reminder start-up in a shell", 9, "due_startup.py", ["--runs", "15"], ["--runs", "3"]),
    ("Hostile routine files", 8, "reliability.py", ["--files", "20000"], ["--files", "500"]),
    (
        "Model-based walks through the app",
        14,
        "reliability.py",
        ["--files", "0", "--walks", "1000"],
        ["--files", "0", "--walks", "20"],
    ),
    (
        "The full-screen app killed at random moments",
        14,
        "reliability.py",
        ["--files", "0", "--kills", "40"],
        ["--files", "0", "--kills", "5"],
    ),
    (
        "Clinic view and the single-patient report vs parsing the exports",
        20,
        "clinic_report.py",
        ["--runs", "5"],
        ["--runs", "1", "--patients", "50"],
    ),
    (
        "The neural voice: cold synthesis per routine, the app's memory",
        21,
        "neural_voice.py",
        ["--runs", "3", "--hold", "15"],
        ["--runs", "1", "--hold", "5"],
    ),
    (
        "What each bundled routine's speech is made of, in the neural voice",
        21,
        "neural_phrases.py",
        [],
        [],
    ),
    (
        "The neural voice's helper under onnxruntime's session options",
        21,
        "neural_options.py",
        ["--runs", "3"],
        ["--runs", "1"],
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs: a check, not figures")
    parser.add_argument("-o", "--output", type=Path, default=HERE.parent / "BENCHMARKS.md")
    args = parser.parse_args()
    sections = []
    started = time.perf_counter()
    for title, issue, script, full, quick in BENCHMARKS:
        arguments = quick if args.quick else full
        command = [sys.executable, str(HERE / script), *arguments]
        print(f"running {script} {' '.join(arguments)}", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
        took = time.perf_counter() - begun
        failure = result.stderr.strip()[-2000:]
        body = (
            result.stdout.strip()
            if result.returncode == 0
            else f"**failed** (exit {result.returncode}):\n\n```\n{failure}\n```"
        )
        sections.append(
            f"## {title} (issue {issue})\n\n`python bench/{script} {' '.join(arguments)}` "
            f"({took:.0f} s)\n\n{body}\n"
        )
    total = time.perf_counter() - started
    header = (
        "# Benchmarks\n\nWritten by `python bench/run_all.py` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {total:.0f} s in all, on {machine()}.\n"
        "Every figure is measured side by side with its baseline in the same run; medians "
        "with (min-max) over the runs shown. Not part of the test run.\n"
    )
    args.output.write_text(header + "\n" + "\n".join(sections))
    print(f"wrote {args.output} in {total:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
