"""The parsed data files of a process, kept between builds and on disk between processes.

Parsing YAML costs ~4 ms a district file; an unchanged file costs a hash here. One `ParseCache`
lives in the process's `BuildState` (state.py): under `mkdocs serve` it is the same object for every
rebuild, and each CLI run makes its own. The disk copy (`.cache/bulletins/parsed.cbor`) is CBOR, a
data format: plain containers, text and numbers and four tags of ours, checked entry by entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import cbor2

from bulletins.files import safefile
from bulletins.files.problems import Problem
from bulletins.files.project import cache_folder
from .yamlio import PrintedFloat, content_key, decode, parse_text, read_data, write_atomic

DISK_NAME = "parsed.cbor"


# Dates are RFC 8943's tag 1004; the other tags are ours. Nothing in the file can run on read.
_DATE, _DATETIME, _PRINTED, _PROBLEM = 1004, 40001, 40002, 40003


def _to_cbor(value: Any) -> Any:
    if isinstance(value, dict):
        return {_to_cbor(k): _to_cbor(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_cbor(v) for v in value]
    if isinstance(value, PrintedFloat):
        return cbor2.CBORTag(_PRINTED, [float(value), value.printed])
    if isinstance(value, dt.datetime):
        return cbor2.CBORTag(_DATETIME, value.isoformat())
    if isinstance(value, dt.date):
        return cbor2.CBORTag(_DATE, value.isoformat())
    if isinstance(value, Problem):
        return cbor2.CBORTag(_PROBLEM, [value.path, value.line, value.col, value.message, value.severity])
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(type(value).__name__)


def _tag(decoder: Any, tag: Any) -> Any:
    """Only our tags are read back; anything else in the file drops the entry."""
    v = tag.value
    if tag.tag == _DATE and isinstance(v, str):
        return dt.date.fromisoformat(v)
    if tag.tag == _DATETIME and isinstance(v, str):
        return dt.datetime.fromisoformat(v)
    if tag.tag == _PRINTED and isinstance(v, list) and len(v) == 2:
        return PrintedFloat(float(v[0]), str(v[1]))
    if tag.tag == _PROBLEM and isinstance(v, list) and len(v) == 5:
        return Problem(str(v[0]), int(v[1]), int(v[2]), str(v[3]), str(v[4]))
    raise ValueError(f"unknown tag {tag.tag}")


def _from_cbor(blob: bytes) -> Any:
    return cbor2.loads(blob, tag_hook=_tag)


def _version() -> str:
    """Parsed data is only reused by the same loader, and a file found clean only by the same
    schemas: the parser's, the schemas' and this file's bytes name it."""
    from . import schema
    from . import yamlio

    return hashlib.sha1(Path(yamlio.__file__).read_bytes() + Path(schema.__file__).read_bytes()
                        + Path(__file__).read_bytes()).hexdigest()


@dataclass
class ParseCache:
    entries: dict[str, tuple[Any, tuple[Problem, ...]]] = field(default_factory=dict)  # content key → parsed
    checks: dict[tuple[str, str], Any] = field(default_factory=dict)  # (content key, check name) → result
    used: set[str] = field(default_factory=set)  # keys read since `open`: what the next build will want
    used_checks: set[tuple[str, str]] = field(default_factory=set)
    on_disk: set[str] = field(default_factory=set)
    on_disk_clean: list[tuple[str, str]] = field(default_factory=list)  # the clean checks the disk copy holds

    def load(self, path: Path, relpath: str) -> tuple[str | None, Any, list[Problem]]:
        """(content key, data, problems) of a data file, parsed once per content."""
        raw, problems = read_data(path, relpath)
        if raw is None:
            return None, None, problems
        key = content_key(raw, relpath)
        self.used.add(key)
        hit = self.entries.get(key)
        if hit is None:
            text, problems = decode(raw, relpath)
            data = None
            if text is not None:
                data, problems = parse_text(text, relpath)
                if data is None and not problems:
                    problems = [Problem(relpath, 1, 1, "文件是空的 — 请写入内容，或删除这个文件")]
            hit = self.entries[key] = (data, tuple(problems))
        return key, hit[0], list(hit[1])

    def load_file(self, path: Path, relpath: str) -> tuple[Any, list[Problem]]:
        _, data, problems = self.load(path, relpath)
        return data, problems

    def load_checked(self, path: Path, relpath: str, name: str,
                     check: Callable[[Any], Any]) -> tuple[Any, list[Problem], Any]:
        """`load_file` plus `check(data)`, remembered per content and check name: the schema
        check of a district file costs more than parsing it."""
        key, data, problems = self.load(path, relpath)
        if data is None or key is None:
            return data, problems, None
        memo = (key, name)
        if memo not in self.checks:
            self.checks[memo] = check(data)
        self.used_checks.add(memo)
        return data, problems, self.checks[memo]

    def touch(self, keys: list[str]) -> None:
        """Files a caller took from its own cache: still in use, so the disk copy keeps them."""
        self.used.update(keys)

    def open(self, root: Path) -> None:
        """Reads the parsed files kept by the last run. Safe to lose, never trusted: each entry is
        kept with the hash of its bytes and is dropped (and parsed again from the data) when they
        do not match, so an edited or damaged cache cannot publish text that is in no data file."""
        self.used.clear()
        self.used_checks.clear()
        self.on_disk.clear()
        self.on_disk_clean = []
        folder = cache_folder(root)
        if folder is None:
            return
        try:
            saved = cbor2.loads(safefile.read_limited(folder / DISK_NAME, 1 << 30))
            if not isinstance(saved, dict) or saved.get("version") != _version():
                return
            entries = saved["entries"]
            if not isinstance(entries, dict):
                return
        except (OSError, safefile.UnsafeFile, cbor2.CBORDecodeError, KeyError, TypeError, ValueError,
                MemoryError, RecursionError):
            return
        for key, stored in entries.items():
            try:
                digest, blob = stored
                if not isinstance(key, str) or hashlib.sha256(blob).hexdigest() != digest:
                    continue
                data, problems = _from_cbor(blob)
                if not all(isinstance(p, Problem) for p in problems):
                    continue
            except (cbor2.CBORDecodeError, TypeError, ValueError, IndexError, MemoryError, RecursionError):
                continue
            self.entries.setdefault(key, (data, tuple(problems)))
            self.on_disk.add(key)
        # files the last run found clean by a schema check (a district file's check costs more than
        # parsing it: 4 s a build at 1,040 issues); only for entries read back whole above
        clean = saved.get("clean")
        kept = []
        for item in clean if isinstance(clean, list) else ():
            if isinstance(item, list) and len(item) == 2 and item[0] in self.on_disk and isinstance(item[1], str):
                self.checks.setdefault((item[0], item[1]), [])
                kept.append((item[0], item[1]))
        self.on_disk_clean = sorted(kept)

    def save(self, root: Path) -> None:
        """Keeps the files read by this run, for the next one; entries no longer used are dropped."""
        keys = {k for k in self.used if k in self.entries}
        clean = sorted(m for m in self.used_checks if m[0] in keys and self.checks.get(m) == [])
        if keys == self.on_disk and clean == self.on_disk_clean:
            return
        entries = {}
        for k in keys:
            try:
                blob = cbor2.dumps(_to_cbor(self.entries[k]))
            except (TypeError, ValueError):
                continue  # a value the cache cannot hold is parsed again next time
            entries[k] = [hashlib.sha256(blob).hexdigest(), blob]
        folder = cache_folder(root)
        if folder is None:
            return  # a linked cache folder is not written to
        try:
            write_atomic(folder / DISK_NAME, cbor2.dumps({"version": _version(), "entries": entries,
                                                          "clean": [list(m) for m in clean]}))
        except OSError:
            return  # a read-only checkout still builds, just without the cache
        self.on_disk.clear()
        self.on_disk.update(keys)
        self.on_disk_clean = clean
