"""Reading and writing YAML safely and fast.

The build reads every data file through `load_file`: ruamel's C-backed safe loader behind a
cache keyed by file content, with aliases, tabs, oversized and over-deep files refused before
they can cost anything. Round-trip parsing (slow) is used only to point at a line in an error
and to write files (`dump_canonical`), where comments must survive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Any, Callable

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

from .problems import Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20
_CACHE: dict[str, tuple[Any, tuple[Problem, ...]]] = {}
_CHECKS: dict[tuple[str, str], Any] = {}  # (content key, check name) → result, this process only
_USED: set[str] = set()  # keys read since cache_open: what the next build will want
_ON_DISK: set[str] = set()
_DISK = Path(".cache") / "bulletins" / "parsed.pickle"
_DATE_TOKEN = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w:-])")


def _safe() -> YAML:
    return YAML(typ="safe", pure=False)


def decode(raw: bytes, relpath: str) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(relpath, line, 1, "文件不是 UTF-8 编码 — 请以 UTF-8 保存数据文件")]


def _prescan(text: str, relpath: str) -> list[Problem]:
    """Refuse what the parser would accept but we must not: tabs, aliases, deep nesting."""
    problems = []
    for no, line in enumerate(text.split("\n"), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(relpath, no, indent.index("\t") + 1,
                                    "行首缩进含制表符（Tab） — 请只用空格缩进"))
    if problems or not ("&" in text or "*" in text or "[" * 4 in text or "{" * 4 in text
                        or text.count("\n") > 2000):
        return problems
    depth = 0
    try:
        for event in _safe().parse(text):
            mark = event.start_mark
            if isinstance(event, AliasEvent) or (
                    isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor):
                return [Problem(relpath, mark.line + 1, mark.column + 1,
                                "不允许使用 YAML 锚点（&）和别名（*） — 请把内容直接写出来")]
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return [Problem(relpath, mark.line + 1, mark.column + 1,
                                    f"嵌套超过 {MAX_DEPTH} 层 — 数据文件只需几层嵌套")]
            elif type(event).__name__ in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
    except YAMLError:
        pass  # the loader reports syntax errors with its own position
    return []


_SYNTAX_HINTS = (
    ("found duplicate key", "重复的键{key} — 同一层中每个键只能出现一次"),
    ("could not find expected ':'", "缺少冒号 — 每个键后要有“: ”"),
    ("mapping values are not allowed", "此处不能出现“: ” — 含冒号的文字请加引号"),
    ("found unexpected end of stream", "引号没有闭合 — 检查这一行起的引号"),
    ("found character that cannot start any token", "出现了不能作为开头的字符 — 含 @、` 等字符的文字请加引号"),
)


def _syntax_problem(exc: Exception, relpath: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    detail = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or ''}"
    for needle, message in _SYNTAX_HINTS:
        if needle in detail:
            key = re.search(r'duplicate key "([^"]*)"', detail)
            return Problem(relpath, line, col, message.format(key=f"“{key.group(1)}”" if key else ""))
    return Problem(relpath, line, col, f"YAML 语法错误（{detail.strip()}） — 检查缩进、引号和冒号")


def _bad_date(text: str, relpath: str) -> Problem:
    for no, line in enumerate(text.split("\n"), 1):
        for m in _DATE_TOKEN.finditer(line):
            try:
                dt.date(*map(int, m.groups()))
            except ValueError:
                return Problem(relpath, no, m.start() + 1,
                               f"日期 {m.group(0)} 不存在 — 请写成真实的日期，如 2018-09-21")
    return Problem(relpath, 1, 1, "文件中有无法解析的值 — 检查日期和数字")


def parse_text(text: str, relpath: str) -> tuple[Any, list[Problem]]:
    problems = _prescan(text, relpath)
    if problems:
        return None, problems
    try:
        return _safe().load(text), []
    except MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, relpath)]
    except YAMLError as exc:
        return None, [_syntax_problem(exc, relpath)]
    except ValueError:
        return None, [_bad_date(text, relpath)]
    except RecursionError:
        return None, [Problem(relpath, 1, 1, "嵌套过深 — 数据文件只需几层嵌套")]


def load_file(path: Path, relpath: str) -> tuple[Any, list[Problem]]:
    """Parsed data and problems, cached by content so an unchanged file costs a hash."""
    _, data, problems = _load(path, relpath)
    return data, problems


def load_checked(path: Path, relpath: str, name: str, check: Callable[[Any], Any]) -> tuple[Any, list[Problem], Any]:
    """`load_file` plus `check(data)`, remembered per content and check name for this process:
    the schema check of a district file costs more than parsing it."""
    key, data, problems = _load(path, relpath)
    if data is None or key is None:
        return data, problems, None
    memo = (key, name)
    if memo not in _CHECKS:
        _CHECKS[memo] = check(data)
    return data, problems, _CHECKS[memo]


def content_key(raw: bytes, relpath: str) -> str:
    """A file's identity for every cache: its bytes and its place (messages name the place)."""
    return hashlib.sha1(raw).hexdigest() + relpath


def touch(keys: list[str]) -> None:
    """Files a caller took from its own cache: still in use, so the disk cache keeps them."""
    _USED.update(keys)


def _load(path: Path, relpath: str) -> tuple[str | None, Any, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, None, [Problem(relpath, 1, 1, f"无法读取文件（{exc.strerror}） — 检查文件是否存在、是否可读")]
    if len(raw) > MAX_BYTES:
        return None, None, [Problem(relpath, 1, 1, f"文件过大（{len(raw) // 1024} KB） — 数据文件不应超过 {MAX_BYTES // 1024 // 1024} MB")]
    key = content_key(raw, relpath)
    _USED.add(key)
    hit = _CACHE.get(key)
    if hit is None:
        text, problems = decode(raw, relpath)
        data = None
        if text is not None:
            data, problems = parse_text(text, relpath)
            if data is None and not problems:
                problems = [Problem(relpath, 1, 1, "文件是空的 — 请写入内容，或删除这个文件")]
        hit = _CACHE[key] = (data, tuple(problems))
    return key, hit[0], list(hit[1])


def _cache_version() -> str:
    """Parsed data is only reused by the same loader: this file's own bytes name the version."""
    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()


def cache_open(root: Path) -> None:
    """Reads the parsed files kept by the last build (safe to lose: it only saves time)."""
    path = root / _DISK
    _USED.clear()
    _ON_DISK.clear()
    try:
        with path.open("rb") as f:
            saved = pickle.load(f)
        if saved.get("version") == _cache_version():
            for key, value in saved["entries"].items():
                _CACHE.setdefault(key, value)
            _ON_DISK.update(saved["entries"])
    except (OSError, EOFError, pickle.PickleError, AttributeError, KeyError, TypeError, ValueError):
        pass


def cache_save(root: Path) -> None:
    """Keeps the files read by this run, for the next one; entries no longer used are dropped."""
    entries = {k: _CACHE[k] for k in _USED if k in _CACHE}
    if entries.keys() == _ON_DISK:
        return
    try:
        write_atomic(root / _DISK, pickle.dumps({"version": _cache_version(), "entries": entries},
                                        protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return  # a read-only checkout still builds, just without the cache
    _ON_DISK.clear()
    _ON_DISK.update(entries)


def _roundtrip() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    y.preserve_quotes = False
    return y


def positions(text: str) -> Any:
    """The round-trip tree of a file, parsed once to locate all of its problems (None if it does not parse)."""
    try:
        return _roundtrip().load(text)
    except Exception:  # a file that does not parse has no positions to give
        return None


def locate(node: Any, keypath: tuple) -> tuple[int, int]:
    """Line and column (1-based) of the value at keypath in a `positions` tree, or of its nearest parent."""
    best = (1, 1)
    for key in keypath:
        try:
            if isinstance(key, int):
                line, col = node.lc.item(key)
            else:
                line, col = node.lc.key(key)
            best = (line + 1, col + 1)
            node = node[key]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return best


def load_roundtrip(text: str) -> Any:
    return _roundtrip().load(text)


def dump_canonical(data: Any) -> str:
    """The one layout every data file is written in (importer, new, fmt)."""
    buf = io.StringIO()
    _roundtrip().dump(data, buf)
    out = buf.getvalue()
    return out if out.endswith("\n") else out + "\n"


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write through a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fb:
                fb.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
