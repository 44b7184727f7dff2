"""The archive as immutable data: what every later stage (pages, search, export) reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from .textutil import says_more


def _cached_hash(obj) -> int:
    """Issues and district reports are hashed often (keys of the page cache) and never change:
    compute the hash of their fields once."""
    h = obj.__dict__.get("_hash")
    if h is None:
        h = hash(tuple(getattr(obj, f.name) for f in fields(obj) if f.compare))
        object.__setattr__(obj, "_hash", h)
    return h


@dataclass(frozen=True)
class District:
    name: str
    slug: str
    pinyin: str
    kind: str
    order: int
    aliases: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    predecessors: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    note: str = ""

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


@dataclass(frozen=True)
class ProblemType:
    name: str
    slug: str
    description: str
    keywords: tuple[str, ...] = ()
    routine: bool = False  # a report every week (the callback figures), never "the same problem again"


@dataclass(frozen=True)
class Metric:
    name: str
    slug: str
    unit: str
    kind: str  # "count" or "percent"
    description: str = ""
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Terms:
    """Metrics added up, some subtracted (`-未接通` in metrics.yaml): a rate's numerator, a sum's total."""
    plus: tuple[str, ...]
    minus: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.plus + self.minus

    def value(self, metrics: dict) -> float | int | None:
        if not all(n in metrics for n in self.names):
            return None
        return sum(metrics[n] for n in self.plus) - sum(metrics[n] for n in self.minus)

    def words(self) -> str:
        return " − ".join([" + ".join(self.plus)] + list(self.minus))


@dataclass(frozen=True)
class Rate:
    """A percentage computed from a report's figures (metrics.yaml `rates`), shown as 计算值."""
    name: str
    numerator: Terms
    denominator: Terms

    def value(self, metrics: dict) -> float | None:
        top, bottom = self.numerator.value(metrics), self.denominator.value(metrics)
        if top is None or not bottom:
            return None
        return top / bottom


@dataclass(frozen=True)
class Trend:
    """A district page's trend chart (metrics.yaml `trends`): a metric, or a rate where it is missing."""
    metric: str
    label: str
    fallback: str = ""


@dataclass(frozen=True)
class Sum:
    """Parts that may not exceed a total (metrics.yaml `sums`): a warning, never a correction."""
    parts: Terms
    total: Terms


@dataclass(frozen=True)
class Department:
    name: str
    slug: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    district: str  # district slug, so a finding knows its own anchor
    number: int  # 1-based, as ①②③ in the bulletin
    text: str
    types: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    place: str = ""
    observed: str = ""  # "2018-09-18" or "2018-09-18 14:43"
    action: str = ""
    follows: str = ""  # id of the earlier finding this one follows up (an editor's decision)
    follows_quote: str = ""  # how that finding's text begins: the link fails loudly if the id re-points
    also: tuple[str, ...] = ()  # other districts it names (a bulletin by problem category): slugs

    @property
    def anchor(self) -> str:
        return f"{self.district}-{self.number}"

    @property
    def action_adds(self) -> bool:
        """处理情况 is worth a line of its own only when it says something the text does not."""
        return bool(self.action) and says_more(self.action, self.text)


def finding_id(issue: "Issue", finding: Finding) -> str:
    """A finding's id everywhere (archive.json, `follows:`, search): 2018-033-jianggan-2."""
    return f"{issue.id}-{finding.anchor}"


@dataclass(frozen=True)
class DistrictReport:
    district: District
    source: str  # path relative to the archive root, for messages
    findings: tuple[Finding, ...]
    metrics: tuple[tuple[str, float | int], ...] = ()  # in registry order
    summary: str = ""
    position: int | None = None  # where the bulletin printed it (1-based), when the data says

    @property
    def empty(self) -> bool:
        return not (self.findings or self.metrics or self.summary.strip())

    @property
    def metric_map(self) -> dict[str, float | int]:
        return dict(self.metrics)

    __hash__ = _cached_hash


@dataclass(frozen=True)
class Section:
    """A part of a bulletin organised by problem category (一、群众反映集中的问题), printed in its
    order: its findings, each naming its districts, or only text (三、下步工作建议)."""
    title: str
    text: str = ""
    findings: tuple[Finding, ...] = ()
    figures: bool = False  # the districts' figures (a table of districts × metrics) are printed here


@dataclass(frozen=True)
class CorrectionNote:
    """An editor's note that the issue's data was corrected after publication: data, reviewed in
    the diff like any other change (commit messages are internal and never published)."""
    date: dt.date
    note: str


@dataclass(frozen=True)
class Issue:
    id: str  # "2018-033", the folder name
    number: int
    date: dt.date
    series: str
    publisher: str
    report_title: str
    report_sequence: str
    period_start: dt.date | None
    period_end: dt.date | None
    intro: str
    report_to: str
    send_to: str
    reports: tuple[DistrictReport, ...]  # one per district, in the bulletin's own order
    copy_to: str = ""  # 抄送
    printed: str = ""  # 印发: who printed it, and when
    unplaced: tuple[str, ...] = ()
    draft: bool = False
    corrections: tuple[CorrectionNote, ...] = ()  # as the data lists them
    running: int | None = None  # 总第 N 期: the number counted since the series began, when printed
    sections: tuple[Section, ...] = ()  # sections.yaml: the bulletin is organised by problem category

    @property
    def year(self) -> int:
        return self.date.year

    __hash__ = _cached_hash

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Each finding once: a section's finding stands in every district it names."""
        if self.sections:
            return tuple(f for s in self.sections for f in s.findings)
        return tuple(f for r in self.reports for f in r.findings)


@dataclass(frozen=True)
class Registry:
    districts: tuple[District, ...]
    types: tuple[ProblemType, ...]
    metrics: tuple[Metric, ...]
    departments: tuple[Department, ...]
    recurrence_window: int = 8  # issues looked back for 再次出现 (registry/settings.yaml)
    rates: tuple[Rate, ...] = ()  # metrics.yaml: computed percentages
    trends: tuple[Trend, ...] = ()  # metrics.yaml: the district pages' trend charts
    sums: tuple[Sum, ...] = ()  # metrics.yaml: parts that may not exceed a total
    synonyms: tuple[tuple[str, ...], ...] = ()  # synonyms.yaml: words a search treats as one
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = self._by_name
        for kind, items in (("district", self.districts), ("type", self.types),
                            ("metric", self.metrics), ("department", self.departments)):
            for item in items:
                index[(kind, item.name)] = item
                index[(kind + "-slug", item.slug)] = item
        for d in self.districts:
            for alias in d.aliases:
                index.setdefault(("district-alias", alias), d)

    def district(self, name: str) -> District | None:
        return self._by_name.get(("district", name))

    def district_by_slug(self, slug: str) -> District | None:
        return self._by_name.get(("district-slug", slug))

    def district_by_any_name(self, name: str) -> District | None:
        return self.district(name) or self._by_name.get(("district-alias", name))

    def type(self, name: str) -> ProblemType | None:
        return self._by_name.get(("type", name))

    def metric(self, name: str) -> Metric | None:
        return self._by_name.get(("metric", name))

    def department(self, name: str) -> Department | None:
        return self._by_name.get(("department", name))

    def lineage(self, slug: str, on: dt.date) -> frozenset[str]:
        """A district and every district it continues on that day (predecessors that no longer
        existed then, theirs, …): 2021's 拱墅区 is also the former 下城区, 2019's is not."""
        seen, todo = set(), [slug]
        while todo:
            s = todo.pop()
            if s not in seen:
                seen.add(s)
                d = self.district_by_slug(s)
                for p in d.predecessors if d else ():
                    before = self.district_by_slug(p)
                    if before and before.valid_to and before.valid_to < on:
                        todo.append(p)
        return frozenset(seen)


@dataclass(frozen=True)
class Archive:
    registry: Registry
    issues: tuple[Issue, ...]  # newest first

    @property
    def latest(self) -> Issue | None:
        return self.issues[0] if self.issues else None


@dataclass(frozen=True)
class Ref:
    """A finding elsewhere in the archive, with what a link to it needs."""
    issue: Issue
    report: DistrictReport
    finding: Finding

    @property
    def id(self) -> str:
        return finding_id(self.issue, self.finding)


def refs_by_id(archive: Archive) -> dict[str, Ref]:
    return {finding_id(i, f): Ref(i, r, f) for i in archive.issues for r in i.reports for f in r.findings}
