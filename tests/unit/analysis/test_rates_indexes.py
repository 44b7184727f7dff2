"""analysis/rates.py and indexes.py: the rates a district's figures give, the points of its trend
charts, and the archive regrouped by district, type, department and year."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.analysis import indexes, rates
from bulletins.data.model import Trend
from smallarchive import district, header


def test_a_rate_is_a_percentage_with_two_decimals_and_needs_all_its_figures(small):
    reg = small.archive().registry
    assert [r.name for r in reg.rates] == ["接通率", "满意度（满意+基本满意）", "短信回复率", "电话接通率"]
    got = dict(rates.derived(reg, {"回访量": 15729, "未接通": 3858, "满意": 11604, "基本满意": 250, "不满意": 17}))
    assert got == {"接通率": f"{(15729 - 3858) / 15729 * 100:.2f}", "满意度（满意+基本满意）": "99.86"}
    assert got["接通率"] == "75.47"
    assert "接通率" not in dict(rates.derived(reg, {"回访量": 15729}))  # 未接通 missing
    assert rates.derived(reg, {}) == []


def test_a_trend_point_is_its_figure_else_its_fallback_rate_else_none(small):
    reg = small.archive().registry
    plain = Trend("回访量", "回访量")
    assert rates.trend_value(reg, plain, {"回访量": 12}) == 12.0
    assert rates.trend_value(reg, plain, {}) is None
    fallback = Trend("满意率", "满意率", "满意度（满意+基本满意）")
    assert rates.trend_value(reg, fallback, {"满意率": 97.4}) == 97.4
    assert rates.trend_value(reg, fallback, {"满意": 18, "基本满意": 1, "不满意": 1}) == 95.0
    assert rates.trend_value(reg, fallback, {"满意": 19, "基本满意": 0, "不满意": 11}) == 63.33  # two decimals
    assert rates.trend_value(reg, fallback, {"满意": 18}) is None
    assert rates.trend_value(reg, Trend("满意率", "满意率", "没有这个比率"), {"满意": 18, "基本满意": 1, "不满意": 1}) is None
    assert rates.trend_value(reg, Trend("满意率", "满意率"), {"满意": 18, "基本满意": 1, "不满意": 1}) is None
    assert rates.is_count(reg, plain) and not rates.is_count(reg, fallback)
    assert not rates.is_count(reg, Trend("没登记", "没登记"))


def _two_weeks(small):
    small.write({
        "2018-031": {"issue.yaml": header(31, "2018-09-07"),
                     "xihu.yaml": district("西湖区", "甲|departments: [税务]", extra="metrics:\n  回访量: 10\n"),
                     "shangcheng.yaml": district("上城区", "乙", extra="position: 1\n"),
                     },
        "2018-032": {"issue.yaml": header(32, "2018-09-14"),
                     "xihu.yaml": district("西湖区", "丙|departments: [税务, 人社局]", types="[窗口纪律, 自助设备]",
                                           extra="metrics:\n  回访量: 12\n  满意率: 90\n")},
        "2017-050": {"issue.yaml": header(50, "2017-12-29"), "xihu.yaml": district("西湖区", "丁")},
    })
    (small.root / "issues/2018-031/xihu.yaml").write_text(
        district("西湖区", "甲|departments: [税务]", extra="position: 2\nmetrics:\n  回访量: 10\n"), encoding="utf-8")
    return indexes.build_indexes(small.archive())


def test_the_archive_regrouped(small):
    idx = _two_weeks(small)
    texts = lambda es: [e.finding.text for e in es]  # noqa: E731
    assert texts(idx.entries) == ["丙", "乙", "甲", "丁"]  # newest issue first; registry order within (上城 before 西湖)
    assert texts(idx.by_district["xihu"]) == ["丙", "甲", "丁"]
    assert texts(idx.by_type["窗口纪律"]) == ["丙", "乙", "甲", "丁"] and texts(idx.by_type["自助设备"]) == ["丙"]
    assert texts(idx.by_department["税务"]) == ["丙", "甲"] and texts(idx.by_department["人社局"]) == ["丙"]
    assert {y: [i.id for i in v] for y, v in idx.by_year.items()} == {2018: ["2018-032", "2018-031"], 2017: ["2017-050"]}
    assert list(idx.by_year) == [2018, 2017]
    assert [i.id for i, _ in idx.reports_by_district["xihu"]] == ["2018-032", "2018-031", "2017-050"]


def test_trends_follow_the_registrys_charts_oldest_first(small):
    idx = _two_weeks(small)
    series = idx.trends["xihu"]
    assert [(p.date.isoformat(), p.value, p.issue_id) for p in series["回访量"]] == [
        ("2018-09-07", 10.0, "2018-031"), ("2018-09-14", 12.0, "2018-032")]
    assert "回访量" not in idx.trends["shangcheng"]


def test_counts_groups_and_the_recent_weeks(small):
    idx = _two_weeks(small)
    assert indexes.count_by(idx.entries, lambda e: e.finding.types) == {"窗口纪律": 4, "自助设备": 1}
    assert indexes.count_by(idx.entries, lambda e: e.report.district.slug) == {"xihu": 3, "shangcheng": 1}
    assert [(i.id, [e.finding.text for e in es]) for i, es in indexes.group_by_issue(idx.entries)] == [
        ("2018-032", ["丙"]), ("2018-031", ["乙", "甲"]), ("2017-050", ["丁"])]
    latest = dt.date(2018, 9, 14)
    assert [e.finding.text for e in indexes.recent(idx.entries, latest, weeks=1)] == ["丙"]  # 09-07 is not after 09-07
    assert [e.finding.text for e in indexes.recent(idx.entries, latest, weeks=2)] == ["丙", "乙", "甲"]
    assert len(indexes.recent(idx.entries, latest)) == 3


@pytest.mark.parametrize("named,first", [("西湖区, 上城区", "xihu"), ("上城区, 西湖区", "shangcheng")])
def test_a_finding_of_several_districts_is_on_each_page_and_counted_once(small, named, first):
    """Whichever district is named first, and whichever sorts first."""
    small.write({"2018-033": {"issue.yaml": header(), "sections.yaml": (
        f"sections:\n  - title: 一、问题\n    findings:\n      - text: 两区窗口无人。\n        districts: [{named}]\n"
        "        types: [窗口纪律]\n")}})
    idx = indexes.build_indexes(small.archive())
    assert [e.report.district.slug for e in idx.entries] == [first]
    assert len(idx.by_district["xihu"]) == len(idx.by_district["shangcheng"]) == 1
    assert len(idx.by_type["窗口纪律"]) == 1


def test_no_weeks_is_nothing_recent(small):
    idx = _two_weeks(small)
    assert indexes.recent(idx.entries, dt.date(2018, 9, 14), weeks=0) == ()


def _entries(*issues: tuple[str, str]) -> tuple[indexes.Entry, ...]:
    """Entries of bare issues (id, date): what group_by_issue and recent read."""
    from types import SimpleNamespace

    made = {}
    for issue_id, day in issues:
        made.setdefault(issue_id, SimpleNamespace(id=issue_id, date=dt.date.fromisoformat(day)))
    return tuple(indexes.Entry(made[i], None, None) for i, _ in issues)


def test_groups_are_runs_of_one_issue_in_the_order_given():
    es = _entries(("2018-033", "2018-09-21"), ("2018-032", "2018-09-14"), ("2018-031", "2018-09-07"),
                  ("2018-031", "2018-09-07"), ("2018-040", "2018-11-02"))
    assert [(i.id, len(g)) for i, g in indexes.group_by_issue(es)] == [
        ("2018-033", 1), ("2018-032", 1), ("2018-031", 2), ("2018-040", 1)]


def test_recent_is_the_last_twelve_weeks_before_the_latest_issue():
    es = _entries(("2018-030", "2018-06-29"), ("2018-029", "2018-06-22"))
    assert [e.issue.id for e in indexes.recent(es, dt.date(2018, 9, 14))] == ["2018-030"]
