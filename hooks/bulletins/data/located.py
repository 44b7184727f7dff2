"""Problems found at a path inside a data file, turned into file:line:col only when needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bulletins.files.problems import ERROR, WARNING, Problem
from . import yamlio


@dataclass
class FileProblems:
    """Collects problems for one file by data path; lines are looked up once, at the end."""

    path: Path
    relpath: str
    queued: list[tuple[tuple, str, str]] = field(default_factory=list)

    def error(self, keypath: tuple, message: str) -> None:
        self.queued.append((keypath, message, ERROR))

    def warn(self, keypath: tuple, message: str) -> None:
        self.queued.append((keypath, message, WARNING))

    def resolve(self) -> list[Problem]:
        if not self.queued:
            return []
        raw, _ = yamlio.read_data(self.path, self.relpath)
        text = yamlio.decode(raw, self.relpath)[0] if raw is not None else None
        tree = yamlio.positions(text) if text else None
        out = []
        for keypath, message, severity in self.queued:
            line, col = yamlio.locate(tree, keypath)
            out.append(Problem(self.relpath, line, col, message, severity))
        return out
