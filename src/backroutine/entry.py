"""The `backroutine` executable: answers `--version` before loading anything else."""

from __future__ import annotations

import sys


def main() -> int:
    """Run the command line; `backroutine --version` alone skips the argument parser."""
    if sys.argv[1:] == ["--version"]:
        from backroutine import __version__

        print(f"backroutine {__version__}")
        return 0
    from backroutine.cli import main as run_cli

    return run_cli()
