"""Everything a process keeps from one build to the next, in one object.

MkDocs 1.6 loads a hook file once per process (`Hooks._load_hook` is cached), so under
`mkdocs serve` the hook module's `BuildState` lives for every rebuild: that is what makes a
rebuild redo only what changed. Each CLI run and each test makes its own. Nothing else in the
package keeps state between calls; each cache here says what it is keyed by, so a change to
what it was made from is never served stale.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from typing import Any

from .parsecache import ParseCache


@dataclass
class ServeState:
    """What only `mkdocs serve` keeps: the last build, what every page was written as, and the
    folder MkDocs watches for our own requests of a rebuild."""
    last: dict = field(default_factory=dict)  # site, data files' stats and frame key of the last build
    outputs: dict[str, tuple[tuple, str]] = field(default_factory=dict)  # url → (key, the page as written)
    refresh_dir: Any = None
    changes: Any = None  # servewatch.Changes: the issue folders an edit touched (None: look at all)
    scanned: dict | None = None  # issues/'s files as the last build looked at them (preview.data_stats)
    refresh_timer: Any = None


@dataclass
class BuildState:
    parsed: ParseCache = field(default_factory=ParseCache)
    # issue folder → (what it held, issue, problems): an edit re-reads one issue, not 520
    # (measured: 1.3 s of each rebuild at 520 issues)
    issues: dict = field(default_factory=dict)
    # url → (fingerprint of what the page shows, body): an edit re-renders only the pages whose
    # data changed (measured at 520 issues: 3.5 s of rendering becomes a few hundredths)
    bodies: dict[str, tuple[int, str]] = field(default_factory=dict)
    exports: dict[str, Any] = field(default_factory=dict)  # the last exports, with their data version
    environments: dict = field(default_factory=dict)  # templates folder → Jinja environment (compiled once)
    rendered: dict = field(default_factory=dict)  # a district report's search records, by what they show
    search_fallback: Any = None  # a temporary search cache for a read-only checkout
    serve: ServeState = field(default_factory=ServeState)

    def fallback_cache(self) -> str:
        if self.search_fallback is None:
            self.search_fallback = tempfile.TemporaryDirectory(prefix="zb-search-cache-")
        return self.search_fallback.name
