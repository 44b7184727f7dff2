"""Small archives for in-process tests: the project's registries and issues written by the test
(tests/unit/conftest.py puts this folder on the path and makes the `small` fixture)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bulletins.data.load import load_archive
from bulletins.data.state import BuildState

REPO = Path(__file__).resolve().parents[2]

HEADER = """number: {number}
date: {date}
series: 专报
publisher: 办公室
report:
  title: 通报
{extra}"""


def header(number: int = 33, date: str = "2018-09-21", extra: str = "") -> str:
    return HEADER.format(number=number, date=date, extra=extra)


def district(name: str, *findings: str, extra: str = "", types: str = "[窗口纪律]") -> str:
    """A district file; a finding given as `text|key: value|key: value` carries those fields too."""
    body = ""
    for f in findings:
        text, *fields = f.split("|")
        body += f"  - text: {text}\n    types: {types}\n" + "".join(f"    {x}\n" for x in fields)
    return f"district: {name}\n{extra}" + (f"findings:\n{body}" if findings else "")


class Small:
    """A scratch archive: `write({"2018-033": {"issue.yaml": …}})`, then `load()`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(REPO / "issues" / "registry", root / "issues" / "registry")

    def write(self, issues: dict[str, dict[str, str]]) -> "Small":
        for folder, files in issues.items():
            (self.root / "issues" / folder).mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                (self.root / "issues" / folder / name).write_text(text, encoding="utf-8")
        return self

    def load(self, **kw):
        return load_archive(self.root, state=kw.pop("state", None) or BuildState(), **kw)

    def archive(self):
        archive, problems = self.load()
        assert archive is not None, [str(p) for p in problems]
        return archive
