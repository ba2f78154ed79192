"""The shell nudge in a real interactive shell: shown once a day, then no Python at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from backroutine.reminders.shell import snippet

ROUTINE = """\
title: Core stability
frequency: 3 per week
steps:
  - name: Bird-dog
    hold: 10s
"""


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A patient's home in tmp_path, with one due routine in their own folder."""
    env = {
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "dumb",
    }
    routines = tmp_path / "data" / "backroutine" / "routines"
    routines.mkdir(parents=True)
    (routines / "core.yaml").write_text(ROUTINE, encoding="utf-8")
    return env


def open_terminal(shell: str, env: dict[str, str]) -> str:
    """Start an interactive shell that reads its start-up file and exits; its output."""
    result = subprocess.run(
        [shell, "-i"],
        input="exit\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=env["HOME"],
    )
    return result.stdout


def install_with_the_cli(shell: str, env: dict[str, str], startup: Path) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "backroutine", "remind", "shell", shell],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    startup.parent.mkdir(parents=True, exist_ok=True)
    startup.write_text(printed, encoding="utf-8")


def counting_python(folder: Path) -> tuple[Path, Path]:
    """A stand-in for the interpreter that notes each start, then runs the real one."""
    calls = folder / "python-starts"
    wrapper = folder / "counting python"  # a space, to prove the snippet quotes it
    wrapper.write_text(f'#!/bin/sh\necho start >> "{calls}"\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, calls


def test_bash_shows_the_nudge_once_then_stays_quiet_the_same_day(home):
    bashrc = Path(home["HOME"]) / ".bashrc"
    install_with_the_cli("bash", home, bashrc)

    first = open_terminal("bash", home)
    assert "backroutine: Core stability: due today, 0 of 3 this week done" in first
    assert "start with: backroutine run core" in first
    assert open_terminal("bash", home) == ""

    stamp = Path(home["XDG_CACHE_HOME"]) / "backroutine" / "nudged-on"
    assert stamp.read_text().strip() == date.today().isoformat()


def test_bash_later_terminals_do_not_start_python(home, tmp_path):
    wrapper, calls = counting_python(tmp_path)
    stamp = tmp_path / "cache" / "backroutine" / "nudged-on"
    nudge = [str(wrapper), "-m", "backroutine.reminders.nudge"]
    (tmp_path / ".bashrc").write_text(snippet("bash", nudge, stamp))

    for _ in range(3):
        open_terminal("bash", home)
    assert calls.read_text().splitlines() == ["start"]


def test_bash_nudges_again_on_a_new_day(home, tmp_path):
    bashrc = tmp_path / ".bashrc"
    install_with_the_cli("bash", home, bashrc)
    stamp = tmp_path / "cache" / "backroutine" / "nudged-on"
    stamp.parent.mkdir(parents=True)
    stamp.write_text((date.today() - timedelta(days=1)).isoformat() + "\n")
    assert "Core stability: due today" in open_terminal("bash", home)


def test_bash_with_nothing_due_prints_nothing_and_checks_once(home, tmp_path):
    (tmp_path / "data" / "backroutine" / "routines" / "core.yaml").unlink()
    wrapper, calls = counting_python(tmp_path)
    stamp = tmp_path / "cache" / "backroutine" / "nudged-on"
    nudge = [str(wrapper), "-m", "backroutine.reminders.nudge"]
    (tmp_path / ".bashrc").write_text(snippet("bash", nudge, stamp))
    assert open_terminal("bash", home) == ""
    assert open_terminal("bash", home) == ""
    assert calls.read_text().splitlines() == ["start"]


def test_a_non_interactive_bash_running_the_file_does_not_nudge(home, tmp_path):
    bashrc = tmp_path / ".bashrc"
    install_with_the_cli("bash", home, bashrc)
    result = subprocess.run(
        ["bash", str(bashrc)], env=home, capture_output=True, text=True, timeout=60
    )
    assert result.stdout == ""


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_other_shells_show_the_nudge_once(shell, home, tmp_path):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    startup = {"zsh": tmp_path / ".zshrc", "fish": tmp_path / "config" / "fish" / "config.fish"}
    install_with_the_cli(shell, home, startup[shell])
    assert "Core stability: due today" in open_terminal(shell, home)
    assert "Core stability" not in open_terminal(shell, home)
