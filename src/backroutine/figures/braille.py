"""The figure in the terminal, as braille dots: 2 x 4 dots a character cell."""

from __future__ import annotations

import math

from backroutine.figures.draw import Box, frame, head, lines
from backroutine.figures.model import Figure, Pose

# Dot (column, row) inside a cell -> bit of the braille pattern (U+2800 + bits).
_BITS = {
    (0, 0): 0x01,
    (0, 1): 0x02,
    (0, 2): 0x04,
    (1, 0): 0x08,
    (1, 1): 0x10,
    (1, 2): 0x20,
    (0, 3): 0x40,
    (1, 3): 0x80,
}


class _Canvas:
    def __init__(self, width: int, height: int, box: Box) -> None:
        self.cells = [[0] * width for _ in range(height)]
        self.dots_w, self.dots_h = width * 2, height * 4
        # Braille dots are about square, so one scale for both axes keeps the figure's shape.
        self.scale = min((self.dots_w - 1) / box.width, (self.dots_h - 1) / box.height)
        self.x0 = (self.dots_w - 1 - box.width * self.scale) / 2 - box.left * self.scale
        self.y0 = (self.dots_h - 1) + box.bottom * self.scale

    def dot(self, x: float, y: float) -> None:
        col, row = round(self.x0 + x * self.scale), round(self.y0 - y * self.scale)
        if 0 <= col < self.dots_w and 0 <= row < self.dots_h:
            self.cells[row // 4][col // 2] |= _BITS[(col % 2, row % 4)]

    def line(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        steps = max(1, int(math.dist(a, b) * self.scale * 1.5))
        for i in range(steps + 1):
            t = i / steps
            self.dot(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    def circle(self, centre: tuple[float, float], r: float) -> None:
        steps = max(8, int(2 * math.pi * r * self.scale * 1.5))
        for i in range(steps):
            angle = 2 * math.pi * i / steps
            self.dot(centre[0] + r * math.cos(angle), centre[1] + r * math.sin(angle))

    def rows(self) -> list[str]:
        return ["".join(chr(0x2800 + bits) for bits in row) for row in self.cells]


def render(figure: Figure, pose: Pose, width: int, height: int) -> list[str]:
    """`height` lines of `width` braille characters showing the pose, floor and props."""
    canvas = _Canvas(width, height, frame(figure))
    for _, a, b in lines(figure, pose):
        canvas.line(a, b)
    canvas.circle(*head(pose))
    return canvas.rows()
