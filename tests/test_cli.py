"""The `backroutine` command as a therapist and a patient use it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from backroutine.cli import main

DATA = Path(__file__).parent / "data"


def backroutine(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backroutine", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_validate_good_file_exits_zero(capsys):
    assert main(["validate", str(DATA / "good" / "everything.yaml")]) == 0
    assert "everything.yaml: ok (4 exercises," in capsys.readouterr().out


def test_validate_folder_with_bad_files_lists_every_problem_and_exits_one(capsys):
    assert main(["validate", str(DATA / "bad")]) == 1
    err = capsys.readouterr().err
    assert f"{DATA / 'bad' / 'unknown-key.yaml'}:5:5: unknown key 'hodl'" in err
    assert "Traceback" not in err
    bad_files = len(list((DATA / "bad").glob("*.yaml")))
    assert f"0 of {bad_files} routine files valid" in err


def test_validate_missing_path(capsys):
    assert main(["validate", "no/such/file.yaml"]) == 1
    assert "no/such/file.yaml:1:1: no such file or folder" in capsys.readouterr().err


def test_validate_bundled_routines_passes():
    result = backroutine("validate", str(Path(__file__).parents[1] / "routines"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") >= 6


def test_list_shows_bundled_and_own_routines(tmp_path: Path, capsys):
    own = tmp_path / "routines"
    own.mkdir()
    (own / "mine.yaml").write_text("title: My stretches\nsteps: [{name: Plank, hold: 30s}]\n")
    (own / "broken.yaml").write_text("title: Broken\nsteps: [{name: Plank, hodl: 30s}]\n")
    assert main(["list", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^mine +My stretches: 1 exercise, 35 s  \(yours\)$", out, re.MULTILINE)
    assert (
        re.search(r"^broken +cannot be used:", out, re.MULTILINE) and "did you mean 'hold'?" in out
    )
    assert len([line for line in out.splitlines() if line and "yours" not in line]) >= 7


def test_schema_is_json_schema_that_knows_the_step_keys(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    step = schema["$defs"]["ExerciseStep"]
    assert {"name", "hold", "duration", "reps", "per_side", "tips"} <= set(step["properties"])
    assert step["additionalProperties"] is False


@pytest.mark.parametrize("args", [["--version"], ["validate", "--version"], ["list", "--version"]])
def test_version_everywhere(args):
    result = backroutine(*args)
    assert result.returncode == 0 and result.stdout.startswith("backroutine ")


@pytest.mark.parametrize("command", ["validate", "list", "schema", "--version"])
def test_quick_commands_never_import_textual(command: str):
    args = {"validate": ["validate", str(DATA / "good")], "list": ["list"]}.get(command, [command])
    code = (
        "import sys\nfrom backroutine.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module", ["model", "loader", "catalog", "paths", "text", "cli"])
def test_core_modules_never_import_textual(module: str):
    code = f"import sys, backroutine.{module}; assert 'textual' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_dir_counts_before_or_after_the_command(tmp_path: Path, where: str):
    option = ["--data-dir", str(tmp_path)]
    args = [*option, "history"] if where == "before" else ["history", *option]
    result = backroutine(*args)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "log.sqlite3").exists()


def test_a_plain_session_is_logged_and_exported_for_the_therapist(tmp_path: Path):
    routine = tmp_path / "tiny.yaml"
    routine.write_text("title: Tiny\nsteps:\n  - {name: Plank, hold: 1s, prepare: 1s}\n")
    run = backroutine("run", str(routine), "--plain", "--no-checkin", "--no-audio",
                      "--data-dir", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "Routine complete in 2 s. Well done." in run.stdout
    export = backroutine("export", "--format", "json", "--data-dir", str(tmp_path))
    (session,) = json.loads(export.stdout)["sessions"]
    assert (session["routine_title"], session["status"]) == ("Tiny", "completed")
    out = tmp_path / "log.csv"
    assert backroutine("export", "-o", str(out), "--data-dir", str(tmp_path)).returncode == 0
    assert "Tiny" in out.read_text()
    again = backroutine("export", "-o", str(out), "--data-dir", str(tmp_path))
    assert again.returncode == 2 and "add --force" in again.stderr
    history = backroutine("history", "--data-dir", str(tmp_path))
    assert "Tiny" in history.stdout


def test_a_foreign_log_file_is_kept_and_explained(tmp_path: Path):
    (tmp_path / "log.sqlite3").write_bytes(b"my tax return, not a log" * 100)
    before = (tmp_path / "log.sqlite3").read_bytes()
    result = backroutine("history", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "--data-dir" in result.stderr
    assert (tmp_path / "log.sqlite3").read_bytes() == before


def test_an_exercise_library_beside_the_routines_is_not_listed_as_a_broken_routine(
    tmp_path: Path, capsys
):
    own = tmp_path / "routines"
    own.mkdir()
    (own / "my-exercises.yaml").write_text("exercises:\n  wall-sit:\n    name: Wall sit\n"
                                           "    hold: 30s\n")
    assert main(["list", "--data-dir", str(tmp_path)]) == 0
    assert "my-exercises" not in capsys.readouterr().out


def test_settings_are_shown_changed_and_kept(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["settings"]) == 0
    assert "voice        on " in capsys.readouterr().out
    assert main(["settings", "voice", "off"]) == 0
    assert main(["settings", "volume", "35"]) == 0
    shown = capsys.readouterr().out
    assert "voice        off" in shown and "volume       35 " in shown
    kept = json.loads((tmp_path / "backroutine" / "settings.json").read_text())
    assert (kept["voice"], kept["volume"]) == ("off", 35)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["volume", "300"], "volume is a whole number from 0 to 100, not '300'"),
        (["voice", "quiet"], "voice is on, neural, espeak or off, not 'quiet'"),
        (["volume"], "give a value, e.g. backroutine settings volume 80"),
        (["colour", "red"], "there is no setting 'colour': the settings are sound, voice,"),
    ],
)
def test_a_wrong_setting_says_what_fits_and_changes_nothing(tmp_path, monkeypatch, capsys,
                                                            args, message):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["settings", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "backroutine" / "settings.json").exists()
