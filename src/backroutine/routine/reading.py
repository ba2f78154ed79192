"""Read YAML safely and locate every problem in it, for routine and library files alike.

Routine files come from other people, so the YAML is read from its event stream with
our own small builder: one pass that caps size and nesting depth, refuses anchors,
aliases and duplicate keys, and remembers where every key and value stands so that
pydantic's errors can be reported as `file:line:col: what is wrong, and how to fix it`.
"""

from __future__ import annotations

import codecs
import difflib
import re
from typing import Any, Protocol

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from backroutine.base.text import printable
from backroutine.routine.model import (
    DEFAULT_PREPARE_SECONDS,
    DEFAULT_RELAX_SECONDS,
    DEFAULT_SWITCH_SECONDS,
    MAX_FILE_BYTES,
    Problem,
    RoutineFileError,
)
from backroutine.routine.schema import (
    KEYS,
    Block,
    BlockStep,
    Breathing,
    BreathingStep,
    Card,
    CardStep,
    ColdStep,
    Defaults,
    ExerciseStep,
    HeatStep,
    Progression,
    RestStep,
    Routine,
    Stage,
    Walk,
    WalkStep,
)
from backroutine.routine.yaml_mistakes import CURLY_QUOTES as _CURLY
from backroutine.routine.yaml_mistakes import DASHES as _DASHES
from backroutine.routine.yaml_mistakes import explain_yaml_error, layout_slip

MAX_DEPTH = 32

# Where a value stands: (line, column), both counted from 1.
Position = tuple[int, int]
KeyPath = tuple[Any, ...]

_Parser: type[yaml.CSafeLoader | yaml.SafeLoader]
try:  # libyaml's parser is fast and, used for events only, never recurses
    _Parser = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader


def validate_document(
    schema_class: type[BaseModel], document: Any, places: Places, source: str, *, what: str
) -> BaseModel:
    """Validate parsed YAML against a pydantic model, raising `RoutineFileError` if it fails."""
    require_mapping(document, source, what)
    try:
        return schema_class.model_validate(document)
    except ValidationError as error:
        raise RoutineFileError([problem for problem, _ in locate(error, places, source)]) from None


# The keys a file of each kind starts with, to show what one looks like.
_FIRST_KEYS = {"a routine file": "title: and steps:", "an exercise library file": "exercises:"}


def require_mapping(document: Any, source: str, what: str) -> None:
    if not isinstance(document, dict):
        found = "nothing" if document is None else _describe(document)
        raise RoutineFileError(
            [
                Problem(
                    source,
                    1,
                    1,
                    f"{what} is made of keys with values, such as {_FIRST_KEYS.get(what, 'title:')}"
                    f", but this holds {found}: write each key at the start of its line, "
                    "its value after it (backroutine new writes a routine to start from)",
                )
            ]
        )


class Places:
    """Where each value and each mapping key of a document starts."""

    def __init__(self) -> None:
        self.values: dict[KeyPath, Position] = {}
        self.keys: dict[KeyPath, Position] = {}

    def nearest(self, path: KeyPath, *, key: bool = False) -> Position:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))


class Mark(Protocol):
    """Where a YAML event starts, counted from 0: PyYAML's and libyaml's marks both say it."""

    line: int
    column: int


class _Mapping:
    def __init__(self, path: KeyPath, mark: Mark | None) -> None:
        self.path = path
        self.mark = mark
        self.value: dict[str, Any] = {}
        self.pending_key: str | None = None


class _Sequence:
    def __init__(self, path: KeyPath, mark: Mark | None) -> None:
        self.path = path
        self.mark = mark
        self.value: list[Any] = []


def _position(mark: Mark | None) -> Position:
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def read_yaml(data: bytes | str, source: str) -> tuple[Any, Places]:
    """Parse one YAML document safely into plain Python data and the places of its values."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise RoutineFileError(
                [
                    Problem(
                        source,
                        1,
                        1,
                        f"the file is over {MAX_FILE_BYTES // 1024} KB: "
                        "a routine file is a few KB of text",
                    )
                ]
            )
        text = _decode(data, source)
    else:
        text = data
    slip = layout_slip(text)
    if slip is not None:
        raise RoutineFileError([Problem(source, *slip)])
    try:
        return _build(text, source)
    except yaml.MarkedYAMLError as error:
        line, column, message = explain_yaml_error(text, error)
        if "nesting depth" in (error.problem or ""):  # libyaml's own limit, met before ours
            line, column = _position(error.problem_mark)
            message = f"nested more than {MAX_DEPTH} levels deep"
        raise RoutineFileError([Problem(source, line, column, message)]) from None
    except yaml.YAMLError:
        message = "the layout of the file cannot be read: check its indentation and quotes"
        raise RoutineFileError([Problem(source, 1, 1, message)]) from None


def _decode(data: bytes, source: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        message = (
            "the file is saved as UTF-16 (Notepad calls it Unicode): save it with UTF-8 encoding"
        )
        raise RoutineFileError([Problem(source, 1, 1, message)])
    if b"\x00" in data:
        raise RoutineFileError(
            [
                Problem(
                    source,
                    1,
                    1,
                    "this is a binary file, not a routine: save the routine as plain text",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise RoutineFileError(
            [
                Problem(
                    source,
                    line,
                    column,
                    "the file is not UTF-8 text"
                    + _looks_like(data[error.start : error.start + 4])
                    + ": save it with UTF-8 encoding",
                )
            ]
        ) from None


def _looks_like(data: bytes) -> str:
    """What the first undecodable character probably is, as Word or Notepad saved it."""
    try:
        char = data[:1].decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return (
        f" ('{printable(char)}' here is in the Windows-1252 encoding, "
        "as older Windows editors save)"
    )


def _build(text: str, source: str) -> tuple[Any, Places]:
    places = Places()
    resolver = yaml.SafeLoader("")  # resolves and constructs plain scalars
    stack: list[_Mapping | _Sequence] = []
    documents = 0
    result: Any = None

    def problem(mark: Mark | None, message: str) -> RoutineFileError:
        return RoutineFileError([Problem(source, *_position(mark), message)])

    def attach(value: Any, mark: Mark | None) -> KeyPath | None:
        """Put a finished value into its parent; return its path, or None if it was a key."""
        nonlocal result
        if not stack:
            result = value
            places.values[()] = _position(mark)
            return ()
        parent = stack[-1]
        if isinstance(parent, _Sequence):
            path = (*parent.path, len(parent.value))
            parent.value.append(value)
        elif parent.pending_key is None:
            if not isinstance(value, str):
                raise problem(mark, f"a key must be a plain word, not {_describe(value)}")
            key_path = (*parent.path, value)
            if value in parent.value:
                raise problem(mark, _given_twice(parent.path, value, places.keys[key_path][0]))
            parent.pending_key = value
            places.keys[key_path] = _position(mark)
            parent.value[value] = None
            return None
        else:
            path = (*parent.path, parent.pending_key)
            parent.value[parent.pending_key] = value
            parent.pending_key = None
        places.values[path] = _position(mark)
        return path

    def child_path() -> KeyPath:
        if not stack:
            return ()
        parent = stack[-1]
        if isinstance(parent, _Sequence):
            return (*parent.path, len(parent.value))
        return (*parent.path, parent.pending_key)

    parser = _Parser(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            assert event is not None, "check_event() said an event is waiting"
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise problem(
                    event.start_mark,
                    "a value cannot start with '&' or '*': write the value out in full, and put a "
                    "text that starts with '*' or '&' in quotes",
                )
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise problem(
                        event.start_mark, "only one YAML document per file: remove the '---'"
                    )
            elif isinstance(event, yaml.ScalarEvent):
                value = _scalar(resolver, event, source)
                parent = stack[-1] if stack else None
                awaits_key = isinstance(parent, _Mapping) and parent.pending_key is None
                if isinstance(value, bool) and awaits_key and event.value == "on":
                    value = event.value  # the key `on:` (weekdays), not YAML 1.1's yes
                attach(value, event.start_mark)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if event.tag is not None and not event.implicit:
                    raise problem(
                        event.start_mark,
                        _tag_refused(event.tag),
                    )
                if len(stack) >= MAX_DEPTH:
                    raise problem(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
                if stack and isinstance(stack[-1], _Mapping) and stack[-1].pending_key is None:
                    raise problem(event.start_mark, "a key must be a plain word, not a list or map")
                path = child_path()
                kind = _Mapping if isinstance(event, yaml.MappingStartEvent) else _Sequence
                stack.append(kind(path, event.start_mark))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                node = stack.pop()
                attach(node.value, node.mark)
    finally:
        parser.dispose()
    return result, places


_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"
_NOT_DECIMAL = re.compile(r"[-+]?0[0-9_]+|[-+]?0[xXbBoO].*|.*[_:].*")


def _tag_refused(tag: str) -> str:
    """Why a value marked with a YAML type (`!!python/object`, `!!binary`) is refused."""
    written = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:") else tag
    return (
        f"'{printable(written[:60])}' marks a value as a kind of data a routine file never "
        "holds: remove it, and write the text or number itself"
    )


def _scalar(resolver: yaml.SafeLoader, event: yaml.ScalarEvent, source: str) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    constructor = resolver.yaml_constructors.get(tag)
    if constructor is None or tag.endswith((":binary", ":set", ":omap", ":pairs")):
        raise RoutineFileError(
            [
                Problem(
                    source,
                    *_position(event.start_mark),
                    _tag_refused(tag),
                )
            ]
        )
    if tag == _FLOAT_TAG:
        # Kept as written: `version: 1.10` is not 1.1, and `hold: 1.30` may mean 1m30s.
        return event.value
    if tag == _INT_TAG and _NOT_DECIMAL.fullmatch(event.value):
        # YAML 1.1 reads `reps: 010` as octal 8, `0x10` as 16 and `1:30` as 90: kept as
        # written, the 10 a person reads, a clock's 1 min 30 s for a duration, or a value
        # the schema says it cannot take.
        return event.value
    # No marks on the node: a constructor's error is reported at the event's place, below.
    node = yaml.ScalarNode(tag, event.value, None, None, event.style)
    try:
        return constructor(resolver, node)
    except (ValueError, TypeError, yaml.YAMLError):
        raise RoutineFileError(
            [
                Problem(
                    source,
                    *_position(event.start_mark),
                    f"cannot read '{printable(event.value[:40])}'",
                )
            ]
        ) from None


def _given_twice(path: KeyPath, key: str, first_line: int) -> str:
    """A key given twice in one mapping: often a step whose '- ' was left out."""
    key = printable(key)
    if len(path) == 2 and path[0] == "steps" and isinstance(path[1], int):
        step = f"step {path[1] + 1}"
        if key in {"name", "exercise"}:
            return (
                f"{step} already has {key}: (line {first_line}): if a new step starts "
                f"here, put '- ' before {key}: as the other steps have"
            )
        return (
            f"'{key}' is given twice in {step} (first on line {first_line}): keep the one "
            f"you mean, or if a new step starts here, begin it with '- '"
        )
    return f"'{key}' is given twice (first on line {first_line}): keep the one you mean"


def _not_text(given: Any, name: str) -> str:
    """Why a value is not the text expected, and how to write it."""
    if given is None:
        if " " in name:  # a list item, 'tip 2'
            return "has no text: write it after the '- '"
        return f"has no value: write it after '{name}:'"
    if isinstance(given, dict) and len(given) == 1:
        # `- Breathe out: lift your hips` reads as a key and a value.
        ((before, after),) = given.items()
        text = f"{before}: {after}" if after is not None else f"{before}:"
        if str(before)[:1] in _CURLY:
            return (
                "this text is in curly quotes (a word processor's), which do not count as "
                "quotes, and it holds ': ': put straight quotes \" \" around the whole text"
            )
        quote = "'" if '"' in text else '"'
        return (
            f"the text holds a colon followed by a space (after '{printable(str(before)[:30])}'), "
            f"which starts a new key: put the whole text in quotes, e.g. "
            f"{quote}{printable(text[:40])}{quote}"
        )
    if isinstance(given, list):
        return "write one text here, not a list"
    if isinstance(given, bool):
        return "write some text here, in quotes if it is a word such as yes, no, on or off"
    return "write some text here"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "keys with values"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text '{printable(value[:40])}'"
    if isinstance(value, bool):
        return "yes/no"
    if value is None:
        return "nothing"
    return f"the value {printable(str(value)[:40])}"


_STEP_MODELS: dict[str, type[BaseModel]] = {
    "exercise": ExerciseStep,
    "rest": RestStep,
    "block": BlockStep,
    "card": CardStep,
    "heat": HeatStep,
    "cold": ColdStep,
    "breathing": BreathingStep,
    "walk": WalkStep,
}
# The keys inside a step that is not an exercise: `walk: {minutes: 10}`.
_INNER_MODELS: dict[str, type[BaseModel]] = {"card": Card, "breathing": Breathing, "walk": Walk}


def locate(
    error: ValidationError, places: Places, source: str, *, with_items: bool = False
) -> list[tuple[Problem, ErrorDetails]]:
    """Each validation error as a located problem, in file order, with pydantic's item."""
    problems = []
    seen = set()
    for item in error.errors(include_url=False):
        loc = without_tags(tuple(item["loc"]))
        about_key = loc[-1:] == ("[key]",)  # a mapping's key is wrong, not its value
        if about_key:
            loc = loc[:-1]
        line, column = places.nearest(loc, key=about_key or item["type"] == "extra_forbidden")
        if about_key:
            loc = loc[:-1]
        message = _explain(item, loc)
        if (line, column, message) not in seen:
            seen.add((line, column, message))
            problems.append((Problem(source, line, column, message), item))
    problems.sort(key=lambda pair: (pair[0].line, pair[0].column))
    return problems


_RULE_TAGS = {"growth", "schedule"}


def without_tags(loc: KeyPath) -> KeyPath:
    """Drop the union tags pydantic puts in a path: ('steps', 0, 'rest', ...), rule kinds."""
    at = _step_at(loc)
    if at and len(loc) > at + 1 and loc[at + 1] in _STEP_MODELS:
        loc = loc[: at + 1] + loc[at + 2 :]
    if _in_block(loc) and len(loc) > at + 4 and loc[at + 4] in _STEP_MODELS:  # a block's own
        loc = loc[: at + 4] + loc[at + 5 :]
    if "progression" in loc:
        at = loc.index("progression") + 2
        if loc[at : at + 1] and loc[at] in _RULE_TAGS:
            loc = loc[:at] + loc[at + 1 :]
    return loc


def _step_at(loc: KeyPath) -> int:
    """Where in `loc` the index of a step is: 1 in ('steps', 2, ...), 3 in a stage's
    ('stages', 0, 'steps', 2, ...); 0 when `loc` is not in a list of steps."""
    if loc[:1] == ("steps",) and len(loc) >= 2:
        return 1
    if loc[:1] == ("stages",) and loc[2:3] == ("steps",) and len(loc) >= 4:
        return 3
    return 0


def _in_block(loc: KeyPath) -> bool:
    """True for a path into the steps of a block: ('steps', 3, 'block', 'steps', 0, ...), or
    the same in a stage's steps."""
    at = _step_at(loc)
    return bool(at) and len(loc) >= at + 4 and loc[at + 1 : at + 3] == ("block", "steps")


def _model_at(loc: KeyPath, raw_loc: KeyPath) -> type[BaseModel]:
    at = _step_at(loc)
    if loc[-1:] == ("progression",):
        return Progression
    if _in_block(loc):  # raw: ('steps', 3, 'block', 'block', 'steps', 0, tag, ...)
        return _STEP_MODELS.get(raw_loc[at + 5] if len(raw_loc) > at + 5 else "", ExerciseStep)
    if at and loc[at + 1 : at + 2] == ("block",):
        return Block
    if at and len(loc) == at + 2 and loc[at + 1] in _INNER_MODELS:
        return _INNER_MODELS[loc[at + 1]]
    if at:
        return _STEP_MODELS.get(raw_loc[at + 1] if len(raw_loc) > at + 1 else "", ExerciseStep)
    if loc[:1] == ("stages",) and len(loc) >= 2:
        return Stage
    if loc[:1] == ("exercises",) and len(loc) >= 2:
        return ExerciseStep
    if loc[:1] == ("defaults",):
        return Defaults
    return Routine


def _where(loc: KeyPath) -> str:
    at = _step_at(loc)
    stage = f" of stage {loc[1] + 1}" if at == 3 and isinstance(loc[1], int) else ""
    if _in_block(loc) and isinstance(loc[at + 3], int):
        return f"step {loc[at + 3] + 1} of the block in step {loc[at] + 1}{stage}"
    if at and isinstance(loc[at], int):
        return f"step {loc[at] + 1}{stage}"
    if len(loc) >= 2 and loc[0] == "stages" and isinstance(loc[1], int):
        return f"stage {loc[1] + 1}"
    if len(loc) >= 2 and loc[0] == "exercises":
        return f"exercise '{printable(str(loc[1]))}'"
    return "the routine"


# How a message names the items of a list: 'tip 2', counted from 1 as a person counts.
_ITEM_NAMES = {"tips": "tip", "safety": "safety note", "tags": "tag", "steps": "step"}


# Words people write for a key, and the key they mean.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "repetitions": ("reps",),
    "rep": ("reps",),
    "repeats": ("reps",),
    "times": ("reps",),
    "count": ("reps",),
    "set": ("sets",),
    "rounds": ("sets",),
    "seconds": ("hold",),
    "secs": ("hold",),
    "hold_time": ("hold",),
    "time": ("duration",),
    "length": ("duration",),
    "minutes": ("duration",),
    "duration_time": ("duration",),
    "each_side": ("per_side",),
    "both_sides": ("per_side",),
    "sides": ("per_side",),
    "bilateral": ("per_side",),
    "tip": ("tips",),
    "cues": ("tips",),
    "notes": ("tips", "description"),
    "instructions": ("tips",),
    "warning": ("caution", "safety"),
    "warnings": ("caution", "safety"),
    "precaution": ("caution",),
    "precautions": ("caution",),
    "title": ("name",),
    "description": ("why",),
    "pause": ("rest",),
    "rest_time": ("rest",),
    "hold_seconds": ("hold",),
    "hold_secs": ("hold",),
    "get_ready": ("prepare",),
    "getready": ("prepare",),
    "ready": ("prepare",),
    "countdown": ("prepare",),
    "how_often": ("frequency",),
    "often": ("frequency",),
    "schedule": ("frequency",),
    "safety_notes": ("safety",),
    "side_switch": ("switch",),
    "change_sides": ("switch",),
    "break": ("rest",),
    "exercises": ("steps",),
    "name": ("title",),
    "note": ("caution", "description"),
}


def _label(loc: KeyPath) -> str:
    """How a message names the value at `loc`: the key, 'tip 2', or 'progression of hold'."""
    if len(loc) >= 2 and isinstance(loc[-1], int) and isinstance(loc[-2], str):
        item = _ITEM_NAMES.get(loc[-2], f"{printable(loc[-2])} item")
        return f"{item} {loc[-1] + 1}"
    if "progression" in loc:
        rule = [printable(str(part)) for part in loc[loc.index("progression") + 1 :]]
        if rule:
            return "progression of " + ", ".join(rule)
    return printable(str(loc[-1])) if loc else ""


_ZERO = "a duration must be more than zero seconds"
# A pause of 0 is a therapist asking for none: how to have none, or the shortest.
_PAUSE_WORDS = {
    "rest": "the shortest rest is 1s: for none, leave rest: out (and out of defaults:, which "
    "every step takes it from)",
    "relax": "the shortest pause between reps is 1s; without relax: it is "
    f"{DEFAULT_RELAX_SECONDS} s",
    "switch": "the shortest change of sides is 1s; without switch: it is "
    f"{DEFAULT_SWITCH_SECONDS} s",
    "prepare": f"the shortest get-ready is 1s; without prepare: it is {DEFAULT_PREPARE_SECONDS} s",
}


def _nearest_keys(typed: str, known: list[str]) -> list[str]:
    """The keys `typed` is one or two slips away from (a letter wrong, missing, extra or two
    swapped), all of the nearest when two are as near: `resp` may be `reps` or `rest`, and
    only the therapist knows which. Else the most alike, as `difflib` sees it."""
    distances = {key: _slips(typed, key) for key in known}
    nearest = min(distances.values(), default=3)
    if nearest <= min(2, len(typed) // 2):
        return [key for key in known if distances[key] == nearest][:3]
    return difflib.get_close_matches(typed, known, n=1, cutoff=0.6)


def _either(keys: list[str]) -> str:
    """`'reps'`, `'reps' or 'rest'`, `'reps', 'sets' or 'rest'`."""
    quoted = [f"'{printable(key)}'" for key in keys]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def _slips(a: str, b: str) -> int:
    """How many letters wrong, missing, extra or swapped with their neighbour turn `a` into
    `b` (the optimal string alignment distance)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        row = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def _explain(item: ErrorDetails, loc: KeyPath) -> str:
    kind = item["type"]
    field = str(loc[-1]) if loc else ""
    name = _label(loc)
    if kind == "extra_forbidden":
        schema_class = _model_at(loc[:-1], tuple(item["loc"]))
        # As the file writes them: `in:` and `out:` of a breathing step are aliases.
        known = [info.alias or key for key, info in schema_class.model_fields.items()]
        if schema_class is RestStep:
            return (
                f"unknown key '{name}' in {_where(loc)}: a rest step has only rest "
                "(e.g. - rest: 60s); if this is an exercise, give it a name:"
            )
        synonyms = _SYNONYMS.get(field.strip().lower().replace(" ", "_").replace("-", "_"), ())
        close = [meant for meant in synonyms if meant in known][:1]
        # A step's own key outside a step is in the wrong place, not misspelt: `reps:` at
        # the top is no `steps:`, nor `caution:` an `author:`.
        a_step_key = schema_class is Routine and field in ExerciseStep.model_fields
        if not close and not a_step_key:
            close = _nearest_keys(field.lower(), known)
        hint = f"did you mean {_either(close)}?" if close else f"known keys are {', '.join(known)}"
        if a_step_key and not close:
            hint = f"{printable(field)} belongs to a step: indent it under the step's other keys"
            if field in Defaults.model_fields:
                hint += ", or under defaults: for every step"
        place = _where(loc)
        if schema_class is Defaults:
            place = "defaults"
            if field in ExerciseStep.model_fields:  # `reps:` there is no misspelt `rest:`
                hint = (
                    f"{printable(field)} is given in each step: defaults holds only "
                    f"{', '.join(known[:-1])} and {known[-1]}"
                )
        if schema_class is Progression:
            place = f"the progression of {place}"
        return f"unknown key '{printable(field)}' in {place}: {hint}"
    if kind == "missing":
        if field == "name" and _step_at(loc):
            return f"{_where(loc)} has no name: add name: (or write a rest as - rest: 60s)"
        return f"{_where(loc)} needs {name}: add {name}:"
    if kind.startswith("date_"):
        return f"{name}: write a date such as 2026-06-30"
    if kind == "string_pattern_mismatch" and field == "id":
        return "id: write lower-case letters, digits and '-', e.g. core-for-jane"
    if kind == "string_pattern_mismatch" and loc == ("exercises",):
        key = printable(str(item.get("input"))[:40])
        return f"'{key}': an exercise id is lower-case letters, digits and '-', e.g. bird-dog"
    if kind == "stages" and not loc:
        return printable(item["msg"])
    if kind in {"duration", "count", "frequency", "timing", "progression", "weeks", "version"} | {
        "weekday",
        "ask_every",
        "stages",
    }:
        prefix = f"{name}: " if kind != "timing" else f"{_where(loc)}: "
        if kind == "duration" and item["msg"] == _ZERO and field in _PAUSE_WORDS:
            return prefix + _PAUSE_WORDS[field]
        return prefix + printable(item["msg"])
    if kind == "literal_error" and field == "backroutine":
        return (
            "backroutine: this version of backroutine reads formats 1 and 2: write backroutine: 2"
        )
    if kind == "string_type":
        return f"{name}: {_not_text(item.get('input'), name)}"
    if kind == "string_too_short":
        return f"{name}: write some text here"
    if kind == "string_too_long":
        limit = item.get("ctx", {}).get("max_length")
        return f"{name}: too long, keep it under {limit} characters"
    if kind == "list_type":
        given = item.get("input")
        dash = str(given).lstrip()[:1] if isinstance(given, str) else ""
        if dash in _DASHES:
            return (
                f"{name}: the item starts with {_DASHES[dash]} '{dash}' (a word processor puts "
                "them in): start each item with a plain hyphen '- '"
            )
        if given is None:
            return (
                f"{name}: has no value: write the list after it, one item per line "
                "starting with '- '"
            )
        return f"{name}: write a list, one item per line starting with '- '"
    if kind == "too_short" and field == "steps":
        return "steps: the routine needs at least one step"
    if kind == "too_long":
        limit = item.get("ctx", {}).get("max_length")
        return f"{name}: too many items, at most {limit}"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"{name}: write true or false"
    if kind in {"model_type", "model_attributes_type"} and field == "progression":
        example = "write the rules, e.g. hold: +5s per week, up to 60s"
        if loc == ("progression",):
            return f"progression: {example} (only a step can say progression: false)"
        return f"progression: {example}, or false to keep this step as written"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        where = _where(loc) if loc and isinstance(loc[-1], int) else name or "this"
        given = item.get("input")
        slip = re.match(r"([a-z_]+) +(\S.*)", given) if isinstance(given, str) else None
        if slip and slip[1] in KEYS:  # `- name Bridge`
            return f"{where}: put a colon after '{slip[1]}': {slip[1]}: {printable(slip[2][:40])}"
        return (
            f"{where}: expected keys and values here (e.g. name: Bridge), "
            f"not {_describe(item.get('input'))}"
        )
    return f"{name}: {printable(item['msg'])}"
