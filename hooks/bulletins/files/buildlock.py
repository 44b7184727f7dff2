"""One build at a time into one site folder.

MkDocs empties site_dir and Pagefind writes site/pagefind/: two builds into one folder interleave
and can both exit 0 with a search index that finds nothing. The second build waits for the first
(an advisory lock beside the site folder, released by the system if the process dies). The
search index's cache, shared by builds into any folder, is locked the same way (searchindex).
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import filelock

log = logging.getLogger("mkdocs.plugins.bulletins")


class FileLock:
    """An advisory lock on a file (the `filelock` library's flock, released by the system if the
    process dies; never its "soft" lock, which a killed build would leave behind); `waiting` is
    said when another process holds it. A read-only checkout has nothing to lock."""

    def __init__(self, path: Path, waiting: str) -> None:
        self.path = path
        self.waiting = waiting
        self._lock: filelock.BaseFileLock | None = None

    def acquire(self) -> None:
        if self._lock is not None:
            return
        lock = filelock.FileLock(self.path, thread_local=False, fallback_to_soft=False, preserve_lock_file=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                log.info(self.waiting)
                lock.acquire()
        except OSError:
            return  # a read-only checkout: nothing to lock, and no cache to share either
        self._lock = lock

    def release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release(force=True)

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
