"""searchbundle writes Pagefind 1.5's index format itself: tested against the bundle Pagefind 1.5.2
wrote from the same records (tests/fixtures/pagefind-reference/, made by scripts/pagefind-reference),
read back as what a search sees — each word's records, each filter value's records, each record's
metadata, the order of results — and any other Pagefind refused, in Chinese."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bulletins.search import searchbundle

REFERENCE = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "pagefind-reference"


def _fragment(path: Path) -> dict:
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(searchbundle.SIGNATURE)
    return json.loads(raw[len(searchbundle.SIGNATURE):])


def read_bundle(bundle: Path) -> dict:
    """A bundle as a search sees it: urls in page order, word → urls, (filter, value) → urls, url → meta."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language, info), = entry["languages"].items()
    version, pages, index, filters, sorts, _fields = searchbundle._read(bundle / f"pagefind.{info['hash']}.pf_meta")
    fragments = {}
    for name, _count in pages:
        path = bundle / "fragment" / f"{name}.pf_fragment"
        if not path.exists():  # ours: the fragments of a part are written out by the merge, named by page
            path = next((bundle / "fragment").glob(f"{name}*.pf_fragment"))
        fragments[name] = _fragment(path)
    urls = [fragments[name]["url"] for name, _ in pages]
    words: dict[str, set[str]] = {}
    for _lo, _hi, chunk in index:
        for item in searchbundle._read(bundle / "index" / f"{chunk}.pf_index")[0]:
            word, postings = item[0], item[1]
            page = 0
            for posting in postings:  # each page number as the step from the last
                page += posting[0]
                words.setdefault(word, set()).add(urls[page])
    values = {}
    for name, chunk in filters:
        fname, table = searchbundle._read(bundle / "filter" / f"{chunk}.pf_filter")
        assert fname == name
        for value, ranks in table:
            values[(name, value)] = {urls[r] for r in ranks}
    order = dict(sorts).get("order")
    return {"version": version, "language": language, "count": info["page_count"], "urls": urls, "words": words,
            "filters": values, "meta": {f["url"]: f["meta"] for f in fragments.values()},
            "order": [urls[r] for r in order] if order is not None else None}


def _assets(folder: Path, reference: dict) -> Path:
    """Pagefind's scripts as pagefind_assets keeps them (their bytes do not matter here)."""
    folder.mkdir()
    wasm = "wasm.unknown.pagefind"
    for name in (*searchbundle.ASSETS, wasm):
        (folder / name).write_text("// Pagefind's own", encoding="utf-8")
    entry = json.loads((REFERENCE / "bundle" / "pagefind-entry.json").read_text(encoding="utf-8"))
    (folder / "assets.json").write_text(json.dumps({
        "version": reference["version"], "wasm": None, "wasm_file": wasm, "files": searchbundle.manifest(folder),
        "include_characters": entry["include_characters"]}), encoding="utf-8")
    return folder


def test_our_bundle_is_what_pagefind_writes_from_the_same_records(tmp_path):
    theirs = read_bundle(REFERENCE / "bundle")
    records = json.loads((REFERENCE / "records.json").read_text(encoding="utf-8"))
    assets = _assets(tmp_path / "assets", theirs)
    parts = [searchbundle.make_part(recs, tmp_path / f"part-{year}", int(year), "a", assets)
             for year, recs in sorted(records.items(), reverse=True)]
    assert searchbundle.merge(parts, tmp_path / "out") == theirs["count"] == 44
    ours = read_bundle(tmp_path / "out")
    assert (ours["version"], ours["language"], ours["count"]) == (theirs["version"], theirs["language"], theirs["count"])
    # the words search.js asks for (pairs of characters, pinyin keys, synonym groups), each in exactly the same records
    assert len(ours["words"]) > 1500
    assert ours["words"] == {w: theirs["words"].get(w) for w in ours["words"]}
    # Pagefind also indexes each record's metadata (its plain pinyin keys: sc, tl…): words search.js never asks for
    only_theirs = {w: urls for w, urls in theirs["words"].items() if searchbundle.OURS.match(w) and w not in ours["words"]}
    assert all(w in json.dumps(theirs["meta"][u], ensure_ascii=False) for w, urls in only_theirs.items() for u in urls)
    assert ours["filters"] == theirs["filters"] and len(ours["filters"]) > 20
    assert ours["meta"] == theirs["meta"]
    # results come newest first: our pages in that order, Pagefind's by its `order` sort (descending)
    assert ours["urls"] == list(reversed(theirs["order"]))


def test_a_pagefind_other_than_the_one_the_format_was_written_for_is_refused_in_chinese(tmp_path, monkeypatch):
    def newer(site: Path, output: Path) -> None:  # what a Pagefind 1.6 would leave: its version in the metadata
        (output / "fragment").mkdir(parents=True)
        meta = searchbundle._pack(["1.6.0", [], [], [], [], []])
        (output / "pagefind.zh_0123456789.pf_meta").write_bytes(meta)
        (output / "pagefind-entry.json").write_text(json.dumps(
            {"version": "1.6.0", "languages": {"zh": {"hash": "zh_0123456789", "wasm": "zh", "page_count": 1}}}),
            encoding="utf-8")

    monkeypatch.setattr(searchbundle, "pagefind", newer)
    with pytest.raises(RuntimeError, match=r"Pagefind 1\.6\.0 的索引格式未经检验.*bash scripts/setup"):
        searchbundle.pagefind_assets(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing kept of it
