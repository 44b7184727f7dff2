"""data/validate.py, rule by rule, in-process: each rule's boundary, and what it leaves alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bulletins.data import validate
from bulletins.data.located import FileProblems
from bulletins.data.registry import load_registry

REPO = Path(__file__).resolve().parents[3]
REG, _ = load_registry(REPO)
D = dt.date


def _fp() -> FileProblems:
    return FileProblems(Path("x.yaml"), "x.yaml")


def said(fp: FileProblems) -> list[tuple[tuple, str, str]]:
    """(where, severity, message) of every problem queued."""
    return [(where, severity, message) for where, message, severity in fp.queued]


# --- sums: parts may not exceed their total -----------------------------------------------------------

def _sums(values: dict) -> list[str]:
    fp = _fp()
    validate._arithmetic(values, REG, fp)
    return [m for _, _, m in said(fp)]


def test_parts_above_their_total_warn_and_parts_equal_to_it_do_not():
    assert _sums({"满意": 10, "基本满意": 5, "不满意": 5, "回访量": 20}) == []
    [warning] = _sums({"满意": 10, "基本满意": 5, "不满意": 6, "回访量": 20})
    assert warning.startswith("满意 + 基本满意 + 不满意 = 21，超过 回访量 = 20")
    fp = _fp()
    validate._arithmetic({"满意": 10, "基本满意": 5, "不满意": 6, "回访量": 20}, REG, fp)
    assert said(fp)[0][:2] == (("metrics", "满意"), "warning")


def test_a_subtracted_term_counts_only_when_it_is_there():
    assert _sums({"满意": 10, "基本满意": 5, "不满意": 5, "回访量": 25, "未接通": 5}) == []
    [warning] = _sums({"满意": 10, "基本满意": 5, "不满意": 6, "回访量": 25, "未接通": 5})
    assert "超过 回访量 − 未接通 = 20" in warning
    assert _sums({"满意": 10, "基本满意": 5, "不满意": 6, "回访量": 25}) == []  # 21 ≤ 25: no 未接通, no subtraction


def test_a_sum_with_a_part_or_its_total_missing_is_not_checked():
    assert _sums({"满意": 100, "基本满意": 5, "回访量": 20}) == []
    assert _sums({"满意": 100, "基本满意": 5, "不满意": 1}) == []
    assert _sums({"接通": 11, "呼出": 10}) == ["接通 = 11，超过 呼出 = 10 — 数字照通报原文保留，请核对原文是否如此"]


# --- metrics ---------------------------------------------------------------------------------------------

def _metrics(values: dict) -> list[tuple]:
    fp = _fp()
    validate.metrics(values, REG, fp)
    return said(fp)


def test_a_metric_must_be_registered_and_a_near_name_is_offered():
    [(where, severity, message)] = _metrics({"回访数": 3})
    assert where == ("metrics", "回访数") and severity == "error"
    assert message.startswith("未知的指标“回访数” — 最接近的是：回访量") and "issues/registry/metrics.yaml" in message


@pytest.mark.parametrize("values,problem", [
    ({"回访量": -1}, "指标“回访量”为负数 -1 — 应为不小于 0 的数"),
    ({"满意率": 100.5}, "百分比“满意率”为 100.5 — 应在 0 到 100 之间"),
    ({"回访量": 3.5}, "“回访量”是计数，这里写成了小数 3.5 — 请写成整数，如 3")])
def test_a_metrics_value_is_checked_by_its_kind(values, problem):
    assert [m for _, _, m in _metrics(values)] == [problem]


@pytest.mark.parametrize("values", [{"回访量": 0}, {"满意率": 100}, {"满意率": 0}, {"满意率": 99.9}, {"回访量": 7}])
def test_values_at_the_bounds_pass(values):
    assert _metrics(values) == []


# --- names ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,problem", [
    ("窗口<b>纪律", "含有 < >"), ("a&b", "含有 &"), ("引\"号", "含有 \""), ("反`引", "含有 `"), ("单'引", "含有 '"),
    ("两\n行", "中有换行"), ("回\r车", "中有换行"), (" 首", "首尾有空格"), ("尾\u3000", "首尾有空格"),
    ("两  空", "中有连续的空格")])
def test_a_name_that_would_break_a_page_or_a_filter_is_refused(value, problem):
    assert problem in validate.name_problem(value)


@pytest.mark.parametrize("value", ["窗口纪律", "一 个空格", 3, None, ["列表"]])
def test_a_plain_name_or_no_text_at_all_passes(value):
    assert validate.name_problem(value) is None


def test_names_are_found_at_their_paths_and_every_list_item_is_checked():
    fp = _fp()
    data = {"types": [{"name": "好"}, {"name": "坏<"}], "report": {"title": "t&"}, "other": "x<"}
    validate.names(data, (("types", None, "name"), ("report", "title"), ("missing", "x")), fp)
    assert [w for w, _, _ in said(fp)] == [("types", 1, "name"), ("report", "title")]
    fp = _fp()
    validate.names({"report": {"title": "a&b"}}, (("report", "title"),), fp, markup="<>")
    assert said(fp) == []


# --- a district's name and file -------------------------------------------------------------------------

def test_a_district_is_found_by_name_or_alias_and_its_file_must_bear_its_slug():
    fp = _fp()
    assert validate.district_name({"district": "拱墅区"}, REG, fp, "gongshu").slug == "gongshu" and said(fp) == []
    fp = _fp()
    assert validate.district_name({"district": "拱墅区"}, REG, fp, "gs") is not None
    assert said(fp) == [(("district",), "error", "拱墅区 的文件应命名为 gongshu.yaml，而不是 gs.yaml — 请改文件名")]
    fp = _fp()
    validate.district_name({"district": "拱墅"}, REG, fp, "gongshu")
    assert said(fp) == [(("district",), "warning", "“拱墅”是别名 — 请写登记表中的规范名称“拱墅区”")]
    fp = _fp()
    assert validate.district_name({"district": "拱墅县"}, REG, fp, "gongshu") is None
    assert said(fp)[0][2].startswith("未知的区县“拱墅县” — 最接近的是：拱墅、拱墅区")


# --- a finding ----------------------------------------------------------------------------------------------

def _finding(item: dict, issue_date=D(2018, 9, 21), base=("findings",)) -> list[tuple]:
    fp = _fp()
    validate.finding({"text": "窗口无人", **item}, 2, REG, fp, issue_date, base)
    return said(fp)


def test_a_findings_types_and_departments_must_be_registered_each_at_its_place():
    assert _finding({"types": ["窗口纪律"], "departments": ["税务"]}) == []
    found = _finding({"types": ["窗口纪律", "窗口纪侓"], "departments": ["税物"]}, base=("sections", 1, "findings"))
    assert [w for w, _, _ in found] == [("sections", 1, "findings", 2, "types", 1), ("sections", 1, "findings", 2, "departments", 0)]
    assert found[0][2].startswith("未知的问题类型“窗口纪侓” — 最接近的是：窗口纪律")
    assert found[1][2].startswith("未知的部门“税物”")


def test_a_finding_of_spaces_only_is_refused():
    assert _finding({"text": " \u3000 "})[0][:2] == (("findings", 2, "text"), "error")


@pytest.mark.parametrize("observed", ["2018-09-18", "2018-09-18 14:43", D(2018, 9, 18), "2018-09-21 23:59", "2018-02-28"])
def test_a_real_moment_on_or_before_the_issue_passes(observed):
    assert _finding({"observed": observed}) == []


@pytest.mark.parametrize("observed", ["2018-02-30", "2018-13-01", "2018-09-18 24:00", "2018-09-18 14:60", "18-09-18",
                                      "2018-9-18", "2018-09-18T14:43", "昨天"])
def test_a_moment_that_is_not_real_is_refused(observed):
    [(where, severity, message)] = _finding({"observed": observed})
    assert where == ("findings", 2, "observed") and severity == "error" and f"“{observed}”不是真实的日期时间" in message


def test_a_moment_after_the_issue_is_a_warning():
    [(where, severity, message)] = _finding({"observed": "2018-09-22"})
    assert severity == "warning" and message == "发现时间 2018-09-22 晚于本期日期 2018-09-21 — 请核对"
    assert _finding({"observed": "2018-09-22"}, issue_date=None) == []


def test_a_parts_districts_must_be_registered_and_named_once():
    fp = _fp()
    found = validate.section_districts({"districts": ["拱墅区", "拱墅", "西湖区", "东湖区"]}, ("sections", 0, "findings", 1),
                                       REG, fp)
    assert [d.slug for d in found] == ["gongshu", "xihu"]
    assert [(w, m[:13]) for w, _, m in said(fp)] == [
        (("sections", 0, "findings", 1, "districts", 1), "拱墅区 在这条问题的 di"),
        (("sections", 0, "findings", 1, "districts", 3), "未知的区县“东湖区” — ")]


# --- the issue's header --------------------------------------------------------------------------------------

HEAD = {"number": 33, "date": D(2018, 9, 21), "series": "专报", "publisher": "办公室", "report": {"title": "t"}}


def _header(data: dict, folder: str = "2018-033") -> list[tuple]:
    fp = _fp()
    validate.issue_header({**HEAD, **data}, folder, fp)
    return said(fp)


def test_a_good_header_passes():
    assert _header({"period": {"start": D(2018, 9, 17), "end": D(2018, 9, 21)},
                    "corrections": [{"date": D(2018, 9, 21), "note": "改"}], "unplaced": ["x"], "draft": True}) == []


def test_the_folder_must_match_the_year_and_number():
    assert _header({}, "2018-034")[0][2] == "文件夹 2018-034 与期号 33、日期 2018-09-21 不符 — 文件夹应为 2018-033"
    assert _header({"number": 3}, "2018-003") == []


def test_a_period_that_ends_before_it_starts_or_after_the_issue():
    assert _header({"period": {"start": D(2018, 9, 17), "end": D(2018, 9, 16)}})[0][:2] == (("period", "end"), "error")
    assert _header({"period": {"start": D(2018, 9, 17), "end": D(2018, 9, 17)}}) == []
    assert _header({"period": {"start": D(2018, 9, 17), "end": D(2018, 9, 22)}})[0][:2] == (("period", "end"), "warning")


@pytest.mark.parametrize("day,ok", [(D(1949, 12, 31), False), (D(1950, 1, 1), True), (D(2099, 12, 31), True),
                                    (D(2100, 1, 1), False)])
def test_dates_lie_between_1950_and_2099(day, ok):
    found = _header({"date": day, "number": 1}, f"{day.year:04d}-001")
    assert (found == []) == ok
    period = _header({"period": {"start": day, "end": D(2018, 9, 20)}})
    assert (not any("不在 1950 年到 2099 年之间" in m for _, _, m in period)) == ok


def test_a_correction_before_the_issue_or_of_spaces_only_is_refused():
    found = _header({"corrections": [{"date": D(2018, 9, 20), "note": "  "}, "not a mapping", {"date": D(2018, 9, 21)}]})
    assert [w for w, _, _ in found] == [("corrections", 0, "note"), ("corrections", 0, "date")]


def test_unplaced_text_of_a_published_issue_is_a_warning_naming_its_start():
    [(where, severity, message)] = _header({"unplaced": ["一二三四五六七八九十一二三四五六七八九十多", 3]})
    assert where == ("unplaced",) and severity == "warning"
    assert message.startswith("有 1 段文字没有归入任何区县（unplaced，如“一二三四五六七八九十一二三四五六七八九十…”）")
    assert "…" not in _header({"unplaced": ["短"]})[0][2].split("）")[0]


@pytest.mark.parametrize("key,value,label", [("report_to", "市委办公厅 抄送：市纪委", "抄送："), ("send_to", "各区 报:市政府", "报:")])
def test_two_distribution_lines_run_together_are_named(key, value, label):
    [(where, _, message)] = _header({"distribution": {key: value}})
    assert where == ("distribution", key) and f"出现了“{label}”" in message


def test_markup_in_the_masthead_is_refused_but_an_ampersand_is_text():
    assert [w for w, _, _ in _header({"series": "专<报", "report": {"title": "A&B"}})] == [("series",)]


def test_a_file_name_that_sorts_before_or_after_its_slug_is_wrong_alike():
    for slug in ("a", "zz"):
        fp = _fp()
        validate.district_name({"district": "拱墅区"}, REG, fp, slug)
        assert [m for _, _, m in said(fp)] == [f"拱墅区 的文件应命名为 gongshu.yaml，而不是 {slug}.yaml — 请改文件名"]


def test_a_folder_that_sorts_before_its_number_is_wrong_too():
    assert _header({}, "2018-032")[0][2].endswith("文件夹应为 2018-033")


def test_a_correction_after_the_issue_is_fine():
    assert _header({"corrections": [{"date": D(2018, 9, 25), "note": "改"}]}) == []


def test_a_key_path_ends_where_the_data_does_not_follow_it():
    fp = _fp()
    validate.names({"aliases": ["坏<"], "report": "t<"}, (("aliases", "name"), ("report", "title")), fp)
    assert said(fp) == []


def test_a_sum_that_cannot_be_added_up_is_skipped_and_the_next_is_checked():
    assert _sums({"满意": "多", "基本满意": 5, "不满意": 5, "回访量": 20, "接通": 11, "呼出": 10}) == [
        "接通 = 11，超过 呼出 = 10 — 数字照通报原文保留，请核对原文是否如此"]


def test_unplaced_text_of_twenty_characters_is_quoted_whole():
    [(_, _, message)] = _header({"unplaced": ["一二三四五六七八九十一二三四五六七八九十"]})
    assert "如“一二三四五六七八九十一二三四五六七八九十”）" in message
