"""Large letters and digits drawn with half-block characters, from bitmap fonts the code owns.

Two fonts: one 5 pixels tall with every letter and digit (for words, and for digits where
space is short) and one 7 pixels tall with the digits only (rounder, for the countdown). A
character cell holds two pixels one above the other (`▀`, `▄`, `█`), so a pixel is about
square; each font is drawn at any whole scale, and `fit` picks the largest drawing that fits.

No Textual here: this is plain text in, lines out, and cheap to test.
"""

from __future__ import annotations

import math
from functools import lru_cache

import msgspec


class BlockFont(
    msgspec.Struct, frozen=True, eq=False
):  # hashed by identity, so drawings can be cached
    """A bitmap font: each glyph is rows of `#` (ink) and `.` (paper), all `height` tall."""

    name: str
    height: int
    glyphs: dict[str, tuple[str, ...]]

    def can_draw(self, text: str) -> bool:
        """True if the font has every character of `text`."""
        return all(character in self.glyphs for character in text)


def _glyphs(table: str) -> dict[str, tuple[str, ...]]:
    """Glyphs from a table: each block starts with its character, then its rows."""
    glyphs = {}
    for block in table.strip().split("\n\n"):
        character, *rows = block.strip("\n").split("\n")
        glyphs[character.strip() or " "] = tuple(row.strip() for row in rows)
    return glyphs


FIVE = BlockFont(
    "five",
    5,
    _glyphs(
        """
0
###
#.#
#.#
#.#
###

1
.#.
##.
.#.
.#.
###

2
###
..#
###
#..
###

3
###
..#
.##
..#
###

4
#.#
#.#
###
..#
..#

5
###
#..
###
..#
###

6
###
#..
###
#.#
###

7
###
..#
..#
.#.
.#.

8
###
#.#
###
#.#
###

9
###
#.#
###
..#
###

:
.
#
.
#
.

-
...
...
###
...
...

·
.
.
#
.
.

,
.
.
.
#
#

?
###
..#
.##
...
.#.

A
.#.
#.#
###
#.#
#.#

B
##.
#.#
##.
#.#
##.

C
.##
#..
#..
#..
.##

D
##.
#.#
#.#
#.#
##.

E
###
#..
##.
#..
###

F
###
#..
##.
#..
#..

G
.##
#..
#.#
#.#
.##

H
#.#
#.#
###
#.#
#.#

I
###
.#.
.#.
.#.
###

J
..#
..#
..#
#.#
.#.

K
#.#
#.#
##.
#.#
#.#

L
#..
#..
#..
#..
###

M
#...#
##.##
#.#.#
#...#
#...#

N
#..#
##.#
#.##
#..#
#..#

O
.#.
#.#
#.#
#.#
.#.

P
##.
#.#
##.
#..
#..

Q
.#.
#.#
#.#
##.
.##

R
##.
#.#
##.
#.#
#.#

S
.##
#..
.#.
..#
##.

T
###
.#.
.#.
.#.
.#.

U
#.#
#.#
#.#
#.#
###

V
#.#
#.#
#.#
#.#
.#.

W
#...#
#...#
#.#.#
##.##
#...#

X
#.#
#.#
.#.
#.#
#.#

Y
#.#
#.#
.#.
.#.
.#.

Z
###
..#
.#.
#..
###
"""
    )
    | {" ": ("..",) * 5},
)

SEVEN = BlockFont(
    "seven",
    7,
    _glyphs(
        """
0
.###.
#...#
#...#
#...#
#...#
#...#
.###.

1
..#..
.##..
..#..
..#..
..#..
..#..
.###.

2
.###.
#...#
....#
...#.
..#..
.#...
#####

3
#####
...#.
..#..
...#.
....#
#...#
.###.

4
...#.
..##.
.#.#.
#..#.
#####
...#.
...#.

5
#####
#....
####.
....#
....#
#...#
.###.

6
..##.
.#...
#....
####.
#...#
#...#
.###.

7
#####
....#
...#.
..#..
.#...
.#...
.#...

8
.###.
#...#
#...#
.###.
#...#
#...#
.###.

9
.###.
#...#
#...#
.####
....#
...#.
.##..

:
.
.
#
.
#
.
.
"""
    ),
)

FONTS = (SEVEN, FIVE)
"""In order of preference when two drawings are as tall."""

_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


class Drawing(msgspec.Struct, frozen=True):
    """Text drawn large: its lines, all as wide, and how it was drawn."""

    lines: tuple[str, ...]
    font: str
    scale: int
    glyphs: tuple[tuple[int, int], ...] = ()
    """The (start, end) columns of each character's glyph; a gap of `scale` columns
    between them."""

    @property
    def rows(self) -> int:
        """How many terminal rows the drawing takes."""
        return len(self.lines)

    @property
    def columns(self) -> int:
        """How many terminal columns the drawing takes."""
        return len(self.lines[0]) if self.lines else 0


def size(text: str, font: BlockFont, scale: int) -> tuple[int, int]:
    """(columns, rows) that `text` takes in `font` at `scale`, without drawing it."""
    widths = [len(font.glyphs[character][0]) for character in text]
    columns = (sum(widths) + max(0, len(widths) - 1)) * scale  # a pixel's gap between glyphs
    return columns, math.ceil(font.height * scale / 2)


@lru_cache(maxsize=64)  # a countdown draws a new number each second: keep the recent ones
def draw(text: str, font: BlockFont, scale: int) -> Drawing:
    """`text` in `font`, each pixel `scale` columns wide and `scale` half-rows tall."""
    pixel_rows: list[list[bool]] = []
    glyphs = []
    column = 0
    for character in text:
        width = len(font.glyphs[character][0]) * scale
        glyphs.append((column, column + width))
        column += width + scale
    for row in range(font.height):
        pixels: list[bool] = []
        for position, character in enumerate(text):
            if position:
                pixels.append(False)  # the gap between glyphs
            pixels.extend(ink == "#" for ink in font.glyphs[character][row])
        wide = [pixel for pixel in pixels for _ in range(scale)]
        pixel_rows.extend([wide] * scale)
    if len(pixel_rows) % 2:
        pixel_rows.append([False] * len(pixel_rows[0]))
    lines = tuple(
        "".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(pixel_rows[::2], pixel_rows[1::2], strict=True)
    )
    return Drawing(lines, font.name, scale, tuple(glyphs))


def fit(text: str, columns: int, rows: int) -> Drawing | None:
    """The tallest drawing of `text` that fits in `columns` x `rows`; None if none does."""
    best: tuple[int, int, BlockFont, int] | None = None
    for preference, font in enumerate(FONTS):
        if not text or not font.can_draw(text):
            continue
        scale = 1
        while True:
            width, height = size(text, font, scale)
            if width > columns or height > rows:
                break
            candidate = (height, -preference, font, scale)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
            scale += 1
    if best is None:
        return None
    _, _, font, scale = best
    return draw(text, font, scale)
