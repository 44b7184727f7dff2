"""`bulletins fmt`: every data file in the one canonical layout; comments kept, data unchanged
but for one addition: a confirmed `follows:` without `follows_quote:` gets the quote of its target."""

from __future__ import annotations

from pathlib import Path

from bulletins.data import yamlio
from bulletins.data.yamlio import as_plain
from bulletins.files import project, safefile
from bulletins.files.problems import Problem
from . import canonical


def data_files(root: Path, paths: list[Path] | None = None) -> tuple[list[Path], list[Problem]]:
    """The data files to format, and a problem for each path that is not one: outside the
    archive's issues/, missing, or reached through a link (fmt never follows one)."""
    base = root / "issues"
    if not paths:
        return sorted(p for p in base.glob("*/*.yaml") if p.parent.name != "registry"
                      and not p.name.startswith(".") and not p.parent.is_symlink()), []
    out, problems = [], []
    for given in paths:
        p, refused = project.data_path(root, given)  # not resolved: a link must be seen, not followed
        shown = str(given)
        if refused:
            problems.append(Problem(shown, 1, 1, refused))
        elif (link := safefile.link_inside(root, p)) is not None:
            problems.append(Problem(shown, 1, 1, f"{link.relative_to(root).as_posix()} 是符号链接 — fmt 不跟随链接"))
        elif p.is_dir():
            found, _ = data_files(root) if p == base else ([q for q in sorted(p.glob("*.yaml"))
                                                             if not q.is_symlink()], [])
            out += found
        else:
            out.append(p)
    return out, problems


def formatted(text: str, name: str, metric_order: tuple[str, ...], quotes: dict[str, str] | None = None) -> str | None:
    """The canonical text of a file, or None if it cannot be formatted safely (it does not parse).
    A file with no data (empty, or only comments) is left as it is. `quotes` (finding id → the
    quote of its text) fill in `follows_quote` where a `follows` has none."""
    data, problems = yamlio.parse_text(text, "")
    if problems:
        return None
    if data is None:
        return text
    kind = {"issue.yaml": "issue", "sections.yaml": "sections"}.get(name, "district")
    tree = yamlio.load_roundtrip(text)
    expected = as_plain(data)
    if kind == "district" and quotes:
        _add_quotes(tree, quotes)
        _add_quotes(expected, quotes)
    out = canonical.render(tree, kind, metric_order)
    after, _ = yamlio.parse_text(out, "")
    if as_plain(after) != expected:
        return None  # never write a file whose data would change
    return out


def _add_quotes(data, quotes: dict[str, str]) -> None:
    for item in (data.get("findings") or []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and item.get("follows") in quotes and not item.get("follows_quote"):
            item["follows_quote"] = quotes[item["follows"]]


def quotes(root: Path) -> dict[str, str]:
    """Every finding's id → the quote a link to it keeps (none when the archive has errors)."""
    from bulletins.data.load import load_archive
    from bulletins.data.model import finding_id
    from bulletins.data.follows import quote_of

    archive, _ = load_archive(root)
    if archive is None:
        return {}
    return {finding_id(i, f): quote_of(f.text) for i in archive.issues for f in i.findings}


def run(root: Path, paths: list[Path] | None, check: bool, metric_order: tuple[str, ...]) -> tuple[list[str], list[Problem]]:
    """(files changed or to change, problems). With check, nothing is written."""
    changed = []
    files, problems = data_files(root, paths)
    known = quotes(root)
    for path in files:
        rel = path.relative_to(root).as_posix()
        raw, refused = yamlio.read_data(path, rel)
        if raw is None:
            problems += refused
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        new = formatted(text.removeprefix("\ufeff"), path.name, metric_order, known) if text is not None else None
        if new is None:
            problems.append(Problem(rel, 1, 1, "无法格式化：文件有语法错误或不是 UTF-8 — 先运行 bulletins validate 修正错误"))
            continue
        if new != text:
            changed.append(rel)
            if not check:
                yamlio.write_atomic(path, new)
    return changed, problems
