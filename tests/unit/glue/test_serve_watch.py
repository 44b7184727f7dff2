"""The preview's watching and its quick update, in-process: what starts a rebuild, what an edit
touched, and how a quick rebuild's pages reach the served folder."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer

from bulletins.glue import preview, servewatch, sitedir


def _server(root: Path) -> LiveReloadServer:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root / "site"))
    server.watch(str(root / "docs"))
    return server


def _wait_rebuild(server: LiveReloadServer, timeout: float = 10) -> bool:
    with server._rebuild_cond:
        wanted = server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=timeout)
        server._want_rebuild = False
    return wanted


@pytest.fixture()
def watched(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    (tmp_path / "issues" / "2018-033").mkdir(parents=True)
    (tmp_path / "issues" / "2018-033" / "gongshu.yaml").write_text("district: 拱墅区\n", encoding="utf-8")
    server = _server(tmp_path)
    assert servewatch.native(server)
    changes = servewatch.watch_issues(server, tmp_path)
    server.watch(str(tmp_path / "issues"))
    server.observer.start()
    yield tmp_path, server, changes
    server.observer.stop()
    server.observer.join(timeout=10)


def test_reading_the_archive_starts_no_rebuild_and_writing_one_file_does(watched, caplog):
    """A rebuild reads every issue file: were a read a change, the preview would rebuild forever."""
    root, server, _changes = watched
    caplog.set_level(logging.DEBUG, logger="mkdocs.livereload")
    for _ in range(20):
        (root / "issues" / "2018-033" / "gongshu.yaml").read_text(encoding="utf-8")
        (root / "docs" / "index.md").read_text(encoding="utf-8")
    (root / "docs" / "index.md").write_text("# 首页（改）\n", encoding="utf-8")
    assert _wait_rebuild(server)
    seen = [r.getMessage() for r in caplog.records if "Event" in r.getMessage()]
    assert seen and all("index.md" in m for m in seen), seen  # only the write, never the reads


def test_the_issue_folders_an_edit_touched_are_named_and_nothing_else_is_looked_at(watched):
    root, server, changes = watched
    before = preview.data_stats(root)
    (root / "issues" / "2018-034").mkdir()
    (root / "issues" / "2018-034" / "issue.yaml").write_text("number: 34\n", encoding="utf-8")
    (root / "issues" / "2018-033" / "gongshu.yaml").write_text("district: 拱墅区\n# 改\n", encoding="utf-8")
    (root / "issues" / "2018-035").mkdir()  # one event, after every event of the writes above (the kernel keeps order)
    assert _wait_rebuild(server)
    seen = threading.Event()
    for _ in range(200):  # until the last event is in: then no event of the writes can trail
        with changes.lock:
            if "issues/2018-035" in changes.folders:
                seen.set()
                break
        seen.wait(0.05)
    assert seen.is_set(), changes.folders
    with changes.lock:
        assert {"issues/2018-033", "issues/2018-034", "issues/2018-035"} == changes.folders
    now = preview.data_stats(root, before, changes)
    assert now == preview.data_stats(root)  # the same as looking at everything
    assert changes.take() == set()  # taken: the next rebuild starts from nothing


def test_a_change_to_issues_itself_makes_the_next_look_a_whole_one_and_a_loose_file_is_seen(tmp_path):
    (tmp_path / "issues" / "2018-033").mkdir(parents=True)
    (tmp_path / "issues" / "2018-033" / "gongshu.yaml").write_text("district: 拱墅区\n", encoding="utf-8")
    before = preview.data_stats(tmp_path)
    changes = servewatch.Changes(tmp_path)

    class Event:
        def __init__(self, path: Path) -> None:
            self.src_path = str(path)

    changes.on_any_event(Event(tmp_path / "issues"))
    assert changes.take() is None  # everything is looked at again
    (tmp_path / "issues" / "说明.txt").write_text("不是一期通报", encoding="utf-8")
    changes.on_any_event(Event(tmp_path / "issues" / "说明.txt"))
    now = preview.data_stats(tmp_path, before, changes)
    assert now == preview.data_stats(tmp_path) and "issues/说明.txt" in now


def test_a_quick_update_replaces_the_built_pages_in_the_served_folder_and_leaves_the_rest(tmp_path):
    served, built = tmp_path / "site", tmp_path / ".site.building-1"
    for rel, text in (("issues/2018-033/index.html", "旧"), ("districts/gongshu/index.html", "区县页"),
                      ("sitemap.xml", "全部页面"), (sitedir.MARKER, sitedir.MARKER_TEXT)):
        (served / rel).parent.mkdir(parents=True, exist_ok=True)
        (served / rel).write_text(text, encoding="utf-8")
    reader = (served / "issues/2018-033/index.html").open(encoding="utf-8")  # a browser mid-read
    for rel, text in (("issues/2018-033/index.html", "新"), ("sitemap.xml", "只有新页面"), ("guide/index.html", "指南")):
        (built / rel).parent.mkdir(parents=True, exist_ok=True)
        (built / rel).write_text(text, encoding="utf-8")
    sitedir.update(built, served, leave=("sitemap.xml",))
    assert (served / "issues/2018-033/index.html").read_text(encoding="utf-8") == "新"
    assert reader.read() == "旧"  # replaced by a rename: whoever was reading reads the old page whole
    reader.close()
    assert (served / "districts/gongshu/index.html").read_text(encoding="utf-8") == "区县页"
    assert (served / "guide/index.html").read_text(encoding="utf-8") == "指南"
    assert (served / "sitemap.xml").read_text(encoding="utf-8") == "全部页面"
    assert not built.exists()


def test_a_served_site_is_replaced_whole_and_its_old_folder_goes_after(tmp_path):
    served, built = tmp_path / "site", sitedir.staging(tmp_path / "site")
    (served / "old.html").parent.mkdir(parents=True)
    (served / "old.html").write_text("旧", encoding="utf-8")
    (built / "new.html").write_text("新", encoding="utf-8")
    sitedir.publish(built, served, serving=True)
    assert sorted(os.listdir(served)) == sorted([sitedir.MARKER, "new.html"])
    for thread in threading.enumerate():
        if thread.name == "zb-old-site":
            thread.join(timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside it
    again = sitedir.staging(served)  # the next build's folder: free at once
    assert again.is_dir() and not any(again.iterdir())


def test_without_inotify_the_server_keeps_polling_every_path_it_watched(tmp_path, monkeypatch):
    from watchdog.observers.inotify import InotifyObserver
    from watchdog.observers.polling import PollingObserver

    (tmp_path / "docs").mkdir()
    server = _server(tmp_path)
    server.watch(str(tmp_path / "docs"))  # twice: MkDocs counts it
    before = dict(server._watched_paths)

    def refuse(self, *args, **kwargs):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(InotifyObserver, "schedule", refuse)
    assert not servewatch.native(server)
    assert isinstance(server.observer, PollingObserver) and server._watched_paths == before
    assert set(server._watch_refs) == set(before)
