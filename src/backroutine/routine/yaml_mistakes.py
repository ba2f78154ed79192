"""A routine file whose layout cannot be read, explained in a clinician's words.

The YAML parser says what it expected ("did not find expected '-' indicator"); a
therapist needs to know what they typed. These functions look at the text around the
parser's complaint for the slips people make by hand or by pasting from a word processor
(tabs, non-breaking spaces, long dashes as bullets, curly quotes, a colon inside a text,
a key indented too far) and say what to change, never using the parser's words.
"""

from __future__ import annotations

import re

import yaml

from backroutine.base.text import printable
from backroutine.routine.indentation import item_read_as_text, misaligned_line
from backroutine.routine.schema import KEYS

Explained = tuple[int, int, str]
"""(line, column, message), line and column counted from 1."""

# Spaces that look like a space but are not one to YAML.
ODD_SPACES = {
    "\u00a0": "a non-breaking space",
    "\u2007": "a figure space",
    "\u202f": "a narrow non-breaking space",
    "\u3000": "a wide space",
}
_ODD = "".join(ODD_SPACES)
_ODD_ANYWHERE = re.compile(f"[{_ODD}]")
# Dashes a word processor makes of a typed "-".
DASHES = {
    "\u2013": "an en dash",
    "\u2014": "an em dash",
    "\u2212": "a minus sign",
    "\u2012": "a figure dash",
    "\u2015": "a horizontal bar",
}
CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
_KEY_LINE = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z_][\w-]*) *:(?: |$)")
_FALLBACK = (
    "this line cannot be read: check that it lines up with the lines above it, and put "
    "text that holds ': ' or starts with a quote in quotes"
)


def explain_yaml_error(text: str, error: yaml.MarkedYAMLError) -> Explained:
    """Where the slip behind a YAML parse error is, and what to do about it."""
    lines = text.splitlines() or [""]
    mark = error.problem_mark or error.context_mark
    at = min(mark.line, len(lines) - 1) if mark else 0
    column = mark.column if mark and mark.line < len(lines) else 0
    problem = error.problem or ""
    # Non-breaking spaces were looked for before parsing (`layout_slip`).
    for explain in (_tab, _dash_bullet, _no_space_after_dash, _no_space_after_colon):
        for number, line in enumerate(lines[: at + 1]):
            found = explain(line)
            if found:
                return (number + 1, found[0] + 1, found[1])
    line = lines[at]
    if "mapping values are not allowed" in problem:
        earlier = misaligned_line(lines, at)  # a line above moved, so this one reads wrong
        if earlier is not None and earlier[0] <= at:
            return earlier
        return _colon_in_text(lines, at, column)
    if "unexpected end of stream" in problem and error.context_mark is not None:
        start = error.context_mark
        opening = lines[start.line] if start.line < len(lines) else ""
        quote = opening[start.column : start.column + 1]
        return (
            start.line + 1,
            start.column + 1,
            f"this text opens with {quote or 'a quote'} but never closes it: "
            "end the text with the same quote mark",
        )
    if "unknown escape character" in problem:
        return (
            at + 1,
            column + 1,
            "inside double quotes a backslash starts a special character: put the text in "
            "single quotes instead, or write \\\\ for a backslash",
        )
    if "cannot start any token" in problem and column < len(line):
        char = printable(line[column])
        return (
            at + 1,
            column + 1,
            f"a text cannot start with '{char}': put the whole text in quotes",
        )
    if "node content" in problem or "flow" in (error.context or ""):
        opened = error.context_mark or mark
        return (
            (opened.line if opened else at) + 1,
            (opened.column if opened else column) + 1,
            "this list or group in brackets [ ] or "
            "{ } is not closed properly: check the brackets and the commas between items",
        )
    quoted = _text_after_quotes(line)
    if quoted is not None:
        return (
            at + 1,
            quoted + 1,
            "a text that starts with a quote must end with it: put "
            "the whole text in quotes, or leave the quotes out",
        )
    misplaced = misaligned_line(lines, at) or _misaligned_key(lines, at)
    if misplaced is not None:
        return misplaced
    return (at + 1, column + 1, _FALLBACK)


def _tab(line: str) -> tuple[int, str] | None:
    indent = len(line) - len(line.lstrip(" \t-"))
    if "\t" in line[:indent]:
        return line.index("\t"), "this line is indented with a tab: indent with spaces instead"
    return None


def _odd_space(line: str) -> tuple[int, str] | None:
    """A space-like character where the layout needs a space: YAML does not take it for one.

    In the indentation, after a list item's '-', or after one of the format's keys; inside
    a text it is only a space that does not break, and harmless.
    """
    indent = len(line) - len(line.lstrip(" " + _ODD))
    at = next((i for i, char in enumerate(line[:indent]) if char in ODD_SPACES), None)
    after = ""
    if at is None:
        match = re.match(f"(-)(?=[{_ODD}])|(?:- +)?([a-z_]+):(?=[{_ODD}])", line[indent:])
        if match is None or not (match[1] or match[2] in KEYS):
            return None
        at, after = indent + match.end(), f" after '{match[1] or match[2] + ':'}'"
    return at, (
        f"{ODD_SPACES[line[at]]}{after} (a word processor puts them in): type an ordinary "
        "space instead"
    )


def layout_slip(text: str) -> Explained | None:
    """A slip that YAML may read without complaint, but not as the therapist meant it."""
    lines = text.splitlines()
    if _ODD_ANYWHERE.search(text):
        for number, line in enumerate(lines):
            found = _odd_space(line)
            if found:
                return (number + 1, found[0] + 1, found[1])
    return item_read_as_text(lines)


def _dash_bullet(line: str) -> tuple[int, str] | None:
    stripped = line.lstrip(" ")
    if stripped[:1] in DASHES and stripped[1:2] in {" ", ""}:
        return len(line) - len(stripped), (
            f"this list item starts with {DASHES[stripped[0]]} '{stripped[0]}' (a word processor "
            "puts them in): start it with a plain hyphen '-'"
        )
    return None


def _no_space_after_dash(line: str) -> tuple[int, str] | None:
    match = re.match(r"( *)-([A-Za-z_][\w ]*:(?: .*|$))", line)
    if match:
        return len(match[1]), (
            f"put a space after the '-' that starts a list item: - {printable(match[2].strip())}"
        )
    return None


def _no_space_after_colon(line: str) -> tuple[int, str] | None:
    match = re.match(r"( *(?:- +)?)([a-z_]+):([^\s:/])", line)
    if match and match[2] in KEYS:
        key, value = match[2], line[match.end(2) + 1 :].strip()
        return match.end(2) + 1, (f"put a space after the colon: {key}: {printable(value)}")
    return None


def _colon_in_text(lines: list[str], at: int, column: int) -> Explained:
    """'mapping values are not allowed': a key indented too far, or a text holding ': '."""
    misplaced = _indented_too_far(lines, at)
    if misplaced is not None:
        return misplaced
    line = lines[at]
    match = _KEY_LINE.match(line) or re.match(r"(?P<indent> *)(?P<dash>- +)", line)
    start = match.end() if match else len(line) - len(line.lstrip())
    words = line[start:].strip()
    curly = next((i for i, char in enumerate(line) if char in CURLY_QUOTES), None)
    if curly is not None:
        return (
            at + 1,
            curly + 1,
            "this text is in curly quotes (a word processor's), which do not count as quotes, "
            "and it holds ': ': put straight quotes \" \" around the whole text instead",
        )
    quote = "'" if '"' in words else '"'
    return (
        at + 1,
        start + 1,
        "this text holds a colon followed by a space, which starts a new key: put the whole "
        f"text in quotes, e.g. {quote}{printable(words[:40])}{quote}",
    )


def _indented_too_far(lines: list[str], at: int) -> Explained | None:
    match = _KEY_LINE.match(lines[at])
    above = _line_above(lines, at)
    if match is None or above is None:
        return None
    previous = above
    if match["dash"]:
        if len(match["indent"]) > _key_column(previous) and previous.rstrip()[-1:] != ":":
            return (
                at + 1,
                len(match["indent"]) + 1,
                f"this list item is indented under '{printable(previous.strip()[:40])}', which "
                "already has its value: put the list under a key of its own, e.g. steps:",
            )
        return None
    if len(match["indent"]) > _key_column(previous) and previous.rstrip()[-1:] != ":":
        return (
            at + 1,
            len(match["indent"]) + 1,
            f"'{match['key']}:' is indented further than the line above it: line it up "
            f"with the other keys, {_key_column(previous)} spaces in",
        )
    return None


def _misaligned_key(lines: list[str], at: int) -> Explained | None:
    """A key that lines up with nothing above it: say where its neighbours start."""
    match = _KEY_LINE.match(lines[at])
    if match is None:
        return None
    above = _line_above(lines, at)
    if above is None:
        return None
    previous = above
    indent = _key_column(previous)
    return (
        at + 1,
        len(match["indent"]) + 1,
        f"'{match['key']}:' does not line up with the keys above it: indent it {indent} "
        "spaces, like the line above, or start a new list item with '- '",
    )


def _line_above(lines: list[str], at: int) -> str | None:
    """The nearest line above `at` that holds something other than a comment."""
    for line in reversed(lines[:at]):
        if line.strip() and not line.strip().startswith("#"):
            return line
    return None


def _key_column(line: str) -> int:
    """How far in the key of a `key: value` or `- key: value` line starts."""
    match = _KEY_LINE.match(line)
    if match is None:
        return len(line) - len(line.lstrip(" -"))
    return len(match["indent"]) + len(match["dash"] or "")


def _text_after_quotes(line: str) -> int | None:
    """Where a quoted text followed by more text starts (`- "Neutral" spine`), if it is one."""
    match = re.match(r"( *(?:- +|[\w-]+ *: +))([\"'])(?:(?!\2).)*\2 *[^\s#]", line)
    return len(match[1]) if match else None
