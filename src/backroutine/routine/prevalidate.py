"""Routine files validated in a helper process while the app starts.

Validating a routine needs pydantic, which would cost the app about 130 ms and 11 MiB
before its first frame. So the app starts `python -m backroutine.routine.prevalidate` before it
loads Textual; the helper validates the files the app will need on another core and hands back
plain `backroutine.routine.model` data. If the helper fails, the app validates the files itself.

The answer comes pickled over the helper's pipe, never from a file, and is read with an
unpickler that builds only the plain data classes the helper may send.
"""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from backroutine.routine.catalog import Catalog, CatalogEntry, find_routines, load_entry

# What the helper's answer may hold, by module: plain data, nothing that runs code.
_ALLOWED = {
    "backroutine.routine.catalog": {"CatalogEntry"},
    "backroutine.routine.model": {
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
        "ThermalStep",
        "WalkStep",
    },
    "backroutine.routine.frequency": {"Frequency"},
    "datetime": {"date"},
    "pathlib": {"Path", "PosixPath", "WindowsPath"},
}

_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError)


class PreparedCatalog(Catalog):
    """A catalog whose files a helper process validates while the app loads."""

    def __init__(self, user_dir: Path | None, paths: list[Path], *, entries: bool) -> None:
        """Start validating `paths`, and every routine file too when `entries` is true."""
        super().__init__(user_dir)
        request = {
            "user_dir": user_dir and str(user_dir),
            "paths": list(map(str, paths)),
            "entries": entries,
        }
        self._answer: dict[str, Any] | None = None
        try:
            self._helper: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-m", "backroutine.routine.prevalidate", json.dumps(request)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the app's screen is no place for its errors
            )
        except OSError:
            self._helper = None

    def entries(self) -> list[CatalogEntry]:
        prepared = self._prepared().get("entries")
        return prepared if prepared is not None else super().entries()

    def entry(self, path: Path) -> CatalogEntry:
        prepared = self._prepared().get("paths", {}).get(str(path))
        return prepared if prepared is not None else super().entry(path)

    def _prepared(self) -> dict[str, Any]:
        if self._answer is None:
            self._answer = self._read_answer()
        return self._answer

    def _read_answer(self) -> dict[str, Any]:
        """The helper's answer, waiting for it if need be; empty if it failed."""
        if self._helper is None:
            return {}
        output, _ = self._helper.communicate()
        if self._helper.returncode != 0:
            return {}
        try:
            answer = _PlainUnpickler(io.BytesIO(output)).load()
        except _UNREADABLE:
            return {}
        return answer if isinstance(answer, dict) else {}


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name not in _ALLOWED.get(module, ()):
            raise pickle.UnpicklingError(f"{module}.{name} is not plain routine data")
        return super().find_class(module, name)


def main() -> None:
    """Validate the files the request (JSON, the one argument) names; pickle them to stdout."""
    request = json.loads(sys.argv[1])
    user_dir = Path(request["user_dir"]) if request["user_dir"] else None
    answer: dict[str, Any] = {}
    if request["entries"]:
        answer["entries"] = find_routines(user_dir)
    # A session to resume is usually of a routine in the catalog: validated once, then.
    known = {str(entry.path): entry for entry in answer.get("entries", [])}
    answer["paths"] = {path: known.get(path) or load_entry(Path(path)) for path in request["paths"]}
    sys.stdout.buffer.write(pickle.dumps(answer))


if __name__ == "__main__":
    main()
