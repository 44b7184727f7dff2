"""Under `mkdocs serve`: asking MkDocs for a full rebuild, through a folder it watches.

After a quick rebuild (preview.py) the full one is asked for a moment later, once the browsers have
fetched the edited page (MkDocs holds every request while it builds).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from bulletins.data.state import ServeState

REFRESH_AFTER = 0.5  # seconds


def watch(server, root: Path, serve: ServeState):
    """on_serve: a folder of ours that MkDocs watches, to ask it for a full rebuild."""
    folder = root / ".cache" / "bulletins" / "serve"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return server  # a read-only checkout: every rebuild is a full one
    server.watch(str(folder))
    serve.refresh_dir = folder
    return server


def ask(serve: ServeState) -> None:
    folder = serve.refresh_dir
    if folder is None:
        return
    if serve.refresh_timer is not None:
        serve.refresh_timer.cancel()

    def touch() -> None:
        try:
            (folder / "refresh").write_text(str(os.getpid()), encoding="utf-8")  # a write: MkDocs sees it
        except OSError:
            pass

    serve.refresh_timer = threading.Timer(REFRESH_AFTER, touch)
    serve.refresh_timer.daemon = True
    serve.refresh_timer.start()
