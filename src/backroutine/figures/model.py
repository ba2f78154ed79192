"""A stick figure posed by joint angles, seen from the side or the front, on a floor with props.

Pure geometry: no terminal, no Textual. Angles are degrees; lengths are centimetres of an adult of
about 175 cm. The figure faces +x (side view) or the viewer (front view); y points up, the floor is
y = 0. Every segment has a constant length because points are only ever made by walking the chain
from the pelvis with those lengths (forward kinematics); the tests check it from the points anyway.
"""

from __future__ import annotations

import math
from enum import Enum

import msgspec
from msgspec.structs import replace

Point = tuple[float, float]


class View(str, Enum):
    """Where the viewer stands."""

    SIDE = "side"
    FRONT = "front"


SIDES = ("l", "r")
# Joint angles a pose sets; each limb joint has a left and a right value.
LIMB_JOINTS = ("hip", "knee", "ankle", "shoulder", "elbow")
AXIAL_JOINTS = ("spine", "neck")

# Segment lengths (cm). The front view draws the foot foreshortened, towards the viewer.
LENGTHS = {
    "lumbar": 24.0,
    "thorax": 30.0,
    "neck": 8.0,
    "head": 11.0,  # head: the circle's radius
    "upper_arm": 29.0,
    "forearm": 30.0,  # forearm: to the middle of the hand
    "thigh": 45.0,
    "shin": 44.0,
    "foot": 18.0,
    "foot_front": 5.0,
    "hip_width": 9.0,
    "shoulder_width": 18.0,
}

# How far the body's surface lies from each joint centre: a lying figure's joint points are this
# far above the mat, so its lines touch the floor line the way a body would.
RADIUS = {
    "head": LENGTHS["head"],
    "shoulder": 6.0,
    "waist": 6.0,
    "hip": 7.0,
    "pelvis": 7.0,
    "chest": 6.0,
    "neck": 4.0,
    "elbow": 3.0,
    "hand": 2.0,
    "knee": 4.0,
    "ankle": 4.0,
    "toe": 1.5,
}

# Anatomical ranges of motion (degrees), from the usual clinical tables, a little wider at the
# ends so a full stretch fits. Side view: flexion positive (ankle: dorsiflexion; spine and neck:
# forward bend; the ankle's -70 is kneeling or lying face down on the tops of the feet). Front
# view: abduction positive, lateral bend for spine and neck; the knee and elbow are the angle as
# drawn, which is how a bent limb pointing at the viewer looks.
RANGES = {
    View.SIDE: {
        "hip": (-30.0, 150.0),
        "knee": (0.0, 160.0),
        "ankle": (-70.0, 30.0),
        "shoulder": (-60.0, 180.0),
        "elbow": (0.0, 150.0),
        "spine": (-35.0, 60.0),
        "neck": (-60.0, 60.0),
    },
    View.FRONT: {
        "hip": (-30.0, 50.0),
        "knee": (0.0, 150.0),
        "ankle": (-30.0, 30.0),
        "shoulder": (-10.0, 180.0),
        "elbow": (0.0, 150.0),
        "spine": (-35.0, 35.0),
        "neck": (-45.0, 45.0),
    },
}


def _toward(origin: Point, angle: float, length: float) -> Point:
    rad = math.radians(angle)
    return (origin[0] + length * math.cos(rad), origin[1] + length * math.sin(rad))


class Pose(msgspec.Struct, frozen=True):
    """One posture: the pelvis's place and every joint angle.

    `angles` keys are "trunk" (the lower back's direction from the pelvis, 90 = upright), "spine"
    and "neck", and "<joint>_l" / "<joint>_r" for each limb joint.
    """

    view: View
    angles: dict[str, float]
    """Joint angles in degrees."""
    root: Point = (0.0, 0.0)
    """Where the pelvis is."""
    facing: int = 1
    """+1: the figure faces +x (we see its left side); -1: mirrored."""
    contacts: tuple[tuple[str, str], ...] = ()
    """(body point, surface) pairs this pose rests on."""
    arrow: tuple[str, float] | None = None
    """(body point, direction in degrees as drawn, 0 = +x, -90 = down): an arrow pointing at
    that point, for a movement too small to see, such as the back pressing into the mat."""

    def angle(self, name: str) -> float:
        """A joint angle; unset joints are 0 (neutral)."""
        return self.angles.get(name, 0.0)

    def mirrored(self) -> Pose:
        """The same pose done on the other side: left and right swap, as in a mirror.

        In the side view the mirror also turns the figure round, so the near limb does the moving.
        """
        swapped = {}
        for name, value in self.angles.items():
            base, _, side = name.rpartition("_")
            swapped[f"{base}_{'r' if side == 'l' else 'l'}" if side in SIDES else name] = value
        contacts = tuple((_swap_side(point), surface) for point, surface in self.contacts)
        root = (-self.root[0], self.root[1])
        arrow = None if self.arrow is None else (_swap_side(self.arrow[0]), 180 - self.arrow[1])
        if self.view is View.SIDE:
            # Turned round, the figure shows its other side: the near limb does the moving.
            return replace(
                self,
                angles=swapped,
                facing=-self.facing,
                root=root,
                contacts=contacts,
                arrow=arrow,
            )
        # Seen from the front, left and right limbs are already drawn as mirror images of each
        # other; only the lean and bends of the body's midline turn the other way.
        swapped |= {
            "trunk": 180 - self.angle("trunk"),
            "spine": -self.angle("spine"),
            "neck": -self.angle("neck"),
        }
        return replace(self, angles=swapped, root=root, contacts=contacts, arrow=arrow)

    def points(self) -> dict[str, Point]:
        """Every joint's position."""
        pts = _side_points(self) if self.view is View.SIDE else _front_points(self)
        if self.facing < 0:
            pts = {name: (2 * self.root[0] - x, y) for name, (x, y) in pts.items()}
        return pts


def _swap_side(name: str) -> str:
    if name.endswith("_l"):
        return name[:-2] + "_r"
    if name.endswith("_r"):
        return name[:-2] + "_l"
    return name


def _side_points(pose: Pose) -> dict[str, Point]:
    a = pose.angle
    pelvis = pose.root
    lumbar = a("trunk")
    thorax = lumbar - a("spine")  # a forward bend turns the chest towards the front (clockwise)
    waist = _toward(pelvis, lumbar, LENGTHS["lumbar"])
    shoulder = _toward(waist, thorax, LENGTHS["thorax"])
    head_dir = thorax - a("neck")
    neck_top = _toward(shoulder, head_dir, LENGTHS["neck"])
    pts = {
        "hip": pelvis,
        "waist": waist,
        "shoulder": shoulder,
        "neck": neck_top,
        "head": _toward(neck_top, head_dir, LENGTHS["head"]),
    }
    for s in SIDES:
        thigh = lumbar + 180 + a(f"hip_{s}")
        shin = thigh - a(f"knee_{s}")
        foot = shin + 90 + a(f"ankle_{s}")
        knee = _toward(pelvis, thigh, LENGTHS["thigh"])
        ankle = _toward(knee, shin, LENGTHS["shin"])
        arm = thorax + 180 + a(f"shoulder_{s}")
        elbow = _toward(shoulder, arm, LENGTHS["upper_arm"])
        pts |= {
            f"knee_{s}": knee,
            f"ankle_{s}": ankle,
            f"toe_{s}": _toward(ankle, foot, LENGTHS["foot"]),
            f"elbow_{s}": elbow,
            f"hand_{s}": _toward(elbow, arm + a(f"elbow_{s}"), LENGTHS["forearm"]),
        }
    return pts


def _front_points(pose: Pose) -> dict[str, Point]:
    a = pose.angle
    pelvis = pose.root
    lumbar = a("trunk")
    thorax = lumbar - a("spine")
    waist = _toward(pelvis, lumbar, LENGTHS["lumbar"])
    chest = _toward(waist, thorax, LENGTHS["thorax"])
    head_dir = thorax - a("neck")
    neck_top = _toward(chest, head_dir, LENGTHS["neck"])
    pts = {
        "pelvis": pelvis,
        "waist": waist,
        "chest": chest,
        "neck": neck_top,
        "head": _toward(neck_top, head_dir, LENGTHS["head"]),
    }
    # The figure's left is the viewer's right (+x when upright); each right-side angle turns
    # the other way, so equal angles give mirror-image limbs.
    for s, sign in (("l", 1), ("r", -1)):
        hip = _toward(pelvis, lumbar - 90 * sign, LENGTHS["hip_width"])
        shoulder = _toward(chest, thorax - 90 * sign, LENGTHS["shoulder_width"])
        thigh = lumbar + 180 + sign * a(f"hip_{s}")
        shin = thigh - sign * a(f"knee_{s}")
        knee = _toward(hip, thigh, LENGTHS["thigh"])
        ankle = _toward(knee, shin, LENGTHS["shin"])
        arm = thorax + 180 + sign * a(f"shoulder_{s}")
        elbow = _toward(shoulder, arm, LENGTHS["upper_arm"])
        pts |= {
            f"hip_{s}": hip,
            f"shoulder_{s}": shoulder,
            f"knee_{s}": knee,
            f"ankle_{s}": ankle,
            f"toe_{s}": _toward(ankle, shin + sign * (90 + a(f"ankle_{s}")), LENGTHS["foot_front"]),
            f"elbow_{s}": elbow,
            f"hand_{s}": _toward(elbow, arm - sign * a(f"elbow_{s}"), LENGTHS["forearm"]),
        }
    return pts


def _bones(view: View) -> list[tuple[str, str, str]]:
    """(from, to, length key) for every drawn segment; limbs end with their side."""
    if view is View.SIDE:
        bones = [
            ("hip", "waist", "lumbar"),
            ("waist", "shoulder", "thorax"),
            ("shoulder", "neck", "neck"),
        ]
        root = {"leg": "hip", "arm": "shoulder"}
        foot = "foot"
    else:
        bones = [
            ("pelvis", "waist", "lumbar"),
            ("waist", "chest", "thorax"),
            ("chest", "neck", "neck"),
        ]
        for s in SIDES:
            bones += [
                ("pelvis", f"hip_{s}", "hip_width"),
                ("chest", f"shoulder_{s}", "shoulder_width"),
            ]
        root = {"leg": "hip_{s}", "arm": "shoulder_{s}"}
        foot = "foot_front"
    for s in SIDES:
        bones += [
            (root["leg"].format(s=s), f"knee_{s}", "thigh"),
            (f"knee_{s}", f"ankle_{s}", "shin"),
            (f"ankle_{s}", f"toe_{s}", foot),
            (root["arm"].format(s=s), f"elbow_{s}", "upper_arm"),
            (f"elbow_{s}", f"hand_{s}", "forearm"),
        ]
    return bones


BONES = {view: _bones(view) for view in View}


def radius(point: str) -> float:
    """How far the body's surface lies from a joint point."""
    return RADIUS[point.rpartition("_")[0] or point]


class Prop(msgspec.Struct, frozen=True):
    """Something in the scene: a mat, a chair, a counter, a cushion."""

    kind: str
    x: float = 0.0
    """Where it stands along the floor (its middle; a chair's seat middle)."""
    facing: int = 1
    """+1: a chair's back is on the -x side, a counter's front edge on the -x side."""

    def surfaces(self) -> dict[str, tuple[float, float, float]]:
        """Named flat tops a body point can rest on: (height, x from, x to)."""
        if self.kind == "mat":
            return {"mat": (1.0, self.x - 110, self.x + 110)}
        if self.kind == "chair":
            return {"chair": (45.0, self.x - 22, self.x + 22)}
        if self.kind == "counter":
            return {"counter": (92.0, self.x - 20, self.x + 20)}
        if self.kind == "cushion":
            return {"cushion": (7.0, self.x - 14, self.x + 14)}
        raise ValueError(f"unknown prop {self.kind!r}")

    def outline(self) -> list[tuple[Point, Point]]:
        """The prop's drawn lines."""
        shapes: dict[str, list[tuple[Point, Point]]] = {
            "mat": [((-110, 1.0), (110, 1.0))],
            # The seat, the front and back legs, and the backrest behind the sitter.
            "chair": [
                ((-22, 45), (22, 45)),
                ((-22, 45), (-22, 0)),
                ((20, 45), (20, 0)),
                ((-22, 45), (-26, 95)),
            ],
            "counter": [((-20, 92), (20, 92)), ((-20, 92), (-20, 0))],
            "cushion": [((-14, 7), (14, 7)), ((-14, 7), (-14, 0)), ((14, 7), (14, 0))],
        }
        return [
            ((self.x + self.facing * ax, ay), (self.x + self.facing * bx, by))
            for (ax, ay), (bx, by) in shapes[self.kind]
        ]

    def mirrored(self) -> Prop:
        """The prop as seen in a mirror."""
        return replace(self, x=-self.x, facing=-self.facing)


FLOOR = "floor"


class Figure(msgspec.Struct, frozen=True):
    """An exercise's movement: its key poses in order, the props, and which pose is held."""

    id: str
    name: str
    view: View
    poses: tuple[tuple[str, Pose], ...]
    """(name, pose) in the order the movement goes; the first is the start."""
    hold: str
    """The name of the pose held (or reached) at the movement's peak."""
    props: tuple[Prop, ...] = ()
    alt: str = ""
    """A sentence describing the movement, for screen readers and the handout's text alternative."""

    @property
    def start(self) -> Pose:
        """The pose the exercise starts from."""
        return self.poses[0][1]

    @property
    def end(self) -> Pose:
        """The held (peak) pose."""
        return dict(self.poses)[self.hold]

    def side(self, other: bool) -> Figure:
        """This figure, or its mirror image for the other side."""
        if not other:
            return self
        return replace(
            self,
            poses=tuple((n, p.mirrored()) for n, p in self.poses),
            props=tuple(p.mirrored() for p in self.props),
        )

    def surfaces(self) -> dict[str, tuple[float, float, float]]:
        """Every surface a body point can rest on, the floor included: (height, x from, x to)."""
        tops = {FLOOR: (0.0, -math.inf, math.inf)}
        for prop in self.props:
            tops |= prop.surfaces()
        return tops


def interpolate(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a fraction t (0..1) of the way from a to b, joint angle by joint angle.

    A point that rests on the same surface in both poses (a knee on the mat, a foot on the floor)
    stays planted on its way: the frame is placed by it, so nothing slides or sinks mid-movement.
    When several are planted, the one that holds the body highest carries it, as a real body is
    held up by whichever support it presses on.
    """
    t = min(1.0, max(0.0, t))
    # Ease in and out, so a movement starts and stops gently, as a person moves.
    t = t * t * (3 - 2 * t)
    names = set(a.angles) | set(b.angles)
    angles = {n: a.angle(n) + (b.angle(n) - a.angle(n)) * t for n in names}
    # The arrow says where the movement goes, so it shows as soon as the movement starts.
    frame = replace(a, angles=angles, root=a.root, contacts=(), arrow=b.arrow if t > 0 else a.arrow)
    planted = [point for point, surface in a.contacts if (point, surface) in b.contacts]
    anchors = planted or ["hip" if a.view is View.SIDE else "pelvis"]
    placed = []
    for point in anchors:
        (ax, ay), (bx, by) = a.points()[point], b.points()[point]
        x, y = frame.points()[point]
        placed.append(
            replace(
                frame, root=(a.root[0] + ax + (bx - ax) * t - x, a.root[1] + ay + (by - ay) * t - y)
            )
        )
    return max(placed, key=lambda pose: lowest(pose.points()))


def lowest(points: dict[str, Point]) -> float:
    """The height of the figure's lowest surface point."""
    return min(y - radius(name) for name, (x, y) in points.items())


def alt_text(figure: Figure) -> str:
    """The drawing in words: what the figure shows, start to end."""
    names = " then ".join(name for name, _ in figure.poses)
    return f"{figure.name}, drawn {names}. {figure.alt}".strip()
