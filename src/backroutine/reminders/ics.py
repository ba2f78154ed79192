"""Calendar events for a routine: recurring, with an alarm, matching its frequency.

Daily and N per day become one daily event per time of day; N per week one weekly event
on N days; named weekdays (`on: [mon, wed, fri]`) weekly events on those days; `every 2
hours between 08:00 and 20:00` one daily event at each time in the window; a range
(`1-2 per day`) events for its lower end, the target. `as needed` has no events. Times are
in the patient's zone (so 08:00 stays 08:00 across daylight saving), or floating when the
zone has no IANA name. UIDs are stable, so importing a new file for
the same routine updates the events instead of doubling them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec
from icalendar import Alarm, Calendar, Event, vRecur

from backroutine.routine.model import Frequency, Routine
from backroutine.routine.safety import CLINICIAN_NOTE

WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_DAY_NAMES = {
    "mon": "mo",
    "tue": "tu",
    "wed": "we",
    "thu": "th",
    "fri": "fr",
    "sat": "sa",
    "sun": "su",
}
# Sessions spread over the week with rest days between them where there is room.
DEFAULT_DAYS = {
    1: "mo",
    2: "mo th",
    3: "mo we fr",
    4: "mo tu th fr",
    5: "mo tu we th fr",
    6: "mo tu we th fr sa",
    7: "mo tu we th fr sa su",
}
FIRST_TIME, LAST_TIME = time(8, 0), time(20, 0)
DAILY = Frequency(1, "day")


class ScheduleError(ValueError):
    """Times or days that do not fit the routine's frequency."""


class Schedule(msgspec.Struct, frozen=True):
    """When the routine's events happen: times of day, and weekdays for weekly ones."""

    frequency: Frequency
    times: tuple[time, ...]
    days: tuple[str, ...] | None
    """iCalendar weekday codes (`mo`...`su`); None for every day."""

    def describe(self) -> str:
        """E.g. `daily at 08:00` or `3 per week on mo, we, fr at 18:00`."""
        at = ", ".join(moment.strftime("%H:%M") for moment in self.times)
        if self.days is None or self.frequency.on:  # named days are in the frequency's words
            return f"{self.frequency} at {at}"
        return f"{self.frequency} on {', '.join(self.days)} at {at}"


def parse_clock_time(text: str) -> time:
    """`8:00` or `08:00` into a time of day."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ScheduleError(f"'{text}' is not a time of day like 08:00") from None


def default_times(count: int) -> list[time]:
    """`count` times spread evenly from 08:00 to 20:00 (08:00 alone for one)."""
    if count == 1:
        return [FIRST_TIME]
    first = FIRST_TIME.hour * 60
    step = (LAST_TIME.hour * 60 - first) / (count - 1)
    return [time(*divmod(round(first + step * n), 60)) for n in range(count)]


def parse_days(text: str) -> list[str]:
    """`mon,wed,fri` (or `mo,we,fr`) into iCalendar weekday codes, in week order."""
    codes = set()
    for part in text.lower().replace(" ", "").split(","):
        code = _DAY_NAMES.get(part[:3], part if part in WEEKDAYS else None)
        if code is None:
            raise ScheduleError(f"'{part}' is not a day: write e.g. mon,wed,fri")
        codes.add(code)
    return [code for code in WEEKDAYS if code in codes]


def schedule_for(frequency: Frequency | None, at: Sequence[str], days: str | None) -> Schedule:
    """The schedule for `frequency` from the `--at` and `--days` given (defaults otherwise)."""
    frequency = frequency or DAILY
    times = sorted({parse_clock_time(text) for text in at})
    if frequency.as_needed:
        raise ScheduleError("the routine is done as needed: it has no times to put in a calendar")
    if frequency.every_minutes is not None and frequency.window is not None:
        if at or days:
            raise ScheduleError(f"{frequency} sets its own times: leave out --at and --days")
        return Schedule(frequency, frequency.times_of_day(), _named_days(frequency))
    if frequency.on:
        if days:
            raise ScheduleError(f"{frequency} names its days: leave out --days")
        if times and len(times) != frequency.count:
            raise ScheduleError(
                f"{frequency} needs {frequency.count} different --at times, not {len(times)}"
            )
        return Schedule(
            frequency, tuple(times or default_times(frequency.count)), _named_days(frequency)
        )
    if frequency.period == "day":
        if days:
            raise ScheduleError(f"{frequency} is every day: --days is for routines done per week")
        if times and len(times) != frequency.count:
            raise ScheduleError(
                f"{frequency} needs {frequency.count} different --at times, not {len(times)}"
            )
        return Schedule(frequency, tuple(times or default_times(frequency.count)), None)
    if len(times) > 1:
        raise ScheduleError(f"{frequency}: give one --at time; the days come from --days")
    if days:
        chosen = parse_days(days)
        if len(chosen) != frequency.count:
            raise ScheduleError(f"{frequency} needs {frequency.count} days, not {len(chosen)}")
    elif frequency.count in DEFAULT_DAYS:
        chosen = DEFAULT_DAYS[frequency.count].split()
    else:
        raise ScheduleError(
            f"{frequency} is more than once a day on some days: use a per-day frequency"
        )
    return Schedule(frequency, tuple(times or [FIRST_TIME]), tuple(chosen))


def _named_days(frequency: Frequency) -> tuple[str, ...] | None:
    return tuple(WEEKDAYS[day] for day in frequency.on) if frequency.on else None


def routine_calendar(
    routine: Routine,
    run_name: str,
    schedule: Schedule,
    *,
    start: date,
    tz: ZoneInfo | None,
    stamp: datetime,
) -> Calendar:
    """A calendar with one recurring event per time of day, each with an alarm at its start.

    The first events fall on `start` (or the first chosen weekday after it).
    """
    calendar = Calendar()
    calendar.add("prodid", "-//backroutine//reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"backroutine: {routine.title}")
    description = _description(routine, run_name)
    minutes = max(5, round(routine.planned_seconds() / 60))
    first_day = start
    if schedule.days is not None:
        while WEEKDAYS[first_day.weekday()] not in schedule.days:
            first_day += timedelta(days=1)
    rule = (
        {"freq": "daily"}
        if schedule.days is None
        else {"freq": "weekly", "byday": [code.upper() for code in schedule.days]}
    )
    for moment in schedule.times:
        event = Event()
        event.add("uid", _uid(routine.title, run_name, moment))
        event.add("dtstamp", stamp)
        event.add("summary", routine.title)
        event.add("description", description)
        event.add("dtstart", datetime.combine(first_day, moment, tz))
        event.add("duration", timedelta(minutes=minutes))
        event.add("rrule", vRecur(rule))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Time for {routine.title}")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    if tz is not None:
        # Rules for the next 20 years, not icalendar's default of 1970 to 2038.
        calendar.add_missing_timezones(
            first_day - timedelta(days=1), date(first_day.year + 20, 1, 1)
        )
    return calendar


def _description(routine: Routine, run_name: str) -> str:
    lines = [f"Start it with: backroutine run {run_name}", ""]
    lines += routine.safety
    lines.append(CLINICIAN_NOTE)
    return "\n".join(lines)


def _uid(title: str, run_name: str, moment: time) -> str:
    key = hashlib.sha256(f"{run_name}\0{title}".encode()).hexdigest()[:16]
    return f"{key}-{moment:%H%M}@backroutine"
