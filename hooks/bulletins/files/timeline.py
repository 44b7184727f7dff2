"""A build's timeline, printed to stderr when ZB_TIMELINE is set (`ZB_TIMELINE=1 mkdocs build`):
where a build's time goes, step by step and beside the search workers (doc/performance.md)."""

from __future__ import annotations

import os
import sys
import threading
import time

_START = time.perf_counter()


def mark(what: str) -> None:
    if os.environ.get("ZB_TIMELINE"):
        name = threading.current_thread().name
        print(f"[{time.perf_counter() - _START:7.2f} s {name}] {what}", file=sys.stderr, flush=True)
