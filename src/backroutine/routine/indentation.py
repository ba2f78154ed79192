"""Which line of a routine file does not line up with its neighbours, read from the text.

The YAML parser notices a slip of indentation only where it can no longer go on, often a
line or two after it, and can say only what it expected there. A therapist who indents
one key a space too far needs that line named, with the column its neighbours start at.
This module reads the layout itself, line by line: each key, list item or text line under
the line that holds it. The lines held by one line should all start at one column and be
of one kind (keys, or list items); the line that does not is the slip, and the column most
of the others start at is the fix. The same reading finds a few slips YAML reads without
a complaint, but not as meant (a '- ' left out or indented too far): errors or warnings.
"""

from __future__ import annotations

import re
from collections import Counter

import msgspec

from backroutine.base.text import printable

Explained = tuple[int, int, str]
"""(line, column, message), line and column counted from 1."""

_LINE = re.compile(r"(?P<indent> *)(?P<dash>-(?: +|$))?(?P<rest>.*)$")
# A key: plain, as every key of the format is, or in quotes.
_KEY = re.compile(
    r"""(?P<key>"[^"]*"|'[^']*'|[^\s#'"\[\]{}&*!|>%@`][^#]*?) *:(?: +(?P<value>.*)|$)"""
)
# A line that goes on with a plain text cannot hold `word: ` (YAML refuses it): such a line
# further in than the text's key is a key indented too far, not the text going on.
_LOOKS_LIKE_A_KEY = re.compile(r"[A-Za-z_][\w-]*:(?: |$)")
_BLOCK_TEXT = re.compile(r"[|>][-+0-9]*(?: +#.*)?")


class _Node(msgspec.Struct, eq=False):
    """A key, a list item or a line of bare text, where it starts."""

    line: int  # counted from 0
    column: int  # counted from 0
    kind: str  # "key", "item" or "text"
    opens: bool  # whether the lines below it may be held by it
    words: str  # the key, or the start of the item or text
    inner: int  # where an item's text or first key starts: after its '- '
    children: list[_Node] = msgspec.field(default_factory=list)


def _root() -> _Node:
    """What holds the top-level keys: a key 2 in from them, as every key is from its own."""
    return _Node(-1, -2, "key", True, "", 0)


def misaligned_line(lines: list[str], until: int) -> Explained | None:
    """The first line, up to line `until` (counted from 0), that does not line up with
    the lines beside it, and what to do about it; None when every line lines up."""
    # The whole file shows how its lines line up; the slip is at or before where YAML
    # could not go on.
    held, slips = _layout(lines, _root())
    slips += [slip for slip in map(_explain, held, [lines] * len(held)) if slip is not None]
    return min((slip for slip in slips if slip[0] <= until + 1), default=None)


def item_read_as_text(lines: list[str]) -> Explained | None:
    """A list item indented further than the item above it, which YAML reads, without a
    complaint, as more of that item's text: two tips become one."""
    if not _deeper_item(lines):  # every file is read: most need no more than this look
        return None
    _, slips = _layout(lines, _root())
    merged = next((slip for slip in slips if slip[2].startswith(_READ_AS_TEXT)), None)
    # A line out of line above it comes first: it may be what moved this one.
    return None if merged is None else misaligned_line(lines, merged[0] - 1)


_READ_AS_TEXT = "this list item is indented further than the item above it"


def _deeper_item(lines: list[str]) -> bool:
    """Whether a list item is indented further than the line above it, which does not
    open it with a colon (`tips:`): the only way one item can be read as another's text."""
    above = (0, ":")
    for line in lines:
        text = line.lstrip(" ")
        if not text or text.startswith("#"):
            continue
        indent = len(line) - len(text)
        if text.startswith("- ") and indent > above[0] and not above[1].endswith(":"):
            return True
        above = (indent, text.split(" #")[0].rstrip())
    return False


_TEXT_ITEM = re.compile(r"(?P<indent> *)- +(?P<text>[^|>\s].*)$")
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*$")


def items_run_together(lines: list[str]) -> list[Explained]:
    """Lines YAML reads without a complaint, but perhaps not as they were meant: each a
    warning. A line under a list item that starts a sentence after one that ended one is
    read as more of that item (its '- ' left out: two tips become one); a `rest:` after a
    blank line at the end of a step is read as that step's pause after each set (the '- '
    of a rest step left out)."""
    found = []
    for number, line in enumerate(lines):
        item = _TEXT_ITEM.match(line)
        if item is None or _KEY.fullmatch(item["text"]):
            continue
        for below in range(number + 1, len(lines)):
            text = lines[below].strip()
            indent = len(lines[below]) - len(lines[below].lstrip(" "))
            if not text or indent <= len(item["indent"]) or text.startswith(("-", "#")):
                break
            if _SENTENCE_END.search(lines[below - 1].rstrip()) and text[:1].isupper():
                found.append(
                    (
                        below + 1,
                        indent + 1,
                        f"'{printable(text[:40])}' is read as more of the list item above it: "
                        "if it is an item of its own, start it with '- '",
                    )
                )
                break
    blank_before_rest = any(
        line.lstrip().startswith("rest:") and not lines[number - 1].strip()
        for number, line in enumerate(lines)
        if number
    )
    held, _ = _layout(lines, _root()) if blank_before_rest else ([], [])
    for holder in held:
        steps = [child for child in holder.children if child.kind == "item"]
        for number, step in enumerate(steps if holder.words == "steps" else []):
            keys = [child for child in step.children if child.kind == "key"]
            last = keys[-1] if len(keys) > 1 else None
            if last and last.words == "rest" and not lines[last.line - 1].strip():
                found.append(
                    (
                        last.line + 1,
                        last.column + 1,
                        f"rest: after a blank line is read as part of step {number + 1}, the "
                        "pause after each of its sets: if it is a rest between exercises, put "
                        "'- ' before rest:",
                    )
                )
    return sorted(found)


def _layout(lines: list[str], root: _Node) -> tuple[list[_Node], list[Explained]]:
    """Every node that holds others, each with the nodes it holds, in the order written;
    and the lines of a `|` or `>` text that start before its first line does.

    A line indented further than a key or item that has its text already continues that
    text (a long tip over two lines); the lines of a `|` or `>` text are its text too.
    """
    holders = [root]
    held: list[_Node] = [root]
    slips: list[Explained] = []
    text_above = -1  # lines indented further than this continue a text
    block: tuple[str, int] | None = None  # a `|` or `>` text's key, and its first line's indent
    brackets = 0  # how many `[` and `{` the text above leaves open: its lines go on
    item_text = -1  # the column of the '- ' whose text the lines below may continue
    for number, line in enumerate(lines):
        content = line.strip()
        if not content or content.startswith("#") or content in {"---", "..."}:
            continue
        match = _LINE.match(line)
        assert match is not None  # the pattern matches every line
        indent = len(match["indent"])
        in_text = block is not None or brackets > 0 or not _LOOKS_LIKE_A_KEY.match(content)
        if indent > text_above >= 0 and in_text:
            brackets += _open_brackets(content)
            if block is not None and block[1] < 0:
                block = (block[0], indent)
            elif block is not None and indent < block[1]:
                slips.append(_block_line_out(number, indent, *block))
            elif item_text >= 0 and match["dash"]:
                slips.append((number + 1, indent + 1, _read_as_text(item_text)))
            continue
        text_above, block, item_text = -1, None, -1
        brackets = _open_brackets(content)
        nodes = []
        rest = match["rest"]
        if match["dash"]:
            column = indent + len(match["dash"])
            key = _KEY.fullmatch(rest)
            opens = not rest or key is not None
            item = _Node(number, indent, "item", opens, rest[:40], column)
            nodes.append(item)
            if key is None:
                text_above = item_text = indent
        else:
            column = indent
            key = _KEY.fullmatch(rest)
            if key is None:
                nodes.append(_Node(number, indent, "text", False, rest[:40], indent))
                text_above = indent
        if key is not None:
            value = (key["value"] or "").strip()
            opens = not value or value.startswith("#")
            nodes.append(_Node(number, column, "key", opens, key["key"], column))
            if not opens:
                text_above = column
        for node in nodes:
            while len(holders) > 1 and not _holds(holders[-1], node):
                holders.pop()
            holder = holders[-1]
            if (
                node.kind == "text"
                and holder.kind == "key"
                and not holder.children
                and len(holders) > 1
            ):
                text_above = holder.column  # `tips:`, then its text on the next line
                holders.pop()
                continue
            holder.children.append(node)
            if node.opens:
                holders.append(node)
                held.append(node)
        if key is not None and _BLOCK_TEXT.fullmatch((key["value"] or "").strip()):
            text_above, block = nodes[-1].column, (key["key"], -1)
    return held, slips


def _open_brackets(text: str) -> int:
    """How many more `[` and `{` than `]` and `}` a line holds: a list or map written in
    brackets that goes on over the lines below."""
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


def _holds(holder: _Node, node: _Node) -> bool:
    """Whether `node` is written under `holder`: further in, or a list item in line with
    the key that holds the list (`tips:` then `- ...` at the same column)."""
    if holder.line == node.line:
        return True  # `- name: Bridge`: the key is the item's
    if node.column > holder.column:
        return True
    return (
        holder.kind == "key"
        and node.kind == "item"
        and node.column == holder.column
        and all(child.kind == "item" for child in holder.children)
    )


def _explain(holder: _Node, lines: list[str]) -> Explained | None:
    """The first of the nodes `holder` holds that is out of line with the others."""
    own = [child for child in holder.children if child.line == holder.line]
    children = [child for child in holder.children if child not in own]
    if not children:
        return None
    # What the first holds, YAML takes the others to be: keys, or the items of a list.
    kind = "key" if own or children[0].kind != "item" else "item"
    if own:  # an item's keys line up with its first, after the '- '
        column = own[0].column
    else:  # most of them; of as many, the one the usual 2 spaces in
        columns = Counter(
            child.column for child in children if (child.kind == "item") == (kind == "item")
        )
        column = min(columns, key=lambda at: (-columns[at], abs(at - holder.column - 2)))
    items = [child for child in children if child.kind == "item" and child.column < column]
    strays = [child for child in children if child.kind == "item"]
    if holder.kind == "item" and strays:  # a '- ' further in than this item's: its sibling
        return _item_out_of_line(strays[0], holder.column)
    if (
        kind == "key" and items and holder.kind == "key" and holder.line >= 0
    ):  # the list's first item lost its '- '
        first = children[0]
        return (
            first.line + 1,
            first.column + 1,
            f"'{printable(first.words)}:' starts the first item of the list under "
            f"'{printable(holder.words)}:' without its '- ': begin the line with '- ' like "
            f"the items below, {_spaces(items[0].column)} in",
        )
    for child in children:
        if kind == "item" and child.kind == "item" and child.column != column:
            return _item_out_of_line(child, column)
        if kind == "item" and child.kind != "item":
            return _not_an_item(child, holder, lines)
        if kind == "key" and child.kind == "text":
            return _text_among_keys(child, holder, lines)
        if kind == "key" and child.kind == "key" and child.column != column:
            before = children[: children.index(child)]
            if child.column > column and _moved_out(before, child):
                return _key_out_of_line(before[-1], child.column)
            between = holder.kind == "key" and holder.column < child.column < column
            if between and child is not children[0]:
                return _key_between_levels(child, holder, column)
            return _key_out_of_line(child, column)
    return None


def _moved_out(before: list[_Node], node: _Node) -> bool:
    """Whether the key just above `node` was moved out from among the keys it sits between:
    under the key before it, which holds keys as far in as `node` (`defaults:` holding
    `rest:`, then `relax:` at the margin, then `prepare:` in line with `rest:`)."""
    if len(before) < 2 or before[-1].opens or before[-1].kind != "key":
        return False
    holder = before[-2]
    held = holder.children[0] if holder.opens and holder.children else None
    return held is not None and held.kind == "key" and held.column == node.column


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _item_out_of_line(item: _Node, column: int) -> Explained:
    return (
        item.line + 1,
        item.column + 1,
        f"this list item is indented {_spaces(item.column)}, the items beside it "
        f"{_spaces(column)}: line its '- ' up with theirs, {_spaces(column)} in",
    )


def _read_as_text(column: int) -> str:
    return (
        f"{_READ_AS_TEXT}, so it is read as part of that item's text: line its '- ' up "
        f"with the item above, {_spaces(column)} in"
    )


def _block_line_out(number: int, indent: int, key: str, first: int) -> Explained:
    return (
        number + 1,
        indent + 1,
        f"this line of the text under '{printable(key)}:' starts further out than its first "
        f"line: indent every line of the text {_spaces(first)}, like the first",
    )


def _key_out_of_line(node: _Node, column: int) -> Explained:
    return (
        node.line + 1,
        node.column + 1,
        f"'{printable(node.words)}:' is indented {_spaces(node.column)}, the keys beside it "
        f"{_spaces(column)}: line it up with them, {_spaces(column)} in",
    )


def _key_between_levels(node: _Node, holder: _Node, column: int) -> Explained:
    """A key further out than the keys under the one above, not as far out as that one:
    which of the two it belongs with, only the therapist knows."""
    outer = max(holder.column, 0)
    return (
        node.line + 1,
        node.column + 1,
        f"'{printable(node.words)}:' is indented {_spaces(node.column)}: the keys under "
        f"'{printable(holder.words)}:' are {_spaces(column)} in, the keys beside "
        f"'{printable(holder.words)}:' {_spaces(outer)}: line it up with the ones it belongs "
        "with",
    )


def _text_among_keys(node: _Node, holder: _Node, lines: list[str]) -> Explained:
    """A line of text where keys are: the rest of the text above, not indented under it."""
    above = [child for child in holder.children if child.line < node.line]
    under = (above[-1].column if above else node.column) + 2
    return (
        node.line + 1,
        node.column + 1,
        f"'{_words(node, lines)}' is not a key: if it goes on with the text above, indent "
        f"it {_spaces(under)}, further than that text's key; if it is a value, write its "
        "key before it",
    )


def _not_an_item(node: _Node, holder: _Node, lines: list[str]) -> Explained:
    """A key or a line of text among list items: a key of the item above, or an item
    without its '- ', or the rest of the item above's text."""
    above = [child for child in holder.children if child.line < node.line]
    item = above[-1] if above else node
    if node.kind == "key" and item.opens:
        return (
            node.line + 1,
            node.column + 1,
            f"'{printable(node.words)}:' does not line up with the keys of the list item "
            f"above it: indent it {_spaces(item.inner)}, like them, or if a new item starts "
            "here, begin it with '- '",
        )
    if node.kind == "key" and holder.kind == "key" and holder.line >= 0:
        return (
            node.line + 1,
            node.column + 1,
            f"'{printable(node.words)}:' is indented further than '{printable(holder.words)}:', "
            f"so it is read as part of its list: line it up with '{printable(holder.words)}:', "
            f"{_spaces(holder.column)} in",
        )
    if node.kind == "key":
        return (
            node.line + 1,
            node.column + 1,
            f"'{printable(node.words)}:' is among list items: start it with '- ' like "
            "them, or move it out of the list",
        )
    return (
        node.line + 1,
        node.column + 1,
        f"'{_words(node, lines)}' is not lined up as a list item: if it is an item of its "
        "own, start it with '- ' like the items above; if it goes on with the text above, "
        f"indent it {_spaces(item.inner)}, like that text",
    )


def _words(node: _Node, lines: list[str]) -> str:
    return printable(lines[node.line].strip()[:40])
