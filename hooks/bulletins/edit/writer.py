"""Writing whole issue folders atomically: a temporary folder, then one rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bulletins.data.model import Registry
from bulletins.files import safefile
from . import canonical


SECTIONS_HEAD = ("# 这一期按问题类别编排：各部分照原文的顺序；每条问题的 districts 写它点名的区县，\n"
                 "# 它会出现在每个区县的页面、订阅和统计中。各区县的指标和概述在各区县的文件里。\n")


def issue_files(issue: dict, districts: dict[str, dict], registry: Registry,
                proposals: dict[str, dict[int, tuple[str, float, str]]] | None = None,
                sections: list[dict] | None = None) -> dict[str, str]:
    """The files of an issue folder. `proposals` (district → finding number → (id, similarity,
    quote)) become commented-out `follows:` and `follows_quote:` lines, which the editor confirms
    by removing the “# ”."""
    order = tuple(m.name for m in registry.metrics)
    files = {"issue.yaml": canonical.render(issue, "issue")}
    for slug, data in districts.items():
        text = canonical.render(data, "district", order)
        files[f"{slug}.yaml"] = _with_proposals(text, (proposals or {}).get(slug, {}))
    if sections:
        files["sections.yaml"] = SECTIONS_HEAD + canonical.render({"sections": sections}, "sections")
    return files


def _with_proposals(text: str, proposals: dict[int, tuple[str, float, str]]) -> str:
    if not proposals:
        return text
    lines = text.split("\n")
    last = len(lines) - 1 if lines[-1] == "" else len(lines)  # before the final newline
    starts = [i for i, line in enumerate(lines) if line.startswith("  - text:")]
    for n in sorted(proposals, reverse=True):  # from the end, so earlier positions stay valid
        if n > len(starts):
            continue
        end = starts[n] if n < len(starts) else next(
            (i for i in range(starts[n - 1] + 1, last) if not lines[i].startswith("    ")), last)
        fid, score, quote = proposals[n]
        lines[end:end] = [f"    # follows: {fid}  # 导入时的建议（文字相似度 {score}）：确是对它的跟进，就删去这两行开头的“# ”",
                          f"    # follows_quote: {quote}"]
    return "\n".join(lines)


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
