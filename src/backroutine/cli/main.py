"""The `backroutine` command. Quick commands (validate, list, schema) never import Textual."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from backroutine.cli import handlers, root
from backroutine.cli.handlers import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from backroutine.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    _fill_closed_descriptors()
    saved = sys.stdout
    output = _Output(saved)
    sys.stdout = output
    try:
        return _main(argv, output)
    finally:
        sys.stdout = saved


def _main(argv: Sequence[str] | None, output: _Output) -> int:
    from backroutine.base.files import FileProblem, TargetExists

    commands = {
        None: root.open_app,
        "run": root.run,
        "validate": handlers.validate,
        "list": handlers.list_routines,
        "schema": handlers.schema,
        "import": handlers.import_routine,
        "new": handlers.new,
        "print": handlers.print_handout,
        "history": handlers.history,
        "settings": handlers.settings,
        "export": handlers.export,
        "report": handlers.clinic_report,
        "due": handlers.due,
        "remind": handlers.remind,
    }
    try:
        args = build_parser().parse_args(argv)  # --help and --version write, too
        status = commands[args.command](args)
        sys.stdout.flush()
        return status
    except (handlers.CannotOpenLog, FileProblem) as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, TargetExists) else EXIT_INVALID
    except root.NoAnswers:
        print(
            "backroutine: the check-in needs a terminal to answer its questions, and standard "
            "input is closed or at its end: run this in a terminal, or add --no-checkin to "
            "run the routine unattended",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `backroutine list | head`: the reader left, nothing more to say.
        output.drop()
        return EXIT_OK
    except _OutputFailed as error:
        output.drop()
        print(f"backroutine: cannot write to standard output: {error}", file=sys.stderr)
        return EXIT_INVALID


class _OutputFailed(Exception):
    """Standard output is closed, or writing to it failed (a full disk, /dev/full)."""


class _Output:
    """Standard output, whose failures `main` reports in a sentence (BrokenPipe aside)."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        written: int = self._guarded("write", text)
        return written

    def flush(self) -> None:
        if self._stream is not None:
            self._guarded("flush")

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def _guarded(self, method: str, *args: str) -> Any:
        if self._stream is None:
            raise _OutputFailed("it is closed")
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:  # ValueError: a closed file object
            raise _OutputFailed(getattr(error, "strerror", None) or str(error)) from None

    def drop(self) -> None:
        """Send what is still buffered nowhere, so that exiting stays quiet."""
        import os

        if self._stream is None:
            return
        with contextlib.suppress(OSError, AttributeError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise _OutputFailed("it is closed")
        return getattr(self._stream, name)


def _fill_closed_descriptors() -> None:
    """Put /dev/null where standard input, output or error was closed (`>&-`).

    Else the next file opened (the log) would take its number, and output meant for
    the terminal could land in it.
    """
    import os

    for number in (0, 1, 2):
        try:
            os.fstat(number)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free number: this one
