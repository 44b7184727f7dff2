"""What git knows about the data: file contents at a revision, and the commits of each issue.

Dates come from commits, never the clock, so two builds of one commit are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.decode("utf-8", "replace") if out.returncode == 0 else None


def last_commit_time(root: Path, leaving_out: tuple[str, ...] = ()) -> int | None:
    """The time of the last commit, or of the last that touched anything but `leaving_out`
    (paths: the drafts' folders, whose commits publish nothing)."""
    spec = ("--", ".", *(f":(exclude){p}" for p in leaving_out)) if leaving_out else ()
    out = _git(root, "log", "-1", "--format=%ct", *spec)
    return int(out.strip()) if out and out.strip().isdigit() else None


def files_at(root: Path, rev: str) -> dict[str, str] | None:
    """Every data file under issues/ at a revision: path → text. None if the revision is unknown."""
    names = _git(root, "ls-tree", "-r", "--name-only", rev, "--", "issues")
    if names is None:
        return None
    out = {}
    for name in names.splitlines():
        if name.endswith(".yaml"):
            text = _git(root, "show", f"{rev}:{name}")
            if text is not None:
                out[name] = text
    return out


def files_in_tree(root: Path) -> dict[str, str]:
    """The working tree's data files as `files_at` gives a revision's (links and FIFOs skipped)."""
    from .yamlio import read_data

    out = {}
    for p in sorted((root / "issues").glob("*/*.yaml")):
        rel = p.relative_to(root).as_posix()
        raw, _ = read_data(p, rel)
        if raw is not None and not p.name.startswith(".") and not p.parent.is_symlink():
            out[rel] = raw.decode("utf-8", errors="replace")
    return out


def commits_by_issue(root: Path) -> dict[str, list[tuple[str, dt.date, str, list[str]]]]:
    """Issue folder → commits that touched it, oldest first: (sha, date, subject, paths)."""
    out = _git(root, "log", "--reverse", "--format=@%H %cs %s", "--name-only", "--", "issues")
    found: dict[str, list] = {}
    current = None
    for line in (out or "").splitlines():
        if line.startswith("@"):
            sha, day, *subject = line[1:].split(" ", 2)
            current = (sha, dt.date.fromisoformat(day), subject[0] if subject else "")
        elif line.startswith("issues/") and current and line.count("/") == 2:
            folder = line.split("/")[1]
            commits = found.setdefault(folder, [])
            if not commits or commits[-1][0] != current[0]:
                commits.append((*current, []))
            commits[-1][3].append(line)
    return found


def show(root: Path, rev: str, path: str) -> str | None:
    return _git(root, "show", f"{rev}:{path}")
