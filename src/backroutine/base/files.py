"""Reading and writing the files a patient or therapist names, without surprises.

Every file backroutine writes goes through `write_atomically`: the new content is written
to a fresh temporary file beside the target and renamed over it, so a failure never leaves
half a file, and nothing but a regular file is ever replaced (not a FIFO, a device such as
/dev/full, or a folder). Files that come from elsewhere are read with `read_capped`, which
never blocks on a FIFO and never reads more than a cap, so a pipe (`<(cat r.yaml)`,
/dev/stdin) is read exactly once.

Both raise `FileProblem`, whose message is a sentence for the patient.
"""

from __future__ import annotations

import errno
import os
import select
import stat
import time
from pathlib import Path

PIPE_WAIT_SECONDS = 10.0
"""How long a pipe may stay silent before reading it gives up."""


class FileProblem(OSError):
    """A file cannot be read or written; `str()` says which and why, in a sentence."""

    def __init__(self, code: int | None, message: str, reason: str | None = None) -> None:
        super().__init__(code, message)
        self.reason = reason or message
        """Why, without naming the file (for messages that name it already)."""

    def __str__(self) -> str:
        return self.strerror or ""


class TargetExists(FileProblem):
    """The file to write exists and replacing it was not allowed."""


def write_atomically(
    target: Path,
    data: bytes | str,
    *,
    replace: bool = True,
    mode: int = 0o666,
    durable: bool = True,
) -> None:
    """Write `data` to `target` in one step: all of it or, on any failure, nothing.

    Refuses a target that exists and is not a regular file (a folder, FIFO or device),
    and an existing one when `replace` is false. A replaced file keeps its permissions;
    a new one gets `mode` (less the umask). Text is written as UTF-8. With `durable`
    false, the data is not forced to the disk before this returns (for a cache, which a
    power cut may leave empty or old, and which is then made again): it saves two disk
    flushes, up to tens of milliseconds on a slow disk.
    """
    target = Path(target)
    content = data.encode("utf-8") if isinstance(data, str) else data
    existing = _existing_kind(target)
    if existing is not None:
        if not stat.S_ISREG(existing.st_mode):
            raise FileProblem(
                errno.EEXIST,
                f"{target} is {_kind(existing.st_mode)}, not a "
                "file: give the name of a file to write",
            )
        if not replace:
            raise TargetExists(errno.EEXIST, f"{target} exists; add --force to replace it")
        mode = stat.S_IMODE(existing.st_mode)
    folder = target.parent
    if not folder.is_dir():
        raise FileProblem(
            errno.ENOENT,
            f"cannot write {target}: the folder {folder} "
            + ("is not a folder" if folder.exists() else "does not exist"),
        )
    import secrets  # here: the app reads its log, settings and routines without writing a file

    # A random name, created exclusively: a leftover file or symlink is never followed.
    partial = folder / f".{target.name}.{secrets.token_hex(6)}.partial"
    try:
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except OSError as error:
        raise _problem(target, error) from None
    try:
        try:
            if existing is not None:
                os.chmod(handle, mode)  # the umask may have narrowed it
            view = memoryview(content)
            while view:
                view = view[os.write(handle, view) :]
            if durable:
                os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise _problem(target, error) from None
    if durable:
        _sync_folder(folder)


def read_capped(path: Path, limit: int, *, pipes: bool = True) -> bytes:
    """Up to `limit` bytes of `path` (one byte more tells the caller it is too big).

    Reads regular files, and pipes without ever blocking on them: a FIFO nobody writes to,
    or whose writer stays silent for `PIPE_WAIT_SECONDS`, is refused.
    Folders, devices (and pipes, when `pipes` is false) are refused with a sentence.
    """
    path = Path(path)
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise _problem(path, error, reading=True) from None
    try:
        kind = os.fstat(handle).st_mode
        if stat.S_ISREG(kind):
            os.set_blocking(handle, True)
        elif not (pipes and (stat.S_ISFIFO(kind) or stat.S_ISSOCK(kind))):
            what = f"{_kind(kind)}, not a file"
            raise FileProblem(errno.EINVAL, f"{path} is {what}", f"it is {what}")
        data = _read_until(handle, limit + 1, path)
        if not data and not stat.S_ISREG(kind):
            why = "it is a pipe, and nothing was written to it"
            raise FileProblem(errno.ENODATA, f"cannot read {path}: {why}", why)
        return data
    except FileProblem:
        raise
    except OSError as error:
        raise _problem(path, error, reading=True) from None
    finally:
        os.close(handle)


def _read_until(handle: int, wanted: int, path: Path) -> bytes:
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + PIPE_WAIT_SECONDS
    while size < wanted:
        try:
            chunk = os.read(handle, min(65536, wanted - size))
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([handle], [], [], left)[0]:
                why = f"nothing more arrived for {PIPE_WAIT_SECONDS:.0f} s"
                raise FileProblem(errno.ETIMEDOUT, f"cannot read {path}: {why}", why) from None
            continue
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        deadline = time.monotonic() + PIPE_WAIT_SECONDS
    return b"".join(chunks)


def _existing_kind(target: Path) -> os.stat_result | None:
    try:
        return target.stat()  # follows a symlink: its target is what would be written
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _problem(target, error) from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _problem(path: Path, error: OSError, *, reading: bool = False) -> FileProblem:
    """`error` as a sentence naming `path`."""
    if error.errno == errno.ENOSPC:
        why = "the disk is full: free some space and try again"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        where = path if reading else f"the folder {path.parent}"
        why = f"permission denied: {where} cannot be " + ("read" if reading else "written")
    elif error.errno == errno.ENOENT:
        why = "no such file" if reading else f"the folder {path.parent} does not exist"
    elif error.errno == errno.EISDIR:
        why = "it is a folder"
    else:
        why = error.strerror or str(error)
    verb = "read" if reading else "write"
    return FileProblem(error.errno or errno.EIO, f"cannot {verb} {path}: {why}", why)


def _sync_folder(folder: Path) -> None:
    # Makes the rename itself durable; some systems cannot open a folder to sync it.
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
