"""One build at a time into one site folder.

MkDocs empties site_dir and Pagefind writes site/pagefind/: two builds into one folder interleave
and can both exit 0 with a search index that finds nothing. The second build waits for the first
(an advisory lock beside the site folder, released by the system if the process dies). The
search index's cache, shared by builds into any folder, is locked the same way (searchindex).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.bulletins")


class FileLock:
    """An advisory lock on a file (created if need be), released by the system if the process
    dies; `waiting` is said when another process holds it."""

    def __init__(self, path: Path, waiting: str) -> None:
        self.path = path
        self.waiting = waiting
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
            log.info(self.waiting)
            fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> "FileLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class BuildLock(FileLock):
    """One build at a time into one site folder (the lock file is named after the folder)."""

    def __init__(self, root: Path, site_dir: Path) -> None:
        site = Path(os.path.abspath(site_dir))
        name = hashlib.sha1(str(site).encode("utf-8")).hexdigest()[:16]
        super().__init__(root / ".cache" / "bulletins" / f"build-{name}.lock",
                         f"另一个构建正在写入 {site}，等它结束后再开始…")
        self.site = site
