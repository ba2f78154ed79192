"""Drawing the figures: braille sized to the space given, SVG with a text alternative, and
frames that follow the session's clock."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest
from msgspec.structs import replace

from backroutine.figures.braille import render
from backroutine.figures.draw import MARK, NEAR, head, lines
from backroutine.figures.load import library
from backroutine.figures.model import LENGTHS, alt_text
from backroutine.figures.motion import MOVE_SECONDS, STEPS_PER_SECOND, frame_at
from backroutine.figures.svg import STROKE, poses_svg

FIGURES = library()
SVG = "{http://www.w3.org/2000/svg}"


def _dots(rows: list[str]) -> int:
    return sum(bin(ord(ch) - 0x2800).count("1") for row in rows for ch in row)


@pytest.mark.parametrize(("width", "height"), [(24, 8), (40, 14), (70, 24)])
def test_braille_fills_exactly_the_space_given(width: int, height: int) -> None:
    rows = render(FIGURES["bird-dog"], FIGURES["bird-dog"].end, width, height)
    assert len(rows) == height
    assert all(len(row) == width for row in rows)
    assert all(0x2800 <= ord(ch) <= 0x28FF for row in rows for ch in row)


def test_a_standing_figure_reaches_from_the_floor_to_near_the_top() -> None:
    rows = render(FIGURES["heel-raise"], FIGURES["heel-raise"].start, 20, 10)
    assert rows[-1].strip("\u2800") != ""  # the floor
    assert rows[0].strip("\u2800") != "" or rows[1].strip("\u2800") != ""  # the head


def test_a_larger_space_draws_a_larger_figure() -> None:
    figure = FIGURES["cat-cow"]
    small, large = render(figure, figure.end, 30, 10), render(figure, figure.end, 60, 20)
    # Lines, not areas: twice the size is about twice the dots.
    assert _dots(large) > 1.4 * _dots(small)


def test_the_hold_pose_draws_differently_from_the_start() -> None:
    figure = FIGURES["bridge"]
    assert render(figure, figure.start, 30, 10) != render(figure, figure.end, 30, 10)


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_svg_shows_start_and_end_with_a_text_alternative(figure_id: str) -> None:
    figure = FIGURES[figure_id]
    names = [figure.poses[0][0], figure.hold]
    root = ET.fromstring(poses_svg(figure, names))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == figure.name
    assert root.find(f"{SVG}desc").text == alt_text(figure)
    assert len(root.findall(f"{SVG}circle")) == len(set(names))  # one head per pose drawn
    assert figure.alt and figure.alt in alt_text(figure)


def test_get_ready_shows_the_start_pose_and_does_not_move() -> None:
    figure = FIGURES["bird-dog"]
    first, later = frame_at(figure, "prepare", 0.0), frame_at(figure, "prepare", 4.0)
    assert first.key == later.key
    assert first.pose.points() == pytest.approx(figure.start.points())


def test_a_hold_moves_to_the_hold_pose_then_stays_still() -> None:
    figure = FIGURES["bird-dog"]
    assert frame_at(figure, "hold", 0.0).pose.points() == pytest.approx(figure.start.points())
    moving = {frame_at(figure, "hold", i / 20).key for i in range(int(MOVE_SECONDS * 20))}
    assert 3 <= len(moving) <= MOVE_SECONDS * STEPS_PER_SECOND + 1
    assert frame_at(figure, "hold", 0.5).moving
    held = [frame_at(figure, "hold", MOVE_SECONDS + s) for s in range(30)]
    assert len({frame.key for frame in held}) == 1
    assert not any(frame.moving for frame in held)
    assert frame_at(figure, "hold", 20.0).pose.points() == pytest.approx(figure.end.points())


def test_the_relax_goes_back_to_the_start() -> None:
    figure = FIGURES["bridge"]
    assert frame_at(figure, "relax", 0.0).pose.points() == pytest.approx(figure.end.points())
    assert frame_at(figure, "relax", 5.0).pose.points() == pytest.approx(figure.start.points())


def test_the_other_side_is_drawn_mirrored() -> None:
    figure = FIGURES["knee-to-chest"]
    left, right = frame_at(figure, "hold", 9.0), frame_at(figure, "hold", 9.0, other_side=True)
    assert left.key != right.key
    assert right.pose.points()["knee_r"] == pytest.approx(
        (-left.pose.points()["knee_l"][0], left.pose.points()["knee_l"][1])
    )


def test_an_activity_keeps_moving_but_only_a_few_frames_a_second() -> None:
    figure = FIGURES["walk"]
    keys = [frame_at(figure, "activity", i / 60).key for i in range(600)]
    changes = sum(a != b for a, b in pairwise(keys))
    assert 10 * STEPS_PER_SECOND * 0.8 <= changes <= 10 * STEPS_PER_SECOND


def _extent(rows: list[str]) -> tuple[int, int]:
    """The first and last columns with dots above the floor row."""
    cols = [i for row in rows[:-1] for i, ch in enumerate(row) if ch != "\u2800"]
    return min(cols), max(cols)


@pytest.mark.parametrize("figure_id", ["bridge", "dead-bug", "pelvic-tilt"])
def test_a_figure_lying_down_fills_the_width_it_is_given(figure_id: str) -> None:
    """The drawing holds the body, not the mat it lies on: the body is as long as the space."""
    figure = FIGURES[figure_id]
    extents = [_extent(render(figure, pose, 40, 12)) for _, pose in figure.poses]
    left, right = min(e[0] for e in extents), max(e[1] for e in extents)
    assert right - left + 1 >= 0.85 * 40


def test_the_sheets_draw_every_body_at_one_size() -> None:
    """On the contact sheet a head is as big lying on the mat as standing at the counter."""
    root = ET.fromstring(poses_svg(FIGURES["bridge"], per_cm=0.8))
    lying = {float(c.get("r")) for c in root.iter(f"{SVG}circle")}
    root = ET.fromstring(poses_svg(FIGURES["heel-raise"], per_cm=0.8))
    standing = {float(c.get("r")) for c in root.iter(f"{SVG}circle")}
    assert lying == standing == {round(LENGTHS["head"] * 0.8, 1)}


def test_an_arrow_shows_where_a_small_movement_goes() -> None:
    """The pelvic tilt's hold draws an arrow down at the small of the back, in both renderers."""
    figure = FIGURES["pelvic-tilt"]
    marks = [(a, b) for weight, a, b in lines(figure, figure.end) if weight == MARK]
    assert len(marks) == 3  # the shaft and the two sides of its head
    (_, top), (_, tip) = marks[0]
    waist = figure.end.points()["waist"]
    assert top > tip > waist[1] and abs(marks[0][1][0] - waist[0]) < 1
    assert not [w for w, _, _ in lines(figure, figure.start) if w == MARK]
    assert STROKE[MARK][0] in poses_svg(figure, [figure.hold])
    drawn = render(figure, figure.end, 40, 12)
    unmarked = render(figure, replace(figure.end, arrow=None), 40, 12)
    changed = [i for i, (a, b) in enumerate(zip(drawn, unmarked, strict=True)) if a != b]
    assert changed and max(changed) < 11  # the arrow stands above the floor line


@pytest.mark.parametrize(
    ("figure_id", "way"),
    [("pelvic-tilt", (0, 1)), ("prone-press-up", (0, -1)), ("heel-raise", (1, 0))],
)
def test_the_face_shows_which_way_the_figure_faces(figure_id: str, way: tuple[int, int]) -> None:
    """Face up on the back, face down on the front, ahead when standing; turned in the mirror."""
    figure = FIGURES[figure_id]
    for other, sign in ((False, 1), (True, -1)):
        pose = figure.side(other).start
        centre, _ = head(pose)
        # The nose: the one line that starts on the head's edge and points away from it.
        (a, b) = next(
            (a, b)
            for weight, a, b in lines(figure.side(other), pose)
            if math.isclose(math.dist(a, centre), LENGTHS["head"]) and weight == NEAR
        )
        direction = ((b[0] - a[0]) / math.dist(a, b), (b[1] - a[1]) / math.dist(a, b))
        expected = (way[0] * sign, way[1])
        assert math.dist(direction, expected) < 0.5, (other, direction)
