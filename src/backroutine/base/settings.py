"""The patient's settings (sound, voice, volume), kept as a small JSON file.

A missing file gives the defaults. A damaged file or a bad value is reported as a
problem and that value falls back to its default, so the app still starts.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import msgspec
from msgspec.structs import asdict, fields, replace

from backroutine.base.files import FileProblem, read_capped, write_atomically
from backroutine.base.paths import settings_path


class Settings(msgspec.Struct, frozen=True):
    """What the patient chose; every field has a default."""

    sound: bool = True
    """Play sound cues."""
    voice: str = "on"
    """Speak what comes next: `neural`, `espeak`, `on` (the best installed) or `off`."""
    volume: int = 80
    """Cue and voice volume, 0-100."""
    speech_rate: int = 160
    """Words per minute for the voice, 80-400."""
    emergency_number: str | None = None
    """The number the emergency advice names; None: the locale's (see `safety`)."""
    breath_seconds: int = 5
    """How long one breath, in and out, takes: it times a hold written in breaths."""
    affected_side: str = "unknown"
    """The patient's affected side, left or right, for steps on `side: affected`."""
    flash: bool = False
    """Flash an outline round the countdown when the phase changes (hold, relax, rest...)."""


_LIMITS = {"volume": (0, 100), "speech_rate": (80, 400), "breath_seconds": (2, 15)}
MAX_SETTINGS_BYTES = 64 * 1024
_CHOICES = {
    "voice": ("on", "neural", "espeak", "off"),
    "affected_side": ("unknown", "left", "right"),
}
_FORMER = {("voice", True): "on", ("voice", False): "off"}
"""Values older files hold, and what they mean now (voice was on or off)."""
_PHONE_CHARACTERS = set("0123456789+-() ")
_PHONE_LENGTH = 20
FROM_LOCALE = "auto"
"""Typed as the emergency number: go back to the locale's."""


def _phone_number(value: object) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= _PHONE_LENGTH
        and set(value) <= _PHONE_CHARACTERS
        and any(character.isdigit() for character in value)
    )


class LoadedSettings(msgspec.Struct, frozen=True):
    """Settings read from a file, and what was wrong with it."""

    settings: Settings
    problems: list[str]


def load_settings(path: Path | None = None) -> LoadedSettings:
    """Read the settings file (the user's, by default)."""
    path = path or settings_path()
    try:
        data = _read_json(path)
    except FileNotFoundError:
        return LoadedSettings(Settings(), [])
    except ValueError as error:
        return LoadedSettings(Settings(), [f"{path}: unreadable, using the defaults: {error}"])
    if not isinstance(data, dict):
        return LoadedSettings(Settings(), [f"{path}: expected a JSON object, using the defaults"])
    problems: list[str] = []
    known = {field.name for field in fields(Settings)}
    values = {}
    for name, value in data.items():
        if name not in known:
            problems.append(f"{path}: unknown setting {name!r} ignored")
        elif _valid(name, value):
            values[name] = value
        elif isinstance(value, bool) and (name, value) in _FORMER:
            values[name] = _FORMER[name, value]
        else:
            problems.append(f"{path}: {name} = {value!r} is not valid, using the default")
    return LoadedSettings(replace(Settings(), **values), problems)


def _read_json(path: Path) -> object:
    """The file's JSON; ValueError says why it cannot be had. A small regular file only:
    a FIFO would hang the app, huge numbers and deep nesting would crash the parser."""
    try:
        data = read_capped(path, MAX_SETTINGS_BYTES, pipes=False)
    except FileProblem as error:
        if error.errno == errno.ENOENT:
            raise FileNotFoundError(path) from None
        raise ValueError(error.reason) from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise ValueError(f"it is over {MAX_SETTINGS_BYTES // 1024} KB, not a settings file")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except RecursionError:
        raise ValueError("it is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"it is not valid JSON ({error})") from None
    except ValueError:  # Python refuses to convert an integer of thousands of digits
        raise ValueError("it holds a number too long to be a setting") from None


def _valid(name: str, value: object) -> bool:
    if name == "emergency_number":
        return value is None or _phone_number(value)
    default = getattr(Settings(), name)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if name in _CHOICES:
        return value in _CHOICES[name]
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    low, high = _LIMITS[name]
    return low <= value <= high


_WORDS = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


def _with(settings: Settings, name: str, value: Any) -> Settings:
    # The field is named at run time, so no static type fits every value: `changed` checks
    # the value against the field's default first.
    return replace(settings, **{name: value})


def changed(settings: Settings, name: str, text: str | None) -> Settings:
    """`settings` with `name` set to what the patient typed; ValueError says what fits."""
    names = [field.name for field in fields(Settings)]
    if name not in names:
        raise ValueError(f"there is no setting '{name}': the settings are {', '.join(names)}")
    default = getattr(Settings(), name)
    if name == "emergency_number":
        return _changed_emergency_number(settings, text)
    if text is None:
        example = "off" if isinstance(default, bool) else str(default)
        raise ValueError(f"give a value, e.g. backroutine settings {name} {example}")
    if isinstance(default, bool):
        if text.lower() not in _WORDS:
            raise ValueError(f"{name} is on or off, not '{text}'")
        return _with(settings, name, _WORDS[text.lower()])
    if name in _CHOICES:
        choices = _CHOICES[name]
        if text.lower() not in choices:
            raise ValueError(f"{name} is {', '.join(choices[:-1])} or {choices[-1]}, not '{text}'")
        return _with(settings, name, text.lower())
    low, high = _LIMITS[name]
    if not (text.isdigit() and low <= int(text) <= high):
        raise ValueError(f"{name} is a whole number from {low} to {high}, not '{text}'")
    return _with(settings, name, int(text))


def _changed_emergency_number(settings: Settings, text: str | None) -> Settings:
    if text is None:
        raise ValueError(
            "give the number to call in an emergency, e.g. backroutine settings "
            f"emergency_number 112, or {FROM_LOCALE} to take it from your locale"
        )
    if text.strip().lower() == FROM_LOCALE:
        return replace(settings, emergency_number=None)
    if not _phone_number(text.strip()):
        raise ValueError(
            f"emergency_number is a phone number such as 999, 911 or 112, not '{text}'"
        )
    return replace(settings, emergency_number=text.strip())


def describe(settings: Settings) -> list[str]:
    """One line per setting: its name, value and what it may be."""
    from backroutine.base.emergency import emergency_number

    lines = []
    for field in fields(Settings):
        value = getattr(settings, field.name)
        if field.name == "emergency_number":
            shown = emergency_number(value)
            where = "set by you" if value else f"from your locale; a number, or {FROM_LOCALE}"
            lines.append(f"{field.name:<12} {shown} ({where})")
        elif isinstance(value, bool):
            lines.append(f"{field.name:<12} {'on' if value else 'off':<4} (on or off)")
        elif field.name in _CHOICES:
            lines.append(f"{field.name:<12} {value:<4} ({', '.join(_CHOICES[field.name])})")
        else:
            low, high = _LIMITS[field.name]
            lines.append(f"{field.name:<12} {value:<4} ({low} to {high})")
    return lines


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings file, replacing it in one step so it is never half-written."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(asdict(settings), indent=2) + "\n")
