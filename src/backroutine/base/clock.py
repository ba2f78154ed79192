"""The wall clock and "today": the one place backroutine asks what time and day it is.

Everything the patient sees or the log keeps is in the local time zone (the system's, or
`TZ`'s), so a session done at 00:30 on the 1st counts on the 1st wherever the machine's
UTC offset puts it. Durations never come from here: the session engine times with
`time.monotonic`, which a wall-clock change cannot move.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WallClock = Callable[[], datetime]
"""The local wall-clock time, timezone-aware; injectable for tests."""


def local_now() -> datetime:
    """Now, in the system's local time zone."""
    return datetime.now().astimezone()


def today(tz: tzinfo | None = None, now: datetime | None = None) -> date:
    """Today's date in `tz` (the system's zone when None), at `now` (the present when None)."""
    moment = now or datetime.now(tz)
    return moment.astimezone(tz).date()


def zone_name(moment: datetime) -> str:
    """The IANA name of the local time zone (e.g. Europe/London) when it can be found,
    else its abbreviation at `moment` (e.g. BST)."""
    if isinstance(moment.tzinfo, ZoneInfo):
        return moment.tzinfo.key
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        # /etc/localtime -> /usr/share/zoneinfo/Europe/London on most Unix systems.
        target = Path("/etc/localtime").resolve().as_posix()
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for candidate in candidates:
        try:
            if candidate and ZoneInfo(candidate).utcoffset(moment) == moment.utcoffset():
                return candidate
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return moment.tzname() or "UTC"


def local_zone(moment: datetime) -> ZoneInfo | None:
    """The local IANA zone at `moment` (times then follow its daylight saving), or None when
    only an abbreviation is known."""
    name = zone_name(moment)
    try:
        return ZoneInfo(name) if "/" in name else None
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None
