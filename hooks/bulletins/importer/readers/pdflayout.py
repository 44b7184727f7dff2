"""A PDF with a text layer → blocks, re-joined by position as the page shows them.

pdfplumber (pdfminer.six) gives every character with its box. Characters become lines by their
baseline, lines become paragraphs by the page's geometry: a paragraph starts where a line is
indented, where the line before it stopped short of the right edge, where the type size changes
or the gap above is wider than the line pitch; centred lines of one size (a title set over two
lines) stay together. Page numbers (`— 3 —`) and running heads repeated on the pages are page
furniture: counted, not imported. Ruled tables are read as tables.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .blocks import Block, Document, SourceError
from .radicals import TABLE

MAX_PAGES = 300
_PAGE_NUMBER = re.compile(r"^[—–―\-－]?\s*\d{1,3}\s*[—–―\-－]?$|^第\s*\d{1,3}\s*页(?:[，,]?\s*共\s*\d{1,3}\s*页)?$"
                          r"|^\d{1,3}\s*/\s*\d{1,3}$")
_ENDS = "。！？!?；;：:”’）)】》"
# A line that opens a list item or a run-in label (“2.”, “三、”, “②”, “（1）”, “发：”, “抄送：”).
_OPENS = re.compile(r"^(?:\d{1,2}\s*[.．、](?!\d)|[一二三四五六七八九十]{1,3}、|[①-⑳]|[（(]\s*[\d一二三四五六七八九十]{1,2}\s*[）)]"
                    r"|[\u4e00-\u9fff]{1,4}\s*[:：])")
_TEXT_FIX = str.maketrans({"\u2015": "\u2014"}) | TABLE  # a printed dash maps back to U+2015: it was an em dash
# Noto CJK SC draws 户 with the glyph its cmap gives 戶 (a `locl` substitution), so the text layer
# of a page printed in that face says 戶. Found by comparing the face's cmap with its locl lookups:
# the only such pair whose source is outside GB 2312 and whose target is inside it.
_SC_TWINS = str.maketrans({"戶": "户"})


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    font: str = ""
    table: tuple[tuple[str, ...], ...] | None = None


def _ascii_word(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def _line_text(chars: list[dict], size: float) -> str:
    """Characters in reading order; a gap wider than a character is a tab (a masthead's columns)."""
    out: list[str] = []
    last_x1 = None
    for c in sorted(chars, key=lambda c: c["x0"]):
        text = c["text"].translate(_TEXT_FIX)
        if "cjksc" in c.get("fontname", "").lower():
            text = text.translate(_SC_TWINS)
        if not text.strip():
            out.append(text if text in (" ", "\u3000") else " ")
            continue
        if last_x1 is not None and c["x0"] - last_x1 > size * 1.0:
            while out and out[-1] in (" ", "\u3000"):
                out.pop()
            out.append("\t")
        out.append(text)
        last_x1 = c["x1"]
    return "".join(out).strip()


def _lines(page, number: int, skip: list[tuple[float, float, float, float]]) -> list[Line]:
    # a character belongs to a table when its centre is inside it (a cell's glyphs may rise a point
    # above the rule: LibreOffice's PDFs do)
    chars = [c for c in page.chars if not any(x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
                                              for x0, top, x1, bottom in skip)]
    chars.sort(key=lambda c: (round(c["top"], 1), c["x0"]))
    rows: list[list[dict]] = []
    for c in chars:
        if rows and abs(c["top"] - rows[-1][0]["top"]) < max(c["size"], rows[-1][0]["size"]) * 0.5:
            rows[-1].append(c)
        else:
            rows.append([c])
    out = []
    for row in rows:
        size = Counter(round(c["size"], 1) for c in row if c["text"].strip()).most_common(1)
        if not size:
            continue
        text = _line_text(row, size[0][0])
        font = Counter(c.get("fontname", "").split("+")[-1] for c in row if c["text"].strip()).most_common(1)[0][0]
        if text:
            out.append(Line(text, min(c["x0"] for c in row), max(c["x1"] for c in row),
                            min(c["top"] for c in row), max(c["bottom"] for c in row), size[0][0], number, font))
    return out


def _tables(page, number: int) -> tuple[list[Line], list[tuple[float, float, float, float]]]:
    found, boxes = [], []
    for table in page.find_tables():
        rows = tuple(tuple((cell or "").translate(_TEXT_FIX).strip() for cell in row) for row in table.extract())
        rows = tuple(r for r in rows if any(r))
        if len(rows) >= 1 and max(len(r) for r in rows) >= 2:
            x0, top, x1, bottom = table.bbox
            boxes.append((x0, top, x1, bottom))
            found.append(Line("", x0, x1, top, bottom, 0, number, table=rows))
    return found, boxes


def _furniture(lines: list[Line], heights: dict[int, float], pages: int) -> set[int]:
    """Indexes of page numbers and of running heads (the same line at a page's top or foot on
    at least two pages and half of them)."""
    edge: dict[str, set[int]] = {}
    for i, line in enumerate(lines):
        h = heights[line.page]
        if line.table is None and (line.top < h * 0.12 or line.bottom > h * 0.88):
            edge.setdefault(re.sub(r"\d+", "#", line.text), set()).add(line.page)
    repeated = {k for k, on in edge.items() if len(on) >= 2 and len(on) * 2 >= pages}
    out = set()
    for i, line in enumerate(lines):
        if line.table is not None:
            continue
        h = heights[line.page]
        at_edge = line.top < h * 0.12 or line.bottom > h * 0.88
        if _PAGE_NUMBER.match(line.text) or (at_edge and re.sub(r"\d+", "#", line.text) in repeated):
            out.add(i)
    return out


_NUMBER_LINE = re.compile(r"^\s*\S{0,8}第\s*[\d一二三四五六七八九十百零〇两]{1,6}\s*期\s*(?:[（(]\s*总\s*第[^）)]{1,8}期\s*[）)])?\s*$")


class _Geometry:
    """The body's left edge, right edge, type size and line pitch, as most lines have them."""

    def __init__(self, lines: list[Line], width: float) -> None:
        body = [ln for ln in lines if ln.table is None] or [Line("", 0, width, 0, 12, 12.0, 1)]  # only tables
        self.size = Counter(ln.size for ln in body).most_common(1)[0][0]
        normal = [ln for ln in body if abs(ln.size - self.size) < 0.5] or body
        self.left = Counter(round(ln.x0) for ln in normal).most_common(1)[0][0]
        self.right = max(round(ln.x1) for ln in normal)
        self.center = width / 2
        pitches = [b.top - a.top for a, b in zip(normal, normal[1:]) if a.page == b.page and b.top > a.top]
        self.pitch = sorted(pitches)[len(pitches) // 2] if pitches else self.size * 1.8

    def centred(self, ln: Line) -> bool:
        """Set in the middle: clear of both edges (more than a paragraph's indent) by the same amount."""
        return (ln.x0 > self.left + 2.5 * ln.size and ln.x1 < self.right - 2 * ln.size
                and abs((ln.x0 + ln.x1) / 2 - self.center) < ln.size)

    def starts(self, a: Line, b: Line) -> bool:
        """Does line b start a new paragraph after line a?"""
        if abs(a.size - b.size) > 0.1 * max(a.size, b.size):
            return True
        if self.centred(a) and self.centred(b):
            return a.text[-1] in _ENDS
        if b.x0 > self.left + 0.6 * b.size or self.centred(b) or self.centred(a):
            return True
        if a.page == b.page and b.top - a.top > self.pitch * 1.45:
            return True
        if a.font != b.font and (b.x1 < self.right - 2.5 * b.size or a.x1 < self.right - 2.5 * a.size):
            return True  # a heading set in its own face (bold), alone on its line
        if _NUMBER_LINE.match(a.text) or _NUMBER_LINE.match(b.text):
            return True  # the masthead's 第 N 期 is a line of its own, wherever it is set
        if a.x1 < self.right - 2.5 * a.size:
            # A short line ends a paragraph when it ends a sentence or the next line opens an item;
            # otherwise the next word did not fit (a date kept whole, a long number): it goes on.
            return a.text[-1] in _ENDS or bool(_OPENS.match(b.text))
        return False


class _Spacing:
    """Does this document put a space between Chinese and Latin text (“对 6 月”, “查询 <http…>”)?
    A line that wrapped there lost the space; it is put back where the document's own lines
    space that pair more often than not (by the Latin character, or by letters and digits)."""

    def __init__(self, lines: list[Line]) -> None:
        self.votes: Counter = Counter()
        for ln in lines:
            for m in re.finditer(r"([\u3400-\u9fff])( ?)([!-~])|([!-~])( ?)([\u3400-\u9fff])", ln.text):
                latin = m.group(3) or m.group(4)
                spaced = bool(m.group(2) or m.group(5))
                for key in (self._key(latin), latin):
                    self.votes[key, spaced] += 1

    @staticmethod
    def _key(c: str) -> str:
        return "word" if _ascii_word(c) else "other"

    def wanted(self, latin: str) -> bool:
        yes, no = self.votes[latin, True], self.votes[latin, False]
        if yes + no == 0:
            yes, no = self.votes["word", True], self.votes["word", False]
        return yes > no

    def join(self, text: str, nxt: str) -> str:
        a, b = text[-1:], nxt[:1]
        if _ascii_word(a) and _ascii_word(b):
            return text + " " + nxt
        if _cjk(a) and "!" <= b <= "~" and b not in ",.;:!?)]}>" and self.wanted(b):
            return text + " " + nxt
        if "!" <= a <= "~" and a not in "([{<" and _cjk(b) and self.wanted(a):
            return text + " " + nxt
        return text + nxt


def read(path: Path, raw: bytes) -> Document:
    lines, heights, width, pages = _read_lines(path)
    if not any(ln.text for ln in lines) and not any(ln.table for ln in lines):
        raise SourceError(f"{path.name}: 这是扫描件或图片（PDF 中没有文字层），无法读取文字 — 请找到 Word 原件，"
                          "或先用 OCR 软件把它识别为文字（另存为 .docx 或 .txt）后再导入")
    gone = _furniture(lines, heights, pages)
    furniture = [lines[i].text for i in sorted(gone)]
    body = [ln for i, ln in enumerate(lines) if i not in gone]
    if not body:
        raise SourceError(f"{path.name}: PDF 中只有页码或页眉页脚（{furniture[0][:20]}…），没有正文 — 请检查是否导出完整")
    geometry = _Geometry(body, width)
    spacing = _Spacing(body)
    blocks: list[Block] = []
    current: Line | None = None
    text, start_page = "", 0
    for ln in body:
        if ln.table is not None:
            if current is not None:
                blocks.append(Block(text, f"第 {start_page} 页"))
                current = None
            blocks.append(Block("", f"第 {ln.page} 页的表格", rows=ln.table))
            continue
        if current is None or geometry.starts(current, ln):
            if current is not None:
                blocks.append(Block(text, f"第 {start_page} 页"))
            text, start_page = ln.text, ln.page
        else:
            text = spacing.join(text, ln.text)
        current = ln
    if current is not None:
        blocks.append(Block(text, f"第 {start_page} 页"))
    doc = Document(path.name, blocks, furniture=furniture, kind="PDF")
    if furniture:
        doc.notes.append(f"PDF 的页码和页眉页脚（{len(furniture)} 行）不是正文，没有导入")
    doc.notes.append("PDF 的段落是按版面位置重新拼接的 — 请对照原件核对分段，特别是跨页的段落")
    return doc


def _read_lines(path: Path) -> tuple[list[Line], dict[int, float], float, int]:
    import logging

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise SourceError(f"{path.name}: PDF 有 {len(pdf.pages)} 页，远超一期通报的篇幅 — 请只导入一期")
            lines: list[Line] = []
            heights: dict[int, float] = {}
            width = 595.0
            for n, page in enumerate(pdf.pages, 1):
                heights[n], width = float(page.height), float(page.width)
                tables, boxes = _tables(page, n)
                items = _lines(page, n, boxes) + tables
                lines += sorted(items, key=lambda ln: ln.top)
            return lines, heights, width, len(pdf.pages)
    except SourceError:
        raise
    except PDFPasswordIncorrect:
        raise SourceError(f"{path.name}: PDF 设有密码，无法读取 — 请取消密码后另存，再导入") from None
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds for a broken file
        if isinstance(exc, (KeyboardInterrupt, MemoryError)):
            raise
        raise SourceError(f"{path.name}: PDF 文件已损坏或格式无法识别 — 请重新导出 PDF，或改用 Word 原件导入") from None
