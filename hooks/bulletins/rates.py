"""Rates that follow from a district's figures; shown beside them, marked as computed."""

from __future__ import annotations

RULES = (
    ("接通率", ("回访量", "未接通"), lambda m: (m["回访量"] - m["未接通"]) / m["回访量"]),
    ("满意度（满意+基本满意）", ("满意", "基本满意", "不满意"),
     lambda m: (m["满意"] + m["基本满意"]) / (m["满意"] + m["基本满意"] + m["不满意"])),
    ("短信回复率", ("短信发送", "回复"), lambda m: m["回复"] / m["短信发送"]),
    ("电话接通率", ("呼出", "接通"), lambda m: m["接通"] / m["呼出"]),
)


def derived(metrics: dict[str, float | int]) -> list[tuple[str, str]]:
    """(name, percentage with two decimals); the unit (%) is the table header's, not the cell's."""
    out = []
    for name, needs, rule in RULES:
        if all(k in metrics for k in needs):
            try:
                out.append((name, f"{rule(metrics) * 100:.2f}"))
            except ZeroDivisionError:
                continue
    return out


def satisfaction(metrics: dict[str, float | int]) -> float | None:
    """One comparable satisfaction figure per district report, for trend charts."""
    if "满意率" in metrics:
        return float(metrics["满意率"])
    if all(k in metrics for k in ("满意", "基本满意", "不满意")):
        total = metrics["满意"] + metrics["基本满意"] + metrics["不满意"]
        return round(100 * (metrics["满意"] + metrics["基本满意"]) / total, 2) if total else None
    return None
