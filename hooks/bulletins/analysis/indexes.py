"""The archive regrouped: by district, problem type, department and year; metric trends."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from bulletins.data.model import Archive, DistrictReport, Finding, Issue, Registry
from . import rates


@dataclass(frozen=True)
class Entry:
    issue: Issue
    report: DistrictReport
    finding: Finding


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: float
    issue_id: str


@dataclass(frozen=True)
class Indexes:
    entries: tuple[Entry, ...]  # newest issue first, registry order within an issue
    by_district: dict[str, tuple[Entry, ...]]
    by_type: dict[str, tuple[Entry, ...]]
    by_department: dict[str, tuple[Entry, ...]]
    by_year: dict[int, tuple[Issue, ...]]
    reports_by_district: dict[str, tuple[tuple[Issue, DistrictReport], ...]]
    trends: dict[str, dict[str, tuple[Point, ...]]]  # district slug → series name → points


def build_indexes(archive: Archive) -> Indexes:
    # Cross-issue pages list an issue's findings in registry order, whatever the bulletin's order.
    # A finding that names several districts (a bulletin by problem category) is on each one's
    # page, and counted once everywhere else: `entries` holds it under the district it is numbered in.
    every = tuple(Entry(i, r, f) for i in archive.issues
                  for r in sorted(i.reports, key=lambda r: r.district.order) for f in r.findings)
    entries = tuple(e for e in every if e.finding.district == e.report.district.slug)
    by_district, by_type, by_dept = defaultdict(list), defaultdict(list), defaultdict(list)
    for e in every:
        by_district[e.report.district.slug].append(e)
    for e in entries:
        for t in e.finding.types:
            by_type[t].append(e)
        for d in e.finding.departments:
            by_dept[d].append(e)
    by_year: dict[int, list[Issue]] = defaultdict(list)
    reports: dict[str, list] = defaultdict(list)
    for issue in archive.issues:
        by_year[issue.year].append(issue)
        for r in issue.reports:
            reports[r.district.slug].append((issue, r))
    return Indexes(
        entries=entries,
        by_district={k: tuple(v) for k, v in by_district.items()},
        by_type={k: tuple(v) for k, v in by_type.items()},
        by_department={k: tuple(v) for k, v in by_dept.items()},
        by_year={k: tuple(v) for k, v in sorted(by_year.items(), reverse=True)},
        reports_by_district={k: tuple(v) for k, v in reports.items()},
        trends={slug: _trends(rs, archive.registry) for slug, rs in reports.items()},
    )


def _trends(reports: list[tuple[Issue, DistrictReport]], registry: Registry) -> dict[str, tuple[Point, ...]]:
    """Chart name → its points, for the charts metrics.yaml's `trends` names."""
    series: dict[str, list[Point]] = defaultdict(list)
    for issue, report in sorted(reports, key=lambda ir: ir[0].date):
        m = report.metric_map
        for trend in registry.trends:
            value = rates.trend_value(registry, trend, m)
            if value is not None:
                series[trend.label].append(Point(issue.date, value, issue.id))
    return dict(series)


def count_by(entries: tuple[Entry, ...], key) -> Counter:
    counter: Counter = Counter()
    for e in entries:
        values = key(e)
        counter.update(values if isinstance(values, (list, tuple)) else [values])
    return counter


def group_by_issue(entries: tuple[Entry, ...]) -> list[tuple[Issue, list[Entry]]]:
    groups: list[tuple[Issue, list[Entry]]] = []
    for e in entries:
        if groups and groups[-1][0].id == e.issue.id:
            groups[-1][1].append(e)
        else:
            groups.append((e.issue, [e]))
    return groups


def recent(entries: tuple[Entry, ...], latest: dt.date, weeks: int = 12) -> tuple[Entry, ...]:
    since = latest - dt.timedelta(weeks=weeks)
    return tuple(e for e in entries if e.issue.date > since)
