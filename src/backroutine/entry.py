"""The `backroutine` executable: answers `--version` before loading anything else, and
starts the app's validating helper before reading the command line."""

from __future__ import annotations

import gc
import sys


def main() -> int:
    """Run the command line; `backroutine --version` alone skips the argument parser."""
    if sys.argv[1:] == ["--version"] and sys.stdout is not None:
        from backroutine import __version__

        try:
            print(f"backroutine {__version__}", flush=True)
            return 0
        except OSError:  # a full output: the command line says so in a sentence
            pass
    from backroutine.routine import helper_process

    if _may_open_the_app(sys.argv[1:]):
        # Its answer is what the exercise waits for on the screen: start it first.
        helper_process.start_early()
        # Start-up allocates much and frees little: collecting cycles in it cost about a
        # sixth of the time until the exercise is on the screen. The app collects again
        # once its first screen is drawn (`tui.app`), plain mode when it begins.
        gc.disable()
        # Textual sends each frame to the terminal from a thread of its own, which waited
        # for the interpreter's turn (5 ms by default) behind the app's work, and its
        # threads loading the session: the exercise reached the screen 10 ms after it was
        # drawn. In turns of half a millisecond it goes out at once.
        sys.setswitchinterval(0.0005)
    from backroutine.cli.main import main as run_cli

    try:
        return run_cli()
    finally:
        helper_process.stop_early()
        gc.enable()


def _may_open_the_app(args: list[str]) -> bool:
    """Whether this command line probably opens the full-screen app (`backroutine`, or
    `backroutine run ROUTINE` in a terminal): a cheap guess, made before the parser is
    loaded; when it is wrong, the helper is stopped unused."""
    words = _words(args)
    return (
        (not words or words[0] == "run")
        and "--plain" not in args
        and sys.stdin is not None
        and sys.stdin.isatty()
        and sys.stdout is not None
        and sys.stdout.isatty()
    )


# The options whose value is the next word (`cli.parser`): that word names no command.
_OPTIONS_WITH_A_VALUE = ("--data-dir", "--beat")


def _words(args: list[str]) -> list[str]:
    """The command line without its options and their values: the command and its names."""
    words: list[str] = []
    value_next = False
    for arg in args:
        if not value_next and not arg.startswith("-"):
            words.append(arg)
        value_next = arg in _OPTIONS_WITH_A_VALUE
    return words
