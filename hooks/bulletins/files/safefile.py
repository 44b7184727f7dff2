"""Reading and writing data files without following links, blocking, or trusting sizes.

A FIFO named `x.yaml` would hang a plain `read_bytes()`, a sparse 3 GB file would fill memory,
and a symlink could publish a file from outside the archive. Every data file is opened with
O_NOFOLLOW | O_NONBLOCK, checked with fstat on the open descriptor (no race with the name),
and read only up to its limit. Writes keep the mode a file had, or follow the umask.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

_KINDS = ((stat.S_ISDIR, "文件夹"), (stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISSOCK, "套接字"),
          (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"))


class UnsafeFile(Exception):
    """The path is not a regular file we may read; the message says what it is, in Chinese."""


def kind_of(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "特殊文件"


def read_limited(path: Path, limit: int, follow: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UnsafeFile otherwise.

    `follow=True` is for files an editor hands us from outside the archive (import): a link to a
    document is fine there, a FIFO or a device is not."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile("是符号链接 — 数据文件必须是归档中的普通文件，请用文件本身替换链接") from None
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP, errno.ENODEV):  # a socket or a device
            mode = os.lstat(path).st_mode
            raise UnsafeFile(f"不是普通文件，而是{kind_of(mode)} — 请移走它，数据文件必须是普通文件") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(f"不是普通文件，而是{kind_of(info.st_mode)} — 请移走它，数据文件必须是普通文件")
        if info.st_size > limit:
            raise UnsafeFile(f"文件过大（{info.st_size // 1024} KB） — 不应超过 {_size(limit)}")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # it grew while we read it
            raise UnsafeFile(f"文件过大 — 不应超过 {_size(limit)}")
        return data
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def link_inside(root: Path, path: Path) -> Path | None:
    """The first symlink on the way from `root` down to `path` (inclusive), or None."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        return None
    here = root
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            return here
    return None


def umask() -> int:
    """The process umask, read without changing it where Linux allows (threads under serve)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write through a temporary file and rename, so a crash never leaves half a file. The file
    keeps the mode it had (a new one follows the umask), unlike mkstemp's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        with os.fdopen(fd, "wb") as fb:
            fb.write(data)
            fb.flush()
            os.fsync(fb.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@lru_cache(maxsize=1)
def libc() -> ctypes.CDLL | None:
    """The C library, loaded once (find_library may run ldconfig: never in a forked child)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swaps two paths in one step (Linux renameat2 RENAME_EXCHANGE). False where the system
    or file system cannot; then the caller falls back to two renames."""
    fn = getattr(libc(), "renameat2", None)
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def write_reason(exc: OSError) -> str:
    """Why a write failed, for a person: the usual causes by name."""
    reasons = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满",
               errno.EDQUOT: "超出磁盘配额", errno.EROFS: "文件系统是只读的",
               errno.ENAMETOOLONG: "路径太长", errno.EIO: "磁盘读写出错"}
    return reasons.get(exc.errno or 0, exc.strerror or "未知错误")


def alive(pid: int) -> bool:
    """Is a process still there (a build whose scratch or half-built site we may not sweep)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove(path: Path) -> None:
    """A file, a link (as a link, never followed) or a whole folder; nothing if it is not there."""
    import shutil

    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)
