"""`mkdocs serve` as an editor uses it: an edit shows on the page, then in search, rebuild after rebuild."""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest
import urllib.request
from pathlib import Path

from bulletins import localweb
from conftest import BIN, node_search, until


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def _finds(site: Path, url: str, query: str) -> list[str] | None:
    """Anchors found, or None while the index is being rewritten (search catches up after pages)."""
    try:
        return [r["anchor"] for r in node_search(site, url, [{"q": query}])[0]]
    except AssertionError:
        return None


@pytest.mark.slow  # a real `mkdocs serve`, edited twice
def test_edits_show_on_pages_and_in_search_rebuild_after_rebuild(archive, tmp_path):
    port = localweb.free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"], cwd=archive,
                                stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    try:
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
            assert node_search(site, url, [{"q": old}]) == [[]]
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
    finally:
        proc.terminate()
        proc.wait(timeout=30)
