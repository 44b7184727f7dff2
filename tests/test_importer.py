"""The importer: the sample and layouts it has never seen become the same data; nothing is lost."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import COUNTS, FIXTURES, ORDER, SAMPLE_TXT, built, cli, soup



def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "issues").rglob("*")) if p.is_file()}


def imported(root: Path, src: Path, *extra: str) -> Path:
    result = cli(root, "import", "--publish", str(src), *extra)
    assert result.returncode == 0, result.stderr
    folder = re.search(r"issues/(\d{4}-\d{3})/", result.stdout).group(1)
    return root / "issues" / folder


def test_sample_imports_to_sixteen_districts(empty_archive):
    folder = imported(empty_archive, SAMPLE_TXT)
    assert folder.name == "2018-033"
    issue = load(folder / "issue.yaml")
    assert issue["number"] == 33 and str(issue["date"]) == "2018-09-21"
    assert issue["report"]["sequence"] == "第 2 期"
    assert str(issue["period"]["start"]) == "2018-09-14" and str(issue["period"]["end"]) == "2018-09-20"
    assert issue["distribution"]["report_to"].startswith("省“最多跑一次”改革办公室")
    assert "unplaced" not in issue
    assert [len(load(folder / f"{s}.yaml")["findings"]) for s in ORDER] == COUNTS
    assert load(folder / "shangcheng.yaml")["metrics"] == {
        "回访量": 15729, "未接通": 3858, "满意": 15604, "基本满意": 278, "不满意": 66}
    assert load(folder / "binjiang.yaml")["metrics"]["满意率"] == 97.37
    mended = load(folder / "shangcheng.yaml")["findings"][0]["text"]
    assert "基本满意 278 件" in mended  # the page break inside 基本满意 is mended


def test_imported_sample_matches_the_committed_data_text(empty_archive):
    from conftest import SAMPLE
    folder = imported(empty_archive, SAMPLE_TXT)
    for slug in ORDER:
        ours = [f["text"] for f in load(folder / f"{slug}.yaml")["findings"]]
        committed = [f["text"] for f in load(SAMPLE / f"{slug}.yaml")["findings"]]
        assert ours == committed


def test_yi_numbering_paren_findings_aliases_and_page_breaks(empty_archive):
    folder = imported(empty_archive, FIXTURES / "2019-010-yi.txt")
    issue = load(folder / "issue.yaml")
    assert issue["report"]["title"].endswith("自查情况通报") and issue["report"]["sequence"] == "第 11 期"
    assert str(issue["period"]["start"]) == "2019-03-01"
    assert sorted(p.stem for p in folder.glob("*.yaml")) == ["binjiang", "issue", "shangcheng", "tonglu", "xiaoshan"]
    assert load(folder / "binjiang.yaml")["district"] == "高新区（滨江）"
    assert len(load(folder / "shangcheng.yaml")["findings"]) == 2
    assert load(folder / "shangcheng.yaml")["metrics"]["未接通"] == 1204
    xs = load(folder / "xiaoshan.yaml")["findings"]
    assert len(xs) == 3 and "与纸质指南不一致，已责令整改。" in xs[1]["text"]
    assert xs[0]["observed"] == "2019-03-04" and xs[0]["types"] == ["窗口纪律"]


def test_markdown_copy_with_paren_numbers_and_half_width_colons(empty_archive):
    folder = imported(empty_archive, FIXTURES / "2020-021-paren.md")
    xihu = load(folder / "xihu.yaml")["findings"]
    assert len(xihu) == 2 and xihu[0]["observed"] == "2020-05-18 09:30"
    assert load(folder / "yuhang.yaml")["findings"][0]["text"].endswith("加强操作指导。")
    assert len(load(folder / "xihu-fengjingqu.yaml")["findings"]) == 2
    assert load(folder / "issue.yaml")["report"]["sequence"] == "第 20 期"


@pytest.mark.parametrize("encoding,newline", [("gb18030", "\n"), ("utf-8-sig", "\r\n"), ("utf-16", "\r\n")])
def test_encodings_and_line_endings(empty_archive, tmp_path, encoding, newline):
    text = SAMPLE_TXT.read_text(encoding="utf-8").replace("\n", newline)
    src = tmp_path / "bulletin.txt"
    src.write_bytes(text.encode(encoding))
    folder = imported(empty_archive, src)
    assert [len(load(folder / f"{s}.yaml")["findings"]) for s in ORDER] == COUNTS
    assert "母婴室" in load(folder / "jianggan.yaml")["findings"][1]["text"]


def test_word_file_of_the_same_bulletin(empty_archive, tmp_path):
    import docx
    document = docx.Document()
    for para in SAMPLE_TXT.read_text(encoding="utf-8").split("\n\n"):
        p = document.add_paragraph()
        for i, part in enumerate(para.split("**")):
            run = p.add_run(part)
            run.bold = i % 2 == 1
    src = tmp_path / "第33期.docx"
    document.save(src)
    folder = imported(empty_archive, src)
    assert [len(load(folder / f"{s}.yaml")["findings"]) for s in ORDER] == COUNTS
    assert load(folder / "shangcheng.yaml")["metrics"]["满意"] == 15604


@pytest.mark.parametrize("content,message", [
    (None, "不是文本文件"),
    (b"", "文件是空的"),
    ("“最多跑一次”改革专报\n\n第 40 期\n\n2018 年 11 月 9 日\n\n1. 上城区：对 10 月办事群众进行", "不完整"),
    ("随便写的一段话，没有报头。\n", "没有找到任何区县条目"),
    ("第 40 期\n\n2018 年 11 月 9 日\n\n1. 拱墅去：巡察发现问题。\n\n报：省办\n", "未知的区县“拱墅去”"),
])
def test_bad_files_are_refused_and_leave_issues_untouched(archive, tmp_path, content, message):
    src = tmp_path / "input.txt"
    if content is None:
        shutil.copy("/bin/ls", src)
    else:
        src.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = snapshot(archive)
    result = cli(archive, "import", str(src))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert message in result.stderr and "未写入任何文件" in result.stderr
    assert snapshot(archive) == before


def test_unknown_district_says_how_to_add_one(empty_archive, tmp_path):
    src = tmp_path / "x.txt"
    src.write_text("第 40 期\n\n2018 年 11 月 9 日\n\n1. 拱墅去：巡察发现问题。\n\n报：省办\n", encoding="utf-8")
    result = cli(empty_archive, "import", str(src))
    assert "拱墅区" in result.stderr and "issues/registry/districts.yaml" in result.stderr


def test_existing_issue_needs_force(archive):
    before = snapshot(archive)
    result = cli(archive, "import", str(SAMPLE_TXT))
    assert result.returncode != 0 and "--force" in result.stderr
    assert snapshot(archive) == before
    published = cli(archive, "import", "--force", str(SAMPLE_TXT))  # the sample is published: not as a draft
    assert published.returncode == 1 and "--publish" in published.stderr and snapshot(archive) == before
    assert cli(archive, "import", "--force", "--publish", str(SAMPLE_TXT)).returncode == 0


def _sentences(text: str) -> list[str]:
    """Every sentence piece of the source (cut at sentence ends and at blank lines), markers removed."""
    body = re.sub(r"\*\*|^#+|^---$|[（(]\s*第\s*\d+\s*期\s*[）)]", "", text, flags=re.M)
    out = []
    for s in re.split(r"[。；;]|\n\s*\n", body):
        s = re.sub(r"^\s*(?:\d+\s*[.、]|[一二三四五六七八九十]+、)\s*[^:：]{2,20}[:：]", "", s.strip())
        s = re.sub(r"[①-⑳]|[（(]\d{1,2}[）)]|^(报|发)\s*[:：]", "", s)
        s = re.sub(r"\s+", "", s)
        if len(s) >= 2:
            out.append(s)
    return out


@pytest.mark.parametrize("src", [SAMPLE_TXT, FIXTURES / "2019-010-yi.txt", FIXTURES / "2020-021-paren.md"])
@pytest.mark.site
def test_nothing_is_lost_every_sentence_is_on_the_rendered_page(empty_archive, src):
    folder = imported(empty_archive, src)
    site = built(empty_archive)
    page = re.sub(r"\s+", "", soup(site / "issues" / folder.name / "index.html").get_text())
    for sentence in _sentences(src.read_text(encoding="utf-8")):
        assert sentence in page, sentence


def test_new_scaffolds_the_next_issue(archive):
    result = cli(archive, "new")
    assert result.returncode == 0, result.stderr
    folder = archive / "issues" / "2018-034"
    issue = load(folder / "issue.yaml")
    assert issue["number"] == 34 and str(issue["date"]) == "2018-09-28"
    assert str(issue["period"]["start"]) == "2018-09-21" and issue["report"]["sequence"] == "第 3 期"
    assert len(list(folder.glob("*.yaml"))) == 17
    assert load(folder / "gongshu.yaml") == {"district": "拱墅区", "findings": []}
    assert cli(archive, "validate").returncode == 0
