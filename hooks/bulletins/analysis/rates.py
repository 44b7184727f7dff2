"""Rates that follow from a district's figures, and the figures its trend charts follow. Which
rates and which charts is data (issues/registry/metrics.yaml: `rates`, `trends`), not code."""

from __future__ import annotations

from bulletins.data.model import Registry, Trend


def derived(registry: Registry, metrics: dict[str, float | int]) -> list[tuple[str, str]]:
    """(name, percentage with two decimals); the unit (%) is the table header's, not the cell's."""
    out = []
    for rate in registry.rates:
        value = rate.value(metrics)
        if value is not None:
            out.append((rate.name, f"{value * 100:.2f}"))
    return out


def trend_value(registry: Registry, trend: Trend, metrics: dict[str, float | int]) -> float | None:
    """A report's point on a trend chart: its figure, or where it has none, the fallback rate (%)."""
    if trend.metric in metrics:
        return float(metrics[trend.metric])
    rate = next((r for r in registry.rates if r.name == trend.fallback), None) if trend.fallback else None
    value = rate.value(metrics) if rate else None
    return round(100 * value, 2) if value is not None else None


def is_count(registry: Registry, trend: Trend) -> bool:
    """A chart of counts has whole-number ticks; a percentage's has decimals."""
    metric = registry.metric(trend.metric)
    return metric is not None and metric.kind == "count"
