"""Review in git: a data change in words, through `bulletins diff` and `git diff`; reproducible builds."""

from __future__ import annotations

import pytest
import filecmp
import os
import re
from pathlib import Path


from conftest import BIN, cli, git, mkdocs_build, repo  # noqa: F401  (repo: a fixture)
from conftest import edit as _edit


def edit(root: Path, rel: str, old: str, new: str) -> None:
    _edit(root, rel, old, new, -1)


def test_diff_names_both_districts_with_old_and_new_values(repo):
    edit(repo, "issues/2018-033/shangcheng.yaml", "满意: 15604", "满意: 15640")
    edit(repo, "issues/2018-033/jianggan.yaml", "增设母婴室", "增设哺乳室")
    out = cli(repo, "diff")
    assert out.returncode == 0, out.stderr
    assert "上城区 满意：15604 → 15640" in out.stdout
    assert "江干区 ② 原文改动" in out.stdout and "[-母婴-]{+哺乳+}" in out.stdout
    git(repo, "commit", "-qam", "更正")
    committed = cli(repo, "diff", "HEAD~1", "HEAD").stdout
    assert "上城区 满意：15604 → 15640" in committed and "[-母婴-]{+哺乳+}" in committed
    assert cli(repo, "diff").stdout.strip() == "数据没有改动"


def test_layout_only_change_reports_no_data_change_and_a_comment_is_named(repo):
    edit(repo, "issues/2018-033/gongshu.yaml", "district: 拱墅区", "district:    拱墅区  ")
    assert cli(repo, "diff").stdout.strip() == "数据没有改动"
    assert cli(repo, "fmt", "--check").returncode == 1
    edit(repo, "issues/2018-033/gongshu.yaml", "district:    拱墅区  ", "# 审核意见：第 2 条待核实\ndistrict: 拱墅区")
    out = cli(repo, "diff").stdout
    assert "只改了注释：gongshu.yaml（数据没有改动）" in out and "警告" not in out
    git(repo, "config", "diff.bulletins.textconv", f"{BIN / 'bulletins'} textconv")
    assert "+注释：审核意见：第 2 条待核实" in git(repo, "diff")


@pytest.mark.slow
def test_a_new_issue_is_listed_district_by_district(repo):
    assert cli(repo, "synth", "--issues", "1").returncode == 0
    out = cli(repo, "diff").stdout
    assert re.search(r"2018-034：新增一期（\d+ 个区县，\d+ 条问题）", out)
    assert re.search(r"\n  \S+：\d+ 条问题", out)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "34")
    import shutil
    shutil.rmtree(repo / "issues/2018-034")
    gone = cli(repo, "diff").stdout
    assert re.search(r"2018-034：删除这一期（\d+ 个区县，\d+ 条问题）", gone) and "条问题" in gone.split("\n", 1)[1]


def test_a_change_of_position_shows_in_git_diff(repo):
    git(repo, "config", "diff.bulletins.textconv", f"{BIN / 'bulletins'} textconv")
    edit(repo, "issues/2018-033/shangcheng.yaml", "position: 1", "position: 2")
    edit(repo, "issues/2018-033/xiacheng.yaml", "position: 2", "position: 1")
    shown = git(repo, "diff")
    assert "-在通报中的位置：1" in shown and "+在通报中的位置：2" in shown
    assert "上城区 在通报中的位置：1 → 2" in cli(repo, "diff").stdout


@pytest.mark.slow
def test_added_removed_and_moved_findings_and_issues(repo):
    path = repo / "issues/2018-033/gongshu.yaml"
    lines = path.read_text(encoding="utf-8").split("\n  - text: ")
    path.write_text("\n  - text: ".join([lines[0], lines[2], lines[1], lines[3]]), encoding="utf-8")
    assert "拱墅区 第 2 条移到第 1 条" in cli(repo, "diff").stdout or "拱墅区 第 1 条移到第 2 条" in cli(repo, "diff").stdout
    assert cli(repo, "synth", "--issues", "1").returncode == 0
    assert "2018-034：新增一期" in cli(repo, "diff").stdout
    assert "找不到版本" in cli(repo, "diff", "nope").stderr


def test_git_diff_shows_the_semantic_view_through_textconv(repo):
    git(repo, "config", "diff.bulletins.textconv", f"{BIN / 'bulletins'} textconv")
    edit(repo, "issues/2018-033/shangcheng.yaml", "满意: 15604", "满意: 15640")
    out = git(repo, "diff")
    assert "-满意：15604" in out and "+满意：15640" in out


@pytest.mark.site
def test_two_builds_of_one_commit_are_byte_identical(repo, tmp_path):
    env_before = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        a = mkdocs_build(repo, "-d", str(tmp_path / "a"))
        b = mkdocs_build(repo, "-d", str(tmp_path / "b"))
    finally:
        if env_before is not None:
            os.environ["SOURCE_DATE_EPOCH"] = env_before
    assert a.returncode == 0 and b.returncode == 0
    cmp = filecmp.dircmp(tmp_path / "a", tmp_path / "b")

    def differing(c) -> list[str]:
        return c.diff_files + c.left_only + c.right_only + [f for sub in c.subdirs.values() for f in differing(sub)]
    assert differing(cmp) == []
    sitemap = (tmp_path / "a" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2018-09-22</lastmod>" in sitemap  # from the commit, not the clock


def _textconv(root: Path) -> None:
    from bulletins.review.facts import XFUNCNAME
    git(root, "config", "diff.bulletins.textconv", f"{BIN / 'bulletins'} textconv")
    git(root, "config", "diff.bulletins.xfuncname", XFUNCNAME)


def test_registries_and_issue_yaml_read_as_facts_in_git_diff(repo):
    _textconv(repo)
    edit(repo, "issues/registry/districts.yaml", "aliases: [西湖, 杭州市西湖区]", "aliases: [西湖]")
    edit(repo, "issues/2018-033/issue.yaml", "市直各单位，", "市直各单位、")
    shown = git(repo, "diff")
    assert "-  别名：西湖、杭州市西湖区\n+  别名：西湖\n" in shown
    assert re.search(r"^@@ [^@]+ @@ 区县：西湖区$", shown, re.M), shown  # the hunk names its entry
    assert "-发：市直各单位，各区" in shown and "+发：市直各单位、各区" in shown
    assert not re.search(r"datetime\.|\{'|\['", shown)
    assert len([l for l in shown.splitlines() if l[:1] in "+-" and l[:3] not in ("+++", "---")]) == 4
    out = cli(repo, "diff").stdout
    assert "区县 西湖区 别名：西湖、杭州市西湖区 → 西湖" in out and "发改动：市直各单位[-，-]{+、+}各区" in out


def test_the_readme_sets_the_hunk_header_the_views_are_written_for():
    from bulletins.review.facts import XFUNCNAME
    for doc in ("README.md", "doc/review.md"):
        text = (Path(__file__).resolve().parent.parent / doc).read_text(encoding="utf-8")
        assert f"git config diff.bulletins.xfuncname '{XFUNCNAME}'" in text, doc


def test_diff_as_markdown_and_as_a_review_page(repo, tmp_path):
    edit(repo, "issues/2018-033/jianggan.yaml", "增设母婴室", "增设哺乳室")
    md = cli(repo, "diff", "--markdown")
    assert md.returncode == 0 and md.stdout.startswith("## 数据改动：HEAD → 工作区")
    assert "增设<del>母婴</del><ins>哺乳</ins>室" in md.stdout and "- **江干区**" in md.stdout
    page = tmp_path / "审阅.html"
    out = cli(repo, "diff", "--html", str(page))
    assert out.returncode == 0 and "已写入" in out.stderr and out.stdout == ""
    assert "<ins>哺乳</ins>" in page.read_text(encoding="utf-8")
    bad = cli(repo, "diff", "--html", str(tmp_path / "no" / "such" / "dir" / "x.html"))
    assert bad.returncode == 0 or "无法写入" in bad.stderr
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o500)
    if os.geteuid() != 0:
        refused = cli(repo, "diff", "--html", str(tmp_path / "ro" / "x.html"))
        assert refused.returncode == 1 and "无法写入" in refused.stderr and "没有写入权限" in refused.stderr
    assert cli(repo, "diff", "--markdown", "HEAD", "HEAD").stdout.strip().endswith("数据没有改动。")
