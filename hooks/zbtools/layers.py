"""The package's stages and the imports between them, read from the code: the check that imports
point one way (tests/test_layers.py) and the drawing in doc/architecture.md (`python -m
zbtools.layers`)."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

HOOKS = Path(__file__).resolve().parents[1]

# Lowest first. A folder may import its own modules and those of any folder on a lower step;
# folders on one step are independent of each other. The package's own top (the command line and
# the hook every archive imports) stands above all; the tools beside it, outside the package.
STEPS: tuple[tuple[str, ...], ...] = (
    ("bulletins/files",),
    ("bulletins/data",),
    ("bulletins/analysis", "bulletins/review", "bulletins/edit"),
    ("bulletins/importer", "bulletins/web"),
    ("bulletins/search",),
    ("bulletins/glue",),
    ("bulletins/publish",),
    ("zbtools",),
    ("bulletins",),
)
MAX_MODULES = 15  # in one folder: more, and the folder is no longer a stage one reads at a glance


def stage_of(module: str) -> str:
    """`bulletins.importer.readers.wordml` → `bulletins/importer` (a subfolder belongs to its stage)."""
    parts = module.split(".")
    if parts[0] == "zbtools":
        return "zbtools"
    return "bulletins" if len(parts) <= 2 else f"bulletins/{parts[1]}"


def step_of(stage: str) -> int:
    return next(i for i, names in enumerate(STEPS) if stage in names)


def modules(hooks: Path = HOOKS) -> dict[str, Path]:
    out = {}
    for top in ("bulletins", "zbtools"):
        for path in sorted((hooks / top).rglob("*.py")):
            parts = list(path.relative_to(hooks).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def imports(hooks: Path = HOOKS) -> dict[str, dict[str, int]]:
    """Module → {module of the package it imports: the line}, lazy imports inside functions included."""
    mods = modules(hooks)
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in mods else source for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                if target in mods and target != name and not mods[target].name == "__init__.py":
                    out[name].setdefault(target, node.lineno)
    return out


def breaks(hooks: Path = HOOKS) -> list[str]:
    """Every import that runs up the steps or sideways between folders of one step, as file:line."""
    out = []
    mods = modules(hooks)
    for name, targets in imports(hooks).items():
        here = stage_of(name)
        for target, line in targets.items():
            there = stage_of(target)
            if there != here and step_of(there) >= step_of(here):
                out.append(f"{mods[name].relative_to(hooks)}:{line}: {here}/ imports {target} ({there}/)")
    return out


def cycles(hooks: Path = HOOKS) -> list[list[str]]:
    """Modules that import each other in a loop (Tarjan's strongly connected components)."""
    graph = imports(hooks)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(modules(hooks)):
        if v not in index:
            visit(v)
    return out


def folders(hooks: Path = HOOKS) -> dict[str, list[str]]:
    """Each folder → its modules (a subfolder counted apart from its parent)."""
    out: dict[str, list[str]] = defaultdict(list)
    for name, path in modules(hooks).items():
        if path.name != "__init__.py":
            out[str(path.parent.relative_to(hooks))].append(name.rpartition(".")[2])
    return dict(out)


def drawing(hooks: Path = HOOKS) -> str:
    """The stages from the top down, each with what it imports (and how many imports): plain text."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for name, targets in imports(hooks).items():
        for target in targets:
            a, b = stage_of(name), stage_of(target)
            if a != b:
                counts[(a, b)] += 1
    lines = []
    for step in reversed(STEPS):
        for stage in step:
            uses = ", ".join(f"{b.removeprefix('bulletins/')} ({n})" for (a, b), n in
                             sorted(counts.items(), key=lambda kv: (-step_of(kv[0][1]), kv[0][1])) if a == stage)
            lines.append(f"{stage + '/':22} → {uses or '(nothing of ours)'}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(drawing())
    problems = breaks() + [" ↔ ".join(c) for c in cycles()]
    print("\n".join(problems) or "no import runs up the steps; no cycle")
    sys.exit(1 if problems else 0)
