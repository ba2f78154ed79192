"""Routine data kept as a pickle (the validating helper's answer, the checks it remembers),
read back with an unpickler that builds only plain routine data, never anything that runs code."""

from __future__ import annotations

import io
import pickle
from typing import Any

# What such a pickle may hold, by module: plain data classes and values.
_ALLOWED = {
    "backroutine.routine.catalog": {"CatalogEntry"},
    "backroutine.routine.model": {
        "Block",
        "BreathingStep",
        "CardStep",
        "Defaults",
        "ExerciseStep",
        "Growth",
        "LoadedRoutine",
        "Problem",
        "Progression",
        "RestStep",
        "Routine",
        "Stage",
        "Tempo",
        "ThermalStep",
        "WalkStep",
    },
    "backroutine.routine.frequency": {"Frequency"},
    "datetime": {"date", "time"},
    # A record with keyword-only fields (an exercise step's schedule) pickles as
    # `rebuild(cls, fields)`, which is `cls(**fields)`: cls is itself one of the above.
    "msgspec._utils": {"rebuild"},
    "pathlib": {"Path", "PosixPath", "WindowsPath"},
}

_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError)


class PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name not in _ALLOWED.get(module, ()):
            raise pickle.UnpicklingError(f"{module}.{name} is not plain routine data")
        return super().find_class(module, name)


def plain_loads(data: bytes) -> Any | None:
    """What `data` pickles, if it is plain routine data; None if it is not, or is damaged."""
    try:
        return PlainUnpickler(io.BytesIO(data)).load()
    except _UNREADABLE:
        return None
