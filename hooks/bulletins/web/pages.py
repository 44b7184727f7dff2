"""Every kind of page, one function each, registered in PAGE_KINDS: (site data) → page specs.

A spec names its URL, title, template and context; rendering happens later, one page at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from bulletins.analysis import deadlines, indexes as ix, patterns, rates
from bulletins.data.model import Archive, finding_id
from bulletins.data.textutil import pinyin_sort_key
from . import charts, facets, urls


@dataclass(frozen=True)
class PageSpec:
    url: str
    title: str
    template: str
    context: dict = field(default_factory=dict, compare=False)
    toc: tuple[tuple[str, str], ...] = ()  # (anchor, label) for the page's table of contents
    block: bool = False  # appended to a hand-written page in docs/ instead of replacing it
    short: str = ""  # what the header shows once the page's title has scrolled away (a phone has room for ~10 characters)
    feed: str = ""  # the title of the feed beside the page (feed.xml), named in its head for feed readers to find


@dataclass(frozen=True)
class SiteData:
    archive: Archive
    indexes: ix.Indexes
    changed: dict = field(default_factory=dict)  # issue id → date its data last changed (git)
    corrections: dict = field(default_factory=dict)  # issue id → Corrections, newest first
    drafts: tuple = ()  # draft issues shown in the editor's preview only (mkdocs serve)
    earlier: dict = field(default_factory=dict)  # finding id → earlier findings (patterns.py)
    links: patterns.FollowLinks = patterns.FollowLinks({}, {})  # confirmed `follows:` links, both ways
    open_promises: tuple = ()  # promised work no finding follows up yet, newest first (the 待跟进 pages)
    flags: dict = field(default_factory=dict)  # finding id → 规律 filter values (patterns.flags)


def issue_pages(s: SiteData) -> list[PageSpec]:
    return [issue_page(s, i) for i in s.archive.issues + s.drafts]


def issue_page(s: SiteData, i) -> PageSpec:
    return PageSpec(urls.issue(i.id), f"{'草稿：' if i.draft else ''}第 {i.number} 期（{i.date.isoformat()}）",
                    "issue.html",
                    {"issue": i, "rates": rates.derived, "registry": s.archive.registry,
                     "changed": s.changed.get(i.id), "corrections": s.corrections.get(i.id, ()),
                     "earlier": _earlier_of(s, i), "window": s.archive.registry.recurrence_window,
                     "follows": _by_anchor(i, s.links.follows), "followed_by": _by_anchor(i, s.links.followed_by),
                     "figure_names": _figure_names(s.archive.registry, i)},
                    toc=_issue_toc(i),
                    short=f"{'草稿 ' if i.draft else ''}{i.date.year} 年第 {i.number} 期")


def _issue_toc(i) -> tuple[tuple[str, str], ...]:
    """The page's contents as printed: its districts, or the parts of a bulletin by problem category."""
    if not i.sections:
        return tuple((r.district.slug, r.district.name) for r in i.reports)
    parts = tuple((f"part-{n}", s.title) for n, s in enumerate(i.sections, 1))
    apart = any(r.metrics for r in i.reports) and not any(s.figures for s in i.sections)
    return parts + ((("part-figures", "各地指标"),) if apart else ())


def _figure_names(registry, i) -> tuple[str, ...]:
    """The metrics any district of the issue reports, in the registry's order (one table of all)."""
    have = {k for r in i.reports for k, _ in r.metrics}
    return tuple(m.name for m in registry.metrics if m.name in have)


def _by_anchor(issue, by_id: dict) -> dict:
    """One issue's share of a map keyed by finding id, keyed by anchor as its page needs."""
    return {f.anchor: by_id[k] for f in issue.findings if (k := finding_id(issue, f)) in by_id}


def _earlier_of(s: SiteData, issue) -> dict[str, tuple]:
    """Anchor → (times in the window, counting this one; earlier refs) for one issue's findings."""
    return {a: (1 + len({r.issue.id for r in refs}), refs) for a, refs in _by_anchor(issue, s.earlier).items()}


def _open_promises_of(s: SiteData, slug: str) -> list:
    return [p for p in s.open_promises if p.ref.report.district.slug == slug]


ARCHIVE_YEARS_LISTED = 2  # years whose issues the archive page lists; each year has its own page
PENDING_SHOWN = 5  # open promises of a district on the 待跟进 and district pages; all on pending/<slug>/


def archive_pages(s: SiteData) -> list[PageSpec]:
    years = s.indexes.by_year
    findings = {y: sum(len(i.findings) for i in issues) for y, issues in years.items()}
    per_year = [(f"{y} 年", findings[y]) for y in sorted(years)]
    out = [PageSpec(urls.ARCHIVE, "往期通报", "archive.html", {
        "years": years, "per_year": per_year, "year_chart": charts.hbar_chart("每年问题数", per_year),
        "listed": set(sorted(years, reverse=True)[:ARCHIVE_YEARS_LISTED]), "findings": findings},
        toc=tuple((f"y{y}", f"{y} 年") for y in years))]
    for year, issues in years.items():
        entries = tuple(e for e in s.indexes.entries if e.issue.year == year)
        out.append(PageSpec(urls.year(year), f"{year} 年", "year.html", {
            "year": year, "issues": issues,
            "by_type": _ranked(ix.count_by(entries, lambda e: e.finding.types)),
            "by_district": _district_counts(s, entries),
            "registry": s.archive.registry}))
    return out


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], pinyin_sort_key(kv[0])))


def _district_counts(s: SiteData, entries: tuple[ix.Entry, ...]) -> list[tuple[object, int]]:
    counts = ix.count_by(entries, lambda e: e.report.district.slug)
    return [(d, counts[d.slug]) for d in s.archive.registry.districts if counts[d.slug]]


def _months(entries: tuple[ix.Entry, ...]) -> list[tuple[str, int]]:
    counts = Counter(e.issue.date.strftime("%Y-%m") for e in entries)
    return sorted(counts.items())


LATEST = 20  # findings a type, department or district page shows before its pages by year


def _heat(page_url: str, title: str, entries: tuple[ix.Entry, ...], row_of, facet: str,
          fixed: dict[str, str], order: list[str]) -> dict:
    """A heat map of rows (types or districts) × the recent months, each count linked to the search
    page listing exactly those findings; with the same numbers as a table."""
    counts: Counter = Counter()
    for e in entries:
        for row in row_of(e):
            counts[(row, e.issue.date.strftime("%Y-%m"))] += 1
    months = sorted({m for _, m in counts})[-charts.HEAT_MONTHS:]  # the chart and its table: the same months
    rows = [r for r in order if any(counts[(r, m)] for m in months)]
    href = {(r, m): urls.search({**fixed, facet: r, facets.MONTH: m}) for r in rows for m in months if counts[(r, m)]}
    rel = {k: urls.relative(page_url, v) for k, v in href.items()}
    table = [(r, None, *({"n": counts[(r, m)], "href": href.get((r, m))} for m in months)) for r in rows]
    return {"heat": charts.heat_map(title, rows, months, dict(counts), rel), "heat_head": [facet, *months],
            "heat_rows": table, "heat_months": len(months)}


def _by_year(url: str, title: str, entries: tuple[ix.Entry, ...], show_district: bool,
             extra: Callable[[int], dict] | None = None,
             own: tuple[str, str] | None = None) -> tuple[dict, list[PageSpec]]:
    """A page's latest findings and its year pages (url + "2019/"): pages stay small at any archive
    size, each finding is on exactly one year page, and search covers everything regardless.
    `own`: (facet, name) of a type's or department's page, whose chip its findings leave out
    (every one of them has it; the others it also has are what the reader learns)."""
    years = sorted(Counter(e.issue.year for e in entries).items(), reverse=True)
    nav = [(y, n, urls.in_year(url, y)) for y, n in years]
    specs = [PageSpec(urls.in_year(url, y), f"{title} · {y} 年", "entries_year.html", {
        "title": title, "back": url, "year": y, "years": nav, "count": n, "show_district": show_district, "own": own,
        "groups": ix.group_by_issue(tuple(e for e in entries if e.issue.year == y)),
        **(extra(y) if extra else {"charts": []})}) for y, n in years]
    return {"latest": ix.group_by_issue(entries[:LATEST]), "years": nav, "own": own}, specs


TREND_DAYS = 731  # a district page's trend charts: the last two years; each year page has its own


def _trend_charts(d, trends: dict, points: Callable, label: str = "", counts: frozenset = frozenset()) -> list[tuple]:
    """`counts`: the charts (by name) whose figures are counts, drawn with whole-number ticks."""
    out = []
    for name, pts in trends.items():
        shown = points(pts)
        if shown:
            chart = charts.line_chart(f"{d.name} {name}{label}", [(p.date, p.value) for p in shown],
                                      integer=name in counts)
            out.append((name + label, chart, shown))
    return out


def district_pages(s: SiteData) -> list[PageSpec]:
    reg, out = s.archive.registry, []
    window = reg.recurrence_window
    recent_ids = {i.id for i in s.archive.issues[:window]}
    latest = s.archive.latest
    since = latest.date - dt.timedelta(days=TREND_DAYS) if latest else dt.date.min
    counts = frozenset(t.label for t in reg.trends if rates.is_count(reg, t))
    for d in reg.districts:
        entries = s.indexes.by_district.get(d.slug, ())
        trends = s.indexes.trends.get(d.slug, {})
        paged, years = _by_year(urls.district(d.slug), d.name, entries, False, lambda y: {
            "charts": _trend_charts(d, trends, lambda pts: [p for p in pts if p.date.year == y], f"（{y} 年）",
                                    counts)})
        out += years
        recurring = tuple(e for e in entries if e.issue.id in recent_ids
                          and finding_id(e.issue, e.finding) in s.earlier)
        months = _months(entries)
        heat = _heat(urls.district(d.slug), f"{d.name}：各问题类型每月问题数", entries, lambda e: e.finding.types,
                     facets.TYPE, {facets.DISTRICT: d.name}, [t.name for t in reg.types])
        out.append(PageSpec(urls.district(d.slug), d.name, "district.html", {
            **paged, **heat, "district": d, "count": len(entries), "issues": len({e.issue.id for e in entries}),
            "recurring": ix.group_by_issue(recurring), "window": window,
            "pending": _open_promises_of(s, d.slug), "pending_shown": PENDING_SHOWN, "rule": deadlines.RULE,
            "by_type": _ranked(ix.count_by(entries, lambda e: e.finding.types)),
            "charts": _trend_charts(d, trends, lambda pts: [p for p in pts if p.date > since],
                                    "（近两年）" if any(p[0].date <= since for p in trends.values() if p) else "",
                                    counts),
            "months": months, "month_chart": charts.month_chart(f"{d.name} 每月问题数", months),
            "predecessors": [reg.district_by_slug(x) for x in d.predecessors],
            "successors": [reg.district_by_slug(x) for x in d.successors]}, feed=f"{d.name}的新问题"))
    out.append(PageSpec(urls.DISTRICTS, "区县", "districts.html", {
        "districts": [(d, len(s.indexes.by_district.get(d.slug, ()))) for d in reg.districts]}))
    return out


def _topic_pages(s: SiteData, items: tuple, index: dict, kind: str, url: Callable[[str], str],
                 index_url: str) -> list[PageSpec]:
    """A page per problem type or department, and their index: the logic is the same for both."""
    ordered = sorted(items, key=lambda x: pinyin_sort_key(x.name))
    out = []
    for item in ordered:
        entries = index.get(item.name, ())
        by_d = _district_counts(s, entries)
        paged, years = _by_year(url(item.slug), item.name, entries, True, own=(kind, item.name))
        out += years
        heat = _heat(url(item.slug), f"{item.name}：各区县每月问题数", entries, lambda e: (e.report.district.name,),
                     facets.DISTRICT, {kind: item.name}, [d.name for d in s.archive.registry.districts])
        months = _months(entries)
        out.append(PageSpec(url(item.slug), item.name, "topic.html", {
            **paged, **heat, "kind": kind, "item": item, "count": len(entries), "issues": len({e.issue.id for e in entries}),
            "feed": kind == facets.TYPE,  # export.feeds: a subscription per problem type
            "by_district": by_d,
            "district_chart": charts.hbar_chart(f"{item.name}：各区县问题数", [(d.name, n) for d, n in by_d]),
            "month_chart": charts.month_chart(f"{item.name}：每月问题数", months), "months": months},
            feed=f"“{item.name}”的新问题" if kind == facets.TYPE else ""))
    out.append(PageSpec(index_url, kind, "topics.html", {
        "kind": kind, "url": url, "items": [(x, len(index.get(x.name, ()))) for x in ordered]}))
    return out


def type_pages(s: SiteData) -> list[PageSpec]:
    return _topic_pages(s, s.archive.registry.types, s.indexes.by_type, facets.TYPE,
                        urls.problem_type, urls.TYPES)


def department_pages(s: SiteData) -> list[PageSpec]:
    return _topic_pages(s, s.archive.registry.departments, s.indexes.by_department, facets.DEPARTMENT,
                        urls.department, urls.DEPARTMENTS)


def home_block(s: SiteData) -> list[PageSpec]:
    latest = s.archive.latest
    if latest is None:
        return [PageSpec(urls.HOME, "首页", "home.html", {"latest": None, "drafts": s.drafts}, block=True)]
    recent = ix.recent(s.indexes.entries, latest.date)
    this_year = tuple(e for e in s.indexes.entries if e.issue.year == latest.year)
    return [PageSpec(urls.HOME, "首页", "home.html", {
        "latest": latest, "year": latest.year, "year_issues": len(s.indexes.by_year.get(latest.year, ())),
        "year_findings": len(this_year),
        "top_types": _ranked(ix.count_by(recent, lambda e: e.finding.types))[:8],
        "top_districts": sorted(_district_counts(s, recent), key=lambda dn: (-dn[1], dn[0].order))[:8],
        "newest": s.indexes.entries[:10], "registry": s.archive.registry, "drafts": s.drafts}, block=True)]


def corrections_page(s: SiteData) -> list[PageSpec]:
    by_id = {i.id: i for i in s.archive.issues}
    items = sorted(((c, by_id[c.issue_id]) for cs in s.corrections.values() for c in cs),
                   key=lambda ci: (ci[0].date, ci[1].date, ci[1].number), reverse=True)
    return [PageSpec(urls.CORRECTIONS, "更正记录", "corrections.html", {"items": items})]


def pending_page(s: SiteData) -> list[PageSpec]:
    """待跟进: promised work (近期将…, 正在…) that no later finding follows up yet, by district."""
    window = s.archive.registry.recurrence_window
    by_district = [(d, ps) for d in s.archive.registry.districts if (ps := _open_promises_of(s, d.slug))]
    out = [PageSpec(urls.PENDING, "待跟进", "pending.html", {
        "by_district": by_district, "count": len(s.open_promises), "window": window, "shown": PENDING_SHOWN,
        "rule": deadlines.RULE, "latest": s.archive.latest},
        toc=tuple((d.slug, d.name) for d, _ in by_district))]
    for d, items in by_district:  # all of a district's, when the pages above show only the newest
        if len(items) <= PENDING_SHOWN:
            continue
        out.append(PageSpec(urls.pending(d.slug), f"待跟进 · {d.name}", "pending_district.html", {
            "district": d, "items": items, "window": window, "rule": deadlines.RULE, "latest": s.archive.latest}))
    return out


def search_page(s: SiteData) -> list[PageSpec]:
    """The full search view; its filter pane lists every value with its count of findings."""
    reg, idx = s.archive.registry, s.indexes
    by_year = Counter(e.issue.year for e in idx.entries)
    groups = [
        (facets.DISTRICT, [(d.name, len(idx.by_district[d.slug]), d.aliases) for d in reg.districts
                 if idx.by_district.get(d.slug)]),
        (facets.TYPE, [(t.name, len(idx.by_type[t.name]), ()) for t in reg.types if idx.by_type.get(t.name)]),
        (facets.DEPARTMENT, [(x.name, len(idx.by_department[x.name]), ()) for x in reg.departments
                if idx.by_department.get(x.name)]),
        (facets.YEAR, [(str(y), n, ()) for y, n in sorted(by_year.items(), reverse=True)]),
        (facets.PATTERN, [(v, n, ()) for v in facets.VALUES_OF_PATTERN
                if (n := sum(v in fl for fl in s.flags.values()))]),
    ]
    return [PageSpec(urls.SEARCH, "搜索", "search.html", {"facets": groups})]


def review_pages(s: SiteData) -> list[PageSpec]:
    """年度回顾, one page per year: the figures an office's annual summary needs, each count linked to
    exactly those findings."""
    reg = s.archive.registry
    years = sorted(s.indexes.by_year)
    promised_ids = {p.ref.id: p for p in s.open_promises}
    of_year: dict[int, list] = defaultdict(list)
    for e in s.indexes.entries:
        of_year[e.issue.year].append(e)
    out = []
    for year in years:
        entries = of_year[year]
        before = Counter(e.report.district.slug for e in of_year.get(year - 1, ()))
        counts = Counter((e.report.district.slug, t) for e in entries for t in e.finding.types)
        districts = [d for d in reg.districts if any(counts[(d.slug, t.name)] for t in reg.types)]
        types = [t for t in reg.types if any(counts[(d.slug, t.name)] for d in districts)]
        per_district = Counter(e.report.district.slug for e in entries)
        table = [(d, [(counts[(d.slug, t.name)], urls.search({facets.DISTRICT: d.name, facets.TYPE: t.name,
                                                              facets.YEAR: year})) for t in types],
                  per_district[d.slug], before.get(d.slug)) for d in districts]
        type_totals = [sum(counts[(d.slug, t.name)] for d in districts) for t in types]
        recurring = sorted((e for e in entries if finding_id(e.issue, e.finding) in s.earlier),
                           key=lambda e: (-len(s.earlier[finding_id(e.issue, e.finding)]), -e.issue.date.toordinal()))
        made = [e for e in entries if patterns.promises(e.finding)]
        followed = [e for e in made if finding_id(e.issue, e.finding) in s.links.followed_by]
        overdue = [promised_ids[i] for e in made if (i := finding_id(e.issue, e.finding)) in promised_ids
                   and promised_ids[i].overdue]
        callbacks = _callbacks(s, year)
        out.append(PageSpec(urls.review(year), f"{year} 年度回顾", "year_review.html", {
            "year": year, "issues": s.indexes.by_year[year], "count": len(entries), "districts": districts,
            "types": types, "table": table, "type_totals": type_totals, "previous": year - 1 if year - 1 in years else None,
            "recurring": recurring[:REVIEW_RECURRING], "recurring_count": len(recurring), "earlier": s.earlier,
            "made": len(made), "followed": len(followed), "overdue": overdue, "callbacks": callbacks,
            "search_year": urls.search({facets.YEAR: year})}))
    return out


REVIEW_RECURRING = 10  # the problems that came back most, on a year's review


def _callbacks(s: SiteData, year: int) -> list[tuple]:
    """Per district: the year's callbacks (回访量 summed) and each trend figure, first and last report."""
    reg = s.archive.registry
    out = []
    for d in reg.districts:
        reports = [(i, r) for i, r in s.indexes.reports_by_district.get(d.slug, ()) if i.year == year and r.metrics]
        if not reports:
            continue
        reports.sort(key=lambda ir: ir[0].date)
        total = sum(r.metric_map.get("回访量", 0) for _, r in reports)
        series = []
        for t in reg.trends:
            values = [v for _, r in reports if (v := rates.trend_value(reg, t, r.metric_map)) is not None]
            if values:
                series.append((t.label, values[0], values[-1], len(values)))
        out.append((d, len(reports), total, series))
    return out


PAGE_KINDS: tuple[Callable[[SiteData], list[PageSpec]], ...] = (
    home_block, issue_pages, archive_pages, district_pages, type_pages, department_pages,
    corrections_page, pending_page, search_page, review_pages,
)


class DuplicatePage(Exception):
    pass


def all_pages(site: SiteData, kinds=PAGE_KINDS) -> dict[str, PageSpec]:
    pages: dict[str, PageSpec] = {}
    for kind in kinds:
        for spec in kind(site):
            if spec.url in pages:
                raise DuplicatePage(f"两个页面使用了同一个地址 {spec.url or '/'} — 检查 slug 是否重复")
            pages[spec.url] = spec
    return pages
