"""Search records for Pagefind: exact substring search over every finding, in any language.

Pagefind finds whole words; a reader searching a government archive expects find-in-page: every
finding that contains the typed string, and nothing else. So each record's indexed words are not the
text but every pair of neighbouring characters of it (after `normalize`), spelled in letters
Pagefind keeps as one word; the pinyin keys of the findings' districts and types are words of
their own, found by Pagefind's prefix matching. `search/search.js` turns a query into the same
pairs, asks Pagefind for records holding all of them, and keeps only findings whose text really
contains every term. One record per finding: Pagefind's filters and counts are then those of
findings (the search page's counts follow the query), and each record carries the finding's own
text, types and keys, so a result is one finding linking to its anchor.

`normalize` here and in `search.js` must agree character for character: tests check both.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment

from . import pagefind_canon, safefile, urls
from .model import Archive, District, DistrictReport, Issue, ProblemType, finding_id
from .textutil import initials_of, pinyin_of, toneless

FACETS = ("区县", "问题类型", "部门", "年份", "规律", "月份")  # search.js uses the same (月份: links only)
OUTPUT = "pagefind"  # folder in the built site
_SPACES = frozenset(" \t\n\r\f\v")
_HEX_AS_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
_END = "qqqqq"  # after a finding's last character; never a spelled character (those use a–p)


def normalize(text: str) -> str:
    """What search compares: NFKC per character, spaces dropped, ASCII letters lower-cased.

    So ＡＢ matches ab, （ matches (, and 9月18日 matches "9 月 18 日" as the bulletins print it.
    """
    return "".join(map(_normalize_char, text))


@lru_cache(maxsize=None)
def _normalize_char(ch: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c
                   for c in unicodedata.normalize("NFKC", ch) if c not in _SPACES)


@lru_cache(maxsize=None)
def _spell(ch: str) -> str:
    return f"{ord(ch):05x}".translate(_HEX_AS_LETTERS)


def grams(normalized: str) -> set[str]:
    """Every pair of neighbouring characters (r……) as a letters-only word, the last character paired
    with an end mark. A single character is then found as the prefix of the pairs it starts, so no
    word per character is needed (they cost Pagefind a third of its time and memory)."""
    spelled = [_spell(c) for c in normalized] + [_END]
    return {"r" + a + b for a, b in zip(spelled, spelled[1:])}


def key_words(keys: list[str]) -> set[str]:
    """Pinyin keys (s…). Each letter is spelled in five, so a typed prefix ("gong") spells a prefix
    of the key's word (gongshu), and Pagefind's own prefix matching finds it."""
    return {"s" + "".join(map(_spell, k)) for k in keys}


def district_keys(d: District) -> list[str]:
    """Pinyin a reader may type for a district: full and initials, with and without its suffix."""
    syllables = [toneless(s) for s in d.pinyin.split()] if d.pinyin else []
    keys = ["".join(syllables), "".join(s[:1] for s in syllables), d.slug.replace("-", ""),
            pinyin_of(d.name), initials_of(d.name)]
    return _unique(keys)


def type_keys(t: ProblemType) -> list[str]:
    return _unique([t.slug.replace("-", ""), pinyin_of(t.name), initials_of(t.name)])


def _unique(keys: list[str]) -> list[str]:
    return [k for k in dict.fromkeys(k.lower() for k in keys) if len(k) >= 2]


def _json_meta(value: object) -> str:
    """JSON for a meta element, with whitespace escaped so Pagefind cannot collapse it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "".join(f"\\u{ord(c):04x}" if c.isspace() else c for c in text)


@dataclass(frozen=True)
class Record:
    path: str  # file in the records folder; Pagefind's own URL for it is never shown
    sort: str
    filters: dict[str, list[str]]
    meta: dict[str, str]
    findings: list[tuple[str, str]]  # (anchor, words first seen in that finding); last: ("", keys)


def _records(issue: Issue, position: int, report: DistrictReport, archive: Archive,
             flags: dict | None = None) -> list[Record]:
    """One record per finding: Pagefind's filters and counts are then exact per finding (the
    search page's counts follow the query), and a result is one fragment of one finding."""
    reg = archive.registry
    d = report.district
    dkeys = district_keys(d)
    out = []
    for f in report.findings:
        keys = _unique(dkeys + [k for t in f.types if reg.type(t) for k in type_keys(reg.type(t))])
        marks = list((flags or {}).get(finding_id(issue, f), ()))
        item = {"a": f.anchor, "n": f.number, "text": f.text, "types": list(f.types),
                "departments": list(f.departments), "keys": keys, "flags": marks}
        # newest issue first; within an issue, bulletin order. The letter keeps Pagefind's sort lexical.
        order = f"k{issue.date.strftime('%Y%m%d')}{issue.number:05d}{999 - position:03d}{999 - f.number:03d}"
        out.append(Record(
            path=f"{issue.id}/{f.anchor}.html",
            sort=order,
            filters={"区县": [d.name], "问题类型": sorted(f.types), "部门": sorted(f.departments),
                     "年份": [str(issue.year)], "规律": marks, "月份": [issue.date.strftime("%Y-%m")]},
            meta={"title": f"第 {issue.number} 期 {d.name} {f.number}", "issue": issue.id,
                  "number": str(issue.number), "date": issue.date.isoformat(), "district": d.name,
                  "slug": d.slug, "url": urls.issue(issue.id), "order": order, "findings": _json_meta([item])},
            findings=[(f.anchor, " ".join(sorted(grams(normalize(f.text))))),
                      ("", " ".join(sorted(key_words(keys))))]))
    return out


def records(archive: Archive, flags: dict | None = None) -> list[Record]:
    return [rec for i in archive.issues for pos, r in enumerate(i.districts)
            for rec in _records(i, pos, r, archive, flags)]


_RENDERED: dict[tuple, tuple[tuple[str, str], ...]] = {}  # lives as long as the process: `mkdocs serve`


def rendered_records(env: Environment, archive: Archive, flags: dict | None = None) -> dict[str, str]:
    """File name → HTML of every record. A district report that has not changed since the last
    build in this process is not rendered again (an edit in `mkdocs serve` touches one or two)."""
    template = env.get_template("search_record.html")
    version = (hash(archive.registry), Path(template.filename or "").read_bytes() if template.filename else b"")
    out: dict[str, str] = {}
    used: dict[tuple, tuple[tuple[str, str], ...]] = {}
    for i in archive.issues:
        head = (i.id, i.number, i.date)
        for pos, report in enumerate(i.districts):
            if not report.findings:
                continue
            marks = tuple((flags or {}).get(finding_id(i, f), ()) for f in report.findings)
            key = (version, head, pos, report, marks)  # 规律 depends on other issues: part of the key
            hit = _RENDERED.get(key)
            if hit is None:
                hit = tuple((rec.path, template.render(page_url="", record=rec))
                            for rec in _records(i, pos, report, archive, flags))
            used[key] = hit
            out.update(hit)
    _RENDERED.clear()
    _RENDERED.update(used)
    return out


def write_records(env: Environment, archive: Archive, folder: Path,
                  on_disk: dict[str, str] | None = None, flags: dict | None = None) -> int:
    """Writes the records; with `on_disk` (what the folder already holds) only what changed."""
    files = rendered_records(env, archive, flags)
    for path, html in files.items():
        if on_disk is not None and on_disk.get(path) == html:
            continue
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    if on_disk is not None:
        for stale in on_disk.keys() - files.keys():
            (folder / stale).unlink(missing_ok=True)
        on_disk.clear()
        on_disk.update(files)
    return len(files)


class SearchIndexError(Exception):
    pass


_SERVE_RECORDS: tuple[tempfile.TemporaryDirectory, dict[str, str]] | None = None


class IndexJob:
    """Pagefind runs beside MkDocs: it needs only the model, not the pages, so it starts as soon as
    the records are written and MkDocs renders pages meanwhile (2 cores: the build barely waits).
    The records go to a scratch folder, never into the site; the index goes to site/pagefind/."""

    def __init__(self, env: Environment, archive: Archive, site_dir: Path, keep_records: bool = False,
                 start: bool = True, flags: dict | None = None) -> None:
        _sweep_scratch()
        if keep_records:  # mkdocs serve: one records folder for the process, rewritten where changed
            global _SERVE_RECORDS
            if _SERVE_RECORDS is None:
                _SERVE_RECORDS = (_scratch_dir(), {})
            self._tmp, on_disk = _SERVE_RECORDS[0], _SERVE_RECORDS[1]
        else:
            self._tmp, on_disk = _scratch_dir(), None
        self._keep = keep_records
        self.cancelled = False
        self.count = write_records(env, archive, Path(self._tmp.name), on_disk, flags)
        self.out = site_dir / OUTPUT
        self._proc: subprocess.Popen | None = None
        if start:
            self.start()

    def start(self) -> None:
        if self._proc is None:
            safefile.libc()  # loaded here, in the parent, for _die_with_parent
            cmd = [sys.executable, "-m", "pagefind", "--site", self._tmp.name, "--output-path", str(self.out),
                   "--force-language", "zh", "--silent"]
            self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                          preexec_fn=_die_with_parent)
            _RUNNING.add(self)

    def finish(self) -> int:
        self.start()
        try:
            output, _ = self._proc.communicate()
            if self._proc.returncode != 0:
                raise SearchIndexError(f"Pagefind 建立搜索索引失败（退出码 {self._proc.returncode}）：\n{output}".strip())
        finally:
            _RUNNING.discard(self)
            if not self._keep:
                self._tmp.cleanup()
        _drop_unused(self.out)
        pagefind_canon.canonicalize(self.out)
        return self.count

    def cancel(self) -> None:
        self.cancelled = True
        _RUNNING.discard(self)
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if not self._keep:
            self._tmp.cleanup()


# Jobs whose Pagefind is running: a build stopped by Ctrl-C or SIGTERM ends them on its way out,
# so no indexer writes into site/ after its build has died and no scratch folder is left behind.
_RUNNING: set[IndexJob] = set()


@atexit.register
def _end_running() -> None:
    for job in list(_RUNNING):
        job.cancel()
    if _SERVE_RECORDS is not None:
        _SERVE_RECORDS[0].cleanup()


def _die_with_parent() -> None:
    """In the child, before Pagefind starts: the kernel ends it when this process dies, even by
    SIGKILL, where no handler of ours runs (Linux; elsewhere the atexit handler does what it can).
    The C library was loaded by the parent (`start`): nothing here may spawn or import."""
    prctl = getattr(safefile.libc(), "prctl", None)
    if prctl is not None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_SCRATCH_NAME = re.compile(r"^zb-search-(\d+)-")


def _scratch_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix=f"zb-search-{os.getpid()}-", dir=_scratch())


def _sweep_scratch() -> None:
    """Removes scratch folders of builds that were killed outright (their process is gone)."""
    folder = Path(_scratch() or tempfile.gettempdir())
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _SCRATCH_NAME.match(name)
        if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            shutil.rmtree(folder / name, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _scratch() -> str | None:
    """Records are thousands of small files read once: memory-backed /dev/shm when there is one
    (measured: 0.25 s instead of 5.5 s for 7,500 files on this machine's disk)."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def _drop_unused(out: Path) -> None:
    """Pagefind's own UIs are not used: our UI is search/search.js and the theme's partials."""
    for name in _UNUSED:
        (out / name).unlink(missing_ok=True)
