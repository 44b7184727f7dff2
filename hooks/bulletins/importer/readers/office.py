"""Older office files (.doc, .wps, .rtf, .odt) → .docx through LibreOffice headless, then read as Word."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .blocks import SourceError

SUFFIXES = (".doc", ".wps", ".wpt", ".dot", ".rtf", ".odt")
INSTALL = "sudo apt-get install libreoffice-writer-nogui"


TIMEOUT = 180  # seconds for one conversion


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


@functools.lru_cache(maxsize=1)
def offline() -> tuple[str, ...]:
    """A command prefix that runs LibreOffice with no network (a linked image at an http address
    is never fetched): a network namespace of its own, by `unshare`. Empty where the system
    allows none: then the conversion runs as it is, and doc/importing.md says so."""
    for prefix in (("unshare", "-rn"), ("unshare", "-n")):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
    return ()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(path: Path, workdir: Path) -> Path:
    """The .docx LibreOffice makes of `path`, in `workdir`; SourceError in Chinese otherwise."""
    program = soffice()
    if not program:
        raise SourceError(f"{path.name}: 导入 {path.suffix} 文件需要 LibreOffice，本机没有安装 — "
                          f"请先安装（Debian/Ubuntu：{INSTALL}），或在 Word/WPS 中另存为 .docx 后再导入")
    if path.suffix.lower() == ".odt":  # a zip like .docx: the same bounds before LibreOffice expands it
        from .wordml import check_package
        check_package(path)
    source = workdir / f"source{path.suffix.lower()}"
    shutil.copyfile(path, source)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=workdir))
    cmd = [*offline(), program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
           "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(workdir / "out"), str(source)]
    # its own process group: at the time limit the whole of LibreOffice goes (soffice.bin outlives
    # the soffice script it was started by)
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise SourceError(f"{path.name}: LibreOffice 转换超过 {TIMEOUT // 60} 分钟仍未完成，已停止 — "
                          "请在 Word/WPS 中另存为 .docx 后再导入") from None
    finally:
        _kill_group(process)  # anything it left running
    result = workdir / "out" / "source.docx"
    if process.returncode != 0 or not result.exists():
        raise SourceError(f"{path.name}: LibreOffice 无法打开这个文件（可能已损坏，或不是 Word/WPS 文档） — "
                          "请在 Word/WPS 中打开并另存为 .docx 后再导入")
    return result
