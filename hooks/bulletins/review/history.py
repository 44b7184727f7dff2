"""更正说明: notes an editor wrote into an issue's data after publication; git adds the exact change.

Commit messages are internal notes and are never published. A correction is declared in the
issue's own `corrections:` list, reviewed in the diff like any other data. Where git is there,
the commit that added a note also tells exactly what it changed (semdiff lines under the note).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bulletins.data import gitdata
from bulletins.data.model import Archive, CorrectionNote
from . import semdiff


@dataclass(frozen=True)
class Correction:
    issue_id: str
    date: dt.date
    note: str  # the editor's words, from the data
    changes: tuple[str, ...] = ()  # what, in words (semdiff lines), where git knows


def last_changed(commits: dict[str, list]) -> dict[str, dt.date]:
    """Issue folder → date of the last commit that touched it."""
    return {folder: found[-1][1] for folder, found in commits.items() if found}


def corrections(root: Path, commits: dict[str, list], archive: Archive) -> dict[str, tuple[Correction, ...]]:
    """Issue id → its correction notes, newest first, each with the data change of the commit
    that added it (when git has that commit). `commits` is `gitdata.commits_by_issue(root)`."""
    out: dict[str, tuple[Correction, ...]] = {}
    for issue in archive.issues:
        if not issue.corrections:
            continue
        changes = _changes_by_note(root, commits.get(issue.id, []), issue.id)
        notes = [Correction(issue.id, c.date, c.note, changes.get(key, ()))
                 for c, key in zip(issue.corrections, _keys(issue.corrections))]
        out[issue.id] = tuple(sorted(notes, key=lambda c: c.date, reverse=True))
    return out


def _notes(text: str | None) -> list[CorrectionNote]:
    data = semdiff.parse(text)
    items = data.get("corrections") if isinstance(data, dict) else None
    return [CorrectionNote(c["date"] if isinstance(c["date"], dt.date) else dt.date.fromisoformat(str(c["date"])),
                           str(c["note"]).strip())
            for c in items or [] if isinstance(c, dict) and "date" in c and "note" in c]


def _keys(notes) -> list[tuple[dt.date, int]]:
    """A note is known by its date and its place among the notes of that date, never by its words:
    rewording a note later keeps the change it was written for, and is not a new note."""
    seen: dict[dt.date, int] = {}
    out = []
    for n in notes:
        seen[n.date] = seen.get(n.date, 0) + 1
        out.append((n.date, seen[n.date]))
    return out


def _changes_by_note(root: Path, commits_of: list, folder: str) -> dict[tuple[dt.date, int], tuple[str, ...]]:
    """The note(s) each commit added, with that commit's data change (less the notes themselves)."""
    found: dict[tuple[dt.date, int], tuple[str, ...]] = {}
    header = f"issues/{folder}/issue.yaml"
    for sha, _day, _subject, paths in commits_of[1:]:
        if header not in paths:
            continue  # a note lives in issue.yaml: a commit that did not touch it added none
        before, after = gitdata.show(root, f"{sha}^", header), gitdata.show(root, sha, header)
        had = set(_keys(_notes(before)))
        added = [k for k in _keys(_notes(after)) if k not in had]
        if not added:
            continue
        old = {p: t for p in paths if (t := gitdata.show(root, f"{sha}^", p)) is not None}
        new = {p: t for p in paths if (t := gitdata.show(root, sha, p)) is not None}
        lines = tuple(line.strip() for line in semdiff.diff(old, new)[1:]  # data only: no notes, no comments
                      if not line.strip().startswith((semdiff.NOTE_PREFIX, semdiff.COMMENTS_ONLY)))
        found[added[-1]] = lines
    return found
