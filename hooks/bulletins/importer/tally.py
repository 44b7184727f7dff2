"""The importer's promise, checked: every character of the source's body is in the written data.

The source is cut into pieces at sentence ends, colons and numbering marks; a piece is placed
when its characters (letters, digits and ideographs; punctuation and spaces are not counted)
stand in a field of the data, and unplaced when they stand in `unplaced`. A piece found nowhere
is lost, and the importer puts it into `unplaced` before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bulletins.data.model import Registry
from bulletins.data.textutil import CIRCLED
from .importtables import DERIVED, UNIT_TAIL, number
from .paragraphs import CN_NUM, FOOTER, own_lines, strip_markup
from .readers import Document

_CUT = re.compile(rf"[。；;！？!?:：\n\t\u3000]|[ ]{{2,}}|[{CIRCLED}]|[（(]\s*(?:\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*[）)]")
_LEAD = re.compile(rf"^\s*(?:\d{{1,2}}\s*[.．、](?!\d)|[{CN_NUM}]{{1,3}}\s*、)")
_NOT_COUNTED = re.compile(r"[\W_]+")
DISTRIBUTION_LABELS = ["报", "发", "抄送", "抄报", "报送", "送", "分送", "主送", "印发"]


def chars(text: str) -> str:
    """The characters the tally counts: ideographs, letters and digits."""
    return _NOT_COUNTED.sub("", text)


@dataclass(frozen=True)
class Tally:
    total: int
    placed: int
    unplaced: int
    furniture: int
    lost: int

    def line(self) -> str:
        text = f"原文 {self.total:,} 字：已归入 {self.placed:,} 字，未归入 {self.unplaced:,} 字"
        if self.unplaced:
            text += "（在 issue.yaml 的 unplaced 中，请核对）"
        if self.furniture:
            text += f"；页码、页眉和计算值 {self.furniture:,} 字不属正文，未导入"
        if self.lost:
            text += f"；另有 {self.lost:,} 字不知去向（这是导入程序的错误，请报告）"
        return text


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in ([str(k)] if k and not str(k).isascii() else []) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else []


def _kept(parsed, registry: Registry) -> tuple[str, str]:
    """(what is placed, what is unplaced) as counted characters. A district's heading may use any
    of its names (杭州市上城区 for 上城区): all of them count as placed."""
    issue = {k: v for k, v in parsed.issue.items() if k != "unplaced"}
    extra = []
    for data in parsed.districts.values():
        district = registry.district(data["district"])
        extra += list(district.aliases) if district else []
    if "date" in issue:
        d = issue["date"]
        extra.append(f"{d.year}年{d.month}月{d.day}日")
    if "number" in issue:
        extra.append(f"第{issue['number']}期")
    extra += getattr(parsed, "read", [])  # the masthead's number line as printed (〔2024〕第十三期)
    if issue.get("distribution"):
        extra += DISTRIBUTION_LABELS  # the 版记's labels (报 | …, 发 | …) are read into its fields
    for data in parsed.districts.values():
        for name, value in (data.get("metrics") or {}).items():
            extra.append(f"{name}{_unit_free(value)}")
    extra += _strings(getattr(parsed, "sections", None) or [])
    placed = "\n".join(chars(s) for s in _strings(issue) + _strings(parsed.districts) + extra)
    unplaced = "\n".join(chars(s) for s in parsed.issue.get("unplaced", []))
    return placed, unplaced


def _unit_free(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def pieces(doc: Document) -> list[tuple[str, str, bool]]:
    """(text, where, furniture) of every piece of the source, in reading order."""
    out: list[tuple[str, str, bool]] = []
    for block in doc.blocks:
        if block.is_table:
            header = block.rows[0] if block.rows else ()
            derived = {i for i, cell in enumerate(header) if DERIVED in chars(cell)}
            for r, row in enumerate(block.rows or ()):
                for i, cell in enumerate(row):
                    for line in _as_kept(cell, r == 0).split("\n"):  # a cell's numbered paragraphs, each as kept
                        out += [(p, block.where, i in derived) for p in _cut(_LEAD.sub("", line.strip(), count=1))]
            continue
        text = block.text if block.aside else block.shown
        for _, lines in own_lines(text):
            para = strip_markup("".join(line.strip() for line in lines))
            para = FOOTER.sub("", para)
            out += [(p, block.where, False) for p in _cut(_LEAD.sub("", para, count=1))]
    out += [(f, "页码或页眉", True) for f in doc.furniture]
    return out


def _as_kept(cell: str, header: bool) -> str:
    """A table cell as the data keeps it: a figure without its separators and unit, a header
    without its unit (“回访量（件）” is the metric 回访量)."""
    value = number(cell)
    if value is not None:
        return _unit_free(value)
    return UNIT_TAIL.sub("", re.sub(r"\s+", "", cell)) if header else cell


def _cut(text: str) -> list[str]:
    return [p.strip() for p in _CUT.split(text) if chars(p)]


def lost(doc: Document, parsed, leftovers, registry: Registry) -> list[tuple[str, str]]:
    placed, unplaced = _kept(parsed, registry)
    unplaced += "\n".join(chars(p.text) for p in leftovers)
    return [(text, where) for text, where, furniture in pieces(doc)
            if not furniture and chars(text) not in placed and chars(text) not in unplaced]


def count(doc: Document, parsed, registry: Registry) -> Tally:
    placed, unplaced = _kept(parsed, registry)
    totals = {"placed": 0, "unplaced": 0, "furniture": 0, "lost": 0}
    for text, _, furniture in pieces(doc):
        n = len(chars(text))
        c = chars(text)
        key = "furniture" if furniture else "placed" if c in placed else "unplaced" if c in unplaced else "lost"
        totals[key] += n
    total = sum(totals.values())
    return Tally(total, totals["placed"], totals["unplaced"], totals["furniture"], totals["lost"])
