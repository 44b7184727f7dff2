"""Every validation rule: a clerk gets file:line:col, what is wrong and what would be right."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from conftest import cli, edit, mkdocs_build

G = "issues/2018-033/gongshu.yaml"
S = "issues/2018-033/shangcheng.yaml"
I = "issues/2018-033/issue.yaml"


def line_of(root: Path, rel: str, needle: str) -> int:
    for no, line in enumerate((root / rel).read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return no
    raise AssertionError(needle)


def fails(root: Path, pattern: str) -> str:
    result = cli(root, "validate")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(pattern, result.stderr), result.stderr
    return result.stderr


def test_sample_is_valid_with_the_arithmetic_warning(archive):
    result = cli(archive, "validate")
    assert result.returncode == 0, result.stderr
    assert f"{S}:" in result.stderr and "警告" in result.stderr and "15948" in result.stderr


def test_unknown_district_names_file_line_and_suggests(archive):
    edit(archive, G, "district: 拱墅区", "district: 拱墅去")
    out = fails(archive, rf"{G}:1:\d+: 错误：未知的区县“拱墅去”")
    assert "拱墅区" in out and "districts.yaml" in out


def test_unknown_problem_type_department_and_metric(archive):
    edit(archive, G, "types: [系统故障]", "types: [系统故瘴]")
    edit(archive, G, "departments: [交警]", "departments: [交警队伍]")
    edit(archive, S, "  未接通: 3858", "  未接听: 3858")
    out = fails(archive, r"未知的问题类型“系统故瘴”.*系统故障")
    assert re.search(rf"{G}:\d+:\d+: 错误：未知的部门“交警队伍”.*交警", out)
    assert re.search(rf"{S}:{line_of(archive, S, '未接听')}:\d+: 错误：未知的指标“未接听”.*未接通", out)


def test_duplicate_district_in_one_issue(archive):
    text = (archive / G).read_text(encoding="utf-8")
    (archive / "issues/2018-033/gongshu2.yaml").write_text(text, encoding="utf-8")
    fails(archive, r"gongshu2\.yaml:1:1: 错误：文件名应为区县的拼音 slug|拱墅区 在本期中重复出现")
    (archive / "issues/2018-033/gongshu2.yaml").unlink()
    (archive / "issues/2018-033/xiacheng.yaml").write_text(text.replace("拱墅区", "下城区"), encoding="utf-8")
    (archive / "issues/2018-033/xihu.yaml").write_text(text.replace("拱墅区", "下城区"), encoding="utf-8")
    fails(archive, r"下城区 .*重复出现|应命名为 xiacheng\.yaml")


def test_impossible_date_and_period_order(archive):
    edit(archive, I, "date: 2018-09-21", "date: 2018-02-30")
    fails(archive, rf"{I}:2:\d+: 错误：日期 2018-02-30 不存在")
    edit(archive, I, "date: 2018-02-30", "date: 2018-09-21")
    edit(archive, I, "end: 2018-09-20", "end: 2018-09-10")
    fails(archive, rf"{I}:{line_of(archive, I, 'end: 2018-09-10')}:\d+: 错误：通报时段结束日期 2018-09-10 早于开始日期")


def test_number_that_is_not_a_number(archive):
    edit(archive, S, "回访量: 15729", "回访量: 15,729")
    fails(archive, rf"{S}:{line_of(archive, S, '15,729')}:\d+: 错误：.*应为数字")


def test_duplicate_keys(archive):
    edit(archive, S, "  未接通: 3858", "  未接通: 3858\n  未接通: 3859")
    fails(archive, rf"{S}:\d+:\d+: 错误：重复的键“未接通”")


@pytest.mark.site
def test_aliases_are_refused_and_a_billion_laughs_is_refused_fast(archive):
    bomb = "\nlol:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    prev = "a"
    for name in "bcdefghi":
        bomb += f"  {name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        prev = name
    (archive / G).write_text((archive / G).read_text(encoding="utf-8") + bomb, encoding="utf-8")
    start = time.monotonic()
    fails(archive, rf"{G}:\d+:\d+: 错误：不允许使用 YAML 锚点")
    build = mkdocs_build(archive)
    assert time.monotonic() - start < 30
    assert build.returncode != 0 and "Traceback" not in build.stderr
    assert "不允许使用 YAML 锚点" in build.stderr


def test_tabs_unknown_keys_and_wrong_types(archive):
    edit(archive, G, "    departments: [税务]", "    departmnets: [税务]")
    out = fails(archive, r"未知的键“departmnets” — 是否应为“departments”")
    assert re.search(rf"{G}:{line_of(archive, G, 'departmnets')}:", out)
    edit(archive, G, "    departmnets: [税务]", "\tdepartments: [税务]")
    fails(archive, rf"{G}:{line_of(archive, G, chr(9))}:1: 错误：行首缩进含制表符")


def test_wrong_type_for_findings(archive):
    edit(archive, G, "findings:", "findings: 没有\nx_findings:")
    fails(archive, r"“问题”（findings）应为列表")


def test_oversized_and_deeply_nested_files(archive):
    (archive / G).write_text("district: 拱墅区\nfindings: []\n# " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    fails(archive, rf"{G}:1:1: 错误：文件过大")
    (archive / G).write_text("district: 拱墅区\nfindings: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    fails(archive, rf"{G}:\d+:\d+: 错误：嵌套超过")


def test_folder_must_match_number_and_date(archive):
    edit(archive, I, "number: 33", "number: 34")
    fails(archive, rf"{I}:1:\d+: 错误：文件夹 2018-033 与期号 34")


def test_file_name_must_be_the_district_slug(archive):
    (archive / G).rename(archive / "issues/2018-033/xihu2.yaml")
    fails(archive, r"拱墅区 的文件应命名为 gongshu\.yaml")


@pytest.mark.site
def test_build_stops_with_the_same_messages_and_no_traceback(archive):
    edit(archive, G, "district: 拱墅区", "district: 拱墅去")
    result = mkdocs_build(archive)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(rf"{G}:1:\d+: 错误：未知的区县“拱墅去”", result.stderr)


def test_validate_from_a_subfolder_works_on_that_archive(archive):
    result = cli(archive / "issues" / "2018-033", "validate")
    assert result.returncode == 0
    elsewhere = cli(archive.parent, "validate")
    assert elsewhere.returncode != 0 and "找不到归档" in elsewhere.stderr


@pytest.mark.parametrize("junk", ["", "- a\n- b\n", "district: 拱墅区\n", "{{{{", "\x00\x01"])
def test_junk_files_get_messages_not_tracebacks(archive, junk):
    (archive / G).write_text(junk, encoding="utf-8")
    result = cli(archive, "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert G in result.stderr
