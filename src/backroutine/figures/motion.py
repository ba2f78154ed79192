"""Which pose to show at a moment of a session: the figure moves in time with the engine.

Pure: it takes the segment's kind (the engine's SegmentKind value), the seconds since it began
and the side, and returns a frame. Time is quantised, so a caller redraws only when the frame
key changes (a few times a second while moving, never during a still hold).
"""

from __future__ import annotations

import msgspec

from backroutine.figures.model import Figure, Pose, interpolate

MOVE_SECONDS = 1.5
"""How long the figure takes to go into a hold, or back out of it."""
CYCLE_SECONDS = 4.0
"""One there-and-back for a timed activity or a set at the patient's own pace."""
STEPS_PER_SECOND = 4
"""Frames a second while moving: smooth enough to read, cheap enough to send."""

_TOWARDS_HOLD = {"hold", "rep"}
_BACK_FROM_HOLD = {"relax"}
_CYCLING = {"activity", "self-paced"}


class Frame(msgspec.Struct, frozen=True):
    """A figure drawn at one moment; equal keys mean an identical drawing."""

    key: tuple[str, bool, int]
    figure: Figure
    """The figure, mirrored for the other side."""
    pose: Pose
    moving: bool
    """Whether later frames of this segment differ: the caller keeps ticking while it does."""


def _path(figure: Figure) -> list[Pose]:
    names = [name for name, _ in figure.poses]
    return [pose for _, pose in figure.poses[: names.index(figure.hold) + 1]]


def _along(path: list[Pose], t: float) -> Pose:
    """The pose a fraction t of the way along key poses (0 = the first, 1 = the last)."""
    if len(path) == 1:
        return path[0]
    legs = len(path) - 1
    leg = min(int(t * legs), legs - 1)
    return interpolate(path[leg], path[leg + 1], t * legs - leg)


def frame_at(figure: Figure, kind: str, elapsed: float, other_side: bool = False) -> Frame:
    """The frame to show `elapsed` seconds into a segment of this kind.

    Into a hold (or a rep's hold) the figure moves from its start to its hold pose and stays;
    in the relax it goes back; a timed activity or a self-paced set goes there and back
    continuously; get-ready, switch sides and rest show the start pose, ready to begin.
    """
    figure = figure.side(other_side)
    path = _path(figure)
    step = int(max(0.0, elapsed) * STEPS_PER_SECOND)
    quantised = step / STEPS_PER_SECOND
    moving = kind in _CYCLING or (
        kind in _TOWARDS_HOLD | _BACK_FROM_HOLD and quantised < MOVE_SECONDS
    )
    if kind in _TOWARDS_HOLD:
        t = min(1.0, quantised / MOVE_SECONDS)
    elif kind in _BACK_FROM_HOLD:
        t = 1.0 - min(1.0, quantised / MOVE_SECONDS)
    elif kind in _CYCLING:
        phase = (quantised % CYCLE_SECONDS) / CYCLE_SECONDS
        t = 1.0 - abs(1.0 - 2.0 * phase)
    else:
        t = 0.0
    # The key names the drawing, not the moment: a still figure keeps the same key.
    return Frame((figure.id, other_side, round(t * 1000)), figure, _along(path, t), moving)
