"""Routine files validated in a helper process while the app starts.

Validating a routine needs pydantic, which would cost the app about 130 ms and 11 MiB
before its first frame. So the app starts `python -m backroutine.routine.prevalidate` as its
very first step (`helper_process.start_early`, before it even reads its command line); the
helper loads pydantic and the schema on another core while the app loads Textual, is told on
its standard input which files to validate once the app knows, and hands back plain
`backroutine.routine.model` data. If the helper fails, the app validates the files itself.

The answer comes pickled over the helper's pipe, never from a file, and is read with an
unpickler that builds only the plain data classes the helper may send.
"""

from __future__ import annotations

import gc
import io
import json
import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from backroutine.routine.catalog import Catalog, CatalogEntry, find_routines, load_entry

# What the helper's answer may hold, by module: plain data, nothing that runs code.
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
    "pathlib": {"Path", "PosixPath", "WindowsPath"},
}

_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError)


class PreparedCatalog(Catalog):
    """A catalog whose files a helper process validates while the app loads."""

    def __init__(self, user_dir: Path | None, paths: list[Path], *, entries: bool) -> None:
        """Start validating `paths`, and every routine file too when `entries` is true
        (with the helper `start_early` started, if there is one)."""
        # Imported here: the helper, which imports this module too, starts no helper.
        from backroutine.routine.helper_process import HelperProcess, take_early

        super().__init__(user_dir)
        self._helper = take_early() or HelperProcess()
        request = {
            "user_dir": user_dir and str(user_dir),
            "paths": list(map(str, paths)),
            "entries": entries,
        }
        self._helper.ask(json.dumps(request).encode())
        self._answer: dict[str, Any] | None = None

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
        output = self._helper.answer()
        if output is None:
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
    """Validate the files the request (a JSON line on stdin) names; pickle them to stdout."""
    # Loaded before the request comes: the app is still reading its command line.
    import backroutine.routine.loader  # noqa: F401

    line = sys.stdin.readline()
    if not line:  # the app had no use for it
        return
    request = json.loads(line)
    user_dir = Path(request["user_dir"]) if request["user_dir"] else None
    answer: dict[str, Any] = {}
    if request["entries"]:
        answer["entries"] = find_routines(user_dir)
    # A session to resume is usually of a routine in the catalog, and a routine asked for
    # comes as typed and as the log files it (resolved): each file is validated once.
    known = {entry.path.resolve(): entry for entry in answer.get("entries", [])}
    answer["paths"] = {}
    for path in map(Path, request["paths"]):
        real = path.resolve()
        if real not in known:
            known[real] = load_entry(path)
        answer["paths"][str(path)] = replace(known[real], path=path)
    sys.stdout.buffer.write(pickle.dumps(answer))


if __name__ == "__main__":
    # The app waits for this process's answer and its exit, with nothing else to do. A
    # process that lives a fraction of a second gains nothing from collecting the cycles
    # pydantic's schemas make, from freeing everything at exit, or from pydantic's plugins
    # (it would look for them among every installed package's entry points).
    gc.disable()
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    main()
    sys.stdout.flush()
    os._exit(0)
