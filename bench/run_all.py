"""Run every benchmark and write BENCHMARKS.md (about 4-5 minutes; not part of the tests).

    .venv/bin/python bench/run_all.py [--quick]
Each benchmark runs in its own process, one after another, so none disturbs another.

It writes only what it owns: the header and each benchmark's figures, each between a pair of
comment lines (`<!-- NAME: written by bench/run_all.py -->` ... `<!-- end of NAME -->`). All
else in the file, the explanations written by hand between the tables and the sections of
other runs, stays as it was; a benchmark new to the file is added at its end.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine

from backroutine.base.files import write_atomically

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


HEADER = "header"
"""The name of the block under the file's title: when, how long and on what machine."""


def block(name: str, text: str) -> str:
    """`text` between the comment lines that mark it as `name`, written by this script."""
    return f"<!-- {name}: written by bench/run_all.py -->\n{text.strip()}\n<!-- end of {name} -->"


def merged(old: str, written: dict[str, tuple[str, str]]) -> str:
    """`old` with each block named in `written` (name -> heading, text) replaced by its new
    text; a block it does not hold yet goes under its heading, or with its heading at the
    end. All else in `old` stays as it was."""
    text = old
    for name, (heading, body) in written.items():
        marked = re.compile(
            rf"<!-- {re.escape(name)}: written by bench/run_all\.py -->\n"
            rf".*?\n<!-- end of {re.escape(name)} -->",
            re.DOTALL,
        )
        new = block(name, body)
        if found := marked.search(text):
            text = text[: found.start()] + new + text[found.end() :]
        elif found := re.search(rf"(?m)^{re.escape(heading)}$", text):
            # A section written by hand under this heading: the figures go first, above it.
            text = f"{text[: found.end()]}\n\n{new}{text[found.end() :]}"
        else:
            text = f"{text.rstrip()}\n\n{heading}\n\n{new}\n".lstrip()
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs: a check, not figures")
    parser.add_argument("-o", "--output", type=Path, default=HERE.parent / "BENCHMARKS.md")
    args = parser.parse_args()
    written: dict[str, tuple[str, str]] = {}
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
        written[title] = (
            f"## {title} (issue {issue})",
            f"`python bench/{' '.join([script, *arguments])}` ({took:.0f} s)\n\n{body}",
        )
    total = time.perf_counter() - started
    header = (
        "Written by `python bench/run_all.py` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {total:.0f} s in all, on {machine()}.\n"
        "Every figure is measured side by side with its baseline in the same run; medians "
        "with (min-max) over the runs shown. Not part of the test run. The sections without "
        "its marks were written by hand, from runs of their own."
    )
    old = args.output.read_text() if args.output.exists() else ""
    report = merged(old, {HEADER: ("# Benchmarks", header), **written})
    write_atomically(args.output, report)
    print(f"wrote {args.output} in {total:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
