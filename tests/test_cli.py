"""The `backroutine` command as a therapist and a patient use it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from backroutine.cli.main import main
from backroutine.log.store import CompletionLog

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
        "import sys\nfrom backroutine.cli.main import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "module",
    [
        "routine.model",
        "routine.loader",
        "routine.catalog",
        "routine.safety",
        "base.paths",
        "base.text",
        "base.settings",
        "cli.main",
        "cli.handlers",
        "cli.root",
        "log.store",
        "log.history",
        "log.export",
        "plain.session",
    ],
)
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
    run = backroutine(
        "run", str(routine), "--plain", "--no-checkin", "--no-audio", "--data-dir", str(tmp_path)
    )
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


def _first_line_of_a_plain_run(tmp_path: Path, *options: str, path: str | None = None) -> str:
    """The sound note: what a plain run says first (the run is ended there)."""
    env = dict(os.environ, PATH=path) if path is not None else None
    command = [sys.executable, "-m", "backroutine", "run", "desk-break", "--plain"]
    with subprocess.Popen(
        [*command, "--no-checkin", *options, "--data-dir", str(tmp_path / "data")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as run:
        assert run.stdout is not None
        first = run.stdout.readline().rstrip("\n")
        run.terminate()
    return first


def test_the_sound_note_says_why_there_is_no_sound_and_how_to_have_it(tmp_path: Path):
    from backroutine.routine import words

    # It said "Sound: sound is switched off" either way, and nothing of how to have sound.
    assert _first_line_of_a_plain_run(tmp_path, "--no-audio") == words.SOUND_OFF_FOR_THIS_RUN
    assert backroutine("settings", "sound", "off").returncode == 0
    assert _first_line_of_a_plain_run(tmp_path) == words.SOUND_OFF_IN_SETTINGS
    assert backroutine("settings", "sound", "on").returncode == 0
    # A player that plays (the machine's sound device or none), and no speech engine: the
    # note said "no speech engine found" with no word of what the patient would miss.
    player = tmp_path / "bin" / "aplay"
    player.parent.mkdir()
    player.write_text("#!/bin/sh\nexit 0\n")
    player.chmod(0o755)
    assert backroutine("settings", "voice", "espeak").returncode == 0
    only_the_player = str(player.parent)
    assert _first_line_of_a_plain_run(tmp_path, path=only_the_player) == words.NO_VOICE
    assert (
        _first_line_of_a_plain_run(tmp_path, "--no-voice", path=only_the_player)
        == words.VOICE_OFF_FOR_THIS_RUN
    )
    assert backroutine("settings", "voice", "off").returncode == 0
    assert _first_line_of_a_plain_run(tmp_path, path=only_the_player) == words.VOICE_OFF_IN_SETTINGS


def test_a_log_a_development_build_wrote_shows_its_history(tmp_path: Path):
    """Version 3 by its number, with version 4's columns: it said "duplicate column name"."""
    shutil.copyfile(DATA / "logs" / "development-build-version-3.sqlite3", tmp_path / "log.sqlite3")
    result = backroutine("history", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Sciatica relief" in result.stdout


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
    (own / "my-exercises.yaml").write_text(
        "exercises:\n  wall-sit:\n    name: Wall sit\n    hold: 30s\n"
    )
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
def test_a_wrong_setting_says_what_fits_and_changes_nothing(
    tmp_path, monkeypatch, capsys, args, message
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["settings", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "backroutine" / "settings.json").exists()


# --- files and paths given on the command line ----------------------------------------

ROUTINE_V1 = (
    "id: jane-core\nversion: 1\ntitle: Core for Jane\nsteps:\n  - {name: Plank, hold: 20s}\n"
)
ROUTINE_V2 = ROUTINE_V1.replace("version: 1", "version: 2").replace("20s", "30s")


def shell(command: str, **env: str) -> subprocess.CompletedProcess:
    """`command` in bash, where `backroutine` runs this tree's code."""
    return subprocess.run(
        ["bash", "-c", f'backroutine() {{ {sys.executable} -m backroutine "$@"; }}\n{command}'],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr


def test_import_from_a_process_substitution_installs_the_routine(tmp_path: Path):
    (tmp_path / "r.yaml").write_text(ROUTINE_V1)
    result = shell(f"backroutine import <(cat {tmp_path}/r.yaml) --data-dir {tmp_path}/data")
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "data" / "routines" / "jane-core.yaml"
    assert installed.read_text() == ROUTINE_V1


def test_a_new_version_piped_to_import_replaces_the_old_one(tmp_path: Path):
    (tmp_path / "v1.yaml").write_text(ROUTINE_V1)
    (tmp_path / "v2.yaml").write_text(ROUTINE_V2)
    data = tmp_path / "data"
    assert backroutine("import", str(tmp_path / "v1.yaml"), "--data-dir", str(data)).returncode == 0
    result = shell(f"cat {tmp_path}/v2.yaml | backroutine import /dev/stdin --data-dir {data}")
    assert result.returncode == 0, result.stderr
    assert "replaced" in result.stdout and "1 -> 2" in result.stdout
    assert (data / "routines" / "jane-core.yaml").read_text() == ROUTINE_V2


def test_a_routine_without_an_id_piped_to_import_is_named_after_its_title(tmp_path: Path):
    result = shell(
        f"printf 'title: Hips at Home\\nsteps: [{{name: Plank, hold: 5s}}]\\n' "
        f"| backroutine import /dev/stdin --data-dir {tmp_path}"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "routines" / "hips-at-home.yaml").exists()


@pytest.mark.parametrize("command", ["validate", "import"])
def test_a_fifo_is_never_waited_on(tmp_path: Path, command: str):
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "backroutine", command, str(fifo), "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    no_traceback(result)
    assert f"{fifo}:1:1: cannot read the file: it is a pipe, and nothing was written to it" in (
        result.stderr
    )


def test_validate_refuses_a_device_with_a_sentence():
    result = backroutine("validate", "/dev/zero")
    assert result.returncode == 1
    assert "/dev/zero:1:1: cannot read the file: it is a device, not a file" in result.stderr


@pytest.fixture
def logged(tmp_path: Path) -> Path:
    """A data folder whose log holds one short session."""
    routine = tmp_path / "tiny.yaml"
    routine.write_text("title: Tiny\nsteps:\n  - {name: Plank, hold: 1s, prepare: 1s}\n")
    run = backroutine(
        "run", str(routine), "--plain", "--no-checkin", "--no-audio", "--data-dir", str(tmp_path)
    )
    assert run.returncode == 0, run.stderr
    return tmp_path


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("export -o {dir}", "{dir} is a folder, not a file"),
        ("export -o {dir}/missing/x.csv", "the folder {dir}/missing does not exist"),
        ("print tiny -o {dir}", "{dir} is a folder, not a file"),
        ("print tiny -o {dir}/missing/x.md", "the folder {dir}/missing does not exist"),
        ("new {dir}/missing/x.yaml --title T", "the folder {dir}/missing does not exist"),
        ("remind ics tiny -o {dir}", "{dir} is a folder, not a file"),
        ("remind ics tiny -o {dir}/missing/x.ics", "the folder {dir}/missing does not exist"),
    ],
)
def test_a_path_mistake_is_a_sentence(logged: Path, command: str, message: str):
    routines = logged / "routines"
    routines.mkdir(exist_ok=True)
    (logged / "tiny.yaml").rename(routines / "tiny.yaml")
    folder = logged / "out"
    folder.mkdir()
    result = shell(f"backroutine {command.format(dir=folder)} --data-dir {logged}")
    assert result.returncode in (1, 2)
    no_traceback(result)
    assert result.stderr.startswith("backroutine: ")
    assert message.format(dir=folder) in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        "export",
        "export --format json",
        "history",
        "list",
        "new",
        "schema",
        "print desk-break",
        "settings",
        "--version",
        "list --help",
    ],
)
@pytest.mark.parametrize("stdout", ["> /dev/full", ">&-"])
def test_a_full_or_closed_standard_output_is_a_sentence(logged: Path, command: str, stdout: str):
    result = shell(
        f"backroutine {command} --data-dir {logged} {stdout}", XDG_CONFIG_HOME=str(logged)
    )
    assert result.returncode == 1
    no_traceback(result)
    assert "backroutine: cannot write to standard output" in result.stderr
    assert "Exception ignored" not in result.stderr


def test_new_into_a_folder_writes_a_routine_inside_it(tmp_path: Path):
    result = backroutine("new", str(tmp_path), "--title", "Core for Jane", "--force")
    assert result.returncode == 0, result.stderr
    written = tmp_path / "core-for-jane.yaml"
    assert "title: Core for Jane" in written.read_text()
    assert backroutine("validate", str(written)).returncode == 0


def test_export_never_replaces_a_fifo_or_a_device(logged: Path):
    fifo = logged / "fifo.csv"
    os.mkfifo(fifo)
    result = backroutine("export", "-o", str(fifo), "--force", "--data-dir", str(logged))
    assert result.returncode == 1
    assert f"backroutine: {fifo} is a FIFO (named pipe), not a file" in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    device = logged / "full"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # like /dev/full
    except PermissionError:
        return  # only root makes device nodes
    result = backroutine("export", "-o", str(device), "--force", "--data-dir", str(logged))
    assert result.returncode == 1 and "is a device, not a file" in result.stderr
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_export_never_follows_a_leftover_partial_symlink(logged: Path):
    victim = logged / "precious.txt"
    victim.write_text("my notes")
    out = logged / "log.csv"
    (logged / "log.csv.partial").symlink_to(victim)
    result = backroutine("export", "-o", str(out), "--data-dir", str(logged))
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "my notes"
    assert "Tiny" in out.read_text()
    assert [p.name for p in logged.glob(".log.csv*")] == []  # no temporary file left


def test_an_export_file_is_for_the_patient_only(logged: Path):
    out = logged / "log.csv"
    assert backroutine("export", "-o", str(out), "--data-dir", str(logged)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder nobody can write into (a read-only mount when running as root)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a read-only folder here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_import_into_a_read_only_folder_is_a_sentence(tmp_path: Path, read_only_folder: Path):
    (tmp_path / "r.yaml").write_text(ROUTINE_V1)
    result = backroutine("import", str(tmp_path / "r.yaml"), "--data-dir", str(read_only_folder))
    assert result.returncode == 1
    no_traceback(result)
    assert "backroutine: cannot create your routines folder" in result.stderr


# --- a settings file that is not what it should be -------------------------------------

BAD_SETTINGS = {
    "a 5,000-digit number": lambda path: path.write_text('{"volume": ' + "9" * 5000 + "}"),
    "100,000-deep nesting": lambda path: path.write_text("[" * 100_000 + "]" * 100_000),
    "30,000-deep nesting": lambda path: path.write_text('{"a":' * 30_000 + "1" + "}" * 30_000),
    "a FIFO": lambda path: os.mkfifo(path),
    "a folder": lambda path: path.mkdir(),
    "not UTF-8": lambda path: path.write_bytes(b'{"voice": "\xff"}'),
}


@pytest.mark.parametrize("kind", BAD_SETTINGS)
def test_bad_settings_are_reported_and_the_defaults_used(tmp_path: Path, kind: str):
    settings = tmp_path / "backroutine" / "settings.json"
    settings.parent.mkdir()
    BAD_SETTINGS[kind](settings)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-m", "backroutine", "settings"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert shown.returncode == 0
    no_traceback(shown)
    assert f"backroutine: {settings}: " in shown.stderr and "using the defaults" in shown.stderr
    assert "volume       80 " in shown.stdout
    routine = tmp_path / "tiny.yaml"
    routine.write_text("title: Tiny\nsteps:\n  - {name: Plank, hold: 1s, prepare: 1s}\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "backroutine",
            "run",
            str(routine),
            "--plain",
            "--no-checkin",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 0, run.stderr
    no_traceback(run)
    assert "using the defaults" in run.stdout and "Routine complete" in run.stdout


# --- terminals: none, dumb, or a real one -------------------------------------------------

TINY = "title: Tiny\nsteps:\n  - {name: Plank, hold: 1s, prepare: 1s}\n"
LONG = (
    "title: Long\nsteps:\n  - {name: Plank, hold: 60s, prepare: 1s}\n"
    "  - {name: Bridge, hold: 60s, prepare: 1s}\n"
)


class Terminal:
    """The real `backroutine` on a pseudo-terminal: keys typed in, everything it writes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        """Start `backroutine ARGS` in `env` (this one's, in an xterm, by default)."""
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backroutine", *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            start_new_session=True,
            env={**os.environ, "TERM": "xterm-256color"} if env is None else env,
        )
        self.output = ""
        self.seen = 0  # where the last text expected ends

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def expect(self, *texts: str, timeout: float = 20) -> str:
        """Wait until the output (after what was expected before) shows one of `texts`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [(self.output.find(text, self.seen), text) for text in texts]
            found = [(place, text) for place, text in found if place >= 0]
            if found:
                place, text = min(found)
                self.seen = place + len(text)
                return text
            left = deadline - time.monotonic()
            assert left > 0, f"never showed {texts}; the output was:\n{self.output[self.seen :]}"
            if select.select([self.master], [], [], min(left, 0.2))[0]:
                try:
                    self.output += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the program ended and the terminal closed
                    time.sleep(0.05)

    def finish(self, timeout: float = 20) -> int:
        """Wait for the program to end, keeping what it wrote; its exit status."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.1)[0]:
                with contextlib.suppress(OSError):
                    self.output += os.read(self.master, 65536).decode(errors="replace")
        return self.process.wait(timeout=1)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal():
    opened: list[Terminal] = []

    def start(*args: str, **options) -> Terminal:
        opened.append(Terminal(*args, **options))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


def logged_sessions(data: Path) -> list:
    with CompletionLog.open(data / "log.sqlite3") as log:
        return log.sessions()


@pytest.mark.slow
def test_the_plain_check_in_echoes_answers_takes_backspace_and_asks_one_per_line(
    tmp_path: Path, terminal
):
    (tmp_path / "tiny.yaml").write_text(TINY)
    app = terminal(
        "run", str(tmp_path / "tiny.yaml"), "--plain", "--no-audio", "--data-dir", str(tmp_path)
    )
    app.expect("0-10?")
    app.type("5\x7f2\r")  # a typo, corrected
    questions = 0
    while app.expect("[y/N]", "Keys:") == "[y/N]":
        app.type("n\r")
        questions += 1
    assert questions >= 1
    assert re.search(r"0-10\? \(Enter to skip\) 5\x08 \x082\r\n", app.output)  # echoed
    assert len(re.findall(r"\[y/N\] n\r\n", app.output)) == questions  # one per line
    app.expect("Routine complete")
    app.expect("0-10?")
    app.type("3\r")
    app.expect("note")
    app.type("all good\r")
    assert app.finish() == 0
    (session,) = logged_sessions(tmp_path)
    assert (session.pain_before, session.pain_after, session.note) == (2, 3, "all good")


@pytest.mark.slow
def test_keys_work_without_the_check_in_in_a_terminal(tmp_path: Path, terminal):
    (tmp_path / "long.yaml").write_text(LONG)
    app = terminal(
        "run",
        str(tmp_path / "long.yaml"),
        "--plain",
        "--no-checkin",
        "--no-audio",
        "--data-dir",
        str(tmp_path),
    )
    app.expect("Hold 1 min")
    app.type(" ")
    app.expect("Paused")
    app.type(" ")
    app.expect("Carrying on")
    app.type("h")
    app.expect("Noted: that exercise hurt")
    app.type(" ")
    app.expect("Carrying on")
    app.type("q")
    app.expect("Session ended")
    assert app.finish() == 1
    assert re.search(r"(^|\n)[ hq]", app.output) is None  # the keys were not echoed


@pytest.mark.parametrize("stdin", ["< /dev/null", "<&-"])
@pytest.mark.parametrize("command", ["run {r} --plain", "run {r}", ""])
def test_without_a_terminal_to_answer_the_check_in_says_one_is_needed(
    tmp_path: Path, stdin: str, command: str
):
    (tmp_path / "tiny.yaml").write_text(TINY)
    result = shell(
        f"backroutine {command.format(r=tmp_path / 'tiny.yaml')} "
        f"--data-dir {tmp_path} --no-audio {stdin}"
    )
    assert result.returncode == 2
    no_traceback(result)
    assert "needs a terminal" in result.stderr and "--no-checkin" in result.stderr
    assert logged_sessions(tmp_path) == []


@pytest.mark.parametrize("stdin", ["< /dev/null", "<&-"])
@pytest.mark.parametrize("plain", ["--plain", ""])
def test_without_a_terminal_no_checkin_runs_unattended(tmp_path: Path, stdin: str, plain: str):
    (tmp_path / "tiny.yaml").write_text(TINY)
    result = shell(
        f"backroutine run {tmp_path / 'tiny.yaml'} {plain} --no-checkin --no-audio "
        f"--data-dir {tmp_path} {stdin}"
    )
    assert result.returncode == 0, result.stderr
    no_traceback(result)
    assert "Routine complete" in result.stdout
    assert [s.status for s in logged_sessions(tmp_path)] == ["completed"]


@pytest.mark.slow
@pytest.mark.parametrize("term", ["dumb", None])
def test_a_dumb_terminal_gets_plain_mode_and_is_told_so(tmp_path: Path, terminal, term):
    (tmp_path / "tiny.yaml").write_text(TINY)
    env = (
        {**os.environ, "TERM": term}
        if term
        else {name: value for name, value in os.environ.items() if name != "TERM"}
    )
    app = terminal(
        "run",
        str(tmp_path / "tiny.yaml"),
        "--no-checkin",
        "--no-audio",
        "--data-dir",
        str(tmp_path),
        env=env,
    )
    assert app.finish() == 0
    assert "plain mode" in app.output and "Routine complete" in app.output
    assert "\x1b[?1049h" not in app.output  # never switched to the full screen


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["app", "plain"])
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_session_gives_the_terminal_back_and_can_be_resumed(
    tmp_path: Path, terminal, mode: str, signal_number: int
):
    (tmp_path / "long.yaml").write_text(LONG)
    plain = ["--plain"] if mode == "plain" else []
    app = terminal(
        "run",
        str(tmp_path / "long.yaml"),
        *plain,
        "--no-checkin",
        "--no-audio",
        "--data-dir",
        str(tmp_path),
    )
    app.expect("Hold 1 min" if mode == "plain" else "Next: Bridge")
    time.sleep(1)
    assert app.process.poll() is None
    app.process.send_signal(signal_number)
    assert app.finish() != 0
    lflags = termios.tcgetattr(app.slave)[3]
    assert lflags & termios.ECHO and lflags & termios.ICANON  # echo and line mode are back
    for switched_on, off in [("\x1b[?1049h", "\x1b[?1049l"), ("\x1b[?1000h", "\x1b[?1000l")]:
        assert app.output.rfind(off) >= app.output.rfind(switched_on)  # main screen, no mouse
    (session,) = logged_sessions(tmp_path)
    assert session.status == "in_progress"  # offered for resuming next time
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        assert log.snapshot(session.id) is not None


@pytest.mark.slow
def test_the_app_in_a_dumb_terminal_offers_the_routines_in_plain_mode(tmp_path: Path, terminal):
    routines = tmp_path / "routines"
    routines.mkdir()
    (routines / "tiny.yaml").write_text(TINY)
    app = terminal("--data-dir", str(tmp_path), "--no-audio", env={**os.environ, "TERM": "dumb"})
    app.expect("using plain mode")
    app.expect("Which routine?")
    number = re.search(r"(\d+)\. Tiny: 1 exercise", app.output).group(1)
    app.type(f"{number}\r")
    app.expect("0-10?")
    app.type("\r")
    while app.expect("[y/N]", "Routine complete") == "[y/N]":
        app.type("n\r")
    app.expect("0-10?")
    app.type("\r")
    app.expect("note")
    app.type("\r")
    assert app.finish() == 0
    assert "\x1b[?1049h" not in app.output
    assert [s.status for s in logged_sessions(tmp_path)] == ["completed"]


def patient(tmp_path: Path, *args: str, answers: str = "") -> subprocess.CompletedProcess:
    """backroutine as a patient runs it, typing `answers`, with their own settings."""
    import os

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "LANG": "en_GB.UTF-8"}
    env.pop("LC_ALL", None)
    env.pop("LC_TELEPHONE", None)
    return subprocess.run(
        [sys.executable, "-m", "backroutine", *args, "--data-dir", str(tmp_path)],
        input=answers,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


TINY = "title: Tiny\nsteps:\n  - {name: Plank, hold: 1s, prepare: 1s}\n"


def test_every_check_in_is_in_the_log_export_and_history(tmp_path: Path):
    import csv
    import io

    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    assert patient(tmp_path, "settings", "emergency_number", "112").returncode == 0
    # An emergency answer: the second question (bladder or bowel) stops at once.
    stopped = patient(tmp_path, "run", str(routine), "--plain", "--no-audio", answers="7\nn\ny\n")
    assert stopped.returncode == 1
    assert "! Go to the emergency department or call 112 now." in stopped.stdout
    assert "The session was not started." in stopped.stdout
    # An unattended run asks nothing and says so in the log.
    unattended = patient(tmp_path, "run", str(routine), "--plain", "--no-checkin", "--no-audio")
    assert unattended.returncode == 0, unattended.stderr

    document = json.loads(patient(tmp_path, "export", "--format", "json").stdout)
    assert document["version"] == 3
    (session,) = document["sessions"]
    emergency, not_asked = document["check_ins"]
    assert (emergency["tier"], emergency["went_ahead"], emergency["session_id"]) == (
        "emergency",
        False,
        None,
    )
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
    assert re.search(
        r"! \w{3} \d\d \w{3} \d{4} \d\d:\d\d, Tiny: told to go to the emergency "
        r"department",
        history,
    )
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
