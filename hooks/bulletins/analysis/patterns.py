"""What no single bulletin shows: a finding's earlier findings of the same kind.

A finding *recurs* when, in the `recurrence_window` issues before its own (registry/settings.yaml),
the same district (or a district it continues after a reorganisation) had a finding that is the same
problem: a shared problem type that is not routine, the same place (or department), and alike in
wording (recurrence.py). Derived from the data at every build, never stored.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from bulletins.data.model import Archive, Finding, Ref, finding_id, refs_by_id
from . import deadlines, recurrence


MAX_CANDIDATES = 200  # findings of one district and type in one earlier issue compared with a finding
PER_ISSUE = 3  # earlier findings named from one issue: the page says how often, not every copy


def earlier_findings(archive: Archive) -> dict[str, tuple[Ref, ...]]:
    """Finding id → its earlier findings that are the same problem (recurrence.py), newest first
    (within an issue, in the bulletin's order). Findings with none are absent."""
    window = archive.registry.recurrence_window
    registry = archive.registry
    measure = recurrence.Measure(f for i in archive.issues for f in i.findings)
    # per issue (newest first): (district slug, type) → refs, in bulletin order
    by_key: list[dict[tuple[str, str], list[tuple[int, Ref]]]] = []
    for issue in archive.issues:
        keyed: dict[tuple[str, str], list[tuple[int, Ref]]] = defaultdict(list)
        ordinal = 0
        for report in issue.reports:  # the bulletin's order
            for f in report.findings:
                ordinal += 1
                for t in recurrence.problem_types(f, registry):
                    keyed[(report.district.slug, t)].append((ordinal, Ref(issue, report, f)))
        by_key.append(keyed)
    out: dict[str, tuple[Ref, ...]] = {}
    for i, issue in enumerate(archive.issues):
        for report in issue.reports:
            family = archive.registry.lineage(report.district.slug, issue.date)
            for f in report.findings:
                kinds = recurrence.problem_types(f, registry)
                if not kinds:
                    continue
                found: list[Ref] = []
                for older in by_key[i + 1:i + 1 + window]:
                    hits = dict(hit for s in family for t in kinds for hit in older.get((s, t), ()))
                    # bounded: at most MAX_CANDIDATES compared and PER_ISSUE kept from one earlier issue
                    # (two issues of 2,000 alike findings once took 75 s and wrote a 277 MB page)
                    same = (hits[k] for k in sorted(hits)[:MAX_CANDIDATES]
                            if recurrence.same_problem(f, hits[k].finding, registry, measure))
                    found += list(itertools.islice(same, PER_ISSUE))
                if found:
                    out[finding_id(issue, f)] = tuple(found)
    return out


class FollowLinks(NamedTuple):
    """The links editors confirmed with `follows:`, both ways."""
    follows: dict[str, Ref]  # finding id → the finding it follows up
    followed_by: dict[str, tuple[Ref, ...]]  # finding id → its follow-ups, newest first


def follow_links(archive: Archive) -> FollowLinks:
    """Every confirmed `follows:` link, both ways."""
    refs = refs_by_id(archive)
    follows: dict[str, Ref] = {}
    followed_by: dict[str, list[Ref]] = defaultdict(list)
    for fid, ref in refs.items():  # newest issue first, so follow-ups are listed newest first
        target = refs.get(ref.finding.follows) if ref.finding.follows else None
        if target is not None:
            follows[fid] = target
            followed_by[target.id].append(ref)
    return FollowLinks(follows, {k: tuple(v) for k, v in followed_by.items()})


# Phrases that promise work still to come (近期将投入使用, 正在整改, 计划于…, 限期两周内完成, 拟于…),
# and phrases that report it done (已…到位, 问题已解决, 已完成, 整改到位, 不再…). Single characters
# (将, 拟) are not enough: 已将窗口增至 4 个 is done, 不再拟定新的方案 promises nothing.
FUTURE = re.compile(
    r"(?<!已)(?<!已经)(?:近期将|即将|将于|将在|将要|将(?=[\u4e00-\u9fff]{0,2}(?:投入|完成|开展|整改|增设|启用|恢复|安装|更换|"
    r"调整|组织|进行|加强|落实|推进|解决|上线|开通|维修|建成|实施|开放|补充|配备|优化)))"
    r"|计划(?:于|在|将|年底|月底|下)|限期|正在|(?<!不再)拟(?:于|将|在|对|增|设|新增|更换)|下一步|预计|尚未(?:完成|到位|解决|恢复|修复|整改)"
    r"|待[\u4e00-\u9fff]{0,3}?(?:整改|维修|修复|完成)|(?:月底|年底|周内|日内|天内|月内)(?:前)?(?:完成|整改|到位)")
DONE = re.compile(r"已[^，,。；;]{0,14}?(?:到位|完成|解决|恢复|修复|投入使用|增至|启用|上线|建成|更换)"
                  r"|问题已解决|整改到位|已整改|已落实|不再")


def promises(finding: Finding) -> bool:
    """The finding's action (or, without one, its text) promises future work: a promise phrase
    that no report of work done follows (目前已完成 6 个，剩余 3 个正在整改中 is open; 正在整改，
    现已整改到位 is done)."""
    return promised(finding.action or finding.text)


def promised(text: str) -> bool:
    last_future = max((m.end() for m in FUTURE.finditer(text)), default=-1)
    if last_future < 0:
        return False
    return not any(m.start() >= last_future for m in DONE.finditer(text))


@dataclass(frozen=True)
class Promise:
    ref: Ref
    age: int  # issues published since (0: the latest issue)
    due: dt.date | None = None  # by when, from its own words (deadlines.py); None: no time named
    overdue: int = 0  # days past `due`, counted to the latest issue's date (never the clock)


def open_promises(archive: Archive, followed_by: dict[str, tuple[Ref, ...]]) -> tuple[Promise, ...]:
    """Promised work nobody has reported on: no finding `follows` it yet. The most overdue first,
    then those still in time (the nearest deadline first), then those without a deadline (newest first)."""
    latest = archive.issues[0].date if archive.issues else None
    out = []
    for age, issue in enumerate(archive.issues):
        for report in issue.reports:
            for f in report.findings:
                if promises(f) and finding_id(issue, f) not in followed_by:
                    when = deadlines.due(f.action or f.text, issue.date)
                    late = max(0, (latest - when).days) if when and latest else 0
                    out.append(Promise(Ref(issue, report, f), age, when, late))
    return tuple(sorted(out, key=lambda p: (-p.overdue, p.due is None, p.due or dt.date.max, p.age)))


RECURRING, PENDING = "反复出现", "待跟进"  # a finding's patterns: search's 规律 filter offers them


def flags(earlier: dict[str, tuple[Ref, ...]], pending: tuple[Promise, ...]) -> dict[str, tuple[str, ...]]:
    """Finding id → its values of the search filter 规律 (反复出现, 待跟进)."""
    out: dict[str, tuple[str, ...]] = {fid: (RECURRING,) for fid in earlier}
    for p in pending:
        out[p.ref.id] = out.get(p.ref.id, ()) + (PENDING,)
    return out
