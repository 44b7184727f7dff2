"""The editor's trust: only what an editor meant is published, in the bulletin's own order, and the
tools speak Chinese."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import BIN, FIXTURES, built, cli, edit, fetch, git, repo, serving, soup, until  # noqa: F401  (repo: a fixture)

I = "issues/2018-033/issue.yaml"
S = "issues/2018-033/shangcheng.yaml"
NOTE = "上城区满意件数按原件更正为 15640 件"
INTERNAL = "fix typo found by QA, WIP do not publish"


def load(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def add_note(root: Path, day: str, note: str) -> None:
    with (root / I).open("a", encoding="utf-8") as f:
        f.write(f"corrections:\n  - date: {day}\n    note: {note}\n")


def every_text(site: Path) -> str:
    """Every built file as text, the search index's compressed files included."""
    out = []
    for p in site.rglob("*"):
        if p.is_file():
            raw = p.read_bytes()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            out.append(raw.decode("utf-8", "replace"))
    return "\n".join(out)


# --- Correction notes come from the data, never from commit messages ----------------------------

@pytest.mark.site
def test_commit_messages_are_never_published_and_notes_come_from_the_data(repo):
    edit(repo, S, "满意: 15604", "满意: 15640")
    add_note(repo, "2018-09-28", NOTE)
    git(repo, "commit", "-qam", INTERNAL)
    edit(repo, "issues/2018-033/gongshu.yaml", "district: 拱墅区", "# layout only\ndistrict: 拱墅区")
    git(repo, "commit", "-qam", "reformat gongshu, nothing to see")
    site = built(repo)
    assert INTERNAL not in every_text(site) and "nothing to see" not in every_text(site)
    page = soup(site / "issues/2018-033/index.html")
    section = page.find(id="corrections").find_parent("section")
    assert section.h2.get_text() == "更正说明"
    text = section.get_text(" ")
    assert NOTE in text and "2018 年 9 月 28 日" in text and "上城区 满意：15604 → 15640" in text
    footer = page.select_one("footer.zb-distribution")
    assert footer is not None and footer.find_all_next(id="corrections")  # after 报/发
    listing = soup(site / "corrections/index.html")
    link = listing.select_one(".zb-corrections-list a")
    assert link["href"] == "../issues/2018-033/#corrections" and NOTE in listing.get_text()
    data = json.loads((site / "data/archive.json").read_text(encoding="utf-8"))
    assert data["issues"][0]["corrections"] == [{"date": "2018-09-28", "note": NOTE}]


@pytest.mark.site
def test_without_git_the_notes_alone_and_newest_first(archive):
    with (archive / I).open("a", encoding="utf-8") as f:
        f.write("corrections:\n  - date: 2018-09-25\n    note: 较早的更正\n  - date: 2018-10-02\n    note: 较新的更正\n")
    site = built(archive)
    items = [li.get_text(" ", strip=True) for li in soup(site / "issues/2018-033/index.html")
             .find(id="corrections").find_parent("section").select("ol > li")]
    assert "较新的更正" in items[0] and "较早的更正" in items[1]
    listing = soup(site / "corrections/index.html").get_text()
    assert listing.index("较新的更正") < listing.index("较早的更正")


@pytest.mark.parametrize("body, message", [
    ("  - date: 2018-09-20\n    note: 早于本期\n", r"更正日期 2018-09-20 早于本期日期 2018-09-21"),
    ("  - date: 2018-09-28\n    note: '  '\n", r"更正说明只有空格"),
    ("  - date: 2018-09-28\n", r"缺少“说明”（note）"),
])
def test_correction_notes_are_validated(archive, body, message):
    with (archive / I).open("a", encoding="utf-8") as f:
        f.write("corrections:\n" + body)
    result = cli(archive, "validate")
    assert result.returncode == 1 and re.search(rf"{I}:\d+:\d+: 错误：{message}", result.stderr), result.stderr


def test_diff_warns_when_a_published_issue_changes_without_a_note(repo):
    edit(repo, S, "满意: 15604", "满意: 15640")
    out = cli(repo, "diff").stdout
    assert "上城区 满意：15604 → 15640" in out and "警告：2018-033 已发布，数据有改动" in out
    add_note(repo, "2018-09-28", NOTE)
    out = cli(repo, "diff").stdout
    assert f"更正说明（新增）：2018-09-28 {NOTE}" in out and "警告" not in out


# --- Drafts stay off the site --------------------------------------------------------------------

DRAFT_TEXT = "草稿专用的一句话：区行政服务中心取号机故障"


@pytest.mark.site
def test_a_draft_appears_nowhere_on_the_site(archive):
    assert cli(archive, "new").returncode == 0
    folder = archive / "issues/2018-034"
    assert (folder / "issue.yaml").read_text(encoding="utf-8").startswith("draft: true\n")
    edit(archive, "issues/2018-034/xihu.yaml", "findings: []", f"findings:\n  - text: {DRAFT_TEXT}")
    assert cli(archive, "validate").returncode == 0  # validated like any issue, empty districts allowed
    site = built(archive)
    assert not (site / "issues/2018-034").exists()
    everything = every_text(site)
    assert DRAFT_TEXT not in everything and "2018-034" not in everything and "第 34 期" not in everything
    home = soup(site / "index.html").get_text()
    assert "2018 年至今 1 期" in home


def test_a_published_issue_may_not_have_an_empty_district(archive):
    assert cli(archive, "new").returncode == 0
    edit(archive, "issues/2018-034/issue.yaml", "draft: true\n", "")
    result = cli(archive, "validate")
    assert result.returncode == 1
    assert re.search(r"issues/2018-034/xihu\.yaml:\d+:\d+: 错误：西湖区 没有问题、概述，也没有指标", result.stderr)
    assert "draft: true" in result.stderr


# --- The importer takes the layouts editors really paste -----------------------------------------

def _import(root: Path, src: Path) -> subprocess.CompletedProcess:
    result = cli(root, "import", "--publish", str(src))
    assert result.returncode == 0, result.stderr
    return result


LAYOUT = FIXTURES / "2018-034-layout.txt"


@pytest.mark.parametrize("separator", ["\t\t", "      ", "\u3000\u3000"])
def test_publisher_and_date_on_one_line_and_headings_without_colons(empty_archive, tmp_path, separator):
    src = tmp_path / "34.txt"
    src.write_text(LAYOUT.read_text(encoding="utf-8").replace("\t\t", separator), encoding="utf-8")
    _import(empty_archive, src)
    issue = load(empty_archive / "issues/2018-034/issue.yaml")
    assert issue["publisher"] == "杭州市“最多跑一次”改革专题组办公室" and str(issue["date"]) == "2018-09-28"
    assert issue["distribution"] == {"report_to": "省“最多跑一次”改革办公室，各区、县（市）党政主要领导",
                                     "send_to": "市直各单位，各区、县（市）“最多跑一次”改革专题组办公室"}
    xihu = load(empty_archive / "issues/2018-034/xihu.yaml")
    assert xihu["position"] == 1 and len(xihu["findings"]) == 2
    assert xihu["findings"][0]["text"].startswith("9 月 25 日检查区行政服务中心")
    shangcheng = load(empty_archive / "issues/2018-034/shangcheng.yaml")
    assert shangcheng["position"] == 2 and shangcheng["metrics"]["回访量"] == 1200
    assert "unplaced" not in issue


def test_headings_alone_on_a_line_with_a_space_and_text_after_a_blank_line(empty_archive, tmp_path):
    text = LAYOUT.read_text(encoding="utf-8").replace("1.西湖区\n", "1. 西湖区\n\n").replace("2. 上城区\n", "二、上城区\n")
    src = tmp_path / "34.txt"
    src.write_text(text, encoding="utf-8")
    _import(empty_archive, src)
    assert len(load(empty_archive / "issues/2018-034/xihu.yaml")["findings"]) == 2
    assert load(empty_archive / "issues/2018-034/shangcheng.yaml")["position"] == 2


@pytest.mark.site
def test_the_bulletins_order_is_kept_on_its_page_and_in_the_json(empty_archive):
    _import(empty_archive, LAYOUT)
    site = built(empty_archive)
    page = soup(site / "issues/2018-034/index.html")
    assert [h["id"] for h in page.select("h2.zb-district-title")] == ["xihu", "shangcheng", "xiaoshan"]
    toc = [a.get_text(strip=True) for a in page.select(".md-nav--secondary a")]
    assert toc[:3] == ["西湖区", "上城区", "萧山区"]
    data = json.loads((site / "data/archive.json").read_text(encoding="utf-8"))
    assert [(d["slug"], d["position"]) for d in data["issues"][0]["districts"]] == [
        ("xihu", 1), ("shangcheng", 2), ("xiaoshan", 3)]
    year = soup(site / "archive/2018/index.html").get_text()  # cross-issue pages: registry order
    assert year.index("上城区") < year.index("西湖区") < year.index("萧山区")


def test_adjacent_report_and_send_lines_are_never_merged_and_validate_catches_a_merge(archive, tmp_path):
    edit(archive, I, "  send_to: 市直各单位", "  send_to: 发：市直各单位")
    result = cli(archive, "validate")
    assert result.returncode == 1 and re.search(rf"{I}:\d+:\d+: 错误：“发”一栏中出现了“发：”", result.stderr)


def test_every_line_the_importer_cannot_place_is_a_warning_with_its_line(empty_archive, tmp_path):
    lines = LAYOUT.read_text(encoding="utf-8").split("\n")
    lines.insert(4, "（此件公开发布前请核对）")
    src = tmp_path / "34.txt"
    src.write_text("\n".join(lines), encoding="utf-8")
    result = _import(empty_archive, src)
    assert re.search(r"第 5 行：这段文字无法归入任何区县或报头.*（此件公开发布前请核对）", result.stderr), result.stderr


def test_a_refusal_shows_the_accepted_layout(empty_archive, tmp_path):
    src = tmp_path / "notes.txt"
    src.write_text("会议纪要：下周讨论窗口排队问题。\n", encoding="utf-8")
    result = cli(empty_archive, "import", str(src))
    assert result.returncode == 1
    assert "可以导入的格式" in result.stderr and "1. 上城区：" in result.stderr and "报：" in result.stderr
    assert "未写入任何文件" in result.stderr


# --- The repository is self-contained ------------------------------------------------------------

def test_fixtures_live_in_the_repository():
    import conftest
    repo = conftest.REPO.resolve()
    for path in (conftest.SAMPLE_TXT, conftest.FIXTURES, conftest.SAMPLE):
        assert path.resolve().is_relative_to(repo) and path.exists(), path
    for path in Path(__file__).parent.glob("*.py"):
        if path.name != Path(__file__).name:
            assert "shared/" not in path.read_text(encoding="utf-8"), path.name


# --- The command speaks Chinese -------------------------------------------------------------------

ENGLISH = re.compile(r"\b(Usage|Options|Commands|Error|Show this|No such|Missing|Invalid|Try|Aborted)\b")


@pytest.mark.parametrize("args", [["--help"], ["nosuch"], ["synth"], ["synth", "--issues", "x"],
                                  ["fmt", "--bogus"], ["validate", "--help"], ["diff", "a", "b", "c"]])
@pytest.mark.slow
def test_usage_errors_and_help_are_in_chinese(archive, args):
    result = cli(archive, *args)
    out = result.stdout + result.stderr
    assert not ENGLISH.search(out), out
    assert re.search(r"[\u4e00-\u9fff]", out)


@pytest.mark.site
def test_build_prints_no_english_banner_and_no_link_out(archive):
    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    result = subprocess.run([str(BIN / "bulletins"), "build"], cwd=archive, capture_output=True,
                            text=True, timeout=300, env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-2000:]
    assert "http" not in out and "Material" not in out and "Documentation built" not in out
    assert "站点已生成" in out and (archive / "site/index.html").exists()


def test_serve_shows_data_errors_in_the_page_and_drafts_with_a_banner(archive, tmp_path):
    assert cli(archive, "new").returncode == 0
    log = tmp_path / "serve.log"
    with serving(archive, log) as url:
        assert until(lambda: fetch(url)[0] == 200), log.read_text(encoding="utf-8")
        home = fetch(url)[1]
        assert "草稿（只在本机预览中可见）" in home and "issues/2018-034/" in home
        assert "zb-draft-banner" in fetch(url + "issues/2018-034/")[1]
        assert "2018-034" not in fetch(url + "data/archive.json")[1]
        edit(archive, "issues/2018-033/gongshu.yaml", "district: 拱墅区", "district: 拱墅去")
        assert until(lambda: "数据有错误，预览未更新" in fetch(url)[1]), log.read_text(encoding="utf-8")
        assert "gongshu.yaml:1:" in fetch(url)[1]
        status, body = fetch(url + "issues/2018-033/")
        assert "数据有错误，预览未更新" in body
        edit(archive, "issues/2018-033/gongshu.yaml", "district: 拱墅去", "district: 拱墅区")
        assert until(lambda: "数据有错误" not in fetch(url)[1] and fetch(url + "issues/2018-033/")[0] == 200)
        text = log.read_text(encoding="utf-8")
        assert "Material for MkDocs" not in text and "Serving on" not in text and "预览地址" in text
