"""Where the archive is: found upward from the current directory, as git finds its repository."""

from __future__ import annotations

from pathlib import Path


class NoArchive(Exception):
    pass


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "issues").is_dir():
            return folder
    raise NoArchive(f"在 {here} 及其上级目录中找不到归档（需要 mkdocs.yml 和 issues/） — 请在归档目录中运行")
