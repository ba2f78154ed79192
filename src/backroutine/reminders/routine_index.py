"""A cache of each routine file's title and frequency, keyed by its size and mtime.

`due` runs when a terminal opens; validating every routine file there would load pydantic
and YAML (about 150 ms). Only files that changed since the last look are loaded again.
"""

from __future__ import annotations

import json
from pathlib import Path

import msgspec

from backroutine.base.paths import routine_files
from backroutine.routine.frequency import Frequency, parse_frequency


class RoutineSummary(msgspec.Struct, frozen=True):
    """What `due` needs of a valid routine file."""

    title: str
    frequency: Frequency | None
    stage_frequencies: tuple[Frequency | None, ...] = ()
    """Each stage's own frequency (None: the routine's), for a routine in stages."""

    def frequency_for(self, stage: int) -> Frequency | None:
        """How often at stage `stage`, as `Routine.frequency_for` says it."""
        if not self.stage_frequencies:
            return self.frequency
        number = min(max(stage, 1), len(self.stage_frequencies))
        return self.stage_frequencies[number - 1] or self.frequency


# One file's line in the cache: its size and time as `key`, its title (None: not valid),
# frequency as written and each stage's (`stages`; an entry without it predates them).
_CacheEntry = dict[str, str | list[str | None] | None]


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
        if not (isinstance(entry, dict) and entry.get("key") == key and "stages" in entry):
            entry = _load(path, key)
        fresh[str(path)] = entry
        title, frequency, stages = entry.get("title"), entry.get("frequency"), entry["stages"]
        if isinstance(title, str) and isinstance(stages, list):
            found[path] = RoutineSummary(
                title,
                _frequency(frequency),
                tuple(_frequency(each) for each in stages),
            )
    if fresh != known:
        _write(cache, fresh)
    return found


def _load(path: Path, key: str) -> _CacheEntry:
    from backroutine.routine.catalog import load_entry

    entry = load_entry(path)
    if entry.loaded is None:
        return {"key": key, "title": None, "stages": []}
    routine = entry.loaded.routine
    return {
        "key": key,
        "title": routine.title,
        "frequency": str(routine.frequency) if routine.frequency else None,
        "stages": [str(stage.frequency) if stage.frequency else None for stage in routine.stages],
    }


def _frequency(written: object) -> Frequency | None:
    return parse_frequency(written) if isinstance(written, str) and written else None


def _write(cache: Path, entries: dict[str, _CacheEntry]) -> None:
    """Replace the cache in one step; a cache that cannot be written only costs time."""
    from backroutine.base.files import write_atomically

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cache, json.dumps(entries))
    except OSError:  # FileProblem among them
        pass
