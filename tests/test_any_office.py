"""Any office's archive: a second city starts its own, imports its mastheads, and meets none of the
sample city's words in its site or its messages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bulletins.data.registry import load_registry
from bulletins.importer import importer
from bulletins.importer.paragraphs import masthead_number
from bulletins.web import guidewords
from conftest import BIN, REPO, cli, make_archive, mkdocs_build, soup

NINGBO = """# 宁波市各区县（市），一行一个：名称在前，别名在后
海曙区 海曙
江北区 江北
北仑区 北仑
镇海区 镇海
鄞州区 鄞州
奉化区 奉化
余姚市 余姚
慈溪市 慈溪
宁海县 宁海
象山县 象山
宁波国家高新区 高新区
前湾新区 前湾
"""
TITLE, OFFICE = "12345政务服务热线专报", "宁波市12345政务服务热线管理办公室"


def sample_words() -> set[str]:
    """Every district name, alias and slug of the sample city, and the sample's own wording."""
    registry, _ = load_registry(REPO)
    words = {"杭州", "最多跑一次", "各区、县（市）和管委会", "各区、县(市)和管委会", "市民卡"}
    for d in registry.districts:
        words |= {d.name, d.slug, *[a for a in d.aliases if len(a) >= 2]}
    return words - set(NINGBO.split())  # 高新区 is both cities' alias


def init(tmp_path: Path, name: str = "nb") -> Path:
    listing = tmp_path / "districts.txt"
    listing.write_text(NINGBO, encoding="utf-8")
    done = subprocess.run([str(BIN / "bulletins"), "init", name, "--title", TITLE, "--office", OFFICE,
                           "--districts", str(listing)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "已新建归档" in done.stdout
    return tmp_path / name


@pytest.mark.site
def test_init_makes_an_archive_of_its_own_that_builds_at_once(tmp_path):
    root = init(tmp_path)
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
    assert "mkdocs.yml" in tracked and "issues/registry/districts.yaml" in tracked and "hooks/archive.py" in tracked
    assert not (root / "theme_overrides").exists() and not (root / "docs" / "guide.md").exists()
    hook = (root / "hooks" / "archive.py").read_text(encoding="utf-8")
    assert "from bulletins.hook import" in hook and len(hook.splitlines()) < 12  # thin: the package does the work
    districts = (root / "issues/registry/districts.yaml").read_text(encoding="utf-8")
    for slug, kind in (("haishu", "区"), ("yuyao", "县级市"), ("ninghai", "县"), ("qianwan", "管委会")):
        assert f"slug: {slug}" in districts
    assert "kind: 县级市" in districts and "kind: 管委会" in districts
    assert cli(root, "validate").returncode == 0
    built = cli(root, "build")
    assert built.returncode == 0, built.stderr
    home = soup(root / "site" / "index.html").get_text()
    assert "归档中还没有通报" in home and TITLE in home
    search = soup(root / "site" / "search" / "index.html").get_text()
    assert "海曙区" in search and "haishu" in search  # the search help's examples are this city's
    guide = (root / "site" / "guide" / "index.html").read_text(encoding="utf-8")
    assert "海曙区" in guide and "[[区县" not in guide


@pytest.mark.site
def test_nothing_of_the_sample_city_in_another_citys_site_or_messages(tmp_path):
    root = init(tmp_path)
    bulletin = tmp_path / "第13期.txt"
    bulletin.write_text(f"""{TITLE}
2024年第13期
{OFFICE}        2024 年 3 月 29 日
各地工单办理情况通报
3 月 22 日—3 月 28 日，各地热线工单办理情况如下：
1. 海曙区：部分老旧小区加装电梯诉求集中，回复不及时。
2. 鄞州区：①供水抢修工单超时。②停车收费投诉较多。
报：市政府办公厅
发：各区县（市）热线办
""", encoding="utf-8")
    messages = []
    for args in (("import", "--publish", str(bulletin)), ("validate",), ("new",), ("build",)):
        done = cli(root, *args)
        assert done.returncode == 0, (args, done.stderr)
        messages.append(done.stdout + done.stderr)
    bad = tmp_path / "bad.txt"
    bad.write_text("会议纪要：下周讨论。\n", encoding="utf-8")
    refused = cli(root, "import", str(bad))
    assert refused.returncode == 1 and "1. 海曙区：" in refused.stderr
    messages.append(refused.stderr)
    new_issue = next(p for p in (root / "issues").iterdir() if p.name == "2024-014")
    assert "各地热线工单办理情况如下" in (new_issue / "issue.yaml").read_text(encoding="utf-8")
    words = sample_words()
    for text in messages:
        assert not [w for w in words if w in text], text
    for path in (root / "site").rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".js", ".csv", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            found = [w for w in words if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text)]
            assert not found, (path.relative_to(root), found)
    page = soup(root / "site" / "issues" / "2024-013" / "index.html").get_text()
    assert "海曙区" in page and "停车收费投诉较多" in page


@pytest.mark.site
def test_an_archive_whose_issues_are_all_drafts_builds(tmp_path):
    root = make_archive(tmp_path)
    issue = root / "issues" / "2018-033" / "issue.yaml"
    issue.write_text("draft: true\n" + issue.read_text(encoding="utf-8"), encoding="utf-8")
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "归档中还没有通报" in soup(root / "site" / "index.html").get_text()
    assert "not included in the \"nav\"" not in done.stderr  # MkDocs' English notice about the guide


def test_init_refuses_bad_lists_and_leaves_nothing(tmp_path):
    listing = tmp_path / "d.txt"
    listing.write_text("海曙区 海曙\n江北区 海曙\n", encoding="utf-8")
    done = subprocess.run([str(BIN / "bulletins"), "init", "x", "--title", TITLE, "--office", OFFICE,
                           "--districts", str(listing)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"{listing}:2:" in done.stderr and "海曙" in done.stderr and "未写入任何文件" in done.stderr
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob(".init-*"))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a").write_text("x")
    listing.write_text("海曙区\n", encoding="utf-8")
    again = subprocess.run([str(BIN / "bulletins"), "init", "full", "--title", TITLE, "--office", OFFICE,
                            "--districts", str(listing)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "不是空文件夹" in again.stderr


@pytest.mark.parametrize("line, expected", [
    ("第13期", (13, None, None)), ("第 13 期", (13, None, None)), ("2024年第13期", (13, 2024, None)),
    ("2024 年第 13 期", (13, 2024, None)), ("第13期（总第256期）", (13, None, 256)),
    ("〔2024〕第13期", (13, 2024, None)), ("［2024］第13期", (13, 2024, None)), ("第十三期", (13, None, None)),
    ("２０２４年第１３期", (13, 2024, None)), ("第一百零五期（总第一千零五期）", (105, None, 1005)),
    ("（第 2 期）", None), ("第13期 总", None), ("2024年", None),
])
def test_mastheads_as_offices_print_them(line, expected):
    assert masthead_number(line) == expected


@pytest.mark.parametrize("number_line", ["第13期", "2024年第13期", "2024 年第 13 期", "〔2024〕第13期",
                                         "第13期（总第256期）", "第十三期", "２０２４年第１３期"])
def test_an_issue_imports_whatever_its_masthead(number_line):
    registry, _ = load_registry(REPO)
    text = (f"某某专报\n{number_line}\n某某办公室        2024 年 3 月 29 日\n情况通报\n"
            "3 月 22 日—3 月 28 日，各地情况如下：\n1. 上城区：窗口人员离岗。\n报：市政府\n")
    parsed = importer.parse_text(text, registry)
    assert parsed.issue["number"] == 13 and parsed.issue["date"].year == 2024
    assert parsed.issue.get("running") == (256 if "总" in number_line else None)
    assert "unplaced" not in parsed.issue


def guide_example(registry, site_name="专报归档", publisher="某办公室") -> str:
    """The text example of docs/guide.md, as the site shows it to this archive's editors."""
    from bulletins.data.model import Archive

    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    shown = guidewords.fill(guide, guidewords.words(Archive(registry, ()), site_name, publisher))
    block = shown.split("### 可以导入的格式", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    return block


@pytest.mark.parametrize("city", ["sample", "ningbo"])
def test_the_guides_example_imports_as_the_guide_says(city, tmp_path):
    if city == "sample":
        registry, _ = load_registry(REPO)
    else:
        root = init(tmp_path)
        registry, _ = load_registry(root)
    example = guide_example(registry)
    assert "[[" not in example
    parsed = importer.parse_text(example, registry)
    first3 = [d.slug for d in sorted(registry.districts, key=lambda d: d.order)[:3]]
    assert list(parsed.districts) == first3
    assert [len(parsed.districts[s]["findings"]) for s in first3] == [1, 2, 1]
    assert parsed.issue["number"] == 33 and parsed.issue["distribution"] == {"report_to": "上级主管部门",
                                                                              "send_to": "各成员单位"}
    assert "unplaced" not in parsed.issue and parsed.count.unplaced == 0
    assert parsed.districts[first3[0]]["metrics"]["满意率"] == 97.3


def test_text_typed_one_paragraph_per_line_reads_as_typed():
    registry, _ = load_registry(REPO)
    text = ("某某专报\n第 5 期\n某某办公室\n2024 年 3 月 29 日\n情况通报\n3 月 22 日—3 月 28 日，各地情况如下：\n"
            "1. 上城区：窗口人员离岗。\n2. 江干区：自助机故障。\n3. 拱墅区：排队时间长。\n报：市政府\n发：各区\n")
    parsed = importer.parse_text(text, registry)
    assert list(parsed.districts) == ["shangcheng", "jianggan", "gongshu"]
    assert parsed.issue["intro"] == "3 月 22 日—3 月 28 日，各地情况如下："
    assert parsed.count.unplaced == 0


# --- Another city's layouts, as Word, .doc and PDF ---------------------------------------------

import secondcity  # noqa: E402
from bulletins.data import yamlio  # noqa: E402


def second_city(tmp_path: Path) -> Path:
    listing = tmp_path / "districts.txt"
    listing.write_text(secondcity.DISTRICTS, encoding="utf-8")
    done = subprocess.run([str(BIN / "bulletins"), "init", "city", "--title", secondcity.SERIES, "--office",
                           secondcity.OFFICE, "--districts", str(listing)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return tmp_path / "city"


def read_issue(folder: Path) -> dict[str, dict]:
    return {p.name: yamlio.parse_text(p.read_text(encoding="utf-8"), p.name)[0] for p in folder.glob("*.yaml")}


def check_by_district(files: dict[str, dict]) -> None:
    assert files["issue.yaml"]["number"] == 13 and "unplaced" not in files["issue.yaml"]
    got = {d["district"]: d for d in sorted((d for n, d in files.items() if n != "issue.yaml"), key=lambda d: d["position"])}
    assert list(got) == list(secondcity.BY_DISTRICT)  # in the bulletin's order
    for name, (findings, figures) in secondcity.BY_DISTRICT.items():
        assert [f["text"] for f in got[name]["findings"]] == findings, name
        assert got[name]["metrics"] == figures, name
    assert files["issue.yaml"]["distribution"] == {"report_to": "市政府办公厅", "send_to": "各区县（市）热线办"}


def check_by_table(files: dict[str, dict]) -> None:
    issue = files["issue.yaml"]
    assert issue["report"]["title"] == "各地12345工单办理问题通报" and "unplaced" not in issue
    assert issue["distribution"] == {"send_to": "市政府办公厅，各区县（市）政府"}
    got = {d["district"]: d for name, d in files.items() if name != "issue.yaml"}
    for name, findings in secondcity.BY_TABLE.items():
        assert [f["text"] for f in got[name].get("findings") or []] == findings, name
        assert got[name].get("metrics", {}) == secondcity.TABLE_FIGURES.get(name, {}), name
    assert got["江北区"]["summary"] == "本周未发现问题"


def check_by_category(files: dict[str, dict]) -> None:
    issue = files["issue.yaml"]
    assert issue["number"] == 15 and issue["running"] == 258 and "unplaced" not in issue
    parts = files["sections.yaml"]["sections"]
    assert [p["title"] for p in parts] == [t for t, _ in secondcity.BY_CATEGORY] + ["三、各地工单办理情况", "四、下步工作建议"]
    for part, (_, items) in zip(parts, secondcity.BY_CATEGORY):
        assert [(f["text"], f["districts"]) for f in part["findings"]] == items
    assert parts[2].get("figures") is True and "findings" not in parts[3]
    assert parts[3]["text"] == "\n".join(secondcity.ADVICE)  # advice is the bulletin's text, not findings
    got = {d["district"]: d["metrics"] for name, d in files.items() if name not in ("issue.yaml", "sections.yaml")}
    assert got == secondcity.CATEGORY_FIGURES


LAYOUTS = {"by-district": (secondcity.by_district, "2024-013", check_by_district),
           "by-table": (secondcity.by_table, "2024-014", check_by_table),
           "by-category": (secondcity.by_category, "2024-015", check_by_category)}


def import_and_check(root: Path, source: Path, folder: str, check) -> None:
    done = cli(root, "import", "--publish", str(source))
    assert done.returncode == 0, done.stderr
    assert "未归入 0 字" in done.stdout, done.stdout + done.stderr
    check(read_issue(root / "issues" / folder))
    assert cli(root, "validate").returncode == 0
    assert cli(root, "fmt", "--check").returncode == 0


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_another_citys_word_files_import_finding_by_finding(layout, tmp_path):
    make, folder, check = LAYOUTS[layout]
    root = second_city(tmp_path)
    import_and_check(root, make(tmp_path / f"{layout}.docx"), folder, check)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["doc", "pdf"])
def test_another_citys_bulletins_as_doc_and_pdf_import_the_same(kind, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "scripts/setup --test installs LibreOffice (libreoffice-writer-nogui)"
    root = second_city(tmp_path)
    for layout, (make, folder, check) in LAYOUTS.items():
        source = make(tmp_path / f"{layout}.docx")
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", kind,
                        "--outdir", str(tmp_path / kind), str(source)], check=True, capture_output=True, timeout=180)
        import_and_check(root, tmp_path / kind / f"{layout}.{kind}", folder, check)


@pytest.mark.site
def test_a_category_bulletins_finding_is_on_every_district_it_names_and_counted_once(tmp_path):
    root = second_city(tmp_path)
    import_and_check(root, secondcity.by_category(tmp_path / "c.docx"), "2024-015", check_by_category)
    assert cli(root, "build").returncode == 0
    site = root / "site"
    page = soup(site / "issues" / "2024-015" / "index.html")
    parts = [h.get_text(strip=True) for h in page.select("h2.zb-part-title")]
    assert parts == ["一、群众反映集中的问题", "二、部门办理不及时的问题", "三、各地工单办理情况", "四、下步工作建议"]
    shared = page.select_one("section.zb-part li.zb-finding")
    assert [a.get_text() for a in shared.select(".zb-named a")] == ["鄞州区", "海曙区"]
    assert page.select("section.zb-part")[2].select_one("table.zb-metrics--districts")  # printed in its own part
    assert "加强工单督办" in page.select("section.zb-part")[3].get_text()
    for slug in ("yinzhou", "haishu"):
        assert "加装电梯" in soup(site / "districts" / slug / "index.html").get_text()
        assert "加装电梯" in (site / "districts" / slug / "feed.xml").read_text(encoding="utf-8")
    data = json.loads((site / "data" / "archive.json").read_text(encoding="utf-8"))
    issue = data["issues"][0]
    assert [len(s["findings"]) for s in issue["sections"]] == [2, 2, 0, 0]
    import csv
    rows = list(csv.reader((site / "data" / "findings.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    assert len(rows) == 1 + 4  # one row a finding, however many districts it names
    assert ["余姚市\n慈溪市"] == [r[2] for r in rows if "退单率" in r[4]]
    assert "5 条问题" not in soup(site / "archive" / "index.html").get_text()


# --- Fixed on the way -------------------------------------------------------------------------

from conftest import edit, git  # noqa: E402


def test_publish_refuses_an_unnoted_change_to_a_published_issue(repo, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("dest")  # outside the archive
    edit(repo, "issues/2018-033/shangcheng.yaml", "满意: 15604", "满意: 15640")
    done = cli(repo, "publish", str(tmp_path / "pub"), "--site-url", "http://zb.test/")
    assert done.returncode == 1
    assert "没有更正说明" in done.stderr + done.stdout and not (tmp_path / "pub" / "current").exists()
    issue = repo / "issues/2018-033/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "corrections:\n  - date: 2018-09-28\n"
                     "    note: 上城区满意件数按原件更正为 15640 件\n", encoding="utf-8")
    again = cli(repo, "publish", str(tmp_path / "pub"), "--site-url", "http://zb.test/")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "pub" / "current").is_symlink()


def test_import_dry_run_over_an_existing_issue_shows_the_change(archive, tmp_path):
    text = (REPO / "tests" / "fixtures" / "2018-033.txt").read_text(encoding="utf-8").replace("15604", "15640")
    src = tmp_path / "第33期.txt"
    src.write_text(text, encoding="utf-8")
    done = cli(archive, "import", "--dry-run", str(src))
    assert done.returncode == 0, done.stderr
    assert "已存在" in done.stderr and "--force" in done.stderr
    assert "15604" in done.stderr and "15640" in done.stderr  # the figure it would change, as bulletins diff says it
    assert "满意: 15604" in (archive / "issues/2018-033/shangcheng.yaml").read_text(encoding="utf-8")  # nothing written


def test_the_sum_check_names_only_the_terms_the_issue_reports(archive):
    edit(archive, "issues/2018-033/shangcheng.yaml", "  未接通: 3858\n", "")
    done = cli(archive, "validate")
    assert "超过 回访量 = 15729" in done.stderr and "未接通" not in done.stderr.split("超过")[1].split("—")[0]


def test_the_readmes_own_archive_steps_work_as_written(tmp_path):
    """README's "Your own archive", run as a newcomer pastes it (setup is done; serve becomes build)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Your own archive", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    steps = [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    assert len(steps) <= 5
    steps[0] = steps[0].replace("bash scripts/setup && ", "")  # installed already: the test runs in it
    steps[-1] = steps[-1].replace("bulletins serve", "bulletins build")
    secondcity.by_district(tmp_path / "第13期.docx")
    env = dict(os.environ, HOME=str(tmp_path))
    done = subprocess.run(["bash", "-euc", "\n".join(steps)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "未归入 0 字" in done.stdout
    assert (tmp_path / "zhuanbao" / "site" / "index.html").is_file()
    assert (tmp_path / "zhuanbao" / "issues" / "2024-013" / "haishu.yaml").is_file()


def test_an_edit_of_a_category_bulletin_is_one_change_in_the_review(tmp_path):
    root = second_city(tmp_path)
    import_and_check(root, secondcity.by_category(tmp_path / "c.docx"), "2024-015", check_by_category)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "第 15 期")
    edit(root, "issues/2024-015/sections.yaml", "退单率偏高", "退单率明显偏高")
    edit(root, "issues/2024-015/sections.yaml", "districts: [余姚市, 慈溪市]", "districts: [余姚市]")
    lines = cli(root, "diff").stdout.strip().splitlines()
    changes = [line for line in lines if line.startswith("  ") and "警告" not in line]
    assert len(changes) == 2, lines
    assert any("第 2 部分 ② 原文" in c and "明显" in c for c in changes)
    assert any("第 2 部分 ② 区县" in c and "慈溪市" in c for c in changes)
    view = subprocess.run([str(BIN / "bulletins"), "textconv", str(root / "issues/2024-015/sections.yaml")],
                          capture_output=True, text=True).stdout
    assert "第 1 部分 标题：一、群众反映集中的问题" in view and "{" not in view and "[" not in view
    assert cli(root, "fmt", "--check").returncode == 0


@pytest.mark.parametrize("listing, said", [
    ("海曙区\n江北\u200b区\n", ":2: 这一行有看不见的字符"),
    ("海曙区\n" + "某区\n" * 20_000, "超过"),
])
def test_init_refuses_a_list_it_cannot_trust(tmp_path, listing, said):
    path = tmp_path / "d.txt"
    path.write_text(listing, encoding="utf-8")
    done = subprocess.run([str(BIN / "bulletins"), "init", "x", "--title", TITLE, "--office", OFFICE,
                           "--districts", str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and said in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


def test_a_published_issue_with_unplaced_text_is_warned_of(archive):
    issue = archive / "issues/2018-033/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "unplaced:\n  - 区县\n  - 存在问题\n", encoding="utf-8")
    done = cli(archive, "validate")
    assert done.returncode == 0  # a warning: the text is kept, and printed under 其他文字
    assert re.search(r"issue.yaml:\d+:\d+: 警告：有 2 段文字没有归入任何区县（unplaced，如“区县”）", done.stderr)
    issue.write_text("draft: true\n" + issue.read_text(encoding="utf-8"), encoding="utf-8")
    assert "unplaced" not in cli(archive, "validate").stderr  # a draft is still being edited


def test_a_category_finding_is_one_search_record_filtered_by_every_district_it_names(tmp_path):
    from bulletins.search import searchindex
    from bulletins.data.load import load_archive

    root = second_city(tmp_path)
    import_and_check(root, secondcity.by_category(tmp_path / "c.docx"), "2024-015", check_by_category)
    archive, _ = load_archive(root)
    records = searchindex.records(archive)
    assert len(records) == 4  # one a finding, though five district reports list them
    shared = next(r for r in records if "加装电梯" in r.meta["findings"])
    assert shared.filters["区县"] == ["鄞州区", "海曙区"]
    keys = shared.findings[-1][1]
    assert all(k in keys for k in searchindex.key_words(["yinzhou", "haishu"]))  # pinyin of both finds it
