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


def fragments(root: Path) -> list[Path]:
    return sorted((root / CACHE).glob("*/fragment/*.pf_fragment"))


def read_fragment(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes())[len(SIG):])


def write_fragment(path: Path, data: dict) -> None:
    path.write_bytes(gzip.compress(SIG + json.dumps(data, ensure_ascii=False).encode("utf-8"), mtime=0))


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
    assert not any("篡改文字" in p.read_bytes().decode("latin-1") for p in fragments(root))


@pytest.mark.parametrize("damage", ["delete words", "truncate part.json", "add a file", "unreadable"])
def test_a_damaged_part_is_rebuilt_and_search_still_works(built_sample, damage):
    root = built_sample
    part = next(p for p in (root / CACHE).iterdir() if p.is_dir())
    if damage == "delete words":
        (part / "words.gz").unlink()
    elif damage == "truncate part.json":
        (part / "part.json").write_text('{"format": "zb-part-2", "year"', encoding="utf-8")
    elif damage == "add a file":
        shutil.copy(next((part / "fragment").iterdir()), part / "fragment" / "2018zzzzzplanted.pf_fragment")
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
    assert all(p.read_bytes() != b"written by someone" for p in fragments(built_sample))


def test_a_planted_address_in_the_index_never_becomes_a_link(built_sample):
    """Even a consistent forgery of a part (its manifest rewritten) cannot send a reader elsewhere:
    result addresses are made by search.js from the issue id and anchor, checked by pattern."""
    from bulletins import searchbundle
    root = built_sample
    for victim in fragments(root):
        data = read_fragment(victim)
        data["meta"]["url"] = "javascript:alert(1)//"
        findings = json.loads(data["meta"]["findings"])
        if findings[0]["a"] == "jianggan-1":
            findings[0]["a"] = "x\"><img src=x onerror=alert(2)>"
        data["meta"]["findings"] = json.dumps(findings, ensure_ascii=False)
        write_fragment(victim, data)
    for part in {p.parent.parent for p in fragments(root)}:
        about = json.loads((part / "part.json").read_text(encoding="utf-8"))
        about["files"] = searchbundle.manifest(part)
        (part / "part.json").write_text(json.dumps(about, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    assert bulletins_build(root).returncode == 0
    with serve(root / "site") as url:
        [results, guide] = node_search(root / "site", url, [{"q": "办事"}, {"q": "引导标识"}])
    assert results and all(r["url"].startswith(url + "issues/2018-033/#") for r in results)
    assert guide == [], "a finding whose anchor is not an anchor is left out, not linked"


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
