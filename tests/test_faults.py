"""Bad input and faults, round three: the search cache is never trusted, the output folder never
swallows data, and what is refused gets one Chinese line and changes nothing."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BIN, REPO, built, cli, make_archive, node_search, serve

CACHE = Path(".cache") / "bulletins" / "search"
SIG = b"pagefind_dcd"


def bulletins_build(root: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "bulletins"), "build", *extra], cwd=root, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


def fragments(root: Path) -> list[tuple[Path, str]]:
    """(part, name) of every fragment in the cache: a part keeps them end to end in fragments.bin."""
    return sorted((part, name) for part in (root / CACHE).glob("*/") if (part / "fragments.json").is_file()
                  for name, _, _ in json.loads((part / "fragments.json").read_text(encoding="utf-8")))


def fragment_bytes(ref: tuple[Path, str]) -> bytes:
    part, name = ref
    for n, offset, length in json.loads((part / "fragments.json").read_text(encoding="utf-8")):
        if n == name:
            return (part / "fragments.bin").read_bytes()[offset:offset + length]
    raise KeyError(name)


def read_fragment(ref: tuple[Path, str]) -> dict:
    return json.loads(gzip.decompress(fragment_bytes(ref))[len(SIG):])


def write_fragment(ref: tuple[Path, str], data: dict) -> None:
    """Replaces one fragment in its part's fragments.bin (the others moved along), as an intruder would."""
    part, name = ref
    blobs = {n: fragment_bytes((part, n)) for n, _, _ in json.loads((part / "fragments.json").read_text(encoding="utf-8"))}
    blobs[name] = gzip.compress(SIG + json.dumps(data, ensure_ascii=False).encode("utf-8"), mtime=0)
    where, offset = [], 0
    for n, blob in blobs.items():
        where.append([n, offset, len(blob)])
        offset += len(blob)
    (part / "fragments.bin").write_bytes(b"".join(blobs.values()))
    (part / "fragments.json").write_text(json.dumps(where), encoding="utf-8")


@pytest.fixture
def built_sample(tmp_path) -> Path:
    root = make_archive(tmp_path)
    result = bulletins_build(root)
    assert result.returncode == 0, result.stderr
    return root


def published_text(root: Path) -> str:
    return "".join(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                   for p in sorted((root / "site/pagefind/fragment").iterdir()))


# --- 1. the search cache is never trusted ----------------------------------------------------------

def test_a_changed_fragment_in_the_cache_is_indexed_again_not_published(built_sample):
    root = built_sample
    clean = published_text(root)
    victim = fragments(root)[0]
    data = read_fragment(victim)
    data["meta"]["findings"] = data["meta"]["findings"].replace("办事", "篡改文字", 1)
    write_fragment(victim, data)
    result = bulletins_build(root)
    assert result.returncode == 0, result.stderr
    assert "搜索索引的缓存中 2018 年的部分已损坏或被改动" in result.stderr and "已重新建立" in result.stderr
    assert "篡改文字" not in published_text(root) and published_text(root) == clean
    assert not any("篡改文字" in fragment_bytes(f).decode("latin-1") for f in fragments(root))


@pytest.mark.parametrize("damage", ["delete words", "truncate part.json", "add a file", "unreadable"])
def test_a_damaged_part_is_rebuilt_and_search_still_works(built_sample, damage):
    root = built_sample
    part = next(p for p in (root / CACHE).iterdir() if p.is_dir() and p.name[:4].isdigit())
    if damage == "delete words":
        (part / "words.gz").unlink()
    elif damage == "truncate part.json":
        (part / "part.json").write_text('{"format": "zb-part-4", "year"', encoding="utf-8")
    elif damage == "add a file":
        shutil.copy(part / "fragments.bin", part / "2018zzzzzplanted.pf_fragment")
    else:
        (part / "filters.json").chmod(0)
        if os.access(part / "filters.json", os.R_OK):
            pytest.skip("root reads a file without read permission")
    result = bulletins_build(root)
    assert result.returncode == 0, result.stderr
    assert "已重新建立" in result.stderr and "Traceback" not in result.stderr and "Errno" not in result.stderr
    assert not (root / "site/pagefind/fragment/2018zzzzzplanted.pf_fragment").exists()
    with serve(root / "site") as url:
        [results] = node_search(root / "site", url, [{"q": "母婴室"}])
    assert len(results) == 1 and results[0]["url"] == url + "issues/2018-033/#jianggan-2"


def test_published_index_files_are_copies_not_links_into_the_cache(built_sample):
    for path in (built_sample / "site/pagefind/fragment").iterdir():
        assert path.stat().st_nlink == 1, path
    site_fragment = next((built_sample / "site/pagefind/fragment").iterdir())
    site_fragment.write_bytes(b"written by someone")
    assert all(fragment_bytes(f) != b"written by someone" for f in fragments(built_sample))


def test_a_planted_address_in_the_index_never_becomes_a_link(built_sample):
    """Even a consistent forgery of a part (its manifest rewritten) cannot send a reader elsewhere:
    result addresses are made by search.js from the issue id and anchor, checked by pattern."""
    from bulletins.search import searchbundle
    root = built_sample
    for victim in fragments(root):
        data = read_fragment(victim)
        data["meta"]["url"] = "javascript:alert(1)//"
        findings = json.loads(data["meta"]["findings"])
        if findings[0]["a"] == "jianggan-1":
            findings[0]["a"] = "x\"><img src=x onerror=alert(2)>"
        data["meta"]["findings"] = json.dumps(findings, ensure_ascii=False)
        write_fragment(victim, data)
    for part in {p for p, _ in fragments(root)}:
        about = json.loads((part / "part.json").read_text(encoding="utf-8"))
        about["files"] = searchbundle.manifest(part)
        (part / "part.json").write_text(json.dumps(about, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    assert bulletins_build(root).returncode == 0
    with serve(root / "site") as url:
        [results, guide] = node_search(root / "site", url, [{"q": "办事"}, {"q": "引导标识"}])
    assert results and all(r["url"].startswith(url + "issues/2018-033/#") for r in results)
    assert guide == [], "a finding whose anchor is not an anchor is left out, not linked"


@pytest.mark.site
def test_a_linked_cache_folder_is_not_cleaned(tmp_path):
    (tmp_path / "a").mkdir()
    root = make_archive(tmp_path / "a")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "bulletins" / "search" / "2019-0123456789abcdef").mkdir(parents=True)
    (elsewhere / "bulletins" / "search" / "2019-0123456789abcdef" / "precious.txt").write_text("keep", encoding="utf-8")
    (elsewhere / "bulletins" / "search" / "photos").mkdir()
    (root / ".cache").symlink_to(elsewhere)
    result = bulletins_build(root)
    assert result.returncode == 0, result.stderr
    assert "是符号链接" in result.stderr
    assert (elsewhere / "bulletins/search/2019-0123456789abcdef/precious.txt").read_text(encoding="utf-8") == "keep"
    assert (elsewhere / "bulletins/search/photos").is_dir()


# --- 2. the output folder never swallows data ------------------------------------------------------

def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "site" not in p.relative_to(folder).parts[:1] and ".cache" not in p.parts}


@pytest.mark.parametrize("target", ["issues", "hooks", "docs", ".git", ".", "..", "issues/2018-033", "foreign"])
@pytest.mark.site
def test_a_site_folder_that_is_not_ours_is_refused_and_nothing_is_deleted(tmp_path, target):
    (tmp_path / "a").mkdir()
    root = make_archive(tmp_path / "a")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "报告.docx").write_bytes(b"someone's file")
    before, outside = snapshot(root), snapshot(foreign)
    result = bulletins_build(root, "--site-dir", str(foreign if target == "foreign" else root / target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "站点文件夹" in result.stderr and ("请给出一个单独的文件夹" in result.stderr or "没有开始构建" in result.stderr)
    assert snapshot(root) == before and snapshot(foreign) == outside


def test_a_failed_build_leaves_the_last_good_site_byte_for_byte(built_sample):
    root = built_sample
    before = {p.relative_to(root / "site").as_posix(): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    path = root / "issues/2018-033/jianggan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("types: [引导服务]", "types: [不存在的类型]"), encoding="utf-8")
    result = bulletins_build(root)
    assert result.returncode == 1 and "不存在的类型" in result.stderr
    after = {p.relative_to(root / "site").as_posix(): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in root.iterdir() if ".building-" in p.name], "the half-built folder is gone"


FULL_DISK = """
import errno, sys
import mkdocs.utils
calls = {"n": 0}
real = mkdocs.utils.write_file
def write_file(content, output_path):
    calls["n"] += 1
    if calls["n"] > 20:
        raise OSError(errno.ENOSPC, "No space left on device", output_path)
    return real(content, output_path)
mkdocs.utils.write_file = write_file
import mkdocs.commands.build
mkdocs.commands.build.utils.write_file = write_file
from bulletins.cli import main
sys.argv = ["bulletins", "build"]
main()
"""


def test_a_full_disk_is_one_chinese_line_and_the_site_stays(built_sample):
    root = built_sample
    index = (root / "site/index.html").read_bytes()
    result = subprocess.run([sys.executable, "-c", FULL_DISK], cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr
    assert "磁盘已满" in result.stderr and "原来的站点没有改动" in result.stderr
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr
    assert (root / "site/index.html").read_bytes() == index
    assert not [p for p in root.iterdir() if ".building-" in p.name]


def test_the_site_is_readable_by_a_web_server_whatever_the_umask(tmp_path):
    root = make_archive(tmp_path)
    result = subprocess.run(["sh", "-c", f"umask 077 && exec {BIN / 'bulletins'} build"], cwd=root,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    modes = {p.stat().st_mode & 0o777 for p in (root / "site").rglob("*")}
    assert modes <= {0o755, 0o644} and (root / "site").stat().st_mode & 0o777 == 0o755


def test_a_stale_half_built_folder_of_a_dead_build_is_swept(built_sample):
    root = built_sample
    stale = root / ".site.building-999999"
    stale.mkdir()
    (stale / "x.html").write_text("half", encoding="utf-8")
    assert bulletins_build(root).returncode == 0
    assert not stale.exists()


# --- 3. links never re-point silently --------------------------------------------------------------

FOLLOW_UP = """district: 江干区
position: 1
findings:
  - text: 复查发现区行政服务中心母婴室已投入使用。
    types: [设施环境]
    action: 已整改到位。
    follows: 2018-033-jianggan-2
{quote}"""
ISSUE_34 = """number: 34
date: 2018-09-28
series: “最多跑一次”改革专报
publisher: 杭州市“最多跑一次”改革专题组办公室
report:
  title: “最多跑一次”改革各区、县(市)和管委会自查情况通报
"""


def with_follow_up(root: Path, quote: str = "    follows_quote: 多名办事群众反映大厅缺乏母婴设施,带幼\n") -> Path:
    folder = root / "issues" / "2018-034"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ISSUE_34, encoding="utf-8")
    (folder / "jianggan.yaml").write_text(FOLLOW_UP.format(quote=quote), encoding="utf-8")
    return folder


def drop_first_jianggan_finding(root: Path) -> None:
    path = root / "issues/2018-033/jianggan.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - text: 多名办事群众反映大厅引导标识不清晰")
    end = text.index("  - text: 多名办事群众反映大厅缺乏母婴设施")
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def test_a_link_whose_target_moved_fails_loudly_in_either_issue(archive):
    with_follow_up(archive)
    assert cli(archive, "validate").returncode == 0
    drop_first_jianggan_finding(archive)  # jianggan-2 is now the 科长 finding
    for args in ((), ("issues/2018-034",), ("issues/2018-033",)):
        result = cli(archive, "validate", *args)
        assert result.returncode == 1, args
        assert "issues/2018-034/jianggan.yaml:" in result.stderr
        assert "2018-033-jianggan-2 现在是“9月20日上午" in result.stderr and "不是记下的“多名办事群众反映大厅缺乏母婴设施" in result.stderr


def test_validating_one_issue_finds_a_dangling_link_into_it(archive):
    with_follow_up(archive)
    path = archive / "issues/2018-034/jianggan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("jianggan-2", "jianggan-7"), encoding="utf-8")
    result = cli(archive, "validate", "issues/2018-033")
    assert result.returncode == 1 and "找不到编号为 2018-033-jianggan-7 的问题" in result.stderr


def test_fmt_keeps_the_quote_of_a_confirmed_link(archive):
    folder = with_follow_up(archive, quote="")
    result = cli(archive, "validate")
    assert result.returncode == 0 and "没有记下原文开头（follows_quote）" in result.stderr
    assert cli(archive, "fmt").returncode == 0
    text = (folder / "jianggan.yaml").read_text(encoding="utf-8")
    assert "    follows: 2018-033-jianggan-2\n    follows_quote: 多名办事群众反映大厅缺乏母婴设施\n" in text
    assert "follows_quote" not in cli(archive, "validate").stderr
    assert cli(archive, "fmt", "--check").returncode == 0


def test_a_link_to_a_draft_is_an_error(archive):
    with_follow_up(archive)
    issue = archive / "issues/2018-033/issue.yaml"
    issue.write_text("draft: true\n" + issue.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli(archive, "validate")
    assert result.returncode == 1 and "在草稿 2018-033 中" in result.stderr


@pytest.mark.site
def test_a_reworded_correction_note_keeps_its_change_and_gains_no_other(archive):
    from conftest import git
    git(archive, "init", "-q")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "sample")
    shang = archive / "issues/2018-033/shangcheng.yaml"
    shang.write_text(shang.read_text(encoding="utf-8").replace("满意: 15604", "满意: 15640"), encoding="utf-8")
    issue = archive / "issues/2018-033/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "corrections:\n  - date: 2018-09-28\n    note: 上城区满意件数更正\n",
                     encoding="utf-8")
    git(archive, "commit", "-qam", "correct")
    issue.write_text(issue.read_text(encoding="utf-8").replace("上城区满意件数更正", "上城区满意件数按原件更正为 15640 件"),
                     encoding="utf-8")
    gong = archive / "issues/2018-033/gongshu.yaml"
    gong.write_text(gong.read_text(encoding="utf-8").replace("看与工作无关书籍", "看与工作无关的书籍"), encoding="utf-8")
    git(archive, "commit", "-qam", "reword the note, and an unrelated fix")
    from conftest import soup
    site = built(archive)
    section = soup(site / "issues/2018-033/index.html").find(id="corrections").find_parent("section")
    notes = section.select("ol > li")
    assert len(notes) == 1 and "上城区满意件数按原件更正为 15640 件" in notes[0].get_text()
    changes = notes[0].get_text()
    assert "15604" in changes and "15640" in changes, "the change of the commit that added the note"
    assert "无关的书籍" not in changes, "not the change of the commit that reworded it"


# --- 5. names that look alike; 7. control characters after parsing --------------------------------

def _registry_edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "issues/registry" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("file,old,new,message", [
    ("districts.yaml", "aliases: [上城, 杭州市上城区]", "aliases: [上城, 杭州市上城区, 下城区]", "“下城区”与上城区的“下城区”相同"),
    ("districts.yaml", "aliases: [下城, 杭州市下城区]", "aliases: [下城, 杭州市下城区, 杭州市上城区]", "与上城区的“杭州市上城区”相同"),
    ("districts.yaml", "aliases: [下城, 杭州市下城区]", "aliases: [下城, 杭州市下城区, 上城]", "与上城区的“上城”相同"),
    ("departments.yaml", "name: 公积金", "name: 公积⾦", "U+2FA6"),
    ("departments.yaml", "name: 公积金", "name: 公积\u200b金", "U+200B（零宽空格 ZWSP）"),
    ("departments.yaml", "name: 公积金", "name: 公积\U000e0041金", "标签字符"),
    ("districts.yaml", "slug: xihu\n", "slug: xihu-2\n", "以“-数字”结尾"),
])
def test_registry_names_that_only_look_different_are_refused(archive, file, old, new, message):
    _registry_edit(archive, file, old, new)
    result = cli(archive, "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"issues/registry/{file}:" in result.stderr and message in result.stderr, result.stderr


def test_an_invisible_character_in_a_finding_is_refused_with_its_line(archive):
    path = archive / "issues/2018-033/jianggan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("母婴设施", "母\u00ad婴设施"), encoding="utf-8")
    result = cli(archive, "validate")
    assert result.returncode == 1 and "issues/2018-033/jianggan.yaml:8:24:" in result.stderr and "软连字符" in result.stderr


def test_the_importer_removes_invisible_characters_and_says_so(empty_archive, tmp_path):
    from conftest import SAMPLE_TXT
    src = tmp_path / "zw.txt"
    src.write_text(SAMPLE_TXT.read_text(encoding="utf-8").replace("母婴设施", "母\u200b婴\u2060设施"), encoding="utf-8")
    result = cli(empty_archive, "import", "--publish", str(src))
    assert result.returncode == 0 and "删去了 2 个不可见字符" in result.stderr
    assert "母婴设施" in (empty_archive / "issues/2018-033/jianggan.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("escape", ["\\x01", "\\u200b", "\\e", "\\N"])
@pytest.mark.site
def test_an_escaped_control_character_is_refused_after_parsing(archive, escape):
    path = archive / "issues/2018-033/issue.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  sequence: 第 2 期", f'  sequence: "第 2 期{escape}"'), encoding="utf-8")
    result = cli(archive, "validate")
    assert result.returncode == 1 and "issues/2018-033/issue.yaml:" in result.stderr
    assert "写成转义的不可见字符" in result.stderr
    assert bulletins_build(archive).returncode == 1 and not (archive / "site").exists()


@pytest.mark.site
def test_mkdocs_yml_words_are_checked_too(archive):
    config = archive / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("publisher: 杭州市", 'publisher: "杭州\\x01市'), encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("办公室\n  licence", "办公室\"\n  licence"), encoding="utf-8")
    result = bulletins_build(archive)
    line = next(n for n, t in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if "publisher:" in t)
    assert result.returncode == 1 and f"mkdocs.yml:{line}: extra.publisher 中有不可见的控制字符" in result.stderr
    assert "Traceback" not in result.stderr and not (archive / "site").exists()


# --- 6. the search front end -----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["//evil.example/", "/\\\\evil.example/", "java\\tscript:alert(1)", "https://evil.example/",
                                 "javascript:alert(1)", "../a b/"])
@pytest.mark.site
def test_search_also_takes_paths_on_this_server_only(archive, url):
    config = archive / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "extra:\n", f'extra:\n  search_also:\n    - name: 乙归档\n      url: "{url}"\n', 1), encoding="utf-8")
    result = bulletins_build(archive)
    assert result.returncode == 1 and "不是本服务器上的路径" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def archive_with_a_missing_neighbour(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("lonely")
    (top / "src").mkdir()
    a = make_archive(top / "src")
    config = (a / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("extra:\n", "extra:\n  search_also:\n    - name: 丙归档\n      url: ../gone/\n", 1)
    (a / "mkdocs.yml").write_text(config, encoding="utf-8")
    www = top / "www"
    www.mkdir()
    shutil.copytree(built(a), www / "a")
    return www


def test_an_unreachable_archive_fails_alone_and_is_named(archive_with_a_missing_neighbour):
    www = archive_with_a_missing_neighbour
    with serve(www) as url:
        [found] = node_search(www / "a", url + "a/", [{"open": True, "q": "母婴室"}])
    assert [r["url"] for r in found["results"]] == [url + "a/issues/2018-033/#jianggan-2"]
    assert found["unreachable"] == ["丙归档"]


def test_an_unknown_filter_value_finds_nothing_and_says_so(sample_site):
    with serve(sample_site) as url:
        [found, known] = node_search(sample_site, url, [{"open": True, "q": "窗口", "filters": {"区县": "临平区"}},
                                                       {"open": True, "q": "窗口", "filters": {"区县": "萧山区"}}])
    assert found["total"] == 0 and found["results"] == []
    assert found["unknown"] == [{"facet": "区县", "value": "临平区"}]
    assert known["unknown"] == [] and known["results"] and all(r["district"] == "萧山区" for r in known["results"])


def test_query_work_is_linear_in_the_words(sample_site):
    sentence = " ".join(f"word{chr(97 + i % 26)}x" for i in range(20))
    with serve(sample_site) as url:
        counts = node_search(sample_site, url, [{"readings": " ".join(sentence.split()[:n])} for n in (1, 2, 8, 9, 20)]
                             + [{"q": sentence}])
    assert counts[:5] == [2, 4, 10, 1, 1], "every word as text, each as pinyin, all as pinyin; past eight: text"
    assert counts[5] == []


@pytest.mark.browser
def test_the_search_page_names_an_unknown_filter(sample_url, page):
    page.goto(sample_url + "search/?q=窗口&区县=临平区")
    page.wait_for_function("document.querySelector('.zb-status').textContent.includes('临平区')")
    assert "共 0 条：没有区县“临平区”" in page.inner_text(".zb-status")
    assert not page.query_selector_all(".zb-result")


# --- 8. faults outside issues/ ---------------------------------------------------------------------

@pytest.mark.parametrize("where", ["docs/pipe.md", "docs/assets/pipe.png", "theme_overrides/pipe.html"])
@pytest.mark.site
def test_a_fifo_beside_the_pages_is_named_not_waited_for(archive, where):
    path = archive / where
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    result = bulletins_build(archive)
    assert result.returncode == 1 and f"{where} 不是普通文件，而是命名管道（FIFO）" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.site
def test_a_c_locale_terminal_gets_the_chinese_lines_whole(archive):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING"))}
    result = subprocess.run([str(BIN / "bulletins"), "build"], cwd=archive, capture_output=True, timeout=600,
                            env={**env, "LC_ALL": "C", "PYTHONUTF8": "0"})
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "站点已生成" in result.stdout.decode("utf-8") and b"Traceback" not in result.stderr


# --- 9. smaller fidelity ---------------------------------------------------------------------------

@pytest.mark.site
def test_a_figure_keeps_its_printed_precision(archive):
    path = archive / "issues/2018-033/binjiang.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("满意率: 97.37", "满意率: 97.30"), encoding="utf-8")
    site = built(archive)
    from conftest import soup
    cells = [td.get_text() for td in soup(site / "issues/2018-033/index.html").select("#binjiang ~ * .zb-metrics td")]
    assert "97.30" in cells
    assert built(archive) and "97.30" in [td.get_text() for td in
                                          soup(site / "issues/2018-033/index.html").select("#binjiang ~ * .zb-metrics td")]


def test_the_importer_writes_a_figure_as_printed(empty_archive, tmp_path):
    from conftest import SAMPLE_TXT
    src = tmp_path / "p.txt"
    src.write_text(SAMPLE_TXT.read_text(encoding="utf-8").replace("满意率 97.37%", "满意率 97.30%"), encoding="utf-8")
    assert cli(empty_archive, "import", "--publish", str(src)).returncode == 0
    assert "  满意率: 97.30\n" in (empty_archive / "issues/2018-033/binjiang.yaml").read_text(encoding="utf-8")
    assert cli(empty_archive, "fmt", "--check").returncode == 0


@pytest.mark.parametrize("value,message", [("9999-12-31", "晚于最新一期（2018-09-21）一年以上"),
                                           ("2018-09-28 10:00:00", "这里是日期和时间")])
def test_a_correction_date_must_be_a_plausible_date(archive, value, message):
    issue = archive / "issues/2018-033/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + f"corrections:\n  - date: {value}\n    note: 更正\n", encoding="utf-8")
    result = cli(archive, "validate")
    assert result.returncode == 1 and message in result.stderr and "issues/2018-033/issue.yaml:" in result.stderr


@pytest.mark.site
def test_a_hand_written_page_at_a_generated_address_is_an_error(archive):
    (archive / "docs/issues").mkdir()
    (archive / "docs/issues/2018-033.md").write_text("# 我的页面\n", encoding="utf-8")
    result = bulletins_build(archive)
    assert result.returncode == 1 and "docs/issues/2018-033.md 与生成的 issues/2018-033/index.html 地址相同" in result.stderr


@pytest.mark.site
def test_the_csv_carries_follow_ups_corrections_and_lists_that_split_cleanly(archive):
    import csv
    import io
    with_follow_up(archive)
    issue = archive / "issues/2018-033/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "corrections:\n  - date: 2018-09-28\n    note: 更正甲\n",
                     encoding="utf-8")
    _registry_edit(archive, "problem_types.yaml", "name: 设施环境", "name: 设施、环境")
    for path in (archive / "issues").glob("*/*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("设施环境", "设施、环境"), encoding="utf-8")
    site = built(archive)
    rows = list(csv.DictReader(io.StringIO((site / "data/findings.csv").read_bytes().decode("utf-8-sig"))))
    follow = next(r for r in rows if r["期"] == "2018-034")
    assert follow["前情"] == "2018-033-jianggan-2"
    assert all(r["本期更正说明"] == "2018-09-28 更正甲" for r in rows if r["期"] == "2018-033")
    fuyang = next(r for r in rows if r["区县"] == "富阳区" and r["序号"] == "1")
    assert fuyang["问题类型"].split("\n") == ["引导服务", "窗口纪律", "自助设备"]
    assert any(r["问题类型"].split("\n") == ["设施、环境"] for r in rows)


@pytest.mark.site
def test_a_commit_that_touches_only_a_draft_moves_no_page_date(archive):
    from conftest import git
    (archive / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    git(archive, "init", "-q")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "sample")
    first = (built(archive) / "sitemap.xml").read_text(encoding="utf-8")
    folder = with_follow_up(archive)
    (folder / "issue.yaml").write_text("draft: true\n" + ISSUE_34, encoding="utf-8")
    env = {"GIT_COMMITTER_DATE": "2019-01-05T10:00:00+08:00", "GIT_AUTHOR_DATE": "2019-01-05T10:00:00+08:00"}
    subprocess.run(["git", "add", "-A"], cwd=archive, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "draft"], cwd=archive,
                   check=True, env={**os.environ, **env})
    assert (built(archive) / "sitemap.xml").read_text(encoding="utf-8") == first


def test_a_changed_pagefind_script_in_the_cache_is_taken_again_not_published(built_sample):
    """Pagefind's scripts are taken once per version and kept in the cache: a changed copy is
    never published."""
    root = built_sample
    script = next((root / CACHE).glob("pagefind-*/pagefind.js"))
    clean = (root / "site/pagefind/pagefind.js").read_bytes()
    script.write_bytes(b"alert('planted');" + script.read_bytes())
    result = bulletins_build(root)
    assert result.returncode == 0, result.stderr
    assert (root / "site/pagefind/pagefind.js").read_bytes() == clean
    assert b"planted" not in script.read_bytes()
