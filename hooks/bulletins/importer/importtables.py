"""Word and PDF tables in a bulletin: a district's metrics, the 版记 (报/发), or text to keep.

A table is data when its header names registered metrics: each column becomes that metric,
its number read as printed (thousands separators, units). A table of 报/发 rows is the
distribution. Anything else is kept as text, with a warning, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bulletins.data.model import Metric, Registry
from bulletins.data.yamlio import printed_float

UNIT_TAIL = re.compile(r"(?:[（(][^（）()]{1,6}[）)]|[/／][^/／]{1,6})$")
_NUMBER = re.compile(r"([+-]?\d+(?:\.\d+)?)(?:件|条|人次|人|份|个|次|项|家|%|％)?")
_LABEL = re.compile(r"^\s*(报|发|抄送|抄报|报送|送|分送|主送|印发)\s*[:：]?\s*$")
_LABELLED = re.compile(r"^\s*(报|发|抄送|抄报|报送|送|分送|主送)\s*[:：]\s*(.*)$", re.S)
# a 版记 label → the distribution field (offices print 发 or 送, 报 or 报送…)
FOOTER_KEYS = {"报": "report_to", "抄报": "report_to", "报送": "report_to", "发": "send_to", "送": "send_to",
               "分送": "send_to", "主送": "send_to", "抄送": "copy_to", "印发": "printed"}
DERIVED = "计算值"  # the archive's own pages mark rates they compute; re-importing a print skips them


@dataclass
class MetricTable:
    """Columns → metrics; `rows` holds (district name or "", {metric: value}, leftovers)."""
    columns: dict[int, Metric]
    derived: list[int]
    rows: list[tuple[str, dict[str, float | int], list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _clean(cell: str) -> str:
    return re.sub(r"\s+", "", cell)


def header_metric(cell: str, registry: Registry) -> Metric | None:
    name = UNIT_TAIL.sub("", _clean(cell).replace(DERIVED, ""))
    return registry.metric(name) or registry.metric(name.removesuffix("数"))


def number(cell: str) -> float | int | None:
    """A printed figure: `7,032`, `7 032`, `15729件`, `97.37%`; None if the cell is not one."""
    s = re.sub(r"[\s\u00a0\u2009\u202f]", "", cell)
    s = re.sub(r"(?<=\d)[,，](?=\d{3}(?:\D|$))", "", s)
    m = _NUMBER.fullmatch(s)
    if not m:
        return None
    raw = m.group(1)
    return printed_float(float(raw), raw) if "." in raw else int(raw)


def metric_table(rows: tuple[tuple[str, ...], ...], registry: Registry, where: str) -> MetricTable | None:
    """The table read as metrics, if its first row names at least one registered metric."""
    if len(rows) < 2:
        return None
    header = rows[0]
    columns = {i: m for i, cell in enumerate(header) if (m := header_metric(cell, registry))}
    if not columns:
        return None
    derived = [i for i, cell in enumerate(header) if DERIVED in _clean(cell)]
    table = MetricTable({i: m for i, m in columns.items() if i not in derived}, derived)
    for row in rows[1:]:
        values: dict[str, float | int] = {}
        leftovers: list[str] = []
        label = ""
        for i, cell in enumerate(row):
            text = cell.strip()
            if i in table.derived or not text or text in ("—", "-", "/", "－"):
                continue
            metric = table.columns.get(i)
            value = number(text) if metric else None
            if metric and value is not None:
                if metric.kind == "count" and isinstance(value, float):
                    table.notes.append(f"{where}：“{metric.name}”一栏是计数，这里是小数 {text} — 已按原样录入，请核对")
                values[metric.name] = value
            elif i == 0 and i not in table.columns:
                label = text
            else:
                head = header[i].strip() if i < len(header) else ""
                leftovers.append(f"{head}：{text}" if head else text)
        table.rows.append((label, values, leftovers))
    return table


def distribution(rows: tuple[tuple[str, ...], ...]) -> list[tuple[str, str]] | None:
    """(label, text) pairs of a 版记 table: `报 | …` rows or cells that start `报：…`; None if not one."""
    pairs: list[tuple[str, str]] = []
    for row in rows:
        cells = [c for c in row if c.strip()]
        if not cells:
            continue
        first = _LABEL.match(cells[0])
        if first and len(cells) >= 2:
            pairs.append((first.group(1), "".join(c.strip() for c in cells[1:])))
            continue
        for cell in cells:
            m = _LABELLED.match(cell)
            if m:
                pairs.append((m.group(1), m.group(2).strip()))
            elif cell.strip().endswith("印发"):
                pairs.append(("印发", cell.strip()))
            else:
                return None
    return pairs or None


def add_footer(footer: dict[str, str], label: str, text: str) -> None:
    """A 版记 line (报：…, 送：…, …印发) added to the field its label names."""
    key = FOOTER_KEYS[label]
    footer[key] = footer.get(key, "") + text.strip()


def as_text(rows: tuple[tuple[str, ...], ...]) -> str:
    """A table that is neither data nor 版记, as one paragraph of text: cells by “，”, rows by “；”."""
    lines = ["，".join(c.strip().replace("\n", " ") for c in row if c.strip()) for row in rows]
    return "；".join(line for line in lines if line) + "。"
