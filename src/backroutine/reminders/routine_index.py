"""A cache of each routine file's title and frequency, keyed by its size and mtime.

`due` runs when a terminal opens; validating every routine file there would load pydantic
and YAML (about 150 ms). Only files that changed since the last look are loaded again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from backroutine.base.paths import routine_files
from backroutine.routine.frequency import Frequency, parse_frequency


@dataclass(frozen=True)
class RoutineSummary:
    """What `due` needs of a valid routine file."""

    title: str
    frequency: Frequency | None


# One file's line in the cache: its size and time as `key`, its title (None: not valid) and
# frequency as written.
_CacheEntry = dict[str, str | None]


def summaries(folder: Path, cache: Path) -> dict[Path, RoutineSummary]:
    """The valid routine files directly in `folder`, loading only those changed since `cache`."""
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):  # a cache someone else wrote: start afresh
        known = {}
    found: dict[Path, RoutineSummary] = {}
    fresh: dict[str, _CacheEntry] = {}
    for path in routine_files(folder):
        try:
            status = path.stat()
        except OSError:
            continue
        key = f"{status.st_size}:{status.st_mtime_ns}"
        entry = known.get(str(path))
        if not (isinstance(entry, dict) and entry.get("key") == key):
            entry = _load(path, key)
        fresh[str(path)] = entry
        title, frequency = entry.get("title"), entry.get("frequency")
        if title is not None:
            found[path] = RoutineSummary(title, parse_frequency(frequency) if frequency else None)
    if fresh != known:
        _write(cache, fresh)
    return found


def _load(path: Path, key: str) -> _CacheEntry:
    from backroutine.routine.catalog import load_entry

    entry = load_entry(path)
    if entry.loaded is None:
        return {"key": key, "title": None}
    routine = entry.loaded.routine
    return {
        "key": key,
        "title": routine.title,
        "frequency": str(routine.frequency) if routine.frequency else None,
    }


def _write(cache: Path, entries: dict[str, _CacheEntry]) -> None:
    """Replace the cache in one step; a cache that cannot be written only costs time."""
    from backroutine.base.files import write_atomically

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cache, json.dumps(entries))
    except OSError:  # FileProblem among them
        pass
