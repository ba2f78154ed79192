"""The first terminal of the day: say what is due, quickly.

Run by the shell snippet as `python -m backroutine.reminders.nudge [--data-dir DIR] STAMP`.
It skips the command line's parser, and reads the patient's routine files through a
small cache (`routine_index`), so a shell start-up loads neither pydantic nor YAML unless
a routine file changed since the last check.
"""

from __future__ import annotations

import sys
from pathlib import Path


def nudge(data: Path | None, stamp: Path, *, quiet: bool = False) -> int:
    """At most once a day (the stamp file), print what is due. Always 0: this runs at start-up."""
    from backroutine.base import clock
    from backroutine.base.paths import data_dir, log_path, user_routines_dir
    from backroutine.log.store import CompletionLog, LogError
    from backroutine.reminders.due import read_due
    from backroutine.reminders.shell import checked_today, mark_checked, nudge_text

    today = clock.today()
    if checked_today(stamp, today):
        return 0
    # Stamp first: a log that cannot be read is then reported once a day, not in every terminal.
    mark_checked(stamp, today)
    folder = data_dir(data)
    try:
        with CompletionLog.open(log_path(folder)) as log:
            text = nudge_text(read_due(log, user_routines_dir(folder)))
    except LogError as error:
        text = f"backroutine: {error}\n"
    if not quiet:
        print(text, end="")
    return 0


def main(argv: list[str]) -> int:
    """`[--data-dir DIR] STAMP`, as the snippet writes it."""
    data = None
    if argv[:1] == ["--data-dir"]:
        data, argv = Path(argv[1]), argv[2:]
    return nudge(data, Path(argv[0]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
