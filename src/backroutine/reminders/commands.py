"""The `due` and `remind` sub-commands; `backroutine.cli` hands them the parsed arguments."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backroutine.log.store import CompletionLog
    from backroutine.reminders.due import DueStatus
    from backroutine.reminders.timers import LaunchdAgent, NoScheduler, SystemdTimer

EXIT_DUE, EXIT_NOTHING_DUE, EXIT_USAGE = 0, 1, 2

OpenLog = Callable[[argparse.Namespace], "CompletionLog"]


def _statuses(args: argparse.Namespace, open_log: OpenLog) -> list[DueStatus]:
    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.reminders.due import read_due

    with open_log(args) as log:
        return read_due(log, user_routines_dir(data_dir(args.data_dir)))


def due(args: argparse.Namespace, open_log: OpenLog) -> int:
    """`backroutine due`: exit 0 when a routine is due, 1 when none is."""
    from backroutine.base.text import printable

    statuses = _statuses(args, open_log)
    if not args.quiet:
        for status in statuses:
            print(printable(status.describe()))
        if not statuses:
            print("Nothing is due: none of your routines gives a frequency (e.g. 3 per week).")
    return EXIT_DUE if any(status.due for status in statuses) else EXIT_NOTHING_DUE


def remind(args: argparse.Namespace, open_log: OpenLog) -> int:
    """`backroutine remind shell|install|status|uninstall|notify|ics`."""
    return {
        "shell": _shell,
        "install": _install,
        "status": _status,
        "uninstall": _uninstall,
        "notify": _notify,
        "ics": _ics,
    }[args.how](args, open_log)


def _self_command(args: argparse.Namespace, module: str = "backroutine") -> list[str]:
    """How a reminder runs this backroutine again: this interpreter, with the same data folder."""
    command = [sys.executable, "-m", module]
    if args.data_dir is not None:
        command += ["--data-dir", str(Path(args.data_dir).resolve())]
    return command


def _shell(args: argparse.Namespace, open_log: OpenLog) -> int:
    from backroutine.reminders.shell import default_stamp_path, snippet, startup_file

    nudge = _self_command(args, "backroutine.reminders.nudge")
    print(snippet(args.shell, nudge, default_stamp_path()), end="")
    if sys.stdout.isatty():
        print(
            f"\n# Add these lines to {startup_file(args.shell)}, e.g.:\n"
            f"#   backroutine remind shell {args.shell} >> {startup_file(args.shell)}",
            file=sys.stderr,
        )
    return EXIT_DUE


def _timer(args: argparse.Namespace) -> SystemdTimer | LaunchdAgent | NoScheduler:
    from backroutine.reminders.timers import choose_scheduler

    return choose_scheduler(_self_command(args))


def _install(args: argparse.Namespace, open_log: OpenLog) -> int:
    from backroutine.reminders.timers import NoScheduler, parse_clock_times

    try:
        times = parse_clock_times(args.at or ["08:00"])
    except ValueError as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not args.at:  # also at each time of a rhythm (`every 2 hours between 08:00 and 20:00`)
        rhythms = {at for s in _statuses(args, open_log) for at in s.frequency.times_of_day()}
        times = sorted({*times, *rhythms})
    scheduler = _timer(args)
    if isinstance(scheduler, NoScheduler):
        print(scheduler.reason, file=sys.stderr)
        return EXIT_NOTHING_DUE
    print(scheduler.install(times))
    return EXIT_DUE


def _status(args: argparse.Namespace, open_log: OpenLog) -> int:
    scheduler = _timer(args)
    print(scheduler.status())
    return EXIT_DUE if scheduler.installed() else EXIT_NOTHING_DUE


def _uninstall(args: argparse.Namespace, open_log: OpenLog) -> int:
    print(_timer(args).uninstall())
    return EXIT_DUE


def _notify(args: argparse.Namespace, open_log: OpenLog) -> int:
    """What the timer runs: a desktop notification when a routine is due."""
    from backroutine.reminders.timers import notify

    due_now = [status for status in _statuses(args, open_log) if status.due]
    if due_now:
        notify([status.describe() for status in due_now], due_now[0].routine.run_name)
    # Exit 0 even when nothing is due, or the timer's service would be marked failed.
    return EXIT_DUE


def _ics(args: argparse.Namespace, open_log: OpenLog) -> int:
    from backroutine.base.files import write_atomically
    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.base.text import printable
    from backroutine.reminders.ics import ScheduleError, routine_calendar, schedule_for
    from backroutine.routine.catalog import UnknownRoutine, load_entry, resolve

    try:
        path = resolve(args.routine, user_routines_dir(data_dir(args.data_dir)))
    except UnknownRoutine as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    entry = load_entry(path)
    if entry.loaded is None:
        for problem in entry.problems:  # file names may hold anything
            print(printable(str(problem)), file=sys.stderr)
        return EXIT_NOTHING_DUE
    routine = entry.loaded.routine
    frequency = routine.frequency
    if routine.stages:  # the frequency of the patient's stage
        with open_log(args) as log:
            frequency = routine.frequency_for(log.current_stage(str(path.resolve())))
    try:
        schedule = schedule_for(frequency, args.at or [], args.days)
    except ScheduleError as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    from backroutine.base.clock import local_now, local_zone

    now = local_now()
    calendar = routine_calendar(
        routine, path.stem, schedule, start=now.date(), tz=local_zone(now), stamp=now
    )
    write_atomically(args.output, calendar.to_ical(), replace=args.force)
    print(f"wrote {args.output}: {schedule.describe()}", file=sys.stderr)
    if frequency is None:
        print("note: the routine gives no frequency, so the events are daily", file=sys.stderr)
    return EXIT_DUE
