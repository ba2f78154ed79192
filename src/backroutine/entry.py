"""The `backroutine` executable: answers `--version` before loading anything else."""

from __future__ import annotations

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
    from backroutine.cli.main import main as run_cli

    return run_cli()
