"""data/model.py: what the model answers beyond its fields (validity, lineage, ids, rates, defaults)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bulletins.data.model import Archive, DistrictReport, Finding, Issue, Rate, Section, Terms, finding_id, refs_by_id
from bulletins.data.registry import load_registry

REG, _ = load_registry(Path(__file__).resolve().parents[3])
D = dt.date


def test_a_district_is_valid_between_its_dates_inclusive():
    xiacheng = REG.district_by_slug("xiacheng")  # 1955-01-01 … 2021-04-08
    assert xiacheng.valid_on(D(2021, 4, 8)) and xiacheng.valid_on(D(1955, 1, 1))
    assert not xiacheng.valid_on(D(2021, 4, 9)) and not xiacheng.valid_on(D(1954, 12, 31))
    assert REG.district_by_slug("xihu").valid_on(D(2099, 1, 1))


def test_a_lineage_holds_the_predecessors_that_had_ended_by_that_day():
    assert REG.lineage("gongshu", D(2021, 5, 1)) >= {"gongshu", "xiacheng"}
    assert REG.lineage("gongshu", D(2021, 4, 8)) == frozenset({"gongshu"})  # 下城区 still existed that day
    assert REG.lineage("gongshu", D(2019, 1, 1)) == frozenset({"gongshu"})
    assert REG.lineage("nowhere", D(2021, 5, 1)) == frozenset({"nowhere"})


def test_terms_add_and_subtract_and_a_rate_needs_a_denominator():
    t = Terms(("回访量",), ("未接通",))
    assert t.names == ("回访量", "未接通") and t.value({"回访量": 30, "未接通": 10}) == 20
    assert t.value({"回访量": 30}) is None and t.words() == "回访量 − 未接通"
    assert Terms(("满意", "基本满意")).words() == "满意 + 基本满意"
    rate = Rate("r", Terms(("满意",)), t)
    assert rate.value({"满意": 15, "回访量": 30, "未接通": 10}) == 0.75
    assert rate.value({"满意": 15, "回访量": 10, "未接通": 10}) is None  # nothing to divide by
    assert rate.value({"回访量": 30, "未接通": 10}) is None


def _issue(**kw) -> Issue:
    base = dict(id="2018-033", number=33, date=D(2018, 9, 21), series="专报", publisher="办", report_title="通报",
                report_sequence="", period_start=None, period_end=None, intro="", report_to="", send_to="", reports=())
    return Issue(**{**base, **kw})


def test_defaults_are_a_published_issue_without_parts_and_a_part_without_figures():
    issue = _issue()
    assert not issue.draft and issue.sections == () and issue.corrections == () and issue.running is None
    assert issue.year == 2018
    assert not Section("一、问题").figures and Section("一、问题").findings == ()


def test_an_issues_findings_are_each_once_and_ids_are_issue_district_number():
    xihu = REG.district_by_slug("xihu")
    a, b = Finding("xihu", 1, "甲"), Finding("shangcheng", 1, "乙", also=("xihu",))
    report = DistrictReport(xihu, "issues/2018-033/xihu.yaml", (a, b))
    assert _issue(reports=(report,)).findings == (a, b)
    assert _issue(reports=(report,), sections=(Section("一", findings=(b,)),)).findings == (b,)
    issue = _issue(reports=(report,))
    assert finding_id(issue, a) == "2018-033-xihu-1" and b.anchor == "shangcheng-1"
    refs = refs_by_id(Archive(REG, (issue,)))
    assert list(refs) == ["2018-033-xihu-1", "2018-033-shangcheng-1"] and refs["2018-033-xihu-1"].id == "2018-033-xihu-1"
    assert Archive(REG, ()).latest is None and Archive(REG, (issue,)).latest is issue


@pytest.mark.parametrize("findings,metrics,summary,empty", [
    ((), (), "", True), ((), (), "  ", True), ((Finding("xihu", 1, "甲"),), (), "", False),
    ((), (("回访量", 3),), "", False), ((), (), "本期未发现问题", False)])
def test_a_report_is_empty_without_findings_figures_or_summary(findings, metrics, summary, empty):
    report = DistrictReport(REG.district_by_slug("xihu"), "x", findings, metrics, summary)
    assert report.empty is empty
    assert report.metric_map == dict(metrics)


@pytest.mark.parametrize("text,action,adds", [
    ("窗口无人，已约谈。", "", False), ("窗口无人，已约谈。", "已约谈。", False), ("窗口无人。", "已约谈。", True)])
def test_an_action_is_shown_only_when_it_says_more_than_the_text(text, action, adds):
    assert Finding("xihu", 1, text, action=action).action_adds is adds


def test_issues_and_reports_hash_by_their_fields_once():
    r1 = DistrictReport(REG.district_by_slug("xihu"), "x", (Finding("xihu", 1, "甲"),))
    r2 = DistrictReport(REG.district_by_slug("xihu"), "x", (Finding("xihu", 1, "甲"),))
    assert hash(r1) == hash(r2) and r1 == r2 and hash(_issue(reports=(r1,))) == hash(_issue(reports=(r2,)))
    assert hash(_issue(number=34)) != hash(_issue())
