"""Reading one file within a budget of memory and time, whatever the file holds.

A reader parses what an office sent; a crafted file (a zip whose directory lies, PDF forms that
draw each other, Word styles chained twenty thousand deep) could take all the machine's memory or
run for hours. Each file is read in a child process with its address space and CPU time limited
(`MEMORY`, `SECONDS`, stated in doc/importing.md); past either, the file is refused in Chinese and
the run goes on. The child is forked, so it starts with what the parent has already imported.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from typing import Any, Callable

from .blocks import SourceError

MEMORY = 1536 * 1024 * 1024  # bytes of address space for reading one file (a bulletin needs under 100 MB)
SECONDS = 60  # CPU seconds for reading one file (a bulletin takes under 2)


def _child(conn, func: Callable[..., Any], args: tuple) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS + 5))
    try:
        conn.send(("ok", func(*args)))
    except SourceError as exc:
        conn.send(("refused", str(exc)))
    except MemoryError:
        conn.send(("memory", ""))
    except BaseException as exc:  # noqa: BLE001 — reported by the parent, never a traceback
        conn.send(("crashed", exc.__class__.__name__))
    finally:
        conn.close()


def run(name: str, func: Callable[..., Any], *args: Any) -> Any:
    """func(*args) in a child within the budget; its result, or a SourceError saying why not."""
    if os.environ.get("BULLETINS_READ_IN_PROCESS"):  # a debugger's way in; never set by the project
        return func(*args)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, func, args), daemon=True)
    process.start()
    child.close()
    try:
        ready = parent.poll(SECONDS * 2)  # wall clock: a child that sleeps or waits is stopped too
        kind, value = parent.recv() if ready else ("time", "")
    except (EOFError, OSError):
        kind, value = "memory", ""  # killed by the kernel at a limit before it could answer
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if kind == "ok":
        return value
    if kind == "refused":
        raise SourceError(value)
    if kind == "memory" or process.exitcode in (-signal.SIGKILL, -signal.SIGXCPU):
        what = "内存" if kind == "memory" else "时间"
        raise SourceError(f"{name}: 读取这个文件所需的{what}超出上限（内存 {MEMORY // 1024 // 1024} MB、"
                          f"{SECONDS} 秒），不像一期通报 — 已拒绝；请用 Word 另存为 .docx 或 .txt 后再导入")
    if kind == "time":
        raise SourceError(f"{name}: 读取超过 {SECONDS * 2} 秒仍未完成，已停止 — 请用 Word 另存为 .docx 或 .txt 后再导入")
    raise SourceError(f"{name}: 读取时出错（{value}），这个文件没有导入 — 请用 Word 另存为 .docx 或 .txt 后再导入")
