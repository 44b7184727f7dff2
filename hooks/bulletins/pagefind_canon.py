"""Pagefind 1.5 writes its filter files in hash-map order, so two builds of one commit differ.

Rewrites them sorted (and the metadata file naming them) so the same data gives the same bytes.
The files are gzip-compressed CBOR after a "pagefind_dcd" signature; names are content hashes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind file")
    return cbor2.loads(raw[len(SIGNATURE):])


def _write(folder: Path, prefix: str, suffix: str, value, digits: int) -> str:
    raw = SIGNATURE + cbor2.dumps(value)
    name = f"{prefix}{hashlib.sha256(raw).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(raw, mtime=0))
    return name


def canonicalize(out: Path) -> None:
    entry_path = out / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = out / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, file_hash in meta[3]:
            path = out / "filter" / f"{file_hash}.pf_filter"
            filter_name, values = _read(path)
            path.unlink()
            new = _write(out / "filter", f"{language}_", ".pf_filter", [filter_name, sorted(values)], 7)
            filters.append([name, new])
        meta[3] = sorted(filters)
        meta_path.unlink()
        info["hash"] = _write(out, f"pagefind.{language}_", ".pf_meta", meta, 10)[len("pagefind."):]
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
