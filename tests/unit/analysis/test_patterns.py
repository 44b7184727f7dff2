"""analysis/patterns.py on small archives: earlier findings of the same problem, confirmed follow-ups
both ways, promises still open (in the order a reader works through them) and the 规律 flags."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.analysis import patterns
from bulletins.analysis.patterns import earlier_findings, flags, follow_links, open_promises, promised
from smallarchive import district, header

SAME = "巡察发现区行政服务中心二楼税务窗口人员离岗，去向牌未摆放。"
AGAIN = "复查发现区行政服务中心二楼税务窗口人员又离岗，去向牌仍未摆放。"
OTHER = "区行政服务中心自助填表机黑屏，无法使用。"


def _weeks(small, *texts_by_week: tuple[str, ...], slug: str = "xihu", name: str = "西湖区", settings: str = ""):
    """One issue a week from 2018-09-07 (number 31 on), each with the district's findings."""
    for n, texts in enumerate(texts_by_week):
        day = dt.date(2018, 9, 7) + dt.timedelta(weeks=n)
        small.write({f"2018-{31 + n:03d}": {"issue.yaml": header(31 + n, day.isoformat()),
                                              f"{slug}.yaml": district(name, *texts)}})
    if settings:
        (small.root / "issues/registry/settings.yaml").write_text(settings, encoding="utf-8")
    return small.archive()


def test_the_same_problem_a_week_later_names_its_earlier_finding(small):
    archive = _weeks(small, (SAME,), (OTHER, AGAIN))
    earlier = earlier_findings(archive)
    assert {k: [r.id for r in v] for k, v in earlier.items()} == {"2018-032-xihu-2": ["2018-031-xihu-1"]}
    assert flags(earlier, ()) == {"2018-032-xihu-2": (patterns.RECURRING,)}


def test_earlier_findings_are_newest_first_and_at_most_per_issue_from_one_issue(small, monkeypatch):
    monkeypatch.setattr(patterns, "PER_ISSUE", 2)
    archive = _weeks(small, (SAME, AGAIN, SAME), (AGAIN,), (SAME,))
    got = [r.id for r in earlier_findings(archive)["2018-033-xihu-1"]]
    assert got == ["2018-032-xihu-1", "2018-031-xihu-1", "2018-031-xihu-2"]  # newest issue first; two of the three


def test_the_window_of_issues_looked_back_is_the_registrys(small):
    archive = _weeks(small, (SAME,), (OTHER,), (OTHER,), (AGAIN,), settings="recurrence_window: 2\n")
    assert "2018-034-xihu-1" not in earlier_findings(archive)
    small.root.joinpath("issues/registry/settings.yaml").write_text("recurrence_window: 3\n", encoding="utf-8")
    assert [r.id for r in earlier_findings(small.archive())["2018-034-xihu-1"]] == ["2018-031-xihu-1"]


def test_a_district_that_continues_another_finds_its_predecessors_findings(small):
    small.write({"2021-010": {"issue.yaml": header(10, "2021-03-05"), "xiacheng.yaml": district("下城区", SAME)},
                 "2021-020": {"issue.yaml": header(20, "2021-05-14"), "gongshu.yaml": district("拱墅区", AGAIN)}})
    assert [r.id for r in earlier_findings(small.archive())["2021-020-gongshu-1"]] == ["2021-010-xiacheng-1"]


def test_another_district_or_a_routine_type_is_never_a_recurrence(small):
    small.write({"2018-031": {"issue.yaml": header(31, "2018-09-07"), "xihu.yaml": district("西湖区", SAME)},
                 "2018-032": {"issue.yaml": header(32, "2018-09-14"), "gongshu.yaml": district("拱墅区", AGAIN),
                              "xihu.yaml": district("西湖区", AGAIN, types="[满意度回访]")}})
    assert earlier_findings(small.archive()) == {}


def test_follow_links_go_both_ways_newest_follow_up_first(small):
    archive = _weeks(small, (SAME,), (OTHER + "|follows: 2018-031-xihu-1",), ("已整改到位。|follows: 2018-031-xihu-1",))
    links = follow_links(archive)
    assert {k: v.id for k, v in links.follows.items()} == {"2018-032-xihu-1": "2018-031-xihu-1",
                                                           "2018-033-xihu-1": "2018-031-xihu-1"}
    assert [r.id for r in links.followed_by["2018-031-xihu-1"]] == ["2018-033-xihu-1", "2018-032-xihu-1"]


@pytest.mark.parametrize("text,open_", [
    ("自助机近期将投入使用", True), ("正在整改", True), ("计划于 10 月完成", True), ("限期两周内完成整改", True),
    ("拟于下周更换", True), ("下一步将加强管理", True), ("预计月底修复", True), ("尚未修复", True),
    ("待厂家维修", True), ("月底前完成", True), ("将于 9 月底前完成", True),
    ("已将窗口增至 4 个", False), ("不再拟定新的方案", False), ("问题已解决", False), ("正在整改，现已整改到位", False),
    ("已经将于下周开放", False), ("窗口人员离岗", False), ("目前已完成 6 个，剩余 3 个正在整改中", True),
])
def test_a_promise_is_future_work_no_report_of_work_done_follows(text, open_):
    assert promised(text) == open_


def test_open_promises_are_the_unanswered_most_overdue_first_then_due_then_undated(small):
    archive = _weeks(small,
                     ("窗口将于 9 月 10 日前完成整改。", "自助机正在维修。", "叫号机限期两周内完成更换。"),
                     ("排队系统计划于 10 月 30 日前上线。", "引导员将于月底前完成配备。"),
                     ("已整改。|follows: 2018-031-xihu-2", "大厅将于 9 月 25 日前完成改造。"))
    promises = open_promises(archive, follow_links(archive).followed_by)
    got = [(p.ref.id, p.due.isoformat() if p.due else None, p.overdue, p.age) for p in promises]
    assert got == [
        ("2018-031-xihu-1", "2018-09-10", 11, 2),  # the latest issue is dated 2018-09-21: 11 days late
        ("2018-031-xihu-3", "2018-09-21", 0, 2),  # two weeks from 09-07: due the latest issue's day, not late
        ("2018-033-xihu-2", "2018-09-25", 0, 0),
        ("2018-032-xihu-2", "2018-09-30", 0, 1),
        ("2018-032-xihu-1", "2018-10-30", 0, 1),
    ]  # 2018-031-xihu-2 was followed up: not open
    assert flags({}, promises)["2018-031-xihu-1"] == (patterns.PENDING,)


def test_a_finding_both_recurring_and_pending_carries_both_flags(small):
    archive = _weeks(small, (SAME,), (AGAIN + "正在整改。",))
    earlier = earlier_findings(archive)
    pending = open_promises(archive, follow_links(archive).followed_by)
    assert flags(earlier, pending) == {"2018-032-xihu-1": (patterns.RECURRING, patterns.PENDING)}


def test_the_action_is_read_for_the_promise_before_the_text(small):
    archive = _weeks(small, (SAME + "|action: 已整改到位。",), ("窗口人员离岗。|action: 正在整改。",))
    assert [p.ref.id for p in open_promises(archive, {})] == ["2018-032-xihu-1"]


def test_candidates_compared_are_bounded(small, monkeypatch):
    monkeypatch.setattr(patterns, "MAX_CANDIDATES", 1)
    archive = _weeks(small, (OTHER, SAME), (AGAIN,))
    assert "2018-032-xihu-1" not in earlier_findings(archive)  # only the first candidate (OTHER) compared
    monkeypatch.setattr(patterns, "MAX_CANDIDATES", 2)
    assert [r.id for r in earlier_findings(archive)["2018-032-xihu-1"]] == ["2018-031-xihu-2"]


def test_a_promise_without_a_deadline_is_never_late_and_comes_last_newest_first(small):
    archive = _weeks(small, ("自助机正在维修。", "叫号机将于 9 月 10 日前完成更换。"), ("窗口正在整改。", "大厅计划于 10 月 30 日前完成改造。"))
    got = [(p.ref.id, p.due.isoformat() if p.due else None, p.overdue) for p in open_promises(archive, {})]
    assert got == [("2018-031-xihu-2", "2018-09-10", 4), ("2018-032-xihu-2", "2018-10-30", 0),
                   ("2018-032-xihu-1", None, 0), ("2018-031-xihu-1", None, 0)]


def test_three_earlier_findings_are_named_from_one_issue(small):
    archive = _weeks(small, (SAME, AGAIN, SAME, AGAIN), (SAME,))
    assert len(earlier_findings(archive)["2018-032-xihu-1"]) == patterns.PER_ISSUE == 3


def test_work_reported_right_after_the_promise_closes_it():
    assert not promised("限期已整改")  # 已整改 begins where 限期 ends


def test_the_more_overdue_promise_comes_first(small):
    archive = _weeks(small, ("窗口将于 9 月 15 日前完成整改。", "叫号机将于 9 月 10 日前完成更换。"), (OTHER,))
    assert [(p.ref.id, p.overdue) for p in open_promises(archive, {})] == [("2018-031-xihu-2", 4), ("2018-031-xihu-1", 0)]
    archive = _weeks(small, ("窗口将于 9 月 8 日前完成整改。", "叫号机将于 9 月 10 日前完成更换。"), (OTHER,))
    assert [(p.ref.id, p.overdue) for p in open_promises(archive, {})] == [("2018-031-xihu-1", 6), ("2018-031-xihu-2", 4)]


def test_a_routine_finding_before_a_recurring_one_does_not_hide_it(small):
    small.write({"2018-031": {"issue.yaml": header(31, "2018-09-07"), "xihu.yaml": district("西湖区", SAME)},
                 "2018-032": {"issue.yaml": header(32, "2018-09-14"), "xihu.yaml": (
                     "district: 西湖区\nfindings:\n  - text: 回访 30 件。\n    types: [满意度回访]\n"
                     f"  - text: {AGAIN}\n    types: [窗口纪律]\n")}})
    assert list(earlier_findings(small.archive())) == ["2018-032-xihu-2"]
