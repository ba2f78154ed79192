"""Sharing routines: installing one a therapist sent, and the template to write one from.

A shared routine carries an `id` that stays the same across its versions and a `version`
that goes up: installing version 3 of `core-for-jane` replaces version 2, whatever the
files are called, and says what changed.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import msgspec
import yaml

from backroutine.base.files import FileProblem, read_capped, write_atomically
from backroutine.base.text import human_duration, printable
from backroutine.routine.catalog import CatalogEntry, find_routines, load_entry
from backroutine.routine.loader import loaded_from
from backroutine.routine.model import (
    MAX_FILE_BYTES,
    ActivityStep,
    ExerciseStep,
    LoadedRoutine,
    Problem,
    RestStep,
    Routine,
    RoutineFileError,
    version_key,
)

SCHEMA_FILE = "routine.schema.json"


class ImportRefused(Exception):
    """The routine is valid but was not installed; the message says why and what to do."""


class Installed(msgspec.Struct, frozen=True):
    """What `install_routine` did."""

    path: Path
    """Where the routine now is."""
    version: str | None = None
    """The installed routine's version."""
    replaced_version: str | None = None
    """The version it replaced ('' for a replaced file without a version), or None."""
    changes: list[str] = msgspec.field(default_factory=list)
    """What changed in the steps, when it replaced a routine."""
    library: Path | None = None
    """The library file copied along, if it was new or changed."""
    notes: list[str] = msgspec.field(default_factory=list)
    """Things the patient should know, e.g. the review date has passed."""

    def report(self) -> list[str]:
        """What happened, in lines for the terminal."""
        if self.replaced_version is None:
            lines = [f"installed {self.path}"]
        else:
            was = self.replaced_version or "no version"
            now = self.version or "no version"
            lines = [f"replaced {self.path}: {was} -> {now}", *(f"  {c}" for c in self.changes)]
        if self.library is not None:
            lines.append(f"installed its exercise library {self.library}")
        return lines + self.notes


def install_routine(source: Path, user_dir: Path, *, today: date, force: bool = False) -> Installed:
    """Validate `source` with its library and copy both into `user_dir`.

    Raises `RoutineFileError` for an invalid file, and `ImportRefused` when it would
    replace a newer or equal version (or a routine without an id) and `force` is false.
    """
    # One read, validated and installed: a pipe (`<(cat r.yaml)`, /dev/stdin) has no second.
    data = _read_source(source)
    loaded = loaded_from(data, source)
    routine = loaded.routine
    name = routine.id or _file_name(source, routine)
    existing = _installed_copy(routine, name, user_dir)
    target = existing.path if existing else user_dir / f"{name}.yaml"
    if target.exists() and target.resolve() == source.resolve():
        raise ImportRefused(f"{source} is already in your routines folder")
    old = existing.loaded.routine if existing and existing.loaded else None
    newer = (
        old is not None
        and routine.id is not None
        and old.id == routine.id
        and version_key(routine.version) > version_key(old.version)
    )
    if target.exists() and not (force or newer):
        raise ImportRefused(_why_not_replaced(routine, old, target))

    try:
        user_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImportRefused(
            f"cannot create your routines folder {user_dir}: {error.strerror}"
        ) from None
    working = _loading_routines(user_dir)
    try:
        library = _copy_library(loaded, user_dir)
        write_atomically(target, data)
    except FileProblem as error:
        raise ImportRefused(str(error)) from None
    notes = []
    if library is not None:  # a changed library may break the user's other routines
        notes += [
            f"warning: {entry.path.name} no longer loads with the new library: {entry.problems[0]}"
            for entry in find_routines(user_dir)
            if entry.path in working and entry.problems
        ]
    if routine.review_by and routine.review_by < today:
        notes.append(
            f"it was due for review by {routine.review_by.isoformat()}: ask your therapist "
            "whether it is still right for you"
        )
    return Installed(
        path=target,
        version=routine.version,
        replaced_version=(old.version or "") if old else None,
        changes=describe_changes(old, routine) if old else [],
        library=library,
        notes=notes,
    )


def _read_source(source: Path) -> bytes:
    try:
        return read_capped(source, MAX_FILE_BYTES)
    except FileProblem as error:
        raise RoutineFileError(
            [Problem(str(source), 1, 1, f"cannot read the file: {error.reason}")]
        ) from None


def _file_name(source: Path, routine: Routine) -> str:
    """The installed file's name for a routine without an id: the file's, or its title's
    when it came through a pipe (whose name, such as `63` or `stdin`, means nothing)."""
    return source.stem if source.is_file() else file_stem(routine.title)


def _installed_copy(routine: Routine, name: str, user_dir: Path) -> CatalogEntry | None:
    """The user's routine this one would replace: the same id, else the same file name."""
    if routine.id:
        for entry in find_routines(user_dir):
            if not entry.bundled and entry.loaded and entry.loaded.routine.id == routine.id:
                return entry
    target = user_dir / f"{name}.yaml"
    return load_entry(target) if target.exists() else None


def _why_not_replaced(new: Routine, old: Routine | None, target: Path) -> str:
    if old is None:
        return f"{target} exists and is not a valid routine: add --force to replace it"
    if new.id and old.id == new.id:
        have, given = old.version or "(none)", new.version or "(none)"
        return (
            f"you already have version {have} of '{new.id}' ({target}); this file is version "
            f"{given}: add --force to install it anyway"
        )
    return (
        f"{target} exists and has no matching id and version to compare: add --force to replace it"
    )


def _copy_library(loaded: LoadedRoutine, user_dir: Path) -> Path | None:
    """Copy the routine's library beside the installed copy; None if there was nothing new."""
    name = loaded.routine.library
    if loaded.library is None or name is None:
        return None
    target = user_dir / name
    data = read_capped(loaded.library, MAX_FILE_BYTES)
    if target.is_file() and target.read_bytes() == data:
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FileProblem(error.errno, f"cannot create {target.parent}: {error.strerror}") from None
    write_atomically(target, data)
    return target


def _loading_routines(user_dir: Path) -> set[Path]:
    return {entry.path for entry in find_routines(user_dir) if not entry.bundled and entry.loaded}


# --- what changed -----------------------------------------------------------------

_COMPARED = ("hold", "duration", "reps", "sets", "rest", "relax", "per_side", "switch", "prepare")
_TEXTS = ("tips", "caution", "why", "say", "progression")


def describe_changes(old: Routine, new: Routine) -> list[str]:
    """What changed in the exercises, one line each: added, removed, changed."""
    old_steps, new_steps = _by_name(old), _by_name(new)
    lines = [f"added: {printable(key[0])}" for key in new_steps if key not in old_steps]
    lines += [f"removed: {printable(key[0])}" for key in old_steps if key not in new_steps]
    for key, step in new_steps.items():
        before = old_steps.get(key)
        if before is not None and before != step:
            lines.append(f"changed: {printable(key[0])} ({', '.join(_differences(before, step))})")
    # Cards, packs, breathing and walks: a changed one shows as removed and added.
    old_others, new_others = _others(old), _others(new)
    lines += [f"added: {printable(step.name)}" for step in new_others if step not in old_others]
    lines += [f"removed: {printable(step.name)}" for step in old_others if step not in new_others]
    old_rests = sum(1 for step in old.steps if isinstance(step, RestStep))
    new_rests = sum(1 for step in new.steps if isinstance(step, RestStep))
    if old_rests != new_rests:
        lines.append(f"rest steps: {old_rests} -> {new_rests}")
    return lines or ["no change to the exercises"]


def _others(routine: Routine) -> list[ActivityStep]:
    """The steps that are neither exercises nor rests."""
    return [step for step in routine.steps if not isinstance(step, (ExerciseStep, RestStep))]


def _by_name(routine: Routine) -> dict[tuple[str, int], ExerciseStep]:
    """Exercises keyed by name and occurrence, so two 'Walk' steps stay apart."""
    seen: Counter[str] = Counter()
    steps = {}
    for step in routine.exercises:
        seen[step.name] += 1
        steps[(step.name, seen[step.name])] = step
    return steps


def _differences(before: ExerciseStep, after: ExerciseStep) -> list[str]:
    changes = []
    for name in _COMPARED:
        was, now = getattr(before, name), getattr(after, name)
        if was != now:
            changes.append(f"{name} {_shown(name, was)} -> {_shown(name, now)}")
    changes += [
        f"{name} changed" for name in _TEXTS if getattr(before, name) != getattr(after, name)
    ]
    return changes or ["details changed"]


def _shown(name: str, value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in {"reps", "sets"}:
        return str(value)
    return human_duration(value)  # type: ignore[arg-type]


# --- the template -----------------------------------------------------------------

DEFAULT_TITLE = "My back routine"

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A backroutine routine. Check it with:   backroutine validate THIS-FILE
# Editor help comes from {schema} beside this file (backroutine new FILE writes it;
# or: backroutine schema > {schema}). The format, with every key: docs/routine-format.md

backroutine: 1
title: {title}
description: >-
  What the routine is for, in a sentence or two for the patient.
author: Your name, PT
id: {routine_id}   # made for this routine: keep it in every version you send
version: 1                 # raise it when you send a new version
licence: CC BY 4.0
frequency: 3 per week       # daily, 2 per day, 3 per week...
review_by: 2030-01-31       # when the patient should come back for a review
safety:
  - This is not a substitute for your clinician's advice.
  - Stop and call the clinic if you feel sharp pain, or numbness, tingling or weakness
    in your legs.
# library: libs/my-exercises.yaml   # your own exercise library, below this folder
defaults:
  rest: 30s                 # pause after each set

# How the numbers grow, counted in weeks from the patient's first session:
progression:
  hold: +5s per week, up to 60s   # single holds (stretches, planks) grow each week

steps:
  # Take an exercise from the library by its id, and change what you need:
  - exercise: pelvic-tilt
    reps: 10

  - exercise: bird-dog
    progression:
      reps: +2 every 2 weeks, up to 12

  - rest: 1m

  - exercise: plank
    hold: 20s
    progression:
      sets: +1 after 2 weeks    # 1 set in weeks 1-2, 2 sets from week 3

  # Or write an exercise out in full:
  - name: Easy walk
    duration: 10m
    progression: false          # the walk stays 10 minutes, whatever the routine grows
    tips:
      - An easy pace on a flat surface.
      - Stand tall and let your arms swing.
    caution: Slow down if leg pain builds up.
    why: Gentle regular walking helps a sore back.
    say: Finish with an easy walk.
"""


def template(title: str = DEFAULT_TITLE, routine_id: str | None = None) -> str:
    """A commented routine file to start from, valid as it is, with its own id."""
    return TEMPLATE.format(
        schema=SCHEMA_FILE,
        title=_yaml_text(title),
        routine_id=routine_id or new_routine_id(title),
    )


def file_stem(title: str) -> str:
    """A file name (without `.yaml`) made from a title: `Core for Jane` -> `core-for-jane`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "routine"


def new_routine_id(title: str) -> str:
    """A unique id for a new routine: its title's words and a random tag, e.g. core-for-jane-3f9a.

    The tag keeps two therapists' "Core stability" apart when one patient imports both.
    """
    return f"{file_stem(title)}-{secrets.token_hex(2)}"


def _yaml_text(text: str) -> str:
    """`text` as a YAML value read back exactly: plain when it is safe, else double-quoted."""
    if re.fullmatch(r"[A-Za-z][\w ,.'()/+-]*", text) and yaml.safe_load(text) == text:
        return text  # not a word YAML reads otherwise, such as yes, no or null
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted text
