"""The process that validates routine files for the app (`prevalidate`), started first thing.

Kept apart from `prevalidate` so that starting it costs the app only `subprocess`: the
sooner it starts, the sooner its answer is ready.
"""

from __future__ import annotations

import subprocess
import sys


class HelperProcess:
    """`python -m backroutine.routine.prevalidate`, started before it is told what to do."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backroutine.routine.prevalidate"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the app's screen is no place for its errors
            )
        except OSError:
            self.process = None

    def ask(self, request: bytes) -> None:
        """Send the helper its one request (a line); it answers, then exits."""
        if self.process is None:
            return
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(request + b"\n")
            self.process.stdin.close()
        except OSError:  # it died early: the app validates the files itself
            self.stop()

    def answer(self) -> bytes | None:
        """All the helper wrote, once it has exited; None if it failed."""
        if self.process is None:
            return None
        assert self.process.stdout is not None
        with self.process.stdout:
            output = self.process.stdout.read()
        return output if self.process.wait() == 0 else None

    def stop(self) -> None:
        """End the helper without an answer (the app has no use for it)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            for pipe in (self.process.stdin, self.process.stdout):
                if pipe is not None:
                    pipe.close()
            self.process = None


_early: HelperProcess | None = None


def start_early() -> None:
    """Start the helper now, before the command line is read; `take_early` hands it over."""
    global _early
    _early = HelperProcess()


def take_early() -> HelperProcess | None:
    """The helper `start_early` started, if any, now the caller's to ask and to stop."""
    global _early
    helper, _early = _early, None
    return helper


def stop_early() -> None:
    """End the helper `start_early` started, if nothing took it: the command turned out not
    to be the app (plain mode, a quick command, a mistyped routine)."""
    helper = take_early()
    if helper is not None:
        helper.stop()
