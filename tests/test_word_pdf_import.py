"""Word files, PDFs and the back catalogue: what offices really send comes in whole.

The Word files are written here as Word writes them (styles, automatic numbering, tables, tracked
changes, fields, content controls, text boxes, hidden text, comments, notes); the PDF is the
site's own printed page of the sample, printed by Chromium; the .doc goes through LibreOffice.
Each must give exactly the data it came from, and every character is accounted for.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import FIXTURES, REPO, SAMPLE, SAMPLE_TXT, cli, make_archive
from wordfiles import WordBulletin, masthead, run_xml, sample_as_word

_yaml = YAML(typ="safe")


def load(path: Path) -> dict:
    return _yaml.load(path.read_text(encoding="utf-8"))


def committed() -> tuple[dict, list[dict]]:
    issue = load(SAMPLE / "issue.yaml")
    districts = sorted((load(p) for p in SAMPLE.glob("*.yaml") if p.name != "issue.yaml"), key=lambda d: d["position"])
    return issue, districts


def units() -> dict[str, str]:
    return {m["name"]: m["unit"] for m in load(REPO / "issues/registry/metrics.yaml")["metrics"]}


def written(root: Path, folder: str = "2018-033") -> tuple[dict, dict[str, dict]]:
    base = root / "issues" / folder
    return load(base / "issue.yaml"), {p.stem: load(p) for p in base.glob("*.yaml") if p.name != "issue.yaml"}


def assert_same_as_committed(root: Path) -> None:
    """Districts in printed order, every finding's text, metrics and 报/发 exactly as committed."""
    issue, districts = committed()
    got_issue, got = written(root)
    assert [d["district"] for d in sorted(got.values(), key=lambda d: d["position"])] == [d["district"] for d in districts]
    for data in districts:
        mine = next(d for d in got.values() if d["district"] == data["district"])
        assert [f["text"] for f in mine.get("findings", [])] == [f["text"] for f in data["findings"]], data["district"]
        assert mine.get("metrics") == data.get("metrics"), data["district"]
    assert got_issue["distribution"] == issue["distribution"]
    for key in ("number", "date", "series", "publisher", "report", "period", "intro"):
        assert got_issue[key] == issue[key], key
    assert "unplaced" not in got_issue


def imported(root: Path, src: Path, *extra: str) -> subprocess.CompletedProcess:
    result = cli(root, "import", "--publish", str(src), *extra)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


# --- Word as written -------------------------------------------------------------------------------

def test_word_with_heading_styles_automatic_numbering_tables_and_tracked_changes(empty_archive, tmp_path):
    """标题 2 district names numbered by Word, ①② by the list, metrics and 版记 as tables: exactly the data."""
    issue, districts = committed()
    src = sample_as_word(issue, districts, units(), tmp_path / "第33期.docx")
    result = imported(empty_archive, src)
    assert_same_as_committed(empty_archive)
    assert "修订痕迹" in result.stderr and "接受全部修订" in result.stderr
    assert re.search(r"原文 [\d,]+ 字：已归入 [\d,]+ 字，未归入 0 字", result.stdout)
    jianggan = load(empty_archive / "issues/2018-033/jianggan.yaml")["findings"][1]["text"]
    assert "下月" not in jianggan and jianggan.endswith("近期将投入使用。")  # the deletion is gone, the insertion kept


def _doc_with(body) -> WordBulletin:
    w = WordBulletin()
    masthead(w, {"series": "“最多跑一次”改革专报", "number": 40, "publisher": "杭州市“最多跑一次”改革专题组办公室",
                 "date": __import__("datetime").date(2018, 11, 9), "report": {"title": "“最多跑一次”改革各区、县(市)和管委会自查情况通报"}})
    body(w)
    w.table([["报", "省“最多跑一次”改革办公室"], ["发", "市直各单位"], ["抄送", "市委办公厅"]])
    w.para("杭州市“最多跑一次”改革专题组办公室　　2018 年 11 月 9 日印发")
    return w


def test_everything_word_shows_is_read_and_what_it_hides_is_not(empty_archive, tmp_path):
    def body(w: WordBulletin) -> None:
        w.district("上城区")
        p = w.numbered()
        w.xml_runs(p, run_xml("区行政服务中心")
                   + '<w:hyperlink r:id="rIdX"><w:r><w:t>办事指南页面</w:t></w:r></w:hyperlink>'
                   + '<w:fldSimple w:instr=" DATE "><w:r><w:t>11月8日</w:t></w:r></w:fldSimple>'
                   + '<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>仍未更新</w:t></w:r></w:sdtContent></w:sdt>'
                   + '<w:smartTag w:uri="urn:x" w:element="place"><w:r><w:t>，已督促</w:t></w:r></w:smartTag>'
                   + run_xml("（编辑备注：待核实）", "<w:vanish/>")
                   + '<w:moveFrom w:id="7" w:author="a"><w:r><w:t>挪走的旧位置</w:t></w:r></w:moveFrom>'
                   + '<w:moveTo w:id="8" w:author="a"><w:r><w:t>整改。</w:t></w:r></w:moveTo>')
        q = w.numbered()
        w.xml_runs(q, run_xml("自助机故障，已报修。")
                   + '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline><a:graphic><a:graphicData>'
                     '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框里的说明。</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>'
                     '</a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
                     '<w:txbxContent><w:p><w:r><w:t>文本框里的说明。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
                     '</mc:Fallback></mc:AlternateContent></w:r>')
        w.footnote(q, "此条据群众来电。")
        w.doc.add_comment(q.runs[0] if q.runs else w.para("x").runs[0], text="请核对故障日期", author="李编辑")
        w.table([["西湖区", "窗口人员离岗未放置暂停服务牌，已通报。"], ["萧山区", "本期未发现问题。"]])
    src = _doc_with(body).save(tmp_path / "第40期.docx")
    result = imported(empty_archive, src)
    issue, got = written(empty_archive, "2018-040")
    first, second = (f["text"] for f in got["shangcheng"]["findings"])
    assert first == "区行政服务中心办事指南页面11月8日仍未更新，已督促整改。"
    assert "待核实" not in first and "挪走" not in first and "隐藏文字" in result.stderr
    everything = " ".join([f["text"] for d in got.values() for f in d.get("findings", [])]
                          + [d.get("summary", "") for d in got.values()] + issue.get("unplaced", []))
    assert everything.count("文本框里的说明。") == 1, "a text box is read once, though Word stores it twice"
    assert second.startswith("自助机故障，已报修。") and "文本框" in result.stderr
    assert got["xihu"]["findings"][0]["text"] == "窗口人员离岗未放置暂停服务牌，已通报。"  # a district inside a table
    assert got["xiaoshan"].get("findings", []) == [] and got["xiaoshan"]["summary"] == "本期未发现问题。"
    assert issue["distribution"] == {"report_to": "省“最多跑一次”改革办公室", "send_to": "市直各单位",
                                     "copy_to": "市委办公厅", "printed": "杭州市“最多跑一次”改革专题组办公室　　2018 年 11 月 9 日印发"}
    assert "此条据群众来电。" in issue["unplaced"] and "请核对故障日期" in issue["unplaced"]
    assert "脚注" in result.stderr and "批注" in result.stderr
    assert cli(empty_archive, "validate").returncode == 0


def test_metrics_tables_read_printed_numbers_and_other_tables_are_kept(empty_archive, tmp_path):
    def body(w: WordBulletin) -> None:
        w.district("拱墅区")
        w.para("本周对办事群众进行电话回访。")
        w.table([["回访量（件）", "未接通", "满意（件）", "满意率(%)", "备注"], ["7,032", "1 588件", "5,301", "97.30%", "含短信"]])
        w.district("滨江区")
        w.table([["窗口", "等候时间"], ["社保", "40 分钟"]])
        w.para("社保窗口等候时间长，已增开窗口。")
    src = _doc_with(body).save(tmp_path / "b.docx")
    result = imported(empty_archive, src)
    _, got = written(empty_archive, "2018-040")
    assert got["gongshu"]["metrics"] == {"回访量": 7032, "未接通": 1588, "满意": 5301, "满意率": 97.3}
    assert "备注：含短信" in got["gongshu"]["summary"] and "不是指标的栏目" in result.stderr
    assert "窗口，等候时间；社保，40 分钟。" in got["binjiang"]["summary"] and "不是指标表" in result.stderr
    assert got["binjiang"]["findings"][0]["text"] == "社保窗口等候时间长，已增开窗口。"


def test_district_names_in_any_style_with_or_without_typed_numbers(empty_archive, tmp_path):
    def body(w: WordBulletin) -> None:
        w.para("上城区", style="Heading 3")             # a heading style, no number
        w.para("（一）窗口人员离岗。（二）自助机故障。")
        w.para("2. 下城区")                             # typed number, body style
        w.para("1. 引导标识不清。")
        w.para("2. 母婴室未开放。")
        w.para("西湖区：大厅秩序良好，未发现问题。")   # name and colon, no number
    src = _doc_with(body).save(tmp_path / "c.docx")
    imported(empty_archive, src)
    _, got = written(empty_archive, "2018-040")
    assert [f["text"] for f in got["shangcheng"]["findings"]] == ["窗口人员离岗。", "自助机故障。"]
    assert [f["text"] for f in got["xiacheng"]["findings"]] == ["引导标识不清。", "母婴室未开放。"]
    assert [f["text"] for f in got["xihu"]["findings"]] == ["大厅秩序良好，未发现问题。"]
    assert [d["position"] for d in (got["shangcheng"], got["xiacheng"], got["xihu"])] == [1, 2, 3]


# --- PDF and older formats -------------------------------------------------------------------------

HEAD = '<div style="font-size:9pt;width:100%;text-align:center">内部资料 注意保存</div>'
FOOT = '<div style="font-size:9pt;width:100%;text-align:center">第 <span class="pageNumber"></span> 页</div>'


@pytest.mark.browser
@pytest.mark.parametrize("heads", [False, True], ids=["as printed", "with running heads and page numbers"])
def test_the_sites_own_printed_pdf_imports_back_exactly(sample_site, browser, tmp_path, heads):
    from zbtools.localweb import serve
    pdf = tmp_path / "第33期.pdf"
    with serve(sample_site) as url:
        context = browser.new_context(locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        page.goto(url + "issues/2018-033/")
        if heads:  # a running head and 第 N 页 in the margins of every page, as office printers add them
            page.pdf(path=str(pdf), print_background=True, display_header_footer=True, header_template=HEAD,
                     footer_template=FOOT, margin={"top": "37mm", "bottom": "35mm", "left": "28mm", "right": "26mm"})
        else:
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        context.close()
    (tmp_path / "a").mkdir()
    root = make_archive(tmp_path / "a", with_sample=False)
    result = imported(root, pdf)
    assert_same_as_committed(root)
    assert re.search(r"页码、页眉和计算值 \d+ 字不属正文", result.stdout)
    assert "未归入 0 字" in result.stdout
    assert "内部资料" not in (root / "issues/2018-033/issue.yaml").read_text(encoding="utf-8")


def _soffice_or_skip() -> str:
    found = shutil.which("soffice")
    if not found and not os.environ.get("CI"):
        pytest.skip("LibreOffice not installed here (scripts/setup --test installs it; CI has it)")
    assert found, "CI must have LibreOffice: scripts/setup --test installs libreoffice-writer-nogui"
    return found


@pytest.mark.slow
def test_doc_through_libreoffice_gives_the_same_data(empty_archive, tmp_path):
    soffice = _soffice_or_skip()
    issue, districts = committed()
    docx_file = sample_as_word(issue, districts, units(), tmp_path / "sample.docx")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path / "doc"), str(docx_file)], check=True, capture_output=True, timeout=180)
    src = tmp_path / "doc" / "sample.doc"
    assert src.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 Word 97 file, not a renamed .docx
    imported(empty_archive, src)
    assert_same_as_committed(empty_archive)


def test_doc_without_libreoffice_says_how_to_install_and_writes_nothing(empty_archive, tmp_path):
    src = tmp_path / "old.doc"
    src.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    env_bin = tmp_path / "bin"
    env_bin.mkdir()
    result = subprocess.run([str(Path(os.sys.executable).parent / "bulletins"), "import", str(src)], cwd=empty_archive,
                            capture_output=True, text=True, env={**os.environ, "PATH": str(env_bin)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "apt-get install libreoffice-writer-nogui" in result.stderr and "未写入任何文件" in result.stderr
    assert not [p for p in (empty_archive / "issues").iterdir() if p.name != "registry"]


def _pdf_without_text(path: Path) -> Path:
    """A one-page PDF that draws a grey box and has no text layer, as a scanner's output has none."""
    content = b"0.5 g 100 100 300 500 re f"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def test_a_scan_without_text_is_refused_in_chinese(empty_archive, tmp_path):
    result = cli(empty_archive, "import", str(_pdf_without_text(tmp_path / "扫描件.pdf")))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "扫描件" in result.stderr and "OCR" in result.stderr and "未写入任何文件" in result.stderr


# --- the back catalogue ----------------------------------------------------------------------------

def test_a_folder_of_files_imports_each_and_refuses_each_bad_one_alone(empty_archive, tmp_path):
    folder = tmp_path / "往期"
    (folder / "2019").mkdir(parents=True)
    issue, districts = committed()
    sample_as_word(issue, districts, units(), folder / "第33期.docx")
    shutil.copy(FIXTURES / "2019-010-yi.txt", folder / "2019" / "第10期.txt")
    (folder / "2019" / "坏文件.docx").write_bytes(b"PK\x03\x04 not a zip")
    shutil.copy(FIXTURES / "2020-021-paren.md", folder / "第21期.md")
    (folder / "说明.xlsx").write_bytes(b"ignored: not a bulletin format")
    dry = cli(empty_archive, "import", "--dry-run", str(folder))
    assert dry.returncode == 1 and "将写入" in dry.stdout
    assert sorted(p.name for p in (empty_archive / "issues").iterdir()) == ["registry"]
    result = cli(empty_archive, "import", str(folder))
    assert result.returncode == 1, "a refused file is reported in the exit code"
    assert sorted(p.name for p in (empty_archive / "issues").iterdir()) == ["2018-033", "2019-010", "2020-021", "registry"]
    table = result.stdout[result.stdout.index("文件"):]
    assert re.search(r"“第33期\.docx”\s+2018-033\s+16\s+44\s+\d+\s+已写入（草稿）", table)
    assert re.search(r"“坏文件\.docx”\s+—.*未导入：.*Word 文件已损坏", table)
    assert "说明.xlsx" not in table
    assert_same_as_committed(empty_archive)


def test_an_import_is_a_draft_unless_published(empty_archive):
    result = cli(empty_archive, "import", str(SAMPLE_TXT))
    assert result.returncode == 0
    assert load(empty_archive / "issues/2018-033/issue.yaml")["draft"] is True
    assert "草稿" in result.stdout and "draft: true" in result.stdout


# --- nothing dropped, counted ----------------------------------------------------------------------

def _pieces(text: str) -> list[str]:
    """The test's own cut of a source text: at sentence ends, colons, tabs and numbering marks."""
    text = re.sub(r"\*\*|^#+|^---$", "", text, flags=re.M)
    out = []
    for piece in re.split(r"[。；;！？:：\n\t]|[①-⑳]|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]", text):
        piece = re.sub(r"^\s*(?:\d{1,2}\s*[.．、](?!\d)|[一二三四五六七八九十]{1,3}、)", "", piece)
        piece = re.sub(r"^\s*(报|发|抄送)\s*$", "", piece)
        piece = re.sub(r"\W+", "", piece)
        if piece:
            out.append(piece)
    return out


def _data_text(root: Path, folder: str) -> str:
    texts = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                texts.append(str(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            texts.append(str(value))
            if hasattr(value, "year"):
                texts.append(f"{value.year}年{value.month}月{value.day}日")
    for path in sorted((root / "issues" / folder).glob("*.yaml")):
        walk(load(path))
    data = load(root / "issues" / folder / "issue.yaml")
    texts.append(f"第{data['number']}期")
    from bulletins.data.registry import load_registry
    registry, _ = load_registry(root)
    texts += [a for d in registry.districts for a in d.aliases]
    return re.sub(r"\W+", "", "\n".join(texts))


@pytest.mark.parametrize("name", ["2018-033.txt", "2018-034-layout.txt", "2018-034-followup.txt", "2019-010-yi.txt",
                                  "2020-021-paren.md", "word"])
def test_every_character_of_the_source_is_in_the_written_data(empty_archive, tmp_path, name):
    if name == "word":
        issue, districts = committed()
        src = sample_as_word(issue, districts, units(), tmp_path / "s.docx", tracked=False)
        from bulletins.importer import readers
        source = "\n".join(b.shown if not b.is_table else "\n".join("\t".join(r) for r in b.rows)
                           for b in readers.read(src).blocks)
        source = re.sub(r"(?<=\d),(?=\d{3})|（[件条%人次份个]+）", "", source)
    else:
        src = FIXTURES / name
        source = src.read_text(encoding="utf-8")
    result = imported(empty_archive, src)
    folder = re.search(r"issues/(\d{4}-\d{3})/", result.stdout).group(1)
    data = _data_text(empty_archive, folder)
    missing = [p for p in _pieces(source) if p not in data]
    assert not missing, missing
    assert re.search(r"原文 [\d,]+ 字：已归入 [\d,]+ 字，未归入 [\d,]+ 字", result.stdout)
    assert "不知去向" not in result.stdout


# --- no problems found -----------------------------------------------------------------------------

@pytest.mark.parametrize("words", ["本期未发现问题。", "未发现问题", "暂未发现问题。", "无"])
def test_no_problems_found_is_a_summary_and_a_valid_district(empty_archive, tmp_path, words):
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    text = re.sub(r"(\*\*1\. 上城区:\*\*|1\. 上城区:).*?\n\n(?=\*\*2\.)", f"1. 上城区:{words}\n\n", text, flags=re.S)
    src = tmp_path / "none.txt"
    src.write_text(text, encoding="utf-8")
    imported(empty_archive, src)
    data = load(empty_archive / "issues/2018-033/shangcheng.yaml")
    assert data["summary"] == words and data.get("findings", []) == []
    assert cli(empty_archive, "validate").returncode == 0


def test_a_published_district_with_only_a_summary_needs_no_findings_key(archive):
    (archive / "issues/2018-033/gongshu.yaml").write_text("district: 拱墅区\nposition: 4\nsummary: 本期未发现问题。\n",
                                                          encoding="utf-8")
    result = cli(archive, "validate")
    assert result.returncode == 0, result.stderr
    (archive / "issues/2018-033/gongshu.yaml").write_text("district: 拱墅区\nposition: 4\n", encoding="utf-8")
    result = cli(archive, "validate")
    assert result.returncode == 1 and "summary: 本期未发现问题" in result.stderr
