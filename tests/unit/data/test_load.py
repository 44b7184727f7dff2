"""data/load.py on small archives written here (the project's registries, an issue or two): what
is read, in which order, and every way a folder can hold something that is not read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bulletins.data.load import load_archive
from bulletins.data.state import BuildState
from smallarchive import Small, district, header

REPO = Path(__file__).resolve().parents[3]


def _archive(tmp_path: Path, issues: dict[str, dict[str, str]]) -> Path:
    return Small(tmp_path).write(issues).root


def _load(root: Path, **kw):
    return load_archive(root, state=BuildState(), **kw)


def _said(problems) -> list[str]:
    return [f"{p.path}:{p.line}:{p.col}: {p.message}" for p in problems]


def test_the_sample_loads_whole():
    archive, problems = _load(REPO)
    assert archive is not None and [p for p in problems if p.is_error] == []
    [issue] = archive.issues
    assert issue.id == "2018-033" and len(issue.reports) == 16 and len(issue.findings) == 44
    assert issue.reports[0].district.name == "上城区" and issue.period_start.isoformat() == "2018-09-14"


def test_districts_stand_in_the_registrys_order_unless_positions_say_otherwise(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), "xihu.yaml": district("西湖区", "甲"),
                                            "shangcheng.yaml": district("上城区", "乙")}})
    archive, _ = _load(root)
    assert [r.district.slug for r in archive.issues[0].reports] == ["shangcheng", "xihu"]
    (root / "issues/2018-033/xihu.yaml").write_text(district("西湖区", "甲", extra="position: 1\n"), encoding="utf-8")
    (root / "issues/2018-033/shangcheng.yaml").write_text(district("上城区", "乙", extra="position: 2\n"),
                                                          encoding="utf-8")
    archive, _ = _load(root)
    assert [r.district.slug for r in archive.issues[0].reports] == ["xihu", "shangcheng"]


def test_positions_are_all_or_none_and_never_twice(tmp_path):
    root = _archive(tmp_path, {"2018-033": {
        "issue.yaml": header(), "xihu.yaml": district("西湖区", "甲", extra="position: 1\n"),
        "shangcheng.yaml": district("上城区", "乙", extra="position: 1\n"), "gongshu.yaml": district("拱墅区", "丙")}})
    archive, problems = _load(root)
    assert archive is None
    assert sorted(_said(problems)) == [
        "issues/2018-033/gongshu.yaml:1:1: 本期其他区县写了 position（在通报中的位置），拱墅区 没有写 — 请补上，或全部删去（按登记表顺序）",
        "issues/2018-033/xihu.yaml:1:1: position 1 与 issues/2018-033/shangcheng.yaml 重复 — 每个区县的位置应不同"]


def test_issues_are_newest_first_and_only_reads_what_it_is_asked(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), "xihu.yaml": district("西湖区", "甲")},
                               "2018-034": {"issue.yaml": header(34, "2018-09-28"), "xihu.yaml": district("西湖区", "乙")},
                               "2018-035": {"issue.yaml": header(35, "2018-09-28"), "xihu.yaml": "district: 西湖区\nx: 1\n"}})
    archive, problems = _load(root)
    assert archive is None and _said(problems) == [
        "issues/2018-035/xihu.yaml:2:1: 未知的键“x” — 可用的键：district、findings、metrics、position、summary"]
    archive, problems = _load(root, only=[root / "issues/2018-034", root / "issues/2018-033"])
    assert [i.id for i in archive.issues] == ["2018-034", "2018-033"] and problems == []
    (root / "issues/2018-035/xihu.yaml").write_text(district("西湖区", "丙"), encoding="utf-8")
    archive, _ = _load(root)
    assert [i.id for i in archive.issues] == ["2018-035", "2018-034", "2018-033"]  # same day: the higher number first


@pytest.mark.parametrize("name,problem", [
    ("XiHu.YAML", "XiHu.YAML 不会被读取 — 数据文件的扩展名必须是小写的 .yaml，请改名为 xihu.yaml"),
    ("西湖.yaml", "文件名应为区县的拼音 slug，如 chengqu.yaml — 请改文件名，否则这份数据不会发布"),
    ("notes.txt", "期文件夹中只能有 issue.yaml 和区县的 .yaml 文件 — notes.txt 不会被读取，请把它移出 issues/ 或删除")])
def test_a_file_the_build_would_not_read_is_an_error(tmp_path, name, problem):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), name: district("西湖区", "甲")}})
    archive, problems = _load(root)
    assert archive is None and _said(problems) == [f"issues/2018-033/{name}:1:1: {problem}"]


def test_a_hidden_file_is_a_warning_and_the_rest_is_read(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), ".xihu.yaml.swp": "x",
                                            "xihu.yaml": district("西湖区", "甲")}})
    archive, problems = _load(root)
    assert archive is not None and [(p.severity, p.message) for p in problems] == [
        ("warning", "隐藏文件 .xihu.yaml.swp 不会被读取，也不会发布")]


@pytest.mark.parametrize("name,problem", [
    ("2018-33", "文件夹名“2018-33”不符合“年-期号”格式，其中的数据不会发布 — 应为四位年份、连字符、三位期号，如 2018-033"),
    ("readme.md", "issues/ 中只能有每期的文件夹和 registry/ — readme.md 不会被读取，请移走或删除"),
    (".2018-033.old", "上次覆盖导入 2018-033 时被中断，原来的数据在 issues/.2018-033.old 中 — 请把它改名回 issues/2018-033，或重新导入这一期")])
def test_anything_else_in_issues_is_named(tmp_path, name, problem):
    root = _archive(tmp_path, {})
    target = root / "issues" / name
    target.mkdir() if name != "readme.md" else target.write_text("x", encoding="utf-8")
    _archive_ok, problems = _load(root)
    assert _said(problems) == [f"issues/{name}:1:1: {problem}"]


def test_an_old_copy_beside_its_issue_is_only_hidden(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), "xihu.yaml": district("西湖区", "甲")}})
    (root / "issues/.2018-033.old").mkdir()
    archive, problems = _load(root)
    assert archive is not None and [p.severity for p in problems] == ["warning"]
    assert problems[0].message.startswith("隐藏的 .2018-033.old 不会被读取")


def test_a_folder_without_its_header_is_refused(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"xihu.yaml": district("西湖区", "甲")}})
    archive, problems = _load(root)
    assert archive is None and _said(problems) == [
        "issues/2018-033/issue.yaml:1:1: 缺少 issue.yaml — 每期文件夹都要有 issue.yaml（可用 bulletins new 生成）"]


def test_one_district_twice_is_refused_naming_the_other_file(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), "xihu.yaml": district("西湖区", "甲"),
                                            "xihufengjing.yaml": district("西湖", "乙")}})
    archive, problems = _load(root)
    assert archive is None
    assert any("西湖区 在本期中重复出现（另见 issues/2018-033/xihu.yaml）" in m for m in _said(problems))


def test_an_empty_district_is_refused_when_published_and_allowed_in_a_draft(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), "xihu.yaml": "district: 西湖区\nsummary: '  '\n"}})
    archive, problems = _load(root)
    assert archive is None and "西湖区 没有问题、概述，也没有指标" in problems[0].message
    (root / "issues/2018-033/issue.yaml").write_text(header(extra="draft: true\n"), encoding="utf-8")
    archive, problems = _load(root)
    assert archive is not None and archive.issues[0].draft and problems == []
    for content in ("summary: 本期未发现问题\n", "metrics:\n  回访量: 3\n"):
        (root / "issues/2018-033/issue.yaml").write_text(header(), encoding="utf-8")
        (root / "issues/2018-033/xihu.yaml").write_text("district: 西湖区\n" + content, encoding="utf-8")
        assert _load(root)[0] is not None


def test_a_district_that_did_not_exist_on_the_issues_date_is_a_warning(tmp_path):
    root = _archive(tmp_path, {"2022-010": {"issue.yaml": header(10, "2022-03-04"), "xiacheng.yaml": district("下城区", "甲")}})
    archive, problems = _load(root)
    assert archive is not None and [(p.severity, p.message) for p in problems] == [
        ("warning", "下城区 在 2022-03-04 时已不存在或尚未设立 — 请核对区县名称")]


def test_metrics_are_kept_in_the_registrys_order(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(),
                                            "xihu.yaml": "district: 西湖区\nmetrics:\n  满意: 5\n  回访量: 9\n"}})
    archive, _ = _load(root)
    assert archive.issues[0].reports[0].metrics == (("回访量", 9), ("满意", 5))


SECTIONS = """sections:
  - title: 一、集中的问题
    findings:
      - text: 西湖区、上城区窗口无人。
        districts: [西湖区, 上城区]
        types: [窗口纪律]
      - text: 上城区排队长。
        districts: [上城区]
  - title: 二、建议
    text: 加强督办。
"""


def test_a_bulletin_by_category_places_each_finding_in_every_district_it_names(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), "sections.yaml": SECTIONS,
                                            "xihu.yaml": district("西湖区", "西湖区自己的问题。")}})
    archive, problems = _load(root)
    assert problems == []
    issue = archive.issues[0]
    assert [s.title for s in issue.sections] == ["一、集中的问题", "二、建议"] and issue.sections[1].text == "加强督办。"
    both, own = issue.sections[0].findings
    assert (both.district, both.number, both.also) == ("xihu", 2, ("shangcheng",))  # after 西湖区's own finding
    assert (own.district, own.number, own.also) == ("shangcheng", 1, ())
    by = {r.district.slug: r for r in issue.reports}
    assert [f.text for f in by["xihu"].findings] == ["西湖区自己的问题。", "西湖区、上城区窗口无人。"]
    assert [f.text for f in by["shangcheng"].findings] == ["西湖区、上城区窗口无人。", "上城区排队长。"]
    assert by["shangcheng"].source == "issues/2018-033/sections.yaml"


def test_a_correction_dated_far_after_the_newest_issue_is_refused(tmp_path):
    late = "corrections:\n  - date: 2019-09-23\n    note: 改了一处\n"
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(extra=late), "xihu.yaml": district("西湖区", "甲")}})
    archive, problems = _load(root)
    assert archive is None and problems[0].path == "issues/2018-033/issue.yaml" and problems[0].line == 8
    ok = "corrections:\n  - date: 2019-09-21\n    note: ' 改了一处 '\n"
    (root / "issues/2018-033/issue.yaml").write_text(header(extra=ok), encoding="utf-8")
    archive, problems = _load(root)
    assert problems == [] and archive.issues[0].corrections[0].note == "改了一处"


def test_an_issue_read_before_is_not_read_again_until_a_file_changes(tmp_path):
    root = _archive(tmp_path, {"2018-033": {"issue.yaml": header(), "xihu.yaml": district("西湖区", "甲")}})
    state = BuildState()
    first, _ = load_archive(root, state=state)
    again, _ = load_archive(root, state=state)
    assert again.issues[0] is first.issues[0]
    (root / "issues/2018-033/xihu.yaml").write_text(district("西湖区", "乙"), encoding="utf-8")
    changed, _ = load_archive(root, state=state)
    assert changed.issues[0].findings[0].text == "乙"


def test_without_issues_folder_the_archive_is_refused(tmp_path):
    shutil.copytree(REPO / "issues" / "registry", tmp_path / "registry")
    archive, problems = _load(tmp_path)
    assert archive is None and problems[0].message.startswith("找不到 issues/ 文件夹") or "registry" in problems[0].path


def test_a_stray_file_does_not_stop_the_files_after_it_being_read(small):
    small.write({"2018-033": {"issue.yaml": header(), "a.txt": "x", "xihu.yaml": "district: 西湖区\nx: 1\n"}})
    _archive, problems = small.load()
    assert [p.path for p in problems] == ["issues/2018-033/a.txt", "issues/2018-033/xihu.yaml"]


def test_a_link_in_issues_and_a_missing_issues_folder_are_named_at_the_start_of_the_file(small, tmp_path):
    small.write({"2018-033": {"issue.yaml": header(), "xihu.yaml": district("西湖区", "甲")}})
    (small.root / "issues/2018-034").symlink_to(small.root / "issues/2018-033")
    _archive, problems = small.load()
    assert [(p.path, p.line, p.col) for p in problems] == [("issues/2018-034", 1, 1)]
    assert problems[0].message.startswith("是符号链接")
    (small.root / "issues/2018-034").unlink()
    (small.root / "issues").rename(small.root / "real")
    (small.root / "issues").symlink_to(small.root / "real")  # the registry reads through it; issues/ is refused
    archive, problems = small.load()
    assert archive is None and [(p.path, p.line, p.col) for p in problems] == [("issues", 1, 1)]
    assert problems[0].message == "找不到 issues/ 文件夹（或它是链接） — 请在归档根目录（有 mkdocs.yml 处）运行"


def test_a_districts_findings_in_several_parts_are_numbered_on(small):
    small.write({"2018-033": {"issue.yaml": header(), "xihu.yaml": district("西湖区", "西湖区自己的问题。"), "sections.yaml": (
        "sections:\n  - title: 一、问题\n    findings:\n"
        "      - text: 上城区、西湖区窗口无人。\n        districts: [上城区, 西湖区]\n"
        "      - text: 西湖区排队长。\n        districts: [西湖区]\n"
        "      - text: 西湖区叫号机坏。\n        districts: [西湖区]\n")}})
    issue = small.archive().issues[0]
    assert [(f.district, f.number) for f in issue.sections[0].findings] == [("shangcheng", 1), ("xihu", 2), ("xihu", 3)]
