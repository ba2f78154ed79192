"""A routine as a one-page handout, in Markdown or HTML, for patients who want it on paper.

Routine text comes from other people's files, so every piece of it is escaped for the
format it goes into: a tip can never become a link, a script or a heading.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass

from backroutine.base.text import human_duration, printable
from backroutine.figures.load import figure_for
from backroutine.figures.svg import alt_text, poses_svg
from backroutine.routine.model import RestStep, Routine
from backroutine.routine.progression import describe_all
from backroutine.routine.safety import CLINICIAN_NOTE
from backroutine.routine.words import dose, you_need

FORMATS = ("md", "html")


@dataclass(frozen=True)
class _Exercise:
    """One exercise as the handout shows it: plain text, not yet escaped."""

    number: int
    name: str
    dose: str
    tips: list[str]
    caution: str | None
    why: str | None
    progression: list[str]
    drawing: str | None
    """The figure's start and end poses as SVG, with its own title and description."""
    image: str | None
    """The therapist's picture instead, a file name beside the routine."""
    alt: str
    """What the drawing or picture shows, in words."""


def _exercises(routine: Routine) -> list[_Exercise | int]:
    """The exercises in order, with each rest step as its length in seconds."""
    items: list[_Exercise | int] = []
    number = 0
    for step in routine.steps:
        if isinstance(step, RestStep):
            items.append(step.rest)
            continue
        number += 1
        figure = figure_for(step.name, step.exercise, step.figure)
        drawing = alt = None
        if figure is not None and step.image is None:
            drawing = poses_svg(figure, [figure.poses[0][0], figure.hold], panel_height=90)
            alt = alt_text(figure)
        items.append(
            _Exercise(
                number,
                step.name,
                dose(step, routine),
                list(step.tips),
                step.caution,
                step.why,
                describe_all(step, routine),
                drawing,
                step.image,
                alt or f"{step.name}: the picture from your therapist",
            )
        )
    return items


def _facts(routine: Routine, week: int | None) -> list[str]:
    facts = []
    if routine.frequency:
        facts.append(f"How often: {routine.frequency}")
    facts.append(f"About {human_duration(routine.planned_seconds())} a session")
    if week is not None:
        facts.append(f"Numbers for week {week}")
    if routine.author:
        facts.append(f"From: {routine.author}")
    if routine.version:
        facts.append(f"Version {routine.version}")
    if routine.review_by:
        facts.append(f"Review with your therapist by {routine.review_by.isoformat()}")
    needed = you_need(routine)
    if needed:
        facts.append(needed)
    return facts


def _safety(routine: Routine) -> list[str]:
    return [*routine.safety, CLINICIAN_NOTE]


# --- Markdown ---------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """Text shown literally in Markdown: no character of it can become markup."""
    text = _MD_INLINE.sub(r"\\\1", printable(text))
    # A heading, list or numbered list can only start a line.
    return _MD_LINE_START.sub(_escape_line_start, text)


def _md_url(src: str) -> str:
    """A link target that cannot end early or break the line."""
    return "".join(ch if ch.isprintable() and ch not in "<>" else f"%{ord(ch):02X}" for ch in src)


def _escape_line_start(match: re.Match[str]) -> str:
    space, mark = match[1], match[2]
    # `\#` and `\-` for a heading or bullet; `1\.` for a numbered item
    return f"{space}{mark}\\" if mark.isdigit() else f"{space}\\{mark}"


def render_markdown(routine: Routine, *, week: int | None = None) -> str:
    """The handout as Markdown."""
    lines = [f"# {_md(routine.title)}", ""]
    if routine.description:
        lines += [_md(routine.description), ""]
    lines += [" · ".join(_md(fact) for fact in _facts(routine, week)), ""]
    lines += ["## Safety", ""] + [f"- **{_md(note)}**" for note in _safety(routine)] + [""]
    lines += ["## Exercises", ""]
    for item in _exercises(routine):
        if isinstance(item, int):
            lines += [f"*Rest {human_duration(item)}*", ""]
            continue
        lines += [f"### {item.number}. {_md(item.name)}", "", f"**{_md(item.dose)}**", ""]
        # The drawing travels inside the file, so the handout stays one file.
        src = item.image or (
            item.drawing
            and "data:image/svg+xml;base64," + base64.b64encode(item.drawing.encode()).decode()
        )
        if src:
            lines += [f"![{_md(item.alt)}](<{_md_url(src)}>)", ""]
        lines += [f"- {_md(tip)}" for tip in item.tips]
        if item.tips:
            lines.append("")
        if item.caution:
            lines += [f"**Stop or ease off:** {_md(item.caution)}", ""]
        if item.why:
            lines += [f"*Why:* {_md(item.why)}", ""]
        if item.progression:
            lines += ["*Progression:* " + "; ".join(_md(rule) for rule in item.progression), ""]
    return "\n".join(lines)


# --- HTML -------------------------------------------------------------------------

_CSS = """\
@page { size: A4; margin: 14mm; }
body { font: 11pt/1.35 system-ui, sans-serif; max-width: 46em; margin: 1em auto; color: #111; }
h1 { font-size: 17pt; margin: 0 0 .2em; }
h2 { font-size: 12pt; margin: .9em 0 .3em; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: .7em 0 .1em; }
.facts { color: #444; }
.safety { border: 2px solid #a00; padding: .3em .8em; }
.dose { font-weight: bold; margin: 0; }
.caution { margin: .2em 0; }
.rest { font-style: italic; }
ul { margin: .2em 0; padding-left: 1.3em; }
section { break-inside: avoid; }
.figure { display: block; max-width: 100%; margin: .3em 0; }
.figure svg, img.figure { max-height: 7em; max-width: 100%; height: auto; }
"""


def _h(text: str) -> str:
    """Routine text made safe for HTML: escaped, with no control characters."""
    return html.escape(printable(text), quote=True)


def render_html(routine: Routine, *, week: int | None = None) -> str:
    """The handout as a standalone HTML page, laid out to print on one page."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_h(routine.title)}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(routine.title)}</h1>",
    ]
    if routine.description:
        out.append(f"<p>{_h(routine.description)}</p>")
    out.append(f'<p class="facts">{" · ".join(_h(f) for f in _facts(routine, week))}</p>')
    out.append('<div class="safety"><h2>Safety</h2><ul>')
    out += [f"<li><strong>{_h(note)}</strong></li>" for note in _safety(routine)]
    out.append("</ul></div>")
    out.append("<h2>Exercises</h2>")
    for item in _exercises(routine):
        if isinstance(item, int):
            out.append(f'<p class="rest">Rest {_h(human_duration(item))}</p>')
            continue
        out.append(f"<section><h3>{item.number}. {_h(item.name)}</h3>")
        out.append(f'<p class="dose">{_h(item.dose)}</p>')
        if item.image:
            out.append(f'<img class="figure" src="{_h(item.image)}" alt="{_h(item.alt)}">')
        elif item.drawing:
            out.append(f'<div class="figure">{item.drawing}</div>')
        if item.tips:
            out.append("<ul>" + "".join(f"<li>{_h(tip)}</li>" for tip in item.tips) + "</ul>")
        if item.caution:
            out.append(
                f'<p class="caution"><strong>Stop or ease off:</strong> {_h(item.caution)}</p>'
            )
        if item.why:
            out.append(f"<p><em>Why:</em> {_h(item.why)}</p>")
        if item.progression:
            rules = "; ".join(_h(rule) for rule in item.progression)
            out.append(f"<p><em>Progression:</em> {rules}</p>")
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def render(routine: Routine, format: str, *, week: int | None = None) -> str:
    """The handout in `format`, `md` or `html`."""
    renderer = render_html if format == "html" else render_markdown
    return renderer(routine, week=week)
