"""Small helpers the benchmarks share: repeat a measurement, summarise it, print a table."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Callable


def machine() -> str:
    """One line naming the machine the figures come from."""
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def repeat(measure: Callable[[], float], runs: int) -> list[float]:
    """Run `measure` `runs` times and return what each run reported."""
    return [measure() for _ in range(runs)]


def summary(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """`median (min-max) unit` of a list of seconds."""
    scaled = [value * scale for value in values]
    return f"{statistics.median(scaled):.2f} {unit} ({min(scaled):.2f}-{max(scaled):.2f})"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
