"""Writing whole issue folders atomically: a temporary folder, then one rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import canonical, safefile
from .model import Registry


def issue_files(issue: dict, districts: dict[str, dict], registry: Registry) -> dict[str, str]:
    order = tuple(m.name for m in registry.metrics)
    files = {"issue.yaml": canonical.render(issue, "issue")}
    for slug, data in districts.items():
        files[f"{slug}.yaml"] = canonical.render(data, "district", order)
    return files


def write_issue_folder(target: Path, files: dict[str, str], force: bool = False) -> None:
    """All files appear at once or not at all; an existing folder is replaced only with force.

    The replacement is one atomic exchange of the new folder with the old one (renameat2), so a
    process killed at any instant leaves either the old issue or the new one, never neither.
    Where the system cannot exchange, two renames are used and a crash between them leaves
    `.<id>.old`, which `validate` reports by name."""
    if target.exists() and not force:
        raise FileExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
    try:
        os.chmod(tmp, 0o777 & ~safefile.umask())  # mkdtemp's 0700 is not what the editor's umask says
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8", newline="\n")
        if not target.exists():
            tmp.rename(target)
        elif safefile.exchange(tmp, target):
            shutil.rmtree(tmp)  # now holds the previous issue
        else:
            _two_renames(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _two_renames(tmp: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    try:
        tmp.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
