"""An installed backroutine, run from anywhere: what a new user does first.

`./dev test` also runs this file against a real (non-editable) install on the newest Python.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backroutine.base.paths import bundled_routines_dir, bundled_sounds_dir

COMMAND = str(Path(sys.executable).with_name("backroutine"))


def backroutine(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, cwd=cwd, timeout=60)


def test_bundled_routines_and_sounds_ship_with_the_package():
    assert len(list(bundled_routines_dir().glob("*.yaml"))) >= 6
    assert len(list(bundled_sounds_dir().glob("*.wav"))) >= 7


def test_installed_command_validates_lists_and_runs_a_short_session(tmp_path: Path):
    assert backroutine("--version", cwd=tmp_path).stdout.startswith("backroutine ")
    listed = backroutine("list", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert listed.returncode == 0 and "Morning 5 minutes" in listed.stdout
    checked = backroutine("validate", str(bundled_routines_dir()), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    routine = tmp_path / "tiny.yaml"
    routine.write_text(
        "title: Tiny\nsteps:\n  - {name: Cat-cow, reps: 2, hold: 1s, relax: 1s, prepare: 1s}\n"
    )
    session = backroutine(
        "run", str(routine), "--plain", "--no-checkin", "--data-dir", str(tmp_path), cwd=tmp_path
    )
    assert session.returncode == 0, session.stderr
    assert session.stdout.splitlines()[-1] == "Routine complete in 4 s. Well done."
    assert "Traceback" not in session.stderr
