"""Find routine files: the bundled ones and the patient's own, valid or not."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from backroutine.base.paths import bundled_routines_dir, routine_files

if TYPE_CHECKING:
    from backroutine.routine.model import LoadedRoutine, Problem


class CatalogEntry(msgspec.Struct, frozen=True):
    """One routine file: loaded, or with the problems that stop it loading."""

    path: Path
    bundled: bool
    loaded: LoadedRoutine | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        """The short name used on the command line: the file name without `.yaml`."""
        return self.path.stem

    @property
    def title(self) -> str:
        """The routine's title, or its file name when it does not load."""
        return self.loaded.routine.title if self.loaded else self.path.name


def load_entry(path: Path, *, bundled: bool = False, data: bytes | None = None) -> CatalogEntry:
    """Load one file into a catalog entry, keeping its problems instead of raising; `data`:
    its bytes, when the caller has read them already."""
    # Imported here: validating loads pydantic, which the app leaves to a helper process.
    from backroutine.routine.loader import load_routine, loaded_from
    from backroutine.routine.model import RoutineFileError

    try:
        loaded = load_routine(path) if data is None else loaded_from(data, path)
    except RoutineFileError as error:
        return CatalogEntry(path, bundled, problems=tuple(error.problems))
    return CatalogEntry(path, bundled, loaded=loaded)


def find_routines(
    user_dir: Path | None, load: Callable[..., CatalogEntry] = load_entry
) -> list[CatalogEntry]:
    """The patient's own routines (what their therapist gave them) first, then the bundled
    ones, each loaded by `load` (as `load_entry`)."""
    entries = [load(p) for p in routine_files(user_dir)] if user_dir is not None else []
    return entries + [load(p, bundled=True) for p in routine_files(bundled_routines_dir())]


class Catalog:
    """The routine files the app offers: the patient's own and the bundled ones."""

    def __init__(self, user_dir: Path | None) -> None:
        self.user_dir = user_dir
        """The patient's own routines folder (None: bundled routines only)."""

    def entries(self) -> list[CatalogEntry]:
        """Every routine file, loaded or with its problems."""
        return find_routines(self.user_dir)

    def entry(self, path: Path) -> CatalogEntry:
        """One routine file, loaded or with its problems."""
        return load_entry(path)


class UnknownRoutine(LookupError):
    """A routine asked for by a name that matches no file."""


def resolve(name_or_path: str, user_dir: Path | None) -> Path:
    """A path to an existing file, or the file of the routine with that name or title."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_file():
        return candidate
    wanted = name_or_path.strip().lower()
    paths = routine_files(bundled_routines_dir())
    if user_dir is not None:
        paths = routine_files(user_dir) + paths  # the user's own file wins over a bundled one
    for path in paths:
        if wanted in {path.stem.lower(), path.name.lower()}:
            return path
    for entry in find_routines(user_dir):
        if entry.loaded and entry.title.lower() == wanted:
            return entry.path
    names = sorted({path.stem for path in paths})
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"known routines: {', '.join(names)}"
    raise UnknownRoutine(f"no routine called '{name_or_path}': {hint}")
