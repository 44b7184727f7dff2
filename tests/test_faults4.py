"""Bad input and faults, round four: each case failed before its fix."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from bulletins.review import diffviews, semdiff
from conftest import BIN, cli, edit, git, repo, until  # noqa: F401  (repo: a fixture)

QUICK_ACTION = re.compile(r"^\s{0,3}/\w+", re.M)  # GitLab runs such a line of a note as a command


def outside_code(note: str) -> str:
    return re.sub(r"```.*?```", "", note, flags=re.S)


# --- 1. A data change never commands the review bot ---------------------------------------------

HOSTILE = "群众反映窗口排队。\n/merge\n/approve\n请 @all 和 @admin 看 http://evil.example/x www.evil.example #12 !3 ~bug"


def test_a_finding_cannot_start_a_line_mention_anyone_or_link_in_the_merge_request_note(repo):
    base = git(repo, "rev-parse", "HEAD").strip()
    path = repo / "issues/2018-033/jianggan.yaml"
    text = path.read_text(encoding="utf-8")
    quoted = HOSTILE.replace("\n", "\\n")
    path.write_text(text + f'  - text: "{quoted}"\n  - text: 另一条。\n', encoding="utf-8")
    assert cli(repo, "validate").returncode == 0  # the data is valid: it is the note that must be safe
    note = cli(repo, "diff", "--markdown", base).stdout
    assert "排队" in note and "↵" in note
    body = outside_code(note)
    assert not QUICK_ACTION.search(body), [line for line in body.splitlines() if QUICK_ACTION.match(line)]
    assert "@" not in body and "http://" not in body and "www." not in body
    for ref in ("#12", "!3", "~bug"):
        assert ref not in body.replace("\\", "")
    html = BeautifulSoup(markdown.markdown(note), "html.parser")
    assert not html.find_all("a") and "＠all" in html.get_text()


def test_a_note_too_long_for_gitlab_becomes_a_summary_and_points_to_the_attachments():
    change = semdiff.Change("江干区", "① 原文", "甲" * 600, "乙" * 600, long=True)
    sections = [semdiff.Section(f"2018-{n:03d}", f"2018-{n:03d}：", [change] * 20) for n in range(1, 200)]
    full = diffviews.markdown(sections, "HEAD → 工作区")
    assert len(full) > 100_000
    note = diffviews.markdown(sections, "HEAD → 工作区", limit=100_000)
    assert len(note) <= 100_000 and "review.md" in note and "太长" in note
    assert diffviews.markdown(sections[:1], "t", limit=100_000) == diffviews.markdown(sections[:1], "t")


def test_a_branch_name_never_runs_in_the_gitea_job(repo, tmp_path):
    from test_review_ci import gitea_steps, run_steps

    marker = tmp_path / "PWNED"
    branch = f"main$(touch${{IFS}}{marker})"
    values = {"github.base_ref": branch, "github.token": "t", "github.server_url": "http://127.0.0.1:9",
              "github.repository": "o/a", "github.event.pull_request.number": "1"}
    run_steps(repo, gitea_steps(values), {})
    assert not marker.exists()
    job = (Path(__file__).resolve().parents[1] / "deploy/ci/gitea-actions.yml").read_text(encoding="utf-8")
    for step in re.findall(r"run: \|\n((?:          .*\n)+)", job):
        assert "${{" not in step, step  # expressions reach a script only through env:


# --- 2. A rollback never serves an unchecked release; 12. DEST outside the archive ------------

from bulletins.publish import publish as publishing  # noqa: E402
from conftest import make_archive  # noqa: E402


def _publish(root: Path, dest: Path, *extra: str) -> subprocess.CompletedProcess:
    return cli(root, "publish", str(dest), "--site-url", "http://zb.intranet/z/", *extra)


@pytest.mark.site
def test_a_release_a_stopped_publish_left_is_never_rolled_back_to(tmp_path):
    (tmp_path / "src").mkdir()
    root = make_archive(tmp_path / "src")
    dest = tmp_path / "dest"
    assert _publish(root, dest).returncode == 0
    first = os.readlink(dest / "current").split("/")[-1]
    # a publish stopped during the link check (Ctrl-C, kill -9): a whole release, never checked
    stopped = dest / "releases" / (first[:15] + "-9999999-dirty")
    shutil.copytree(dest / "releases" / first, stopped)
    (stopped / publishing.CHECKED).unlink()
    (stopped / "index.html").write_text("<p>编辑中途停下的数字</p>")
    done = _publish(root, dest)
    assert done.returncode == 0 and "删除未完成的版本" in done.stdout and not stopped.exists()
    back = _publish(root, dest, "--rollback")
    assert back.returncode == 0 and os.readlink(dest / "current") == f"releases/{first}"
    assert "提交 " in back.stdout and "生成" in back.stdout


def test_only_a_checked_release_is_a_rollback_target(tmp_path):
    dest = tmp_path / "dest"
    for name, checked in (("20240101-000000-aaaaaaa", True), ("20240102-000000-bbbbbbb-dirty", False),
                          ("20240103-000000-ccccccc", True)):
        (dest / "releases" / name).mkdir(parents=True)
        if checked:
            publishing.mark_checked(dest / "releases" / name, {"commit": name[16:23], "built": "2024-01-01 00:00:00"})
    publishing.switch(dest, "20240103-000000-ccccccc")
    said: list[str] = []
    assert publishing.rollback(dest, said.append) == "20240101-000000-aaaaaaa"
    assert "提交 aaaaaaa，2024-01-01 00:00:00 生成" in said[0]


def test_publishes_in_the_same_second_get_names_of_their_own():
    import datetime as dt
    now = dt.datetime(2024, 1, 1, 9, 0, 0)
    taken: set[str] = set()
    for _ in range(3):
        taken.add(publishing.release_id(Path(tempfile.mkdtemp()), now, taken))
    assert len(taken) == 3 and all(publishing._RELEASE.match(n) for n in taken)
    assert sorted(taken) == ["20240101-090000-nogit", "20240101-090000-nogit-02", "20240101-090000-nogit-03"]


@pytest.mark.parametrize("inside", ["issues/pub", "site/pub", "."])
@pytest.mark.site
def test_publish_into_the_archive_is_refused_before_anything_is_written(archive, inside):
    before = sorted(str(p) for p in archive.rglob("*"))
    done = _publish(archive, archive / inside)
    assert done.returncode == 1 and "在归档" in done.stderr and "Traceback" not in done.stderr
    assert sorted(str(p) for p in archive.rglob("*")) == before
    assert cli(archive, "validate").returncode == 0


# --- 13. File names never forge a line; an import never turns a published issue into a draft ---

SAMPLE_TXT = Path(__file__).parent / "fixtures" / "2018-033.txt"


def test_a_file_name_with_a_line_break_cannot_forge_a_line_of_the_output(archive, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a\n错误：全部导入失败.txt").write_text("会议纪要。\n", encoding="utf-8")
    (folder / "b.txt").write_text("会议纪要。\n", encoding="utf-8")
    done = cli(archive, "import", "--dry-run", str(folder))
    lines = (done.stdout + done.stderr).splitlines()
    assert not any(line.startswith("错误：全部导入失败") for line in lines)
    assert any("a\\x0a错误：全部导入失败.txt" in line for line in lines)
    table = [line for line in done.stdout.splitlines() if "未导入" in line]
    assert len(table) == 2  # one row a file: the summary table is whole


def test_a_file_named_like_an_option_cannot_turn_a_published_issue_into_a_draft(archive, tmp_path):
    shutil.copy(SAMPLE_TXT, tmp_path / "--force")
    shutil.copy(SAMPLE_TXT, tmp_path / "第33期.txt")
    # `bulletins import *` where a file is named `--force`: the shell hands the command exactly this
    done = subprocess.run([str(BIN / "bulletins"), "import", "--force", str(tmp_path / "第33期.txt")], cwd=archive,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "已发布" in done.stderr and "--publish" in done.stderr
    assert "draft" not in (archive / "issues/2018-033/issue.yaml").read_text(encoding="utf-8")
    again = cli(archive, "import", "--force", "--publish", str(tmp_path / "第33期.txt"))
    assert again.returncode == 0, again.stderr
    assert "draft" not in (archive / "issues/2018-033/issue.yaml").read_text(encoding="utf-8")


# --- 9. A PDF of page numbers only, or of a table only; 10. what validate refuses is not written ---


def pdf_bytes(objs: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog), with its cross-reference table, written by hand."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def one_page(content: bytes, xobjects: bytes = b"") -> list[bytes]:
    """Catalog, pages, a page drawing `content` in Helvetica (F1), its stream and its font."""
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> " + xobjects + b" >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]


def tiny_pdf(path: Path, texts: list[tuple[float, float, str]], rules: list[tuple[float, float, float, float]] = ()) -> Path:
    """A one-page PDF in Helvetica (ASCII text at x, y) with ruled lines."""
    ops = ["BT /F1 12 Tf"] + [f"1 0 0 1 {x} {y} Tm ({t}) Tj" for x, y, t in texts] + ["ET"]
    ops += [f"{x0} {y0} m {x1} {y1} l S" for x0, y0, x1, y1 in rules]
    path.write_bytes(pdf_bytes(one_page("\n".join(ops).encode())))
    return path


def test_a_pdf_of_page_numbers_or_a_table_only_is_refused_and_the_run_goes_on(empty_archive, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    tiny_pdf(folder / "1-numbers.pdf", [(290, 40, "- 1 -")])
    grid = [(100, y, 400, y) for y in (600, 620, 640)] + [(x, 600, x, 640) for x in (100, 250, 400)]
    tiny_pdf(folder / "2-table.pdf", [(110, 625, "A"), (260, 625, "B"), (110, 605, "1"), (260, 605, "2")], grid)
    shutil.copy(SAMPLE_TXT, folder / "3-good.txt")
    done = cli(empty_archive, "import", str(folder))
    assert "Traceback" not in done.stderr and "IndexError" not in done.stderr
    assert (empty_archive / "issues" / "2018-033" / "issue.yaml").is_file()  # the good file after them
    assert done.stdout.count("未导入") == 2 and "已写入" in done.stdout


@pytest.mark.parametrize("change, reason", [
    (("第 33 期", "第 0 期"), "期号"), (("2018 年 9 月 21 日", "0999 年 9 月 21 日"), "1950"),
    (("2018 年 9 月 21 日", "9999 年 1 月 1 日"), "2099"),
])
def test_an_import_that_validate_would_refuse_writes_nothing(empty_archive, tmp_path, change, reason):
    text = SAMPLE_TXT.read_text(encoding="utf-8").replace(*change)
    src = tmp_path / "x.txt"
    src.write_text(text, encoding="utf-8")
    done = cli(empty_archive, "import", str(src))
    assert done.returncode == 1 and reason in done.stderr and "Traceback" not in done.stderr
    assert not any((empty_archive / "issues").glob("*-*"))


def test_a_finding_of_750000_characters_is_refused_at_import(empty_archive, tmp_path):
    text = SAMPLE_TXT.read_text(encoding="utf-8").replace("排队等候时间长", "排队" * 375_000, 1)
    src = tmp_path / "x.txt"
    src.write_text(text, encoding="utf-8")
    done = cli(empty_archive, "import", str(src))
    assert done.returncode == 1 and "超过 20,000 字" in done.stderr
    assert not any((empty_archive / "issues").glob("*-*"))


# --- 11. Dates an archive can count with; charts of any span; 15. deadlines as written ------------

@pytest.mark.parametrize("day", ["9999-01-01", "1918-09-21"])
def test_a_date_out_of_range_is_a_clear_error_with_its_line(archive, day):
    edit(archive, "issues/2018-033/issue.yaml", "date: 2018-09-21", f"date: {day}")
    done = cli(archive, "validate")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert re.search(r"issues/2018-033/issue.yaml:2:\d+: 错误：日期 " + day, done.stderr)


def test_charts_survive_any_span_of_years():
    import datetime as dt
    from bulletins.web import charts
    months = [(f"{y}-{m:02d}", 1.0) for y in range(1950, 2100) for m in (1, 6)]
    svg = charts._months(charts.NARROW, "t", "d", months)
    assert "<svg" in svg and "1950" in svg


def test_deadlines_read_as_written():
    import datetime as dt
    from bulletins.analysis.deadlines import due
    issued = dt.date(2018, 10, 5)
    assert due("限期99999天内完成", issued) is None  # not 999 days
    assert due("限期30天内完成", issued) == dt.date(2018, 11, 4)
    assert due("下下月底前完成", issued) == dt.date(2018, 12, 31)
    assert due("下月底前完成", dt.date(2018, 12, 5)) == dt.date(2019, 1, 31)
    assert due("下月底前完成", dt.date(9999, 12, 1)) is None


# --- 3-7. Every input bounded in time and memory ------------------------------------------------

import time  # noqa: E402
import zipfile  # noqa: E402

from bulletins.importer import readers  # noqa: E402
from bulletins.importer.readers import bounded  # noqa: E402


def _word(path: Path, body: str, styles: str = "", numbering: str = "") -> Path:
    """A minimal .docx written by hand: the parts Word needs, and these."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    r = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    rels = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>',
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>']
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
                   '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(rels) + '</Relationships>')
        z.writestr("word/styles.xml", f'<?xml version="1.0"?><w:styles {w}>{styles}</w:styles>')
        z.writestr("word/numbering.xml", f'<?xml version="1.0"?><w:numbering {w}>{numbering}</w:numbering>')
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {w} {r}><w:body>{body}</w:body></w:document>')
    return path


def _numbered(fmt: str, start: int, paragraphs: int) -> tuple[str, str]:
    numbering = (f'<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
                 f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>')
    body = "".join('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
                   f'<w:r><w:t>第{i}段</w:t></w:r></w:p>' for i in range(paragraphs))
    return body, numbering


@pytest.mark.parametrize("fmt, start", [("lowerRoman", 10 ** 11), ("upperLetter", 2_600_000_000)])
def test_a_numbering_that_starts_absurdly_is_read_quickly_and_small(tmp_path, fmt, start):
    body, numbering = _numbered(fmt, start, 40)
    path = _word(tmp_path / "n.docx", body, numbering=numbering)
    began = time.monotonic()
    doc = readers.read(path)
    assert time.monotonic() - began < 20
    assert sum(len(b.text) + len(b.label) for b in doc.blocks) < 10_000
    assert doc.blocks[0].label.startswith(str(start))


def test_twenty_thousand_styles_based_on_each_other_read_quickly(tmp_path):
    styles = "".join(f'<w:style w:type="paragraph" w:styleId="s{i}"><w:name w:val="s{i}"/>'
                     + (f'<w:basedOn w:val="s{i - 1}"/>' if i else "") + "</w:style>" for i in range(20_000))
    body = "".join(f'<w:p><w:pPr><w:pStyle w:val="s{19_999 - i % 7}"/></w:pPr><w:r><w:t>段{i}</w:t></w:r></w:p>'
                   for i in range(3000))
    path = _word(tmp_path / "s.docx", body, styles=styles)
    began = time.monotonic()
    doc = readers.read(path)
    assert time.monotonic() - began < 30 and len(doc.blocks) == 3000


def test_any_large_part_is_refused_whatever_its_name(tmp_path):
    path = _word(tmp_path / "big.docx", "<w:p><w:r><w:t>正文</w:t></w:r></w:p>")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/doc.bin", b" " * (20 * 1024 * 1024))  # 20 MB of spaces, a few KB packed
    with pytest.raises(readers.SourceError, match="doc.bin"):
        readers.read(path)


def test_a_zip_whose_directory_lies_is_refused_while_inflating(tmp_path):
    path = _word(tmp_path / "lie.docx", "<w:p><w:r><w:t>正文</w:t></w:r></w:p>")
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/settings.xml", b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>")
    raw = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("word/settings.xml")
    at = raw.rfind(b"PK\x01\x02", 0, raw.rfind(b"word/settings.xml") + 1)  # its central directory entry
    raw[at + 24:at + 28] = (2048).to_bytes(4, "little")  # says 2 KB when it is 30 MB
    path.write_bytes(bytes(raw))
    assert info.file_size > 2048
    with pytest.raises(readers.SourceError, match="不实|压缩|展开|损坏"):  # refused, never inflated whole
        readers.read(path)


def test_a_reader_past_its_memory_budget_is_stopped_with_a_reason(monkeypatch):
    monkeypatch.setattr(bounded, "MEMORY", 400 * 1024 * 1024)

    def greedy():
        return bytearray(2 * 1024 * 1024 * 1024)

    with pytest.raises(readers.SourceError, match="内存"):
        bounded.run("x.pdf", greedy)


def test_a_reader_past_its_time_budget_is_stopped_with_a_reason(monkeypatch):
    monkeypatch.setattr(bounded, "SECONDS", 1)

    def spins():
        while True:
            pass

    began = time.monotonic()
    with pytest.raises(readers.SourceError, match="时间|秒"):
        bounded.run("x.pdf", spins)
    assert time.monotonic() - began < 10


def test_libreoffice_runs_in_a_group_of_its_own_without_network(tmp_path, monkeypatch):
    from bulletins.importer.readers import office

    fake = tmp_path / "soffice"
    log = tmp_path / "log"
    fake.write_text(f"#!/bin/bash\n(sleep 300; echo late >> {log}) &\necho $$ > {log}.pid\n"
                    f"ip -o link show 2>/dev/null | grep -cv ' lo:' > {log}.links\nsleep 300\n")
    fake.chmod(0o755)
    monkeypatch.setattr(office, "soffice", lambda: str(fake))
    monkeypatch.setattr(office, "TIMEOUT", 2)
    src = tmp_path / "a.doc"
    src.write_bytes(b"x")
    with pytest.raises(readers.SourceError, match="已停止"):
        office.to_docx(src, tmp_path)
    pid = int((tmp_path / "log.pid").read_text())
    assert until(lambda: not Path(f"/proc/{pid}").exists(), timeout=10)  # the whole group went, not only the first
    assert office.offline(), "unshare gives LibreOffice no network here"
    links = (tmp_path / "log.links").read_text().strip()
    assert links in ("0", ""), "LibreOffice saw a network interface besides loopback"


def test_pdf_forms_that_draw_each_other_are_refused_not_fatal(tmp_path):
    """Form XObjects drawing each other: pdfminer recurses until Python aborts; the child does."""
    forms = []
    for other in (7, 6):
        stream = b"/F Do"
        forms.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /F %d 0 R >> >> "
                     b"/Length %d >>\nstream\n" % (other, len(stream)) + stream + b"\nendstream")
    objs = one_page(b"BT /F1 12 Tf 1 0 0 1 100 700 Tm (x) Tj ET /F Do", b"/XObject << /F 6 0 R >>") + forms
    path = tmp_path / "loop.pdf"
    path.write_bytes(pdf_bytes(objs))
    began = time.monotonic()
    try:
        readers.read(path)
    except readers.SourceError as exc:
        assert "loop.pdf" in str(exc)
    assert time.monotonic() - began < bounded.SECONDS * 2 + 10


# --- 8. Recurrence is bounded ------------------------------------------------------------------

def test_two_issues_of_two_thousand_alike_findings_are_compared_in_bounded_time():
    import datetime as dt
    from bulletins.analysis import patterns
    from bulletins.data.model import Archive, DistrictReport, Finding, Issue
    from bulletins.data.registry import load_registry

    registry, _ = load_registry(Path(__file__).resolve().parents[1])
    district = registry.district("上城区")

    def issue(number: int, day: dt.date) -> Issue:
        findings = tuple(Finding("shangcheng", n, f"区行政服务中心窗口人员离岗未放置去向牌，第{n}号窗口。",
                                 types=("窗口纪律",), place="区行政服务中心") for n in range(1, 2001))
        report = DistrictReport(district, "x.yaml", findings)
        return Issue(f"{day.year}-{number:03d}", number, day, "专报", "办", "通报", "", None, None, "", "", "",
                     (report,))
    archive = Archive(registry, (issue(2, dt.date(2018, 9, 28)), issue(1, dt.date(2018, 9, 21))))
    began = time.monotonic()
    earlier = patterns.earlier_findings(archive)
    assert time.monotonic() - began < 30
    assert max(len(refs) for refs in earlier.values()) <= patterns.PER_ISSUE  # one earlier issue here
