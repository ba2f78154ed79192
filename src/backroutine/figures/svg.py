"""SVG line drawings of a figure's poses, with a text alternative, for the handout and review."""

from __future__ import annotations

from html import escape

from backroutine.figures.draw import FAR, MARK, NEAR, PROP, frame, head, lines
from backroutine.figures.model import Figure, Pose, alt_text

STROKE = {
    PROP: ("#9a9a9a", 2.0),
    FAR: ("#8c8c8c", 3.0),
    NEAR: ("#1f1f1f", 3.5),
    MARK: ("#1f6fb2", 2.5),
}


def _panel(figure: Figure, pose: Pose, x0: float, y0: float, scale: float) -> list[str]:
    box = frame(figure)

    def at(p: tuple[float, float]) -> str:
        return f"{x0 + (p[0] - box.left) * scale:.1f},{y0 + (box.top - p[1]) * scale:.1f}"

    out = []
    for weight, a, b in lines(figure, pose):
        colour, width = STROKE[weight]
        out.append(
            f'<polyline points="{at(a)} {at(b)}" stroke="{colour}" '
            f'stroke-width="{width}" stroke-linecap="round" fill="none"/>'
        )
    centre, r = head(pose)
    cx, cy = at(centre).split(",")
    out.append(
        f'<circle cx="{cx}" cy="{cy}" r="{r * scale:.1f}" stroke="{STROKE[NEAR][0]}" '
        f'stroke-width="{STROKE[NEAR][1]}" fill="white"/>'
    )
    return out


def poses_svg(
    figure: Figure,
    names: list[str] | None = None,
    panel_height: float = 120.0,
    labels: bool = True,
    per_cm: float | None = None,
) -> str:
    """One SVG showing the named poses (all key poses by default) side by side, with alt text.

    Each panel is `panel_height` pixels tall, or, given `per_cm` (pixels a centimetre), as tall
    as the figure needs at that scale: every figure drawn so has the same body size, lying or
    standing.
    """
    chosen = [(n, p) for n, p in figure.poses if names is None or n in names]
    box = frame(figure)
    scale = per_cm if per_cm is not None else panel_height / box.height
    panel_height = box.height * scale
    panel_width = box.width * scale
    label_height = 16.0 if labels else 0.0
    width, height = panel_width * len(chosen) + 10 * (len(chosen) - 1), panel_height + label_height
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.1f} {height:.1f}">',
        f"<title>{escape(figure.name)}</title>",
        f"<desc>{escape(alt_text(figure))}</desc>",
    ]
    for i, (name, pose) in enumerate(chosen):
        x0 = i * (panel_width + 10)
        body += _panel(figure, pose, x0, 0.0, scale)
        if labels:
            body.append(
                f'<text x="{x0 + panel_width / 2:.1f}" y="{height - 3:.1f}" '
                f'font-family="sans-serif" font-size="12" text-anchor="middle" '
                f'fill="#444">{escape(name)}</text>'
            )
    body.append("</svg>")
    return "\n".join(body)
