"""Routine files validated before are not validated again until something they depend on changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backroutine.routine import remembered
from backroutine.routine.catalog import load_entry
from backroutine.routine.plain_data import plain_loads
from backroutine.routine.remembered import RememberedChecks

ROUTINE = """\
title: Bridges
library: my-exercises.yaml
steps:
  - exercise: bridge
    image: bridge.png
"""
LIBRARY = """\
exercises:
  bridge: {name: Bridge, hold: 5s, reps: 8}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "bridges.yaml").write_text(ROUTINE)
    (folder / "my-exercises.yaml").write_text(LIBRARY)
    (folder / "bridge.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


@pytest.fixture
def checks(tmp_path: Path) -> RememberedChecks:
    return RememberedChecks(tmp_path / "cache")


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files actually validated (not taken from what was remembered)."""
    validated: list[Path] = []

    def counted(path: Path, **options: object) -> object:
        validated.append(path)
        return load_entry(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(remembered, "load_entry", counted)
    return validated


def hold(checks: RememberedChecks, path: Path) -> float | None:
    entry = checks.load(path)
    assert entry.loaded is not None, entry.problems
    return entry.loaded.routine.steps[0].hold  # type: ignore[union-attr]


def test_a_routine_with_a_block_and_a_tempo_is_remembered_too(folder, checks, validations):
    path = folder / "circuit.yaml"
    path.write_text(
        "backroutine: 2\ntitle: Circuit\nsteps:\n"
        "  - block: {name: Big 3, rounds: 2, steps: [{name: Squat, reps: 8, tempo: 3-1-1}]}\n"
    )
    first, again = checks.load(path), checks.load(path)
    assert validations == [path]
    assert again == first == load_entry(path)


def test_an_unchanged_file_is_validated_once_and_loads_the_same(folder, checks, validations):
    path = folder / "bridges.yaml"
    first, again = checks.load(path), checks.load(path)
    assert validations == [path]
    assert again == first == load_entry(path)
    assert checks.load(path, bundled=True).bundled


def test_editing_the_file_or_its_library_changes_the_dose(folder, checks, validations):
    path = folder / "bridges.yaml"
    assert hold(checks, path) == 5
    (folder / "my-exercises.yaml").write_text(LIBRARY.replace("hold: 5s", "hold: 10s"))
    assert hold(checks, path) == 10
    path.write_text(ROUTINE.replace("    image: bridge.png\n", "    hold: 20s\n"))
    assert hold(checks, path) == 20
    assert hold(checks, path) == 20
    assert len(validations) == 3


def test_a_picture_gone_since_is_reported(folder, checks):
    path = folder / "bridges.yaml"
    assert checks.load(path).loaded is not None
    (folder / "bridge.png").unlink()
    entry = checks.load(path)
    assert entry.loaded is None
    assert "no file 'bridge.png'" in str(entry.problems[0])


def test_a_file_with_problems_is_checked_every_time(folder, checks, validations):
    path = folder / "bridges.yaml"
    (folder / "bridge.png").unlink()
    assert checks.load(path).loaded is None
    (folder / "bridge.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # the picture put in place
    assert checks.load(path).loaded is not None
    assert validations == [path, path]


def test_new_code_validates_anew(folder, checks, validations, monkeypatch):
    path = folder / "bridges.yaml"
    checks.load(path)
    monkeypatch.setattr(remembered, "code_version", lambda: "a newer backroutine")
    checks.load(path)
    assert validations == [path, path]


@pytest.mark.parametrize(
    "damage", [b"", b"not a pickle", b"\x80\x04\x95garbage", b"cos\nsystem\n(S'true'\ntR."]
)
def test_a_damaged_or_foreign_memory_is_ignored_and_written_anew(
    folder, checks, validations, damage
):
    path = folder / "bridges.yaml"
    checks.load(path)
    (memory,) = checks.folder.iterdir()
    memory.write_bytes(damage)
    assert hold(checks, path) == 5
    assert plain_loads(memory.read_bytes()) is not None  # written anew
    assert validations == [path, path]


def test_the_helper_remembers_in_the_users_cache_and_answers_the_same(folder, tmp_path):
    """The app's validating helper, as a real process, twice: the second answer, from what
    the first remembered, is the same."""
    request = json.dumps({"user_dir": str(folder), "paths": [], "entries": True})
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}

    def answer() -> object:
        helper = [sys.executable, "-m", "backroutine.routine.prevalidate"]
        output = subprocess.run(
            helper, input=request.encode(), capture_output=True, env=environment, check=True
        ).stdout
        return plain_loads(output)

    first = answer()
    assert any((tmp_path / "xdg-cache" / "backroutine" / "checked-routines").iterdir())
    assert answer() == first


def test_a_cache_folder_that_cannot_be_written_only_costs_a_validation(folder, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    checks = RememberedChecks(blocked / "checked-routines")
    assert hold(checks, folder / "bridges.yaml") == 5
    assert hold(checks, folder / "bridges.yaml") == 5
    assert blocked.read_text() == "a file where the cache folder would be"


def test_a_library_swapped_for_a_pipe_since_is_refused(folder, checks):
    path = folder / "bridges.yaml"
    assert checks.load(path).loaded is not None
    (folder / "my-exercises.yaml").unlink()
    os.mkfifo(folder / "my-exercises.yaml")  # nobody writes to it: reading it would wait
    entry = checks.load(path)
    assert entry.loaded is None
    assert "my-exercises.yaml" in str(entry.problems[0])


DAY = 24 * 3600


def fill(cache: Path, ages_in_days: list[float]) -> list[Path]:
    """Files remembered for other routines, each last used `ages_in_days` ago."""
    cache.mkdir(exist_ok=True)
    now = time.time()
    made = []
    for number, age in enumerate(ages_in_days):
        other = cache / f"{number:032x}.pickle"
        other.write_bytes(b"remembered")
        os.utime(other, (now - age * DAY, now - age * DAY))
        made.append(other)
    return made


def test_the_cache_keeps_what_was_used_lately_and_at_most_so_many(
    folder, checks, validations, monkeypatch
):
    monkeypatch.setattr(remembered, "KEEP_FILES", 100)
    checks.load(folder / "bridges.yaml")
    (bridges,) = checks.folder.glob("*.pickle")
    long_ago = time.time() - 100 * DAY
    os.utime(bridges, (long_ago, long_ago))  # remembered long ago...
    checks.load(folder / "bridges.yaml")  # ...and used today: recalled, not validated again
    # Others used in the last 15 days, and others not for over 60.
    others = fill(checks.folder, [n / 10 for n in range(150)] + [61 + n for n in range(40)])
    recent, stale = others[:150], others[150:]
    (folder / "plank.yaml").write_text("title: Plank\nsteps:\n  - {name: Plank, hold: 5s}\n")
    # The next day's helper validates and remembers a new file: the folder is pruned.
    RememberedChecks(checks.folder).load(folder / "plank.yaml")
    kept = set(checks.folder.glob("*.pickle"))
    assert validations == [folder / "bridges.yaml", folder / "plank.yaml"]
    assert len(kept) == 100  # was 192: nothing was ever removed
    assert bridges in kept and not kept & set(stale)
    assert kept - {bridges} - set(recent) == {checks._place(folder / "plank.yaml")}
    assert kept & set(recent) == set(recent[:98])  # the most recently used


def test_recalling_what_was_remembered_prunes_nothing(folder, checks):
    checks.load(folder / "bridges.yaml")
    stale = fill(checks.folder, [90] * 300)  # many, unused for long
    checks.load(folder / "bridges.yaml")  # the app's start-up: recalled, nothing more
    assert all(path.exists() for path in stale)
