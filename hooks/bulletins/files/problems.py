"""Problems a person reads: file, line, column, severity and a Chinese message."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    message: str  # "what is wrong — what would be right", in Chinese
    severity: str = ERROR

    def __str__(self) -> str:
        label = "错误" if self.severity == ERROR else "警告"
        return f"{self.path}:{self.line}:{self.col}: {label}：{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class ArchiveError(Exception):
    """Raised when the archive cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
