"""The shell nudge: a few lines for the shell's start-up file, shown once a day.

The snippet reads a stamp file holding the date of the last check. On every terminal
opened after the first of the day it stops right there, in the shell itself, without
starting Python. The first terminal of the day runs `backroutine.reminders.nudge`, which
writes today's date to the stamp and prints the routines that are due, if any.

Checking once a day misses nothing: a routine only becomes due when a new day starts.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from backroutine.reminders.due import DueStatus

SHELLS = ("bash", "zsh", "fish")
STAMP_NAME = "nudged-on"


def default_stamp_path() -> Path:
    """Where the date of the last nudge is kept (in the cache folder: losing it is harmless)."""
    from backroutine.base.paths import cache_dir

    return cache_dir() / STAMP_NAME


def checked_today(stamp: Path, today: date) -> bool:
    """True when the stamp says the nudge already ran today."""
    try:
        return stamp.read_text(encoding="ascii").strip() == today.isoformat()
    except (OSError, UnicodeDecodeError):
        return False


def mark_checked(stamp: Path, today: date) -> None:
    """Record that the nudge ran today."""
    from backroutine.base.files import write_atomically

    stamp.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(stamp, today.isoformat() + "\n")


def nudge_text(statuses: Sequence[DueStatus]) -> str:
    """What a new terminal shows: the due routines and how to start one; empty if none."""
    from backroutine.base.text import printable

    due = [status for status in statuses if status.due]
    if not due:
        return ""
    lines = [f"backroutine: {printable(status.describe())}" for status in due]
    lines.append(f"  start with: backroutine run {printable(due[0].routine.run_name)}")
    return "\n".join(lines) + "\n"


def snippet(shell: str, command: Sequence[str], stamp: Path) -> str:
    """The start-up file lines for `shell`; `command` runs the nudge (with its options)."""
    run = " ".join(shlex.quote(part) for part in command)
    stamp_text = shlex.quote(str(stamp))
    header = (
        "# backroutine: say which exercise routine is due, in the first terminal of the day.\n"
        "# Later terminals only read a date from a file: Python is not started.\n"
    )
    if shell == "bash":
        body = f"""\
if [[ $- == *i* ]]; then
    __backroutine_stamp={stamp_text} __backroutine_seen=
    printf -v __backroutine_today '%(%Y-%m-%d)T' -1 2>/dev/null \\
        || __backroutine_today=$(date +%Y-%m-%d)  # bash 3 (macOS) has no %(...)T
    [[ -r $__backroutine_stamp ]] && read -r __backroutine_seen < "$__backroutine_stamp"
    [[ $__backroutine_seen == "$__backroutine_today" ]] || {run} "$__backroutine_stamp"
    unset __backroutine_stamp __backroutine_seen __backroutine_today
fi
"""
    elif shell == "zsh":
        body = f"""\
if [[ -o interactive ]]; then
    () {{
        local stamp={stamp_text} seen= today=${{(%):-%D{{%Y-%m-%d}}}}
        [[ -r $stamp ]] && read -r seen < $stamp
        [[ $seen == $today ]] || {run} $stamp
    }}
fi
"""
    elif shell == "fish":
        body = f"""\
if status is-interactive
    set -l stamp {stamp_text}
    set -l seen
    test -r $stamp; and read seen < $stamp
    if test "$seen" != (date +%Y-%m-%d)
        {run} $stamp
    end
end
"""
    else:
        raise ValueError(f"unknown shell {shell!r}: choose one of {', '.join(SHELLS)}")
    return header + body


def startup_file(shell: str) -> str:
    """The start-up file the snippet goes in, as the patient would type it."""
    return {"bash": "~/.bashrc", "zsh": "~/.zshrc", "fish": "~/.config/fish/config.fish"}[shell]
