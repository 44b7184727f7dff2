"""Where the archive is: found upward from the current directory, as git finds its repository."""

from __future__ import annotations

import os
from pathlib import Path


class NoArchive(Exception):
    pass


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "issues").is_dir():
            return folder
    raise NoArchive(f"在 {here} 及其上级目录中找不到归档（需要 mkdocs.yml 和 issues/） — 请在归档目录中运行")


def data_path(root: Path, given: Path) -> tuple[Path, str | None]:
    """A path an editor named (absolute, links not followed) and, when it is not in this archive's
    issues/, why: commands never pass silently over data they did not read."""
    path = Path(os.path.abspath(given))
    base = root / "issues"
    if not os.path.lexists(path):
        return path, "找不到这个文件或文件夹 — 请检查路径"
    if not path.is_relative_to(base):
        return path, f"不在本归档的 issues/ 中 — 请给出 {base} 里的期文件夹或数据文件"
    return path, None


def cache_folder(root: Path) -> Path | None:
    """The archive's own cache folder (.cache/bulletins), or None when a part of that path is a
    link: a build deletes and rewrites what it finds there, so never in a folder elsewhere."""
    folder = root / ".cache" / "bulletins"
    if any(p.is_symlink() for p in (folder.parent, folder)):
        return None
    return folder
