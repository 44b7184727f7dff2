"""Layout readers: a file of any format an office keeps → a `Document` of blocks.

`read(path)` picks the reader by the file's ending and applies the checks every format shares.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bulletins.data import yamlio
from bulletins.files import safefile
from . import bounded, office, plaintext
from .blocks import Block, Document, SourceError

__all__ = ["Block", "Document", "SourceError", "read", "SUFFIXES"]

MAX_SOURCE_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000
SUFFIXES = (".txt", ".md", ".docx", ".pdf") + office.SUFFIXES


def read(path: Path) -> Document:
    name = path.name
    if not os.path.lexists(path):
        raise SourceError(f"{name}: 找不到文件 — 请检查路径")
    try:
        raw = safefile.read_limited(path, MAX_SOURCE_BYTES, follow=True)
    except safefile.UnsafeFile as exc:
        raise SourceError(f"{name}: {exc}") from None
    except OSError as exc:
        raise SourceError(f"{name}: 无法读取（{exc.strerror}） — 请检查文件是否存在、是否可读") from None
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from . import wordml
        doc = bounded.run(name, wordml.read, path)
    elif suffix in office.SUFFIXES:
        from . import wordml
        with tempfile.TemporaryDirectory(prefix="bulletins-office-") as work:
            doc = bounded.run(name, wordml.read, office.to_docx(path, Path(work)))
        doc.name, doc.kind = name, f"{suffix[1:]}（经 LibreOffice 转换）"
    elif suffix == ".pdf" or raw.startswith(b"%PDF-"):
        from . import pdflayout
        doc = bounded.run(name, pdflayout.read, path, raw)
    else:
        doc = bounded.run(name, plaintext.read, raw, name)
    doc.name = name
    _drop_invisible(doc)
    _check_text(doc)
    return doc


def _drop_invisible(doc: Document) -> None:
    """Zero-width spaces, soft hyphens and the like ride along with text copied from the web or
    Word; in the data they would hide a word from search. They are removed, and counted."""
    from dataclasses import replace

    total = 0
    blocks = []
    for b in doc.blocks:
        text, n = yamlio.without_invisible(b.text)
        rows = b.rows
        if rows is not None:
            cleaned = [[yamlio.without_invisible(c) for c in row] for row in rows]
            n += sum(k for row in cleaned for _, k in row)
            rows = tuple(tuple(c for c, _ in row) for row in cleaned)
        total += n
        blocks.append(replace(b, text=text, rows=rows) if n else b)
    doc.blocks = blocks
    if total:
        doc.notes.append(f"删去了 {total} 个不可见字符（零宽空格、软连字符等）：它们看不见，却会让搜索找不到所在的词")


def _check_text(doc: Document) -> None:
    text = "\n".join(b.text if not b.is_table else "\n".join("\t".join(r) for r in b.rows or ())
                     for b in doc.blocks)
    name = doc.name
    if len(text) > MAX_TEXT_CHARS:
        raise SourceError(f"{name}: 文字超过 {MAX_TEXT_CHARS // 10000} 万字，不是一期通报的篇幅 — 请检查文件")
    bad = sum(1 for c in text if ord(c) < 32 and c not in "\n\t")
    if bad > max(3, len(text) // 100):
        raise SourceError(f"{name}: 这不是文本文件（含大量控制字符） — 请选择 .txt、.md、.docx、.doc、.wps 或 .pdf 文件")
    for block in doc.blocks:
        cells = [block.text] if not block.is_table else [c for r in block.rows or () for c in r]
        for cell in cells:
            found = yamlio.control_character(plaintext.normalise(cell))
            if found:
                raise SourceError(f"{name}（{block.where}）: 含有不可见的控制字符 {found[2]} — 请在原文件中删除它后再导入")
    if not text.strip():
        raise SourceError(f"{name}: 文件是空的 — 请选择有内容的通报文件")
