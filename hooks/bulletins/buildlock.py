"""One build at a time into one site folder.

MkDocs empties site_dir and Pagefind writes site/pagefind/: two builds into one folder interleave
and can both exit 0 with a search index that finds nothing. The second build waits for the first
(an advisory lock beside the site folder, released by the system if the process dies).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.bulletins")


class BuildLock:
    def __init__(self, root: Path, site_dir: Path) -> None:
        site = Path(os.path.abspath(site_dir))
        name = hashlib.sha1(str(site).encode("utf-8")).hexdigest()[:16]
        self.path = root / ".cache" / "bulletins" / f"build-{name}.lock"
        self.site = site
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError:
            return  # a read-only checkout: nothing to lock, and no cache to share either
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info(f"另一个构建正在写入 {self.site}，等它结束后再开始…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
