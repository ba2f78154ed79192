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


@pytest.mark.parametrize("module", ["model", "loader", "catalog", "paths", "text", "cli", "safety",
                                    "log", "history", "export", "plain", "settings"])
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


def patient(tmp_path: Path, *args: str, answers: str = "") -> subprocess.CompletedProcess:
    """backroutine as a patient runs it, typing `answers`, with their own settings."""
    import os

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "LANG": "en_GB.UTF-8"}
    env.pop("LC_ALL", None)
    env.pop("LC_TELEPHONE", None)
    return subprocess.run([sys.executable, "-m", "backroutine", *args, "--data-dir",
                           str(tmp_path)], input=answers, capture_output=True, text=True,
                          timeout=60, env=env)


TINY = "title: Tiny\nsteps:\n  - {name: Plank, hold: 1s, prepare: 1s}\n"


def test_every_check_in_is_in_the_log_export_and_history(tmp_path: Path):
    import csv
    import io

    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    assert patient(tmp_path, "settings", "emergency_number", "112").returncode == 0
    # An emergency answer: the second question (bladder or bowel) stops at once.
    stopped = patient(tmp_path, "run", str(routine), "--plain", "--no-audio",
                      answers="7\nn\ny\n")
    assert stopped.returncode == 1
    assert "! Go to the emergency department or call 112 now." in stopped.stdout
    assert "The session was not started." in stopped.stdout
    # An unattended run asks nothing and says so in the log.
    unattended = patient(tmp_path, "run", str(routine), "--plain", "--no-checkin", "--no-audio")
    assert unattended.returncode == 0, unattended.stderr

    document = json.loads(patient(tmp_path, "export", "--format", "json").stdout)
    assert document["version"] == 2
    (session,) = document["sessions"]
    emergency, not_asked = document["check_ins"]
    assert (emergency["tier"], emergency["went_ahead"], emergency["session_id"]) == (
        "emergency", False, None)
    assert emergency["answered_yes"] == ["bladder_bowel"] and emergency["pain_now"] == 7
    assert "call 112 now" in emergency["advice"][0]
    assert (not_asked["asked"], not_asked["session_id"]) == (False, session["session_id"])

    rows = list(csv.DictReader(io.StringIO(patient(tmp_path, "export").stdout)))
    assert [row["status"] for row in rows] == ["not_started", "completed"]
    assert rows[0]["check_in"].startswith("told to go to the emergency department")
    assert "call 112 now" in rows[0]["check_in_advice"]
    assert rows[1]["check_in"] == "no check-in asked (--no-checkin)"

    history = patient(tmp_path, "history").stdout
    assert "Check-ins: 2, 1 of them stopped the session." in history
    assert re.search(r"! \w{3} \d\d \w{3} \d{4} \d\d:\d\d, Tiny: told to go to the emergency "
                     r"department", history)
    assert "Tiny: no check-in asked (--no-checkin)" in history


def test_a_same_day_answer_in_plain_mode_does_not_start(tmp_path: Path):
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    answers = "\n" + "n\n" * 6 + "y\n" + "n\n" * 6
    run = patient(tmp_path, "run", str(routine), "--plain", "--no-audio", answers=answers)
    assert run.returncode == 1
    assert "! Call your GP or clinician today. No exercise today." in run.stdout
    assert "For your therapist" not in run.stdout  # a stop asks nothing more
    assert "Routine complete" not in run.stdout


def test_no_checkin_says_it_is_for_scripts_and_tests(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "for unattended scripts and tests" in " ".join(capsys.readouterr().out.split())


def test_the_emergency_number_setting_is_shown_changed_and_reset(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TELEPHONE", raising=False)
    assert main(["settings"]) == 0
    assert "emergency_number 911 (from your locale" in capsys.readouterr().out
    assert main(["settings", "emergency_number", "112"]) == 0
    assert "emergency_number 112 (set by you)" in capsys.readouterr().out
    assert main(["settings", "emergency_number", "call mum"]) == 2
    assert "emergency_number is a phone number" in capsys.readouterr().err
    assert main(["settings", "emergency_number", "auto"]) == 0
    assert "emergency_number 911 (from your locale" in capsys.readouterr().out
