"""Desktop reminders: a systemd user timer (Linux) or a launchd agent (macOS).

At each chosen time of day the timer runs `backroutine remind notify`, which shows a
desktop notification when a routine is due. Where neither scheduler can be used,
`NoScheduler` says so and points to the calendar route.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import time
from pathlib import Path

from backroutine.base.files import write_atomically
from backroutine.reminders.ics import ScheduleError, parse_clock_time

UNIT_NAME = "backroutine-remind"
AGENT_LABEL = "org.backroutine.remind"
CALENDAR_ROUTE = (
    "Use your calendar instead: backroutine remind ics ROUTINE --at 08:00 -o routine.ics, "
    "then import routine.ics into your phone's or computer's calendar."
)


def parse_clock_times(texts: Sequence[str]) -> list[time]:
    """The `--at` times, sorted and without repeats; ValueError for one that is not HH:MM."""
    try:
        return sorted({parse_clock_time(text) for text in texts})
    except ScheduleError as error:
        raise ValueError(str(error)) from None


def _quote_exec(part: str) -> str:
    # systemd's ExecStart takes C-style double quotes; % starts a specifier and $ a variable.
    escaped = part.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


class SystemdTimer:
    """A systemd user timer and its oneshot service, in `unit_dir`."""

    def __init__(self, unit_dir: Path, command: Sequence[str], systemctl: str | None) -> None:
        self.unit_dir = unit_dir
        self.command = list(command)
        self.systemctl = systemctl
        self.service_path = unit_dir / f"{UNIT_NAME}.service"
        self.timer_path = unit_dir / f"{UNIT_NAME}.timer"

    def service_text(self) -> str:
        """The service: one run of `backroutine remind notify`."""
        exec_start = " ".join(_quote_exec(part) for part in [*self.command, "remind", "notify"])
        return (
            "[Unit]\n"
            "Description=backroutine: notify when an exercise routine is due\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={exec_start}\n"
        )

    def timer_text(self, times: Sequence[time]) -> str:
        """The timer: one OnCalendar line per time of day; Persistent catches up after sleep."""
        calendar = "".join(f"OnCalendar=*-*-* {moment:%H:%M}:00\n" for moment in times)
        return (
            "[Unit]\n"
            "Description=backroutine: daily check for due exercise routines\n\n"
            "[Timer]\n"
            f"{calendar}"
            "Persistent=true\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )

    def installed(self) -> bool:
        """True when the timer's unit file is in place."""
        return self.timer_path.is_file()

    def times(self) -> list[str]:
        """The times of day in the installed timer, as HH:MM."""
        if not self.installed():
            return []
        lines = self.timer_path.read_text(encoding="utf-8").splitlines()
        return [line.split()[-1][:5] for line in lines if line.startswith("OnCalendar=")]

    def install(self, times: Sequence[time]) -> str:
        """Write the units and enable the timer (or say how to); returns what was done."""
        self.unit_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self.service_path, self.service_text())
        write_atomically(self.timer_path, self.timer_text(times))
        at = ", ".join(f"{moment:%H:%M}" for moment in times)
        done = f"wrote {self.timer_path} and {self.service_path.name} (at {at})"
        steps = [["daemon-reload"], ["enable", "--now", self.timer_path.name]]
        return done + "\n" + self._run_or_explain(steps) + _notify_send_note()

    def uninstall(self) -> str:
        """Disable the timer and remove the units; returns what was done."""
        if not self.installed() and not self.service_path.exists():
            return "no reminder timer is installed"
        steps = [["disable", "--now", self.timer_path.name]]
        explained = self._run_or_explain(steps) if self._manager_answers() else ""
        self.timer_path.unlink(missing_ok=True)
        self.service_path.unlink(missing_ok=True)
        reload = self._run_or_explain([["daemon-reload"]])
        return "\n".join(filter(None, [explained, f"removed {self.timer_path}", reload]))

    def status(self) -> str:
        """Whether the timer is installed, at what times, and whether systemd runs it."""
        if not self.installed():
            return f"no reminder timer installed (looked in {self.unit_dir})"
        line = f"reminder timer installed at {', '.join(self.times())} ({self.timer_path})"
        if not self._manager_answers():
            return line + "\nthe systemd user manager is not running here, so it cannot fire"
        state = self._systemctl("is-active", self.timer_path.name).stdout.strip()
        return f"{line}\nsystemd says: {state or 'unknown'}"

    def _systemctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.systemctl or "systemctl", "--user", *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    def _manager_answers(self) -> bool:
        if self.systemctl is None:
            return False
        try:
            return self._systemctl("show-environment").returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False

    def _run_or_explain(self, steps: Sequence[Sequence[str]]) -> str:
        """Run `systemctl --user` steps when a user manager answers, else say what to run."""
        commands = "\n".join(f"  systemctl --user {' '.join(step)}" for step in steps)
        if not self._manager_answers():
            where = (
                "systemctl is not installed"
                if self.systemctl is None
                else ("the systemd user manager did not answer")
            )
            return f"{where}; when it runs, do:\n{commands}"
        for step in steps:
            result = self._systemctl(*step)
            if result.returncode != 0:
                return f"systemctl --user {' '.join(step)} failed: {result.stderr.strip()}"
        return f"ran:\n{commands}"


class LaunchdAgent:
    """A launchd agent (macOS) in `agent_dir`, run at each time of day."""

    def __init__(self, agent_dir: Path, command: Sequence[str]) -> None:
        self.agent_dir = agent_dir
        self.command = list(command)
        self.plist_path = agent_dir / f"{AGENT_LABEL}.plist"

    def plist(self, times: Sequence[time]) -> bytes:
        """The agent's property list."""
        return plistlib.dumps(
            {
                "Label": AGENT_LABEL,
                "ProgramArguments": [*self.command, "remind", "notify"],
                "StartCalendarInterval": [
                    {"Hour": moment.hour, "Minute": moment.minute} for moment in times
                ],
            }
        )

    def installed(self) -> bool:
        """True when the agent's file is in place."""
        return self.plist_path.is_file()

    def install(self, times: Sequence[time]) -> str:
        """Write the agent and load it; returns what was done."""
        self.agent_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self.plist_path, self.plist(times))
        result = subprocess.run(
            ["launchctl", "load", "-w", str(self.plist_path)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        loaded = (
            "loaded"
            if result.returncode == 0
            else (
                f"launchctl load failed ({result.stderr.strip()}); run: "
                f"launchctl load -w {shlex.quote(str(self.plist_path))}"
            )
        )
        return f"wrote {self.plist_path}; {loaded}"

    def uninstall(self) -> str:
        """Unload the agent and remove its file."""
        if not self.installed():
            return "no reminder agent is installed"
        subprocess.run(
            ["launchctl", "unload", "-w", str(self.plist_path)],
            capture_output=True,
            timeout=30,
            check=False,
        )
        self.plist_path.unlink()
        return f"removed {self.plist_path}"

    def status(self) -> str:
        """Whether the agent is installed, and at what times."""
        if not self.installed():
            return f"no reminder agent installed (looked in {self.agent_dir})"
        entries = plistlib.loads(self.plist_path.read_bytes())["StartCalendarInterval"]
        at = ", ".join(f"{entry['Hour']:02d}:{entry['Minute']:02d}" for entry in entries)
        return f"reminder agent installed at {at} ({self.plist_path})"


class NoScheduler:
    """No timer can be set up here; `reason` says why and what to do instead."""

    def __init__(self, reason: str) -> None:
        self.reason = f"{reason}. {CALENDAR_ROUTE}"

    def installed(self) -> bool:
        """Never: there is nowhere to install to."""
        return False

    def status(self) -> str:
        """The reason, with the calendar route."""
        return self.reason

    def uninstall(self) -> str:
        """Nothing to remove."""
        return self.reason


def systemd_unit_dir() -> Path:
    """`$XDG_CONFIG_HOME/systemd/user`, where systemd looks for a user's own units."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def choose_scheduler(command: Sequence[str]) -> SystemdTimer | LaunchdAgent | NoScheduler:
    """The desktop timer for this system: launchd on macOS, systemd on Linux, or none."""
    if sys.platform == "darwin":
        return LaunchdAgent(Path.home() / "Library" / "LaunchAgents", command)
    systemctl = shutil.which("systemctl")
    if sys.platform.startswith("linux") and systemctl is not None:
        return SystemdTimer(systemd_unit_dir(), command, systemctl)
    return NoScheduler("Neither systemd (systemctl) nor launchd is available on this system")


def _notify_send_note() -> str:
    if sys.platform == "darwin" or shutil.which("notify-send"):
        return ""
    return (
        "\nnote: notify-send is not installed, so reminders go to the journal only; "
        "install it (package libnotify-bin or libnotify)"
    )


def notify(lines: Sequence[str], run_name: str) -> None:
    """Show a desktop notification (notify-send, or osascript on macOS); print if neither."""
    body = "\n".join(lines) + f"\nStart with: backroutine run {run_name}"
    if sys.platform == "darwin":
        script = f'display notification {_applescript(body)} with title "backroutine"'
        command = ["osascript", "-e", script]
    else:
        command = ["notify-send", "--app-name=backroutine", "backroutine: a routine is due", body]
    try:
        subprocess.run(command, timeout=30, check=True, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        print(body)  # the journal keeps it, and a terminal shows it


def _applescript(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
