"""Desktop reminders: systemd user units (checked by systemd-analyze) and the launchd agent."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from backroutine.cli.main import main
from backroutine.reminders.timers import LaunchdAgent, SystemdTimer, systemd_unit_dir

COMMAND = [sys.executable, "-m", "backroutine"]
MORNING_AND_EVENING = [time(8, 0), time(18, 0)]


def fake_systemctl(folder: Path, *, answers: bool) -> tuple[str, Path]:
    """A systemctl that logs its arguments; with `answers` False no user manager replies."""
    calls = folder / "systemctl-calls"
    program = folder / "systemctl"
    status = 0 if answers else 1
    program.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexit {status}\n')
    program.chmod(0o755)
    return str(program), calls


def test_units_pass_systemd_analyze_verify(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    timer = SystemdTimer(tmp_path / "systemd" / "user", COMMAND, systemctl=None)
    timer.install(MORNING_AND_EVENING)
    result = subprocess.run(
        [analyze, "verify", str(timer.service_path), str(timer.timer_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify only warns (exit 0) about a bad OnCalendar line: any word about our units fails.
    assert result.returncode == 0, result.stderr
    assert "backroutine-remind" not in result.stdout + result.stderr


def test_install_without_systemctl_writes_the_units_and_says_what_to_run(tmp_path: Path):
    timer = SystemdTimer(tmp_path / "user", COMMAND, systemctl=None)
    said = timer.install(MORNING_AND_EVENING)
    assert "systemctl is not installed" in said
    assert "systemctl --user enable --now backroutine-remind.timer" in said
    text = timer.timer_path.read_text()
    assert "OnCalendar=*-*-* 08:00:00\nOnCalendar=*-*-* 18:00:00\n" in text
    assert f'ExecStart="{sys.executable}" "-m" "backroutine" "remind" "notify"' in (
        timer.service_path.read_text()
    )


def test_install_enables_the_timer_when_a_user_manager_answers(tmp_path: Path):
    systemctl, calls = fake_systemctl(tmp_path, answers=True)
    timer = SystemdTimer(tmp_path / "user", COMMAND, systemctl=systemctl)
    said = timer.install([time(7, 30)])
    assert "ran:" in said
    assert "--user daemon-reload" in calls.read_text()
    assert "--user enable --now backroutine-remind.timer" in calls.read_text()


def test_install_with_no_user_manager_enables_nothing(tmp_path: Path):
    systemctl, calls = fake_systemctl(tmp_path, answers=False)
    timer = SystemdTimer(tmp_path / "user", COMMAND, systemctl=systemctl)
    said = timer.install([time(7, 30)])
    assert "the systemd user manager did not answer" in said
    assert "enable" not in calls.read_text()  # only the probe ran


def test_status_and_uninstall(tmp_path: Path):
    timer = SystemdTimer(tmp_path / "user", COMMAND, systemctl=None)
    assert "no reminder timer installed" in timer.status()
    timer.install(MORNING_AND_EVENING)
    assert "installed at 08:00, 18:00" in timer.status()
    assert "removed" in timer.uninstall()
    assert not timer.timer_path.exists() and not timer.service_path.exists()
    assert not timer.installed()


def test_unit_dir_follows_xdg_config_home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    assert systemd_unit_dir() == tmp_path / "conf" / "systemd" / "user"


def test_cli_install_writes_units_under_xdg_config_home(tmp_path: Path, monkeypatch, capsys):
    if not sys.platform.startswith("linux"):
        pytest.skip("systemd timers are for Linux")
    # A systemctl that never answers, so the patient's real user manager is left alone.
    fake_systemctl(tmp_path, answers=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    assert main(["remind", "install", "--at", "08:00", "--at", "18:00"]) == 0
    assert (tmp_path / "conf" / "systemd" / "user" / "backroutine-remind.timer").is_file()
    assert main(["remind", "status"]) == 0
    assert "installed at 08:00, 18:00" in capsys.readouterr().out
    assert main(["remind", "uninstall"]) == 0
    assert main(["remind", "status"]) == 1


def test_cli_without_any_scheduler_suggests_the_calendar(tmp_path: Path, monkeypatch, capsys):
    if sys.platform == "darwin":
        pytest.skip("macOS always has launchd")
    monkeypatch.setenv("PATH", str(tmp_path))  # no systemctl to be found
    assert main(["remind", "install", "--at", "08:00"]) == 1
    err = capsys.readouterr().err
    assert "Neither systemd" in err and "backroutine remind ics" in err


def test_cli_refuses_a_time_that_is_not_a_time(capsys):
    assert main(["remind", "install", "--at", "8am"]) == 2
    assert "not a time of day" in capsys.readouterr().err


def test_launchd_agent_runs_notify_at_each_time(tmp_path: Path):
    agent = LaunchdAgent(tmp_path / "LaunchAgents", COMMAND)
    plist = plistlib.loads(agent.plist(MORNING_AND_EVENING))
    assert plist["ProgramArguments"] == [*COMMAND, "remind", "notify"]
    assert plist["StartCalendarInterval"] == [{"Hour": 8, "Minute": 0}, {"Hour": 18, "Minute": 0}]


def test_notify_sends_a_desktop_notification_when_a_routine_is_due(tmp_path: Path, monkeypatch):
    if sys.platform == "darwin":
        pytest.skip("macOS notifies with osascript")
    sent = tmp_path / "sent"
    notify_send = tmp_path / "notify-send"
    notify_send.write_text(f'#!/bin/sh\nprintf "%s|" "$@" > "{sent}"\n')
    notify_send.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    data = tmp_path / "data"
    (data / "routines").mkdir(parents=True)
    (data / "routines" / "core.yaml").write_text(
        "title: Core stability\nfrequency: daily\nsteps:\n  - name: Bird-dog\n    hold: 10s\n"
    )
    assert main(["--data-dir", str(data), "remind", "notify"]) == 0
    app, title, body, _ = sent.read_text().split("|")
    assert app == "--app-name=backroutine"
    assert title == "backroutine: a routine is due"
    assert body.startswith("Core stability: due today")
    assert "backroutine run core" in body


def test_cli_install_without_at_also_fires_at_each_time_of_a_rhythm(
    tmp_path: Path, monkeypatch, capsys
):
    if not sys.platform.startswith("linux"):
        pytest.skip("systemd timers are for Linux")
    fake_systemctl(tmp_path, answers=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    mine = tmp_path / "data" / "routines"
    mine.mkdir(parents=True)
    (mine / "desk.yaml").write_text(
        "title: Desk breaks\nfrequency: every 3 hours between 09:00 and 17:00\n"
        "steps:\n  - {name: Stand up and lean back, hold: 10s}\n"
    )
    data = ["--data-dir", str(tmp_path / "data")]
    assert main([*data, "remind", "install"]) == 0
    assert main([*data, "remind", "status"]) == 0
    assert "installed at 08:00, 09:00, 12:00, 15:00" in capsys.readouterr().out
