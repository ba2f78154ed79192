"""Validation of 1,000 routine files against a bare `yaml.safe_load` of the same files.

Target (issue 2): full validation costs at most 2x the bare parse.
    .venv/bin/python bench/validation.py [--files 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, summary, table

from backroutine.routine.loader import load_routine

EXERCISES = [
    "Bridge",
    "Bird-dog",
    "Dead bug",
    "Plank",
    "Side plank",
    "Cat-cow",
    "Knee to chest",
    "Pelvic tilt",
    "Child's pose",
    "Piriformis stretch",
    "Hamstring stretch",
    "Walk",
]


def routine_text(rng: random.Random) -> str:
    lines = [
        f"title: Routine {rng.randrange(10**6)}",
        "frequency: 3 per week",
        "safety:",
        "  - Stop on sharp pain, numbness, tingling or leg weakness.",
        "defaults:",
        "  rest: 30s",
        "steps:",
    ]
    for _ in range(rng.randint(4, 9)):
        lines.append(f"  - name: {rng.choice(EXERCISES)}")
        timing = rng.choice(
            ["hold: 30s", "reps: 10\n    hold: 5s\n    relax: 3s", "reps: 12", "duration: 5m"]
        )
        lines.append("    " + timing)
        if rng.random() < 0.5:
            lines.append("    per_side: true")
        lines.append(f"    sets: {rng.randint(1, 3)}")
        lines += [
            "    tips:",
            "      - Keep your back flat on the floor.",
            "      - Breathe out as you lift.",
            "    caution: Stop if it hurts.",
        ]
        if rng.random() < 0.3:
            lines.append("  - rest: 1m")
    return "\n".join(lines) + "\n"


def timed(action, paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        action(path)
    return time.perf_counter() - start


def bare_parse(path: Path) -> None:
    yaml.safe_load(path.read_bytes())


def bare_parse_libyaml(path: Path) -> None:
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def validate(path: Path) -> None:
    load_routine(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number in range(args.files):
            path = Path(folder) / f"r{number}.yaml"
            path.write_text(routine_text(rng))
            paths.append(path)
        validate(paths[0])  # import and warm up both paths before timing
        bare_parse(paths[0])
        bare, libyaml, ours = [], [], []
        for _ in range(args.runs):  # interleave so drift in machine load hits all alike
            bare.append(timed(bare_parse, paths))
            libyaml.append(timed(bare_parse_libyaml, paths))
            ours.append(timed(validate, paths))
    ratio = statistics.median(ours) / statistics.median(bare)
    libyaml_ratio = statistics.median(ours) / statistics.median(libyaml)
    print(f"Validation of {args.files} routine files, {args.runs} runs, on {machine()}\n")
    print(
        table(
            ["what", "time for all files: median (min-max)", "ratio"],
            [
                ["bare `yaml.safe_load` (baseline)", summary(bare), "1.00"],
                [
                    "bare parse with libyaml's CSafeLoader",
                    summary(libyaml),
                    f"{statistics.median(libyaml) / statistics.median(bare):.2f}",
                ],
                [
                    "`load_routine` (parse + validate)",
                    summary(ours),
                    f"{ratio:.2f}x (target <= 2x); {libyaml_ratio:.2f}x the libyaml parse",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
