"""One live session per completion log, across windows and processes.

A second window on the same data folder must not resume or start a session while
another one is being played: both would write the same log rows. The lock is an
`fcntl.flock` on a small file beside the log. The kernel releases it when the process
holding it ends in any way (quit, crash, kill -9, machine off), so a dead process can
never keep the patient out of their own log. It is advisory and local: a log on a
network share may not honour it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

RUNNING_ELSEWHERE = (
    "A session is running elsewhere on this log (in another window or terminal): "
    "finish or quit it there first."
)


class SessionLock:
    """The right to play a session on one log; `acquire()` never waits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def beside(cls, log_path: Path) -> SessionLock:
        """The lock of the log at `log_path` (`log.sqlite3` -> `log.sqlite3.lock`)."""
        return cls(log_path.with_name(log_path.name + ".lock"))

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it. True: go ahead (this object holds it now, or
        no lock file can be made there at all); False: a session is live elsewhere."""
        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            # The folder cannot hold a lock file (read-only, say): the log itself will say
            # what is wrong; one live session cannot be enforced, so do not block the patient.
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def release(self) -> None:
        """Let another window play a session; harmless when not held."""
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases the flock
            self._fd = None
