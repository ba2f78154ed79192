"""The import graph of backroutine has no cycle: each module can be read, tested and
loaded after the ones it imports. (The layers themselves are import-linter's contracts
in pyproject.toml, checked by `lint-imports` in ./dev test.)"""

from __future__ import annotations

import re
from pathlib import Path

import grimp


def find_cycle(imports: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in `imports` (module -> the modules it imports), or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for imported in sorted(imports.get(module, ())):
            if imported in on_path:
                return [*path[path.index(imported) :], imported]
            if imported not in done and (cycle := visit(imported)):
                return cycle
        on_path.discard(path.pop())
        done.add(module)
        return None

    for module in sorted(imports):
        if module not in done and (cycle := visit(module)):
            return cycle
    return None


def test_find_cycle_finds_one_and_only_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_imports_itself_back_at_run_time():
    # Imports under `if TYPE_CHECKING:` never run: a screen and the flow naming each
    # other's types is no cycle. Imports inside functions do run, and count.
    graph = grimp.build_graph("backroutine", cache_dir=None, exclude_type_checking_imports=True)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert find_cycle(imports) is None


def test_only_the_clock_module_reads_the_wall_clock():
    # One policy for "now" and "today" (the local zone), in `base/clock.py`; a second reader
    # would count a session near midnight on another day than the history does.
    package = Path(__file__).parents[1] / "src" / "backroutine"
    readers = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(date\.today|datetime\.now|datetime\.today)\(", line)
    ]
    assert readers == []
