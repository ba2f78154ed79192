"""What a renderer draws: a figure's lines in its frame, whatever the output."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from backroutine.figures.model import BONES, LENGTHS, Figure, Point, Pose, View, interpolate

# Line weights: props and the far limbs recede so the limb doing the work stands out.
PROP, FAR, NEAR = "prop", "far", "near"


@dataclass(frozen=True)
class Box:
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

    One box for the whole movement, so the drawing does not rescale or jump as it moves.
    """
    xs: list[float] = []
    ys: list[float] = [0.0]
    poses = [p for _, p in figure.poses]
    frames = [interpolate(a, b, i / 4) for a, b in pairwise(poses) for i in range(5)]
    for pose in poses + frames:
        for x, y in pose.points().values():
            xs.append(x)
            ys.append(y)
    for prop in figure.props:
        for a, b in prop.outline():
            xs += [a[0], b[0]]
            ys += [a[1], b[1]]
    pad = LENGTHS["head"] + 4
    return Box(min(xs) - pad, min(ys) - 2, max(xs) + pad, max(ys) + pad)


def lines(figure: Figure, pose: Pose) -> list[tuple[str, Point, Point]]:
    """(weight, from, to) for the props, the floor and every bone, back to front."""
    box = frame(figure)
    out: list[tuple[str, Point, Point]] = [(PROP, (box.left, 0.0), (box.right, 0.0))]
    for prop in figure.props:
        out += [(PROP, a, b) for a, b in prop.outline()]
    pts = pose.points()
    far = "_r" if pose.facing > 0 else "_l"
    bones = [(f, t) for f, t, _ in BONES[pose.view]]
    if pose.view is View.SIDE:
        bones.sort(key=lambda bone: not bone[1].endswith(far))
    for start, end in bones:
        weight = FAR if pose.view is View.SIDE and end.endswith(far) else NEAR
        out.append((weight, pts[start], pts[end]))
    return out


def head(pose: Pose) -> tuple[Point, float]:
    """The head's centre and radius."""
    return pose.points()["head"], LENGTHS["head"]
