"""A bulletin file (text in any encoding editors have, or Word) → plain text with LF lines."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_SOURCE_BYTES = 20 * 1024 * 1024


class SourceError(Exception):
    """A file that cannot be read as a bulletin; the message is for the editor, in Chinese."""


def _decode(raw: bytes, name: str) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise SourceError(f"{name}: 文件以 {codec} 标记开头，但第 {exc.start} 字节起内容损坏 — 请重新导出文本") from exc
    if b"\x00" in raw:
        raise SourceError(f"{name}: 这不是文本文件（含二进制内容） — 请选择 .txt、.md 或 .docx 文件")
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


def _docx_text(path: Path) -> str:
    """Paragraphs as Word has them; bold runs marked with ** like the Markdown copies."""
    import docx  # python-docx; imported here so the site build does not pay for it

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(f"{path.name}: Word 文件已损坏或不是 .docx 格式 — 请用 Word 另存为 .docx 后再导入") from exc
    paragraphs = []
    for para in document.paragraphs:
        parts = []
        for run in para.runs:
            text = run.text
            if run.bold and text.strip():
                parts.append(f"**{text}**")
            else:
                parts.append(text)
        paragraphs.append("".join(parts).replace("****", ""))
    return "\n\n".join(paragraphs)


def read_source(path: Path) -> str:
    name = path.name
    if not path.is_file():
        raise SourceError(f"{name}: 找不到文件 — 请检查路径")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise SourceError(f"{name}: 文件过大 — 一期通报不应超过 20 MB")
    if path.suffix.lower() == ".docx":
        text = _docx_text(path)
    else:
        text = _decode(path.read_bytes(), name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    bad = sum(1 for c in text if ord(c) < 32 and c not in "\n\t")
    if bad > max(3, len(text) // 100):
        raise SourceError(f"{name}: 这不是文本文件（含大量控制字符） — 请选择 .txt、.md 或 .docx 文件")
    if not text.strip():
        raise SourceError(f"{name}: 文件是空的 — 请选择有内容的通报文件")
    return text
