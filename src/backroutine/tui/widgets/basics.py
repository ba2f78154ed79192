"""Small pieces the screens share."""

from __future__ import annotations

from textual.content import Content

from backroutine.base.text import printable


def literal(text: str, *, keep_newlines: bool = False) -> Content:
    """Text from a routine file as it was written: never markup, never escape sequences."""
    return Content(printable(text, keep_newlines=keep_newlines))
