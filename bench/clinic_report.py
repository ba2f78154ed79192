"""How fast is `backroutine report`: a clinic of 500 patients with a year each, and one
patient's report over ten years?

Run: .venv/bin/python bench/clinic_report.py
Generates the exports (JSON, as `backroutine export --format json` writes them, checked
against docs/export.schema.json), then times the command in this process, the way the
therapist runs it: `report FOLDER -o clinic.html` (target < 2 s) and
`report EXPORT --since ... -o report.html` over ten years (target < 1 s). Run side by side
with it: the command as it was before (indented exports, read with the standard library's
json), and the baseline, which only reads and parses the same files as the command with the
same parser: the least any reader must do.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema

from backroutine.cli.main import main as backroutine
from backroutine.log import report

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 14, 18, 0, tzinfo=TZ)
EXERCISES = ("Bird-dog", "Bridge", "Knee hug", "Cat-cow")
SCHEMA = Path(__file__).parent.parent / "docs" / "export.schema.json"


def _exercise(rng: random.Random, step: int, name: str) -> dict[str, Any]:
    roll = rng.random()
    outcome = (
        "hurt"
        if roll < 0.02
        else "skipped"
        if roll < 0.05
        else "partly_done"
        if roll < 0.08
        else "done"
    )
    return {
        "step": step + 1,
        "exercise": name,
        "outcome": outcome,
        "sets_done": 2 if outcome == "done" else 1,
        "set_count": 2,
        "reps_done": 16 if outcome == "done" else 9,
        "reps_planned": 16,
        "rep_count": 8,
        "hurt_side": rng.choice(("left", "right")) if outcome == "hurt" else None,
        "hurt_set": 2 if outcome == "hurt" else None,
        "planned_seconds_exercise": 120,
        "active_seconds_exercise": 118.5,
    }


def patient_export(seed: int, days: int, per_week: int = 5) -> dict[str, Any]:
    """A patient's export over `days` days to NOW: about `per_week` sessions a week."""
    rng = random.Random(seed)
    sessions, check_ins = [], []
    keen = rng.uniform(0.5, 1.0)  # how many of the prescribed sessions this one does
    for day in range(days):
        started = (NOW - timedelta(days=days - day)).replace(hour=8, minute=1)
        if rng.random() > keen * per_week / 7:
            continue
        if rng.random() < 0.01:  # screened out at the check-in
            check_ins.append(_check_in(started, None, went_ahead=False))
            continue
        number = len(sessions) + 1
        before = rng.randint(0, 6)
        after = max(0, min(10, before + rng.randint(-2, 3)))
        sessions.append(
            {
                "session_id": number,
                "routine_title": "Low back basics",
                "routine_id": "low-back-basics",
                "routine_version": "1.2",
                "week": day // 7 + 1,
                "routine_file": "low-back.yaml",
                "routine_sha256": "ab" * 32,
                "frequency": f"{per_week} per week",
                "started": started.isoformat(),
                "ended": (started + timedelta(minutes=16)).isoformat(),
                "last_progress": (started + timedelta(minutes=16)).isoformat(),
                "time_zone": "Europe/London",
                "status": "completed" if rng.random() > 0.05 else "quit",
                "pain_before": before,
                "pain_after": after,
                "settled_next_morning": rng.random() > 0.1,
                "pain_flag": f"pain {after}/10 after the session" if after > 5 else None,
                "pain_advice": None,
                "note": "Felt fine." if rng.random() < 0.1 else None,
                "planned_seconds": 900,
                "active_seconds": 870.5,
                "exercises": [_exercise(rng, step, name) for step, name in enumerate(EXERCISES)],
            }
        )
        check_ins.append(_check_in(started - timedelta(minutes=1), number, went_ahead=True))
    return {
        "format": "backroutine-log-export",
        "version": 3,
        "exported_at": NOW.isoformat(timespec="seconds"),
        "sessions": sessions,
        "check_ins": check_ins,
    }


def _check_in(at: datetime, session: int | None, *, went_ahead: bool) -> dict[str, Any]:
    return {
        "session_id": session,
        "routine_title": "Low back basics",
        "routine_file": "low-back.yaml",
        "asked_at": at.isoformat(),
        "asked": True,
        "went_ahead": went_ahead,
        "summary": "no warning signs"
        if went_ahead
        else "told to call their GP or clinician the same day, no exercise",
        "pain_now": 3,
        "leg_pain": None,
        "leg_reach": None,
        "settled_by_next_morning": True,
        "settled_session_id": None,
        "answered_yes": [] if went_ahead else ["fever_unwell"],
        "tier": None if went_ahead else "same_day",
        "advice": [] if went_ahead else ["Call your GP or clinician today. No exercise today."],
    }


def write(path: Path, document: dict[str, Any], *, indent: int | None = None) -> None:
    """As `export` writes it (compact); indented as exports were before."""
    compact = (",", ":") if indent is None else None
    path.write_text(json.dumps(document, indent=indent, separators=compact, ensure_ascii=False))


def timed(actions: list[Callable[[], object]], runs: int) -> list[list[float]]:
    """Each run times every action in turn, side by side, so all meet the same load."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for each, found in zip(actions, times, strict=True):
            start = time.perf_counter()
            each()
            found.append(time.perf_counter() - start)
    return times


def parse_all(paths: list[Path]) -> None:
    parse = report.PARSERS[0]
    for path in paths:
        parse(path.read_bytes())


def run(*args: str) -> None:
    if backroutine(["report", *args, "--force"]) != 0:
        raise SystemExit(f"report {' '.join(args)} failed")


def run_before(*args: str) -> None:
    """The command as it was: the exports indented, read with the standard library's json."""
    parsers = report.PARSERS
    report.PARSERS = (json.loads,)
    try:
        run(*args)
    finally:
        report.PARSERS = parsers


def row(
    name: str, times: list[float], before: list[float], baseline: list[float], target: str
) -> str:
    median = statistics.median(times)
    return (
        f"| {name} | {median:.2f} s ({min(times):.2f}-{max(times):.2f}) | "
        f"{statistics.median(before):.2f} s | {statistics.median(baseline):.2f} s | {target} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    patients, runs = args.patients, args.runs
    schema = json.loads(SCHEMA.read_text())
    with tempfile.TemporaryDirectory() as folder:
        clinic, indented = Path(folder) / "clinic", Path(folder) / "indented"
        clinic.mkdir()
        indented.mkdir()
        paths = []
        for number in range(patients):
            document = patient_export(number, 365)
            if number == 0:
                jsonschema.validate(document, schema)  # the bench reads what export writes
            paths.append(clinic / f"patient-{number:03}.json")
            write(paths[-1], document)
            write(indented / paths[-1].name, document, indent=2)
        size = sum(path.stat().st_size for path in paths)
        size_before = sum(path.stat().st_size for path in indented.iterdir())
        decade, decade_before = Path(folder) / "ten-years.json", Path(folder) / "indented.json"
        ten_years = patient_export(7, 3650, per_week=7)
        jsonschema.validate(ten_years, schema)
        write(decade, ten_years)
        write(decade_before, ten_years, indent=2)
        since = (NOW - timedelta(days=3650)).date().isoformat()
        with contextlib.redirect_stderr(io.StringIO()):  # the "wrote ..." lines
            clinic_times = timed(
                [
                    lambda: run(str(clinic), "-o", f"{folder}/clinic.html"),
                    lambda: run_before(str(indented), "-o", f"{folder}/clinic.html"),
                    lambda: parse_all(paths),
                ],
                runs,
            )
            single = timed(
                [
                    lambda: run(str(decade), "--since", since, "-o", f"{folder}/one.html"),
                    lambda: run_before(
                        str(decade_before), "--since", since, "-o", f"{folder}/one.html"
                    ),
                    lambda: parse_all([decade]),
                ],
                runs,
            )
        sessions = sum(len(patient_export(n, 365)["sessions"]) for n in range(3)) / 3
        decade_mb = decade.stat().st_size / 1e6
    parsing = report.PARSERS[0]
    print(
        f"{patients} patients x 1 year ({sessions:.0f} sessions each on average, "
        f"{size / 1e6:.0f} MB of JSON, {size_before / 1e6:.0f} MB indented); one patient x "
        f"10 years ({len(ten_years['sessions']):,} sessions, {decade_mb:.1f} MB). "
        f"Median of {runs} runs (min-max); JSON parsed with "
        f"{parsing.__module__}.{parsing.__name__}.\n"
    )
    print(
        "| measure | `backroutine report` | before: indented, read with json "
        "| baseline: parse the JSON | target |"
    )
    print("|---|---|---|---|---|")
    print(row(f"clinic view, {patients} patients x 1 year", *clinic_times, "< 2 s"))
    print(row("one patient's report, 10 years", *single, "< 1 s"))


if __name__ == "__main__":
    main()
