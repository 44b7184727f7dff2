"""The code's own rules, checked: state lives in one object (bulletins/data/state.py), passed to what
needs it; no module keeps mutable state of its own but the few that say why."""

from __future__ import annotations

import ast
from pathlib import Path

HOOKS = Path(__file__).resolve().parents[1] / "hooks"
MUTATORS = {"add", "update", "clear", "append", "extend", "setdefault", "pop", "popitem", "discard",
            "remove", "insert", "__setitem__"}
CONTAINERS = {"dict", "set", "list", "defaultdict", "OrderedDict", "deque", "Counter"}


def _is_container(node: ast.AST) -> bool:
    if isinstance(node, (ast.Dict, ast.Set, ast.List, ast.DictComp, ast.SetComp, ast.ListComp)):
        return True
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in CONTAINERS


def module_state(path: Path) -> list[tuple[str, int, str]]:
    """(name, line, the comment that says why) of each module-level container the module mutates,
    and of each name a function rebinds with `global`."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.split("\n")
    containers: dict[str, int] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        for t in targets:
            if isinstance(t, ast.Name) and value is not None and _is_container(value):
                containers[t.id] = node.lineno
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            for name in node.names:
                found.setdefault(name, containers.get(name, node.lineno))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            base = node.func.value
            if isinstance(base, ast.Name) and base.id in containers:
                found.setdefault(base.id, containers[base.id])
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            for t in getattr(node, "targets", [getattr(node, "target", None)]):
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in containers:
                    found.setdefault(t.value.id, containers[t.value.id])
    out = []
    for name, line in sorted(found.items(), key=lambda kv: kv[1]):
        said = [l for l in lines[max(0, line - 3):line] if "#" in l]
        out.append((f"{path.relative_to(HOOKS)}:{name}", line, said[-1].split("#", 1)[1].strip() if said else ""))
    return out


def test_at_most_two_pieces_of_module_state_each_saying_why():
    found = [s for path in sorted(HOOKS.rglob("*.py")) for s in module_state(path)]
    assert len(found) <= 2, found
    assert all(why for _, _, why in found), found


def test_the_check_sees_what_it_is_for(tmp_path):
    bad = tmp_path / "m.py"
    bad.write_text("_CACHE = {}\n_SEEN: set = set()\n\n\ndef f(k):\n    _CACHE[k] = 1\n    _SEEN.add(k)\n"
                   "\n\ndef g():\n    global _X\n    _X = 2\n", encoding="utf-8")
    global HOOKS
    saved, HOOKS = HOOKS, tmp_path
    try:
        names = [n for n, _, _ in module_state(bad)]
    finally:
        HOOKS = saved
    assert names == ["m.py:_CACHE", "m.py:_SEEN", "m.py:_X"]
