"""How a session is said, in one place: the player, plain mode and the resume question
share these words. No Textual here."""

from __future__ import annotations

from backroutine.base.text import printable
from backroutine.session.engine import SessionEngine


def where_stopped(engine: SessionEngine) -> str:
    """`Bird-dog, right side, set 2 of 3`: the place a paused session will go on from."""
    segment = engine.current
    parts = [printable(segment.name)]
    if segment.side:
        parts.append(f"{segment.side} side")
    if segment.set_count > 1:
        parts.append(f"set {segment.set_number} of {segment.set_count}")
    return ", ".join(parts)


def week_said(week: int) -> str:
    """The progression week a session is played in, as both front ends announce it."""
    return f"Week {week} of this routine"
