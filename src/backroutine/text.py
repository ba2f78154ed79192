"""Text from routine files made safe to show: no control characters reach a terminal."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (ESC among them), DEL, and the invisible format characters that
# can reorder or hide text (bidi overrides, zero-width joiners).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Replace every control or invisible character with a visible one.

    Escape sequences (clear screen, OSC 52 clipboard writes, links) become harmless
    text such as `␛]52;...`; tabs become spaces.
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _UNSAFE.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def human_duration(seconds: float) -> str:
    """`45 s`, `4 min 30 s`, `1 h 5 min`: a length of time as a person says it."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"
