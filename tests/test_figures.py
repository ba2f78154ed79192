"""The exercise figures: every exercise has one, and every drawing of it is a body a patient
would believe: limbs that keep their length, joints inside their range, resting on the floor or
its prop, and a true mirror image for the other side."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from importlib import resources

import pytest
import yaml
from msgspec.structs import replace

from backroutine.figures.load import (
    FigureDataError,
    compiled,
    figure_for,
    library,
    parse_figure,
)
from backroutine.figures.model import LENGTHS, RANGES, Pose, View, radius
from backroutine.figures.quality import (
    bone_lengths,
    frames,
    out_of_range,
    problems,
    support_problems,
)

FIGURES = library()


def _yaml(package: str, name: str) -> dict:
    return yaml.safe_load(resources.files(package).joinpath(name).read_text("utf-8"))


def _bundled_steps() -> list[tuple[str, dict]]:
    routines = resources.files("backroutine.routines")
    return [
        (item.name, step)
        for item in routines.iterdir()
        if item.name.endswith(".yaml")
        for step in yaml.safe_load(item.read_text("utf-8"))["steps"]
        if "name" in step
    ]


def _other_side(point: str) -> str:
    base, _, side = point.rpartition("_")
    return f"{base}_{ {'l': 'r', 'r': 'l'}[side] }" if side in ("l", "r") else point


def test_every_library_exercise_has_its_figure() -> None:
    exercises = _yaml("backroutine", "exercises.yaml")["exercises"]
    assert len(exercises) == 34
    for exercise_id, exercise in exercises.items():
        figure = figure_for(exercise["name"], exercise=exercise_id)
        assert figure is not None and figure.id == exercise_id, exercise_id
        assert figure.name == exercise["name"]


def test_every_exercise_in_the_bundled_routines_has_a_figure() -> None:
    steps = _bundled_steps()
    assert len(steps) > 20
    missing = [
        (routine, step["name"])
        for routine, step in steps
        if figure_for(step["name"], step.get("exercise"), step.get("figure")) is None
    ]
    assert missing == []


def test_a_figure_key_wins_over_the_name_and_an_unknown_one_finds_nothing() -> None:
    assert figure_for("My own stretch", figure="bird-dog").id == "bird-dog"
    assert figure_for("Bird-dog", figure="bird-dgo") is None
    assert figure_for("Standing back extension (again)").id == "standing-back-extension"


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_figure_passes_every_geometric_check(figure_id: str) -> None:
    assert problems(FIGURES[figure_id]) == []


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_limbs_keep_their_length_in_every_frame(figure_id: str) -> None:
    figure = FIGURES[figure_id]
    for pose in frames(figure) + frames(figure.side(other=True)):
        for start, end, drawn, model in bone_lengths(pose):
            assert drawn == pytest.approx(model, abs=1e-6), (start, end)


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_the_other_side_is_a_mirror_image(figure_id: str) -> None:
    figure = FIGURES[figure_id]
    mirrored = figure.side(other=True)
    for (name, pose), (_, other) in zip(figure.poses, mirrored.poses, strict=True):
        original, reflected = pose.points(), other.points()
        for point, (x, y) in original.items():
            assert reflected[_other_side(point)] == pytest.approx((-x, y), abs=1e-6), (name, point)
        assert support_problems(mirrored, name, other) == []
    assert figure.side(other=True).side(other=True).poses[-1][1].points() == pytest.approx(
        figure.poses[-1][1].points()
    )


def test_the_moving_limb_changes_side_in_the_mirror() -> None:
    """Bird-dog lifts the left leg first (as its words say); on the other side, the right."""
    reach = FIGURES["bird-dog"].end
    other = FIGURES["bird-dog"].side(other=True).end
    assert reach.points()["ankle_l"][1] > reach.points()["ankle_r"][1] + 20
    assert other.points()["ankle_r"][1] > other.points()["ankle_l"][1] + 20


@pytest.mark.parametrize(
    ("figure_id", "low", "high"),
    [
        ("bird-dog", "hand_l", "hand_r"),  # "Left leg and right arm first"
        ("single-leg-stance", "ankle_l", "ankle_r"),  # "Stand on your left leg first"
        ("side-plank", "hip_l", "hip_r"),  # "On your left side first"
        ("hip-flexor-stretch", "knee_l", "knee_r"),  # "Left knee down first"
        ("dead-bug", "ankle_l", "ankle_r"),  # "Left leg first": it straightens, low
        ("clamshell", "knee_r", "knee_l"),  # "Lying on your right side, left knee lifts first"
    ],
)
def test_the_first_side_drawn_is_the_one_the_words_name(
    figure_id: str, low: str, high: str
) -> None:
    points = FIGURES[figure_id].end.points()
    assert points[low][1] < points[high][1] - 5


def test_the_checks_catch_a_floating_or_sunken_or_overstretched_figure() -> None:
    bridge = FIGURES["bridge"]
    name, lifted = bridge.poses[-1]
    floating = replace(lifted, root=(lifted.root[0], lifted.root[1] + 10))
    sunken = replace(lifted, root=(lifted.root[0], lifted.root[1] - 10))
    assert any("off the mat" in p for p in support_problems(bridge, name, floating))
    assert any("off the mat" in p for p in support_problems(bridge, name, sunken))
    knee = RANGES[View.SIDE]["knee"][1]
    assert out_of_range(replace(lifted, angles=lifted.angles | {"knee_l": knee + 20})) != []
    lying = Pose(View.SIDE, {"trunk": 180}, (0.0, 30.0), contacts=(("hip", "mat"),))
    assert any(
        "lower than anything" in p or "off the mat" in p
        for p in support_problems(bridge, "lying", lying)
    )


def test_a_hold_pose_that_is_not_a_pose_is_reported() -> None:
    raw = _yaml("backroutine.figures", "figures.yaml")["figures"]["bridge"] | {"hold": "lfit"}
    with pytest.raises(FigureDataError, match="lfit"):
        parse_figure("bridge", raw)


def test_an_arrow_at_a_point_the_figure_does_not_have_is_reported() -> None:
    raw = _yaml("backroutine.figures", "figures.yaml")["figures"]["pelvic-tilt"]
    raw["poses"][1] |= {"arrow": ["belly", -90]}
    with pytest.raises(FigureDataError, match="belly"):
        parse_figure("pelvic-tilt", raw)


def test_a_movement_is_visible_between_start_and_hold() -> None:
    """Each figure's hold pose differs from its start by more than a twitch somewhere."""
    for figure in FIGURES.values():
        start, end = figure.start.points(), figure.end.points()
        moved = max(math.dist(start[p], end[p]) for p in start)
        assert moved > 4, figure.id


def test_the_figures_import_no_textual() -> None:
    code = (
        "import sys, backroutine.figures.load, backroutine.figures.svg, "
        "backroutine.figures.braille, backroutine.figures.motion; "
        "assert 'textual' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_compiled_poses_the_app_reads_are_current() -> None:
    """figures.json is figures.yaml compiled: rerun scripts/contact_sheet.py if not."""
    json_text = resources.files("backroutine.figures").joinpath("figures.json").read_text("utf-8")
    assert json_text == compiled()


def test_the_contact_sheet_in_docs_is_current(tmp_path) -> None:
    """docs/figures.svg shows the figures as they are: rerun scripts/contact_sheet.py if not."""
    root = resources.files("backroutine").joinpath("..", "..")
    sheet = tmp_path / "figures.svg"
    subprocess.run(
        [sys.executable, str(root / "scripts" / "contact_sheet.py"), str(sheet)],
        check=True,
        capture_output=True,
    )
    assert sheet.read_text() == (root / "docs" / "figures.svg").read_text()
    assert sheet.read_text().count("<desc>") == len(FIGURES) == 35


# What a patient looks for in each weak-by-nature figure: the hands where the words put them,
# the crossed ankle on the other knee, hips lifted above hands pressing on the mat.


def _near(a: tuple[float, float], b: tuple[float, float], cm: float) -> bool:
    return math.dist(a, b) <= cm


@pytest.mark.parametrize("figure_id", ["knee-to-chest", "double-knee-to-chest"])
def test_the_hands_pull_the_knee_to_the_chest(figure_id: str) -> None:
    start, hug = FIGURES[figure_id].start.points(), FIGURES[figure_id].end.points()
    assert hug["knee_l"][0] < start["knee_l"][0] - 20  # drawn in over the chest
    for hand in ("hand_l", "hand_r"):
        assert _near(hug[hand], hug["knee_l"], 12), hand


def test_piriformis_crosses_the_left_ankle_over_the_right_knee_and_pulls_that_thigh() -> None:
    figure = FIGURES["piriformis-stretch"]
    for _, pose in figure.poses:
        pts = pose.points()
        assert _near(pts["ankle_l"], pts["knee_r"], 5)
    stretch = figure.end.points()
    start = figure.start.points()
    # The right thigh comes up towards the chest.
    assert math.dist(stretch["knee_r"], stretch["shoulder"]) < (
        math.dist(start["knee_r"], start["shoulder"]) - 15
    )
    hip, knee = stretch["hip"], stretch["knee_r"]
    thigh = [(hip[0] + (knee[0] - hip[0]) * t, hip[1] + (knee[1] - hip[1]) * t) for t in (0.5, 0.6)]
    assert all(any(_near(stretch[h], p, 6) for p in thigh) for h in ("hand_l", "hand_r"))


def test_the_bridge_lifts_the_hips_above_hands_and_shoulders_on_the_mat() -> None:
    start, lift = FIGURES["bridge"].start.points(), FIGURES["bridge"].end.points()
    assert lift["hip"][1] > start["hip"][1] + 20
    assert lift["hip"][1] > lift["shoulder"][1] + 20
    for hand in ("hand_l", "hand_r"):
        assert lift[hand][1] < 6  # pressing on the mat, not hidden along the body


def test_bracing_puts_the_hands_on_the_belly() -> None:
    """From the side the hand lands on the lower belly, just over the hip, not up in the air."""
    brace = FIGURES["abdominal-bracing"].end.points()
    (x, y), (waist, hip) = brace["hand_l"], (brace["waist"], brace["hip"])
    assert min(waist[0], hip[0]) - 3 <= x <= max(waist[0], hip[0]) + 3
    assert y < hip[1] + radius("hip") + 8


def test_knee_rolls_drop_the_knees_the_far_one_lowest() -> None:
    start, roll = (
        p.points()
        for p in (FIGURES["lower-trunk-rotation"].start, FIGURES["lower-trunk-rotation"].end)
    )
    assert roll["knee_l"][1] < start["knee_l"][1] - 5
    assert roll["knee_r"][1] < roll["knee_l"][1] - 5


def test_the_bird_dog_arm_reaches_clear_of_the_head() -> None:
    """The head looks down, so the far arm reaching forward is not hidden behind it."""
    reach = FIGURES["bird-dog"].end.points()
    (sx, sy), (hx, hy) = reach["shoulder"], reach["hand_r"]
    arm = [(sx + (hx - sx) * t / 50, sy + (hy - sy) * t / 50) for t in range(51)]
    assert min(math.dist(p, reach["head"]) for p in arm) >= LENGTHS["head"]


@pytest.mark.parametrize(
    ("figure_id", "point", "direction"),
    [
        ("pelvic-tilt", "waist", -90),
        ("abdominal-bracing", "waist", -90),
        ("chin-tuck", "head", 180),
    ],
)
def test_a_movement_too_small_to_see_has_an_arrow_in_its_hold_pose_only(
    figure_id: str, point: str, direction: float
) -> None:
    figure = FIGURES[figure_id]
    assert figure.start.arrow is None
    assert figure.end.arrow == (point, direction)
    assert figure.side(other=True).end.arrow == (point, 180 - direction)


def test_the_recognition_sheet_names_nothing_and_keeps_its_key_apart(tmp_path) -> None:
    """A reviewer gets the drawings numbered and the 34 names; only the key says which is which."""
    root = resources.files("backroutine").joinpath("..", "..")
    script = str(root / "scripts" / "recognition_sheet.py")
    subprocess.run([sys.executable, script, str(tmp_path / "a")], check=True, capture_output=True)
    exercises = _yaml("backroutine", "exercises.yaml")["exercises"]
    names = (tmp_path / "a" / "names.txt").read_text().splitlines()
    assert names == sorted(e["name"] for e in exercises.values())
    sheet = (tmp_path / "a" / "sheet.svg").read_text()
    assert "<title>" not in sheet and "<desc>" not in sheet
    words = " ".join(re.findall(r">([^<>]+)</text>", sheet)).lower()
    assert words.split() == [str(n) for n in range(1, 35)]
    key = (tmp_path / "a" / "key.txt").read_text().splitlines()
    assert sorted(line.split(": ", 1)[1] for line in key) == sorted(
        f"{e['name']} ({eid})" for eid, e in exercises.items()
    )
    # The order is shuffled, and the same seed gives the same order.
    assert [line.split(": ", 1)[1] for line in key] != sorted(
        line.split(": ", 1)[1] for line in key
    )
    subprocess.run([sys.executable, script, str(tmp_path / "b")], check=True, capture_output=True)
    assert (tmp_path / "b" / "key.txt").read_text() == (tmp_path / "a" / "key.txt").read_text()


@pytest.mark.parametrize("figure_id", ["mini-squat", "heel-raise", "single-leg-stance"])
def test_the_hands_rest_on_the_counter_they_hold(figure_id: str) -> None:
    figure = FIGURES[figure_id]
    assert {("hand_l", "counter"), ("hand_r", "counter")} <= set(figure.start.contacts)
    assert support_problems(figure, "start", figure.start) == []


def test_the_pelvic_tilt_flattens_an_arched_low_back_onto_the_mat() -> None:
    figure = FIGURES["pelvic-tilt"]

    def gap(pose: Pose) -> float:
        return pose.points()["waist"][1] - radius("waist") - figure.surfaces()["mat"][0]

    assert gap(figure.start) > 4
    assert abs(gap(figure.end)) < 2
