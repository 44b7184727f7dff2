"""data/schema.py: each kind of structural error, in the words a clerk acts on, at its path."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.data import schema

HEAD = {"number": 33, "date": dt.date(2018, 9, 21), "series": "专报", "publisher": "办公室", "report": {"title": "通报"}}


def _issue(**changes) -> list[tuple[tuple, str]]:
    data = {**HEAD, **changes}
    return schema.check({k: v for k, v in data.items() if v is not ...}, schema.ISSUE)


def _district(finding: dict) -> list[tuple[tuple, str]]:
    return schema.check({"district": "西湖区", "findings": [{"text": "窗口无人", **finding}]}, schema.DISTRICT)


def test_a_good_file_has_no_error():
    assert _issue() == [] and _district({}) == []


@pytest.mark.parametrize("changes,path,message", [
    ({"number": "33"}, ("number",), "“期号”（number）应为整数，这里是文字 — 请改成整数"),
    ({"number": 33.0}, ("number",), "“期号”（number）应为整数，这里是数字 — 请改成整数"),
    ({"number": True}, ("number",), "“期号”（number）应为整数，这里是是/否 — 请改成整数"),
    ({"date": "2018-09-21x"}, ("date",), "“日期”（date）应为日期（如 2018-09-21），这里是文字 — 请改成日期（如 2018-09-21）"),
    ({"date": dt.datetime(2018, 9, 21, 8)}, ("date",), "“日期”（date）应为日期（如 2018-09-21），这里是日期和时间 — 请改成日期（如 2018-09-21）"),
    ({"series": ...}, (), "缺少“刊名”（series） — 请补上这一项"),
    ({"report": {}}, ("report",), "缺少“标题”（title） — 请补上这一项"),
    ({"serise": "x"}, ("serise",), "未知的键“serise” — 是否应为“series”？可用的键："),
    ({"series": ""}, ("series",), "“刊名”（series）不能为空 — 请填写内容"),
    ({"number": 0}, ("number",), "“期号”（number）的值 0 超出范围 — 应不小于 1"),
    ({"number": 1000}, ("number",), "“期号”（number）的值 1000 超出范围 — 应不大于 999"),
    ({"period": {"start": dt.date(2018, 9, 14)}}, ("period",), "缺少“结束日期”（end） — 请补上这一项"),
    ({"draft": "是"}, ("draft",), "“草稿”（draft）应为true 或 false，这里是文字 — 请改成true 或 false"),
    ({"corrections": [{"date": dt.date(2018, 9, 22)}]}, ("corrections", 0), "缺少“说明”（note） — 请补上这一项"),
    ({"unplaced": "x"}, ("unplaced",), "“未归类文字”（unplaced）应为列表，这里是文字 — 请改成列表"),
    ({"distribution": None}, ("distribution",), "“报送范围”（distribution）应为键值表，这里是空值 — 请改成键值表"),
])
def test_each_error_of_an_issue_is_named_at_its_path(changes, path, message):
    [(where, said)] = _issue(**changes)
    assert where == path and said.startswith(message), said


@pytest.mark.parametrize("finding,path,message", [
    ({"types": ["窗口纪律", "窗口纪律"]}, ("findings", 0, "types"), "“问题类型”（types）中有重复的项 — 每项只写一次"),
    ({"types": [""]}, ("findings", 0, "types", 0), "“问题类型”（types）不能为空 — 请填写内容"),
    ({"follows": "2018-33-xihu-1"}, ("findings", 0, "follows"),
     "“前情”（follows）的值“2018-33-xihu-1”格式不对 — 应为一条问题的编号，如 2024-013-chengqu-2（期、区县、序号）"),
    ({"text": "字" * 20_001}, ("findings", 0, "text"), "“原文”（text）有 20,001 字，超过 20,000 字，不像一条问题 — 请核对原文，把几条问题分开写"),
    ({"observed": 3}, ("findings", 0, "observed"), "“发现时间”（observed）应为文字或日期（如 2018-09-21），这里是整数"),
])
def test_each_error_of_a_finding_is_named_at_its_path(finding, path, message):
    [(where, said)] = _district(finding)
    assert where == path and said.startswith(message), said


def test_a_registry_slug_has_its_own_pattern_message_and_an_enum_lists_the_choices():
    bad = {"districts": [{"name": "西湖区", "slug": "Xihu", "pinyin": "xī hú", "kind": "市", "order": 1}]}
    said = dict(schema.check(bad, schema.REGISTRIES["districts"]))
    assert said[("districts", 0, "kind")] == "“类别”（kind）的值“市”无效 — 可选：区、县、县级市、管委会"
    assert said[("districts", 0, "slug")] == "“拼音地址”（slug）的值“Xihu”格式不对 — 只能用小写拼音字母、数字和连字符，如 chengqu"


def test_a_list_too_short_says_how_many_it_needs():
    said = schema.check({"groups": [{"words": ["自助机"]}]}, schema.REGISTRIES["synonyms"])
    assert said == [(("groups", 0, "words"), "“同义词”（words）至少要有 2 项，这里只有 1 项 — 请补上")]


def test_a_file_that_is_no_mapping_is_named_as_the_file():
    assert schema.check(["x"], schema.ISSUE) == [((), "文件应为键值表，这里是列表 — 请改成键值表")]


def test_every_error_is_found_at_once_ordered_by_where_it_is():
    said = _issue(number="x", serise="y", report={"titel": "t"})
    assert [w for w, _ in said] == [("serise",), ("number",), ("report", "titel"), ("report",)]
    assert said[2][1].startswith("未知的键“titel” — 是否应为“title”？可用的键：sequence、title")
    assert schema.closest("serise", ["series", "date"]) == ["series"]
    assert schema.closest("x", ["series"]) == []
    assert len(schema.closest("ab", ["ab1", "ab2", "ab3", "ab4", "ab5"])) == 3
