"""Text as editors have it (UTF-8, GB18030, UTF-16, with or without BOM) → blocks at blank lines."""

from __future__ import annotations

import re

from .blocks import Block, Document, SourceError


def decode(raw: bytes, name: str) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise SourceError(f"{name}: 文件以 {codec} 标记开头，但第 {exc.start} 字节起内容损坏 — 请重新导出文本") from exc
    if b"\x00" in raw:
        raise SourceError(f"{name}: 这不是文本文件（含二进制内容） — 请选择 .txt、.md、.docx、.doc、.wps 或 .pdf 文件")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: 无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK） — 请另存为 UTF-8 文本") from exc
    if sum(1 for c in text if 0x4E00 <= ord(c) <= 0x9FFF) < len(text) * 0.05:
        raise SourceError(f"{name}: 文件内容不像中文文本 — 请选择通报的文本或 Word 文件")
    return text


def blocks_of(text: str) -> list[Block]:
    """One block per run of non-blank lines; its line breaks stay, for the importer to weigh
    (a text copy breaks lines inside paragraphs, and sometimes runs paragraphs together)."""
    out: list[Block] = []
    line = 1
    for piece in re.split(r"(\n[ \t\u3000]*\n)", text):
        if piece.startswith("\n") and not piece.strip():
            line += piece.count("\n")
            continue
        lead = len(piece) - len(piece.lstrip("\n"))
        if piece.strip():
            out.append(Block(piece.strip("\n"), f"第 {line + lead} 行", line=line + lead))
        line += piece.count("\n")
    return out


def read(raw: bytes, name: str) -> Document:
    from bulletins.data.yamlio import control_character, without_invisible

    text = normalise(decode(raw, name))
    bad = sum(1 for c in text if ord(c) < 32 and c not in "\n\t")
    if bad > max(3, len(text) // 100):
        raise SourceError(f"{name}: 这不是文本文件（含大量控制字符） — 请选择 .txt、.md、.docx、.doc、.wps 或 .pdf 文件")
    found = control_character(without_invisible(text)[0])  # invisible ones are removed by the caller, and counted
    if found:
        line, col, what = found
        raise SourceError(f"{name}:{line}:{col}: 含有不可见的控制字符 {what} — 请在原文件中删除它后再导入")
    return Document(name, blocks_of(text))


def normalise(text: str) -> str:
    """LF lines; a form feed (a page break in text from PDF) and a vertical tab (Word's manual line
    break) are line breaks like the others."""
    return (text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
            .replace("\ufeff", ""))
