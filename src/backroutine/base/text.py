"""Text from routine files made safe to show: no control characters reach a terminal."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# C0 and C1 controls (ESC among them) and DEL: the only unsafe characters in ASCII.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Besides those: every invisible format character (bidi marks and overrides, zero-width
# characters, U+061C, U+2060, U+FEFF, tag characters), line and paragraph separators,
# lone surrogates and private-use characters. Which characters that is comes from the
# Unicode category, so new format characters are covered as well.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"}
# The joiners are kept between two parts of one word or emoji: the zero-width non-joiner
# is spelling in Persian, the joiner builds emoji sequences and Indic conjuncts.
_JOINERS = {"\u200c", "\u200d"}
_JOINED = ("L", "M", "So", "Sk")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Replace every control or invisible character with a visible one.

    Escape sequences (clear screen, OSC 52 clipboard writes, links) become harmless
    text such as `␛]52;...`; tabs become spaces; invisible format characters become `�`.
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return replace_unsafe(text, _visible)


def replace_unsafe(text: str, replacement: Callable[[str], str]) -> str:
    """`text` with each character a terminal must not receive as it is (but tab and
    newline) put through `replacement`."""
    if text.isascii():
        return _CONTROL.sub(lambda match: replacement(match.group()), text)
    out = []
    for index, char in enumerate(text):
        if char in "\t\n" or not _unsafe(text, index, char):
            out.append(char)
        else:
            out.append(replacement(char))
    return "".join(out)


def _unsafe(text: str, index: int, char: str) -> bool:
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return False
    if char in _JOINERS and 0 < index < len(text) - 1:
        before, after = text[index - 1], text[index + 1]
        return not (
            unicodedata.category(before).startswith(_JOINED)
            and unicodedata.category(after).startswith(_JOINED)
        )
    return True


def _visible(char: str) -> str:
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
