"""Where backroutine keeps things. Functions only: nothing is created at import time."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import platformdirs

APP_NAME = "backroutine"


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
    return Path(str(files(APP_NAME) / "routines"))


def bundled_sounds_dir() -> Path:
    """The WAV cues shipped with backroutine (package data)."""
    return Path(str(files(APP_NAME) / "sounds"))
