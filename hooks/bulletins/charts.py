"""Charts drawn at build time as inline SVG: no script, readable in print, each with a text table.

Labels come from bulletin data, so every one is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 240, 56, 16, 28, 40


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _frame(title: str, body: str, desc: str) -> Markup:
    return Markup(
        f'<svg class="zb-chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
        f'<text x="{PAD_L}" y="18" class="zb-chart-title">{escape(title)}</text>{body}</svg>')


def _axis(lo: float, hi: float) -> str:
    out = []
    for k in range(5):
        value = lo + (hi - lo) * k / 4
        y = H - PAD_B - (H - PAD_T - PAD_B) * k / 4
        out.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" class="zb-grid"/>'
                   f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" class="zb-tick">{_fmt(round(value, 2))}</text>')
    return "".join(out)


def line_chart(title: str, points: list[tuple[str, float]]) -> Markup:
    """A time series: x labels are dates (first and last shown), y from the data's range."""
    if not points:
        return Markup("")
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    span_x = W - PAD_L - PAD_R
    step = span_x / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return PAD_L + i * step, H - PAD_B - (H - PAD_T - PAD_B) * (v - lo) / (hi - lo)

    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="zb-dot"/>' for x, y in coords)
    labels = (f'<text x="{PAD_L}" y="{H - 14}" class="zb-tick">{escape(points[0][0])}</text>'
              f'<text x="{W - PAD_R}" y="{H - 14}" text-anchor="end" class="zb-tick">{escape(points[-1][0])}</text>')
    desc = f"{len(points)} 个数据点，从 {points[0][0]} 的 {_fmt(points[0][1])} 到 {points[-1][0]} 的 {_fmt(points[-1][1])}"
    body = _axis(lo, hi) + f'<polyline points="{path}" class="zb-line" fill="none"/>' + dots + labels
    return _frame(title, body, desc)


def bar_chart(title: str, items: list[tuple[str, float]]) -> Markup:
    """Categories (districts, months) with a count each."""
    if not items:
        return Markup("")
    hi = max(v for _, v in items) or 1
    span_x = W - PAD_L - PAD_R
    slot = span_x / len(items)
    bar = max(slot * 0.7, 1)
    out = [_axis(0, hi)]
    for i, (label, value) in enumerate(items):
        h = (H - PAD_T - PAD_B) * value / hi
        x = PAD_L + i * slot + (slot - bar) / 2
        out.append(f'<rect x="{x:.1f}" y="{H - PAD_B - h:.1f}" width="{bar:.1f}" height="{h:.1f}" class="zb-bar">'
                   f'<title>{escape(label)}：{_fmt(value)}</title></rect>')
        if len(items) <= 24:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{H - PAD_B + 14}" text-anchor="middle" '
                       f'class="zb-tick zb-tick-s">{escape(label[:4])}</text>')
    top = max(items, key=lambda kv: kv[1])
    desc = f"{len(items)} 项，最多的是 {top[0]}（{_fmt(top[1])}）"
    return _frame(title, "".join(out), desc)
