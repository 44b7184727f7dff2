"""更正记录: what was corrected in an issue's data after it was first committed, from git."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import gitdata, semdiff


@dataclass(frozen=True)
class Correction:
    issue_id: str
    date: dt.date
    message: str  # the commit's subject: why
    changes: tuple[str, ...]  # what, in words (semdiff lines)


def last_changed(commits: dict[str, list]) -> dict[str, dt.date]:
    """Issue folder → date of the last commit that touched it."""
    return {folder: found[-1][1] for folder, found in commits.items() if found}


def corrections(root: Path, commits: dict[str, list], issue_ids: set[str]) -> dict[str, tuple[Correction, ...]]:
    """Every commit after an issue's first one that changed its data; layout-only commits are skipped.

    `commits` is `gitdata.commits_by_issue(root)`, read once per build for both uses.
    """
    out: dict[str, tuple[Correction, ...]] = {}
    for folder, commits_of in commits.items():
        if folder not in issue_ids:
            continue
        found = []
        for sha, day, subject, paths in commits_of[1:]:
            old = {p: t for p in paths if (t := gitdata.show(root, f"{sha}^", p)) is not None}
            new = {p: t for p in paths if (t := gitdata.show(root, sha, p)) is not None}
            lines = [line.strip() for line in semdiff.diff(old, new)[1:]]
            if lines:
                found.append(Correction(folder, day, subject, tuple(lines)))
        if found:
            out[folder] = tuple(reversed(found))  # newest first
    return out
