"""The pipeline, with no MkDocs in it: load → validate → model → indexes → page specs + exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment

from bulletins.analysis import patterns
from bulletins.analysis.indexes import Indexes, build_indexes
from bulletins.data import gitdata
from bulletins.data.load import load_archive
from bulletins.data.model import Archive
from bulletins.data.state import BuildState
from bulletins.files import installed
from bulletins.files.problems import ArchiveError, Problem, errors
from bulletins.review import history
from . import export, facets, render
from .pages import PageSpec, SiteData, all_pages


@dataclass
class Site:
    archive: Archive
    indexes: Indexes
    pages: dict[str, PageSpec]
    assets: dict[str, bytes]  # path in the site → content
    problems: list[Problem]
    env: Environment
    changed: dict
    templates: int  # a version of our page templates: part of every cached page's key
    flags: dict  # finding id → values of the search filter 规律 (patterns.flags)
    data: SiteData | None = None  # what the pages were made from (a quick rebuild under serve reuses it)
    keep: bool = False  # under serve: page bodies kept for the next build, which renders only changes
    draft_ids: tuple[str, ...] = ()  # every draft's id (published or not in this preview)
    bodies: dict = field(default_factory=dict)  # BuildState.bodies: url → (fingerprint, body)
    _keys: dict = field(default_factory=dict)

    def update_date(self, url: str) -> str | None:
        """The sitemap date of a page: when its issue's data last changed in git."""
        issue = self.pages[url].context.get("issue") if url in self.pages else None
        if issue is None:
            return None
        when = self.changed.get(issue.id) or issue.date  # outside git: the issue's own date
        return when.isoformat()

    def key(self, url: str) -> int | None:
        """A fingerprint of what the page at `url` shows (None: render it every time)."""
        if url not in self._keys:
            self._keys[url] = _fingerprint(self.pages[url], self.templates)
        return self._keys[url]

    def render(self, url: str) -> str:
        spec = self.pages[url]
        if not self.keep:  # a one-off build: nothing to compare with, nothing to keep
            return render.render(self.env, spec.template, url, spec.context)
        key = self.key(url)
        hit = self.bodies.get(url)
        if key is not None and hit is not None and hit[0] == key:
            return hit[1]
        body = render.render(self.env, spec.template, url, spec.context)
        if key is not None:
            self.bodies[url] = (key, body)
        return body


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    return value


def _fingerprint(spec: PageSpec, templates: int) -> int | None:
    try:
        return hash((spec.template, spec.title, templates, _freeze(spec.context)))
    except TypeError:  # something unhashable in the context: render every time
        return None


def _templates_version(root: Path) -> int:
    folder = installed.templates_dir(root)
    return hash(tuple((p.name, p.read_bytes()) for p in sorted(folder.glob("*.html"))))


def build_site(root: Path, site_url: str, site_name: str, preview: bool = False,
               search_also: tuple[tuple[str, str], ...] = (), state: BuildState | None = None,
               on_model: Callable[[Environment, Archive, dict], None] | None = None) -> Site:
    """The site of the published issues. Drafts appear nowhere; with `preview` (mkdocs serve)
    each draft also gets its own page, marked 草稿, reachable from the home page only. `state` is
    the process's (what an earlier build left that this one may reuse). `on_model(env, archive,
    flags)` is called as soon as the published model and its 规律 are known: the search index needs
    nothing more, and starts while the page specs and exports are made."""
    state = state or BuildState()
    everything, problems = load_archive(root, state=state)
    if everything is None or errors(problems):
        raise ArchiveError(problems)
    archive = Archive(everything.registry, tuple(i for i in everything.issues if not i.draft))
    drafts = tuple(i for i in everything.issues if i.draft) if preview else ()
    indexes = build_indexes(archive)
    earlier = patterns.earlier_findings(archive)
    links = patterns.follow_links(archive)
    open_promises = patterns.open_promises(archive, links.followed_by)
    flags = patterns.flags(earlier, open_promises)
    env = render.environment(root, state.environments)
    env.globals["registry"] = archive.registry
    if on_model is not None:
        on_model(env, archive, flags)
    commits = gitdata.commits_by_issue(root)
    changed = history.last_changed(commits)
    fixes = history.corrections(root, commits, archive)
    data = SiteData(archive, indexes, changed, fixes, drafts, earlier, links, open_promises, flags)
    pages = all_pages(data)
    version = hash((archive.registry, archive.issues, site_url, site_name, search_also))
    exports = state.exports
    if exports.get("version") != version:  # under `mkdocs serve`, only when the data changed
        exports.clear()
        exports.update(version=version, assets={
            export.ARCHIVE_JSON: export.archive_json(archive, earlier, links),
            export.FINDINGS_CSV: export.findings_csv(archive),
            export.FEED: export.feed_xml(archive, site_url, site_name),
            export.SEARCH_NAMES: export.search_names(archive, search_also, site_name),
            export.SEARCH_SOUNDS: export.search_sounds(archive),
            facets.MODULE: facets.module(),
            **export.feeds(archive, indexes, site_url, site_name),
        })
    return Site(archive, indexes, pages, exports["assets"], problems, env, changed, _templates_version(root), flags,
                data, keep=preview, bodies=state.bodies,
                draft_ids=tuple(i.id for i in everything.issues if i.draft))
