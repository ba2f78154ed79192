"""The routine file format, as pydantic models: validation and the JSON Schema.

`Routine.model_validate(document).to_model()` checks a parsed routine file and gives the
plain `backroutine.routine.model.Routine` the rest of backroutine uses. Only the command line
and the app's helper process (`backroutine.routine.prevalidate`) load this module: pydantic is
slow to load.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

import msgspec
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from backroutine.base.text import printable
from backroutine.routine import model
from backroutine.routine.frequency import Frequency, parse_frequency, weekday, with_days
from backroutine.routine.model import FORMAT_VERSION, MAX_REPS, MAX_SECONDS, MAX_SETS, Growth

_DURATION_PART = re.compile(
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>hours?|hrs|hr|h|minutes?|mins|min|m|seconds?|secs|sec|s)",
)
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(value: Any) -> int:
    """Turn `45`, `"45s"`, `"2m"`, `"1m30s"`, `"90 sec"` or `"2 min"` into whole seconds."""
    if isinstance(value, bool):
        raise PydanticCustomError("duration", "expected a duration such as 30s or 2m, not yes/no")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("duration", "use whole seconds, e.g. 30 or 30s")
        seconds = int(value)
    elif isinstance(value, str):
        seconds = _parse_duration_text(value)
    elif value is None:
        raise PydanticCustomError("duration", "has no value: write how long, e.g. 60s")
    else:
        raise PydanticCustomError("duration", "expected a duration such as 30s, 2m or 1m30s")
    if seconds <= 0:
        raise PydanticCustomError("duration", "a duration must be more than zero seconds")
    if seconds > MAX_SECONDS:
        shown = f"{seconds} seconds" if seconds < 3600 * 1000 else f"'{str(value)[:40]}'"
        if seconds % 60 == 0 and seconds < 3600 * 1000:
            hours, minutes = divmod(seconds // 60, 60)
            shown = " ".join(
                f"{amount} {unit}" for amount, unit in ((hours, "h"), (minutes, "min")) if amount
            )
        raise PydanticCustomError(
            "duration",
            "{shown} is over the 1 hour limit: check the unit, s for seconds, m for minutes",
            {"shown": shown},
        )
    return seconds


def _parse_duration_text(text: str) -> int:
    compact = text.strip().lower()
    if re.fullmatch(r"-?\d+", compact):
        return int(compact)
    if compact.startswith("-"):
        raise PydanticCustomError("duration", "a duration must be more than zero seconds")
    clock = re.fullmatch(r"(\d+):([0-5]\d)", compact)
    if clock:  # 1:30, as a stopwatch shows it
        return int(clock[1]) * 60 + int(clock[2])
    decimal = re.fullmatch(r"(\d+)\.(\d+)", compact)
    if decimal:
        return _decimal_seconds(decimal[1], decimal[2])
    for_each_side = re.fullmatch(r"(.+?)\s*(?:each|per|a|on each|every) side", compact)
    if for_each_side:
        raise PydanticCustomError(
            "duration",
            "write the time of one side, {time}, and add per_side: true on its own line",
            {"time": for_each_side[1]},
        )
    if re.fullmatch(r"\d+\s*(?:-|to)\s*\d+\s*[a-z]*", compact):
        raise PydanticCustomError(
            "duration",
            "'{text}' is a range: write one duration, e.g. the lower one; a progression "
            "can raise it week by week",
            {"text": text[:40]},
        )
    total = 0.0
    position = 0
    for match in _DURATION_PART.finditer(compact):
        if compact[position : match.start()].strip():
            break
        total += float(match["value"]) * _UNIT_SECONDS[match["unit"][0]]
        position = match.end()
    if position == 0 or compact[position:].strip():
        raise _not_a_duration(text, compact)
    if not total.is_integer():
        raise PydanticCustomError("duration", "use whole seconds, e.g. 1m30s rather than 1.25m")
    return int(total)


# What people write around a duration that the format leaves out: "~30s", "about 30 s",
# "30s.", "30s each", and the signs for minutes and seconds, 1' 30".
_AROUND = re.compile(
    r"(?:~|≈|ca\.?|c\.|about|approx\.?|approximately|around)?\s*(?P<core>.*?)"
    r"\s*(?:\.|,|each|per rep|each rep|hold|holds|hold each)?"
)
_SIGNS = (("″", "s"), ('"', "s"), ("''", "s"), ("′", "m"), ("'", "m"))
_FRACTIONS = {"½": ".5", "¼": ".25", "¾": ".75"}


def _not_a_duration(text: str, compact: str) -> PydanticCustomError:
    """Why `text` is not a duration, with the duration it most likely means when there is
    one: a comma for a decimal point (2,5 min), a fraction (1½ min), or words around it."""
    comma = re.fullmatch(r"(\d+),(\d+)\s*([a-z]*)", compact)
    if comma:
        dotted = f"{comma[1]}.{comma[2]}{comma[3]}"
        if not comma[3] and not comma[2].strip("0"):
            return PydanticCustomError(
                "duration",
                "'{text}' is not a duration: write {whole}s for seconds, {whole}m for minutes",
                {"text": text[:40], "whole": comma[1]},
            )
        return _meant(text, dotted, "a comma is not a decimal point here")
    core = _AROUND.fullmatch(compact)
    guess = core["core"] if core else compact
    for sign, unit in _SIGNS:
        guess = guess.replace(sign, unit)
    for fraction, decimal in _FRACTIONS.items():
        guess = re.sub(rf"(\d*){fraction}", lambda m, d=decimal: (m[1] or "0") + d, guess)
    if guess != compact and guess:
        return _meant(text, guess, "")
    return PydanticCustomError(
        "duration",
        "'{text}' is not a duration: write e.g. 30s, 2m, 1m30s or 90",
        {"text": text[:40]},
    )


def _meant(text: str, guess: str, why: str) -> PydanticCustomError:
    """The error for `text`, which reads as the duration `guess` once tidied."""
    why = f" ({why})" if why else ""
    try:
        seconds = _parse_duration_text(guess)
    except PydanticCustomError as error:
        context = error.context or {}
        if "written" in context:  # 2,5: minutes with a decimal, as 2.5 would be
            fix = f"for {context['meant']} write {context['written']}"
        else:
            parts = [
                float(m["value"]) * _UNIT_SECONDS[m["unit"][0]]
                for m in _DURATION_PART.finditer(guess)
            ]
            if not parts:
                fix = "write e.g. 30s, 2m, 1m30s or 90"
            else:  # 5,5s: between two whole seconds
                low = int(sum(parts))
                fix = f"use whole seconds, {_written(low)} or {_written(low + 1)}"
        return PydanticCustomError(
            "duration",
            "'{text}' is not a duration{why}: {fix}",
            {"text": text[:40], "why": why, "fix": fix},
        )
    return PydanticCustomError(
        "duration",
        "'{text}' is not a duration{why}: write {written}",
        {"text": text[:40], "why": why, "written": _written(seconds)},
    )


def _written(seconds: int) -> str:
    """`90` as the format writes it, `1m30s`."""
    minutes, rest = divmod(seconds, 60)
    parts = ((minutes, "m"), (rest, "s"))
    return "".join(f"{amount}{unit}" for amount, unit in parts if amount) or "0s"


def _decimal_seconds(whole: str, fraction: str) -> int:
    """`10.00` is 10 seconds (the validator warns it may mean minutes); `1.30` is refused.

    The refusal suggests what the number most likely meant: minutes and seconds for two
    digits after the point (`1.30`: 1m30s), else minutes with a decimal (`2.5`: 2m30s).
    """
    if not fraction.strip("0"):
        return int(whole)
    text = f"{whole}.{fraction}"
    minutes: float
    seconds: float
    if len(fraction) == 2 and int(fraction) < 60:
        minutes, seconds = int(whole), int(fraction)
        meant = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        written = f"{minutes}m{seconds}s" if minutes else f"{seconds}s"
    else:
        minutes, seconds = divmod(float(text) * 60, 60)
        if not seconds.is_integer():
            raise PydanticCustomError(
                "duration", "use whole seconds, e.g. 30 or 30s, or minutes and seconds, e.g. 2m30s"
            )
        meant = f"{text} minutes"
        written = "".join(
            f"{int(amount)}{unit}" for amount, unit in ((minutes, "m"), (seconds, "s")) if amount
        )
    raise PydanticCustomError(
        "duration",
        "{text} is not a duration: for {meant} write {written}",
        {"text": text, "meant": meant, "written": written},
    )


_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
"""Counts written as words, `sets: three`, as `frequency` takes "three times a week"."""
_COUNT_UNITS = {"reps": "reps?|repetitions|times", "sets": "sets?", "rounds": "rounds?"}


def _check_count(limit: int, what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, str):
            value = _count_from_text(value, what)
        if isinstance(value, (list, dict)):
            raise PydanticCustomError(
                "count", "write one number here, e.g. {what}: 3", {"what": what}
            )
        if isinstance(value, bool):
            raise PydanticCustomError(
                "count", "write a number, e.g. {what}: 3, not yes or no", {"what": what}
            )
        if not isinstance(value, int):
            raise PydanticCustomError("count", "{what} must be a whole number", {"what": what})
        if value < 1:
            raise PydanticCustomError("count", "{what} must be at least 1", {"what": what})
        if value > limit:
            raise PydanticCustomError(
                "count",
                "{value} {what} is over the limit of {limit}",
                {"value": value, "what": what, "limit": limit},
            )
        return value

    return check


def _count_from_text(text: str, what: str) -> int:
    """A count written out: `10`, `three`; or a clear message for `10x3`, `8 per side`, `8-12`."""
    compact = text.strip().lower()
    if re.fullmatch(r"-?\d+", compact):
        return int(compact)
    if compact in _NUMBER_WORDS:
        return _NUMBER_WORDS[compact]
    counted = re.fullmatch(rf"(\d+|[a-z]+)\s*(?:{_COUNT_UNITS[what]})", compact)
    if counted and (counted[1].isdigit() or counted[1] in _NUMBER_WORDS):
        return _count_from_text(counted[1], what)  # `10 reps`, `three sets`
    if re.fullmatch(r"\d*[.,]\d+", compact):
        raise PydanticCustomError("count", "{what} must be a whole number", {"what": what})
    times = re.fullmatch(r"([1-9]\d*)\s*[x×*]\s*([1-9]\d*)", compact)
    if times:
        reps, sets = sorted((int(times[1]), int(times[2])), reverse=True)
        raise PydanticCustomError(
            "count",
            "'{text}' gives two numbers: write reps: {reps} and, on its own line, sets: {sets}",
            {"text": text[:40], "reps": reps, "sets": sets},
        )
    each_side = re.fullmatch(
        r"(\d+)\s*(?:(?:each|per|a|on each|every)\s+(?:side|leg|arm)|/\s*side|"
        r"\((?:each|per) (?:side|leg|arm)\))",
        compact,
    )
    if each_side:
        raise PydanticCustomError(
            "count",
            "write the {what} of one side, {what}: {count}, and add per_side: true on its own line",
            {"what": what, "count": each_side[1]},
        )
    if re.fullmatch(r"\d+\s*(?:-|to)\s*\d+", compact):
        raise PydanticCustomError(
            "count",
            "'{text}' is a range: write one number, e.g. the lower one; a progression can "
            "raise it week by week",
            {"text": text[:40]},
        )
    numbers = re.findall(r"\d+", compact)
    if len(numbers) == 1:  # `10x`, `~10`, `10 slowly`: the number, and words to leave out
        raise PydanticCustomError(
            "count",
            "'{text}' is not a number of {what}: write {what}: {count}",
            {"text": text[:40], "what": what, "count": int(numbers[0])},
        )
    raise PydanticCustomError(
        "count",
        "'{text}' is not a number of {what}: write e.g. {what}: 3",
        {"text": text[:40], "what": what},
    )


def _count_text(limit: int, what: str) -> Callable[[str], int]:
    """Like `_check_count`, for a number written inside a progression rule."""
    check = _check_count(limit, what)

    def parse(text: str) -> int:
        if not text.strip().isdigit():
            raise PydanticCustomError(
                "count", "'{text}' is not a number of {what}", {"text": text[:40], "what": what}
            )
        return check(int(text))

    return parse


_DURATION_TEXT = (
    r"^\s*(\d+(\.\d+)?\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\s*)+$"
    r"|^\s*\d+:[0-5]\d\s*$|^\s*\d+\s*$"
)
Seconds = Annotated[
    int,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                # An editor reads 10.00 as a number: "integer" takes it, not 1.30.
                {"type": "integer", "minimum": 1, "maximum": MAX_SECONDS},
                {"type": "string", "pattern": _DURATION_TEXT},
            ],
            "description": "seconds, or a duration such as 45s, 2m, 1m30s, 1:30, 90 sec",
        }
    ),
]


def _count_schema(limit: int, what: str) -> dict[str, Any]:
    words = [word for word, number in _NUMBER_WORDS.items() if 1 <= number <= limit]
    numbers = [str(number) for number in range(1, limit + 1)]
    count = "|".join(sorted(numbers + words, key=len, reverse=True))
    return {
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": limit},
            # `three`, `10 reps`: counts as `_count_from_text` reads them, within the limit.
            {"type": "string", "pattern": rf"^\s*({count})(\s*({_COUNT_UNITS[what]}))?\s*$"},
        ],
        "examples": [3, "three"],
        "description": f"a whole number of {what} from 1 to {limit}, or a word such as three",
    }


Reps = Annotated[
    int,
    BeforeValidator(_check_count(MAX_REPS, "reps")),
    WithJsonSchema(_count_schema(MAX_REPS, "reps")),
]
Sets = Annotated[
    int,
    BeforeValidator(_check_count(MAX_SETS, "sets")),
    WithJsonSchema(_count_schema(MAX_SETS, "sets")),
]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=2000)]


def _frequency(value: Any) -> Frequency:
    try:
        return parse_frequency(value)
    except ValueError as error:
        raise PydanticCustomError("frequency", str(error)) from None


FrequencyText = Annotated[
    Frequency,
    PlainValidator(_frequency),
    WithJsonSchema(
        {
            "type": "string",
            "examples": [
                "daily",
                "2 per day",
                "1-2 per day",
                "3 per week",
                "as needed",
                "every 2 hours between 08:00 and 20:00",
            ],
        }
    ),
]
"""A frequency in words, at the routine's level or a stage's."""


def parse_version(value: Any) -> str:
    """Read a routine version: a whole number or numbers joined by dots, e.g. 3 or 1.2."""
    text = str(value).strip() if isinstance(value, (int, float, str)) else ""
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,6}(\.\d{1,6}){0,3}", text):
        raise PydanticCustomError("version", "write the version as a number such as 2 or 1.3")
    return text


_DATE_SCHEMA = {
    # No "type": an editor reads 2030-01-31 as text, a Python YAML reader as a date object.
    "not": {"type": ["number", "boolean", "array", "object"]},
    "pattern": r"^\d{4}-\d\d-\d\d$",
    "format": "date",
    "examples": ["2030-01-31"],
}


class _Strict(BaseModel):
    # The docstring under each field is its description in the JSON Schema (hover help),
    # read by `json_schema` when it is asked for: pydantic's `use_attribute_docstrings`
    # would read every class's source at import, a third of the validating helper's time.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    plain: ClassVar[type]
    """The `backroutine.routine.model` class a valid instance becomes."""

    def to_model(self) -> Any:
        """This validated part of the file as plain `backroutine.routine.model` data."""
        return self.plain(**self._plain_fields())

    def _plain_fields(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in type(self).model_fields}


def _plain(value: Any) -> Any:
    if isinstance(value, _Strict):
        return value.to_model()
    if isinstance(value, list):  # frozen data holds tuples
        return tuple(_plain(item) for item in value)
    return value


class Defaults(_Strict):
    """Values every exercise step takes unless it gives its own."""

    plain = model.Defaults

    rest: Seconds | None = None
    """Pause after each set."""
    relax: Seconds | None = None
    """Pause between reps that have a hold."""
    sets: Sets | None = None
    """How many sets."""
    prepare: Seconds | None = None
    """Get-ready countdown before each exercise (5 s if not given)."""
    switch: Seconds | None = None
    """Switch-sides pause for per-side exercises (5 s if not given)."""


# --- progressions: how a step's numbers grow week by week ----------------------------

_GROWTH = re.compile(
    r"(?P<sign>[+-])\s*(?P<amount>[^,]+?)\s*"
    r"(?:(?P<repeat>per week|a week|each week|every week|every (?P<every>\d+) weeks)\s*)?"
    r"(?:(?:from|in) week (?P<from>\d+)|after (?P<after>\d+) weeks?)?\s*"
    r"(?:,?\s*(?P<limit_word>up|down) to (?P<limit>.+))?"
)
_WEEKS = re.compile(
    r"weeks? (?P<first>\d+)(?:\s*(?:-|to)\s*(?P<last>\d+)|\s*(?P<on>\+|on|onwards|and after))?"
)
MAX_WEEK = 520  # ten years: a week number beyond this is a typing slip


def _growth(parse_amount: Callable[[str], int]) -> Callable[[Any], Growth]:
    """A validator reading `+5s per week, up to 60s`, `+1 after 2 weeks`, `-5s every 2 weeks...`."""

    def parse(value: Any) -> Growth:
        if isinstance(value, Growth):
            return value
        example = "write e.g. '+5s per week, up to 60s' or '+1 after 2 weeks'"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise PydanticCustomError(
                "progression", "{value} says how much but not when: " + example, {"value": value}
            )
        if not isinstance(value, str):
            raise PydanticCustomError("progression", example)
        match = _GROWTH.fullmatch(value.strip().lower())
        if match is None:
            raise PydanticCustomError(
                "progression", "'{text}' is not a progression: " + example, {"text": value[:60]}
            )
        sign = 1 if match["sign"] == "+" else -1
        amount = parse_amount(match["amount"])
        every = int(match["every"]) if match["every"] else 1 if match["repeat"] else None
        if match["from"]:
            from_week = int(match["from"])
        elif match["after"]:
            from_week = int(match["after"]) + 1
        elif every is not None:
            from_week = 1 + every  # week 1 is the routine as written
        else:
            raise PydanticCustomError(
                "progression",
                "say when: '{sign}{amount} per week' or '{sign}{amount} from week 3'",
                {"sign": match["sign"], "amount": match["amount"]},
            )
        limit = parse_amount(match["limit"]) if match["limit"] else None
        expected_word = "up" if sign > 0 else "down"
        if limit is None and every is not None:
            raise PydanticCustomError(
                "progression",
                "add ', {word} to ...' so a weekly change stops somewhere",
                {"word": expected_word},
            )
        if match["limit_word"] and match["limit_word"] != expected_word:
            raise PydanticCustomError(
                "progression",
                "a '{sign}' change goes {word} to a limit: write '{word} to'",
                {"sign": match["sign"], "word": expected_word},
            )
        if not 1 <= from_week <= MAX_WEEK or (every is not None and not 1 <= every <= MAX_WEEK):
            raise PydanticCustomError(
                "progression", "week numbers go from 1 to {max}", {"max": MAX_WEEK}
            )
        return Growth(change=sign * amount, every_weeks=every, from_week=from_week, limit=limit)

    return parse


def parse_weeks(value: Any) -> tuple[int, int | None]:
    """Read `week 3` (that week), `weeks 1-2` (those weeks) or `week 3 on` (from then on)."""
    if isinstance(value, tuple):
        return value
    match = _WEEKS.fullmatch(str(value).strip().lower())
    if match is None:
        raise PydanticCustomError(
            "weeks",
            "'{text}' is not a week: write week 3, weeks 1-2 or week 3 on",
            {"text": str(value)[:40]},
        )
    first = int(match["first"])
    last = None if match["on"] else int(match["last"] or first)
    if not 1 <= first <= MAX_WEEK or (last is not None and not first <= last <= MAX_WEEK):
        raise PydanticCustomError(
            "weeks",
            "'{text}': weeks count from 1, and a range goes up (weeks 1-2)",
            {"text": str(value)[:40]},
        )
    return (first, last)


def _no_overlap(schedule: dict[tuple[int, int | None], int]) -> dict[tuple[int, int | None], int]:
    spans = sorted(schedule)
    for (_, last), (next_first, _) in pairwise(spans):
        if last is None or last >= next_first:
            raise PydanticCustomError(
                "weeks",
                "week {week} is given twice: the weeks must not overlap",
                {"week": next_first},
            )
    return schedule


Weeks = Annotated[tuple[int, int | None], BeforeValidator(parse_weeks)]


def _rule(value_type: Any, parse_amount: Callable[[str], int], example: str) -> Any:
    """A progression rule for one field: a growth text, or a schedule of values by week."""
    return Annotated[
        Annotated[Growth, PlainValidator(_growth(parse_amount)), Tag("growth")]
        | Annotated[dict[Weeks, value_type], AfterValidator(_no_overlap), Tag("schedule")],
        Discriminator(lambda value: "schedule" if isinstance(value, dict) else "growth"),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "examples": [example]},
                    {"type": "object", "propertyNames": {"pattern": r"^\s*[Ww]eeks? \d+"}},
                ],
                "description": "a change such as '+5s per week, up to 60s', or values by week",
            }
        ),
    ]


if TYPE_CHECKING:  # what a rule holds; pydantic's annotated forms are built by `_rule`
    DurationRule: TypeAlias = Growth | dict[tuple[int, int | None], int]
    RepsRule: TypeAlias = DurationRule
    SetsRule: TypeAlias = DurationRule
else:
    DurationRule = _rule(Seconds, parse_duration, "+5s per week, up to 60s")
    RepsRule = _rule(Reps, _count_text(MAX_REPS, "reps"), "+2 every 2 weeks, up to 15")
    SetsRule = _rule(Sets, _count_text(MAX_SETS, "sets"), "+1 after 2 weeks")


class Progression(_Strict):
    """How the numbers grow, counted in weeks from the first session of the routine."""

    plain = model.Progression

    hold: DurationRule | None = None
    """How the hold grows, e.g. '+5s per week, up to 60s'."""
    duration: DurationRule | None = None
    """How the duration grows, e.g. '+1m per week, up to 20m'."""
    reps: RepsRule | None = None
    """How the reps grow, e.g. '+2 every 2 weeks, up to 15'."""
    sets: SetsRule | None = None
    """How the sets grow, e.g. '+1 after 2 weeks'."""


def _opt_out(value: Any) -> Any:
    """`progression: false` (or `none`) on a step: an empty progression, so no rule applies."""
    opting_out = value is False or (isinstance(value, str) and value.strip().lower() == "none")
    return {} if opting_out else value


StepProgression = Annotated[
    Progression,
    BeforeValidator(_opt_out, json_schema_input_type=Progression | Literal[False, "none"]),
]

_TIMINGS = ("hold", "duration", "reps")


# --- format 2: the forms of reps and hold, sides and tempo --------------------------------

_RANGE = re.compile(r"(?P<low>\d+)\s*(?:-|to)\s*(?P<high>\d+)\s*(?P<unit>[a-z]*)")
_BREATHS = re.compile(r"(?P<count>\d+|[a-z]+)\s*breaths?")
MAX_BREATHS = 60
MAX_TEMPO_PHASE = 60


class Range(msgspec.Struct, frozen=True):
    """`8-12` as written: the app plays a target within it."""

    low: int
    high: int


class Breaths(msgspec.Struct, frozen=True):
    """`5 breaths`: a hold timed by the patient's breath length."""

    count: int


def _range(text: str, parse: Callable[[str], int], what: str) -> Range | None:
    """`8-12` or `5-10s` as a `Range` of two values `parse` reads; None if not a range."""
    match = _RANGE.fullmatch(text.strip().lower())
    if match is None:
        return None
    unit = match["unit"]
    low, high = parse(match["low"] + unit), parse(match["high"] + unit)
    written = {"text": text[:40], "what": what, "low": match["low"], "high": match["high"]}
    if low == high:
        raise PydanticCustomError(
            "range", "'{text}' is one number, not a range: write {what}: {low}", written
        )
    if low > high:
        raise PydanticCustomError(
            "range",
            "'{text}' goes down: write the lower number first, {what}: {high}-{low}{unit}",
            {**written, "unit": unit},
        )
    return Range(low, high)


def parse_reps(value: Any) -> int | Range | tuple[int, ...]:
    """`reps:` as a number (`10`), a range with a target (`8-12`) or the reps of each set
    (`[6, 4, 2]`)."""
    count = _check_count(MAX_REPS, "reps")
    if isinstance(value, list):
        if not value:
            raise PydanticCustomError("count", "write the reps of each set, e.g. reps: [6, 4, 2]")
        if len(value) > MAX_SETS:
            raise PydanticCustomError(
                "count", "at most {limit} sets, one number each", {"limit": MAX_SETS}
            )
        per_set = []
        for number, item in enumerate(value, start=1):
            if isinstance(item, (list, dict)):
                raise PydanticCustomError(
                    "count", "write one number for each set, e.g. reps: [6, 4, 2]"
                )
            try:
                per_set.append(count(item))
            except PydanticCustomError as error:
                raise PydanticCustomError(
                    "count",
                    "set {number} of {sets}: {problem}",
                    {"number": number, "sets": len(value), "problem": error.message()},
                ) from None
        return tuple(per_set)
    if isinstance(value, str):
        found = _range(value, lambda text: count(_strip_unit(text, "reps")), "reps")
        if found is not None:
            return found
    return count(value)


def _strip_unit(text: str, what: str) -> str:
    return re.sub(rf"\s*(?:{_COUNT_UNITS[what]})$", "", text)


def parse_hold(value: Any) -> int | Range | Breaths:
    """`hold:` as a duration (`30s`), a range with a target (`5-10s`) or breaths
    (`5 breaths`)."""
    if isinstance(value, str):
        compact = value.strip().lower()
        breaths = _BREATHS.fullmatch(compact)
        if breaths:
            count = breaths["count"]
            number = int(count) if count.isdigit() else _NUMBER_WORDS.get(count)
            if number is None or not 1 <= number <= MAX_BREATHS:
                raise PydanticCustomError(
                    "duration",
                    "'{text}': write from 1 to {limit} breaths, e.g. hold: 5 breaths",
                    {"text": value[:40], "limit": MAX_BREATHS},
                )
            return Breaths(number)
        found = _range(value, parse_duration, "hold")
        if found is not None:
            return found
    return parse_duration(value)


_COUNT_FORMS = {
    "anyOf": [
        *_count_schema(MAX_REPS, "reps")["anyOf"],
        {"type": "string", "pattern": r"^\s*\d+\s*(-|to)\s*\d+(\s*reps?)?\s*$"},
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_REPS},
            "minItems": 1,
            "maxItems": MAX_SETS,
        },
    ],
    "examples": [10, "8-12", [6, 4, 2]],
    "description": "a number of reps; a range such as 8-12 (the app plays a target in it); "
    "or the reps of each set, e.g. [6, 4, 2]",
}
RepsForm = Annotated[Any, PlainValidator(parse_reps), WithJsonSchema(_COUNT_FORMS)]
HoldForm = Annotated[
    Any,
    PlainValidator(parse_hold),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_SECONDS},
                {"type": "string", "pattern": _DURATION_TEXT},
                {"type": "string", "pattern": r"^\s*\d+\s*(-|to)\s*\d+\s*[a-z]*\s*$"},
                {"type": "string", "pattern": r"^\s*\w+\s*breaths?\s*$"},
            ],
            "examples": ["30s", "5-10s", "5 breaths"],
            "description": "seconds or a duration (30s), a range such as 5-10s (the app plays "
            "a target in it), or a number of breaths (5 breaths)",
        }
    ),
]

_TEMPO = re.compile(r"(\d+)\s*-\s*(\d+)\s*-\s*(\d+)")


def parse_tempo(value: Any) -> model.Tempo:
    """`tempo: 3-1-1`: seconds lowering, holding and lifting."""
    if isinstance(value, model.Tempo):
        return value
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    match = _TEMPO.fullmatch(text)
    example = "write three numbers, the seconds lowering, holding and lifting, e.g. tempo: 3-1-1"
    if match is None:
        parts = re.findall(r"\d+", text)
        if 0 < len(parts) < 3 and re.fullmatch(r"[\d\s-]+", text):
            raise PydanticCustomError(
                "tempo",
                "'{text}' gives {count}: " + example,
                {"text": text[:40], "count": "one number" if len(parts) == 1 else "two numbers"},
            )
        raise PydanticCustomError(
            "tempo", "'{text}' is not a tempo: " + example, {"text": text[:40]}
        )
    lower, hold, lift = (int(part) for part in match.groups())
    if not lower or not lift:
        raise PydanticCustomError(
            "tempo", "lowering and lifting take at least 1 second each: e.g. tempo: 3-0-1"
        )
    if max(lower, hold, lift) > MAX_TEMPO_PHASE:
        raise PydanticCustomError(
            "tempo", "a phase of a rep takes at most {limit} seconds", {"limit": MAX_TEMPO_PHASE}
        )
    return model.Tempo(lower, hold, lift)


MAX_PACE = 30


def parse_pace(value: Any) -> int:
    """`pace: 3s`: one rep every 3 seconds, paced by a beat."""
    example = "write the seconds per rep, e.g. pace: 3s for one rep every 3 seconds"
    try:
        seconds = parse_duration(value)
    except PydanticCustomError:
        given = printable(str(value)[:40]) if value is not None else "nothing"
        raise PydanticCustomError(
            "pace", "'{given}' is not a pace: " + example, {"given": given}
        ) from None
    if seconds > MAX_PACE:
        raise PydanticCustomError(
            "pace",
            "a pace of {seconds} seconds per rep is too slow for a beat: at most {limit}s",
            {"seconds": seconds, "limit": MAX_PACE},
        )
    return seconds


def _or(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]


def _choice(*choices: str, what: str) -> Any:
    """A validator for one of a few words, with a did-you-mean for a slip (`lefty`)."""

    def parse(value: Any) -> str:
        text = value.strip().lower() if isinstance(value, str) else ""
        if text in choices:
            return text
        if isinstance(value, bool):  # YAML reads `side: no` as yes/no, not as a word
            raise PydanticCustomError(
                "choice", "write {choices}, not yes or no", {"choices": _or(choices)}
            )
        close = difflib.get_close_matches(text, choices, n=1, cutoff=0.5)
        given = printable(str(value)[:40])
        hint = f"did you mean {close[0]}? " if close else ""
        raise PydanticCustomError(
            "choice",
            "'{given}' is not a {what}: {hint}write {choices}",
            {"given": given, "what": what, "hint": hint, "choices": _or(choices)},
        )

    return Annotated[
        str,
        PlainValidator(parse),
        WithJsonSchema({"type": "string", "enum": list(choices)}),
    ]


if TYPE_CHECKING:  # a word; pydantic's annotated forms are built by `_choice`
    SidesChoice: TypeAlias = str
    SideChoice: TypeAlias = str
    AffectedSide: TypeAlias = str
else:
    SidesChoice = _choice("both", "alternate", what="way of doing the sides")
    SideChoice = _choice("left", "right", "affected", what="side")
    AffectedSide = _choice("left", "right", what="side")
Equipment = Annotated[list[ShortText], Field(max_length=20)]


def _exercise_step_rules(schema: dict[str, Any]) -> None:
    """What `_one_way_of_timing` and the library checks say, as JSON Schema."""
    # A step that takes an exercise from a library may leave out its name and timing.
    schema["required"] = [key for key in schema.get("required", []) if key != "name"]
    schema["anyOf"] = [{"required": ["name"]}, {"required": ["exercise"]}]
    schema["if"] = {"not": {"required": ["exercise"]}}
    schema["then"] = {
        "anyOf": [{"required": [timing]} for timing in _TIMINGS],
        "dependentRequired": {"relax": ["reps", "hold"]},
    }
    schema["not"] = {
        "anyOf": [
            {"required": ["hold", "duration"]},
            {"required": ["reps", "duration"]},
            {"required": ["tempo", "hold"]},
            {"required": ["pace", "hold"]},
            {"required": ["pace", "tempo"]},
            {"required": ["side", "sides"]},
        ]
    }
    schema["allOf"] = [  # format 2: what sides: alternate and tempo: need
        {
            "if": {"required": ["sides"], "properties": {"sides": {"const": "alternate"}}},
            "then": {"required": ["reps"]},
        },
        {"dependentRequired": {"tempo": ["reps"], "pace": ["reps"]}},
    ]


def _weekday(value: Any) -> int:
    try:
        return weekday(value)
    except ValueError as error:
        raise PydanticCustomError("weekday", str(error)) from None


Weekday = Annotated[
    int,
    BeforeValidator(_weekday),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*$",
            "examples": ["mon", "wed", "fri"],
        }
    ),
]
Weekdays = Annotated[list[Weekday], Field(min_length=1, max_length=7)]


class StepSchedule(_Strict):
    """When a step is played: on named weekdays, or from a routine week on (format 2)."""

    days: Weekdays | None = None
    """The weekdays this step is done on, e.g. [mon, thu]; every day if not given."""
    from_week: Annotated[int, Field(ge=1, le=MAX_WEEK)] | None = None
    """The routine week this step starts in, e.g. 4 (week 1 is the first week done)."""

    def _plain_fields(self) -> dict[str, Any]:
        fields = super()._plain_fields()
        fields["days"] = tuple(sorted(set(self.days or ())))
        return fields


class ExerciseStep(StepSchedule):
    """One exercise: timed by exactly one of `hold`, `duration` or `reps`."""

    model_config = ConfigDict(json_schema_extra=_exercise_step_rules)
    plain = model.ExerciseStep

    exercise: Annotated[str, Field(max_length=100)] | None = None
    """The library exercise this step takes its name, timing and texts from, e.g. bird-dog."""
    name: ShortText = Field(min_length=1)
    """What the exercise is called, e.g. Bird-dog."""
    hold: HoldForm | None = None
    """One timed hold, or with `reps` the hold of each rep; a range such as 5-10s, or breaths."""
    duration: Seconds | None = None
    """A timed activity such as walking."""
    reps: RepsForm | None = None
    """Repetitions, paced by the app when `hold` or `tempo` is given, else marked done by the
    patient; a range such as 8-12, or the reps of each set, e.g. [6, 4, 2]."""
    target: Annotated[int | str, Field(union_mode="left_to_right")] | None = None
    """The number played when reps (else hold) is a range: its lower end if not given."""
    relax: Seconds | None = None
    """Pause between reps that have a hold (3 s if not given)."""
    sets: Sets | None = None
    """How many sets (1 if not given)."""
    rest: Seconds | None = None
    """Pause after each set, before the next set or step."""
    per_side: bool = False
    """Do it on the left, then on the right."""
    switch: Seconds | None = None
    """Switch-sides pause (5 s if not given)."""
    prepare: Seconds | None = None
    """Get-ready countdown before the exercise."""
    tips: list[LongText] = Field(default_factory=list, max_length=20)
    """Form cues shown while doing it."""
    caution: LongText | None = None
    """When to stop."""
    why: LongText | None = None
    """One or two sentences on why this exercise helps."""
    say: LongText | None = None
    """What the voice says to announce the exercise."""
    progression: StepProgression | None = None
    """How this step's numbers grow week by week; false: not at all, whatever the routine says."""
    figure: Annotated[str, Field(max_length=100)] | None = None
    """The moving figure to show, by its id, e.g. bird-dog (else the exercise's own, if any)."""
    image: ShortText | None = None
    """Your own picture for the handout, beside the routine, e.g. bridge.png or bridge.svg."""
    sides: SidesChoice | None = None
    """both: left, then right (as per_side: true); alternate: left and right in each rep."""
    side: SideChoice | None = None
    """One side only: left, right, or affected (the routine's affected_side, or the patient's)."""
    tempo: (
        Annotated[
            model.Tempo,
            PlainValidator(parse_tempo),
            WithJsonSchema(
                {
                    "type": "string",
                    "pattern": r"^\s*\d+\s*-\s*\d+\s*-\s*\d+\s*$",
                    "examples": ["3-1-1"],
                }
            ),
        ]
        | None
    ) = None
    """The pace of each rep: seconds lowering, holding and lifting, e.g. 3-1-1."""
    pace: (
        Annotated[
            int,
            BeforeValidator(parse_pace),
            WithJsonSchema(
                {
                    "anyOf": [
                        {"type": "integer", "minimum": 1, "maximum": MAX_PACE},
                        {"type": "string", "pattern": r"^\s*([1-9]|[12]\d|30)\s*s?\s*$"},
                    ],
                    "examples": ["3s"],
                }
            ),
        ]
        | None
    ) = None
    """For reps done at your own pace: one rep every so many seconds, paced by a beat, e.g. 3s."""
    effort: LongText | None = None
    """How hard it should feel, e.g. 'talk test: you can talk, not sing'."""
    load: ShortText | None = None
    """The weight or band to use, e.g. red band."""
    equipment: Equipment = Field(default_factory=list)
    """What this exercise needs, e.g. [mat, towel]."""

    def to_model(self) -> model.ExerciseStep:
        """The step as plain data: a range or a pyramid becomes the numbers played."""
        forms = {"reps", "hold", "target", "sides"}
        values = self._plain_fields()
        for name in forms:
            del values[name]
        reps, hold = self.reps, self.hold
        if isinstance(reps, Range):
            values["reps_range"] = (reps.low, reps.high)
            reps = self._target_in(reps, "reps")
        elif isinstance(reps, tuple):
            values["reps_per_set"] = reps
            values["sets"] = len(reps)
            reps = reps[0]
        if isinstance(hold, Range):
            values["hold_range"] = (hold.low, hold.high)
            hold = hold.low if isinstance(self.reps, Range) else self._target_in(hold, "hold")
        elif isinstance(hold, Breaths):
            values["breaths"] = hold.count
            hold = hold.count * model.DEFAULT_BREATH_SECONDS
        values["per_side"] = self.per_side or self.sides == "both"
        values["alternate"] = self.sides == "alternate"
        return model.ExerciseStep(**values, reps=reps, hold=hold)

    def _target_in(self, written: Range, field: str) -> int:
        if self.target is None:
            return written.low
        return (
            parse_duration(self.target)
            if field == "hold"
            else _check_count(MAX_REPS, "reps")(self.target)
        )

    @model_validator(mode="after")
    def _forms_fit_together(self) -> ExerciseStep:
        ranged = (
            "reps"
            if isinstance(self.reps, Range)
            else "hold"
            if isinstance(self.hold, Range)
            else None
        )
        if self.target is not None:
            if ranged is None:
                raise PydanticCustomError(
                    "timing",
                    "target: is the number to play within a range: give a range, e.g. "
                    "reps: 8-12 and target: 10, or remove target",
                )
            written = getattr(self, ranged)
            target = self._target_in(written, ranged)
            if not written.low <= target <= written.high:
                raise PydanticCustomError(
                    "timing",
                    "target: {target} is outside {field}: {low}-{high}{unit}: give a target "
                    "within the range",
                    {
                        "target": self.target,
                        "field": ranged,
                        "low": written.low,
                        "high": written.high,
                        "unit": "s" if ranged == "hold" else "",
                    },
                )
        if isinstance(self.reps, tuple) and self.sets is not None and self.sets != len(self.reps):
            raise PydanticCustomError(
                "timing",
                "reps: gives {count} sets, one number each, but sets: says {sets}: remove sets:",
                {"count": len(self.reps), "sets": self.sets},
            )
        if self.sides is not None and self.per_side:
            raise PydanticCustomError(
                "timing", "give either sides: or per_side: true, not both (sides: both is per_side)"
            )
        if self.side is not None and (self.per_side or self.sides is not None):
            raise PydanticCustomError(
                "timing",
                "side: {side} is one side only: remove per_side or sides, or remove side",
                {"side": self.side},
            )
        if self.sides == "alternate" and self.reps is None:
            raise PydanticCustomError(
                "timing",
                "sides: alternate changes side each rep: give reps, or write sides: both for "
                "one side, then the other",
            )
        if self.tempo is not None:
            if self.reps is None:
                raise PydanticCustomError(
                    "timing", "tempo: paces each rep: give reps too, e.g. reps: 10"
                )
            if self.hold is not None:
                raise PydanticCustomError(
                    "timing",
                    "tempo: already gives each rep's hold (its middle number): remove hold",
                )
        if self.pace is not None and (self.reps is None or (self.hold, self.tempo) != (None, None)):
            raise PydanticCustomError(
                "timing",
                "pace: is for reps done at your own pace (reps without hold or tempo), "
                "one every so many seconds: give reps without hold, or remove pace",
            )
        if self.progression is not None:
            if isinstance(self.reps, tuple) and self.progression.reps is not None:
                raise PydanticCustomError(
                    "timing",
                    "the progression changes reps, but reps: gives each set its own: write the "
                    "reps of each week's sets by hand, or one number for every set",
                )
            if isinstance(self.hold, Breaths) and self.progression.hold is not None:
                raise PydanticCustomError(
                    "timing",
                    "the progression changes hold, but the hold is counted in breaths: give "
                    "hold in seconds, or remove the progression of hold",
                )
        return self

    @model_validator(mode="after")
    def _one_way_of_timing(self) -> ExerciseStep:
        if self.reps is None:
            if self.hold is None and self.duration is None:
                raise PydanticCustomError(
                    "timing", "give the step one of hold (e.g. hold: 30s), duration or reps"
                )
            if self.hold is not None and self.duration is not None:
                raise PydanticCustomError(
                    "timing",
                    "give either hold or duration, not both: a hold is a stretch or "
                    "plank, a duration an activity such as walking",
                )
        elif self.duration is not None:
            raise PydanticCustomError(
                "timing", "give either reps or duration, not both (reps may have a hold per rep)"
            )
        if self.relax is not None and (
            self.reps is None or (self.hold, self.tempo) == (None, None)
        ):
            raise PydanticCustomError(
                "timing",
                "relax is the pause between reps that have a hold: add reps and hold, "
                "or remove relax",
            )
        if self.progression is not None:
            for field in ("hold", "duration", "reps"):
                if getattr(self.progression, field) is not None and getattr(self, field) is None:
                    raise PydanticCustomError(
                        "timing",
                        "the progression changes {field}, but the step has no {field}: "
                        "give it {field}: or change what the progression grows",
                        {"field": field},
                    )
        return self


class RestStep(_Strict):
    """A rest between exercises, written `- rest: 60s`."""

    plain = model.RestStep

    rest: Seconds
    """How long to rest."""


# --- steps that are not exercises: a card, a heat or cold pack, breathing, a walk -------


def _minutes(value: Any) -> int:
    """`minutes: 10` (or 2.5, or "10 min") as whole seconds."""
    if isinstance(value, bool):
        raise PydanticCustomError("duration", "write a number of minutes, e.g. minutes: 10")
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        value = float(value)
    if isinstance(value, (int, float)):
        seconds = value * 60
        if not float(seconds).is_integer():
            raise PydanticCustomError("duration", "use whole seconds, e.g. minutes: 2.5")
        value = int(seconds)
    return parse_duration(value)


Minutes = Annotated[
    int,
    BeforeValidator(_minutes),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_SECONDS // 60},
                {"type": "string", "pattern": _DURATION_TEXT},
            ],
            "description": "minutes, e.g. 10 or 2.5, or a duration such as 10 min",
        }
    ),
]
MAX_WALK_STEPS = 100_000
StepCount = Annotated[int, Field(ge=1, le=MAX_WALK_STEPS, strict=True)]
PackName = Annotated[str, Field(min_length=1, max_length=200)]


def _minutes_only(value: Any) -> Any:
    """`walk: 10 min` or `breathing: 3 min`: the short way to give only the minutes."""
    if isinstance(value, str):
        return {"minutes": value}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError(
            "duration", "write the minutes with their unit, e.g. 10 min, or as minutes: 10"
        )
    return value


class Card(_Strict):
    """What an education card says."""

    title: ShortText = Field(min_length=1)
    """Its heading, e.g. Why moving helps."""
    text: LongText = Field(min_length=1)
    """What the patient reads before going on."""


class CardStep(_Strict):
    """An education card to read, then go on with Enter: `- card: {title: ..., text: ...}`."""

    plain = model.CardStep

    card: Card
    """The card's title and text."""

    def to_model(self) -> model.CardStep:
        return model.CardStep(title=self.card.title, text=self.card.text)


class HeatStep(_Strict):
    """A heat pack, timed: `- heat: 15 min`; its safety words are shown before it starts."""

    heat: Seconds
    """How long the pack stays on (15-20 minutes at most)."""
    name: PackName = "Heat pack"
    """What to call it, e.g. Heat on your lower back."""

    def to_model(self) -> model.ThermalStep:
        return model.ThermalStep(pack="heat", seconds=self.heat, name=self.name)


class ColdStep(_Strict):
    """A cold pack, timed: `- cold: 10 min`; its safety words are shown before it starts."""

    cold: Seconds
    """How long the pack stays on (15-20 minutes at most)."""
    name: PackName = "Cold pack"
    """What to call it, e.g. Ice on your lower back."""

    def to_model(self) -> model.ThermalStep:
        return model.ThermalStep(pack="cold", seconds=self.cold, name=self.name)


class Breathing(_Strict):
    """How to breathe: `{minutes: 3, in: 4, out: 6}`."""

    model_config = ConfigDict(populate_by_name=True)

    minutes: Minutes
    """How long, e.g. 3 (whole breaths: at least one)."""
    breathe_in: Seconds = Field(4, alias="in")
    """Seconds to breathe in (4 if not given)."""
    breathe_out: Seconds = Field(6, alias="out")
    """Seconds to breathe out (6 if not given)."""


class BreathingStep(_Strict):
    """Guided breathing or relaxation, cued breath by breath: `- breathing: {minutes: 3}`."""

    breathing: Annotated[
        Breathing, BeforeValidator(_minutes_only, json_schema_input_type=Breathing | str)
    ]
    """How long, and how long each breath in and out; or only how long, e.g. 3 min."""
    name: PackName = "Relaxed breathing"
    """What to call it, e.g. Belly breathing."""

    def to_model(self) -> model.BreathingStep:
        b = self.breathing
        return model.BreathingStep(b.minutes, b.breathe_in, b.breathe_out, self.name)


def _one_way_of_walking(schema: dict[str, Any]) -> None:
    """What `Walk._one_way_of_walking` says, as JSON Schema."""
    ways = ("minutes", "steps", "target_steps")
    schema["oneOf"] = [{"required": [way]} for way in ways]
    schema["dependentRequired"] = {"times": ["steps"]}


class Walk(_Strict):
    """A walk by time or by steps: `{minutes: 10}`, `{steps: 10, times: 4}` or
    `{target_steps: 3000}`."""

    model_config = ConfigDict(json_schema_extra=_one_way_of_walking)

    minutes: Minutes | None = None
    """Walk for this long; the patient says afterwards whether they did."""
    steps: StepCount | None = None
    """Walk this many steps (indoors, with care), marked done each time."""
    times: Annotated[int, Field(ge=1, le=MAX_SETS, strict=True)] | None = None
    """How many times to walk the `steps` (1 if not given)."""
    target_steps: StepCount | None = None
    """Steps to reach today, e.g. 3000; marked done when reached."""

    @model_validator(mode="after")
    def _one_way_of_walking(self) -> Walk:
        if self.times is not None and self.steps is None:
            raise PydanticCustomError(
                "timing", "times repeats a walk by steps: add steps: 10, or remove times"
            )
        given = [way for way in ("minutes", "steps", "target_steps") if getattr(self, way)]
        if len(given) != 1:
            raise PydanticCustomError(
                "timing",
                "a walk is by minutes, by steps or by a target: give one of minutes: 10, "
                "steps: 10 (with times: 4 to repeat) or target_steps: 3000",
            )
        return self


class WalkStep(_Strict):
    """A walk with a target the patient confirms: `- walk: {minutes: 10}`."""

    walk: Annotated[Walk, BeforeValidator(_minutes_only, json_schema_input_type=Walk | str)]
    """By minutes, by steps, or a step target for the day; or only the time, e.g. 10 min."""
    name: PackName = "Walk"
    """What to call it, e.g. Brisk walk."""

    def to_model(self) -> model.WalkStep:
        w = self.walk
        return model.WalkStep(self.name, w.minutes, w.steps, w.times or 1, w.target_steps)


_ACTIVITY_STEPS: dict[str, type[_Strict]] = {
    "card": CardStep,
    "heat": HeatStep,
    "cold": ColdStep,
    "breathing": BreathingStep,
    "walk": WalkStep,
}
"""Each step that is not an exercise, by the key that says what it is."""


def _step_tag(value: Any) -> str:
    if isinstance(value, dict):
        for key in _ACTIVITY_STEPS:
            if key in value:
                return key
    is_exercise = isinstance(value, dict) and not value.keys().isdisjoint({"name", "exercise"})
    if isinstance(value, dict) and not is_exercise and "rest" in value:
        return "rest"
    return "exercise"


Step = Annotated[
    Annotated[ExerciseStep, Tag("exercise")]
    | Annotated[RestStep, Tag("rest")]
    | Annotated[CardStep, Tag("card")]
    | Annotated[HeatStep, Tag("heat")]
    | Annotated[ColdStep, Tag("cold")]
    | Annotated[BreathingStep, Tag("breathing")]
    | Annotated[WalkStep, Tag("walk")],
    Discriminator(_step_tag),
]
MAX_ROUNDS = 20


class Block(_Strict):
    """Steps done in rounds, e.g. a circuit or McGill's Big 3 done three times."""

    plain = model.Block

    name: ShortText = Field(min_length=1)
    """What the block is called, e.g. Big 3."""
    rounds: Annotated[
        int,
        BeforeValidator(_check_count(MAX_ROUNDS, "rounds")),
        WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ROUNDS}),
    ]
    """How many times the steps are done, in order."""
    rest_between_rounds: Seconds | None = None
    """Rest after each round but the last."""
    steps: list[Step] = Field(min_length=1, max_length=50)
    """The exercises and rests of one round."""


class BlockStep(_Strict):
    """A block in the steps, written `- block: {name: ..., rounds: 3, steps: [...]}`."""

    plain = model.Block

    block: Block
    """The block."""


def _routine_step_tag(value: Any) -> str:
    if isinstance(value, dict) and "block" in value:
        return "block"
    return _step_tag(value)


RoutineStep = Annotated[
    Annotated[ExerciseStep, Tag("exercise")]
    | Annotated[RestStep, Tag("rest")]
    | Annotated[BlockStep, Tag("block")]
    | Annotated[CardStep, Tag("card")]
    | Annotated[HeatStep, Tag("heat")]
    | Annotated[ColdStep, Tag("cold")]
    | Annotated[BreathingStep, Tag("breathing")]
    | Annotated[WalkStep, Tag("walk")],
    Discriminator(_routine_step_tag),
]


def _flattened(
    written: list[RoutineStep],
) -> tuple[tuple[model.Step, ...], tuple[model.Block, ...]]:
    """Steps as plain data, each block's steps among them once, and the blocks beside."""
    steps: list[model.Step] = []
    blocks = []
    for step in written:
        if isinstance(step, BlockStep):
            block = step.block
            blocks.append(
                model.Block(
                    name=block.name,
                    rounds=block.rounds,
                    first_step=len(steps),
                    step_count=len(block.steps),
                    rest_between_rounds=block.rest_between_rounds,
                )
            )
            steps.extend(each.to_model() for each in block.steps)
        else:
            steps.append(step.to_model())
    return tuple(steps), tuple(blocks)


_ASK_EVERY = re.compile(
    r"(?:(?:after\s+)?(?:every|each)\s+)?session"
    r"|(?:every\s+)?(?P<amount>\d+)?\s*(?P<unit>days?|weeks?)"
)


def parse_ask_every(value: Any) -> int:
    """Days between two stage questions from `1 week`, `3 days`, `2 weeks`; 0 for `session`."""
    match = _ASK_EVERY.fullmatch(str(value).strip().lower()) if isinstance(value, str) else None
    if match is None:
        raise PydanticCustomError(
            "ask_every",
            "write how often to ask, e.g. 1 week, 3 days or every session",
        )
    if match["unit"] is None:
        return 0
    amount = int(match["amount"] or 1)
    if amount != 1 and not match["unit"].endswith("s"):
        raise PydanticCustomError(
            "ask_every", "write {amount} {unit}s", {"amount": amount, "unit": match["unit"]}
        )
    days = amount * (7 if match["unit"].startswith("week") else 1)
    if not 1 <= days <= MAX_WEEK * 7:
        raise PydanticCustomError("ask_every", "ask at least once in ten years, at most daily")
    return days


class Stage(_Strict):
    """One level of a staged routine: its steps, and when the patient moves on (format 2)."""

    plain = model.Stage

    name: ShortText = Field(min_length=1)
    """What the stage is called, e.g. Lying face down."""
    move_on: LongText | None = None
    """When to move on, in the patient's words, e.g. when you can do 10 without pain."""
    ask_every: (
        Annotated[
            int,
            BeforeValidator(parse_ask_every),
            WithJsonSchema({"type": "string", "examples": ["1 week", "3 days", "every session"]}),
        ]
        | None
    ) = None
    """How often to ask whether you can move on: 1 week if not given, or every session."""
    frequency: FrequencyText | None = None
    """How often while this is the patient's stage, in place of the routine's frequency:
    daily, 2 per day, 3 per week, as needed, every 2 hours between 08:00 and 20:00."""
    on: Weekdays | None = None
    """The weekdays this stage is done on, e.g. [mon, wed, fri] (with the stage's frequency)."""
    steps: list[RoutineStep] = Field(min_length=1, max_length=200)
    """The exercises, rests and blocks of this stage, in order."""

    @model_validator(mode="after")
    def _frequency_on_days(self) -> Stage:
        if self.on is not None and self.frequency is not None:
            _with_days(self.frequency, self.on)
        return self

    def _plain_fields(self) -> dict[str, Any]:
        fields = {name: _plain(getattr(self, name)) for name in ("name", "move_on", "frequency")}
        if self.on is not None:  # as at the routine's level: the days alone mean daily on them
            fields["frequency"] = _with_days(self.frequency or Frequency(1, "day"), self.on)
        fields["ask_every"] = 7 if self.ask_every is None else self.ask_every
        fields["steps"], fields["blocks"] = _flattened(self.steps)
        return fields


class Routine(_Strict):
    """A home exercise routine as a therapist writes it."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["steps"]}, {"required": ["stages"]}]}
    )
    plain = model.Routine

    backroutine: Literal[1, 2] = FORMAT_VERSION
    """Format version, 1 or 2; absent means the current one, 2. Every version-1 file means the
    same under 2."""
    title: ShortText = Field(min_length=1)
    """The routine's name."""
    description: LongText | None = None
    """What the routine is for."""
    author: ShortText | None = None
    """Who wrote it."""
    id: Annotated[str, Field(max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")] | None = None
    """A name that stays the same across versions, e.g. core-for-jane: import replaces by it."""
    version: (
        Annotated[
            str,
            BeforeValidator(parse_version),
            # An editor reads `version: 1.2` as a number, `1.2.1` as text.
            WithJsonSchema(
                {
                    "anyOf": [
                        {"type": "number", "minimum": 0},
                        {"type": "string", "pattern": r"^\s*\d{1,6}(\.\d{1,6}){0,3}\s*$"},
                    ],
                    "examples": [1, "2.1"],
                }
            ),
        ]
        | None
    ) = None
    """The routine's own version, 1, 2 or 1.2: a higher one replaces a lower one on import."""
    licence: ShortText | None = None
    """Under what terms others may use the file, e.g. CC BY 4.0."""
    review_by: Annotated[date, WithJsonSchema(_DATE_SCHEMA)] | None = None
    """When the patient should have the routine reviewed by their therapist."""
    library: (
        Annotated[
            str,
            Field(max_length=200),
            # What `library.library_file` refuses, as far as a pattern can say it.
            WithJsonSchema(
                {
                    "type": "string",
                    "pattern": r"^(?![/\\~])(?![A-Za-z]:)(?!(.*[/\\])?\.\.([/\\]|$)).+$",
                    "examples": ["my-exercises.yaml"],
                }
            ),
        ]
        | None
    ) = None
    """An exercise library file beside the routine, e.g. my-exercises.yaml."""
    frequency: FrequencyText | None = None
    """How often: daily, 2 per day, 1-2 per day, 3 per week, as needed, every 2 hours between
    08:00 and 20:00."""
    on: Weekdays | None = None
    """The weekdays the routine is done on, e.g. [mon, wed, fri]."""
    tags: list[ShortText] = Field(default_factory=list, max_length=20)
    """Words to find it by."""
    safety: list[LongText] = Field(default_factory=list, max_length=20)
    """Notes shown before the session starts."""
    defaults: Defaults = Field(default_factory=Defaults)
    """Values every exercise step inherits."""
    progression: Progression | None = None
    """How every exercise's numbers grow week by week (a step's own progression wins)."""
    affected_side: AffectedSide | None = None
    """The side `side: affected` means: left or right (else the patient sets it)."""
    equipment: Equipment = Field(default_factory=list)
    """What the routine needs, listed before the session starts, e.g. [mat, chair]."""
    # Left out with stages; given, it must be a list (`steps:` alone "has no value").
    steps: list[RoutineStep] = Field(default=None, min_length=1, max_length=200)  # type: ignore[arg-type]
    """The exercises, rests and blocks, in order (or give stages, each with its steps)."""
    stages: list[Stage] | None = Field(default=None, min_length=2, max_length=20)
    """Levels the patient moves through, each with its steps and when to move on."""

    @model_validator(mode="after")
    def _steps_or_stages(self) -> Routine:
        if self.steps is None and self.stages is None:
            raise PydanticCustomError("stages", "the routine needs steps: add steps:")
        if self.steps is not None and self.stages is not None:
            raise PydanticCustomError(
                "stages", "give the routine steps, or stages each with its steps, not both"
            )
        if self.on is not None and self.frequency is not None:
            _with_days(self.frequency, self.on)
        return self

    def _plain_fields(self) -> dict[str, Any]:
        """A staged routine's steps and blocks are its first stage's."""
        fields = {
            name: _plain(getattr(self, name)) for name in type(self).model_fields if name != "steps"
        }
        on = fields.pop("on")
        if on is not None:
            fields["frequency"] = _with_days(self.frequency or Frequency(1, "day"), on)
        if self.stages is not None:
            first = fields["stages"][0]
            fields["steps"], fields["blocks"] = first.steps, first.blocks
        else:
            fields["steps"], fields["blocks"] = _flattened(self.steps)
            fields["stages"] = ()
        return fields


def _with_days(frequency: Frequency, days: list[int]) -> Frequency:
    try:
        return with_days(frequency, days)
    except ValueError as error:
        raise PydanticCustomError("frequency", str(error)) from None


_PLACES: tuple[type[BaseModel], ...] = (
    Routine,
    ExerciseStep,
    Defaults,
    Progression,
    Block,
    BlockStep,
    Stage,
    *_ACTIVITY_STEPS.values(),
)
KEYS = frozenset(name for schema_class in _PLACES for name in schema_class.model_fields)
"""Every key of the format, in any place."""
