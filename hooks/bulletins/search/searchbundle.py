"""A part per year, written here in Pagefind's format, merged into the one bundle the browser reads.

Why written here: the index a query reads is our own words (character pairs, pinyin keys, synonym
groups) and filters; a Pagefind run over HTML records to make them cost two thirds of a build's
processor time, 51,000 small files on disk and 250 MB. Pagefind runs once per version, on one
record, for its browser scripts and WebAssembly (`pagefind_assets`). Why per year: a year whose
records did not change is not indexed again (its part is cached by content), and a worker holds
one year at a time.

Why merged: every bundle a browser searches costs its own metadata and its own index chunk per
word, so twenty yearly bundles would cost a query twenty chunks. The years are merged into one
bundle in Pagefind's own format, and what no query of ours reads is left out on the way:

- words that are not ours: we only ever ask for `r…` pairs, `s…` pinyin keys and `t…` synonym
  groups, and a fragment carries no content (search.js reads its metadata only);
- the sort table (one entry per record in every query's metadata): a record's name says its
  order instead, `<year><tag><rank>`, rank 0 being the newest finding of that year, so search.js
  orders results by name without loading them;
- word counts and word positions (used by Pagefind to rank by relevance, which we never show).

A record's name changes whenever its year's records change (the tag is that year's digest), so a
browser never mixes a cached fragment with a newer index. The format is Pagefind 1.5's (pinned):
gzip-compressed CBOR after a signature; `tests/test_search*.py` run real queries through Pagefind's
own JavaScript against the merged bundle.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import importlib.metadata
import json
import os
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import cbor2

from .pagefindrun import pagefind

SIGNATURE = b"pagefind_dcd"
FORMAT = "zb-part-4"  # bump when what a part holds changes: every cached part is then rebuilt
OURS = re.compile(r"^[rst][a-q]+$")  # the words search.js asks for (searchindex.grams, key_words, group_word)
CHUNK_BYTES = 40_000  # raw CBOR per index chunk: about 10 KB on the wire
ASSETS = ("pagefind.js", "pagefind-worker.js")
FRAGMENTS = "fragments.bin"  # a part's fragments end to end, newest first; fragments.json says where each is
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if not n:
            return out


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{path}: 不是 Pagefind 文件")
    return cbor2.loads(raw[len(SIGNATURE):])


def _pack(value) -> bytes:
    return _file(cbor2.dumps(value))


def _file(cbor: bytes) -> bytes:
    """A Pagefind file: its signature and CBOR, gzip-compressed (no timestamp: same bytes each build)."""
    return gzip.compress(SIGNATURE + cbor, compresslevel=6, mtime=0)


def _entry(bundle: Path) -> tuple[dict, str, dict]:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language, info), = entry["languages"].items()
    return entry, language, info


@dataclass(frozen=True)
class Part:
    """One year's records, indexed and reduced: what the merge needs, in a folder of the cache."""
    folder: Path
    year: int
    tag: str
    count: int

    @property
    def prefix(self) -> str:
        return f"{self.year}{self.tag}"

    def name(self, rank: int) -> str:
        return self.prefix + b36(rank)


def make_part(records: dict[str, dict], folder: Path, year: int, tag: str, assets: Path) -> Part:
    """One year's records (searchindex.record_data, by file name) as a part in `folder`: the words
    with the ranks of the records holding them, the filters, the fragments, Pagefind's own scripts.
    Written here rather than by a Pagefind run over HTML records: the run cost two thirds of a
    build's processor time, for an index of which the merge kept only these."""
    about_assets = json.loads((assets / "assets.json").read_text(encoding="utf-8"))
    ordered = sorted(records.items(), key=lambda kv: kv[1]["sort"], reverse=True)  # rank 0: the newest
    part = Part(folder, year, tag, len(ordered))
    folder.mkdir(parents=True)
    postings: dict[str, list[int]] = {}
    values: dict[str, dict[str, list[int]]] = {}
    fields: set[str] = set()
    where, offset = [], 0
    with open(folder / FRAGMENTS, "wb") as out:
        for rank, (path, rec) in enumerate(ordered):
            for word in rec["words"]:
                if not OURS.match(word):
                    raise ValueError(f"索引词不合规：{word!r}")
                postings.setdefault(word, []).append(rank)
            for name, vs in rec["filters"].items():
                for v in vs:
                    values.setdefault(name, {}).setdefault(v, []).append(rank)
            fields.update(rec["meta"])
            fragment = {"url": "/" + path, "content": "", "word_count": len(rec["words"]),
                        "filters": rec["filters"], "meta": rec["meta"],
                        "anchors": [{"element": "h2", "id": a, "text": a, "location": 0} for a in rec["anchors"]]}
            blob = _file(json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            out.write(blob)
            where.append([part.name(rank), offset, len(blob)])
            offset += len(blob)
    (folder / "fragments.json").write_text(json.dumps(where, separators=(",", ":")), encoding="ascii")
    with gzip.open(folder / "words.gz", "wt", encoding="ascii", compresslevel=3, newline="\n") as words:
        for word in sorted(postings):
            words.write(word + "\t" + " ".join(map(str, postings[word])) + "\n")
    (folder / "filters.json").write_text(json.dumps(values, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    (folder / "assets").mkdir()
    for name in ASSETS + (about_assets["wasm_file"],):
        shutil.copyfile(assets / name, folder / "assets" / name)
    about = {"format": FORMAT, "year": year, "tag": tag, "count": len(ordered), "version": about_assets["version"],
             "language": LANGUAGE, "include_characters": about_assets["include_characters"],
             "wasm": about_assets["wasm"], "meta_fields": sorted(fields), "files": manifest(folder)}
    (folder / "part.json").write_text(json.dumps(about, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return part


LANGUAGE = "zh"
PAGEFIND_FORMAT = "1.5."  # the Pagefind whose index format make_part and merge write (pinned in pyproject.toml)


@lru_cache(maxsize=1)
def pagefind_version() -> str:
    """The installed Pagefind's version: it names the cached scripts and is part of every part's digest."""
    try:
        return importlib.metadata.version("pagefind_bin_extended")
    except importlib.metadata.PackageNotFoundError:
        return "?"


def pagefind_assets(cache: Path) -> Path:
    """Pagefind's browser scripts and WebAssembly, and the version they read: taken once per
    Pagefind version from a run over one record, kept in the cache (`pagefind-<version>/`)."""
    folder = cache / f"pagefind-{pagefind_version()}"
    try:  # as written, or taken again: these files are published
        kept = json.loads((folder / "assets.json").read_text(encoding="utf-8"))
        found = {k: v for k, v in manifest(folder).items() if k != "assets.json"}
        if not folder.is_symlink() and found == kept["files"]:
            return folder
    except (OSError, ValueError, KeyError, TypeError):
        pass
    tmp = cache / f"tmp-pagefind-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        site = tmp / "site"
        site.mkdir(parents=True)
        (site / "index.html").write_text('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>x</title>'
                                         '</head><body><main data-pagefind-body><p>raaaa</p></main></body></html>',
                                         encoding="utf-8")
        pagefind(site, tmp / "out")
        entry, _language, info = _entry(tmp / "out")
        meta = _read(tmp / "out" / f"pagefind.{info['hash']}.pf_meta")
        if not str(meta[0]).startswith(PAGEFIND_FORMAT):
            raise RuntimeError(f"Pagefind {meta[0]} 的索引格式未经检验（本项目按 Pagefind {PAGEFIND_FORMAT} 编写索引）"
                               " — 请安装 pyproject.toml 中固定的版本：bash scripts/setup")
        wasm = f"wasm.{info.get('wasm') or 'unknown'}.pagefind"
        keep = tmp / "keep"
        keep.mkdir()
        for name in ASSETS + (wasm,):
            shutil.copyfile(tmp / "out" / name, keep / name)
        (keep / "assets.json").write_text(json.dumps({
            "version": meta[0], "wasm": info.get("wasm"), "wasm_file": wasm, "files": manifest(keep),
            "include_characters": entry.get("include_characters", [])}, sort_keys=True), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(keep, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


_FRAGMENT_NAME = re.compile(r"^\d{4}[0-9a-z]+$")


def _fragment_name(name: object) -> str:
    """A fragment's file name from a part's fragments.json: year, tag and rank, nothing else (a
    damaged list cannot write outside fragment/)."""
    if not isinstance(name, str) or not _FRAGMENT_NAME.match(name):
        raise ValueError(f"片段名称不合规：{name!r}")
    return name


def manifest(folder: Path) -> dict[str, str]:
    """Every file of a part (but part.json) → its sha256: what the next build checks before reuse."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or (not path.is_file() and not path.is_dir()):
            raise ValueError(f"{path}: 不是普通文件")
        if path.is_file() and path.name != "part.json":
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


class DamagedPart(Exception):
    """A cached part that is not as it was written: its message says what, in Chinese."""


def load_part(folder: Path, verify: bool = True) -> Part | None:
    """A cached part, verified file by file against the digests it was written with; None when it
    is missing or of another format, DamagedPart when anything in it changed, went missing or was
    added (a changed fragment would publish text no data file holds)."""
    if folder.is_symlink():
        raise DamagedPart(f"{folder.name} 是符号链接")
    try:
        about = json.loads((folder / "part.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        if folder.exists():
            raise DamagedPart(f"{folder.name} 缺少 part.json（上次建立索引时被中断，或被删改）") from None
        return None
    except (OSError, ValueError) as exc:
        raise DamagedPart(f"{folder.name}/part.json 无法读取（{exc.__class__.__name__}）") from None
    if not isinstance(about, dict) or about.get("format") != FORMAT:
        return None
    if not verify:
        return Part(folder, int(about["year"]), str(about["tag"]), int(about["count"]))
    try:
        found = manifest(folder)
        part = Part(folder, int(about["year"]), str(about["tag"]), int(about["count"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DamagedPart(f"{folder.name} 无法读取（{exc.__class__.__name__}）") from None
    expected = about.get("files") if isinstance(about.get("files"), dict) else {}
    if found != expected:
        wrong = sorted(k for k in set(found) | set(expected) if found.get(k) != expected.get(k))
        raise DamagedPart(f"{folder.name} 中的文件与写入时不符（{'、'.join(wrong[:3])}{'…' if len(wrong) > 3 else ''}）")
    return part


def _words(part: Part, offset: int) -> Iterator[tuple[str, list[int]]]:
    """A part's words in order, each with its page numbers in the merged bundle."""
    with gzip.open(part.folder / "words.gz", "rt", encoding="ascii", newline="\n") as f:
        for line in f:
            word, _, ranks = line.rstrip("\n").partition("\t")
            yield word, [int(r) + offset for r in ranks.split(" ")]


def _merged_words(parts: list[Part], offsets: list[int]) -> Iterator[tuple[str, list[int]]]:
    streams = [_words(p, o) for p, o in zip(parts, offsets)]
    current: tuple[str, list[int]] | None = None
    for word, pages in heapq.merge(*streams, key=lambda item: item[0]):
        if current is not None and current[0] == word:
            current[1].extend(pages)  # parts come newest first, so page numbers stay ascending
            continue
        if current is not None:
            yield current
        current = (word, pages)
    if current is not None:
        yield current


def _head(major: int, n: int) -> bytes:
    """A CBOR item head (RFC 8949 §3): written by hand for the index, the bulk of the merge."""
    if n < 24:
        return bytes((major | n,))
    if n < 0x100:
        return bytes((major | 24, n))
    if n < 0x10000:
        return bytes((major | 25,)) + n.to_bytes(2, "big")
    return bytes((major | 26,)) + n.to_bytes(4, "big")


_EMPTY_LOCS = b"\x80\x80"  # positions and meta positions: our words are matched, never ranked


def _word_item(word: str, pages: list[int]) -> bytes:
    """[word, [[step, [], []] …], []]: Pagefind stores each page number as the step from the last."""
    out = [b"\x83", _head(0x60, len(word)), word.encode("ascii"), _head(0x80, len(pages))]
    last = 0
    for page in pages:
        out += (b"\x83", _head(0, page - last), _EMPTY_LOCS)
        last = page
    out.append(b"\x80")
    return b"".join(out)


def _lcp(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _write_named(folder: Path, prefix: str, suffix: str, data: bytes, digits: int = 10) -> str:
    name = prefix + hashlib.sha256(data).hexdigest()[:digits]
    (folder / f"{name}{suffix}").write_bytes(data)
    return name


def _chunks(words: Iterator[tuple[str, list[int]]], folder: Path, language: str) -> list[list[str]]:
    """Writes the index chunks; returns Pagefind's chunk table [from, to, name], each bound the
    shortest prefix that still tells the chunk from its neighbour (as Pagefind writes them)."""
    done: list[tuple[str, str, str]] = []  # first word, last word, name
    batch: list[tuple[str, bytes]] = []
    size = 0

    def flush() -> None:
        nonlocal batch, size
        if batch:
            body = b"\x81" + _head(0x80, len(batch)) + b"".join(item for _, item in batch)
            name = _write_named(folder, f"{language}_", ".pf_index", _file(body))
            done.append((batch[0][0], batch[-1][0], name))
            batch, size = [], 0

    for word, pages in words:
        if word.startswith("t"):  # a synonym group's word stands alone: a query of 自助机 loads its chunk only
            flush()
        item = _word_item(word, pages)
        batch.append((word, item))
        size += len(item)
        if size >= CHUNK_BYTES or word.startswith("t"):
            flush()
    flush()
    table = []
    for i, (first, last, name) in enumerate(done):
        lo = first if i == 0 else first[:_lcp(done[i - 1][1], first) + 1]
        hi = last if i == len(done) - 1 else last[:_lcp(last, done[i + 1][0]) + 1]
        table.append([lo, hi, name])
    return table


_UNHASHED = {"pagefind.js", "pagefind-entry.json", "pagefind-worker.js", "pagefind-ui.js", "pagefind-ui.css",
             "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js"}


def merge(parts: list[Part], out: Path, keep_old: bool = False) -> int:
    """Writes one Pagefind bundle from the parts and puts it at `out` in one step (an exchange of
    folders): a reader searching while the site is rebuilt gets the old index or the new one,
    never a missing one. Returns the records. Parts are ordered newest year first, so page
    numbers run newest first. `keep_old` (the editor's preview): the old bundle's files, whose
    names are content-hashed, stay beside the new ones, so a search that loaded the old index a
    moment ago still finds every file it asks for."""
    from bulletins.files.safefile import exchange

    tmp = out.with_name(f".{out.name}.new-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        total = _merge_into(parts, tmp)
        if keep_old and out.is_dir():
            for old in out.rglob("*"):
                rel = old.relative_to(out)
                if old.is_file() and not old.is_symlink() and rel.name not in _UNHASHED and not (tmp / rel).exists():
                    (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(old, tmp / rel)
                    except OSError:
                        shutil.copyfile(old, tmp / rel)
        if not out.exists():
            os.rename(tmp, out)
        elif not exchange(tmp, out):  # no renameat2 here: the old index goes, then the new one comes
            shutil.rmtree(out)
            os.rename(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # after an exchange: the old index
    return total


def _merge_into(parts: list[Part], out: Path) -> int:
    for sub in ("index", "filter", "fragment"):
        (out / sub).mkdir(parents=True)
    parts = sorted(parts, key=lambda p: -p.year)
    abouts = [json.loads((p.folder / "part.json").read_text(encoding="utf-8")) for p in parts]
    first = abouts[0]
    language = first["language"]
    offsets, total = [], 0
    for p in parts:
        offsets.append(total)
        total += p.count
    pages = [[p.name(r), 1] for p in parts for r in range(p.count)]
    table = _chunks(_merged_words(parts, offsets), out / "index", language)
    merged: dict[str, dict[str, list[int]]] = {}
    for p, offset in zip(parts, offsets):
        for name, values in json.loads((p.folder / "filters.json").read_text(encoding="utf-8")).items():
            into = merged.setdefault(name, {})
            for value, ranks in values.items():
                into.setdefault(value, []).extend(r + offset for r in ranks)
    filter_table = []
    for name in sorted(merged):
        values = [[v, merged[name][v]] for v in sorted(merged[name])]
        filter_table.append([name, _write_named(out / "filter", f"{language}_", ".pf_filter",
                                                _pack([name, values]), 7)])
    fields = sorted({f for a in abouts for f in a.get("meta_fields", [])})
    meta = [first["version"], pages, table, filter_table, [], fields]
    meta_name = _write_named(out, f"pagefind.{language}_", ".pf_meta", _pack(meta))
    entry = {"version": first["version"],
             "languages": {language: {"hash": meta_name[len("pagefind."):], "wasm": first["wasm"],
                                      "page_count": total}},
             "include_characters": first["include_characters"]}
    (out / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                             encoding="utf-8")
    for asset in sorted((parts[0].folder / "assets").iterdir()):
        shutil.copyfile(asset, out / asset.name)
    for p in parts:  # written from the part's one file: a published file written to cannot change the cache
        where = json.loads((p.folder / "fragments.json").read_text(encoding="ascii"))
        with open(p.folder / FRAGMENTS, "rb") as blobs:
            for name, offset, length in where:
                blobs.seek(offset)
                (out / "fragment" / f"{_fragment_name(name)}.pf_fragment").write_bytes(blobs.read(length))
    return total
