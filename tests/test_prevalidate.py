"""The helper process that validates routine files while the app starts."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from backroutine.routine.catalog import Catalog, load_entry
from backroutine.routine.prevalidate import PreparedCatalog, _PlainUnpickler

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
        _PlainUnpickler(io.BytesIO(pickle.dumps(Runs()))).load()


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
    assert _PlainUnpickler(io.BytesIO(pickle.dumps(entry))).load() == entry
