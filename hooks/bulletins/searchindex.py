"""Search records for Pagefind: exact substring search over every finding, in any language.

Pagefind finds whole words; a reader searching a government archive expects find-in-page: every
finding that contains the typed string, and nothing else. So each record's indexed words are not the
text but every character and every pair of neighbouring characters of it (after `normalize`),
spelled in letters Pagefind keeps as one word; pinyin keys of the finding's district and types are
indexed apart, by prefix. `search/search.js` turns a query into the same
pairs, asks Pagefind for records holding all of them, and keeps only findings whose text really
contains every term. One record per district report keeps Pagefind's page table small (bytes per
query); each finding is a sub-result with its own anchor and carries its own text, types and keys.

`normalize` here and in `search.js` must agree character for character: tests check both.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from . import pagefind_canon, urls
from .model import Archive, District, DistrictReport, Issue, ProblemType
from .textutil import initials_of, pinyin_of, toneless

FACETS = ("区县", "问题类型", "部门", "年份")  # the filter names readers see; search.js uses the same
OUTPUT = "pagefind"  # folder in the built site
_SPACES = frozenset(" \t\n\r\f\v")
_HEX_AS_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
_UPPER = re.compile("[A-Z]")


def normalize(text: str) -> str:
    """What search compares: NFKC per character, spaces dropped, ASCII letters lower-cased.

    So ＡＢ matches ab, （ matches (, and 9月18日 matches "9 月 18 日" as the bulletins print it.
    """
    out = []
    for ch in text:
        for c in unicodedata.normalize("NFKC", ch):
            if c not in _SPACES:
                out.append(_UPPER.sub(lambda m: m.group().lower(), c))
    return "".join(out)


def _spell(ch: str) -> str:
    return f"{ord(ch):05x}".translate(_HEX_AS_LETTERS)


def grams(normalized: str) -> set[str]:
    """Every character (q…) and every neighbouring pair (r……) as a letters-only word."""
    out = {"q" + _spell(c) for c in normalized}
    out.update("r" + _spell(a) + _spell(b) for a, b in zip(normalized, normalized[1:]))
    return out


def key_words(keys: list[str]) -> set[str]:
    """Pinyin keys match by prefix ("gong" → gongshu): every prefix of two letters or more (s…)."""
    return {"s" + "".join(_spell(c) for c in k[:n]) for k in keys for n in range(2, len(k) + 1)}


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
    findings: list[tuple[str, str]]  # (anchor, indexed words)


def _record(issue: Issue, position: int, report: DistrictReport, archive: Archive) -> Record:
    reg = archive.registry
    d = report.district
    dkeys = district_keys(d)
    items, words = [], []
    for f in report.findings:
        tkeys = [k for t in f.types if reg.type(t) for k in type_keys(reg.type(t))]
        keys = _unique(dkeys + tkeys)
        items.append({"a": f.anchor, "n": f.number, "text": f.text, "types": list(f.types),
                      "departments": list(f.departments), "keys": keys})
        words.append((f.anchor, " ".join(sorted(grams(normalize(f.text)) | key_words(keys)))))
    types = sorted({t for f in report.findings for t in f.types})
    depts = sorted({x for f in report.findings for x in f.departments})
    # newest issue first; within an issue, bulletin order. The letter keeps Pagefind's sort lexical.
    order = f"k{issue.date.strftime('%Y%m%d')}{issue.number:05d}{999 - position:03d}"
    return Record(
        path=f"{issue.id}/{d.slug}.html",
        sort=order,
        filters={"区县": [d.name], "问题类型": types, "部门": depts, "年份": [str(issue.year)]},
        meta={"title": f"第 {issue.number} 期 {d.name}", "issue": issue.id, "number": str(issue.number),
              "date": issue.date.isoformat(), "district": d.name, "slug": d.slug,
              "url": urls.issue(issue.id), "order": order, "findings": _json_meta(items)},
        findings=words)


def records(archive: Archive) -> list[Record]:
    return [_record(i, pos, r, archive) for i in archive.issues
            for pos, r in enumerate(i.districts) if r.findings]


def write_records(env: Environment, archive: Archive, folder: Path) -> int:
    template = env.get_template("search_record.html")
    count = 0
    for rec in records(archive):
        target = folder / rec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(page_url="", record=rec), encoding="utf-8")
        count += 1
    return count


class SearchIndexError(Exception):
    pass


def build_index(env: Environment, archive: Archive, site_dir: Path) -> int:
    """Writes the records to a scratch folder (never into the site) and runs Pagefind over them."""
    with tempfile.TemporaryDirectory(prefix="zb-search-") as tmp:
        n = write_records(env, archive, Path(tmp))
        out = site_dir / OUTPUT
        cmd = [sys.executable, "-m", "pagefind", "--site", tmp, "--output-path", str(out),
               "--force-language", "zh", "--silent"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SearchIndexError(f"Pagefind 建立搜索索引失败（退出码 {done.returncode}）：\n"
                                   f"{done.stdout}\n{done.stderr}".strip())
    _drop_unused(out)
    pagefind_canon.canonicalize(out)
    return n


_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def _drop_unused(out: Path) -> None:
    """Pagefind's own UIs are not used: our UI is search/search.js and the theme's partials."""
    for name in _UNUSED:
        (out / name).unlink(missing_ok=True)
