"""Routine files the app validated before, remembered until anything they depend on changes.

A patient opens the same routine day after day. Validating it costs the validating helper
(`prevalidate`) about a quarter of a second of processor time, on a core the app needs while
it starts; what the helper found for a file that loaded is kept in the user's cache folder
and used again (by the app itself, which then needs no helper) while all it was made from
is unchanged: the file's bytes, its `library:`
file's bytes, its `image:` files (still files, still where they were), and backroutine's own
code and data (a new version validates anew). Files with problems are never remembered: a
therapist fixing one wants it checked again, and a missing picture may appear.

What is remembered is read back with `plain_data`'s unpickler; a damaged or foreign file in
the cache is ignored and written anew.

The folder stays small: each time a validation is remembered (when the helper has just
validated a file, a quarter of a second, never when all it does is recall), what has not been
used for `KEEP_DAYS` days goes, and the least recently used beyond `KEEP_FILES`. Using a file
touches it, so its time says when it was last used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from contextlib import suppress
from functools import cache
from pathlib import Path

from msgspec.structs import replace

import backroutine
from backroutine.base.files import FileProblem, read_capped, write_atomically
from backroutine.routine.catalog import CatalogEntry, load_entry
from backroutine.routine.model import MAX_FILE_BYTES, Routine
from backroutine.routine.plain_data import plain_loads

KEEP_DAYS = 60
"""What was not used for this long is forgotten (a routine file since deleted or moved)."""
KEEP_FILES = 200
"""At most this many files are kept, the most recently used: a few dozen routines each a
few kilobytes, with room for files tried once."""


class NotRemembered(Exception):
    """A routine file has to be validated: nothing remembered of it still holds."""


class RememberedChecks:
    """`load_entry`, using what an earlier validation of the same file found where it can."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pruned = False

    def load(self, path: Path, *, bundled: bool = False) -> CatalogEntry:
        """`path` loaded as `load_entry` loads it (whoever reads the result cannot tell)."""
        try:
            data = read_capped(path, MAX_FILE_BYTES)
        except FileProblem:
            return load_entry(path, bundled=bundled)  # says why it cannot be read
        digest = hashlib.sha256(data).hexdigest()
        remembered = self._remembered(path, digest, bundled)
        if remembered is not None:
            return remembered
        entry = load_entry(path, bundled=bundled, data=data)
        if entry.loaded is not None:
            self._remember(self._place(path), digest, path, entry)
        return entry

    def recall(self, path: Path, *, bundled: bool = False) -> CatalogEntry:
        """`path` as `load` loads it, if that is remembered; `NotRemembered` if it would
        have to be validated (changed, never loaded, unreadable, or with problems)."""
        try:
            data = read_capped(path, MAX_FILE_BYTES)
        except FileProblem:
            raise NotRemembered(path) from None
        remembered = self._remembered(path, hashlib.sha256(data).hexdigest(), bundled)
        if remembered is None:
            raise NotRemembered(path)
        return remembered

    def _remembered(self, path: Path, digest: str, bundled: bool) -> CatalogEntry | None:
        """What was remembered of `path` with bytes of `digest`, if it still holds; marked used."""
        place = self._place(path)
        remembered = self._recall(place, digest, path)
        if remembered is None:
            return None
        _touch(place)
        return replace(remembered, path=path, bundled=bundled)

    def _place(self, path: Path) -> Path:
        try:
            real = path.resolve()
        except OSError:
            real = path
        key = hashlib.sha256(f"{path}\0{real}".encode(errors="surrogateescape")).hexdigest()
        return self.folder / f"{key[:32]}.pickle"

    def _recall(self, place: Path, digest: str, path: Path) -> CatalogEntry | None:
        try:
            data = read_capped(place, 4 * MAX_FILE_BYTES, pipes=False)
        except FileProblem:
            return None
        fields = plain_loads(data)
        if not isinstance(fields, tuple) or len(fields) != 4:
            return None
        code, remembered_digest, dependencies, entry = fields
        if (
            code != code_version()
            or remembered_digest != digest
            or not isinstance(entry, CatalogEntry)
            or _dependencies(path, entry) != dependencies
        ):
            return None
        return entry

    def _remember(self, place: Path, digest: str, path: Path, entry: CatalogEntry) -> None:
        fields = (code_version(), digest, _dependencies(path, entry), entry)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(place, pickle.dumps(fields), durable=False)  # a cache
        except (OSError, FileProblem):  # a cache that cannot be written: validate next time
            return
        if not self._pruned:  # once a run: the first validation of a new version is of all
            self._pruned = True
            self.prune()

    def prune(self, now: float | None = None) -> None:
        """Forget what was not used for `KEEP_DAYS` days, and the least recently used beyond
        `KEEP_FILES` files (`now`: the time, as `time.time()` gives it)."""
        now = time.time() if now is None else now
        try:
            with os.scandir(self.folder) as found:
                used = [
                    (item.stat().st_mtime, item.path)
                    for item in found
                    if item.name.endswith(".pickle") and item.is_file(follow_symlinks=False)
                ]
        except OSError:
            return
        used.sort(reverse=True)  # the most recently used first
        cutoff = now - KEEP_DAYS * 24 * 3600
        for rank, (when, where) in enumerate(used):
            if rank >= KEEP_FILES or when < cutoff:
                with suppress(OSError):  # gone already (another helper pruning): as well
                    os.unlink(where)


def _touch(place: Path) -> None:
    """Mark `place` used now: what was used lately is kept when the folder is pruned."""
    with suppress(OSError):  # a cache: a file that cannot be touched may be forgotten early
        os.utime(place)


def _dependencies(path: Path, entry: CatalogEntry) -> tuple[tuple[str, str, str | None], ...]:
    """The files beside the routine that its validation read or checked, as they are now."""
    if entry.loaded is None:
        return ()
    routine = entry.loaded.routine
    found: list[tuple[str, str, str | None]] = []
    for name in sorted(_pictures(routine)):
        where = path.parent / name
        found.append((name, _resolved(where), "file" if where.is_file() else None))
    if routine.library is not None:
        where = path.parent / routine.library
        try:  # a file validated as such: anything else now (a pipe swapped in) is a change
            data = read_capped(where, MAX_FILE_BYTES, pipes=False)
            digest: str | None = hashlib.sha256(data).hexdigest()
        except FileProblem:
            digest = None
        found.append((routine.library, _resolved(where), digest))
    return tuple(found)


def _pictures(routine: Routine) -> set[str]:
    steps = [*routine.steps, *(step for stage in routine.stages for step in stage.steps)]
    return {image for step in steps if (image := getattr(step, "image", None))}


def _resolved(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return ""


@cache
def code_version() -> str:
    """backroutine's version and the size and time of each of its files: code or data that
    changes (a new release, or a checkout being worked on) validates every file anew."""
    package = Path(backroutine.__file__).parent
    fingerprint = hashlib.sha256(f"{backroutine.__version__} {sys.version}".encode())
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".json")):
                status = os.stat(os.path.join(folder, name))
                fingerprint.update(
                    f"{folder}/{name} {status.st_size} {status.st_mtime_ns}".encode()
                )
    return fingerprint.hexdigest()
