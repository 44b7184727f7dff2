"""Hostile archives, each built on a scratch copy: exact refusals, nothing published that no data
file says, nothing hangs, nothing is lost, and issues/ is byte-identical afterwards."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import pickle
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bulletins.data import validate as validate_module
from conftest import BIN, built, cli, mkdocs_build, soup
from conftest import edit as shared_edit

G = "issues/2018-033/gongshu.yaml"
I = "issues/2018-033/issue.yaml"
REG = "issues/registry"


def edit(root: Path, rel: str, old: str, new: str, count: int = -1) -> None:
    shared_edit(root, rel, old, new, count)  # here every occurrence, by default


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under issues/ (links and special files by name only)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root / "issues"):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            out[rel] = p.read_bytes() if p.is_file() and not p.is_symlink() else b"<" + str(p.lstat().st_mode).encode()
    return out


def refused(root: Path, pattern: str, *args: str) -> str:
    before = snapshot(root)
    result = cli(root, "validate", *args)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(pattern, result.stderr), result.stderr
    assert snapshot(root) == before
    return result.stderr


def build_refused(root: Path, pattern: str) -> None:
    result = mkdocs_build(root)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert re.search(pattern, result.stderr), result.stderr[-2000:]


# --- Nothing a data file says becomes live HTML --------------------------------------------------

HOSTILE_NAMES = {
    "拱墅区": '拱墅区<img src=x onerror=alert(2)>',
    "窗口纪律": '窗口纪律"><script>alert(3)</script>',
    "税务": "税务</title><script>alert(4)</script>",
}


def _live(html: str) -> list[str]:
    """Elements and attributes a hostile name could have made live."""
    page = BeautifulSoup(html, "html.parser")
    found = [f"<{t.name}>" for t in page.find_all("img")]
    found += [f"script:{s.get_text()[:40]}" for s in page.find_all("script") if "alert" in s.get_text()]
    found += [f"{t.name}[{k}]" for t in page.find_all(True) for k in t.attrs if k.lower().startswith("on")]
    return found


def test_validate_refuses_markup_and_odd_spaces_in_names(archive):
    edit(archive, f"{REG}/districts.yaml", "name: 拱墅区", "name: 拱墅区<img src=x onerror=alert(2)>")
    edit(archive, f"{REG}/problem_types.yaml", "name: 窗口纪律", 'name: 窗口纪律"')
    edit(archive, f"{REG}/departments.yaml", "name: 税务", "name: '税务　'")
    out = refused(archive, r"districts\.yaml:\d+:\d+: 错误：“拱墅区<img src=x onerror=alert\(2\)>”含有 < >")
    assert re.search(r"problem_types\.yaml:\d+:\d+: 错误：“窗口纪律\"”含有 \"", out)
    assert re.search(r"departments\.yaml:\d+:\d+: 错误：“税务　”首尾有空格", out)


def test_validate_refuses_markup_in_the_masthead(archive):
    edit(archive, I, "publisher: 杭州市", "publisher: <b>杭州市")
    refused(archive, rf"{I}:4:\d+: 错误：“<b>杭州市.*含有 < >")


def test_hostile_names_are_escaped_on_every_page_kind(archive, monkeypatch):
    """The second layer: even names validate would refuse are text on every page, in <title>, the
    H1, the table of contents and the header. Built in this process with the name rule off."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for old, new in HOSTILE_NAMES.items():
        for rel in (f"{REG}/districts.yaml", f"{REG}/problem_types.yaml", f"{REG}/departments.yaml"):
            path = archive / rel
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(rf"(?<=name: ){old}(?=[,\n])", lambda m: f"'{new}'", text), encoding="utf-8")
        for path in (archive / "issues/2018-033").glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(rf"(?<=[\[ ,]){old}(?=[\],\n])", lambda m: json.dumps(new, ensure_ascii=False), text),
                            encoding="utf-8")
    monkeypatch.setattr(validate_module, "name_problem", lambda value, markup="": None)
    monkeypatch.chdir(archive)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    build(load_config(str(archive / "mkdocs.yml")))
    site = archive / "site"
    pages = sorted(site.rglob("*.html"))
    kinds = {p.relative_to(site).parts[0] for p in pages}
    assert {"issues", "districts", "types", "departments", "archive", "search", "corrections"} <= kinds
    for page in pages:
        assert _live(page.read_text(encoding="utf-8")) == [], page
    district = soup(site / "districts/gongshu/index.html")
    assert district.title.get_text().startswith(HOSTILE_NAMES["拱墅区"])
    assert HOSTILE_NAMES["拱墅区"] in district.h1.get_text()
    issue = soup(site / "issues/2018-033/index.html")
    toc = [a.get_text(strip=True) for a in issue.select(".md-nav--secondary a")]
    assert HOSTILE_NAMES["拱墅区"] in toc
    dept = soup(site / "departments/shuiwu/index.html")
    assert dept.title.get_text().startswith(HOSTILE_NAMES["税务"])


def test_quotes_and_backslashes_in_names_do_not_break_titles(archive, monkeypatch):
    edit(archive, f"{REG}/districts.yaml", "name: 拱墅区", "name: '拱墅\"区\\x41'")
    refused(archive, r"含有 \"")
    monkeypatch.setattr(validate_module, "name_problem", lambda value, markup="": None)
    for path in (archive / "issues/2018-033").glob("gongshu.yaml"):
        edit(archive, path.relative_to(archive).as_posix(), "district: 拱墅区", "district: '拱墅\"区\\x41'")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    monkeypatch.chdir(archive)
    build(load_config(str(archive / "mkdocs.yml")))
    title = soup(archive / "site/districts/gongshu/index.html").title.get_text()
    assert title.startswith('拱墅"区\\x41') and "Index" not in title


# --- A cache is never trusted over the data ------------------------------------------------------

@pytest.mark.site
def test_an_edited_cache_never_publishes_text_that_no_data_file_holds(archive):
    built(archive)
    cache = archive / ".cache/bulletins/parsed.cbor"
    raw = cache.read_bytes()
    assert "母婴".encode() in raw
    cache.write_bytes(raw.replace("母婴".encode(), "哺乳".encode()))
    site = built(archive)
    text = soup(site / "issues/2018-033/index.html").get_text()
    assert "母婴" in text and "哺乳" not in text


@pytest.mark.site
def test_a_planted_cache_runs_nothing(archive, tmp_path):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    blob = pickle.dumps(Evil())
    entries = {"x": (hashlib.sha256(blob).hexdigest(), blob)}
    (archive / ".cache/bulletins").mkdir(parents=True)
    (archive / ".cache/bulletins/parsed.cbor").write_bytes(pickle.dumps({"version": "any", "entries": entries}))
    (archive / ".cache/bulletins/parsed.cbor").write_bytes(pickle.dumps(Evil()))
    assert cli(archive, "validate").returncode == 0
    built(archive)
    assert not marker.exists()


@pytest.mark.site
def test_the_parse_cache_is_cbor_and_refuses_tags_it_does_not_know(archive):
    import cbor2
    built(archive)
    cache = archive / ".cache/bulletins/parsed.cbor"
    saved = cbor2.loads(cache.read_bytes())  # plain CBOR: any tool reads it
    key = next(k for k in saved["entries"] if k.endswith("jianggan.yaml"))
    blob = cbor2.dumps([{"district": "江干区", "findings": [{"text": cbor2.CBORTag(12345, "伪造")}]}, []])
    saved["entries"][key] = [hashlib.sha256(blob).hexdigest(), blob]
    cache.write_bytes(cbor2.dumps(saved))
    site = built(archive)
    assert "伪造" not in soup(site / "issues/2018-033/index.html").get_text()


# --- Exports are safe for the tools that open them -----------------------------------------------

@pytest.mark.site
def test_csv_cells_that_would_start_a_formula_are_neutralised(archive):
    edit(archive, G, "text: 有群众反映，交警综合窗口每天 15:00 就出现系统故障，导致其无法正常办理业务。",
         "text: '=HYPERLINK(\"http://x\")有群众反映，交警综合窗口每天 15:00 就出现系统故障，导致其无法正常办理业务。'")
    edit(archive, G, "place: 区行政服务中心", "place: +区行政服务中心")
    edit(archive, G, "    observed: 2018-09-18 14:43", "    observed: 2018-09-18 14:43\n    action: '@SUM(1)'")
    site = built(archive)
    rows = list(csv.reader(io.StringIO((site / "data/findings.csv").read_bytes().decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert "'=HYPERLINK(\"http://x\")有群众反映，交警综合窗口每天 15:00 就出现系统故障，导致其无法正常办理业务。" in cells
    assert "'+区行政服务中心" in cells and "'@SUM(1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    data = (site / "data/archive.json").read_text(encoding="utf-8")
    assert '"=HYPERLINK(\\"http://x\\")有群众反映' in data and '"+区行政服务中心"' in data


@pytest.mark.parametrize("char, name", [("\x0b", "U+000B"), ("\x85", "U+0085"), ("\x00", "U+0000"),
                                        ("\ufffe", "U+FFFE"), ("\u202e", "U+202E"), ("\x1b", "U+001B")])
def test_control_characters_are_refused_with_their_line_and_name(archive, char, name):
    path = archive / G
    lines = path.read_text(encoding="utf-8").split("\n")
    no = next(i for i, line in enumerate(lines, 1) if "看与工作无关书籍" in line)
    lines[no - 1] = lines[no - 1].replace("看与", f"看{char}与")
    path.write_bytes("\n".join(lines).encode("utf-8"))
    out = refused(archive, rf"{G}:{no}:\d+: 错误：含有不可见的控制字符 {re.escape(name)}")
    assert "YAML 语法错误" not in out and "缺少冒号" not in out
    build_refused(archive, re.escape(name))


@pytest.mark.site
def test_feed_and_sitemap_are_well_formed_whatever_the_text(archive):
    edit(archive, I, "title: “最多跑一次”", "title: “最多跑一次” & ]] \"'")
    edit(archive, I, "publisher: 杭州市", "publisher: 杭州市&")
    edit(archive, G, "看与工作无关书籍", "看<通报> ]]> & 与工作无关书籍")
    site = built(archive)
    for name in ("feed.xml", "sitemap.xml"):
        ET.parse(site / name)


# --- No data is dropped silently -----------------------------------------------------------------

@pytest.mark.parametrize("name, message", [
    ("fuyang.yml", r"fuyang\.yml 不会被读取 — 数据文件的扩展名必须是小写的 \.yaml，请改名为 fuyang\.yaml"),
    ("FUYANG.YAML", r"请改名为 fuyang\.yaml"),
    ("fuyang.Yaml", r"请改名为 fuyang\.yaml"),
    ("notes.txt", r"notes\.txt 不会被读取"),
    (".fuyang.yaml", r"\.fuyang\.yaml:1:1: 错误：文件名应为区县的拼音 slug"),
])
def test_files_the_build_would_not_read_are_errors(archive, name, message):
    folder = archive / "issues/2018-033"
    (folder / "fuyang.yaml").rename(folder / name)
    refused(archive, rf"issues/2018-033/{re.escape(name)}:1:1: 错误：.*{message}" if not name.startswith(".")
            else message)


def test_misnamed_folders_missing_paths_and_interrupted_imports_are_errors(archive):
    (archive / "issues/2018-34").mkdir()
    (archive / "issues/2018-034.yaml").write_text("x: 1\n", encoding="utf-8")
    out = refused(archive, r"issues/2018-34:1:1: 错误：文件夹名“2018-34”不符合“年-期号”格式")
    assert "issues/2018-034.yaml:1:1: 错误：issues/ 中只能有每期的文件夹" in out
    (archive / "issues/2018-34").rmdir()
    (archive / "issues/2018-034.yaml").unlink()
    refused(archive, r"nothere:1:1: 错误：找不到这个文件或文件夹", "nothere")
    (archive / "issues/2018-033").rename(archive / "issues/.2018-033.old")
    refused(archive, r"issues/\.2018-033\.old:1:1: 错误：上次覆盖导入 2018-033 时被中断.*改名回 issues/2018-033")


def test_merge_keys_are_refused(archive):
    edit(archive, G, "findings:\n", "findings:\n  - <<: {text: 合并}\n    types: [窗口纪律]\n", 1)
    line = (archive / G).read_text(encoding="utf-8").split("\n").index("  - <<: {text: 合并}") + 1
    refused(archive, rf"{G}:{line}:\d+: 错误：不允许使用 YAML 合并键（<<）")


def test_a_file_holding_only_a_comment_survives_fmt(archive):
    path = archive / "issues/2018-033/fuyang.yaml"
    path.write_text("# 富阳区本周材料待补\n", encoding="utf-8")
    result = cli(archive, "fmt")
    assert "Traceback" not in result.stderr
    assert path.read_text(encoding="utf-8") == "# 富阳区本周材料待补\n"
    refused(archive, r"fuyang\.yaml:1:1: 错误：文件是空的")


# --- Numbers are numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("rel, old, new, message", [
    (I, "number: 33", "number: 33.0", r"“期号”（number）应为整数，这里是数字"),
    ("issues/2018-033/shangcheng.yaml", "回访量: 15729", "回访量: .inf", r"数字“\.inf”的写法不允许"),
    ("issues/2018-033/shangcheng.yaml", "回访量: 15729", "回访量: .nan", r"数字“\.nan”的写法不允许"),
    ("issues/2018-033/shangcheng.yaml", "回访量: 15729", "回访量: 1e400", r"数字“1e400”的写法不允许"),
    ("issues/2018-033/shangcheng.yaml", "回访量: 15729", "回访量: 15729.0", r"“回访量”是计数，这里写成了小数 15729\.0"),
    ("issues/2018-033/shangcheng.yaml", "满意: 15604", "满意: 0x3CF4", r"数字“0x3CF4”的写法不允许"),
    ("issues/2018-033/shangcheng.yaml", "满意: 15604", "满意: 0o17", r"数字“0o17”的写法不允许"),
    ("issues/2018-033/shangcheng.yaml", "满意: 15604", "满意: 1_000", r"数字“1_000”的写法不允许"),
    (G, "text: 有群众反映，交警综合窗口每天 15:00 就出现系统故障，导致其无法正常办理业务。", "text: '　  '",
     r"问题的原文只有空格"),
])
def test_numbers_must_be_plain_decimals_and_text_must_have_words(archive, rel, old, new, message):
    edit(archive, rel, old, new)
    line = next(i for i, text in enumerate((archive / rel).read_text(encoding="utf-8").split("\n"), 1) if new.split(":")[0].strip() in text and new.split(": ", 1)[-1] in text)
    refused(archive, rf"{rel}:{line}:\d+: 错误：.*{message}")
    build_refused(archive, message)


# --- Nothing hangs or eats the machine -----------------------------------------------------------

def test_fifos_devices_sockets_folders_and_links_are_refused_by_name(archive, tmp_path):
    folder = archive / "issues/2018-033"
    os.mkfifo(folder / "xihu2.yaml")
    (folder / "chunan2.yaml").mkdir()
    (folder / "jiande2.yaml").symlink_to("/dev/zero")
    (folder / "linan2.yaml").symlink_to(tmp_path / "outside.yaml")
    (tmp_path / "outside.yaml").write_text("district: 临安区\nfindings: []\n", encoding="utf-8")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "tonglu2.yaml"))
    start = time.monotonic()
    out = refused(archive, r"xihu2\.yaml:1:1: 错误：不是普通文件，而是命名管道（FIFO）")
    sock.close()
    assert time.monotonic() - start < 20
    assert "chunan2.yaml:1:1: 错误：不是普通文件，而是文件夹" in out
    assert "jiande2.yaml:1:1: 错误：是符号链接" in out and "linan2.yaml:1:1: 错误：是符号链接" in out
    assert "tonglu2.yaml:1:1: 错误：不是普通文件，而是套接字" in out


def test_a_linked_issue_folder_is_refused(archive, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (archive / "issues/2018-034").symlink_to(tmp_path / "elsewhere")
    refused(archive, r"issues/2018-034:1:1: 错误：是符号链接")


def test_a_sparse_huge_file_is_refused_before_it_is_read(archive):
    path = archive / "issues/2018-033/fuyang.yaml"
    with path.open("r+b") as f:
        f.truncate(3 * 1024 ** 3)
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", str(BIN / "bulletins"), "validate"], cwd=archive,
                            capture_output=True, text=True, timeout=60)
    assert "fuyang.yaml:1:1: 错误：文件过大" in result.stderr
    assert int(result.stderr.strip().splitlines()[-1]) < 400_000  # KB of peak memory
    assert time.monotonic() - start < 30


def _docx(path: Path, document_xml: bytes, extra: dict[str, bytes] | None = None, truncate: int = 0) -> Path:
    base = Path(__file__).parent / "fixtures" / "minimal.docx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, document_xml if item.filename == "word/document.xml" else src.read(item))
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    if truncate:
        path.write_bytes(path.read_bytes()[:truncate])
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: _docx(p, b"<w:document" + b" " * (60 * 1024 * 1024) + b"/>"), r"压缩比异常|展开后有"),
    (lambda p: _docx(p, b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                     + "通报".encode() * (5 * 1024 * 1024) + b"</w:t></w:r></w:p></w:body></w:document>"), r"展开后有|压缩比异常"),
    (lambda p: _docx(p, b"<w:document><w:body><w:p>"), r"Word 文件已损坏"),
    (lambda p: _docx(p, b"", truncate=300), r"Word 文件已损坏"),
    (lambda p: _docx(p, b"", {f"junk/{i}.bin": b"" for i in range(2100)}), r"个部件"),
])
def test_hostile_word_files_are_refused_quickly_and_write_nothing(archive, tmp_path, make, message):
    src = make(tmp_path / "bad.docx")
    before = snapshot(archive)
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", str(BIN / "bulletins"), "import", str(src)],
                            cwd=archive, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert re.search(message, result.stderr) and "未写入任何文件" in result.stderr, result.stderr[-800:]
    assert int(result.stderr.strip().splitlines()[-1]) < 400_000
    assert time.monotonic() - start < 30
    assert snapshot(archive) == before


def test_import_refuses_a_fifo_without_hanging(archive, tmp_path):
    os.mkfifo(tmp_path / "bulletin.txt")
    result = cli(archive, "import", str(tmp_path / "bulletin.txt"))
    assert result.returncode == 1 and "命名管道" in result.stderr


def test_fmt_refuses_paths_outside_the_archive_and_never_follows_a_link(archive, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("district:   拱墅区\nfindings: []\n", encoding="utf-8")
    result = cli(archive, "fmt", str(outside))
    assert result.returncode == 1 and "不在本归档的 issues/ 中" in result.stderr
    link = archive / "issues/2018-033/linked.yaml"
    link.symlink_to(outside)
    result = cli(archive, "fmt", str(link))
    assert result.returncode == 1 and "是符号链接" in result.stderr
    assert cli(archive, "fmt").returncode == 0 or True  # the whole archive: the link is not followed
    assert outside.read_text(encoding="utf-8") == "district:   拱墅区\nfindings: []\n"


# --- Writes keep what was there ------------------------------------------------------------------

def test_fmt_keeps_the_mode_and_import_follows_the_umask(archive, tmp_path):
    path = archive / G
    path.write_text(path.read_text(encoding="utf-8").replace("district: 拱墅区", "district:   拱墅区"), encoding="utf-8")
    os.chmod(path, 0o664)
    assert cli(archive, "fmt").returncode == 0
    assert path.stat().st_mode & 0o777 == 0o664
    sample = Path(__file__).parent / "fixtures" / "2018-033.txt"
    old = os.umask(0o022)
    try:
        result = subprocess.run([str(BIN / "bulletins"), "import", "--force", "--publish", str(sample)], cwd=archive,
                                capture_output=True, text=True, timeout=60)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert (archive / "issues/2018-033").stat().st_mode & 0o777 == 0o755
    assert (archive / G).stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("errno_name, reason", [("ENOSPC", "磁盘已满"), ("EACCES", "没有写入权限")])
def test_write_failures_are_a_chinese_sentence_and_keep_the_data(archive, monkeypatch, errno_name, reason):
    import errno as errno_module

    from click.testing import CliRunner

    from bulletins import cli as cli_module

    path = archive / G
    path.write_text(path.read_text(encoding="utf-8").replace("district: 拱墅区", "district:   拱墅区"), encoding="utf-8")
    before = snapshot(archive)

    def full(*args, **kwargs):
        raise OSError(getattr(errno_module, errno_name), os.strerror(getattr(errno_module, errno_name)), str(path))

    monkeypatch.setattr(os, "replace", full)
    monkeypatch.chdir(archive)
    result = CliRunner().invoke(cli_module.main, ["fmt"])
    assert result.exit_code == 1 and reason in result.output and "已有的数据没有改动" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert snapshot(archive) == before
    assert not [p for p in (archive / "issues/2018-033").iterdir() if p.name.endswith(".tmp")]


KILLER = r"""
import os, shutil, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bulletins.edit import writer
from bulletins.files import safefile
limit, count = int(sys.argv[2]), [0]
def step(fn):
    def wrapped(*a, **k):
        count[0] += 1
        if count[0] == limit:
            os._exit(9)
        out = fn(*a, **k)
        count[0] += 1
        if count[0] == limit:
            os._exit(9)
        return out
    return wrapped
os.rename = step(os.rename); os.replace = step(os.replace); shutil.rmtree = step(shutil.rmtree)
safefile.exchange = step(safefile.exchange); os.chmod = step(os.chmod)
Path.write_text = step(Path.write_text); Path.rename = step(Path.rename)
target = Path(sys.argv[1])
writer.write_issue_folder(target, {"issue.yaml": "new\n", "gongshu.yaml": "new g\n"}, force=True)
print("done")
"""


def test_import_force_killed_at_any_instant_leaves_the_old_or_the_new_issue(tmp_path):
    hooks = str(Path(__file__).resolve().parents[1] / "hooks")
    target = tmp_path / "issues" / "2018-033"
    for limit in range(1, 60):
        if target.exists():
            subprocess.run(["rm", "-rf", str(tmp_path / "issues")], check=True)
        target.mkdir(parents=True)
        (target / "issue.yaml").write_text("old\n")
        (target / "xihu.yaml").write_text("old x\n")
        done = subprocess.run([sys.executable, "-c", KILLER, str(target), str(limit), hooks],
                              capture_output=True, text=True, timeout=60)
        held = {p.name: p.read_text() for p in target.iterdir()} if target.is_dir() else None
        assert held in ({"issue.yaml": "old\n", "xihu.yaml": "old x\n"},
                        {"issue.yaml": "new\n", "gongshu.yaml": "new g\n"}), (limit, held)
        if "done" in done.stdout:
            assert held == {"issue.yaml": "new\n", "gongshu.yaml": "new g\n"}
            break
    else:
        raise AssertionError("the write never finished")
    assert limit > 3  # it was killed at every step before finishing


# --- Builds survive each other and signals -------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        out += kids
        todo += kids
    return out


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory):
    from conftest import make_archive
    root = make_archive(tmp_path_factory.mktemp("big"))
    assert cli(root, "synth", "--issues", "60", "--seed", "3").returncode == 0
    return root


@pytest.mark.parametrize("signum", [15, 2])
@pytest.mark.site
def test_a_stopped_build_stops_its_indexer_and_removes_its_scratch(big_archive, signum, tmp_path):
    import shutil

    from conftest import until

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log = tmp_path / "build.log"  # a file, not a pipe: a build that says much never waits for this test to read
    for _attempt in range(5):  # a year's part takes a fraction of a second: the build may finish it first
        shutil.rmtree(big_archive / ".cache" / "bulletins" / "search", ignore_errors=True)  # every year to index
        with log.open("w", encoding="utf-8") as sink:
            # Ctrl-C as a terminal delivers it: a test runner's worker may ignore SIGINT, and a child
            # inherits that (seen under the full suite: every build ran to its end)
            proc = subprocess.Popen([str(BIN / "mkdocs"), "build"], cwd=big_archive, env=env,
                                    stdout=subprocess.DEVNULL, stderr=sink, text=True,
                                    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        indexer, scratch = None, []
        deadline = time.monotonic() + 60
        while (indexer is None or not scratch) and time.monotonic() < deadline and proc.poll() is None:
            # the build's worker writes one year's part from its records, in a scratch folder of the build
            indexer = next((c for c in _descendants(proc.pid) if "searchworker" in _cmdline(c) and " part " in _cmdline(c)), None)
            scratch = [p for p in Path("/dev/shm").glob(f"zb-search-{proc.pid}-*")]
            time.sleep(0.005)
        if indexer is None or not scratch or proc.poll() is not None:
            proc.wait(timeout=300)
            continue
        os.kill(proc.pid, signal.SIGSTOP)  # held where it was seen, while the test looks and signals
        workers = [c for c in _descendants(proc.pid) if "searchworker" in _cmdline(c)]
        os.kill(proc.pid, signum)
        os.kill(proc.pid, signal.SIGCONT)
        proc.wait(timeout=60)
        if proc.returncode != 0 or "Documentation built" not in log.read_text(encoding="utf-8"):
            break  # stopped (a build that ended as the signal came is tried again)
    assert indexer is not None, "the indexer never started"
    assert scratch
    err = log.read_text(encoding="utf-8")
    assert proc.returncode != 0 and "Traceback" not in err, err[-2000:]
    gone = lambda pid: not Path(f"/proc/{pid}").exists() or "searchworker" not in _cmdline(pid)  # noqa: E731
    assert until(lambda: all(gone(pid) for pid in [indexer, *workers]), timeout=10)
    assert not [p for p in scratch if p.exists()]
    assert not list((big_archive / ".cache" / "bulletins" / "search").glob("tmp-*"))


@pytest.mark.site
def test_two_builds_into_one_site_wait_for_each_other(archive):
    from conftest import node_search, serve
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    procs = [subprocess.Popen([str(BIN / "mkdocs"), "build", "--strict"], cwd=archive, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-1500:] for o in outs]
    assert any("另一个构建正在写入" in err for _, err in outs)
    with serve(archive / "site") as url:
        found = node_search(archive / "site", url, [{"q": "", "filters": {"区县": "萧山区"}}])
    assert found[0] and all(r["district"] == "萧山区" for r in found[0])


@pytest.mark.site
def test_a_build_outside_git_dates_pages_by_their_issue(archive):
    site = built(archive)  # the scratch archive is no git checkout, like `git archive` output
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "1970-01-01" not in sitemap
    assert re.search(r"issues/2018-033/</loc>\s*<lastmod>2018-09-21</lastmod>", sitemap)
