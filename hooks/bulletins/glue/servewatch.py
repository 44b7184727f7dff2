"""Under `mkdocs serve` on Linux: the archive watched through inotify rather than by polling.

MkDocs polls every watched tree twice a second. With an archive of a thousand issue folders
(15,000 files) each poll is a walk of the tree that holds Python's lock against the rebuild it
should start: half a second before an edit is seen, and a preview rebuild twice as slow while the
walks go on (measured at 1,040 issues, doc/performance.md). The kernel says what changed at once.

Only changes start a rebuild (a file written, made, removed or renamed): inotify also reports files
opened and read, and a rebuild reads every issue file. Elsewhere (macOS, Windows), or when inotify
cannot be had (its watch limit reached), MkDocs' polling stays.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from watchdog.events import (FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent,
                             FileMovedEvent, FileSystemEventHandler, DirCreatedEvent, DirDeletedEvent,
                             DirMovedEvent)

try:
    from watchdog.observers.inotify import InotifyObserver
except Exception:  # not Linux: no inotify (its module reads the C library as it loads)
    InotifyObserver = None

CHANGES = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]  # MkDocs itself passes over folders


def native(server) -> bool:
    """Moves the paths the server watches onto an inotify observer (before it starts); False, and
    the server as it was, where that cannot be done."""
    if InotifyObserver is None or not sys.platform.startswith("linux"):
        return False
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or not hasattr(server, "unwatch") or server.observer.is_alive():
        return False

    class ChangesOnly(InotifyObserver):
        def schedule(self, handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
            return super().schedule(handler, path, recursive=recursive, event_filter=event_filter or CHANGES,
                                    follow_symlink=follow_symlink)

    polling, paths = server.observer, dict(watched)
    _each(paths, server.unwatch)
    server.observer = ChangesOnly()
    try:
        _each(paths, server.watch)
        return True
    except OSError:  # no inotify here, or its limit reached: poll as MkDocs does
        server._watched_paths.clear()  # what reached the new observer (a path that failed has no ref)
        server._watch_refs.clear()
        server.observer = polling
        _each(paths, server.watch)
        return False


def _each(paths: dict[str, int], call) -> None:
    """MkDocs counts how often a path is watched: each count is one call."""
    for path, count in paths.items():
        for _ in range(count):
            call(path)


class Changes(FileSystemEventHandler):
    """The issue folders the kernel reported changes in since the last build took them: a
    rebuild then looks again at those folders' files only, not at all 15,000 (0.3 s at 1,040
    issues). `None` from `take` means "look at everything" (a change outside any issue folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.folders: set[str] | None = set()

    def on_any_event(self, event) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]
        with self.lock:
            for path in filter(None, paths):
                try:
                    parts = Path(os.fsdecode(path)).relative_to(self.root).parts
                except ValueError:
                    continue
                if len(parts) < 2:
                    self.folders = None
                elif self.folders is not None:
                    self.folders.add(f"{parts[0]}/{parts[1]}")

    def take(self) -> set[str] | None:
        with self.lock:
            folders, self.folders = self.folders, set()
        return folders


def watch_issues(server, root: Path) -> Changes | None:
    """On the native observer only (`native` has run): what changed where, for preview.py."""
    if InotifyObserver is None or not isinstance(server.observer, InotifyObserver) or not (root / "issues").is_dir():
        return None
    changes = Changes(root)
    try:
        server.observer.schedule(changes, str(root / "issues"), recursive=True)
    except OSError:
        return None
    return changes
