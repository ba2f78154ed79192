"""The argument parser for every sub-command; it imports nothing but the standard library."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

from backroutine import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="backroutine",
        description="Guided home exercise routines for back pain. Not a substitute for your "
        "clinician: stop on sharp pain that does not ease when you stop, or on new or spreading "
        "numbness, tingling or weakness in your legs.",
    )
    _add_data_dir(parser, default=None)
    # Options given again after the sub-command; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    _add_data_dir(common, default=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"backroutine {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.add_argument("--version", action="version", version=f"backroutine {__version__}")
        return sub

    run = command("run", "start a routine now (a file path or a routine's name)")
    run.add_argument("routine", metavar="ROUTINE")
    run.add_argument(
        "--plain",
        action="store_true",
        help="no full-screen interface: one line per event (screen readers, dumb terminals)",
    )
    run.add_argument(
        "--no-checkin",
        action="store_true",
        help="for unattended scripts and tests only: skip the pain and safety check-in "
        "(the log records that none was asked; plain mode runs unattended)",
    )
    _add_session_options(run, default=argparse.SUPPRESS)
    _add_session_options(parser, default=False)

    validate = command("validate", "check routine files and folders; exit 1 if any has a problem")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.add_argument(
        "--strict",
        action="store_true",
        help="count warnings (slips that may change the dose) as problems",
    )

    command("list", "list the bundled routines and your own")
    command("schema", "print the JSON Schema of the routine format (for editors)")
    share = command("import", "check a routine from your therapist and add it to your routines")
    share.add_argument("file", type=Path, metavar="FILE")
    share.add_argument("--force", action="store_true", help="replace an equal or newer version")
    new = command("new", "write a commented routine template to start from")
    new.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar="FILE",
        help="where to write it (default: a file named after the title, or the screen)",
    )
    new.add_argument("--title", help="the routine's title (asked for when not given)")
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    handout = command("print", "a routine as a one-page handout to print (Markdown or HTML)")
    handout.add_argument("routine", metavar="ROUTINE")
    handout.add_argument("--format", choices=["md", "html"], default="md")
    handout.add_argument("--week", type=int, metavar="N", help="with the numbers of week N")
    handout.add_argument("--patient", metavar="NAME", help="the patient's name, printed at the top")
    handout.add_argument(
        "--clinic",
        metavar="CONTACT",
        help="the clinic's or therapist's contact, printed at the top",
    )
    handout.add_argument("--paper", choices=["a4", "letter"], default="a4")
    handout.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="a .pdf is printed with Chromium (HTML)"
    )
    handout.add_argument("--force", action="store_true", help="replace FILE if it exists")
    command("history", "streaks, adherence and pain trend from your completion log")
    settings = command("settings", "show your settings, or change one, e.g. settings voice off")
    settings.add_argument("name", nargs="?", metavar="NAME", help="sound, voice, volume, ...")
    settings.add_argument("value", nargs="?", metavar="VALUE", help="on/off, or a number")
    export = command("export", "write your completion log for your therapist (CSV or JSON)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD", help="only sessions from this day on"
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of the screen"
    )
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.add_argument(
        "--paths",
        action="store_true",
        help="name each routine by its full path, not its file name only",
    )

    report = command(
        "report",
        "the review page for your therapist (HTML or PDF); or, given a folder of exports, "
        "the clinic view",
    )
    report.add_argument(
        "source",
        type=Path,
        nargs="?",
        metavar="EXPORT|FOLDER",
        help="a patient's JSON export, or a folder of them (default: your own log)",
    )
    report.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="from this day on (default: since the routine last changed)",
    )
    report.add_argument("--paper", choices=["a4", "letter"], default="a4")
    report.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (a .pdf is printed with Chromium) instead of the screen",
    )
    report.add_argument("--force", action="store_true", help="replace FILE if it exists")

    due = command("due", "what is due now; exit 0 when a routine is due, 1 when none is")
    due.add_argument("-q", "--quiet", action="store_true", help="print nothing: exit status only")
    remind = command("remind", "reminders while backroutine is closed: shell, desktop, calendar")
    how = remind.add_subparsers(dest="how", metavar="HOW", required=True)

    def reminder(name: str, text: str) -> argparse.ArgumentParser:
        return how.add_parser(name, help=text, description=text, parents=[common])

    shell = reminder("shell", "print lines for your shell's start-up file: a nudge once a day")
    shell.add_argument("shell", choices=["bash", "zsh", "fish"])
    install = reminder("install", "a daily desktop notification when a routine is due")
    install.add_argument(
        "--at",
        action="append",
        metavar="HH:MM",
        help="time of day (repeat for more; 08:00 and the times of your routines' rhythms)",
    )
    reminder("status", "is the desktop reminder installed, and when does it fire")
    reminder("uninstall", "remove the desktop reminder")
    reminder("notify", "notify now if a routine is due (what the desktop reminder runs)")
    ics = reminder("ics", "write calendar events with an alarm, matching the routine's frequency")
    ics.add_argument("routine", metavar="ROUTINE")
    ics.add_argument("--at", action="append", metavar="HH:MM", help="time of day (repeatable)")
    ics.add_argument("--days", metavar="mon,wed,fri", help="the days, for N per week")
    ics.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    ics.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return parser


def _date(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-01-31") from None


def _add_data_dir(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=default,
        help="keep the log and your routines here instead of the user data folder",
    )


def _beat_seconds(text: str) -> int:
    if not (text.isdigit() and 1 <= int(text) <= 10):
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of seconds, 1 to 10")
    return int(text)


def _add_session_options(parser: argparse.ArgumentParser, default: bool | str) -> None:
    def flag(name: str, help_text: str) -> None:
        parser.add_argument(name, action="store_true", default=default, help=help_text)

    flag("--no-audio", "no sounds and no voice")
    flag("--no-voice", "sounds, but no spoken announcements")
    flag("--wait", "wait for a key before each exercise instead of starting it by itself")
    parser.add_argument(
        "--beat",
        type=_beat_seconds,
        metavar="SECONDS",
        default=default if default is argparse.SUPPRESS else 0,
        help="pace each set done at your own pace with a beat, one rep every SECONDS "
        "(1 to 10), so it ends without a key",
    )
