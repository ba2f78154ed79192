"""The countdown as a real terminal shows it: the app in tmux repaints only the digits that
change each second, and what the terminal ends up showing is still the whole number."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backroutine.tui.widgets.block_font import FONTS, draw

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

LONG_HOLD = "title: Long hold\nsteps:\n  - {name: Plank, hold: 10m, prepare: 2s}\n"


def _drawn_number(screen: list[str]) -> str | None:
    """The countdown text whose block drawing is on the screen's left half, if any is whole."""
    left = [line[:46].strip() for line in screen]
    for seconds in range(10 * 60, 0, -1):
        text = f"{seconds // 60}:{seconds % 60:02d}"
        for font in FONTS:
            if not font.can_draw(text):
                continue
            for scale in (1, 2, 3):
                lines = [line.strip() for line in draw(text, font, scale).lines]
                for top in range(len(left) - len(lines) + 1):
                    if left[top : top + len(lines)] == lines:
                        return text
    return None


def test_the_terminal_shows_the_whole_number_as_the_seconds_go_by(tmp_path: Path):
    (tmp_path / "hold.yaml").write_text(LONG_HOLD)
    socket = f"backroutine-test-{id(tmp_path)}"

    def tmux(*args: str) -> str:
        command = ["tmux", "-L", socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    app = (
        f"{sys.executable} -m backroutine run {tmp_path / 'hold.yaml'} --no-checkin --no-audio "
        f"--data-dir {tmp_path / 'data'}"
    )
    tmux("new-session", "-d", "-s", "app", "-x", "80", "-y", "24", f"exec {app}")
    try:
        shown: list[str] = []
        deadline = time.monotonic() + 40
        while len(shown) < 6 and time.monotonic() < deadline:
            time.sleep(0.7)
            number = _drawn_number(tmux("capture-pane", "-p", "-t", "app").splitlines())
            if number is not None and number not in shown:
                shown.append(number)
        # Numbers read whole at each capture (a stale column would make none match), and
        # counting down: partial repaints left nothing of the number before.
        assert len(shown) >= 6, shown
        seconds = [int(minutes) * 60 + int(secs) for minutes, secs in (n.split(":") for n in shown)]
        assert seconds == sorted(seconds, reverse=True)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
