"""Under `mkdocs serve`: the issue an editor just changed comes first.

A full rebuild of the preview renders every page whose data changed, and an edit of one finding
changes many (its district's, its types', the archive's counts): seconds at 520 issues. When only
files inside existing issue folders changed since the last build, a quick rebuild makes just those
issues' pages, from the last build's model with the edited issues read again; every other page is
written as the last build wrote it. It then asks for a full rebuild, which follows at once and
brings the rest of the archive up to date (and checks what only the whole archive can show, such as
a `follows:` pointing at nothing). No MkDocs here: mkdocs_glue does the asking.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from bulletins.data.load import load_issue
from bulletins.data.model import Archive
from bulletins.data.state import BuildState
from bulletins.files.problems import errors
from bulletins.web.build import Site
from bulletins.web.pages import issue_page

_ISSUE_FILE = re.compile(r"issues/(\d{4}-\d{3})/[^/]+\.yaml")


def data_stats(root: Path, scanned: dict | None = None, changes=None) -> dict[str, tuple[int, int]]:
    """Every file under issues/: (modification time, size), to tell what an edit touched. Given
    the files as last looked at (`scanned`, whatever became of that build) and the folders the
    kernel has reported changes in since (servewatch.Changes), only those folders are looked at."""
    folders = changes.take() if changes is not None else None
    if scanned is None or folders is None:
        return _stats(root, root / "issues")
    names = {f.split("/", 1)[1] for f in folders}
    out = {p: v for p, v in scanned.items() if p.split("/", 2)[1] not in names}
    for folder in sorted(folders):
        out.update(_stats(root, root / folder))
    return out


def _stats(root: Path, top: Path) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    if top.is_file():  # a file of its own in issues/ (no issue's): looked at like a folder
        st = top.stat()
        return {top.relative_to(root).as_posix(): (st.st_mtime_ns, st.st_size)}
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                st = entry.stat(follow_symlinks=False)
                out[Path(entry.path).relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return out


def quick_site(last: Site, root: Path, before: dict, now: dict, state: BuildState) -> tuple[Site, set[str]] | None:
    """The last build's site with the edited issues read again and their pages made anew, and the
    URLs of those pages; None when the edit needs a full rebuild (a new, deleted or draft issue, the
    registry, an error to show, or nothing in the data changed)."""
    changed = {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
    folders = set()
    for path in changed:
        m = _ISSUE_FILE.fullmatch(path)
        if m is None:
            return None
        folders.add(m.group(1))
    if not folders or last.data is None:
        return None
    published = {i.id: i for i in last.archive.issues}
    edited = {}
    for name in sorted(folders):
        old = published.get(name)
        if old is None or not (root / "issues" / name).is_dir():
            return None
        issue, problems = load_issue(root, root / "issues" / name, last.archive.registry, state)
        if issue is None or errors(problems) or issue.draft:
            return None
        edited[name] = issue
    archive = Archive(last.archive.registry, tuple(edited.get(i.id, i) for i in last.archive.issues))
    data = dataclasses.replace(last.data, archive=archive)
    pages = dict(last.pages)
    made = set()
    for issue in edited.values():
        spec = issue_page(data, issue)
        pages[spec.url] = spec
        made.add(spec.url)
    site = dataclasses.replace(last, archive=archive, pages=pages, data=data, _keys={})
    return site, made
