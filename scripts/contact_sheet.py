"""Compile figures.yaml to figures.json and render every figure's key poses to
docs/figures.svg, for review by eye.

    python scripts/contact_sheet.py [OUT.svg]

Prints any figure that fails the geometric checks. Convert to PNG to look at it, e.g.
`rsvg-convert docs/figures.svg -o /tmp/figures.png`.
"""

from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

from backroutine.figures import load
from backroutine.figures.load import library
from backroutine.figures.model import Figure
from backroutine.figures.quality import problems
from backroutine.figures.svg import poses_svg

COLUMNS = 3
CELL_WIDTH, HEADING, GAP = 420, 24, 12
PER_CM = 0.8
"""Pixels a centimetre: one body size for every figure, so one lying down is as easy to read as
one standing (scaled down only if its poses would not fit the cell's width)."""


def sheet(cells: list[tuple[str, Figure]], labels: bool = True) -> str:
    """An SVG grid of (heading, figure) cells, every figure at one scale.

    Each row is as tall as its tallest figure, its heading just above and its floors in line,
    so a heading is next to its own figure, not the one above it.
    """
    drawn = []
    for heading, figure in cells:
        inner = poses_svg(figure, labels=labels, per_cm=PER_CM)
        if not labels:
            # The drawing alone: its title and text alternative name the exercise.
            inner = re.sub(r"<title>.*?</title>|<desc>.*?</desc>", "", inner, flags=re.DOTALL)
        width, height = (
            float(re.search(rf'{k}="([\d.]+)"', inner)[1]) for k in ("width", "height")
        )
        scale = min(1.0, (CELL_WIDTH - 10) / width)
        drawn.append((heading, inner, scale, height * scale))
    out = []
    top = 0.0
    for start in range(0, len(drawn), COLUMNS):
        row = drawn[start : start + COLUMNS]
        floor = top + HEADING + max(height for *_, height in row)
        for column, (heading, inner, scale, height) in enumerate(row):
            x = column * CELL_WIDTH
            out.append(
                f'<g transform="translate({x + 5},{floor - height:.1f}) scale({scale:.3f})">'
                f"{inner}</g>"
                f'<text x="{x + 5}" y="{top + 16:.1f}" font-family="sans-serif" font-size="14" '
                f'font-weight="bold">{escape(heading)}</text>'
            )
        top = floor + GAP
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{COLUMNS * CELL_WIDTH}" '
        f'height="{top:.0f}"><rect width="100%" height="100%" fill="white"/>'
        + "".join(out)
        + "</svg>\n"
    )


def main(argv: list[str]) -> int:
    """Write the sheet; exit 1 if a figure fails its checks."""
    out = Path(argv[0]) if argv else Path(__file__).parent.parent / "docs" / "figures.svg"
    if not argv:
        Path(load.__file__).with_name("figures.json").write_text(load.compiled(), "utf-8")
        library.cache_clear()
    figures = library()
    failed = 0
    for fid, figure in sorted(figures.items()):
        for problem in problems(figure):
            print(f"{fid}: {problem}")
            failed = 1
    cells = [(f"{figure.name} ({fid})", figure) for fid, figure in sorted(figures.items())]
    out.write_text(sheet(cells), encoding="utf-8")
    print(f"{len(figures)} figures -> {out}")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
