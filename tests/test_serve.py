"""`mkdocs serve` as an editor uses it: an edit shows on the page, then in search, rebuild after rebuild."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN, fetch, node_search, serving, until


def _get(url: str) -> str:
    return fetch(url)[1]


def _finds(site: Path, url: str, query: str) -> list[str] | None:
    """Anchors found for the literal words, or None while the index is being rewritten (search catches
    up after pages). Literal: with synonyms (母婴室 = 哺乳室) the index before the edit finds them too."""
    try:
        return [r["anchor"] for r in node_search(site, url, [{"q": query, "literal": True}])[0]]
    except AssertionError:
        return None


@pytest.mark.slow  # a real `mkdocs serve`, edited twice
def test_edits_show_on_pages_and_in_search_rebuild_after_rebuild(archive, tmp_path):
    log = tmp_path / "serve.log"
    with serving(archive, log, "mkdocs") as url:
        assert until(lambda: "Serving on" in log.read_text(encoding="utf-8")), log.read_text(encoding="utf-8")
        module = tmp_path / "search.js"
        assert until(lambda: "export async function search" in _get(url + "search/search.js"))
        module.write_text(_get(url + "search/search.js"), encoding="utf-8")
        site = tmp_path / "js-site"
        (site / "search").mkdir(parents=True)
        (site / "search" / "search.js").write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
        (site / "search" / "facets.js").write_text(_get(url + "search/facets.js"), encoding="utf-8")
        data = archive / "issues" / "2018-033" / "jianggan.yaml"
        for old, new in (("母婴室", "哺乳室"), ("哺乳室", "育婴室")):
            data.write_text(data.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
            assert until(lambda: new in _get(url + "issues/2018-033/")), f"page never showed {new}"
            assert old not in _get(url + "issues/2018-033/")
            assert until(lambda: _finds(site, url, new) == ["jianggan-2"]), f"search never found {new}"
            assert node_search(site, url, [{"q": old, "literal": True}]) == [[]]  # literal: no synonyms (母婴室 = 哺乳室)
        # pages unchanged since the last build are written as they were then: never a stale one
        # the edited issue's page comes first (a quick rebuild), the rest of the archive right after
        assert "快速预览" in log.read_text(encoding="utf-8")
        assert until(lambda: "育婴室" in _get(url + "districts/jianggan/")), "the district page stayed behind"
        assert "哺乳室" not in _get(url + "districts/jianggan/")
        config = archive / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("publisher: ", "publisher: 试编："), encoding="utf-8")
        for page in ("issues/2018-033/", "districts/jianggan/", "types/"):
            assert until(lambda: "试编：" in _get(url + page)), f"{page} kept its old footer"
        text = log.read_text(encoding="utf-8")
        assert "Traceback" not in text and "未能更新" not in text
        assert len(re.findall(r"Reloading browsers", text)) >= 2


@pytest.mark.slow  # a real `mkdocs serve`, read without pause while an editor saves
def test_the_served_site_and_its_search_never_go_missing_while_it_rebuilds(archive, tmp_path):
    import threading

    log = tmp_path / "serve.log"
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def reader(url: str) -> None:  # a reader's browser, asking again and again (bounded by `stop`)
        while not stop.is_set():
            for path in ("pagefind/pagefind.js", "pagefind/pagefind-entry.json", "issues/2018-033/", "search/facets.js"):
                seen.append((path, fetch(url + path)[0]))
            time.sleep(0.02)

    with serving(archive, log) as url:
        assert until(lambda: fetch(url + "pagefind/pagefind.js")[0] == 200), log.read_text(encoding="utf-8")
        thread = threading.Thread(target=reader, args=(url,), daemon=True)
        thread.start()
        try:
            data = archive / "issues" / "2018-033" / "jianggan.yaml"
            for old, new in (("母婴室", "哺乳室"), ("哺乳室", "育婴室"), ("育婴室", "母婴室")):
                said = len(log.read_text(encoding="utf-8"))
                data.write_text(data.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
                assert until(lambda: new in _get(url + "issues/2018-033/")), f"page never showed {new}"
            # read on until the last edit's index has been merged in (the moment it could go missing),
            # and for at least a hundred reads in all
            assert until(lambda: "搜索索引已更新" in log.read_text(encoding="utf-8")[said:] and len(seen) > 100), \
                log.read_text(encoding="utf-8")
        finally:
            stop.set()
            thread.join(timeout=30)
    missing = [(p, s) for p, s in seen if s != 200]
    assert len(seen) > 100 and missing == [], missing[:10]


@pytest.mark.parametrize("address,message", [("localhost", "应写成 主机:端口"), ("127.0.0.1:99999", "应写成 主机:端口"),
                                             ("nosuchhost.invalid:8000", "找不到主机")])
def test_serve_refuses_a_bad_address_in_one_chinese_line_before_building(archive, address, message):
    result = subprocess.run([str(BIN / "bulletins"), "serve", "-a", address], cwd=archive, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and "Building" not in result.stderr and not (archive / "site").exists()


def test_serve_on_a_busy_port_says_so_before_building(archive):
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([str(BIN / "bulletins"), "serve", "-a", f"127.0.0.1:{port}"], cwd=archive,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and f"端口 {port} 已被占用" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.slow  # a real `bulletins serve`, with a half-saved file
def test_a_half_saved_file_keeps_the_last_good_preview_with_the_errors_on_it(archive, tmp_path):
    log = tmp_path / "serve.log"
    with serving(archive, log) as url:
        assert until(lambda: "母婴室" in _get(url + "issues/2018-033/")), log.read_text(encoding="utf-8")
        data = archive / "issues" / "2018-033" / "jianggan.yaml"
        good = data.read_text(encoding="utf-8")
        data.write_text(good[: len(good) // 2] + "\n  - text: [未写完", encoding="utf-8")  # saved half-way
        assert until(lambda: "预览未更新" in _get(url + "issues/2018-033/")), log.read_text(encoding="utf-8")
        for page in ("issues/2018-033/", "districts/jianggan/", "archive/"):
            body = _get(url + page)
            assert "预览未更新" in body and "jianggan.yaml" in body, page  # the page, and what is wrong
        assert "母婴室" in _get(url + "issues/2018-033/")  # the last good data, not a 404
        guide = _get(url + "guide/")
        assert "[[区县" not in guide and "上城区" in guide  # its markers filled on every kind of rebuild
        data.write_text(good.replace("母婴室", "哺乳室"), encoding="utf-8")
        assert until(lambda: "哺乳室" in _get(url + "issues/2018-033/") and "预览未更新" not in _get(url + "issues/2018-033/"))
        data.write_text(good.replace("母婴室", "育婴室"), encoding="utf-8")  # an issue file only: a quick rebuild
        assert until(lambda: "育婴室" in _get(url + "issues/2018-033/"))
        guide = _get(url + "guide/")
        assert "[[区县" not in guide and "上城区" in guide
