"""Geometric checks a figure must pass: what a patient would see as a wrong drawing.

The tests run these over every figure and every frame between key poses; the contact sheet
script prints them so a figure being tuned shows its problems.
"""

from __future__ import annotations

import math
from itertools import pairwise

from backroutine.figures.model import (
    BONES,
    LENGTHS,
    RANGES,
    Figure,
    Pose,
    interpolate,
    lowest,
    radius,
)

# How far (cm) a resting point may be off its surface: about a finger's thickness.
TOLERANCE = 2.5
FRAMES_BETWEEN = 8


def frames(figure: Figure) -> list[Pose]:
    """Every key pose and the frames drawn between them, there and back."""
    poses = [p for _, p in figure.poses]
    return poses + [
        interpolate(a, b, i / FRAMES_BETWEEN)
        for a, b in pairwise(poses)
        for i in range(1, FRAMES_BETWEEN)
    ]


def bone_lengths(pose: Pose) -> list[tuple[str, str, float, float]]:
    """(from, to, drawn length, model length) for every bone."""
    pts = pose.points()
    return [(a, b, math.dist(pts[a], pts[b]), LENGTHS[key]) for a, b, key in BONES[pose.view]]


def out_of_range(pose: Pose) -> list[str]:
    """Joint angles outside their anatomical range."""
    found = []
    for name, value in pose.angles.items():
        joint = name.removesuffix("_l").removesuffix("_r")
        if joint == "trunk":
            continue
        low, high = RANGES[pose.view][joint]
        if not low <= value <= high:
            found.append(f"{name} {value:.0f} outside {low:.0f}..{high:.0f}")
    return found


def support_problems(figure: Figure, name: str, pose: Pose) -> list[str]:
    """What is wrong with how a key pose rests: a contact off its surface, or floating."""
    surfaces = figure.surfaces()
    pts = pose.points()
    found = []
    for point, surface in pose.contacts:
        height, left, right = surfaces[surface]
        x, y = pts[point]
        gap = y - radius(point) - height
        if abs(gap) > TOLERANCE or not left - TOLERANCE <= x <= right + TOLERANCE:
            found.append(f"{name}: {point} is {gap:+.1f} cm off the {surface} at x={x:.0f}")
    resting = [pts[p][1] - radius(p) for p, _ in pose.contacts]
    if resting and lowest(pts) < min(resting) - TOLERANCE:
        low = min(pts, key=lambda p: pts[p][1] - radius(p))
        found.append(f"{name}: {low} is lower than anything it rests on")
    return found


def problems(figure: Figure) -> list[str]:
    """Everything wrong with a figure, in words; empty when it passes."""
    found = []
    for name, pose in figure.poses:
        found += support_problems(figure, name, pose)
    for pose in frames(figure):
        for a, b, drawn, model in bone_lengths(pose):
            if abs(drawn - model) > 1e-6:
                found.append(f"{a}-{b} is {drawn:.2f} cm, not {model:.2f}")
        found += out_of_range(pose)
        pts = pose.points()
        if lowest(pts) < -TOLERANCE:
            low = min(pts, key=lambda p: pts[p][1] - radius(p))
            found.append(f"{low} goes below the floor between key poses")
    return sorted(set(found))
