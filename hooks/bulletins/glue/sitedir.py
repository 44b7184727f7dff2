"""The site folder: a build only ever replaces what a build wrote, and only when it succeeded.

MkDocs empties `site_dir` before it builds. Named wrongly (`--site-dir issues`, `hooks`, `.git`, a
folder of someone's files) that deletes data; a build that fails half-way leaves no site at all.
So a build writes into a new folder beside the site folder (`.site.building-<pid>`) and, once it
has succeeded, exchanges the two in one rename; the old site is then removed. A site folder
carries a marker file: a non-empty folder without one, the archive's own folders and the archive
itself are refused before anything is touched.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

from bulletins.files.safefile import alive, exchange, remove

MARKER = ".zhuanbao-site"
MARKER_TEXT = "这个文件夹是专报归档生成的站点：每次构建会整个替换它，请不要在这里放其他文件。\n"
OWN = ("issues", "hooks", "docs", "theme_overrides", "tests", "scripts", "doc", "deploy", "screenshots",
       ".git", ".cache", ".ci", ".venv")
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?:building|old)-(?P<pid>\d+)(?:-\d+)?$")


class Refused(Exception):
    """The site folder may not be written; the message says why and what to do, in Chinese."""


def check(root: Path, site: Path, docs_dir: Path | None = None) -> None:
    """Refuses a site folder that is not ours to replace (before anything is written or deleted)."""
    shown = site
    site = Path(os.path.abspath(site))
    if site.is_symlink():
        raise Refused(f"站点文件夹 {shown} 是符号链接 — 请给出一个真实的文件夹（构建会整个替换它）")
    real, home = site.resolve(), root.resolve()
    if real == home or home.is_relative_to(real):
        raise Refused(f"站点文件夹 {shown} 是归档本身或它的上级文件夹 — 构建会整个替换站点文件夹，"
                      "请给出一个单独的文件夹，如 site/")
    own = [n for n in OWN if (home / n).exists()] + ([docs_dir.name] if docs_dir else [])
    for name in own:
        folder = (home / name).resolve()
        if real == folder or real.is_relative_to(folder):
            raise Refused(f"站点文件夹 {shown} 在归档自己的 {name}/ 中 — 构建会整个替换站点文件夹，"
                          "这会删掉其中的文件；请给出一个单独的文件夹，如 site/")
    if site.exists():
        if not site.is_dir():
            raise Refused(f"站点文件夹 {shown} 已存在，但不是文件夹 — 请换一个名字")
        entries = os.listdir(site)
        if entries and MARKER not in entries:
            raise Refused(f"站点文件夹 {shown} 里已有文件，却不是专报归档生成的站点（没有 {MARKER}） — "
                          "构建会整个替换它，为免删掉这些文件，没有开始构建。请换一个新的文件夹；"
                          "如果它确是旧版本生成的站点，请先自己删除它")


def special_file(folder: Path) -> tuple[Path, str] | None:
    """The first FIFO, socket or device under a folder MkDocs reads (links are not followed)."""
    import stat

    from bulletins.files.safefile import kind_of

    for here, dirs, names in os.walk(folder):
        for name in sorted(dirs + names):
            path = Path(here) / name
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                return path, kind_of(mode)
    return None


def staging(site: Path) -> Path:
    """A new, empty folder beside the site folder, for this build; stale ones of dead builds go."""
    site = Path(os.path.abspath(site))
    site.parent.mkdir(parents=True, exist_ok=True)
    for entry in os.listdir(site.parent):
        m = _STAGING.match(entry)
        if m and m.group("name") == site.name and not alive(int(m.group("pid"))):
            remove(site.parent / entry)
    folder = site.parent / f".{site.name}.building-{os.getpid()}"
    remove(folder)
    folder.mkdir()
    return folder


def publish(folder: Path, site: Path, serving: bool = False) -> None:
    """The finished build takes the site folder's place in one step; the old site is removed.
    Permissions are made those of a published site (a web server reads it, whatever the umask).
    Under `mkdocs serve` MkDocs serves the folder itself (no permissions to set) and the old
    preview is removed after the new one is served (seconds at 1,040 issues)."""
    site = Path(os.path.abspath(site))
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    if not serving:
        for path in (folder, *folder.rglob("*")):
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    if not site.exists():
        os.rename(folder, site)
        return
    if exchange(folder, site):
        _retire(folder, site, serving)  # now the previous site
        return
    old = site.parent / f".{site.name}.old-{os.getpid()}"
    os.rename(site, old)
    os.rename(folder, site)
    _retire(old, site, serving)


def _retire(old: Path, site: Path, later: bool) -> None:
    if not later:
        remove(old)
        return
    gone = site.parent / f".{site.name}.old-{os.getpid()}-{time.monotonic_ns()}"
    os.rename(old, gone)  # the next build's staging folder may take the old name at once
    threading.Thread(target=remove, args=(gone,), name="zb-old-site", daemon=True).start()


def update(folder: Path, site: Path, leave: tuple[str, ...] = ()) -> None:
    """Under `mkdocs serve`, a quick rebuild: each file the build wrote replaces its own in the
    served folder (one rename each, so a page is read whole, old or new); the rest stays. Files
    named in `leave` (at the top) are not taken; the build's folder is then removed."""
    for here, _dirs, names in os.walk(folder):
        rel = os.path.relpath(here, folder)
        dest = site if rel == "." else site / rel
        dest.mkdir(parents=True, exist_ok=True)
        for name in names:
            if rel == "." and (name in leave or name == MARKER):
                continue
            os.replace(os.path.join(here, name), dest / name)
    remove(folder)


def discard(folder: Path | None) -> None:
    if folder is not None:
        remove(folder)
