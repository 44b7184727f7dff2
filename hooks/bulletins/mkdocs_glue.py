"""The only module that speaks MkDocs: turns a Site into generated files and page bodies."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import gitdata, searchindex, urls
from .build import Site, build_site
from .problems import ArchiveError

log = logging.getLogger("mkdocs.plugins.bulletins")


class Glue:
    """Per-build state: created in on_pre_build, dropped when the next build starts."""

    def __init__(self, serving: bool = False) -> None:
        self.site: Site | None = None
        self.search: searchindex.IndexJob | None = None
        self.serving = serving  # `mkdocs serve`: pages first, the search index follows

    def files(self, files: Files, config) -> Files:
        root = Path(config.config_file_path).parent
        if "SOURCE_DATE_EPOCH" not in os.environ:  # sitemap dates from git, never the clock
            os.environ["SOURCE_DATE_EPOCH"] = str(gitdata.last_commit_time(root) or 0)
        try:
            self.site = build_site(root, config.site_url or "", config.site_name)
        except ArchiveError as exc:
            raise PluginError("数据有错误，站点未生成：\n" + "\n".join(map(str, exc.problems))) from None
        for problem in self.site.problems:
            log.info(str(problem))
        # MkDocs has already emptied site_dir; Pagefind writes site/pagefind/ while pages render
        # (under `mkdocs serve` it starts after them, so that the preview is not slowed).
        self.search = searchindex.IndexJob(self.site.env, self.site.archive, Path(config.site_dir),
                                           keep_records=self.serving, start=not self.serving)
        for url, spec in self.site.pages.items():
            src = urls.src_of(url)
            if spec.block:
                continue
            if files.get_file_from_path(src) is not None:
                raise PluginError(f"docs/{src} 与生成的页面地址冲突 — 请改名或删除该文件")
            front = f"---\ntitle: \"{spec.title}\"\n---\n"
            files.append(File.generated(config, src, content=front, inclusion=InclusionLevel.NOT_IN_NAV))
        for path, content in self.site.assets.items():
            files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    def post_build(self, config) -> None:
        """Waits for Pagefind (started in `files`) and makes its output byte-stable. Under
        `mkdocs serve` it does not wait: the rebuilt pages are served at once and search catches
        up a few seconds later (a newer rebuild cancels it)."""
        job = self.search
        if job is None:
            return
        if self.serving:  # self.search stays set, so that the next rebuild can cancel it
            job.start()
            threading.Thread(target=self._finish_later, args=(job,), daemon=True).start()
            return
        self.search = None
        try:
            n = job.finish()
        except searchindex.SearchIndexError as exc:
            raise PluginError(str(exc)) from None
        log.info(f"搜索索引：{n} 条记录")

    @staticmethod
    def _finish_later(job: searchindex.IndexJob) -> None:
        try:
            n = job.finish()
        except (searchindex.SearchIndexError, OSError, ValueError) as exc:
            if not job.cancelled:
                log.warning(f"搜索索引未能更新：{exc}")
            return
        log.info(f"搜索索引已更新：{n} 条记录")

    def cancel(self) -> None:
        """A failed build or a new one in `mkdocs serve`: stop a Pagefind still running."""
        if self.search is not None:
            self.search.cancel()
            self.search = None

    def page_content(self, html: str, page: Page) -> str:
        if self.site is None:
            return html
        url = page.file.src_uri[: -len("index.md")] if page.file.src_uri.endswith("index.md") else None
        spec = self.site.pages.get(url) if url is not None else None
        if spec is None:
            return html
        body = self.site.render(url)
        when = self.site.update_date(url)
        if when:
            page.update_date = when
        if spec.block:
            return html + body
        if spec.toc:
            page.toc = get_toc([{"level": 2, "id": a, "name": n, "children": []} for a, n in spec.toc])
        return body


# Process-wide state. `mkdocs serve` re-executes the hook file for each rebuild but keeps this
# package imported, so the mode and the build in progress (and every cache) live here.
_serving = False
_current = Glue()


def startup(command: str) -> None:
    global _serving
    _serving = command == "serve"


def new_build() -> Glue:
    """Cancels what the previous build still runs (Pagefind under serve) and starts afresh."""
    global _current
    _current.cancel()
    _current = Glue(serving=_serving)
    return _current


def current() -> Glue:
    return _current
