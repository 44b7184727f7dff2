"""A Word file (.docx) → blocks, reading what Word shows and nothing it hides.

python-docx opens the package; the body is then walked in document order, because its own
`paragraphs` skip tables, tracked insertions, hyperlinks, fields, content controls and text
boxes. Automatic numbering is drawn from numbering.xml as Word draws it (`numbering.py`).
Tracked changes are read as accepted; hidden text is left out; comments and notes are kept
apart for `unplaced`. Each of these is reported, so nothing disappears without a word.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .blocks import Block, Document, SourceError
from .numbering import Numbering
from .wordstyles import Styles, q

# A bulletin's Word file is tens of KB of text; these bounds are far above that and far below
# what a zip bomb or a 10 MB text run would cost to expand (checked before anything is expanded).
MAX_MEMBERS = 2000
MAX_XML_BYTES = 8 * 1024 * 1024  # word/document.xml and the parts python-docx parses, expanded
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # everything in the package, expanded
MAX_RATIO = 100  # expanded ÷ compressed, per member

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)

# Elements whose children are read as if they stood in their parent: they wrap runs or blocks.
_WRAPPERS = {q(n) for n in ("ins", "moveTo", "hyperlink", "fldSimple", "smartTag", "customXml", "sdt",
                            "sdtContent", "dir", "bdo")}
_SKIPPED = {q(n) for n in ("del", "moveFrom", "pPr", "rPr", "sdtPr", "sdtEndPr", "proofErr",
                           "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                           "permStart", "permEnd", "customXmlPr", "smartTagPr")}
_TRACKED = {q(n) for n in ("ins", "del", "moveTo", "moveFrom", "pPrChange", "rPrChange", "cellIns", "cellDel")}


def check_package(path: Path) -> None:
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
        media = m.filename.startswith("word/media/")  # pictures are never parsed; everything else may be
        if not media and m.file_size > MAX_XML_BYTES:
            raise SourceError(f"{path.name}: Word 文件中的 {m.filename} 展开后有 {m.file_size // 1024 // 1024} MB，"
                              "远超一期通报的篇幅 — 请检查文件，或另存为 .txt 后再导入")
        if m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024:
            raise SourceError(f"{path.name}: Word 文件中的 {m.filename} 压缩比异常（可能是“压缩炸弹”） — 已拒绝，未展开")
    if total > MAX_TOTAL_BYTES:
        raise SourceError(f"{path.name}: Word 文件展开后超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB — 请删去图片或另存为 .txt 后再导入")
    _inflate_counted(path, [m for m in members if not m.filename.startswith("word/media/")])


def _inflate_counted(path: Path, members: list) -> None:
    """The directory may lie about sizes: each part that will be parsed is inflated once, counting
    bytes as they come, and refused at the bound, before anything is built from it."""
    try:
        with zipfile.ZipFile(path) as package:
            for m in members:
                seen = 0
                with package.open(m) as stream:
                    while chunk := stream.read(1 << 20):
                        seen += len(chunk)
                        if seen > MAX_XML_BYTES:
                            raise SourceError(f"{path.name}: Word 文件中的 {m.filename} 实际展开超过 "
                                              f"{MAX_XML_BYTES // 1024 // 1024} MB（文件目录所写的大小不实） — 已拒绝")
    except SourceError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise SourceError(f"{path.name}: Word 文件已损坏或不是 .docx 格式 — 请用 Word 另存为 .docx 后再导入") from exc


@dataclass
class _Seen:
    """What the walk met that the editor must hear of."""
    tracked: bool = False
    hidden: list[str] = field(default_factory=list)
    boxes: int = 0
    chunks: int = 0


class _Reader:
    def __init__(self, name: str, styles: Styles, numbering: Numbering) -> None:
        self.name, self.styles, self.numbering = name, styles, numbering
        self.blocks: list[Block] = []
        self.seen = _Seen()
        self.paragraphs = 0
        self.tables = 0

    # -- block level -------------------------------------------------------------------------
    def body(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == q("p"):
                self.paragraph(child)
            elif tag == q("tbl"):
                self.table(child)
            elif tag in _WRAPPERS:
                self.body(child)
            elif tag == q("altChunk"):
                self.seen.chunks += 1
            if tag in _TRACKED:
                self.seen.tracked = True

    def paragraph(self, p: etree._Element, where: str | None = None) -> None:
        boxes: list[etree._Element] = []
        text = self.inline(p, boxes, self.styles.paragraph_hidden(p))
        label, level = self.numbering.label(p, self.styles)
        if text.strip() or label.strip():
            self.paragraphs += 1
            spot = where or f"第 {self.paragraphs} 段"
            self.blocks.append(Block(text, spot, label, self.styles.heading_level(p)))
        for box in boxes:  # a text box's paragraphs follow the paragraph that anchors it
            self.seen.boxes += 1
            self.body(box)

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        number = self.tables
        rows: list[tuple[str, ...]] = []
        for tr in _children(tbl, "tr"):
            cells = []
            for tc in _children(tr, "tc"):
                inner = _Reader(self.name, self.styles, self.numbering)
                inner.body(tc)
                self.seen.tracked |= inner.seen.tracked
                self.seen.hidden += inner.seen.hidden
                self.seen.boxes += inner.seen.boxes
                cells.append("\n".join(b.shown for b in inner.blocks if not b.is_table)
                             + "".join("\n" + "\n".join("\t".join(r) for r in b.rows or ())
                                       for b in inner.blocks if b.is_table))
            if any(c.strip() for c in cells):
                rows.append(tuple(cells))
        if rows:
            self.blocks.append(Block("", f"第 {number} 个表格", rows=tuple(rows)))

    # -- run level -----------------------------------------------------------------------------
    def inline(self, element: etree._Element, boxes: list, hidden: bool) -> str:
        out: list[str] = []
        for child in element:
            tag = child.tag
            if tag in _TRACKED:
                self.seen.tracked = True
            if tag in _SKIPPED:
                continue
            if tag == q("r"):
                out.append(self.run(child, boxes, hidden))
            elif tag in _WRAPPERS:
                out.append(self.inline(child, boxes, hidden))
            elif tag == f"{{{MC}}}AlternateContent":
                out.append(self.inline(_one_choice(child), boxes, hidden))
        return "".join(out)

    def run(self, r: etree._Element, boxes: list, hidden: bool) -> str:
        run_hidden = hidden or self.styles.run_hidden(r)
        parts: list[str] = []
        for child in r:
            tag = child.tag
            if tag == q("t"):
                parts.append(child.text or "")
            elif tag == q("tab") or tag == q("ptab"):
                parts.append("\t")
            elif tag in (q("br"), q("cr")):
                parts.append("\n")
            elif tag == q("noBreakHyphen"):
                parts.append("-")
            elif tag == f"{{{MC}}}AlternateContent":
                boxes.extend(_boxes(_one_choice(child)))
            elif tag in (q("drawing"), q("pict"), q("object")):
                boxes.extend(_boxes(child))
            elif tag in _TRACKED:
                self.seen.tracked = True
        text = "".join(parts)
        if run_hidden:
            if text.strip():
                self.seen.hidden.append(text.strip())
            return ""
        return text


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children of that name, looking through content controls and custom XML."""
    out = []
    for child in element:
        if child.tag == q(name):
            out.append(child)
        elif child.tag in _WRAPPERS:
            out += _children(child, name)
    return out


def _one_choice(alternate: etree._Element) -> etree._Element:
    """Word writes a text box twice (DrawingML and VML): read one of them, never both."""
    for child in alternate:
        if child.tag == f"{{{MC}}}Choice":
            return child
    for child in alternate:
        if child.tag == f"{{{MC}}}Fallback":
            return child
    return etree.Element("none")


def _boxes(element: etree._Element) -> list[etree._Element]:
    return [box for box in element.iter(q("txbxContent"))
            if not any(a.tag == q("txbxContent") for a in box.iterancestors())]


def _part(document, kind: str) -> etree._Element | None:
    for rel in document.part.rels.values():
        if rel.reltype == RELS + kind and not rel.is_external:
            try:
                return etree.fromstring(rel.target_part.blob, _PARSER)
            except etree.XMLSyntaxError:
                return None
    return None


def _notes(document, reader: _Reader) -> list[tuple[str, str]]:
    """Comments, footnotes and endnotes: (what, text) each, for `unplaced`."""
    out = []
    for kind, tag, what in (("comments", "comment", "批注"), ("footnotes", "footnote", "脚注"),
                            ("endnotes", "endnote", "尾注")):
        root = _part(document, kind)
        if root is None:
            continue
        for note in root.iter(q(tag)):
            if note.get(q("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            inner = _Reader(reader.name, reader.styles, reader.numbering)
            inner.body(note)
            text = "".join(b.shown for b in inner.blocks if not b.is_table).strip()
            if text:
                author = note.get(q("author"))
                out.append((f"{what}{'（' + author + '）' if author else ''}", text))
    return out


def _furniture(document) -> list[str]:
    """Running heads and feet: left out of the body, but named if they say more than a page number."""
    out = []
    for kind in ("header", "footer"):
        for rel in document.part.rels.values():
            if rel.reltype != RELS + kind or rel.is_external:
                continue
            root = etree.fromstring(rel.target_part.blob, _PARSER)
            text = "".join(t.text or "" for t in root.iter(q("t"))).strip()
            if text and not re.fullmatch(r"[—–\-\s\d第页共/]*", text):
                out.append(text)
    return sorted(set(out))


def read(path: Path) -> Document:
    import docx  # python-docx; imported here so the site build does not pay for it

    check_package(path)
    try:
        document = docx.Document(str(path))
        styles = Styles(_part(document, "styles"))
        numbering = Numbering(_part(document, "numbering"))
        reader = _Reader(path.name, styles, numbering)
        reader.body(document.element.body)
        notes = _notes(document, reader)
        heads = _furniture(document)
    except SourceError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds for a broken package or XML
        raise SourceError(f"{path.name}: Word 文件已损坏（内容不完整或格式错误） — 请用 Word 打开后另存为 .docx 再导入") from exc
    doc = Document(path.name, reader.blocks, kind="Word")
    _report(doc, reader, notes, heads)
    return doc


def _report(doc: Document, reader: _Reader, notes: list[tuple[str, str]], heads: list[str]) -> None:
    seen = reader.seen
    if seen.tracked:
        doc.notes.append("文件中有修订痕迹：已按“接受全部修订”后的文字导入（插入的保留，删除的不要） — "
                         "请在 Word 中核对修订是否都应接受")
    for text in seen.hidden:
        doc.notes.append(f"文件中有隐藏文字，未导入：“{text[:30]}{'…' if len(text) > 30 else ''}” — "
                         "如果它应当公开，请在 Word 中取消隐藏后重新导入")
    if seen.boxes:
        doc.notes.append(f"文件中有 {seen.boxes} 个文本框：其文字已按位置接在所在段落之后导入 — 请核对顺序")
    for what, text in notes:
        doc.blocks.append(Block(text, what, aside=what))
        doc.notes.append(f"{what}不是正文，已放在 issue.yaml 的 unplaced 中：“{text[:30]}{'…' if len(text) > 30 else ''}”")
    if seen.chunks:
        doc.notes.append(f"文件中嵌入了 {seen.chunks} 个外部文档（altChunk），其内容无法读取 — "
                         "请在 Word 中打开并另存为 .docx（嵌入内容会变成正文）后重新导入")
    for text in heads:
        doc.notes.append(f"页眉或页脚的文字没有导入（不是正文）：“{text[:30]}{'…' if len(text) > 30 else ''}”")
