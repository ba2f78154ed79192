"""What a renderer draws: a figure's lines in its frame, whatever the output."""

from __future__ import annotations

import math
from itertools import pairwise

import msgspec

from backroutine.figures.model import (
    BONES,
    LENGTHS,
    Figure,
    Point,
    Pose,
    View,
    interpolate,
    radius,
)

# Line weights: props and the far limbs recede so the limb doing the work stands out; a mark
# (an arrow) is not the body.
PROP, FAR, NEAR, MARK = "prop", "far", "near", "mark"
ARROW_LENGTH, ARROW_HEAD = 22.0, 8.0
NOSE = 3.5


class Box(msgspec.Struct, frozen=True):
    """A rectangle in figure coordinates (cm)."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        """Width in cm."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Height in cm."""
        return self.top - self.bottom


def frame(figure: Figure) -> Box:
    """A box holding the figure in all its poses and frames between, its props and the floor.

    One box for the whole movement, so the drawing does not rescale or jump as it moves. It
    holds the body tightly (a mat is drawn only as far as the box reaches, like the floor), so a
    figure lying down is drawn as large as its length allows, not shrunk to the mat's.
    """
    xs: list[float] = []
    ys: list[float] = [0.0]
    poses = [p for _, p in figure.poses]
    frames = [interpolate(a, b, i / 4) for a, b in pairwise(poses) for i in range(5)]
    for pose in poses + frames:
        for name, (x, y) in pose.points().items():
            reach = LENGTHS["head"] if name == "head" else 0.0
            xs += [x - reach, x + reach]
            ys += [y - reach, y + reach]
        for _, a, b in _arrow(pose):
            xs += [a[0], b[0]]
            ys += [a[1], b[1]]
    for prop in figure.props:
        if prop.kind == "mat":
            continue
        for a, b in prop.outline():
            xs += [a[0], b[0]]
            ys += [a[1], b[1]]
    pad = 5.0
    return Box(min(xs) - pad, min(ys) - 2, max(xs) + pad, max(ys) + pad)


def _clipped(box: Box, a: Point, b: Point) -> tuple[Point, Point]:
    """A level prop line (a mat) cut to the box's width."""
    (ax, ay), (bx, by) = a, b
    return (max(box.left, min(ax, bx)), ay), (min(box.right, max(ax, bx)), by)


def lines(figure: Figure, pose: Pose) -> list[tuple[str, Point, Point]]:
    """(weight, from, to) for the props, the floor and every bone, back to front."""
    box = frame(figure)
    out: list[tuple[str, Point, Point]] = [(PROP, (box.left, 0.0), (box.right, 0.0))]
    for prop in figure.props:
        outline = prop.outline()
        if prop.kind == "mat":
            outline = [_clipped(box, a, b) for a, b in outline]
        out += [(PROP, a, b) for a, b in outline]
    pts = pose.points()
    far = "_r" if pose.facing > 0 else "_l"
    bones = [(f, t) for f, t, _ in BONES[pose.view]]
    if pose.view is View.SIDE:
        bones.sort(key=lambda bone: not bone[1].endswith(far))
    for start, end in bones:
        weight = FAR if pose.view is View.SIDE and end.endswith(far) else NEAR
        out.append((weight, pts[start], pts[end]))
    return out + _nose(pose) + _arrow(pose)


def _nose(pose: Pose) -> list[tuple[str, Point, Point]]:
    """A short tick off the head where the face is, so a side view shows which way the figure
    faces: up or down when lying, forward or back when it leans."""
    if pose.view is not View.SIDE:
        return []
    pts = pose.points()
    (nx, ny), (hx, hy) = pts["neck"], pts["head"]
    dx, dy = (hx - nx) / LENGTHS["head"], (hy - ny) / LENGTHS["head"]
    # The face is a quarter turn from the top of the head, towards where the figure faces.
    fx, fy = dy * pose.facing, -dx * pose.facing
    r = LENGTHS["head"]
    return [(NEAR, (hx + fx * r, hy + fy * r), (hx + fx * (r + NOSE), hy + fy * (r + NOSE)))]


def _arrow(pose: Pose) -> list[tuple[str, Point, Point]]:
    """The pose's arrow: a shaft ending just off the body point it points at, and its head."""
    if pose.arrow is None:
        return []
    point, direction = pose.arrow
    x, y = pose.points()[point]
    dx, dy = math.cos(math.radians(direction)), math.sin(math.radians(direction))
    gap = radius(point) + 3
    tip = (x - dx * gap, y - dy * gap)
    tail = (tip[0] - dx * ARROW_LENGTH, tip[1] - dy * ARROW_LENGTH)
    barbs = [
        (
            tip[0] - ARROW_HEAD * math.cos(math.radians(direction + turn)),
            tip[1] - ARROW_HEAD * math.sin(math.radians(direction + turn)),
        )
        for turn in (-30, 30)
    ]
    return [(MARK, tail, tip)] + [(MARK, barb, tip) for barb in barbs]


def head(pose: Pose) -> tuple[Point, float]:
    """The head's centre and radius."""
    return pose.points()["head"], LENGTHS["head"]
