"""The only module that speaks MkDocs: each event handed to the build in progress (Glue), which
turns a Site into generated files and page bodies. The process's state is the BuildState of the
Hooks object the hook file makes; the serve refresh, mkdocs.yml's reading and the search job are
modules of their own (serverefresh, siteconfig, searchindex)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

from markupsafe import Markup, escape

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from bulletins.data.state import BuildState
from bulletins.files import buildlock, installed, timeline
from bulletins.files.problems import ArchiveError
from bulletins.search import searchindex
from bulletins.web import guidewords, urls
from bulletins.web.build import Site, build_site
from . import csp, preview, serverefresh, servewatch, siteconfig, sitedir

log = logging.getLogger("mkdocs.plugins.bulletins")


class Glue:
    """Per-build state: created in on_pre_build, dropped when the next build starts."""

    def __init__(self, state: BuildState, serving: bool = False, lock: buildlock.BuildLock | None = None,
                 target: Path | None = None, staging: Path | None = None,
                 stopping: list[searchindex.IndexJob] | None = None,
                 settings: siteconfig.Settings = siteconfig.Settings()) -> None:
        self.state = state  # the process's: what this build may reuse and leaves for the next
        self.settings = settings  # mkdocs.yml's, read once by on_config
        self.site: Site | None = None
        self.target, self.staging = target, staging  # `mkdocs build`: the site folder, and where it is built
        self.search: searchindex.IndexJob | None = None
        self.stopping = stopping or []  # under serve: earlier builds' index jobs, stopped, perhaps not yet ended
        self.serving = serving  # `mkdocs serve`: pages first, the search index follows
        self.lock = lock
        self.errors: list[str] = []  # under serve, data errors shown on every page instead
        self.shared: int | None = None  # under serve: what every page's frame depends on (_frame_key)
        self.kept: list[str] = []  # a quick rebuild: pages left in the served folder as the last build wrote them
        self.page_keys: dict[str, tuple] = {}  # page src → what it shows, to keep its output under serve
        self.words: dict[str, str] = {}  # the guide's markers → this archive's names (guidewords)

    def files(self, files: Files, config) -> Files:
        timeline.mark("on_files")
        root = Path(config.config_file_path).parent
        serve = self.state.serve
        stats = preview.data_stats(root, serve.scanned, serve.changes) if self.serving else {}
        serve.scanned = stats if self.serving else None
        if self.serving and serve.refresh_dir is not None and serve.last:
            quick = self._quick(root, config, files, stats)
            if quick is not None:
                return quick
        def start_search(env, archive, flags) -> None:
            # MkDocs has already emptied site_dir; the index is written into site/pagefind/ while the
            # page specs are made and the pages render
            self._new_search(env, archive, flags, config, root)

        try:
            self.site = build_site(root, config.site_url or "", config.site_name, preview=self.serving,
                                   search_also=self.settings.search_also, state=self.state,
                                   on_model=None if self.serving else start_search)
        except ArchiveError as exc:
            if not self.serving:
                raise PluginError("数据有错误，站点未生成：\n" + "\n".join(map(str, exc.problems))) from None
            # The editor's preview: every page says what is wrong, and the next save rebuilds. The
            # last good preview stays served meanwhile (a half-saved file never takes it down).
            self.errors = [str(p) for p in exc.problems if p.is_error]
            log.info("数据有错误，预览中的每一页都列出了这些错误：\n" + "\n".join(self.errors))
            last = serve.last.get("site") if serve.last else None
            if last is not None:
                self.site = last
                self._guide(files, config)
                _add_files(files, config, last)
                return files
            for url in urls.NAV_PAGES:  # the nav names them: stand-ins keep the preview up
                if files.get_file_from_path(urls.src_of(url)) is None:
                    files.append(File.generated(config, urls.src_of(url), content="数据改正之前，本页暂不生成。\n"))
            return files
        timeline.mark("build_site: data loaded and checked, indexes and page specs made")
        self._guide(files, config)
        if "SOURCE_DATE_EPOCH" not in os.environ:  # sitemap dates never from the clock
            latest = self.site.archive.latest
            os.environ["SOURCE_DATE_EPOCH"] = str(siteconfig.source_date(root, latest.date if latest else None,
                                                                          self.site.draft_ids))
        for problem in self.site.problems:
            log.info(str(problem))
        if self.serving:
            self._new_search(self.site.env, self.site.archive, self.site.flags, config, root)
        _add_files(files, config, self.site)
        if self.serving:
            self.shared = _frame_key(root, config, self.site.pages)
            serve.last.update(site=self.site, stats=stats, frame=self.shared)
        return files

    def _new_search(self, env, archive, flags: dict, config, root: Path) -> None:
        """The search index job of this build: started at once by `mkdocs build`; under `mkdocs serve`
        started after the pages are served (the preview is not slowed), remembering what it made."""
        self.search = searchindex.IndexJob(env, archive, self._index_dir(config), root,
                                           remember=self.state.rendered if self.serving else None,
                                           start=not self.serving, flags=flags, fallback=self.state.fallback_cache)

    def _guide(self, files: Files, config) -> None:
        """The editors' guide for every kind of build (full, quick, kept while the data has errors):
        the project's when the archive has none, its markers filled with this archive's names."""
        self.words = guidewords.words(self.site.archive, config.site_name, self.settings.publisher)
        _add_guide(files, config)

    def _index_dir(self, config) -> Path:
        """Where the search index goes: with the pages being built; under serve, where it is
        served (it is merged after the pages are published, and replaces the last index in one step)."""
        return self.target if self.serving and self.target else Path(config.site_dir)

    def _quick(self, root: Path, config, files: Files, stats: dict) -> Files | None:
        """An edit of issue files only: their pages now, the rest as last written (preview.py)."""
        last, outputs = self.state.serve.last, self.state.serve.outputs
        made = preview.quick_site(last["site"], root, last["stats"], stats, self.state)
        if made is None:
            return None
        site, fresh = made
        shared = _frame_key(root, config, site.pages)
        kept = [u for u, spec in site.pages.items() if u not in fresh and u not in urls.NAV_PAGES and not spec.block]
        if shared != last["frame"] or any(u not in outputs for u in kept):
            return None
        self.site, self.shared, self.kept = site, shared, kept
        last.update(site=site, stats=stats)
        self._guide(files, config)
        _add_files(files, config, site, skip=set(kept), served=self.target)
        self._new_search(site.env, site.archive, site.flags, config, root)
        log.info(f"快速预览：重新生成 {len(fresh)} 期通报的页面，其余页面随后更新")
        return files

    def post_build(self, config) -> None:
        """Waits for the search index (started in `files`). Under `mkdocs serve` it does not
        wait: the rebuilt pages are served at once and search catches up a few seconds later (a
        newer rebuild cancels it); after a quick rebuild its pages replace theirs in the served folder
        and it asks for the full rebuild."""
        timeline.mark("on_post_build: every page written")
        if self.kept:  # a quick rebuild: its pages into the served folder; the full rebuild follows
            self._update_served()
            serverefresh.ask(self.state.serve)
        job = self.search
        if self.serving:  # the pages are served at once; self.search stays set for the next rebuild to cancel
            if not self.kept:  # the last index moves into the new site: its job must have ended
                self._end_stopping()
                self._publish(carry_index=True)
            if job is not None:
                job.start()
                threading.Thread(target=self._finish_later, args=(job,), daemon=True).start()
            return
        if job is None:
            self.release()
            return
        self.search = None
        try:
            n = job.finish()
        except searchindex.SearchIndexError as exc:
            raise PluginError(str(exc)) from None
        finally:
            self.release()
        for note in job.notes:
            log.info(f"注意：{note}")
        log.info(f"搜索索引：{n} 条记录")
        timeline.mark("search index finished")
        self._publish()

    def _update_served(self) -> None:
        """A quick rebuild's pages (the edited issues', the exports, the hand-written pages) replace
        theirs in the served folder one by one; every other page there stays as the last build
        wrote it (1,900 pages at 1,040 issues: a second to write again, nothing to leave). Its
        sitemap, which lists only the pages it made, is not taken."""
        if self.staging is None or self.target is None or _strict_warnings():
            return
        try:
            sitedir.update(self.staging, self.target, leave=("sitemap.xml", "sitemap.xml.gz"))
        except OSError as exc:
            raise PluginError(_write_failure(exc, self.target)) from None
        self.staging = None

    def _publish(self, carry_index: bool = False) -> None:
        """The finished build takes the site folder's place (sitedir.py), unless MkDocs is about to
        refuse it for warnings in strict mode (it counts them after this event). Under serve the
        last index moves into the new site (`carry_index`) until the new one is merged in its
        place: a reader searching while an editor saves never meets a site without search."""
        if self.staging is None or _strict_warnings():
            return
        try:
            old_index = self.target / searchindex.OUTPUT
            if carry_index and old_index.is_dir() and not (self.staging / searchindex.OUTPUT).exists():
                os.rename(old_index, self.staging / searchindex.OUTPUT)
            sitedir.publish(self.staging, self.target, serving=self.serving)
        except OSError as exc:
            raise PluginError(_write_failure(exc, self.target)) from None
        self.staging = None

    @staticmethod
    def _finish_later(job: searchindex.IndexJob) -> None:
        try:
            n = job.finish()
        except (searchindex.SearchIndexError, OSError, ValueError) as exc:
            if not job.cancelled:
                log.warning(f"搜索索引未能更新：{exc}")
            return
        if not job.cancelled:  # a newer rebuild took over
            for note in job.notes:
                log.info(f"注意：{note}")
            log.info(f"搜索索引已更新：{n} 条记录")

    def cancel(self, wait: bool = True) -> list[searchindex.IndexJob]:
        """A failed build or a new one in `mkdocs serve`: stop a Pagefind still running; the
        half-built folder goes, and the site folder stays as the last good build left it.
        Without `wait` (a new build under serve) the stopped jobs are returned, still ending: a
        quick rebuild does not wait for them (a tenth of a second at 1,040 issues)."""
        job, self.search = self.search, None
        if job is not None:
            job.cancel(wait=False)
            self.stopping.append(job)
        if wait:
            self._end_stopping()
        sitedir.discard(self.staging)
        self.staging = None
        self.release()
        stopping, self.stopping = self.stopping, []
        return stopping

    def _end_stopping(self) -> None:
        for job in self.stopping:
            job.cancel()  # waits for its workers and thread
        self.stopping = []

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def theme_env(self, env) -> None:
        env.globals["zb_build_errors"] = self.errors

    def page_markdown(self, markdown: str, page: Page) -> str:
        """Titles come from data, and Material prints page.title unescaped (<title>, <h1>, toc):
        an escaped Markup string is safe both where it is printed raw and where it is escaped.
        Under serve, a page whose body and frame are those of the last build is written as it
        was then (PASSTHROUGH): the theme's templates are most of a rebuild's time. A hand-written
        page's markers (the guide's `[[区县1]]`) name this archive's own districts and office."""
        spec = self._spec(page)
        if spec is None:
            return guidewords.fill(markdown, self.words)
        if spec is not None and not spec.block:
            page.title = Markup(escape(spec.title))
            if spec.short:
                page.meta["zb_short"] = spec.short
            if spec.feed:
                page.meta["zb_feed"] = spec.feed
            if self.shared is not None and self.site.key(spec.url) is not None:
                key = (self.shared, spec.url, self.site.key(spec.url))
                self.page_keys[page.file.src_uri] = key
                hit = self.state.serve.outputs.get(spec.url)
                if hit is not None and hit[0] == key:
                    page.meta["template"] = PASSTHROUGH
                    page.meta["zb_output"] = hit[1]
        return markdown

    def post_page(self, output: str, page: Page) -> str:
        spec = self._spec(page)
        key = self.page_keys.get(page.file.src_uri)
        if key is not None:
            self.state.serve.outputs[spec.url] = (key, output)
        if not self.serving and spec is not None:
            # MkDocs would keep every page's body until the build ends (about 300 MB of text at
            # 1,040 issues); nothing reads it once the page is written (search is Pagefind's)
            page.content = None
        # A published page carries its policy (csp.py); the preview does not: MkDocs's live reload
        # puts its own inline script into every page it serves.
        return output if self.serving else csp.with_policy(output)

    def post_template(self, output: str, name: str) -> str:
        """404.html, written from the theme rather than as a page: the same policy."""
        return csp.with_policy(output) if name.endswith(".html") and not self.serving else output

    def _spec(self, page: Page):
        if self.site is None or not page.file.src_uri.endswith("index.md"):
            return None
        return self.site.pages.get(page.file.src_uri[: -len("index.md")])

    def page_content(self, html: str, page: Page) -> str:
        spec = self._spec(page)
        if spec is None or "zb_output" in page.meta:
            return html
        url = spec.url
        body = self.site.render(url)
        when = self.site.update_date(url)
        if when:
            page.update_date = when
        if spec.block:
            return html + body
        if spec.toc:
            page.toc = get_toc([{"level": 2, "id": a, "name": Markup(escape(n)), "children": []}
                                for a, n in spec.toc])
        return body


def _add_files(files: Files, config, site: Site, skip: set[str] = frozenset(), served: Path | None = None) -> None:
    """The generated pages (but those in `skip`, left as they were) and the exports. `served`: a
    quick rebuild's exports are the last build's (37 MB at 1,040 issues), already in the served
    folder: each is linked into the new one, and MkDocs leaves a file that is its own source."""
    taken = {f.dest_uri: f.src_uri for f in files if not f.generated_by}  # hand-written pages and files

    def add(new: File) -> None:
        # MkDocs would keep one of two files with one address and drop the other with a note
        if files.get_file_from_path(new.src_uri) is not None or new.dest_uri in taken:
            raise PluginError(f"docs/{taken.get(new.dest_uri, new.src_uri)} 与生成的 {new.dest_uri} 地址相同 — "
                              "请给手写的页面换个文件名或文件夹")
        files.append(new)

    for url, spec in site.pages.items():
        if spec.block or url in skip:
            continue
        # No front matter: a title from data could break it (a quote, a backslash escape);
        # the title is set on the page itself in `page_markdown`.
        add(File.generated(config, urls.src_of(url), content="", inclusion=InclusionLevel.NOT_IN_NAV))
    for path, content in site.assets.items():
        if served is not None and _link_served(served / path, Path(config.site_dir) / path):
            add(File.generated(config, path, abs_src_path=str(served / path), inclusion=InclusionLevel.NOT_IN_NAV))
        else:
            add(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))


def _link_served(source: Path, target: Path) -> bool:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
        return True
    except OSError:
        return False


def _add_guide(files: Files, config) -> None:
    """The editors' guide: the archive's own docs/guide.md, or else the installed project's (an
    office's archive holds no copy, so an upgrade brings the guide's new text with it)."""
    if files.get_file_from_path("guide.md") is None and installed.GUIDE.is_file():
        files.append(File.generated(config, "guide.md", content=installed.GUIDE.read_text(encoding="utf-8"),
                                    inclusion=InclusionLevel.NOT_IN_NAV))


PASSTHROUGH = "zb-passthrough.html"  # prints page.meta.zb_output, the page as the last build wrote it


def _frame_key(root: Path, config, pages) -> int:
    """Everything a page's frame shows besides its own body: the config, the hand-written pages
    and the theme overrides (the nav, the header, the footer), and which pages exist."""
    parts = [Path(config.config_file_path).read_bytes()]
    for folder in (Path(config.docs_dir), installed.theme_dir(root)):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts += [str(path).encode(), path.read_bytes()]
    parts.append(repr(sorted(pages)).encode())
    return hash(tuple(parts))


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # unwinds like Ctrl-C: the indexer is ended and its scratch removed


class Hooks:
    """The process's side of the hook: made once by hooks/archive.py (MkDocs loads a hook file once
    per process), it holds the BuildState every build of the process shares and the build in
    progress, and hands each MkDocs event to that build."""

    def __init__(self) -> None:
        self.state = BuildState()
        self.serving = False
        self.current = Glue(self.state)
        self.settings = siteconfig.Settings()  # the archive's settings, read by each build's on_config

    def config(self, config) -> None:
        """The archive's settings, read and checked once per build (siteconfig); the address a
        release is built for (`bulletins publish --site-url`, mkdocs_run); the project's theme."""
        from .mkdocs_run import SITE_URL_ENV

        try:
            self.settings = siteconfig.read(config)
        except siteconfig.ConfigError as exc:
            raise PluginError(str(exc)) from None

        url = os.environ.get(SITE_URL_ENV)
        if url:
            config["site_url"] = url
        theme = installed.theme_dir(Path(config.config_file_path).parent).resolve()
        if all(Path(d).resolve() != theme for d in config.theme.dirs):  # an office's archive: the project's
            config.theme.dirs.insert(0, str(theme))

    def startup(self, command: str) -> None:
        self.serving = command == "serve"
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop_on_sigterm)

    def new_build(self, config) -> Glue:
        """Cancels what the previous build still runs (Pagefind under serve), waits for any other
        build into the same site folder, and starts afresh. `mkdocs build` writes into a new folder
        beside the site folder (MkDocs empties and fills that one); under serve MkDocs serves a
        folder of its own making."""
        stopping = self.current.cancel(wait=not self.serving)
        root, site = Path(config.config_file_path).parent, Path(config.site_dir)
        _refuse_special_files(root, config)
        if not self.serving:
            try:
                sitedir.check(root, site, Path(config.docs_dir))
            except sitedir.Refused as exc:
                raise PluginError(str(exc)) from None
        lock = buildlock.BuildLock(root, site)
        lock.acquire()
        try:  # under serve too: the served folder is replaced only by a finished build
            staging = sitedir.staging(site)
        except OSError as exc:
            lock.release()
            raise PluginError(_write_failure(exc, site)) from None
        config.site_dir = str(staging)
        self.current = Glue(self.state, serving=self.serving, lock=lock, target=site if staging else None,
                            staging=staging, stopping=stopping, settings=self.settings)
        return self.current

    def serve(self, server, config):
        root = Path(config.config_file_path).parent
        if servewatch.native(server):
            self.state.serve.changes = servewatch.watch_issues(server, root)
        else:
            log.info("预览按 MkDocs 的方式每半秒查看一次文件改动（此系统上不能用 inotify）")
        return serverefresh.watch(server, root, self.state.serve)

    def shutdown(self) -> None:
        self.current.cancel()


def _refuse_special_files(root: Path, config) -> None:
    for folder in (Path(config.docs_dir), Path(config.theme.custom_dir or config.docs_dir)):
        special = sitedir.special_file(folder)
        if special is not None:  # MkDocs would hang reading a FIFO, or stop with a traceback
            path, kind = special
            raise PluginError(f"{path.relative_to(root) if path.is_relative_to(root) else path} 不是普通文件，"
                              f"而是{kind} — 站点只能由普通文件生成，请移走它")


def _write_failure(exc: OSError, site: Path) -> str:
    from bulletins.files.safefile import write_reason

    where = f"（{exc.filename}）" if exc.filename else ""
    return f"无法写入站点 {site}{where}：{write_reason(exc)} — 请检查磁盘空间和文件夹权限。原来的站点没有改动。"


def _strict_warnings() -> bool:
    from mkdocs.utils import CountHandler

    return any(isinstance(h, CountHandler) and h.get_counts() for h in logging.getLogger("mkdocs").handlers)
