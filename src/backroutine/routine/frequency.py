"""How often a routine is prescribed. Kept free of pydantic: `due` imports it on shell start-up.

Besides `daily`, `2 per day` and `3 per week` (format 1), format 2 reads a range
(`1-2 per day`: the lower end is the target, the upper the most worth doing), a rhythm
within a window (`every 2 hours between 08:00 and 20:00`), `as needed` (no target at all)
and named weekdays (`on: [mon, wed, fri]`, or `daily on mon, wed, fri`). `str()` writes each
back in words `parse_frequency` reads, which is how the log and the routine index keep them.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, time
from typing import Any, Literal

import msgspec

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as a routine file writes them, Monday first (`date.weekday()` order)."""
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_EVERY_MINUTES = 5
"""The shortest rhythm: more often than this is a slip."""


class Frequency(msgspec.Struct, frozen=True):
    """How often the routine is prescribed: `count` sessions per `period`.

    `most` is the upper end of a range (`1-2 per day`: count 1, most 2). `every_minutes`
    and `window` are a rhythm through the day, whose `count` is the number of times it
    falls in the window. `as_needed` has no target (count 0). `on` limits a per-day
    prescription to those weekdays (0 is Monday); empty means every day.
    """

    count: int
    period: Literal["day", "week"]
    most: int | None = None
    every_minutes: int | None = None
    window: tuple[time, time] | None = None
    as_needed: bool = False
    on: tuple[int, ...] = ()

    def expected_on(self, day: date) -> int:
        """Sessions prescribed on `day` for a per-day frequency (0 on a day off)."""
        if self.as_needed or (self.on and day.weekday() not in self.on):
            return 0
        return self.count

    def times_of_day(self) -> tuple[time, ...]:
        """The times a rhythm falls on (`every 2 hours between 08:00 and 20:00`: 08:00,
        10:00 ... 20:00); empty for any other frequency."""
        if self.every_minutes is None or self.window is None:
            return ()
        start = self.window[0].hour * 60 + self.window[0].minute
        return tuple(time(*divmod(start + n * self.every_minutes, 60)) for n in range(self.count))

    def expected_by(self, day: date, moment: time | None) -> int:
        """Sessions prescribed on `day` up to `moment` (the whole day when None): a rhythm
        counts only its times that have come."""
        expected = self.expected_on(day)
        if moment is None or not expected or self.every_minutes is None:
            return expected
        return sum(at <= moment for at in self.times_of_day())

    def __str__(self) -> str:
        if self.as_needed:
            return "as needed"
        if self.every_minutes is not None and self.window is not None:
            hours, minutes = divmod(self.every_minutes, 60)
            if minutes:
                every = f"every {self.every_minutes} minutes"
            else:
                every = "every hour" if hours == 1 else f"every {hours} hours"
            start, end = (moment.strftime("%H:%M") for moment in self.window)
            text = f"{every} between {start} and {end}"
        elif self.most is not None:
            text = f"{self.count}-{self.most} per {self.period}"
        elif self.count == 1:
            text = "daily" if self.period == "day" else "once a week"
        else:
            text = f"{self.count} per {self.period}"
        if self.on:
            text += " on " + ", ".join(WEEKDAY_NAMES[day] for day in self.on)
        return text


_WORD_COUNTS = {"once": 1, "twice": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_COUNT = r"\d+|once|twice|one|two|three|four|five"
# Patterns, compiled (and cached by `re`) when a frequency is first read: the app imports
# this module on its way to the first exercise, and reads none (the validating helper does).
_FREQUENCY = (
    rf"(?P<count>{_COUNT})(?:\s*(?:-|to)\s*(?P<most>{_COUNT}))?\s*(?:x|times?)?\s*"
    r"(?:per|a|an|each|every|/)\s*(?P<period>day|week)"
)
_EVERY = (
    r"every\s+(?:(?P<amount>\d+)\s*)?(?P<unit>hours?|hrs?|h|minutes?|mins?|m)"
    r"(?:\s+(?:between|from)\s+(?P<start>\S+)\s+(?:and|to|-)\s+(?P<end>\S+))?"
)
_ON_DAYS = r"(?P<rest>.+?)\s+on\s+(?P<days>[a-z, ]+)"


def parse_frequency(value: Any) -> Frequency:
    """Read `daily`, `2 per day`, `3x a week`, `1-2 times a day`, `as needed`,
    `every 2 hours between 08:00 and 20:00`, and any of these with `on mon, wed, fri`."""
    if isinstance(value, Frequency):
        return value
    if not isinstance(value, str):
        raise ValueError("write the frequency as e.g. daily or 3 per week")
    text = " ".join(value.strip().lower().split())
    on = re.fullmatch(_ON_DAYS, text)
    if on:
        frequency = _parse_without_days(on["rest"], value)
        return with_days(frequency, [part for part in re.split(r"[,\s]+", on["days"]) if part])
    return _parse_without_days(text, value)


def _parse_without_days(text: str, value: str) -> Frequency:
    if text in {"daily", "every day", "each day"}:
        return Frequency(1, "day")
    if text == "weekly":
        return Frequency(1, "week")
    if text in {"as needed", "as required", "when needed", "prn"}:
        return Frequency(0, "day", as_needed=True)
    if re.fullmatch(_EVERY, text) or re.fullmatch(r"every \d+ \S+( between .*)?", text):
        return _parse_every(text)
    match = re.fullmatch(_FREQUENCY, text)
    if match:
        count = _count(match["count"])
        most = _count(match["most"]) if match["most"] else None
        period: Literal["day", "week"] = "day" if match["period"] == "day" else "week"
        limit = 12 if period == "day" else 21
        if most is not None and not count < most:
            raise ValueError(
                f"'{value[:40]}': a range goes up, e.g. 1-2 per {match['period']}"
                if count > most
                else f"'{value[:40]}': write {count} per {match['period']}"
            )
        if 1 <= count <= limit and (most is None or most <= limit):
            return Frequency(count, period, most=most)
    raise ValueError(
        f"'{value[:40]}' is not a frequency: write daily, 2 per day, 3 per week, as needed "
        "or every 2 hours between 08:00 and 20:00"
    )


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() else _WORD_COUNTS[raw]


def _parse_every(text: str) -> Frequency:
    match = re.fullmatch(_EVERY, text)
    if match is None:
        raise ValueError(
            f"'{text[:40]}' is not a rhythm: write e.g. every 2 hours between 08:00 and 20:00"
        )
    amount = int(match["amount"]) if match["amount"] else 1
    unit = match["unit"]
    in_hours = unit.startswith("h")
    plural = unit.endswith("s") or unit in {"hrs", "mins"}
    if amount != 1 and unit in {"hour", "minute"}:
        raise ValueError(f"write 'every {amount} {unit}s'")
    if amount == 1 and plural:
        raise ValueError(f"write 'every {unit.rstrip('s')}', or a number: every 2 {unit}")
    minutes = amount * 60 if in_hours else amount
    if match["start"] is None:
        raise ValueError(
            f"say between which times, e.g. 'every {amount} {unit} between 08:00 and 20:00'"
        )
    start, end = _clock(match["start"]), _clock(match["end"])
    if end <= start:
        raise ValueError(
            f"the window ends before it starts: write between {match['end']} and "
            f"{match['start']}, within one day"
        )
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if not MIN_EVERY_MINUTES <= minutes <= length:
        raise ValueError(
            f"every {amount} {unit} does not fit between {match['start']} and {match['end']}"
            if minutes > length
            else f"every {amount} {unit} is too often: at least {MIN_EVERY_MINUTES} minutes apart"
        )
    count = length // minutes + 1  # the first at the window's start, the last within it
    return Frequency(count, "day", every_minutes=minutes, window=(start, end))


def _clock(text: str) -> time:
    match = re.fullmatch(r"(\d{1,2})(?::(\d\d))?", text)
    if match is None or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise ValueError(f"'{text[:10]}' is not a time of day: write e.g. 08:00 or 20:00")
    return time(int(match[1]), int(match[2] or 0))


def weekday(value: Any) -> int:
    """A weekday's number (0 is Monday) from `mon`, `Monday`, `MO`; a slip says what it means."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 7:
        return value  # already a weekday's number
    text = str(value).strip().lower() if isinstance(value, str) else ""
    for number, (short, full) in enumerate(zip(WEEKDAY_NAMES, _FULL_DAY_NAMES, strict=True)):
        if text in {short, full, short[:2]} or (len(text) >= 3 and full.startswith(text)):
            return number
    guess = difflib.get_close_matches(text, _FULL_DAY_NAMES + WEEKDAY_NAMES, n=1, cutoff=0.5)
    hint = f": did you mean {guess[0][:3]}?" if guess else f": write {', '.join(WEEKDAY_NAMES)}"
    raise ValueError(f"'{str(value)[:20]}' is not a day of the week{hint}")


def weekdays(values: Any) -> tuple[int, ...]:
    """Weekday numbers in week order from a list of names (`[mon, wed, fri]`)."""
    if isinstance(values, str):
        values = [part for part in re.split(r"[,\s]+", values) if part]
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError("write the days as a list, e.g. [mon, wed, fri]")
    return tuple(sorted({weekday(value) for value in values}))


def with_days(frequency: Frequency, days: Any) -> Frequency:
    """`frequency` done only on `days`: N per week on N named days becomes daily on those days."""
    on = weekdays(days)
    if frequency.as_needed:
        raise ValueError("'as needed' has no days: remove on, or give a frequency such as daily")
    if frequency.period == "week":
        if frequency.most is None and frequency.count == len(on):
            return Frequency(1, "day", on=on)
        raise ValueError(
            f"{frequency} does not match {len(on)} named days: write daily and the days, "
            "e.g. daily on mon, wed, fri"
        )
    return Frequency(
        frequency.count, "day", frequency.most, frequency.every_minutes, frequency.window, on=on
    )
