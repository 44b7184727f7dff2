"""Older office files (.doc, .wps, .rtf, .odt) → .docx through LibreOffice headless, then read as Word."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .blocks import SourceError

SUFFIXES = (".doc", ".wps", ".wpt", ".dot", ".rtf", ".odt")
INSTALL = "sudo apt-get install libreoffice-writer-nogui"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(path: Path, workdir: Path) -> Path:
    """The .docx LibreOffice makes of `path`, in `workdir`; SourceError in Chinese otherwise."""
    program = soffice()
    if not program:
        raise SourceError(f"{path.name}: 导入 {path.suffix} 文件需要 LibreOffice，本机没有安装 — "
                          f"请先安装（Debian/Ubuntu：{INSTALL}），或在 Word/WPS 中另存为 .docx 后再导入")
    source = workdir / f"source{path.suffix.lower()}"
    shutil.copyfile(path, source)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=workdir))
    cmd = [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
           "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(workdir / "out"), str(source)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise SourceError(f"{path.name}: LibreOffice 转换超过 3 分钟仍未完成 — 请在 Word/WPS 中另存为 .docx 后再导入") from None
    result = workdir / "out" / "source.docx"
    if done.returncode != 0 or not result.exists():
        raise SourceError(f"{path.name}: LibreOffice 无法打开这个文件（可能已损坏，或不是 Word/WPS 文档） — "
                          "请在 Word/WPS 中打开并另存为 .docx 后再导入")
    return result
