"""Writing whole issue folders atomically: a temporary folder, then one rename."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import canonical
from .model import Registry


def issue_files(issue: dict, districts: dict[str, dict], registry: Registry) -> dict[str, str]:
    order = tuple(m.name for m in registry.metrics)
    files = {"issue.yaml": canonical.render(issue, "issue")}
    for slug, data in districts.items():
        files[f"{slug}.yaml"] = canonical.render(data, "district", order)
    return files


def write_issue_folder(target: Path, files: dict[str, str], force: bool = False) -> None:
    """All files appear at once or not at all; an existing folder is replaced only with force."""
    if target.exists() and not force:
        raise FileExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
    old = target.parent / f".{target.name}.old"
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8", newline="\n")
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        if old.exists() and not target.exists():
            old.rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
