"""Routine files validated in a helper process while the app starts.

Validating a routine needs pydantic, which would cost the app about 130 ms and 11 MiB
before its first frame. So the app starts `python -m backroutine.routine.prevalidate` as its
very first step (`helper_process.start_early`, before it even reads its command line); the
helper is told on its standard input which files to validate once the app knows, validates
them on another core while the app loads Textual, and hands back plain
`backroutine.routine.model` data. If the helper fails, the app validates the files itself.
When every file was validated before and is unchanged (`remembered`), the app reads what
was found itself and stops the helper unasked.

The answer comes pickled over the helper's pipe, never from a file, and is read with an
unpickler that builds only the plain data classes the helper may send.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from backroutine.routine.catalog import Catalog, CatalogEntry, find_routines
from backroutine.routine.plain_data import plain_loads


class PreparedCatalog(Catalog):
    """A catalog whose files a helper process validates while the app loads."""

    def __init__(self, user_dir: Path | None, paths: list[Path], *, entries: bool) -> None:
        """Start validating `paths`, and every routine file too when `entries` is true
        (with the helper `start_early` started, if there is one)."""
        # Imported here: the helper, which imports this module too, starts no helper.
        from backroutine.routine.helper_process import HelperProcess, stop_early, take_early

        super().__init__(user_dir)
        request = {
            "user_dir": user_dir and str(user_dir),
            "paths": list(map(str, paths)),
            "entries": entries,
        }
        # Most days every file was validated before and is unchanged: what was found is
        # read here in a millisecond, and the helper (a second Python, tens of milliseconds
        # of processor time the app's start-up would share two cores with) is not asked.
        self._answer: dict[str, Any] | None = _remembered_answer(request)
        self._helper: HelperProcess | None = None
        if self._answer is not None:
            stop_early()
        else:
            self._helper = take_early() or HelperProcess()
            self._helper.ask(json.dumps(request).encode())

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
        assert self._helper is not None  # asked when nothing was remembered
        output = self._helper.answer()
        answer = plain_loads(output) if output is not None else None
        return answer if isinstance(answer, dict) else {}


def main() -> None:
    """Validate the files the request (a JSON line on stdin) names; pickle them to stdout."""
    line = sys.stdin.readline()
    if not line:  # the app had no use for it
        return
    # Files validated before and unchanged since are not validated again (a file the app
    # found remembered is not asked for; another, or a file changed since, may be).
    from backroutine.base.paths import cache_dir
    from backroutine.routine.remembered import RememberedChecks

    load = RememberedChecks(cache_dir() / "checked-routines").load
    sys.stdout.buffer.write(pickle.dumps(answer_for(json.loads(line), load)))


def answer_for(request: dict[str, Any], load: Callable[..., CatalogEntry]) -> dict[str, Any]:
    """The catalog's entries (if `request` asks for them) and the files it names, each
    loaded by `load` (as `load_entry` loads a file)."""
    user_dir = Path(request["user_dir"]) if request["user_dir"] else None
    answer: dict[str, Any] = {}
    if request["entries"]:
        answer["entries"] = find_routines(user_dir, load)
    # A session to resume is usually of a routine in the catalog, and a routine asked for
    # comes as typed and as the log files it (resolved): each file is loaded once.
    known = {entry.path.resolve(): entry for entry in answer.get("entries", [])}
    answer["paths"] = {}
    for path in map(Path, request["paths"]):
        real = path.resolve()
        if real not in known:
            known[real] = load(path)
        answer["paths"][str(path)] = replace(known[real], path=path)
    return answer


def _remembered_answer(request: dict[str, Any]) -> dict[str, Any] | None:
    """The helper's answer to `request` when every file in it is remembered; None when one
    has to be validated."""
    from backroutine.base.paths import cache_dir
    from backroutine.routine.remembered import NotRemembered, RememberedChecks

    try:
        return answer_for(request, RememberedChecks(cache_dir() / "checked-routines").recall)
    except NotRemembered:
        return None


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
