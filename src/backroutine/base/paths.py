"""Where backroutine keeps things. Functions only: nothing is created at import time."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs

APP_NAME = "backroutine"
ROUTINE_SUFFIXES = (".yaml", ".yml")
_SCAN_BYTES = 256 * 1024
# The package's data (routines, sounds) are plain files beside its code: found from here,
# not through importlib.resources, whose imports cost the app about 8 ms as it starts.
_PACKAGE = Path(__file__).resolve().parent.parent


def data_dir(override: str | Path | None = None) -> Path:
    """The user's data folder (XDG_DATA_HOME/backroutine on Linux), or `override`."""
    return Path(override) if override else platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    """The user's config folder (XDG_CONFIG_HOME/backroutine on Linux)."""
    return platformdirs.user_config_path(APP_NAME)


def cache_dir() -> Path:
    """The user's cache folder (XDG_CACHE_HOME/backroutine on Linux)."""
    return platformdirs.user_cache_path(APP_NAME)


def user_routines_dir(data: Path) -> Path:
    """The patient's own routines, imported or written by hand."""
    return data / "routines"


def log_path(data: Path) -> Path:
    """The completion log."""
    return data / "log.sqlite3"


def settings_path() -> Path:
    """The user's settings file."""
    return config_dir() / "settings.json"


def bundled_routines_dir() -> Path:
    """The routines shipped with backroutine (package data)."""
    return _PACKAGE / "routines"


def bundled_sounds_dir() -> Path:
    """The WAV cues shipped with backroutine (package data)."""
    return _PACKAGE / "sounds"


def routine_files(folder: Path) -> list[Path]:
    """The routine files directly inside `folder`, sorted by name (exercise libraries left out)."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix in ROUTINE_SUFFIXES and p.is_file() and not is_library(p)
    )


_TOP_LEVEL_KEY = re.compile(rb"^(exercises|steps)\s*:", re.MULTILINE)


def is_library(path: Path) -> bool:
    """An exercise library (top-level `exercises:`, no `steps:`) kept beside the routines."""
    try:
        with path.open("rb") as file:
            keys = set(_TOP_LEVEL_KEY.findall(file.read(_SCAN_BYTES)))
    except OSError:
        return False
    return keys == {b"exercises"}
