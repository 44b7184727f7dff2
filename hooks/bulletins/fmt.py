"""`bulletins fmt`: every data file in the one canonical layout; comments kept, data unchanged."""

from __future__ import annotations

from pathlib import Path

from . import canonical, yamlio
from .load import as_plain
from .problems import Problem


def data_files(root: Path, paths: list[Path] | None = None) -> list[Path]:
    if not paths:
        return sorted(p for p in (root / "issues").glob("*/*.yaml")
                      if p.parent.name != "registry" and not p.name.startswith("."))
    out = []
    for p in paths:
        p = p.resolve()
        out += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return out


def formatted(path: Path, metric_order: tuple[str, ...]) -> str | None:
    """The canonical text of a file, or None if it cannot be formatted safely (it does not parse)."""
    text = path.read_text(encoding="utf-8-sig")
    data, problems = yamlio.parse_text(text, "")
    if problems:
        return None
    kind = "issue" if path.name == "issue.yaml" else "district"
    out = canonical.render(yamlio.load_roundtrip(text), kind, metric_order)
    after, _ = yamlio.parse_text(out, "")
    if as_plain(after) != as_plain(data):
        return None  # never write a file whose data would change
    return out


def run(root: Path, paths: list[Path] | None, check: bool, metric_order: tuple[str, ...]) -> tuple[list[str], list[Problem]]:
    """(files changed or to change, problems). With check, nothing is written."""
    changed, problems = [], []
    for path in data_files(root, paths):
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        try:
            new = formatted(path, metric_order)
        except (OSError, UnicodeDecodeError):
            new = None
        if new is None:
            problems.append(Problem(rel, 1, 1, "无法格式化：文件有语法错误或不是 UTF-8 — 先运行 bulletins validate 修正错误"))
            continue
        if new != path.read_text(encoding="utf-8"):
            changed.append(rel)
            if not check:
                yamlio.write_atomic(path, new)
    return changed, problems
