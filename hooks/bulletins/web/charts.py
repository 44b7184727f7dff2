"""Charts drawn at build time as inline SVG: no script, readable in print, each with a text table.

A chart is drawn twice, for a wide column (desktop, print) and a narrow one (phone); CSS shows the
one that fits, so that labels are about 13–14 px as rendered on either (an SVG scaled to a phone's
width would shrink 11 px labels to 6 px). Ticks are round numbers, time axes name months, and
categories (districts, types) are horizontal bars with their full names. Labels come from data,
so every one is escaped.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Size:
    name: str
    width: int
    font: int  # label size in user units: about the same in CSS px once the SVG fills its column
    plot_h: int
    max_month_labels: int
    max_ticks: int


WIDE = Size("wide", 720, 14, 240, 12, 6)
NARROW = Size("narrow", 360, 13, 200, 5, 5)
SIZES = (WIDE, NARROW)


# --- numbers ----------------------------------------------------------------------------------

def nice_ticks(lo: float, hi: float, count: int, integer: bool) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10ⁿ (whole numbers for counts,
    at most one decimal otherwise)."""
    if hi <= lo:
        hi = lo + (1 if integer else 0.1)
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1 if integer else 0.1)
    start = math.floor(lo / step + 1e-9) * step
    ticks, value = [], start
    while value < hi - 1e-9 or not ticks or len(ticks) < 2:
        ticks.append(round(value, 1))
        value += step
    ticks.append(round(value, 1))
    return ticks


def fmt(value: float, integer: bool = True) -> str:
    if integer:
        return f"{int(round(value)):,}"
    return f"{value:.1f}"


# --- frames -----------------------------------------------------------------------------------

def _svg(size: Size, height: int, title: str, desc: str, body: str, role: str = "img") -> str:
    """role="img" for a picture; a heat map whose cells are links is a "group" (links inside an
    image would be hidden from assistive technology)."""
    return (f'<svg class="zb-chart zb-chart--{size.name}" viewBox="0 0 {size.width} {height}" '
            f'width="{size.width}" height="{height}" role="{role}" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg" style="--zb-font: {size.font}px">'
            f'<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>')


def _both(draw, title: str, desc: str) -> Markup:
    return Markup('<div class="zb-chart-box">' + "".join(draw(size, title, desc) for size in SIZES) + "</div>")


def _text(x: float, y: float, label: str, size: Size, anchor: str = "start", cls: str = "zb-tick") -> str:
    # the size and the anchor come from zb.css (the chart's --zb-font, .zb-mid, .zb-end; "start" is
    # SVG's own): a heat map has hundreds of labels, in both its wide and its narrow drawing
    align = _ANCHOR[anchor]
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}{align}">{escape(label)}</text>'


_ANCHOR = {"start": "", "middle": " zb-mid", "end": " zb-end"}


def _y_axis(ticks: list[float], x0: float, x1: float, y_of, size: Size, integer: bool) -> str:
    integer = integer or all(t == int(t) for t in ticks)  # 98.6, 98.8, 99.0: one decimal on every tick
    out = []
    for t in ticks:
        y = y_of(t)
        out.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y:.1f}" y2="{y:.1f}" class="zb-grid"/>')
        out.append(_text(x0 - 6, y + size.font * 0.35, fmt(t, integer), size, "end"))
    return "".join(out)


def _label_width(labels: list[str], size: Size) -> float:
    """Room for the widest label: wide characters (CJK, full-width forms: Unicode's East Asian
    Width W or F) are about one em wide, the others (digits, Latin) about half."""
    def width(s: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in s) * size.font
    return max((width(s) for s in labels), default=0)


# --- line chart over time --------------------------------------------------------------------

def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], dt.date(first.year, first.month, 1)
    if day < first:
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    while day <= last:
        out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def _month_ticks(candidates: list[tuple[float, dt.date]], size: Size, lo: float, hi: float, y: float) -> str:
    """Month names under a time axis that never touch: each label is measured (_label_width) and
    kept inside [lo, hi]; one that would touch the last kept is left out, and the next one kept
    names the year if the left-out one would have (so 2019 is never lost)."""
    out, end, year = [], -math.inf, None
    gap = size.font * 0.6
    for x, day in candidates:
        label = f"{day.year}年{day.month}月" if day.year != year else f"{day.month}月"
        half = _label_width([label], size) / 2
        x = min(max(x, lo + half), hi - half)
        if x - half < end + gap:
            continue
        out.append(_text(x, y, label, size, "middle"))
        end, year = x + half, day.year
    return "".join(out)


def line_chart(title: str, points: list[tuple[dt.date, float]], integer: bool = True) -> Markup:
    """A series over time: x is the date (months named), y has round ticks."""
    if not points:
        return Markup("")
    desc = (f"{len(points)} 个数据点，从 {points[0][0].isoformat()} 的 {fmt(points[0][1], integer)} "
            f"到 {points[-1][0].isoformat()} 的 {fmt(points[-1][1], integer)}")
    return _both(lambda size, t, d: _line(size, t, d, points, integer), title, desc)


def _line(size: Size, title: str, desc: str, points: list[tuple[dt.date, float]], integer: bool) -> str:
    values = [v for _, v in points]
    ticks = nice_ticks(min(values), max(values), size.max_ticks, integer)
    labels = [fmt(t, integer or all(t == int(t) for t in ticks)) for t in ticks]
    left, right, top = _label_width(labels, size) + 12, 16, 12
    bottom = size.font * 2.4
    height = int(top + size.plot_h + bottom)
    x0, x1, y0, y1 = left, size.width - right, top + size.plot_h, top
    d0, d1 = points[0][0], points[-1][0]
    span = max((d1 - d0).days, 1)

    def x_of(day: dt.date) -> float:
        return x0 + (x1 - x0) * ((day - d0).days / span if d1 != d0 else 0.5)

    def y_of(v: float) -> float:
        return y0 - (y0 - y1) * (v - ticks[0]) / (ticks[-1] - ticks[0])

    out = [_y_axis(ticks, x0, x1, y_of, size, integer)]
    months = _months_between(d0, d1) or [dt.date(d0.year, d0.month, 1)]
    every = next(k for k in (1, 2, 3, 6, 12, 24, 60) if math.ceil(len(months) / k) <= size.max_month_labels)
    shown = [m for i, m in enumerate(months) if (m.year * 12 + m.month - 1) % every == 0] or months[:1]
    placed = []
    for m in shown:
        x = x_of(m) if d0 != d1 else (x0 + x1) / 2
        if x0 - 1 <= x <= x1 + 1:
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0:.1f}" y2="{y0 + 5:.1f}" class="zb-axis"/>')
            placed.append((x, m))
    out.append(_month_ticks(placed, size, x0 - 4, size.width - 2, y0 + size.font * 1.5))
    coords = [(x_of(day), y_of(v)) for day, v in points]
    out.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y0:.1f}" y2="{y0:.1f}" class="zb-axis"/>')
    out.append('<polyline class="zb-line" fill="none" points="'
               + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="zb-dot"/>' for x, y in coords]
    return _svg(size, height, title, desc, "".join(out))


# --- counts per month ------------------------------------------------------------------------

def _counts(title: str, items: list[tuple[str, float]], what: str, draw) -> Markup:
    """A chart of counts, described by how many there are and which is largest."""
    if not items:
        return Markup("")
    top = max(items, key=lambda kv: kv[1])
    desc = f"{len(items)} {what}，最多的是 {top[0]}（{fmt(top[1])}）"
    return _both(lambda size, t, d: draw(size, t, d, items), title, desc)


def month_chart(title: str, months: list[tuple[str, float]]) -> Markup:
    """Counts per month ("2018-09" → n), as vertical bars, every month of the span present."""
    return _counts(title, months, "个月", _months)


def _months(size: Size, title: str, desc: str, months: list[tuple[str, float]]) -> str:
    counts = dict(months)
    first, last = (dt.date(int(k[:4]), int(k[5:7]), 1) for k in (months[0][0], months[-1][0]))
    days = _months_between(first, last) or [first]
    ticks = nice_ticks(0, max(counts.values()), size.max_ticks, True)
    left = _label_width([fmt(t) for t in ticks], size) + 12
    right, top_pad, bottom = 12, 12, size.font * 2.4
    height = int(top_pad + size.plot_h + bottom)
    x0, x1, y0 = left, size.width - right, top_pad + size.plot_h

    def y_of(v: float) -> float:
        return y0 - size.plot_h * v / ticks[-1]

    out = [_y_axis(ticks, x0, x1, y_of, size, True)]
    slot = (x1 - x0) / len(days)
    every = next((k for k in (1, 2, 3, 6, 12, 24, 60) if math.ceil(len(days) / k) <= size.max_month_labels),
                 math.ceil(len(days) / size.max_month_labels))  # any span of years: decades too
    placed: list[tuple[float, dt.date]] = []
    for i, day in enumerate(days):
        n = counts.get(f"{day.year}-{day.month:02d}", 0)
        x = x0 + i * slot + slot * 0.15
        out.append(f'<rect x="{x:.1f}" y="{y_of(n):.1f}" width="{slot * 0.7:.1f}" height="{y0 - y_of(n):.1f}" '
                   f'class="zb-bar"><title>{day.year}年{day.month}月：{fmt(n)}</title></rect>')
        if (day.year * 12 + day.month - 1) % every == 0:
            placed.append((x0 + (i + 0.5) * slot, day))
    out.append(_month_ticks(placed, size, x0 - 4, size.width - 2, y0 + size.font * 1.5))
    out.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y0:.1f}" y2="{y0:.1f}" class="zb-axis"/>')
    return _svg(size, height, title, desc, "".join(out))


# --- counts per category (districts, types, years) --------------------------------------------

def hbar_chart(title: str, items: list[tuple[str, float]]) -> Markup:
    """One horizontal bar per category, its full name on the left and its count at the bar's end."""
    return _counts(title, items, "项", _hbars)


def _hbars(size: Size, title: str, desc: str, items: list[tuple[str, float]]) -> str:
    row = size.font * 2
    left = _label_width([label for label, _ in items], size) + 10
    count_room = _label_width([fmt(max(v for _, v in items))], size) + 10
    x0, x1 = left, size.width - count_room
    hi = max(v for _, v in items) or 1
    out = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (x1 - x0) * value / hi
        out.append(_text(x0 - 8, y + row * 0.68, label, size, "end", "zb-tick zb-label"))
        out.append(f'<rect x="{x0:.1f}" y="{y + row * 0.18:.1f}" width="{max(w, 1):.1f}" height="{row * 0.64:.1f}" '
                   f'class="zb-bar"><title>{escape(label)}：{fmt(value)}</title></rect>')
        out.append(_text(x0 + w + 6, y + row * 0.68, fmt(value), size, "start", "zb-tick zb-value"))
    out.append(f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="4" y2="{4 + len(items) * row:.1f}" class="zb-axis"/>')
    return _svg(size, int(8 + len(items) * row), title, desc, "".join(out))


# --- counts per category and month (heat maps) -------------------------------------------------

HEAT_MONTHS = 12  # the most recent months drawn, at both sizes: what the caption says


def heat_map(title: str, rows: list[str], months: list[str], counts: dict[tuple[str, str], int],
             href: dict[tuple[str, str], str]) -> Markup:
    """Rows (types or districts) × the most recent months, each cell's count written in it and
    linked (`href`, already relative to the page) to exactly those findings."""
    if not rows or not months:
        return Markup("")
    top = max(counts.values(), default=0)
    desc = f"{len(rows)} 行 × {len(months[-HEAT_MONTHS:])} 个月，单格最多 {top} 条"
    return _both(lambda size, t, d: _heat(size, t, d, rows, months, counts, href), title, desc)


def _heat(size: Size, title: str, desc: str, rows: list[str], months: list[str],
          counts: dict[tuple[str, str], int], href: dict[tuple[str, str], str]) -> str:
    shown = months[-HEAT_MONTHS:]
    row_h = size.font * 2
    left = _label_width(rows, size) + 10
    col_w = (size.width - left - 4) / len(shown)
    wide = size is WIDE
    # wide: 2018年11月 … 12月 2019年1月; a phone's columns have room for the month's number, the
    # year on a second line where it starts (and under the first column), 月 and 年 at the left
    top_pad = size.font * (1.8 if wide else 3.4)
    hi = max((counts.get((r, m), 0) for r in rows for m in shown), default=0) or 1
    out = []
    if not wide:
        out.append(_text(left - 8, size.font * 1.2, "月", size, "end", "zb-tick zb-axis-name"))
        out.append(_text(left - 8, size.font * 2.7, "年", size, "end", "zb-tick zb-axis-name"))
    for j, m in enumerate(shown):
        starts = j == 0 or m[5:] == "01"
        x = left + (j + 0.5) * col_w
        if wide:
            out.append(_text(x, size.font * 1.2, f"{m[:4]}年{int(m[5:])}月" if starts else f"{int(m[5:])}月", size,
                             "middle", "zb-tick"))
        else:
            out.append(_text(x, size.font * 1.2, str(int(m[5:])), size, "middle", "zb-tick"))
            if starts:
                out.append(_text(left + j * col_w + 1, size.font * 2.7, m[:4], size, "start", "zb-tick zb-year"))
    for i, r in enumerate(rows):
        y = top_pad + i * row_h
        out.append(_text(left - 8, y + row_h * 0.68, r, size, "end", "zb-tick zb-label"))
        for j, m in enumerate(shown):
            n = counts.get((r, m), 0)
            x = left + j * col_w
            shade = 0 if not n else 1 + int(4 * n / hi)  # 0 (none) … 5 (the most)
            cell = (f'<rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="{col_w - 2:.1f}" height="{row_h - 2:.1f}" '
                    f'class="zb-heat zb-heat-{min(shade, 5)}"><title>{escape(r)} {escape(m)}：{n}</title></rect>')
            if n:
                cell += _text(x + col_w / 2, y + row_h * 0.68, str(n), size, "middle",
                              "zb-tick zb-heat-n" + (" zb-heat-n--dark" if shade >= 3 else ""))
                link = href.get((r, m))
                if link:
                    cell = f'<a href="{escape(link)}" aria-label="{escape(r)} {escape(m)}：{n} 条">{cell}</a>'
            out.append(cell)
    return _svg(size, int(top_pad + len(rows) * row_h + 4), title, desc, "".join(out), role="group")
