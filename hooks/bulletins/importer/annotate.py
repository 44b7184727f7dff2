"""Suggestions the importer adds to each finding; the editor corrects them in the diff.

A finding with no clear match gets no suggestion rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from bulletins.data import yamlio
from bulletins.data.model import Metric, Registry

_NUM = r"(\d[\d,，]*(?:\.\d+)?)"


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern:
    parts = [r"\s*" + _NUM + r"\s*" if part == "N" else r"\s*".join(map(re.escape, part))
             for part in re.split(r"(N)", text) if part]
    return re.compile("".join(parts))


def extract_metrics(text: str, metrics: tuple[Metric, ...]) -> tuple[dict[str, float | int], list[str]]:
    """Figures stated in the text; the longest phrase wins where phrases overlap (基本满意 ⊃ 满意)."""
    found = []
    for metric in metrics:
        for phrase in metric.patterns:
            for m in _pattern(phrase).finditer(text):
                found.append((m.start(), m.end(), metric.name, m.group(1)))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int]] = []
    accepted = []
    for start, end, name, raw in found:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        accepted.append((start, name, raw))
    values: dict[str, float | int] = {}
    notes = []
    for _, name, raw in sorted(accepted):
        number = raw.replace(",", "").replace("，", "")
        value: float | int = yamlio.printed_float(float(number), number) if "." in number else int(number)
        if name in values and values[name] != value:
            notes.append(f"“{name}”在原文中出现了两个不同的数（{values[name]} 和 {value}），只录入了第一个")
            continue
        values.setdefault(name, value)
    return values, notes


def suggest(text: str, items: tuple, limit: int = 3) -> list[str]:
    """Registry names whose keywords occur in the text, most keyword hits first."""
    scored = []
    for order, item in enumerate(items):
        hits = sum(text.count(k) for k in item.keywords)
        if hits:
            scored.append((-hits, order, item.name))
    return [name for _, _, name in sorted(scored)[:limit]]


_ADDRESS = re.compile(r"([^\s，,、；;。：:（）()“”]{2,30}?)[（(]([^（）()]{1,40}?\d+\s*[号米][^（）()]{0,10}?)[）)]")
_VENUE = re.compile(r"[\u4e00-\u9fff]{0,12}?(?:行政服务中心|便民服务中心|办事服务中心|办税服务厅|户籍大厅|办事大厅|"
                    r"服务大厅|营业大厅|办公大厅|市民之家|分中心|登记中心|服务中心)")
_VERBS = re.compile(r"巡察|巡查|检查|发现|抽查|组织|反映|对|在|于|到")


def place_of(text: str) -> str:
    m = _ADDRESS.search(text)
    if m:
        name = _VERBS.split(m.group(1))[-1]
        return f"{name}（{m.group(2).strip()}）" if len(name) >= 2 else ""
    m = _VENUE.search(text)
    return _VERBS.split(m.group(0))[-1] if m else ""


_WHEN = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(上午|下午|中午|晚上)?\s*"
                   r"(?:(\d{1,2})\s*(?:时|:|：)\s*(\d{1,2})\s*分?)?")


def observed_of(text: str, issue_date: dt.date) -> str:
    m = _WHEN.search(text)
    if not m:
        return ""
    month, day = int(m.group(1)), int(m.group(2))
    year = issue_date.year - (1 if month > issue_date.month else 0)
    try:
        when = dt.date(year, month, day).isoformat()
        if m.group(4):
            hour, minute = int(m.group(4)), int(m.group(5))
            if m.group(3) in ("下午", "晚上") and hour < 12:
                hour += 12
            dt.time(hour, minute)
            when += f" {hour:02d}:{minute:02d}"
    except ValueError:
        return ""
    return when


_SENTENCE = re.compile(r"[^。；;！!]*[。；;！!]?")
_ACTION = re.compile(r"(?:^|[，,])\s*((?:已|目前已|现已|均已|已经|对此已).*)$")


def action_of(text: str) -> str:
    """What was done: from the first clause that starts with 已 to the end of its sentence."""
    done = []
    for sentence in _SENTENCE.findall(text):
        m = _ACTION.search(sentence)
        if m:
            done.append(m.group(1).strip())
    return "".join(done)


def annotate(text: str, registry: Registry, issue_date: dt.date) -> dict:
    out: dict = {}
    for key, value in (("types", suggest(text, registry.types)),
                       ("departments", suggest(text, registry.departments, limit=4)),
                       ("place", place_of(text)), ("observed", observed_of(text, issue_date)),
                       ("action", action_of(text))):
        if value:
            out[key] = value
    return out
