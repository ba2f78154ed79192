"""How often a routine is prescribed. Kept free of pydantic: `due` imports it on shell start-up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Frequency:
    """How often the routine is prescribed: `count` sessions per `period`."""

    count: int
    period: Literal["day", "week"]

    def __str__(self) -> str:
        if self.count == 1:
            return "daily" if self.period == "day" else "once a week"
        return f"{self.count} per {self.period}"


_WORD_COUNTS = {"once": 1, "twice": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_FREQUENCY = re.compile(
    r"(?P<count>\d+|once|twice|one|two|three|four|five)\s*(?:x|times?)?\s*"
    r"(?:per|a|an|each|every|/)\s*(?P<period>day|week)"
)


def parse_frequency(value: Any) -> Frequency:
    """Read `daily`, `weekly`, `2 per day`, `3 per week`, `3x a week`, `twice a day`."""
    if isinstance(value, Frequency):
        return value
    if not isinstance(value, str):
        raise ValueError("write the frequency as e.g. daily or 3 per week")
    text = value.strip().lower()
    if text in {"daily", "every day", "each day"}:
        return Frequency(1, "day")
    if text == "weekly":
        return Frequency(1, "week")
    match = _FREQUENCY.fullmatch(text)
    if match:
        raw = match["count"]
        count = int(raw) if raw.isdigit() else _WORD_COUNTS[raw]
        period: Literal["day", "week"] = "day" if match["period"] == "day" else "week"
        limit = 12 if period == "day" else 21
        if 1 <= count <= limit:
            return Frequency(count, period)
    raise ValueError(f"'{value[:40]}' is not a frequency: write daily, 2 per day or 3 per week")
