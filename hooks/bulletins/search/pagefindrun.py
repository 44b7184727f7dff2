"""Running Pagefind itself and the search's worker processes: each child ends with the build that
started it (the kernel's parent-death signal), even when the build is killed."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from bulletins.files import safefile


def die_with_parent() -> None:
    """In a child, before it runs: ended by the kernel when its parent dies, even by SIGKILL.
    The C library was loaded before the fork (`safefile.libc()`): nothing here may spawn or import."""
    prctl = getattr(safefile.libc(), "prctl", None)
    if prctl is not None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def pagefind(site: Path, output: Path) -> None:
    safefile.libc()
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
           "--force-language", "zh", "--silent"]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          preexec_fn=die_with_parent)
    if done.returncode != 0:
        raise RuntimeError(f"Pagefind 建立搜索索引失败（退出码 {done.returncode}）：\n{done.stdout}".strip())
