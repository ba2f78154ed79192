"""The helper process that validates routine files while the app starts."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from backroutine.routine import helper_process
from backroutine.routine.catalog import Catalog, load_entry
from backroutine.routine.plain_data import PlainUnpickler
from backroutine.routine.prevalidate import PreparedCatalog

GOOD = "title: Wall sit\nsteps:\n  - {name: Wall sit, hold: 20s}\n"
BROKEN = "title: Broken\nsteps:\n  - {name: Plank, hold: 20 seconds please}\n"


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "wall.yaml").write_text(GOOD)
    (folder / "broken.yaml").write_text(BROKEN)
    return folder


def test_the_helper_gives_what_validating_here_gives(user_dir: Path):
    paths = [user_dir / "wall.yaml", user_dir / "broken.yaml"]
    prepared = PreparedCatalog(user_dir, paths, entries=True)
    here = Catalog(user_dir)
    assert prepared.entries() == here.entries()
    wall, broken = (prepared.entry(path) for path in paths)
    assert wall.loaded is not None and wall.loaded.routine.title == "Wall sit"
    assert wall == here.entry(paths[0])
    assert broken.loaded is None
    assert str(broken.problems[0]).startswith(f"{paths[1]}:3:")


FIXTURES = sorted((Path(__file__).parent / "data").glob("*/*.yaml"))


def test_the_helper_finds_what_validating_here_finds_in_every_fixture():
    # The helper runs as nothing else does (no pydantic plugins, no cycles collected, no
    # clean-up at exit): its routines and its every message must be the app's own.
    prepared = PreparedCatalog(None, FIXTURES, entries=True)
    answer = prepared._prepared()
    assert sorted(answer.get("paths", {})) == sorted(map(str, FIXTURES))  # not validated here
    assert any(entry.problems for entry in answer["paths"].values())
    for path in FIXTURES:
        assert prepared.entry(path) == load_entry(path), path.name
    assert prepared.entries() == Catalog(None).entries()


STAGED = """\
backroutine: 2
title: Staged
frequency: every 2 hours between 08:00 and 20:00
stages:
  - name: One
    move_on: when it is easy
    steps: [{name: Plank, hold: 20s, days: [mon, thu]}]
  - name: Two
    steps: [{name: Plank, hold: 30s, from_week: 2}]
"""


def test_a_format_2_routine_comes_back_from_the_helper_whole(user_dir: Path):
    path = user_dir / "staged.yaml"
    path.write_text(STAGED)
    helper = PreparedCatalog(user_dir, [path], entries=False)
    answer = helper._prepared()  # what the helper sent, unpickled by the app's rules
    assert str(path) in answer["paths"], answer
    assert helper.entry(path) == Catalog(user_dir).entry(path)
    assert len(helper.entry(path).loaded.routine.stages) == 2


def test_files_it_was_not_asked_for_are_validated_here(user_dir: Path):
    prepared = PreparedCatalog(user_dir, [], entries=False)
    assert prepared.entry(user_dir / "wall.yaml").loaded is not None
    assert [entry.name for entry in prepared.entries()][:2] == ["broken", "wall"]


def test_without_a_helper_the_files_are_validated_here(user_dir: Path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(user_dir / "no-such-python"))
    prepared = PreparedCatalog(user_dir, [user_dir / "wall.yaml"], entries=False)
    assert prepared.entry(user_dir / "wall.yaml").loaded is not None


def test_the_answer_may_hold_plain_routine_data_only():
    class Runs:
        def __reduce__(self):
            return (os.system, ("echo owned",))

    with pytest.raises(pickle.UnpicklingError, match="not plain routine data"):
        PlainUnpickler(io.BytesIO(pickle.dumps(Runs()))).load()


def test_the_app_draws_and_plays_without_loading_pydantic(user_dir: Path):
    """The point of the helper: 11 MiB and about 130 ms less before the first frame."""
    code = f"""
import asyncio, sys
from pathlib import Path
from backroutine.session.engine import FakeClock
from backroutine.routine.prevalidate import PreparedCatalog
from backroutine.tui.app import AppContext, create_app

routine = Path({str(user_dir / "wall.yaml")!r})
app = create_app(AppContext(PreparedCatalog(None, [routine], entries=False), FakeClock(),
                            start_with=routine, check_in=False))

async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(type(app.screen).__name__, "pydantic" in sys.modules, "yaml" in sys.modules)

asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["PlayerScreen", "False", "False"], result.stderr


def test_a_routine_with_every_kind_of_step_comes_back_from_the_helper():
    # Else the app would quietly validate every file itself, and start slower.
    path = Path(__file__).parent / "data" / "good" / "format-2-activities.yaml"
    entry = load_entry(path)
    assert entry.loaded is not None
    assert PlainUnpickler(io.BytesIO(pickle.dumps(entry))).load() == entry


def test_a_helper_started_early_is_the_one_the_catalog_asks(user_dir: Path):
    helper_process.start_early()  # as `backroutine run` does before reading its arguments
    early = helper_process._early
    prepared = PreparedCatalog(user_dir, [user_dir / "wall.yaml"], entries=False)
    assert prepared._helper is early
    assert prepared.entry(user_dir / "wall.yaml") == Catalog(user_dir).entry(user_dir / "wall.yaml")


def test_a_helper_started_early_and_not_needed_is_ended():
    helper_process.start_early()
    early = helper_process._early
    assert early is not None and early.process is not None
    process = early.process
    helper_process.stop_early()  # plain mode, a quick command, a mistyped routine
    assert process.poll() is not None


def test_a_helper_asked_nothing_exits_without_a_word():
    helper = helper_process.HelperProcess()
    assert helper.process is not None and helper.process.stdin is not None
    helper.process.stdin.close()  # the app ended before it knew what to ask
    assert helper.answer() == b""


@pytest.fixture
def helpers_started(tmp_path: Path, monkeypatch) -> list[list[str]]:
    """The helper processes started from now on (a cache folder of this test's own)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    started: list[list[str]] = []
    popen = subprocess.Popen

    def counted(args, **kwargs):
        started.append(args)
        return popen(args, **kwargs)

    monkeypatch.setattr(helper_process.subprocess, "Popen", counted)
    return started


def test_a_routine_validated_before_and_unchanged_needs_no_helper(user_dir, helpers_started):
    wall = user_dir / "wall.yaml"
    first = PreparedCatalog(user_dir, [wall], entries=False).entry(wall)
    assert len(helpers_started) == 1  # validated by the helper, and remembered
    again = PreparedCatalog(user_dir, [wall], entries=False).entry(wall)
    assert len(helpers_started) == 1  # read back here: no second Python started
    assert again == first == Catalog(user_dir).entry(wall)


def test_a_routine_changed_since_is_validated_again_by_the_helper(user_dir, helpers_started):
    wall = user_dir / "wall.yaml"
    PreparedCatalog(user_dir, [wall], entries=False).entry(wall)
    wall.write_text(GOOD.replace("hold: 20s", "hold: 25 s please"))
    again = PreparedCatalog(user_dir, [wall], entries=False).entry(wall)
    assert len(helpers_started) == 2
    assert again.loaded is None and str(again.problems[0]).startswith(f"{wall}:3:")


def test_the_catalog_needs_the_helper_while_any_of_its_files_has_problems(
    user_dir, helpers_started
):
    # broken.yaml is never remembered: a therapist fixing it wants it checked each time.
    for _ in range(2):
        entries = PreparedCatalog(user_dir, [], entries=True).entries()
    assert len(helpers_started) == 2
    assert entries == Catalog(user_dir).entries()
    (user_dir / "broken.yaml").unlink()  # the rest were remembered as the helper loaded them
    entries = PreparedCatalog(user_dir, [], entries=True).entries()
    assert len(helpers_started) == 2
    assert entries == Catalog(user_dir).entries()
