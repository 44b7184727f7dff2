"""A bulletin file (text in any encoding editors have, or Word) → plain text with LF lines."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from . import safefile, yamlio

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


# A bulletin's Word file is tens of KB of text; these bounds are far above that and far below
# what a zip bomb or a 10 MB text run would cost to expand (checked before anything is expanded).
MAX_MEMBERS = 2000
MAX_XML_BYTES = 8 * 1024 * 1024  # word/document.xml and the parts python-docx parses, expanded
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # everything in the package, expanded
MAX_RATIO = 100  # expanded ÷ compressed, per member
MAX_TEXT_CHARS = 1_000_000


def _check_package(path: Path) -> None:
    """Reads only the zip directory: refuses bombs, oversized parts and broken packages."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceError(f"{path.name}: Word 文件已损坏或不是 .docx 格式 — 请用 Word 另存为 .docx 后再导入") from exc
    if len(members) > MAX_MEMBERS:
        raise SourceError(f"{path.name}: Word 文件内含 {len(members)} 个部件，远超正常通报 — 请另存为 .docx 或 .txt 后再导入")
    total = 0
    for m in members:
        total += m.file_size
        xml = m.filename.endswith((".xml", ".rels"))
        if xml and m.file_size > MAX_XML_BYTES:
            raise SourceError(f"{path.name}: Word 文件中的 {m.filename} 展开后有 {m.file_size // 1024 // 1024} MB，"
                              "远超一期通报的篇幅 — 请检查文件，或另存为 .txt 后再导入")
        if m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024:
            raise SourceError(f"{path.name}: Word 文件中的 {m.filename} 压缩比异常（可能是“压缩炸弹”） — 已拒绝，未展开")
    if total > MAX_TOTAL_BYTES:
        raise SourceError(f"{path.name}: Word 文件展开后超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB — 请删去图片或另存为 .txt 后再导入")


def _docx_text(path: Path) -> str:
    """Paragraphs as Word has them; bold runs marked with ** like the Markdown copies."""
    import docx  # python-docx; imported here so the site build does not pay for it

    _check_package(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx and lxml raise many kinds for a broken package or XML
        raise SourceError(f"{path.name}: Word 文件已损坏（内容不完整或格式错误） — 请用 Word 打开后另存为 .docx 再导入") from exc
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
    if not os.path.lexists(path):
        raise SourceError(f"{name}: 找不到文件 — 请检查路径")
    try:
        raw = safefile.read_limited(path, MAX_SOURCE_BYTES, follow=True)
    except safefile.UnsafeFile as exc:
        raise SourceError(f"{name}: {exc}") from None
    except OSError as exc:
        raise SourceError(f"{name}: 无法读取（{exc.strerror}） — 请检查文件是否存在、是否可读") from None
    text = _docx_text(path) if path.suffix.lower() == ".docx" else _decode(raw, name)
    if len(text) > MAX_TEXT_CHARS:
        raise SourceError(f"{name}: 文字超过 {MAX_TEXT_CHARS // 10000} 万字，不是一期通报的篇幅 — 请检查文件")
    # A form feed (a page break in text from PDF) and a vertical tab (Word's manual line break)
    # are line breaks like the others.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n").replace("\ufeff", "")
    bad = sum(1 for c in text if ord(c) < 32 and c not in "\n\t")
    if bad > max(3, len(text) // 100):
        raise SourceError(f"{name}: 这不是文本文件（含大量控制字符） — 请选择 .txt、.md 或 .docx 文件")
    found = yamlio.control_character(text)
    if found:
        line, col, what = found
        raise SourceError(f"{name}:{line}:{col}: 含有不可见的控制字符 {what} — 请在原文件中删除它后再导入")
    if not text.strip():
        raise SourceError(f"{name}: 文件是空的 — 请选择有内容的通报文件")
    return text
